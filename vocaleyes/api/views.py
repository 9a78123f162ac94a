"""The API's own pages: its root (a list of what is there), the schema and the docs page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from vocaleyes.security_headers import CONTENT_SECURITY_POLICY

# The docs page's viewer (Swagger UI, served from this site by drf-spectacular-sidecar) sets
# style attributes as it draws; scripts stay this site's own.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    """Where to start: the schema, the docs and the top-level lists."""

    def link(name: str) -> str:
        return reverse(name, request=request)

    return Response(
        {
            "description": str(_("The VocalEyes API. Read the docs page for every operation.")),
            "schema": link("api-v1:schema"),
            "docs": link("api-v1:docs"),
            "organisations": link("api-v1:organisation-list"),
            "conversations": link("api-v1:conversation-list"),
        }
    )


class Schema(SpectacularAPIView):
    """The OpenAPI schema, its descriptions in the request's language (``?lang=cy`` also works)."""


@extend_schema(exclude=True)
class Docs(SpectacularSwaggerSplitView):
    """The browsable docs, in the page's language (their own page and ``/cy/api/v1/docs/``)."""

    template_name = "api/docs.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    def _get_schema_url(self, request: HttpRequest) -> str:
        url = super()._get_schema_url(request)
        language = translation.get_language() or "en"
        separator = "&" if "?" in url else "?"
        return url if "lang=" in url else f"{url}{separator}lang={language}"
