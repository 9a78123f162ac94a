"""Errors that happen outside the API's views, answered as the API answers (JSON, the one error
body) when the address is an API address: a path no route matches, a control character in the
path (``vocaleyes.middleware``), a bad request Django itself refuses, a server error. Pages keep
their HTML error pages; a client of the API never has to parse one.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

API_PATHS = ("/api/", "/cy/api/")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PATHS)


def error_response(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, "fields": {}}, status=status)
