"""Pages for a person's data rights (issue 14): download everything, delete the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import deletion
from .data_rights import personal_data
from .data_rights_forms import AccountDeleteForm
from .errors import Refusal
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


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in person's account, once they have typed their email address; then
    sign them out and say so on the home page."""
    user: User = request.user  # type: ignore[assignment]
    refusal = deletion.account_delete_refusal(user=user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=user)
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            deletion.account_delete(user=user)
        except Refusal as caught:
            refusal = caught
        else:
            logout(request)
            messages.success(request, gettext_lazy("Your account has been deleted."))
            return redirect("home")
    return render(request, "account/delete.html", {"form": form, "refusal": refusal})
