"""Fixed-window rate limits in the cache (Redis when REDIS_URL is set).

The limits fail open: when the cache cannot be reached, a request is let through rather
than refused or answered with an error, because a rate limit only slows attackers down,
while a login that fails for everyone is an outage. Accounts stay protected meanwhile by
the lockout (django-axes), which lives in the database. The outage is logged once per
WARNING_INTERVAL per process, and the cache is not asked again for RETRY_AFTER seconds
so that a hung server does not add its timeout to every request. When it answers again
the limits apply again.
"""

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

from core.cache import UNAVAILABLE

logger = logging.getLogger(__name__)

RETRY_AFTER = 5
WARNING_INTERVAL = 60

_state = {"skip_until": 0.0, "warned_at": None}
_lock = threading.Lock()


def _key(name, identity, window):
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    return f"ratelimit:{name}:{digest}:{int(time.time() // window)}"


def _unavailable(error):
    now = time.time()
    with _lock:
        _state["skip_until"] = now + RETRY_AFTER
        warned_at = _state["warned_at"]
        if warned_at is not None and now - warned_at < WARNING_INTERVAL:
            return
        _state["warned_at"] = now
    logger.warning(
        "Rate limits are off: the cache cannot be reached (%s: %s). Requests are let "
        "through; the account lockout still applies.",
        type(error).__name__,
        error,
    )


def _cache_is_skipped():
    return time.time() < _state["skip_until"]


def hit(name, identity):
    """Count one request by `identity` (an IP, an email...) against the limit `name` in
    settings.RATE_LIMITS. Returns whether this request is one too many.

    An empty identity is never limited, and neither is anyone while the cache is down.
    """
    if not identity or _cache_is_skipped():
        return False
    limit, window = settings.RATE_LIMITS[name]
    key = _key(name, identity, window)
    try:
        # The key names its window, so a count is never read after it; the timeout
        # only frees the memory.
        if cache.add(key, 1, timeout=window):
            hits = 1
        else:
            try:
                hits = cache.incr(key)
            except ValueError:  # gone in between: evicted, or expired at the window's end
                cache.set(key, 1, timeout=window)
                hits = 1
    except UNAVAILABLE as error:
        _unavailable(error)
        return False
    return hits > limit


def reached(name, identity):
    """Whether `identity` has used up the limit `name` already, without counting this
    request (to refuse before trying, e.g. after too many failed logins)."""
    if not identity or _cache_is_skipped():
        return False
    limit, window = settings.RATE_LIMITS[name]
    try:
        hits = cache.get(_key(name, identity, window), 0)
    except UNAVAILABLE as error:
        _unavailable(error)
        return False
    return hits >= limit


def give_back(name, identity):
    """Uncount one request counted by hit() (it turned out to be no attempt to guess:
    the password was right). Nothing happens while the cache is down."""
    if not identity or _cache_is_skipped():
        return
    _limit, window = settings.RATE_LIMITS[name]
    try:
        cache.decr(_key(name, identity, window))
    except ValueError:  # gone: evicted, or the window ended
        pass
    except UNAVAILABLE as error:
        _unavailable(error)


def first_in_window(name, identity, window):
    """Whether this is the first request by `identity` for `name` in the current window
    of `window` seconds, and take that place: e.g. at most one mail to an address every
    10 minutes. Two requests at once cannot both be first (the cache's `add` is atomic).

    Like the limits, it fails open: while the cache is down, every request is the first.
    """
    if not identity or _cache_is_skipped():
        return True
    try:
        return cache.add(_key(name, identity, window), 1, timeout=window)
    except UNAVAILABLE as error:
        _unavailable(error)
        return True
