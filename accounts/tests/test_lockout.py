"""Brute-force protection: lockout per account and client, IP throttling, rate limits."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, RequestFactory

from accounts.backends import lockout_key
from accounts.tests.factories import PASSWORD, later, make_user, start_of_a_window
from support.client import HX
from support.html import texts_of

pytestmark = pytest.mark.django_db


def attempt(client, username, password="wrong-password", **kwargs):
    return client.post("/accounts/login/", {"username": username, "password": password}, **kwargs)


def client_from(ip):
    return Client(REMOTE_ADDR=ip)


def lock(username, ip="203.0.113.1", failures=5):
    """Fail `failures` times: the fifth failure is answered with the lockout itself."""
    client = client_from(ip)
    for number in range(1, failures + 1):
        expected = 429 if number >= 5 else 422
        assert attempt(client, username).status_code == expected
    return client


def test_five_failures_lock_the_account_for_that_client_with_429():
    user = make_user("ada")
    client = lock("ada")
    response = attempt(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert texts_of(response.text, "alert") == [
        "Too many failed attempts for this account. It is locked on this device for "
        "15 minutes. You can still reset your password."
    ]
    assert SESSION_KEY not in client.session
    assert user.sessions.count() == 0


def test_the_login_form_warns_when_two_attempts_are_left_and_when_one_is():
    make_user("ada")
    client = client_from("203.0.113.9")
    wrong = "The username or email and the password do not match an account."
    said = [texts_of(attempt(client, "ADA").text, "alert") for _ in range(4)]
    assert said[:2] == [[wrong], [wrong]]  # no warning while there are more left
    assert said[2] == [
        wrong + " 2 attempts left before this account is locked on this device for 15 minutes."
    ]
    assert said[3] == [
        wrong + " 1 attempt left before this account is locked on this device for 15 minutes."
    ]
    # Another client, or a name that is not wrong but missing, is not warned.
    assert texts_of(attempt(client_from("198.51.100.9"), "ada").text, "alert") == [wrong]
    assert "attempt" not in attempt(client_from("203.0.113.9"), "").text


def test_four_failures_do_not_lock():
    make_user("ada")
    client = lock("ada", failures=4)
    assert attempt(client, "ada", PASSWORD).status_code == 302


def test_other_accounts_keep_working_from_the_locked_client():
    make_user("ada")
    make_user("bob")
    client = lock("ada")
    assert attempt(client, "bob", PASSWORD).status_code == 302


def test_the_right_user_from_elsewhere_keeps_working():
    make_user("ada")
    lock("ada", ip="203.0.113.1")
    assert attempt(client_from("198.51.100.9"), "ada", PASSWORD).status_code == 302


def test_lockout_is_released_after_the_cool_off():
    make_user("ada")
    client = lock("ada")
    with later(minutes=14):
        assert attempt(client, "ada", PASSWORD).status_code == 429
    with later(minutes=30):
        assert attempt(client, "ada", PASSWORD).status_code == 302


def test_lockout_answers_htmx_in_place_with_429():
    make_user("ada")
    client = lock("ada")
    response = attempt(client, "ada", PASSWORD, headers=HX)
    assert response.status_code == 429
    assert response.content.lstrip().startswith(b"<form")
    assert b'role="alert"' in response.content


def test_staff_can_unlock_in_the_admin():
    make_user("ada")
    client = lock("ada")
    admin = Client()
    admin.force_login(make_user(is_staff=True, is_superuser=True))
    assert admin.get("/admin/axes/accessattempt/").status_code == 200
    attempt_row = AccessAttempt.objects.get(username="ada")
    response = admin.post(f"/admin/axes/accessattempt/{attempt_row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, "ada", PASSWORD).status_code == 302


def test_many_usernames_from_one_ip_are_throttled(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-ip": (6, 900)}
    make_user("real")
    client = client_from("203.0.113.50")
    for i in range(6):
        assert attempt(client, f"guess{i}").status_code == 422
    response = attempt(client, "real", PASSWORD)
    assert response.status_code == 429
    assert texts_of(response.text, "alert") == [
        "Too many failed logins from your network. Please try again later."
    ]
    assert attempt(client_from("198.51.100.1"), "real", PASSWORD).status_code == 302


def test_signup_is_rate_limited_per_ip(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-ip": (2, 3600)}
    good = "a-long-Passphrase-42"
    for i in range(2):
        data = {"username": f"new{i}", "password1": good, "password2": good}
        assert client_from("203.0.113.9").post("/accounts/signup/", data).status_code == 302
    data = {"username": "third", "password1": good, "password2": good}
    response = client_from("203.0.113.9").post("/accounts/signup/", data)
    assert response.status_code == 429
    assert texts_of(response.text, "alert") == [
        "Too many sign-ups from your network. Please try again in an hour."
    ]
    assert client_from("198.51.100.3").post("/accounts/signup/", data).status_code == 302


def test_password_reset_has_no_visible_limit_per_email(settings, mail_sent_at_once):
    """Strangers asking for an address's reset from many networks never get its owner
    refused: mails to an address are spaced out silently instead
    (test_email_and_reset, test_email_attacks)."""
    make_user(email="ada@example.org")
    with start_of_a_window(settings.PASSWORD_RESET_MAIL_INTERVAL):
        for n in range(12):
            client = client_from(f"203.0.113.{n + 1}")
            response = client.post("/accounts/password/reset/", {"email": "ADA@example.org"})
            assert response.status_code == 302
            assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1


def test_password_reset_is_rate_limited_per_ip(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password-reset-ip": (2, 3600)}
    client = client_from("203.0.113.4")
    for i in range(2):
        assert (
            client.post("/accounts/password/reset/", {"email": f"x{i}@example.org"}).status_code
            == 302
        )
    assert client.post("/accounts/password/reset/", {"email": "y@example.org"}).status_code == 429


# What the lockout counts against (accounts.backends.lockout_key)


@pytest.mark.parametrize("typed", ["ada", "ADA", " Ada ", "ada@example.org", "ADA@Example.ORG"])
def test_every_spelling_of_an_account_counts_against_that_account(typed):
    make_user("Ada", email="ada@example.org")
    request = RequestFactory().post("/accounts/login/", {"username": typed})
    assert lockout_key(request, {"username": typed}) == "Ada"


def test_a_name_of_no_account_counts_against_itself_in_lower_case():
    request = RequestFactory().post("/accounts/login/")
    assert lockout_key(request, {"username": " Nobody@Example.org "}) == "nobody@example.org"


def test_a_lockout_under_the_username_refuses_the_email_with_the_right_password():
    make_user("ada", email="ada@example.org")
    client = lock("ada")
    response = attempt(client, "ada@example.org", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_without_credentials_the_lockout_counts_against_the_posted_name():
    make_user("Ada")
    request = RequestFactory().post("/accounts/login/", {"username": "ADA"})
    assert lockout_key(request, None) == "Ada"
    assert lockout_key(RequestFactory().post("/accounts/login/"), None) == ""


def test_a_refused_reset_is_the_form_again_ready_to_send_later(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password-reset-ip": (1, 3600)}
    client = client_from("203.0.113.4")
    client.post("/accounts/password/reset/", {"email": "x@example.org"})
    page = client.post("/accounts/password/reset/", {"email": "y@example.org"})
    fragment = client.post("/accounts/password/reset/", {"email": "z@example.org"}, headers=HX)
    assert (page.status_code, fragment.status_code) == (429, 429)
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert fragment.text.lstrip().startswith("<form")
    assert texts_of(fragment.text, "alert") == [
        "Too many reset requests. Please try again in an hour."
    ]
