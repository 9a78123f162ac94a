"""A request id for every request (issue 14): on every log line written while it is handled
(``vocaleyes.logging.JsonFormatter``), in the ``X-Request-ID`` response header, and on the 500
page, so that a resident's "Error reference" leads an operator to the lines about it.

An id from the proxy in front (``X-Request-ID``) is kept when it is a short safe token, so one
id follows the request through the proxy's logs and ours; anything else is replaced.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9._-]{8,64}")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    path: str


# A context variable, not a thread local: it is right under ASGI and in threads alike.
current: ContextVar[RequestContext | None] = ContextVar("vocaleyes_request", default=None)


def current_request_id() -> str | None:
    context = current.get()
    return context.request_id if context else None


def request_id_for(incoming: str | None) -> str:
    """The proxy's id when it is a safe token, else a new one."""
    if incoming and _SAFE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost, so that every other middleware's and view's log lines carry the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(request_id_for(request.headers.get(HEADER)), request.path)
        token = current.set(context)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = context.request_id
        return response
