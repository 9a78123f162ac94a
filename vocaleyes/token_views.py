"""API tokens on the profile page (issue 14): make one (its full text is shown once, on the
answer to the POST, and never kept: not in the session, a message or a URL), and revoke one.

The rules are the service's (``vocaleyes.services.api_token_create`` refuses a suspended person
and a person with too many live tokens; ``api_token_revoke`` lets only the owner revoke, and
lets a suspended person revoke). Here a person's token is looked up among their own, so another
person's token is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from . import services
from .errors import Refusal
from .flash import lazy_message
from .models import ApiToken, User
from .throttle import throttle
from .token_forms import ApiTokenForm


def _profile_section() -> str:
    return reverse("profile") + "#api-tokens"


@login_required
@never_cache  # Cache-Control: no-store: the answer holds the token's full text
@throttle("token")
def token_create(request: HttpRequest) -> HttpResponse:
    """The form (also on the profile page), and on a valid POST the new token, shown once."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            token, text = services.api_token_create(user=user, name=form.cleaned_data["name"])
        except Refusal as refusal:
            refusal.add_to(form)
        else:
            # Rendered, not redirected: a redirect would have to carry the text somewhere.
            return render(request, "account/token_created.html", {"token": token, "text": text})
    return render(request, "account/token_new.html", {"form": form})


def _own_token(user: User, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, user=user)


@login_required
@never_cache
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then revoke: the token stops working at once and stays listed as revoked."""
    user: User = request.user  # type: ignore[assignment]
    token = _own_token(user, pk)
    if request.method == "POST":
        services.api_token_revoke(token=token, by=user)
        messages.success(
            request,
            lazy_message(gettext_lazy("The API token “%(name)s” has been revoked."), name=token.name),
        )
        return redirect(_profile_section())
    if not token.is_live:
        return redirect(_profile_section())
    return render(request, "account/token_revoke.html", {"token": token})
