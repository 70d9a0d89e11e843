"""Django's Redis cache, keeping one Redis client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` object for every cache call; that
object's set-up costs more than the round trip itself, and every request makes a few calls
(the host → account routing version, the dashboard's version and its kept parts). A client
is only a handle on its pool, safe to share, so each pool keeps one."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class Cache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusedClients``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
