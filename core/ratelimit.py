"""Fixed-window rate limits in the cache (Redis when REDIS_URL is set)."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(name, identity, window):
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    return f"ratelimit:{name}:{digest}:{int(time.time() // window)}"


def exceeded(name, identity, *, count=True):
    """Whether `identity` (an IP, an email...) is over the limit `name` in settings.RATE_LIMITS.

    With count=True this request is counted first. An empty identity is never limited.
    """
    if not identity:
        return False
    limit, window = settings.RATE_LIMITS[name]
    key = _key(name, identity, window)
    if count:
        cache.add(key, 0, timeout=window)
        try:
            hits = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            hits = 1
    else:
        hits = cache.get(key, 0)
    return hits > limit
