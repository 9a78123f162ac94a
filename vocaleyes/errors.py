"""One refusal type for every app.

A service that says no raises :class:`Refusal` with a message already in the language of the
person asking (``gettext``, not ``gettext_lazy``: services run inside the request's language)
and, when the refusal is about one form field, that field's name. Views, the API and the admin
show the message as it is; none of them restates why a service refuses.

- Views: ``refusal.add_to(form)`` puts the message beside its field (or in the error summary),
  or ``messages.error(request, refusal.message)`` for a button with no form.
- The API: :func:`api_exception_handler` (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``) answers 403
  for a refusal about *who* is asking and 400 for one about *what* they sent, with
  ``{"detail": message}`` and, when there is one, ``{"field": name}``.
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


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus refusals: 403 for who is asking, 400 for what they sent."""
    from rest_framework import status
    from rest_framework.response import Response
    from rest_framework.views import exception_handler

    if isinstance(exc, Refusal):
        body: dict[str, str] = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        code = status.HTTP_403_FORBIDDEN if exc.forbidden else status.HTTP_400_BAD_REQUEST
        return Response(body, status=code)
    return exception_handler(exc, context)
