"""Two-factor sign-in (accounts/mfa/ and accounts/signin/second_step.py): turning it
on, off and making recovery codes in Settings, and the second step of a login."""

import re
import time

import pyotp
import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.mfa import recovery, totp
from accounts.models import RecoveryCode, TOTPDevice
from accounts.sessions import activity
from accounts.signin import flow
from accounts.signin.factors import Method
from accounts.tests.factories import PASSWORD, later, make_user, start_of_a_window, wait_for_mail
from support.client import HX, log_in
from support.races import all_at_once
from support.visitor import Visitor

pytestmark = pytest.mark.django_db

SECOND_STEP = "/accounts/login/two-factor/"
WRONG_CODE = "That code is not right, or it was used already."


def signed_in(client):
    return SESSION_KEY in client.session


def with_two_factor(**fields):
    """A member with an authenticator app (its secret returned too) and recovery codes."""
    user = make_user(**fields)
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    codes = recovery.new_recovery_codes(user)
    return user, secret, codes


def code_at(secret, seconds_from_now=0):
    return pyotp.TOTP(secret).at(time.time() + seconds_from_now)


# Turning it on


def test_turning_on_asks_for_the_password_when_it_was_not_entered_lately(member_client):
    client = member_client
    with later(seconds=settings.SUDO_MODE_TIMEOUT + 1):
        response = client.post("/accounts/two-factor/setup/")
    assert "Confirm your password" in response.text
    assert totp.SETUP_SECRET not in client.session


def test_turning_on_shows_a_qr_code_and_the_key_then_needs_a_first_code(member, member_client):
    user, client = member, member_client
    page = client.post("/accounts/two-factor/setup/")
    secret = client.session[totp.SETUP_SECRET]
    assert "<svg" in page.text
    assert 'class="qr-code"' in page.text
    assert totp.grouped(secret) in page.text
    assert not TOTPDevice.objects.filter(user=user).exists()  # not before a first code

    done = client.post("/accounts/two-factor/setup/", {"code": code_at(secret)})

    assert done.status_code == 200
    assert TOTPDevice.objects.get(user=user).secret == secret
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.text)
    assert len(codes) == recovery.RECOVERY_CODE_COUNT == len(set(codes))
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert stored == {recovery.hash_recovery_code(user, code) for code in codes}
    assert not stored & set(codes)  # only hashes are kept
    assert totp.SETUP_SECRET not in client.session


def test_the_secret_being_set_up_stays_the_same_until_it_is_confirmed(member_client):
    client = member_client
    client.post("/accounts/two-factor/setup/")
    secret = client.session[totp.SETUP_SECRET]
    client.post("/accounts/two-factor/setup/", {"code": "000000"})
    assert client.get("/accounts/two-factor/setup/").status_code == 200
    assert client.session[totp.SETUP_SECRET] == secret


def test_a_wrong_first_code_turns_nothing_on(member, member_client):
    user, client = member, member_client
    client.post("/accounts/two-factor/setup/")
    secret = client.session[totp.SETUP_SECRET]
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-factor/setup/", {"code": wrong})
    assert response.status_code == 422
    assert "That code is not right" in response.text
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_the_setup_page_without_a_setup_under_way_leads_to_the_section(member_client):
    client = member_client
    response = client.get("/accounts/two-factor/setup/")
    assert response.status_code == 302
    assert response.url == "/accounts/two-factor/"


def test_turning_on_twice_keeps_the_first_app():
    user, secret, _ = with_two_factor()
    client = Client()
    client.force_login(user)  # a login enters sudo mode too
    response = client.post("/accounts/two-factor/setup/")
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).secret == secret


