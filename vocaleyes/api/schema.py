"""How the OpenAPI schema describes errors: every operation lists the error answers it can give,
each with the one error body (``vocaleyes.errors.api_exception_handler``).

Any request can carry a bad token (401), meet a predicate that says no (403; on reads, an
invitation-only conversation) or name something that is not there or a page past the end (404);
an operation with query parameters or a body can be sent bad values (400), and writes meet the
rate limits (429). A view that declares its answers with ``extend_schema(responses={...})``
declares its errors too, and gets only the 401; the others get every error their kind of
operation can give. So the schema says what the API really answers (schemathesis checks it).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

SAFE = {"GET", "HEAD", "OPTIONS"}

# "Not blank" as the API decides it (Python's ``str.strip``, as forms and the strict filters
# strip): at least one character that is not whitespace. Spelled out rather than ``\S``, whose
# whitespace differs (ECMA's ``\s`` lacks U+001C-U+001F and U+0085, and has U+FEFF).
PY_WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{PY_WHITESPACE}]"
# Text with a NUL character in it, which Django's and DRF's text fields refuse.
NO_NUL: dict[str, Any] = {"pattern": "\\u0000"}


def not_blank(least: int = 1) -> str:
    """A pattern for text of at least ``least`` characters once stripped."""
    if least <= 1:
        return NOT_BLANK
    return f"{NOT_BLANK}[\\s\\S]{{{least - 2},}}{NOT_BLANK}"


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
        # Any request may carry a token that is not valid: 401 everywhere.
        codes = {"401"}
        # What the ground floor itself answers, whether or not the view declared its answers:
        # a paginated list refuses a bad ``page_size`` or ``page`` (400) and a page past the end
        # (404, ``pagination.Pagination``); strict filters refuse a bad or empty value (400).
        if self._get_pagination_parameters():
            codes |= {"400", "404"}
        if self._get_filter_parameters():
            codes.add("400")
        # A view that declares its answers (``extend_schema(responses={...})``) knows its other
        # errors; for the others, the errors every operation of their kind can give.
        if not isinstance(self.get_response_serializers(), dict):
            codes |= {"403", "404"}
            if self.method not in SAFE or self._has_query_parameters():
                codes.add("400")
            if self.method not in SAFE:
                codes.add("429")
        for code in sorted(codes):
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _get_request_body(self, direction: Any = "request") -> Any:
        """A body given as a raw schema (``request={"application/json": {...}}``) with required
        fields is itself required, as it is for a serializer."""
        body = super()._get_request_body(direction)
        if isinstance(body, dict) and not body.get("required"):
            schemas = [media.get("schema", {}) for media in body.get("content", {}).values()]
            if any(isinstance(schema, dict) and schema.get("required") for schema in schemas):
                body["required"] = True
        return body

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        """The filters, each saying that it takes a value when given (``filters.FilterBackend``
        refuses ``?status=`` or ``?organisation=%20`` rather than reading it as "any")."""
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string":
                schema.setdefault("minLength", 1)
                if "enum" not in schema:
                    schema.setdefault("pattern", NOT_BLANK)
                    schema.setdefault("not", dict(NO_NUL))  # a form's text field refuses NUL
        return parameters

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        """A field may carry a ``schema_pattern`` that a form checks (with its own messages),
        so that the schema says what the form will refuse; a list that may not be empty says so."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        pattern = getattr(field, "schema_pattern", None)
        if pattern and isinstance(schema, dict):
            schema["pattern"] = pattern
        # DRF's text fields refuse a NUL character (``ProhibitNullCharactersValidator``): say so.
        # A length a form checks (``max_length`` set on the field for the schema, without
        # DRF's validator) is said too.
        if (
            isinstance(field, serializers.CharField)
            and not field.read_only
            and isinstance(schema, dict)
            and schema.get("type") == "string"
        ):
            schema.setdefault("not", dict(NO_NUL))
            if field.max_length is not None:
                schema["maxLength"] = min(field.max_length, schema.get("maxLength", field.max_length))
        # A list that may not be empty (``allow_empty=False``) says so.
        if (
            isinstance(field, serializers.ListSerializer | serializers.ListField)
            and not field.allow_empty
            and isinstance(schema, dict)
            and schema.get("type") == "array"
        ):
            schema["minItems"] = max(1, schema.get("minItems", 0))
        return schema

    def _has_query_parameters(self) -> bool:
        return bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or any(getattr(p, "location", None) == "query" for p in self.get_override_parameters())
        )
