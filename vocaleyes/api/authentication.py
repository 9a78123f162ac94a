"""Per-person API tokens: ``Authorization: Bearer ve_<prefix>_<secret>``.

A token is made by :func:`vocaleyes.services.api_token_create`, which returns the full text once
and stores only its prefix (to find the row) and a SHA-256 digest of the whole (to check it).
The secret part is 32 random bytes, so a plain digest is as strong as a slow hash would be for a
password, and costs microseconds per request. A revoked token, or one whose person is inactive
or deleted, authenticates nobody. Each use records ``last_used_at`` at most once a minute.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from vocaleyes.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.request import Request

    from vocaleyes.models import User

KEYWORDS = (b"bearer", b"token")
LAST_USED_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Accepts ``Bearer <token>`` (or ``Token <token>``)."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Give the API token after “Bearer ” and nothing else."))
        try:
            text = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That API token is not valid.")) from None
        token = ApiToken.objects.find(text)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("That API token is not valid, or has been revoked."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # 401 (not 403) for a missing or bad token, with the scheme to use.
        return 'Bearer realm="api"'


def token_from(request: Any) -> ApiToken | None:
    """The token a request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the tokens (registered by being defined)."""

    target_class = "vocaleyes.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on your profile page: `Bearer ve_…`.",
        }
