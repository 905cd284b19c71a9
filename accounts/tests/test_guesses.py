"""Counting guesses of an account's secrets (accounts.guesses), in process: the windows,
what is counted and given back, the notices, and how a refusal looks with htmx. The
attacks themselves, over HTTP from several addresses, are in test_guessing.py."""

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.test import Client, RequestFactory
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import guesses
from accounts.models import Guesses, TOTPDevice
from accounts.tests.factories import PASSWORD, later, make_user, wait_for_mail
from support.client import HX

pytestmark = pytest.mark.django_db

SECOND_STEP = "/accounts/login/two-factor/"


def a_request():
    return RequestFactory().post("/", HTTP_USER_AGENT="Firefox")


def wrong_guess(user, secret=guesses.SESSION_PASSWORD):
    return guesses.check(a_request(), user, secret, lambda: False)


def use_up(user, secret=guesses.SESSION_PASSWORD):
    limit, _window = settings.GUESS_LIMITS[secret]
    for _ in range(limit - 1):
        assert wrong_guess(user, secret) is False
    with pytest.raises(guesses.TooManyGuesses):
        wrong_guess(user, secret)


def test_wrong_guesses_count_until_the_limit_then_none_is_checked():
    user = make_user()
    use_up(user)
    checked = []
    with pytest.raises(guesses.TooManyGuesses) as refused:
        guesses.check(a_request(), user, guesses.SESSION_PASSWORD, lambda: checked.append(1))
    assert checked == []  # not even asked
    assert refused.value.until == guesses.locked_until(user, guesses.SESSION_PASSWORD)


def test_a_right_guess_is_given_back():
    user = make_user()
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    for _ in range(limit * 2):
        assert guesses.check(a_request(), user, guesses.SESSION_PASSWORD, lambda: True)
    assert Guesses.objects.get(user=user).count == 0


def test_a_new_window_starts_when_the_old_one_is_over():
    user = make_user()
    _limit, window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    with later(seconds=0):
        use_up(user)
    with later(seconds=window - 1):
        assert guesses.locked_until(user, guesses.SESSION_PASSWORD)
        with pytest.raises(guesses.TooManyGuesses):
            wrong_guess(user)
    with later(seconds=window + 1):
        assert guesses.locked_until(user, guesses.SESSION_PASSWORD) is None
        assert wrong_guess(user) is False
        assert Guesses.objects.get(user=user).count == 1


def test_counts_are_per_account_and_per_secret():
    user, other = make_user(), make_user()
    use_up(user)
    assert wrong_guess(other) is False
    assert wrong_guess(user, guesses.SECOND_FACTOR) is False


def test_the_member_hears_of_a_lock_once(django_capture_on_commit_callbacks):
    user = make_user(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        use_up(user)
        for _ in range(3):
            with pytest.raises(guesses.TooManyGuesses):
                wrong_guess(user)
    [notice] = wait_for_mail(1)
    assert notice.subject == "Wrong passwords were typed in a session of your account"
    assert notice.to == ["ada@example.org"]
    assert "Device: Firefox" in notice.body


def test_a_password_reset_lifts_every_lock():
    user = make_user()
    use_up(user)
    use_up(user, guesses.SECOND_FACTOR)
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form = client.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
    new = "n3w-pass-2026!"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert guesses.locked_until(user, guesses.SECOND_FACTOR) is None
    assert guesses.locked_until(user, guesses.SESSION_PASSWORD) is None


# How the refusals look


def test_a_session_that_guessed_too_often_is_signed_out_and_told_why():
    user = make_user()
    client = Client()
    client.force_login(user)
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    for _ in range(limit - 1):
        assert client.post("/accounts/delete/", {"password": "no"}).status_code == 422
    response = client.post("/accounts/delete/", {"password": "no"})
    assert response.status_code == 429
    assert "has been signed out" in response.text
    assert 'action="/accounts/login/"' in response.text
    assert SESSION_KEY not in client.session
    assert user.__class__.objects.filter(pk=user.pk).exists()


def test_with_htmx_the_signed_out_session_gets_the_login_page_in_main_and_a_new_navbar():
    user = make_user()
    use_up(user)
    client = Client()
    client.force_login(user)
    # The form swaps itself (hx-target="this", no id): the page goes into #main instead.
    response = client.post("/accounts/delete/", {"password": PASSWORD}, headers=HX)
    assert response.status_code == 429
    assert response["HX-Retarget"] == "#main"
    assert "has been signed out" in response.text
    assert 'id="navbar"' in response.text  # out of band: signed out
    assert "Log in</a>" in response.text
    assert SESSION_KEY not in client.session


def test_the_right_password_is_refused_while_the_sessions_guesses_are_locked():
    user = make_user()
    use_up(user)
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 429
    assert user.__class__.objects.filter(pk=user.pk).exists()


def test_with_htmx_locked_codes_answer_in_the_form_with_429(halfway):
    user = make_user()
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    use_up(user, guesses.SECOND_FACTOR)
    client = halfway(user)
    response = client.post(SECOND_STEP, {"code": pyotp.TOTP(secret).now()}, headers=HX)
    assert response.status_code == 429
    assert "<form" in response.text
    assert "<html" not in response.text
    assert "Too many wrong codes were entered for this account" in response.text
    assert SESSION_KEY not in client.session


def test_the_password_step_after_a_passkey_is_not_offered_after_a_password(halfway):
    user = make_user()
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
    client = halfway(user)
    page = client.get(SECOND_STEP)
    assert 'name="password"' not in page.text
    # Posting one anyway is taken as a (missing) code, not as the password.
    response = client.post(SECOND_STEP, {"password": PASSWORD})
    assert response.status_code == 422
    assert SESSION_KEY not in client.session


def post_json(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def a_key_without_a_pin(user):
    """A passkey of `user` that does not verify who holds it, and an authenticator app."""
    from accounts.tests.webauthn_authenticator import Authenticator

    key = Authenticator(user_verified=False)
    member = Client()
    member.force_login(user)
    options = post_json(member, "/accounts/passkeys/register/options/").json()
    body = {"name": "Key", "credential": key.create(options)}
    assert post_json(member, "/accounts/passkeys/register/", body).status_code == 200
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
    return key


def halfway_by(key):
    """A client that signed in with `key`: the second step waits for a code or the
    password."""
    client = Client()
    options = post_json(client, "/accounts/passkeys/login/options/").json()
    answer = post_json(client, "/accounts/passkeys/login/", {"credential": key.get(options)})
    assert answer.json() == {"redirect": SECOND_STEP}
    return client


def test_the_password_at_the_second_step_counts_against_the_account_like_a_login(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-account": (1, 3600)}
    key = a_key_without_a_pin(make_user("ada"))
    Client().post("/accounts/login/", {"username": "ada", "password": "wrong"})
    client = halfway_by(key)
    response = client.post(SECOND_STEP, {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins for this account" in response.text
    assert SESSION_KEY not in client.session


def test_the_right_password_at_the_second_step_is_given_back(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-account": (1, 3600)}
    key = a_key_without_a_pin(make_user("ada"))
    for _ in range(3):
        client = halfway_by(key)
        assert client.post(SECOND_STEP, {"password": PASSWORD}).status_code == 302
        assert SESSION_KEY in client.session