def test_the_section_says_whether_it_is_on_and_how_many_recovery_codes_are_left(
    django_assert_num_queries,
):
    user, _, codes = with_two_factor()
    recovery.use_recovery_code(user, codes[0])
    client = Client()
    client.force_login(user)
    client.get("/accounts/two-factor/")  # the session's first activity is written
    # The device and the codes left; the session and the user too unless Redis keeps them.
    expected = 2 + (not settings.SESSION_CACHE_SECONDS) + (not settings.USER_CACHE_SECONDS)
    with django_assert_num_queries(expected):
        page = client.get("/accounts/two-factor/")
    assert "9 of 10 recovery codes left." in page.text
    assert "Turn off two-factor sign-in" in page.text
    other = Client()
    other.force_login(make_user())
    assert "Turn on two-factor sign-in" in other.get("/accounts/two-factor/").text


def test_the_section_swaps_only_the_settings_panel_with_htmx(member_client):
    client = member_client
    response = client.get("/accounts/two-factor/", headers={**HX, "HX-Target": "settings-panel"})
    assert response.text.startswith("<title>Two-factor sign-in")
    assert 'id="settings-nav"' in response.text or "hx-swap-oob" in response.text
    assert "<html" not in response.text


# The second step of a login


def test_the_password_alone_does_not_sign_in_a_member_with_two_factor(halfway):
    user, _, _ = with_two_factor()
    client = halfway(user)
    assert not signed_in(client)
    response = client.get("/accounts/update/")  # a protected page, halfway
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_member_without_two_factor_signs_in_with_the_password_alone():
    user = make_user()
    client = Client()
    response = log_in(client, user)
    assert response.status_code == 302
    assert response.url == "/articles/"
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSWORD


def test_the_right_code_signs_in_and_next_survives_the_second_step():
    user, secret, _ = with_two_factor()
    client = Client()
    response = client.post(
        "/accounts/login/?next=/articles/create/",
        {"username": user.username, "password": PASSWORD, "next": "/articles/create/"},
    )
    assert response.url == f"{SECOND_STEP}?next=%2Farticles%2Fcreate%2F"
    step = client.get(response.url)
    assert 'name="next" value="/articles/create/"' in step.text

    done = client.post(SECOND_STEP, {"code": code_at(secret), "next": "/articles/create/"})

    assert done.status_code == 302
    assert done.url == "/articles/create/"
    assert signed_in(client)
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSWORD_AND_CODE
    assert "Password and authenticator code" in client.get("/accounts/sessions/").text


def test_an_unsafe_next_is_not_carried_to_the_second_step():
    user, secret, _ = with_two_factor()
    client = Client()
    data = {"username": user.username, "password": PASSWORD, "next": "//evil.example/"}
    assert client.post("/accounts/login/", data).url == SECOND_STEP
    done = client.post(SECOND_STEP, {"code": code_at(secret), "next": "//evil.example/"})
    assert done.url == "/articles/"


def test_remember_me_is_kept_through_the_second_step():
    user, secret, _ = with_two_factor()
    client = Client()
    log_in(client, user, remember=True)
    done = client.post(SECOND_STEP, {"code": code_at(secret)})
    assert done.cookies["sessionid"]["max-age"] == settings.SESSION_REMEMBER_ME_AGE


def test_a_code_of_the_step_before_or_after_is_accepted_for_a_clock_a_little_off(halfway):
    user, secret, _ = with_two_factor()
    for seconds_off in (-30, 30):
        # At the start of a 30-second step, so that no step ends between making the code
        # and checking it (the code of the step before would then be two steps old).
        with start_of_a_window(30, tick=True):
            client = halfway(user)
            code = code_at(secret, seconds_off)
            assert client.post(SECOND_STEP, {"code": code}).status_code == 302


def test_an_old_code_is_refused(halfway):
    user, secret, _ = with_two_factor()
    client = halfway(user)
    response = client.post(SECOND_STEP, {"code": code_at(secret, -90)})
    assert response.status_code == 422
    assert WRONG_CODE in response.text
    assert not signed_in(client)


def test_a_code_is_refused_a_second_time(halfway):
    user, secret, _ = with_two_factor()
    code = code_at(secret)
    first = halfway(user)
    assert first.post(SECOND_STEP, {"code": code}).status_code == 302
    second = halfway(user)
    response = second.post(SECOND_STEP, {"code": code})
    assert response.status_code == 422
    assert WRONG_CODE in response.text
    assert not signed_in(second)


