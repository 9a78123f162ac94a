"""Content-Security-Policy and Permissions-Policy on every response (issue 14).

Django 5.2 has no CSP of its own and django-csp is not a dependency; the policy is one fixed
string, so a few lines of middleware say it plainly. It allows only this site's own scripts and
styles: no inline ``<script>``, no ``style=""`` attribute, no ``<style>`` element, no event
handler attributes. ``static/js/js-enabled.js`` replaces GOV.UK Frontend's usual inline snippet
and ``<meta name="htmx-config">`` in ``base.html`` stops htmx injecting its indicator ``<style>``.
A view that needs another policy (an API docs page, say) sets its own header; it is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Powerful browser features the service never uses, refused for it and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
