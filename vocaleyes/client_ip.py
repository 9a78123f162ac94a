"""The visitor's IP address, as far as the proxies we run can vouch for it.

Everything that limits or records by address (allauth's rate limits, through
``AccountAdapter.get_client_ip``) asks :func:`client_ip`, so one setting decides it:

- ``TRUSTED_CLIENT_IP_HEADER`` (e.g. ``X-Real-IP``): our proxy puts the visitor's address in this
  header, replacing whatever the visitor sent;
- else ``TRUSTED_PROXY_COUNT`` (e.g. 1): that many proxies of ours each append the address they
  received the request from to ``X-Forwarded-For``, so the visitor is that many entries from the
  end; anything further left was written by the visitor and is ignored;
- else (the default, no proxy) the address of the connection, ``REMOTE_ADDR``:
  ``X-Forwarded-For`` is anyone's to write and is ignored.

A request that did not come through the proxy (a health check from inside the network: no such
header, or fewer ``X-Forwarded-For`` entries than proxies) falls back to ``REMOTE_ADDR``, as does
a header that does not hold an IP address. This trusts the headers only if the app cannot be
reached except through the proxy (see "Production: docker-compose" in README.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, normalised (``2001:DB8::1`` and ``2001:db8:0::1`` are one address);
    ``None`` only if the connection's own address is missing or not an IP address."""
    connection = parse_ip(request.META.get("REMOTE_ADDR", ""))
    header = settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        return parse_ip(request.headers.get(header, "")) or connection
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.headers.get("X-Forwarded-For", "")
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= proxies:
            return parse_ip(hops[-proxies]) or connection
    return connection


def parse_ip(value: str) -> str | None:
    """``value`` as an IP address in its canonical spelling, without a port some proxies add
    (``203.0.113.7:51234``, ``[2001:db8::1]:443``); ``None`` if it is not an address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port; an IPv6 address has at least two colons
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
