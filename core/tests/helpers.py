"""What several of core's tests share (what other apps' tests use too is in support/)."""

from datetime import timedelta

import time_machine
from django.utils import timezone

START = timezone.now()


def at(seconds):
    """The clock stopped exactly `seconds` after the same start, in every test."""
    return time_machine.travel(START + timedelta(seconds=seconds), tick=False)


def keys_in_caches():
    """How many keys the app's caches hold together: the DBSIZE of each Redis database
    (once where several aliases share one), else the entries of the local-memory cache
    (which a live server shares: it runs in the test's process)."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.locmem import _caches

    counted, total = set(), 0
    for alias, config in settings.CACHES.items():
        where = (config["BACKEND"], config.get("LOCATION", ""))
        if where in counted:
            continue
        counted.add(where)
        if "redis" in config["BACKEND"].lower():
            total += caches[alias]._cache.get_client().dbsize()
        else:
            total += len(_caches.get(where[1], {}))
    return total
