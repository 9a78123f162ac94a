"""JSON bodies, refused beyond ``API_MAX_BODY_BYTES`` (64 kB unless set).

DRF reads a JSON body straight from the request stream, past Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE``; the longest thing anyone sends (an idea's text, 5,000
characters) fits many times over, so a larger body is refused before it is read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class LimitedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            length = 0
        if length > limit:
            raise ParseError(gettext("The request is too large. Send less at a time."), code="too_large")
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(gettext("The body is not valid JSON."), code="parse_error") from None
