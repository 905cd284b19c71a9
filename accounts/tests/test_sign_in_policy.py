"""One sign-in policy (accounts.signin.flow): every way into an account asks for every
factor the account has, and only that policy signs anyone in.

Attacks on a running server (pytest-django's live server, over HTTP): the admin's login
page, every URL of the site posted a member's password, a passkey without user
verification offered twice, and what each kind of sign-in is recorded as and allowed.
"""

import ast
import json
from pathlib import Path

import pyotp
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.email import verification
from accounts.mfa import recovery
from accounts.models import TOTPDevice
from accounts.tests.factories import PASSWORD, make_user
from accounts.tests.webauthn_authenticator import Authenticator
from articles.tests.factories import make_article
from support.visitor import Visitor

BASE_DIR = Path(__file__).resolve().parents[2]
SECOND_STEP = "/accounts/login/two-factor/"


def with_two_factor(user):
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    return pyotp.TOTP(secret)


def session_user(visitor, site):
    """Whose session the visitor holds: the name on a page behind the login, else None."""
    response = visitor.get(f"{site}/accounts/update/")
    if response.status_code != 200:
        return None
    return response.text.split('class="user-menu-name">', 1)[1].split("<", 1)[0]


def in_sudo_mode(visitor, site):
    """Whether a sensitive action goes ahead without asking for the password again."""
    token = visitor.csrf_token(f"{site}/accounts/sessions/")
    response = visitor.post(
        f"{site}/accounts/sessions/sign-out-others/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 302


def post_json(visitor, site, path, body=None, token=None):
    token = token or visitor.http.cookies.get("csrftoken")
    token = token or visitor.csrf_token(f"{site}/accounts/login/")
    return visitor.http.post(
        f"{site}{path}",
        data=json.dumps(body or {}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
        allow_redirects=False,
        timeout=visitor.timeout,
    )


def add_passkey(site, user, authenticator):
    """Register `authenticator` as a passkey of `user`, through Settings as they would."""
    member = Visitor()
    assert member.log_in(site, user.username).status_code == 302
    options = post_json(member, site, "/accounts/passkeys/register/options/").json()
    credential = authenticator.create(options, origin=site)
    response = post_json(
        member, site, "/accounts/passkeys/register/", {"name": "Key", "credential": credential}
    )
    assert response.status_code == 200, response.text


def passkey_sign_in(visitor, site, authenticator, **get):
    visitor.csrf_token(f"{site}/accounts/login/")
    options = post_json(visitor, site, "/accounts/passkeys/login/options/").json()
    body = {"credential": authenticator.get(options, origin=site, **get)}
    return post_json(visitor, site, "/accounts/passkeys/login/", body)


def passkey_second_step(visitor, site, authenticator, **get):
    options = post_json(visitor, site, "/accounts/passkeys/second-step/options/")
    if options.status_code != 200:
        return options
    body = {"credential": authenticator.get(options.json(), origin=site, **get)}
    return post_json(visitor, site, "/accounts/passkeys/second-step/", body)


@pytest.fixture
def site(live_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-ip": (1000, 3600)}
    return live_server.url


# 1. The admin's login page


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_does_not_sign_staff_in_with_the_password_alone(site):
    staff = make_user("boss", is_staff=True, is_superuser=True)
    with_two_factor(staff)
    attacker = Visitor()
    token = attacker.csrf_token(f"{site}/accounts/login/")

    attacker.post(
        f"{site}/admin/login/",
        {"csrfmiddlewaretoken": token, "username": "boss", "password": PASSWORD, "next": "/admin/"},
    )

    assert session_user(attacker, site) is None
    assert attacker.get(f"{site}/admin/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_page_sends_staff_to_the_sites_login_keeping_next(site):
    response = Visitor().get(f"{site}/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/admin/accounts/user/"
    assert Visitor().get(f"{site}/admin/").headers["Location"] == "/accounts/login/?next=/admin/"


@pytest.mark.django_db(transaction=True)
def test_staff_reach_the_admin_after_both_steps_of_the_sites_login(site):
    staff = make_user("boss", is_staff=True, is_superuser=True)
    totp = with_two_factor(staff)
    visitor = Visitor()
    token = visitor.csrf_token(f"{site}/accounts/login/?next=/admin/")
    first = visitor.post(
        f"{site}/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "boss", "password": PASSWORD, "next": "/admin/"},
    )
    assert first.headers["Location"] == f"{SECOND_STEP}?next=%2Fadmin%2F"
    done = visitor.post_form(
        f"{site}{first.headers['Location']}", {"code": totp.now(), "next": "/admin/"}
    )
    assert done.headers["Location"] == "/admin/"
    assert visitor.get(f"{site}/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_member_who_is_not_staff_is_refused_by_the_admin(site):
    make_user("member")
    visitor = Visitor()
    visitor.log_in(site, "member")
    assert visitor.get(f"{site}/admin/").status_code == 302
    assert visitor.get(f"{site}/admin/login/?next=/admin/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_admins_password_change_is_the_sites_own(site):
    """Django's admin checks the old password without counting the guesses: it sends
    staff to Settings, Password, where every wrong password counts."""
    make_user("boss", is_staff=True, is_superuser=True)
    visitor = Visitor()
    visitor.log_in(site, "boss")
    response = visitor.get(f"{site}/admin/password_change/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/password/"


# Every URL of the site, posted a two-factor member's password: none signs them in.


def url_patterns(resolver=None, prefix=""):
    """(route, pattern) for every URL of the site."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def concrete_paths(user, article):
    """A real path for every URL pattern: real ids, a real reset link and email link of
    `user`, so that even the mailed links are tried with a valid token."""
    reset_token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    email_token = signing.dumps([user.pk, user.email], salt=verification.SALT)
    values = {
        "<int:pk>": str(article.pk),
        "<uidb64>": uid,
        "<token>": reset_token,
        "<str:token>": email_token,
        "<str:public_id>": "0" * 32,
        "<str:code>": "ko",
        "<path:object_id>": str(user.pk),
        "<str:app_label>": "accounts",
    }
    paths = []
    for route, _pattern in url_patterns():
        path = "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        if "<" in path or "(?P" in path or "\\" in path:
            continue  # the admin's model URLs (regular expressions): covered by the next
        paths.append(path)
    return sorted(set(paths))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_url_of_the_site_signs_a_two_factor_member_in_with_the_password_alone(site):
    user = make_user("victim", email="victim@example.org", email_verified=False, is_staff=True)
    with_two_factor(user)
    article = make_article(author=user)
    paths = concrete_paths(user, article)
    assert "/admin/login/" in paths
    assert "/accounts/login/" in paths
    token = Visitor().csrf_token(f"{site}/accounts/login/")
    credentials = {"username": "victim", "password": PASSWORD, "next": "/articles/"}
    for path in paths:
        visitor = Visitor()
        visitor.http.cookies.set("csrftoken", token, domain="localhost.local")
        visitor.post(f"{site}{path}", {"csrfmiddlewaretoken": token, **credentials})
        post_json(visitor, site, path, credentials, token)
        assert session_user(visitor, site) is None, path


@pytest.mark.django_db(transaction=True)
def test_the_mailed_links_sign_nobody_in(site):
    user = make_user("victim", email="victim@example.org", email_verified=False)
    with_two_factor(user)
    visitor = Visitor()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset = f"{site}/accounts/password/reset/{uid}/{default_token_generator.make_token(user)}/"
    set_password = visitor.get(reset).headers["Location"]
    new = "a-new-password-2026"
    done = visitor.post_form(f"{site}{set_password}", {"new_password1": new, "new_password2": new})
    assert done.headers["Location"] == "/accounts/password/reset/complete/"
    email_token = signing.dumps([user.pk, user.email], salt=verification.SALT)
    confirmed = visitor.post_form(f"{site}/accounts/email/confirm/{email_token}/", {})
    assert confirmed.headers["Location"] == "/accounts/login/"
    assert session_user(visitor, site) is None


def test_only_the_sign_in_policy_calls_djangos_login():
    """auth.login makes a session: the policy (accounts/signin/flow.py) is the only code
    that may call it, so no view can forget a factor."""
    callers = []
    for path in sorted(BASE_DIR.glob("*/**/*.py")):
        relative = path.relative_to(BASE_DIR)
        # bench/plain is the plain Django app the benchmark compares us with, not ours;
        # support/ is the tests' and tools' shared code; mutants/ is mutmut's copy of ours.
        skipped = ("e2e", "bench", "scripts", "support", "mutants")
        hidden = relative.parts[0].startswith(".")  # .venv and the like
        if hidden or relative.parts[0] in skipped or "tests" in relative.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.contrib.auth":
                if any(alias.name == "login" for alias in node.names):
                    callers.append(str(relative))
            elif isinstance(node, ast.Attribute) and node.attr == "login":
                base = node.value
                if isinstance(base, ast.Name) and base.id in ("auth", "django_auth"):
                    callers.append(str(relative))
    assert callers == ["accounts/signin/flow.py"]


# 2. A passkey without user verification is one factor, never two


@pytest.fixture
def member_with_a_key_and_an_app(site):
    """A member with a passkey whose authenticator does not verify the user (a security
    key without a PIN), and an authenticator app."""
    user = make_user("keyholder")
    key = Authenticator(user_verified=False)
    add_passkey(site, user, key)
    totp = with_two_factor(user)
    return user, key, totp


@pytest.mark.django_db(transaction=True)
def test_an_unverified_passkey_cannot_be_its_own_second_factor(site, member_with_a_key_and_an_app):
    _, key, _ = member_with_a_key_and_an_app
    thief = Visitor()
    first = passkey_sign_in(thief, site, key)
    assert first.json()["redirect"] == SECOND_STEP

    second = passkey_second_step(thief, site, key)

    assert second.status_code in (400, 403)
    assert "PIN" in second.json()["error"]
    assert session_user(thief, site) is None


@pytest.mark.django_db(transaction=True)
def test_an_unverified_passkey_then_a_code_is_recorded_so_and_gives_no_sudo_mode(
    site, member_with_a_key_and_an_app
):
    _, key, totp = member_with_a_key_and_an_app
    visitor = Visitor()
    passkey_sign_in(visitor, site, key)
    done = visitor.post_form(f"{site}{SECOND_STEP}", {"code": totp.now()})
    assert done.status_code == 302
    assert session_user(visitor, site) == "keyholder"
    assert "Passkey and authenticator code" in visitor.get(f"{site}/accounts/sessions/").text
    assert not in_sudo_mode(visitor, site)


@pytest.mark.django_db(transaction=True)
def test_an_unverified_passkey_then_the_password_signs_in_in_sudo_mode(
    site, member_with_a_key_and_an_app
):
    _, key, _ = member_with_a_key_and_an_app
    visitor = Visitor()
    passkey_sign_in(visitor, site, key)
    done = visitor.post_form(f"{site}{SECOND_STEP}", {"password": PASSWORD})
    assert done.status_code == 302
    assert "Passkey and password" in visitor.get(f"{site}/accounts/sessions/").text
    assert in_sudo_mode(visitor, site)


@pytest.mark.django_db(transaction=True)
def test_after_an_unverified_passkey_a_recovery_code_is_not_a_second_factor(
    site, member_with_a_key_and_an_app
):

    user, key, _ = member_with_a_key_and_an_app
    codes = recovery.new_recovery_codes(user)
    visitor = Visitor()
    passkey_sign_in(visitor, site, key)
    refused = visitor.post_form(f"{site}{SECOND_STEP}", {"code": codes[0]})
    assert refused.status_code == 422
    assert session_user(visitor, site) is None
    assert recovery.recovery_codes_left(user) == len(codes)  # not used up


@pytest.mark.django_db(transaction=True)
def test_a_verified_passkey_finishes_what_an_unverified_one_started(
    site, member_with_a_key_and_an_app
):
    _, key, _ = member_with_a_key_and_an_app
    visitor = Visitor()
    passkey_sign_in(visitor, site, key)
    response = passkey_second_step(visitor, site, key, user_verified=True)  # its PIN, now
    assert response.status_code == 200, response.text
    assert session_user(visitor, site) == "keyholder"
    assert in_sudo_mode(visitor, site)


@pytest.mark.django_db(transaction=True)
def test_a_password_then_an_unverified_passkey_is_two_factors(site, member_with_a_key_and_an_app):
    _, key, _ = member_with_a_key_and_an_app
    visitor = Visitor()
    assert visitor.log_in(site, "keyholder").headers["Location"] == SECOND_STEP
    response = passkey_second_step(visitor, site, key)
    assert response.status_code == 200, response.text
    assert "Password and passkey" in visitor.get(f"{site}/accounts/sessions/").text
    assert in_sudo_mode(visitor, site)


@pytest.mark.django_db(transaction=True)
def test_an_unverified_passkey_alone_signs_in_without_sudo_mode(site):
    user = make_user("keyholder")
    key = Authenticator(user_verified=False)
    add_passkey(site, user, key)
    visitor = Visitor()
    assert passkey_sign_in(visitor, site, key).status_code == 200
    assert session_user(visitor, site) == "keyholder"
    sessions = visitor.get(f"{site}/accounts/sessions/").text
    assert "Passkey without PIN or fingerprint" in sessions
    assert not in_sudo_mode(visitor, site)


@pytest.mark.django_db(transaction=True)
def test_a_verified_passkey_alone_signs_in_in_sudo_mode(site):
    user = make_user("keyholder")
    key = Authenticator(user_verified=True)
    add_passkey(site, user, key)
    with_two_factor(user)
    visitor = Visitor()
    assert passkey_sign_in(visitor, site, key).json()["redirect"] == "/articles/"
    assert in_sudo_mode(visitor, site)
