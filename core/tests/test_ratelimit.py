"""Rate limits fail open when their cache (Redis) cannot be reached.

The Redis here is an address where nothing listens, so every connection is really
refused; the fault tests (test_scale_out.py) stop the machine's own Redis instead.
"""

import logging

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from accounts.tests.factories import make_user
from core import ratelimit
from core.tests.helpers import START, at
from support.caches import seconds_to_live
from support.client import log_in

pytestmark = pytest.mark.django_db


def warnings_of(caplog):
    """What the rate limits logged (the cache backend logs the outage in its own words)."""
    return [record for record in caplog.records if record.name == "core.ratelimit"]


def test_login_signup_and_reset_work_while_redis_cannot_be_reached(
    client, unreachable_redis, mail_sent_at_once
):
    make_user("ada", email="ada@example.org")
    good = "a-long-Passphrase-42"
    signup = {"username": "newbie", "password1": good, "password2": good}

    assert log_in(client, "ada", "wrong").status_code == 422
    assert log_in(client, "ada").status_code == 302
    assert client.get("/accounts/update/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.post("/accounts/signup/", signup).status_code == 302
    for _ in range(2):  # reset mails are not spaced out meanwhile: they are sent
        reset = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        assert reset.status_code == 302
    assert len(mail.outbox) == 2


def test_the_lockout_still_protects_accounts_while_redis_cannot_be_reached(
    client, unreachable_redis
):
    make_user("ada")
    statuses = [log_in(client, "ada", "wrong").status_code for _ in range(5)]
    assert statuses == [422] * 4 + [429]
    assert log_in(client, "ada").status_code == 429


def test_an_unreachable_cache_is_logged_once_per_interval(unreachable_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.ratelimit")
    with at(0):
        assert not ratelimit.hit("login-ip", "203.0.113.1")
    for seconds in (ratelimit.RETRY_AFTER + 1, ratelimit.WARNING_INTERVAL - 1):
        with at(seconds):
            assert not ratelimit.hit("login-ip", "203.0.113.1")
            assert not ratelimit.reached("login-ip", "203.0.113.1")
    assert len(warnings_of(caplog)) == 1
    message = warnings_of(caplog)[0].getMessage()
    assert message.startswith("Rate limits are off: the cache cannot be reached (ConnectionError: ")
    assert "Connection refused" in message
    assert message.endswith("). Requests are let through; the account lockout still applies.")

    with at(2 * ratelimit.WARNING_INTERVAL):
        ratelimit.hit("login-ip", "203.0.113.1")
    assert len(warnings_of(caplog)) == 2


def test_limits_apply_again_once_the_cache_answers(settings, unreachable_redis_settings):
    settings.RATE_LIMITS = {"probe": (2, 3600)}
    with at(0), override_settings(**unreachable_redis_settings):
        assert not ratelimit.hit("probe", "x")
    # The cache (this test's local memory) answers again, but is not asked until
    # RETRY_AFTER has passed: a hung server must not cost every request its timeout.
    with at(ratelimit.RETRY_AFTER - 1):
        assert [ratelimit.hit("probe", "x") for _ in range(3)] == [False] * 3
    with at(ratelimit.RETRY_AFTER):
        assert [ratelimit.hit("probe", "x") for _ in range(3)] == [False, False, True]
        assert ratelimit.reached("probe", "x")


def test_the_outage_is_logged_again_once_a_whole_interval_has_passed(unreachable_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.ratelimit")
    with at(0):
        ratelimit.hit("login-ip", "203.0.113.1")
    assert len(warnings_of(caplog)) == 1
    with at(ratelimit.WARNING_INTERVAL):
        ratelimit.hit("login-ip", "203.0.113.1")
    assert len(warnings_of(caplog)) == 2


def test_while_the_cache_is_left_alone_nothing_is_reached_either(
    settings, unreachable_redis_settings
):
    settings.RATE_LIMITS = {"probe": (1, 3600)}
    with at(0):
        assert ratelimit.hit("probe", "x") is False  # counted: one allowed
        assert ratelimit.reached("probe", "x")
        with override_settings(**unreachable_redis_settings):
            assert not ratelimit.hit("probe", "y")
    with at(1):  # the cache answers again, but is left alone for RETRY_AFTER
        assert not ratelimit.reached("probe", "x")
    with at(ratelimit.RETRY_AFTER):
        assert ratelimit.reached("probe", "x")


def test_nobody_has_reached_a_limit_before_any_request(settings):
    settings.RATE_LIMITS = {"probe": (1, 3600)}
    assert not ratelimit.reached("probe", "someone")
    assert not ratelimit.hit("probe", "")  # no identity, no limit
    assert not ratelimit.reached("probe", "")


def test_a_check_that_meets_the_outage_logs_it_too(unreachable_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.ratelimit")
    assert not ratelimit.reached("login-ip", "203.0.113.1")
    assert "(ConnectionError: " in warnings_of(caplog)[0].getMessage()


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_count_is_kept_for_its_whole_window_and_freed_after_it(settings):
    # In this process's memory, whose clock the test moves (Redis keeps its own).
    window = 3600
    settings.RATE_LIMITS = {"probe": (5, window)}
    start = (int(START.timestamp()) // window + 1) * window  # the first second of a window
    with time_machine.travel(start, tick=False):
        ratelimit.hit("probe", "x")
        key = ratelimit._key("probe", "x", window)
    with time_machine.travel(start + window - 1, tick=False):  # the window's last second
        assert cache.get(key) == 1
        assert ratelimit._key("probe", "x", window) == key
    with time_machine.travel(start + window, tick=False):  # nothing is kept past it
        assert cache.get(key) is None


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_request_is_first_once_per_window_and_identity():
    window = 600
    start = (int(START.timestamp()) // window + 1) * window
    with time_machine.travel(start, tick=False):
        assert ratelimit.first_in_window("probe", "Ada@example.org", window)
        assert not ratelimit.first_in_window("probe", "ada@EXAMPLE.org", window)
        assert ratelimit.first_in_window("probe", "bob@example.org", window)
        assert ratelimit.first_in_window("other", "ada@example.org", window)
    with time_machine.travel(start + window - 1, tick=False):
        assert not ratelimit.first_in_window("probe", "ada@example.org", window)
    with time_machine.travel(start + window, tick=False):
        assert ratelimit.first_in_window("probe", "ada@example.org", window)
    # No identity, no spacing: every request without one is the first.
    assert ratelimit.first_in_window("probe", "", window)
    assert ratelimit.first_in_window("probe", "", window)


def test_the_first_in_a_window_is_kept_under_a_hashed_key_for_the_window_only(settings):
    ratelimit.first_in_window("probe", "ada@example.org", 600)
    key = ratelimit._key("probe", "ada@example.org", 600)
    assert "ada" not in key
    assert cache.get(key) == 1
    assert 0 < seconds_to_live(cache, key) <= 600


def test_a_give_back_that_meets_the_outage_logs_it(unreachable_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.ratelimit")
    ratelimit.give_back("login-account", "ada")
    assert "(ConnectionError: " in warnings_of(caplog)[0].getMessage()


def test_every_request_is_first_while_the_cache_cannot_be_reached(unreachable_redis, caplog):
    caplog.set_level(logging.WARNING, logger="core.ratelimit")
    assert ratelimit.first_in_window("probe", "ada@example.org", 600)
    assert ratelimit.first_in_window("probe", "ada@example.org", 600)
    assert "(ConnectionError: " in warnings_of(caplog)[0].getMessage()
