"""Rate limits on writes: how often one person, and one address, may post, comment, rate, ...

Each limit has a name (``idea``, ``comment``, ``rating``, ``report``, ``pledge``, ``gift``,
``token``, ``ballot``) and two budgets in settings: ``VOCALEYES_RATE_LIMITS`` per person and
``VOCALEYES_RATE_LIMITS_PER_IP`` per client address (read from the environment; README
"Rate limits"). A budget such as ``10/h`` allows ten within each hour.

The counters are fixed windows in Django's cache (``cache.add`` then ``cache.incr``, both atomic
on Redis and in memory): the window is ``int(now / period)``, so every process counts in the same
window, and its key expires with it. A burst at the edge of two windows can reach twice the
budget; that is enough to stop floods without storing every request.

:func:`throttle` wraps a view: a POST over either budget gets a 429 page (or, from htmx, a short
fragment) saying what was limited and when it can be tried again, with ``Retry-After``, and the
view does not run, so nothing is written. GET requests are never counted.
"""

from __future__ import annotations

import functools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .client_ip import client_ip as visitor_ip

# What each limit stops, said to the person who reached it (templates/429.html).
LIMITED = {
    "idea": _("You have posted a lot of ideas in a short time."),
    "comment": _("You have written a lot of comments in a short time."),
    "rating": _("You have rated a lot of ideas in a short time."),
    "report": _("You have sent a lot of reports in a short time."),
    "pledge": _("You have made a lot of pledges in a short time."),
    "gift": _("You have given or spent time credits a lot of times in a short time."),
    "ballot": _("You have saved your ballot a lot of times in a short time."),
    "token": _("You have asked for a lot of API tokens in a short time."),
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_BUDGET = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Budget:
    count: int
    seconds: int


def parse_budget(text: str) -> Budget:
    """``"10/h"`` -> ten an hour; ``"5/15m"`` -> five each fifteen minutes."""
    match = _BUDGET.match(text)
    if match is None:
        raise ValueError(f"not a rate limit: {text!r} (expected e.g. '10/h', '5/15m')")
    count, many, unit = match.groups()
    return Budget(int(count), int(many or 1) * _UNITS[unit])


def now() -> float:
    """The clock the counters read (tests replace it)."""
    return time.time()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as every rate limit sees it (``vocaleyes.client_ip``: the
    connection's, or the trusted proxy's header once ``TRUSTED_PROXY_COUNT`` or
    ``TRUSTED_CLIENT_IP_HEADER`` is set). Requests with no address share one budget."""
    return visitor_ip(request) or "unknown"


def _count(key: str, period: int, at: float) -> tuple[int, float]:
    """Add one to ``key``'s counter in the window holding ``at``; its count and when it ends."""
    window = int(at // period)
    full_key = f"throttle:{key}:{period}:{window}"
    ends = (window + 1) * period
    timeout = max(1, math.ceil(ends - at)) + 1
    cache.add(full_key, 0, timeout=timeout)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.add(full_key, 1, timeout=timeout)
        count = 1
    return count, ends


def check(request: HttpRequest, name: str) -> float | None:
    """Count this request against limit ``name``: None while within both budgets, otherwise
    the time (epoch seconds) at which it may be tried again."""
    at = now()
    retry_at: float | None = None
    scopes: list[tuple[str, str, dict[str, str]]] = [
        ("ip", client_ip(request), settings.VOCALEYES_RATE_LIMITS_PER_IP)
    ]
    if request.user.is_authenticated:
        scopes.append(("person", str(request.user.pk), settings.VOCALEYES_RATE_LIMITS))
    for scope, who, limits in scopes:
        if name not in limits:
            continue
        budget = parse_budget(limits[name])
        count, ends = _count(f"{name}:{scope}:{who}", budget.seconds, at)
        if count > budget.count:
            retry_at = max(retry_at or 0, ends)
    return retry_at


def refused(request: HttpRequest, name: str, retry_at: float) -> HttpResponse:
    """The 429 answer: the page, or for htmx a short fragment; both say what and when."""
    wait = max(1, math.ceil(retry_at - now()))
    context = {
        "limited": LIMITED.get(name, ""),
        "retry_at": datetime.fromtimestamp(retry_at, tz=UTC),
    }
    template = "_throttled.html" if getattr(request, "htmx", False) else "429.html"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    if template == "_throttled.html":
        response["HX-Reswap"] = "beforebegin"  # above the form that posted, which stays
    return response


View = TypeVar("View", bound=Callable[..., HttpResponse])


def throttle(name: str) -> Callable[[View], View]:
    """Limit the view's POSTs by limit ``name``; other methods pass uncounted."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and (retry_at := check(request, name)) is not None:
                return refused(request, name, retry_at)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
