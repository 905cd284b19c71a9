"""Django's Redis cache, made cheaper per call and quick to give up during an outage.

- One Redis client per connection pool instead of one per call. Django's
  RedisCacheClient builds a new `redis.Redis` object for every cache operation, and
  building one fills a table of about 170 response callbacks: on our cached pages that
  cost more than the round trip to Redis itself. A `redis.Redis` object holds no
  connection of its own (it borrows one from the pool for each command) and is safe to
  share between threads, so keeping one changes nothing else.
- A pause after a failure. Everything this app keeps in the cache can do without it
  (rate limits let requests through, pages are rendered, sessions and users are read
  from the database), but a Redis that hangs would add its timeout to each of the
  several cache calls of every request. So once a call fails, the process does not ask
  that Redis again for PAUSE seconds: calls meanwhile fail at once with
  CacheUnavailable. The outage is logged once per WARNING_INTERVAL per process.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAUSE = 5
WARNING_INTERVAL = 60
# What the cache raises when Redis is down, hung, refusing us, or paused after that.
UNAVAILABLE = (RedisError, OSError)

# Per Redis (its address), shared by the threads of this process.
_paused_until = {}
_warned_at = {}
_lock = threading.Lock()


def forget_outages():
    """Forget every failure seen so far (for tests)."""
    with _lock:
        _paused_until.clear()
        _warned_at.clear()


class CacheUnavailable(RedisConnectionError):
    """Redis failed a moment ago: not asked again until the pause is over."""


def _failed(server, error):
    now = time.time()
    with _lock:
        _paused_until[server] = now + PAUSE
        warned_at = _warned_at.get(server)
        if warned_at is not None and now - warned_at < WARNING_INTERVAL:
            return
        _warned_at[server] = now
    logger.warning(
        "Redis cannot be reached (%s: %s). Pages are rendered, sessions and users read "
        "from the database and rate limits let requests through until it answers; it is "
        "asked again every %s s.",
        type(error).__name__,
        error,
        PAUSE,
    )


def _paused_after_failure(operation):
    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        server = self._servers[0]  # REDIS_URL names one
        if time.time() < _paused_until.get(server, 0.0):
            raise CacheUnavailable("Redis failed a moment ago")
        try:
            return operation(self, *args, **kwargs)
        except UNAVAILABLE as error:
            _failed(server, error)
            raise

    return guarded


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


# Every operation of Django's client (each asks Redis once, or once per pipeline).
for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(RedisCacheClient, _name, _paused_after_failure(getattr(DjangoRedisCacheClient, _name)))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
