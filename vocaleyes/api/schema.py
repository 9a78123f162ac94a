"""How the OpenAPI schema describes errors: every operation lists the error answers it can give,
each with the one error body (``vocaleyes.errors.api_exception_handler``).

Any request can carry a bad token (401), meet a predicate that says no (403; on reads, an
invitation-only conversation) or name something that is not there or a page past the end (404);
an operation with query parameters or a body can be sent bad values (400), and writes meet the
rate limits (429). Views declare their success answers; this class adds the errors they do not
declare themselves, so that the schema says what the API really answers (schemathesis checks it).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

SAFE = {"GET", "HEAD", "OPTIONS"}


class ErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField(help_text="What went wrong, in the language asked for.")
    code = serializers.CharField(
        help_text="A stable word for the kind of error, e.g. `invalid`, `not_found`."
    )
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each field sent wrongly, its messages (empty when the error is not about a field).",
    )


ERRORS = {
    "400": "Something sent is not valid; `fields` says what.",
    "401": "The API token is missing where one is needed, not valid, or revoked.",
    "403": "You may not do this (for instance: suspended, not yours, or the conversation is closed).",
    "404": "Not found, not visible to you, or a page past the end of the list.",
    "429": "Too many of these in a short time; try again after `Retry-After` seconds.",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        codes = ["401", "403", "404"]
        if self.method not in SAFE or self._has_query_parameters():
            codes.append("400")
        if self.method not in SAFE:
            codes.append("429")
        for code in sorted(codes):
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _has_query_parameters(self) -> bool:
        return bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or any(getattr(p, "location", None) == "query" for p in self.get_override_parameters())
        )
