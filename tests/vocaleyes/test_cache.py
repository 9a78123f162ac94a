"""``vocaleyes.cache.RedisCache``: Django's Redis cache, with one client object per pool."""

from __future__ import annotations

import os

import pytest
import redis

from vocaleyes.cache import RedisCache

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"


def _reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _reachable(), reason=f"needs a Redis server at {URL}")


def test_it_stores_reads_and_deletes_like_djangos() -> None:
    cache = RedisCache(URL, {"KEY_PREFIX": "vocaleyes-cache-test"})
    cache.set("greeting", {"en": "Hello", "cy": "Helo"}, 30)
    assert cache.get("greeting") == {"en": "Hello", "cy": "Helo"}
    assert cache.add("greeting", "other", 30) is False
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_it_reuses_one_client_for_a_pool() -> None:
    cache = RedisCache(URL, {"KEY_PREFIX": "vocaleyes-cache-test"})
    client = cache._cache  # type: ignore[attr-defined]
    first = client.get_client("a")
    assert client.get_client("b") is first
    assert client.get_client("c", write=True) is first  # one server: one pool
