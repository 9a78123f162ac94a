"""The API answers in the language asked for: ``/cy/api/v1/...`` is Welsh; on ``/api/v1/...``
the ``Accept-Language`` header chooses (English when it names neither language).

Django's ``LocaleMiddleware`` reads the path prefix alone under ``i18n_patterns`` (every
unprefixed page is English, by design: a page's URL says its language). API clients do not
browse by URL, so this middleware, placed after it, lets the header choose on unprefixed API
paths, once the URL has been resolved in English (``process_view``: resolving in Welsh would
look for the ``/cy/`` prefix). Answers vary by ``Accept-Language`` so that no cache mixes the two.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"


def language_from_header(header: str) -> str | None:
    """The first supported language the header names, or None."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class ApiLanguageMiddleware:
    """Activates the language asked for on unprefixed API paths, after URL resolution."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            patch_vary_headers(response, ["Accept-Language"])
        return response

    def process_view(self, request: HttpRequest, *args: object) -> None:
        if request.path_info.startswith(API_PREFIX):
            language = language_from_header(request.headers.get("Accept-Language", "")) or "en"
            translation.activate(language)
            request.LANGUAGE_CODE = language
