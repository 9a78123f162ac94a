"""Refuse control characters before they reach a view (and so the database).

PostgreSQL refuses a NUL character in text (``A string literal cannot contain NUL (0x00)
characters``), so a NUL in a URL (``/time-credits/receipts/%00/``) or in a query-string or
form value that a view looks up became a server error (500). No page's address ever contains a
control character, and no form or filter value is meant to hold a NUL, so this is checked here,
once, for every view, the admin and the API, rather than in each path converter, form and
filter that reads ``request.GET`` or ``request.POST`` (and would be missed by the next one):

- a control character (U+0000 to U+001F, U+007F) in the path: the page does not exist (404);
- a NUL in a query-string or form field name or value: a bad request (400), answered with the
  project's 400 page and a message saying what was wrong, in the person's language.

Other control characters (tabs, new lines) are fine in form values: a comment has paragraphs.
Files uploaded are not checked: their content is parsed by their own forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from vocaleyes.api.plain_errors import error_response, is_api

CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def _has_nul(values: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


class ControlCharacterMiddleware:
    """404 for a control character in the path, 400 for a NUL in a query or form value.

    Placed after the authentication middleware, so that the error pages have their usual
    header (signed in or not) and language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL_CHARACTER.search(request.path):
            raise Http404
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            message = _(
                "The link or form you used contains a character that is not allowed (a null "
                "character). Go back, remove it and try again."
            )
            if is_api(request):
                return error_response(400, message, "invalid")
            return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request=request))
        return self.get_response(request)
