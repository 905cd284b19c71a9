"""No unlimited guessing: every secret of an account is counted per account, from every
address and session together (accounts.guesses, RATE_LIMITS["login-account"]).

Attacks on a running server (pytest-django's live server, over HTTP), from several client
addresses (each Visitor connects from its own 127.0.0.N) and, where the rule is about
counting, with requests sent at the same instant (on PostgreSQL, where each of the live
server's threads has a connection of its own; SQLite's in-memory test database is shared
by them and refuses simultaneous transactions).
"""

import html
import time

import pyotp
import pytest
from django.conf import settings

from accounts import guesses
from accounts.models import TOTPDevice
from accounts.sessions import activity
from accounts.sessions.store import SessionStore
from accounts.tests.factories import PASSWORD, make_user
from support.races import all_at_once
from support.visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

SECOND_STEP = "/accounts/login/two-factor/"
CODES_LOCKED = "Too many wrong codes were entered for this account"
SIGNED_OUT = (
    "Too many wrong passwords were typed in this account's sessions, so this one has been "
    "signed out. Log in again; if it was not you, reset your password."
)


def address(n):
    return f"127.0.0.{n}"


def member_with_app(**fields):
    user = make_user("victim", email="victim@example.org", **fields)
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    return user, pyotp.TOTP(secret)


