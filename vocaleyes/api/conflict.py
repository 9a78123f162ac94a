"""409 Conflict: a request that is well formed and allowed, refused because of the state things
are in (the pledge has bound, the balance is too low), which no schema can say in advance.

Services refuse with ``vocaleyes.errors.Refusal``, which the error handler answers 403 (who is
asking) or 400 (what was sent). Where a service's refusal is about neither, the API view turns
it into a :class:`Conflict`, with the service's own message, so that a client can tell "correct
what you sent" (400) from "not now" (409).
"""

from __future__ import annotations

from rest_framework import exceptions, status
from rest_framework.response import Response

from vocaleyes.errors import Refusal


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def conflict(refusal: Refusal, code: str = "conflict") -> Conflict:
    """The refusal as a 409, in the service's words (already in the request's language)."""
    return Conflict(refusal.message, code=code)


def conflict_response(refusal: Refusal, code: str = "conflict") -> Response:
    """The refusal as a 409 answer in the one error body, keeping the field it is about (the
    handler's answer to a raised :class:`Conflict` names no field)."""
    fields = {refusal.field: [refusal.message]} if refusal.field else {}
    return Response(
        {"detail": refusal.message, "code": code, "fields": fields}, status=status.HTTP_409_CONFLICT
    )