def test_after_a_code_is_used_the_code_before_it_is_refused_too(halfway):
    user, secret, _ = with_two_factor()
    assert halfway(user).post(SECOND_STEP, {"code": code_at(secret, 30)}).status_code == 302
    assert halfway(user).post(SECOND_STEP, {"code": code_at(secret)}).status_code == 422


def test_the_code_of_another_members_app_is_refused(halfway):
    user, _, _ = with_two_factor()
    _, other_secret, _ = with_two_factor()
    response = halfway(user).post(SECOND_STEP, {"code": code_at(other_secret)})
    assert response.status_code == 422


def test_the_second_step_expires_after_a_few_minutes(halfway):
    user, secret, _ = with_two_factor()
    with later(seconds=0):
        client = halfway(user)
        with later(seconds=settings.TWO_FACTOR_LOGIN_TIMEOUT + 1):
            response = client.post(SECOND_STEP, {"code": code_at(secret)})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not signed_in(client)
    assert flow.PENDING_USER not in client.session
    page = client.get(response.url)
    assert "the sign-in was not finished in time" in page.text


def test_the_second_step_without_a_password_first_leads_to_the_login():
    response = Client().get(SECOND_STEP + "?next=/articles/create/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Farticles%2Fcreate%2F"


def test_the_second_step_of_a_member_deactivated_meanwhile_leads_to_the_login(halfway):
    user, secret, _ = with_two_factor()
    client = halfway(user)
    user.is_active = False
    user.save()
    response = client.post(SECOND_STEP, {"code": code_at(secret)})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert not signed_in(client)


def test_the_password_step_starts_a_new_session_key():
    user, _, _ = with_two_factor()
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    log_in(client, user)
    assert client.session.session_key != before


def test_with_htmx_the_password_step_moves_to_the_second_step_in_place():
    user, _secret, _ = with_two_factor()
    client = Client()
    data = {"username": user.username, "password": PASSWORD}
    response = client.post("/accounts/login/", data, headers=HX)
    assert SECOND_STEP in response["HX-Location"]
    wrong = client.post(SECOND_STEP, {"code": "123"}, headers={**HX, "HX-Target": "main"})
    assert wrong.status_code == 422
    assert "<form" in wrong.text
    assert "<html" not in wrong.text


# Recovery codes at sign-in


def test_a_recovery_code_signs_in_once(halfway):
    user, _, codes = with_two_factor()
    client = halfway(user)
    done = client.post(SECOND_STEP, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert signed_in(client)
    assert client.session[activity.SIGN_IN_METHOD] == Method.PASSWORD_AND_RECOVERY_CODE
    assert "9 codes are left" in done.text
    again = halfway(user)
    assert again.post(SECOND_STEP, {"code": codes[3]}).status_code == 422
    assert not signed_in(again)


def test_the_last_recovery_code_says_to_make_new_ones(halfway):
    user, _, codes = with_two_factor()
    for code in codes[:-1]:
        assert recovery.use_recovery_code(user, code)
    done = halfway(user).post(SECOND_STEP, {"code": codes[-1]}, follow=True)
    assert "You used your last recovery code" in done.text


# Wrong codes count toward the lockout


def test_wrong_codes_lock_the_account_like_wrong_passwords(settings, halfway):
    user, secret, _ = with_two_factor()
    client = halfway(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(SECOND_STEP, {"code": "000000"})
        assert wrong.status_code in (422, 302)
        if wrong.status_code == 302:  # too many wrong answers: the password again
            assert wrong.url == "/accounts/login/"
            halfway(user, client)
    locked = client.post(SECOND_STEP, {"code": "000000"})
    assert locked.status_code == 429
    assert "Too many failed attempts for this account" in locked.text
    # Neither the right code nor the password gets in now.
    assert client.post(SECOND_STEP, {"code": code_at(secret)}).status_code in (302, 429)
    assert not signed_in(client)
    password_again = log_in(client, user)
    assert password_again.status_code == 429


def test_the_code_is_never_written_into_the_lockout_log(halfway):
    from axes.models import AccessAttempt

    user, _, _ = with_two_factor()
    halfway(user).post(SECOND_STEP, {"code": "424242"})
    attempt = AccessAttempt.objects.get(username=user.username)
    assert "424242" not in attempt.post_data


# Recovery codes and turning off in Settings


def member_in_sudo_mode(user):
    client = Client()
    client.force_login(user)
    return client


def test_new_recovery_codes_replace_the_old_ones():
    user, _, old = with_two_factor()
    client = member_in_sudo_mode(user)
    page = client.post("/accounts/two-factor/recovery-codes/")
    new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page.text)
    assert len(new) == 10
    assert not recovery.use_recovery_code(user, old[0])
    assert recovery.use_recovery_code(user, new[0])


def test_new_recovery_codes_need_a_recent_password():
    user, _, old = with_two_factor()
    client = member_in_sudo_mode(user)
    with later(seconds=settings.SUDO_MODE_TIMEOUT + 1):
        response = client.post("/accounts/two-factor/recovery-codes/")
    assert "Confirm your password" in response.text
    assert recovery.use_recovery_code(user, old[0])  # nothing changed


def test_recovery_codes_download_as_a_text_file_of_the_members_unused_codes_only():
    user, _, codes = with_two_factor()
    recovery.use_recovery_code(user, codes[0])
    client = member_in_sudo_mode(user)
    response = client.post(
        "/accounts/two-factor/recovery-codes/download/", {"code": [*codes, "zzzzz-zzzzz"]}
    )
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert [line for line in response.text.splitlines() if "-" in line and " " not in line] == (
        codes[1:]
    )


def test_downloading_codes_that_are_not_the_members_is_refused():
    _, _, codes = with_two_factor()
    client = member_in_sudo_mode(make_user())
    response = client.post("/accounts/two-factor/recovery-codes/download/", {"code": codes})
    assert response.status_code == 400
    assert codes[0] not in response.text


def test_turning_off_asks_first_and_cancel_keeps_it_on():
    user, _, _ = with_two_factor()
    client = member_in_sudo_mode(user)
    question = client.get("/accounts/two-factor/disable/")
    assert "Turn off two-factor sign-in?" in question.text
    assert re.search(r'href="/accounts/two-factor/"[^>]*autofocus', question.text)
    assert TOTPDevice.objects.filter(user=user).exists()


def test_turning_off_needs_a_recent_password_then_removes_the_app_and_the_codes():
    user, _, _ = with_two_factor()
    client = member_in_sudo_mode(user)
    with later(seconds=settings.SUDO_MODE_TIMEOUT + 1):
        prompt = client.post("/accounts/two-factor/disable/")
        assert "Confirm your password" in prompt.text
        assert TOTPDevice.objects.filter(user=user).exists()
        done = client.post("/accounts/two-factor/disable/", {"sudo-password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    response = log_in(Client(), user)
    assert response.url == "/articles/"  # the password alone signs in again


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/two-factor/recovery-codes/",
        "/accounts/two-factor/recovery-codes/download/",
    ],
)
def test_post_only_two_factor_actions_refuse_get(path):
    user, _, _ = with_two_factor()
    assert member_in_sudo_mode(user).get(path).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/two-factor/",
        "/accounts/two-factor/setup/",
        "/accounts/two-factor/disable/",
        "/accounts/two-factor/recovery-codes/",
    ],
)
def test_two_factor_settings_need_a_login(path):
    response = Client().post(path)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith("/accounts/login/")


