"""Pages for a person's data rights (issue 14): download everything, delete the account."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .data_rights import personal_data
from .models import User


@require_GET
@login_required
@never_cache
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything about the signed-in person as a JSON file (suspended people too: it is theirs)."""
    user: User = request.user  # type: ignore[assignment]
    body = json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"vocaleyes-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
