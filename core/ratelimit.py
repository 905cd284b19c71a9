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

    With count=True this request is counted first and is over the limit when it is one
    too many. With count=False nothing is counted and the limit is reached once `limit`
    requests were counted (used to refuse before trying, e.g. after N failed logins).
    An empty identity is never limited.
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
        return hits > limit
    return cache.get(key, 0) >= limit