def test_turning_on_and_off_are_refused_without_the_csrf_token():
    user, _, _ = with_two_factor()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/accounts/two-factor/disable/").status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()


# Staff remove a lost second factor


def test_staff_turn_off_a_members_two_factor_sign_in_in_the_admin():
    user, _, _ = with_two_factor()
    staff = make_user(is_staff=True, is_superuser=True)
    client = member_in_sudo_mode(staff)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "turn_off_two_factor", "_selected_action": [user.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


# The security notices


def test_turning_on_off_and_new_codes_are_told_by_mail(django_capture_on_commit_callbacks):
    user = make_user(email="ada@example.org", email_verified=True)
    client = member_in_sudo_mode(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/two-factor/setup/")
        secret = client.session[totp.SETUP_SECRET]
        client.post("/accounts/two-factor/setup/", {"code": code_at(secret)})
    wait_for_mail(1)  # each notice is sent by a thread of its own: one at a time
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/two-factor/recovery-codes/")
    wait_for_mail(2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/two-factor/disable/")
    messages = wait_for_mail(3)
    assert [message.subject for message in messages] == [
        "Two-factor sign-in was turned on",
        "New recovery codes were made for your account",
        "Two-factor sign-in was turned off",
    ]
    assert all(message.to == ["ada@example.org"] for message in messages)
    assert "If it was not you, reset your password now" in messages[0].body


def test_a_recovery_code_used_is_told_by_mail_with_how_many_are_left(
    django_capture_on_commit_callbacks,
    halfway,
):
    user, _, codes = with_two_factor(email="ada@example.org", email_verified=True)
    client = halfway(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SECOND_STEP, {"code": codes[0]})
    subjects = [(m.subject, m.body) for m in wait_for_mail(1)]
    assert subjects[0][0] == "A recovery code was used to sign in"
    assert "9 recovery codes are left." in subjects[0][1]


# Real concurrency: one code sent by several browsers at the same instant.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["authenticator", "recovery"])
def test_one_code_sent_at_once_from_many_browsers_signs_in_once(live_server, settings, kind):
    settings.AXES_FAILURE_LIMIT = 20  # the refused copies count as failures
    user, secret, codes = with_two_factor()
    visitors = [Visitor() for _ in range(8)]
    for visitor in visitors:
        assert visitor.log_in(live_server.url, user.username).headers["Location"] == SECOND_STEP
    url = f"{live_server.url}{SECOND_STEP}"
    tokens = [visitor.csrf_token(url) for visitor in visitors]
    code = code_at(secret) if kind == "authenticator" else codes[0]

    responses = all_at_once(
        len(visitors),
        lambda i: visitors[i].post(url, {"csrfmiddlewaretoken": tokens[i], "code": code}),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [422] * 7, responses
    assert sum(visitor.is_logged_in(live_server.url) for visitor in visitors) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_wrong_codes_sent_at_once_are_each_refused_never_a_server_error(live_server):
    """The first failures of a client arriving together all count (django-axes would
    otherwise fail on its own unique constraint: accounts.signin.lockout)."""
    user, _, _ = with_two_factor()
    visitors = [Visitor() for _ in range(8)]
    for visitor in visitors:
        visitor.log_in(live_server.url, user.username)
    url = f"{live_server.url}{SECOND_STEP}"
    tokens = [visitor.csrf_token(url) for visitor in visitors]

    responses = all_at_once(
        len(visitors),
        lambda i: visitors[i].post(url, {"csrfmiddlewaretoken": tokens[i], "code": "000000"}),
    )

    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {422, 429}, responses
    assert statuses.count(429) >= len(visitors) - settings.AXES_FAILURE_LIMIT + 1


def test_the_second_step_offers_a_passkey_only_to_members_who_have_one(halfway):
    from accounts.models import Passkey

    user, _, _ = with_two_factor()
    assert "Use a passkey instead" not in halfway(user).get(SECOND_STEP).text
    Passkey.objects.create(
        user=user, name="Laptop", credential_id="AQID", public_key=b"\x01", user_handle="h"
    )
    page = halfway(user).get(SECOND_STEP).text
    assert "Use a passkey instead" in page
    assert re.search(r'data-passkey="second-step"[^>]*hidden', page)  # until JavaScript
