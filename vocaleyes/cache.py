"""Django's Redis cache, keeping one client per connection pool.

Django's ``RedisCacheClient`` makes a new ``redis.Redis`` object for every cache call, and in
redis-py 8 making one registers some 170 response callbacks: on a signed-in request (its
session comes from this cache) that was a tenth of the CPU. A ``redis.Redis`` holds no
connection of its own (the pool does) and is safe to share between threads, so one per pool
is kept and reused. Everything else is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both make one here; either serves, the pool is the same.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