def wrong(totp):
    """A code that is none of the three the server accepts now (this step and either side)."""
    step = int(time.time()) // totp.interval
    accepted = {totp.generate_otp(step + drift) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def halfway(site, source):
    """An attacker who knows the password, at the second step, from address `source`."""
    visitor = Visitor(source=source)
    response = visitor.log_in(site, "victim")
    assert response.headers["Location"] == SECOND_STEP, response.status_code
    return visitor


def send_code(visitor, site, code):
    return visitor.post_form(f"{site}{SECOND_STEP}", {"code": code})


def signed_in(visitor, site):
    return visitor.is_logged_in(site)


# 3. Second-step codes


@pytest.mark.postgres  # requests at the same instant: each thread its own connection
def test_wrong_codes_from_many_addresses_lock_the_accounts_second_step(site, smtp_inbox):
    _, totp = member_with_app()
    limit, _window = settings.GUESS_LIMITS[guesses.SECOND_FACTOR]

    def attack(i):
        """Four wrong codes from one address, logging in again whenever the sign-in ends."""
        statuses = []
        visitor = halfway(site, address(10 + i))
        for _ in range(4):
            response = send_code(visitor, site, wrong(totp))
            statuses.append(response.status_code)
            if response.status_code in (302, 429):  # the sign-in ended: the password again
                visitor = halfway(site, address(10 + i))
        return statuses

    results = all_at_once(4, attack)
    assert all(isinstance(statuses, list) for statuses in results), results
    # 16 wrong codes: the first limit - 1 were refused (422, or 302 when one ended its
    # sign-in), the one that reached the limit and all after it were not checked (429).
    statuses = [status for statuses in results for status in statuses]
    assert sum(status in (422, 302) for status in statuses) == limit - 1, statuses

    owner = halfway(site, address(20))
    response = send_code(owner, site, totp.now())  # the right code, too late

    assert response.status_code == 429
    assert CODES_LOCKED in response.text
    assert not signed_in(owner, site)
    notice = smtp_inbox.wait_for_mail(
        "victim@example.org", "Wrong codes were entered for your account"
    )
    assert "reset your password" in notice.get_body(("plain",)).get_content()


@pytest.mark.postgres  # requests at the same instant: each thread its own connection
def test_wrong_codes_sent_at_the_same_instant_are_checked_at_most_up_to_the_limit(site):
    _, totp = member_with_app()
    limit, _window = settings.GUESS_LIMITS[guesses.SECOND_FACTOR]
    attackers = [halfway(site, address(30 + i)) for i in range(limit + 6)]
    tokens = [a.csrf_token(f"{site}{SECOND_STEP}") for a in attackers]
    code = wrong(totp)

    responses = all_at_once(
        len(attackers),
        lambda i: attackers[i].post(
            f"{site}{SECOND_STEP}", {"csrfmiddlewaretoken": tokens[i], "code": code}
        ),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [422] * (limit - 1) + [429] * 7, statuses


def test_the_sign_in_ends_after_a_few_wrong_codes(site):
    _, totp = member_with_app()
    visitor = halfway(site, address(2))
    token = visitor.csrf_token(f"{site}{SECOND_STEP}")
    for _ in range(settings.TWO_FACTOR_WRONG_ANSWERS - 1):
        assert send_code(visitor, site, wrong(totp)).status_code == 422

    ended = send_code(visitor, site, wrong(totp))

    assert ended.status_code == 302
    assert ended.headers["Location"] == "/accounts/login/"
    # The right code now, but it is the password's turn again.
    late = visitor.post(f"{site}{SECOND_STEP}", {"csrfmiddlewaretoken": token, "code": totp.now()})
    assert late.headers["Location"] == "/accounts/login/"
    assert not signed_in(visitor, site)


def lock_the_codes(site, totp):
    """Wrong codes up to the limit, from one address after another."""
    limit, _window = settings.GUESS_LIMITS[guesses.SECOND_FACTOR]
    visitor = halfway(site, address(2))
    for n in range(limit):
        response = send_code(visitor, site, wrong(totp))
        if response.status_code == 302:  # the sign-in ended: log in again, elsewhere
            visitor = halfway(site, address(3 + n))
    assert response.status_code == 429


def test_a_new_password_lifts_the_lock_on_the_codes(site, client):
    user, totp = member_with_app()
    lock_the_codes(site, totp)
    client.force_login(user)
    new = "n3w-pass-2026!"
    changed = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    visitor = Visitor(source=address(90))
    assert visitor.log_in(site, "victim", new).headers["Location"] == SECOND_STEP
    assert send_code(visitor, site, totp.now()).status_code == 302
    assert signed_in(visitor, site)


def test_the_lock_on_the_codes_does_not_stop_a_verified_passkey_or_a_password(site):
    _, totp = member_with_app()
    lock_the_codes(site, totp)
    # Not a code: the password step itself still answers, and says what is locked.
    visitor = halfway(site, address(91))
    response = send_code(visitor, site, totp.now())
    assert response.status_code == 429
    assert "A passkey still signs you in" in response.text


# 4. Passwords typed inside a session


def leave_sudo_mode(visitor):
    """As if the password was entered longer ago than SUDO_MODE_TIMEOUT."""
    session = SessionStore(session_key=visitor.http.cookies["sessionid"])
    session[activity.REAUTH_TIME] = 0
    session.save()


PASSWORD_FORMS = {
    "delete the account": ("/accounts/delete/", "password"),
    "change the password": ("/accounts/password/", "old_password"),
    "sudo prompt": ("/accounts/sessions/sign-out-others/", "sudo-password"),
}


def stolen_session(site):
    make_user("victim", email="victim@example.org")
    thief = Visitor(source=address(2))
    assert thief.log_in(site, "victim").status_code == 302
    leave_sudo_mode(thief)
    return thief


def guess(visitor, site, form, password):
    path, field = PASSWORD_FORMS[form]
    data = {field: password}
    if field == "old_password":
        data.update(new_password1="n3w-pass-2026!", new_password2="n3w-pass-2026!")
    token = visitor.csrf_token(f"{site}/accounts/sessions/")
    return visitor.post(f"{site}{path}", {"csrfmiddlewaretoken": token, **data})


@pytest.mark.parametrize("form", PASSWORD_FORMS)
def test_a_stolen_session_cannot_go_on_guessing_the_password(site, smtp_inbox, form):
    thief = stolen_session(site)
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    for n in range(limit - 1):
        assert guess(thief, site, form, f"guess-{n}").status_code == 422

    last = guess(thief, site, form, "one-guess-too-many")

    assert last.status_code == 429
    assert SIGNED_OUT in html.unescape(last.text)
    assert not signed_in(thief, site)
    notice = smtp_inbox.wait_for_mail(
        "victim@example.org", "Wrong passwords were typed in a session of your account"
    )
    assert "signed out" in notice.get_body(("plain",)).get_content()


@pytest.mark.postgres  # requests at the same instant: each thread its own connection
def test_guesses_sent_at_once_from_many_addresses_with_one_session_are_counted(site):
    thief = stolen_session(site)
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    accomplices = [Visitor(source=address(40 + i)) for i in range(limit + 5)]
    for accomplice in accomplices:
        accomplice.http.cookies.update(thief.http.cookies)
    token = thief.csrf_token(f"{site}/accounts/sessions/")

    responses = all_at_once(
        len(accomplices),
        lambda i: accomplices[i].post(
            f"{site}/accounts/delete/", {"csrfmiddlewaretoken": token, "password": f"guess-{i}"}
        ),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(422) == limit - 1, statuses  # only these were checked
    # The rest were refused: counted one too many (429), or, arriving once that had
    # signed the session out, sent to log in like anyone without a session.
    refused = [r for r in responses if r.status_code != 422]
    assert statuses.count(429) >= 1, statuses
    for response in refused:
        login = response.status_code == 302 and "/accounts/login/" in response.headers["Location"]
        assert response.status_code == 429 or login, (response.status_code, response.headers)
    assert not signed_in(thief, site)


def test_the_limit_is_the_accounts_across_its_sessions(site):
    thief = stolen_session(site)
    owner = Visitor(source=address(3))
    owner.log_in(site, "victim")
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    other_thief = Visitor(source=address(4))
    other_thief.log_in(site, "victim")
    for n in range(limit - 1):
        assert guess(thief, site, "delete the account", f"guess-{n}").status_code == 422

    # Another session of the account has no guesses of its own left.
    assert guess(other_thief, site, "delete the account", "another").status_code == 429
    assert not signed_in(other_thief, site)
    assert signed_in(owner, site)  # sessions that guess nothing go on


def test_the_right_password_in_a_session_is_not_counted(site):
    thief = stolen_session(site)
    limit, _window = settings.GUESS_LIMITS[guesses.SESSION_PASSWORD]
    for _ in range(limit + 2):
        leave_sudo_mode(thief)
        response = guess(thief, site, "sudo prompt", PASSWORD)
        assert response.status_code in (200, 302), response.status_code
    assert signed_in(thief, site)


# Passwords at the login: per account, from every address


@pytest.mark.postgres  # requests at the same instant: each thread its own connection
def test_failed_logins_of_one_account_from_many_addresses_are_limited(site):
    make_user("victim")
    limit, _window = settings.RATE_LIMITS["login-account"]
    attackers = [Visitor(source=address(50 + i)) for i in range(limit + 4)]
    tokens = [a.csrf_token(f"{site}/accounts/login/") for a in attackers]

    responses = all_at_once(
        len(attackers),
        lambda i: attackers[i].post(
            f"{site}/accounts/login/",
            {"csrfmiddlewaretoken": tokens[i], "username": "victim", "password": f"guess-{i}"},
        ),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [422] * limit + [429] * 4, statuses
    owner = Visitor(source=address(99))
    refused = owner.log_in(site, "victim")
    assert refused.status_code == 429
    assert "Too many failed logins for this account" in refused.text


def test_the_limit_on_failed_logins_tells_nothing_about_which_accounts_exist(site):
    make_user("victim")
    limit, _window = settings.RATE_LIMITS["login-account"]
    answers = {}
    for name in ("victim", "nobody-by-this-name"):
        for i in range(limit):
            Visitor(source=address(60 + i % 4)).log_in(site, name, f"guess-{i}")
        answers[name] = Visitor(source=address(70)).log_in(site, name, "one-more")
    assert answers["victim"].status_code == answers["nobody-by-this-name"].status_code == 429


def test_right_passwords_are_not_counted_as_failed_logins(site):
    make_user("victim")
    limit, _window = settings.RATE_LIMITS["login-account"]
    for i in range(limit + 2):
        visitor = Visitor(source=address(80 + i % 5))
        assert visitor.log_in(site, "victim").status_code == 302
