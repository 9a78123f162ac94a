"""The request type of views that read ``request.htmx``.

django-htmx's middleware sets ``request.htmx`` on every request; typing a view's request as
:class:`HtmxHttpRequest` (as django-htmx's documentation shows) lets mypy check what the view
reads from it, instead of a ``# type: ignore`` at each use.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
