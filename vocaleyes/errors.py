"""One refusal type for every app.

A service that says no raises :class:`Refusal` with a message already in the language of the
person asking (``gettext``, not ``gettext_lazy``: services run inside the request's language)
and, when the refusal is about one form field, that field's name. Views, the API and the admin
show the message as it is; none of them restates why a service refuses.

- Views: ``refusal.add_to(form)`` puts the message beside its field (or in the error summary),
  or ``messages.error(request, refusal.message)`` for a button with no form.
- The API: :func:`api_exception_handler` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) answers 403
  for a refusal about *who* is asking and 400 for one about *what* they sent, in the API's one
  error body ``{"detail": message, "code": ..., "fields": {name: [message]}}``.
- The admin: ``self.message_user(request, refusal.message, messages.ERROR)``.

``forbidden`` says that the person may not do this at all (not their idea, suspended, not a
facilitator, the conversation is closed), as opposed to bad input they can correct. Subclasses
exist only where a caller must tell refusals apart (``timecredits`` tells "not enough credits"
from other refusals); they are still refusals and are shown the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms
    from rest_framework.response import Response


class Refusal(Exception):
    """A service's "no", with the reason in the user's language."""

    def __init__(self, message: str, *, field: str | None = None, forbidden: bool = False) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        self.forbidden = forbidden

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, field={self.field!r}, forbidden={self.forbidden})"

    def add_to(self, form: forms.BaseForm) -> None:
        """Show the refusal on a bound form: beside its field when the form has that field,
        otherwise at the top (the error summary lists both)."""
        field = self.field if self.field in form.fields else None
        form.add_error(field, self.message)


def _messages(value: Any) -> list[str]:
    """A field's messages as a flat list of strings (nested serializers flatten to their text)."""
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _messages(inner)]
    if isinstance(value, list | tuple):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error has one body: ``{"detail": sentence, "code": word, "fields": {name:
    [messages]}}``, in the language of the request (``vocaleyes.api.language``). Refusals answer
    403 for who is asking and 400 for what they sent; a body too large or too complex to read
    answers 400 rather than Django's bare error page."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.http import Http404
    from django.utils.translation import gettext
    from rest_framework import exceptions, status
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, Refusal):
        fields = {exc.field: [exc.message]} if exc.field else {}
        code = "forbidden" if exc.forbidden else "refused"
        status_code = status.HTTP_403_FORBIDDEN if exc.forbidden else status.HTTP_400_BAD_REQUEST
        return Response({"detail": exc.message, "code": code, "fields": fields}, status=status_code)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        detail = gettext("The request is too large. Send less at a time.")
        return Response({"detail": detail, "code": "too_large", "fields": {}}, status=400)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        # get_object_or_404's "No Organisation matches the given query." names a model, in English.
        response.data = {
            "detail": gettext("Nothing was found at this address."),
            "code": "not_found",
            "fields": {},
        }
        return response
    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            fields = {str(name): _messages(value) for name, value in data.items()}
            general = fields.pop("non_field_errors", [])
            detail = general[0] if general else gettext("Some of what you sent needs correcting.")
        else:
            fields, detail = {}, "; ".join(_messages(data))
        response.data = {"detail": detail, "code": "invalid", "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": "; ".join(_messages(exc.detail)),
            "code": codes if isinstance(codes, str) else exc.default_code,
            "fields": {},
        }
    else:  # Http404 or Django's PermissionDenied, which DRF turns into its own
        response.data = {
            "detail": str(response.data.get("detail", "")) if isinstance(response.data, dict) else "",
            "code": "not_found" if response.status_code == 404 else "permission_denied",
            "fields": {},
        }
    return response
