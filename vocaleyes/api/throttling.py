"""The platform's rate limits (``vocaleyes.throttle``) on API writes.

A view names its limit (``rate_limit = "idea"``, ``"comment"``, ``"rating"``, ...); reads are
never counted. A write over the person's or the address's budget answers 429 with
``Retry-After`` and the same sentence the pages show, and nothing is written.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle

from vocaleyes import throttle


class RateLimited(exceptions.Throttled):
    def __init__(self, name: str, wait: int) -> None:
        limited = str(throttle.LIMITED.get(name, ""))
        again = gettext("Please wait and try again.")
        super().__init__(wait=wait, detail=f"{limited} {again}".strip())


class RateLimit(BaseThrottle):
    """Counts unsafe requests against the view's ``rate_limit``."""

    def allow_request(self, request: Any, view: Any) -> bool:
        name = getattr(view, "rate_limit", None)
        if name is None or request.method in SAFE_METHODS:
            return True
        retry_at = throttle.check(request, name)
        if retry_at is None:
            return True
        raise RateLimited(name, max(1, math.ceil(retry_at - throttle.now())))
