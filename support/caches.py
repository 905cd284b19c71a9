"""What a cache holds, as tests read it: how long it keeps a key, on Redis or in memory."""

import time


def seconds_to_live(cache, key):
    """How long `cache` keeps `key` from now: its TTL in Redis, its expiry in local
    memory (None there when it never expires, so comparing it fails loudly)."""
    made = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):  # LocMemCache
        expiry = cache._expire_info.get(made)
        return None if expiry is None else expiry - time.time()
    return cache._cache.get_client().ttl(made)
