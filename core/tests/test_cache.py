"""The Redis cache backend (core/cache.py): one client per pool, and a pause after a
failure so that a hung Redis does not add its timeout to every cache call."""

import logging

import pytest
from django.core.cache import caches

from core import cache as redis_cache
from core.tests.helpers import at


@pytest.fixture
def unreachable(unreachable_redis):
    return caches["default"]


def test_every_call_uses_the_same_redis_client(unreachable):
    client = unreachable._cache
    assert client.get_client() is client.get_client()
    assert client.get_client(write=True) is client.get_client()


def test_after_a_failure_redis_is_left_alone_for_the_pause_then_asked_again(unreachable):
    with at(0):
        with pytest.raises(redis_cache.UNAVAILABLE) as first:
            unreachable.get("key")
        assert not isinstance(first.value, redis_cache.CacheUnavailable)  # Redis was asked
    with at(redis_cache.PAUSE - 1):
        for call in (lambda: unreachable.get("key"), lambda: unreachable.set("key", 1)):
            with pytest.raises(redis_cache.CacheUnavailable):
                call()
    with at(redis_cache.PAUSE):
        with pytest.raises(redis_cache.UNAVAILABLE) as again:
            unreachable.get_many(["key"])
        assert not isinstance(again.value, redis_cache.CacheUnavailable)


def test_the_outage_is_logged_once_per_interval(unreachable, caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")
    for seconds in (0, redis_cache.PAUSE, redis_cache.WARNING_INTERVAL - 1):
        with at(seconds), pytest.raises(redis_cache.UNAVAILABLE):
            unreachable.add("key", 1)
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("Redis cannot be reached (ConnectionError: ")
    with (
        at(redis_cache.WARNING_INTERVAL + redis_cache.PAUSE),
        pytest.raises(redis_cache.UNAVAILABLE),
    ):
        unreachable.delete("key")
    assert len(caplog.records) == 2


@pytest.mark.redis
def test_a_working_redis_is_never_paused(settings):
    cache = caches["default"]
    for _ in range(3):
        cache.set("key", "value")
        assert cache.get("key") == "value"
    assert redis_cache._paused_until == {}
