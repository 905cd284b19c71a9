"""The session's clocks and device (accounts/sessions/activity.py,
accounts/settings_area/sudo.py), at their exact limits."""

import pytest
from django.conf import settings

from accounts.models import UserSession
from accounts.sessions import activity, devices
from accounts.tests.factories import FIREFOX, later
from support.client import signed_in_client

pytestmark = pytest.mark.django_db


def is_logged_in(client):
    return client.get("/accounts/update/").status_code == 200


def row(client):
    return UserSession.objects.get(session_key=client.session.session_key)


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX, "Firefox on Windows"),
        ("curl/8.5.0", "curl"),  # a browser, no system
        ("Mozilla/5.0 (X11; Linux x86_64)", "Linux"),  # a system, no browser
        ("SomethingUnknown/1.0 " + "x" * 80, ("SomethingUnknown/1.0 " + "x" * 80)[:60]),
        ("", ""),
    ],
)
def test_a_device_is_described_as_well_as_it_can_be_told(user_agent, described):
    assert devices.describe_user_agent(user_agent) == described


def test_the_device_is_recorded_at_login_and_kept_to_the_column_length():
    long_agent = FIREFOX + " " + "x" * 400
    client = signed_in_client(HTTP_USER_AGENT=long_agent, REMOTE_ADDR="203.0.113.5")
    assert row(client).user_agent == long_agent[: activity.USER_AGENT_LENGTH]
    assert row(client).ip_address == "203.0.113.5"


def test_a_browser_that_sends_no_user_agent_is_recorded_as_unknown():
    client = signed_in_client()
    assert row(client).user_agent == ""


def test_the_device_is_updated_with_activity():
    client = signed_in_client(HTTP_USER_AGENT="curl/8.5.0", REMOTE_ADDR="203.0.113.5")
    with later(minutes=5):
        client.get("/articles/", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="198.51.100.9")
    assert (row(client).user_agent, row(client).ip_address) == (FIREFOX, "198.51.100.9")


def last_active_ago(client, seconds):
    session = client.session
    session[activity.LAST_ACTIVITY] = activity.now() - seconds
    session.save()


def test_activity_is_noted_once_the_resolution_has_passed_not_before():
    client = signed_in_client(HTTP_USER_AGENT="curl/8.5.0")
    resolution = settings.SESSION_ACTIVITY_RESOLUTION
    with later(seconds=0):  # the clock stands still: a real second may pass in between
        last_active_ago(client, resolution - 1)
        client.get("/articles/", HTTP_USER_AGENT=FIREFOX)
        assert row(client).user_agent == "curl/8.5.0"
        last_active_ago(client, resolution)
        client.get("/articles/", HTTP_USER_AGENT=FIREFOX)
        assert row(client).user_agent == FIREFOX


def test_the_idle_timeout_ends_a_session_just_after_its_limit():
    with later(seconds=0):  # the clock stands still from the login: the limits are exact
        client = signed_in_client()
        with later(seconds=settings.SESSION_IDLE_TIMEOUT):
            assert is_logged_in(client)
        with later(seconds=2 * settings.SESSION_IDLE_TIMEOUT + 1):
            assert not is_logged_in(client)


def signed_in_ago(client, seconds):
    """Make the session's login `seconds` old (it stays active: its last use is now)."""
    session = client.session
    session[activity.AUTH_TIME] = activity.now() - seconds
    session.save()


def test_the_absolute_timeout_ends_a_session_just_after_its_limit():
    client = signed_in_client()
    with later(seconds=0):  # the clock stands still between setting and checking
        signed_in_ago(client, settings.SESSION_ABSOLUTE_TIMEOUT)
        assert is_logged_in(client)
        signed_in_ago(client, settings.SESSION_ABSOLUTE_TIMEOUT + 1)
        assert not is_logged_in(client)


def test_a_remembered_session_is_renewed_but_never_past_its_absolute_end():
    with later(seconds=0):  # the clock stands still from the login: the end is exact
        client = signed_in_client(remember=True)
        with later(days=10):
            response = client.get("/articles/")
        assert response.cookies["sessionid"]["max-age"] == settings.SESSION_REMEMBER_ME_AGE
        with later(days=20):  # 10 days left of the 30: the renewal stops there
            response = client.get("/articles/")
        assert response.cookies["sessionid"]["max-age"] == 10 * 24 * 60 * 60


def test_remember_me_makes_the_cookie_outlive_the_browser():
    assert (
        signed_in_client(remember=True).cookies["sessionid"]["max-age"]
        == settings.SESSION_REMEMBER_ME_AGE
    )
    assert signed_in_client().cookies["sessionid"]["max-age"] == ""


def test_sudo_mode_lasts_exactly_its_timeout():
    with later(seconds=0):  # the clock stands still from the login: the limit is exact
        client = signed_in_client()
        with later(seconds=settings.SUDO_MODE_TIMEOUT):
            assert client.post("/accounts/sessions/sign-out-others/").status_code == 302
        with later(seconds=settings.SUDO_MODE_TIMEOUT + 1):
            prompt = client.post("/accounts/sessions/sign-out-others/")
            assert "Confirm your password" in prompt.text


def test_a_session_signed_in_before_the_clocks_were_recorded_keeps_working():
    client = signed_in_client()
    session = client.session
    for key in (activity.AUTH_TIME, activity.LAST_ACTIVITY, activity.REAUTH_TIME):
        del session[key]
    session.save()
    assert is_logged_in(client)
    # Without a time of entering the password, sensitive actions ask for it.
    assert "Confirm your password" in client.post("/accounts/sessions/sign-out-others/").text


def test_a_remembered_session_from_before_the_clocks_is_renewed_from_now():
    client = signed_in_client(remember=True)
    session = client.session
    del session[activity.AUTH_TIME]
    session[activity.LAST_ACTIVITY] = 0
    session.save()
    response = client.get("/articles/")
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_REMEMBER_ME_AGE


def test_remember_me_lasts_its_own_age_whatever_the_default_cookie_age(settings):
    settings.SESSION_COOKIE_AGE = 60 * 60  # an operator's shorter default
    assert (
        signed_in_client(remember=True).cookies["sessionid"]["max-age"]
        == settings.SESSION_REMEMBER_ME_AGE
    )
