"""Attacks on a running server over HTTP, as an outside tester would make them.

pytest-django's live server answers real HTTP requests; the requests know nothing of
the app's insides. (Concurrent failed logins against SQLite, and HTTPS in production,
are attacked on the production server itself in test_production_server.py.)
"""

import json
import random
import re
from urllib.parse import urlsplit

import pytest

from accounts.tests.factories import PASSWORD, make_user
from support.visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

HOME = "/articles/"
# Each of these once crashed the auth views with a NoReverseMatch (500).
NOT_PATHS = ["foo", "id", "articles", "?page=2", "#top", "%2Farticles%2F", ";env;", "|env"]


@pytest.fixture
def site(live_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-ip": (1000, 3600)}
    return live_server.url


def logged_in(site, username="member"):
    make_user(username)
    visitor = Visitor()
    assert visitor.log_in(site, username).status_code == 302
    return visitor


def stays_on_site(response):
    """No 5xx, and every redirect the response asks for is a path on this site."""
    assert response.status_code < 500, (response.status_code, response.request.url)
    targets = [response.headers.get("Location"), response.headers.get("HX-Redirect")]
    if "HX-Location" in response.headers:
        targets.append(json.loads(response.headers["HX-Location"])["path"])
    for target in filter(None, targets):
        assert is_site_path(target), target
    return response


def is_site_path(target):
    """A path on this site: no scheme or host, one leading slash, nothing a browser would
    strip or reinterpret (control characters, spaces, a backslash)."""
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and target[1:2] not in ("/", "\\")
        and target.isprintable()
        and " " not in target
    )


# 1. A `next` that is not a path


@pytest.mark.parametrize("next_value", NOT_PATHS)
def test_login_with_a_next_that_is_not_a_path_goes_home(site, next_value):
    make_user("ada")
    visitor = Visitor()
    token = visitor.csrf_token(f"{site}/accounts/login/")
    response = visitor.post(
        f"{site}/accounts/login/?next={next_value}",
        {"csrfmiddlewaretoken": token, "username": "ada", "password": PASSWORD},
    )
    assert stays_on_site(response).status_code == 302
    assert response.headers["Location"] == HOME
    assert visitor.is_logged_in(site)


@pytest.mark.parametrize("next_value", NOT_PATHS)
def test_signup_with_a_next_that_is_not_a_path_goes_home_logged_in(site, next_value):
    visitor = Visitor()
    token = visitor.csrf_token(f"{site}/accounts/signup/")
    data = {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD}
    response = visitor.post(
        f"{site}/accounts/signup/", {"csrfmiddlewaretoken": token, "next": next_value, **data}
    )
    assert stays_on_site(response).status_code == 302
    assert response.headers["Location"] == HOME
    assert visitor.is_logged_in(site)


@pytest.mark.parametrize("next_value", NOT_PATHS)
def test_logout_with_a_next_that_is_not_a_path_goes_home(site, next_value):
    visitor = logged_in(site)
    token = visitor.csrf_token(f"{site}{HOME}")
    response = visitor.post(
        f"{site}/accounts/logout/", {"csrfmiddlewaretoken": token, "next": next_value}
    )
    assert stays_on_site(response).status_code == 302
    assert response.headers["Location"] == HOME
    assert not visitor.is_logged_in(site)


@pytest.mark.parametrize("next_value", NOT_PATHS)
def test_logged_in_visit_to_login_with_a_next_that_is_not_a_path_goes_home(site, next_value):
    visitor = logged_in(site)
    response = visitor.get(f"{site}/accounts/login/", params={"next": next_value})
    assert stays_on_site(response).headers["Location"] == HOME
    htmx = visitor.get(
        f"{site}/accounts/login/", params={"next": next_value}, headers={"HX-Request": "true"}
    )
    assert json.loads(stays_on_site(htmx).headers["HX-Location"])["path"] == HOME


def odd_next_values(count=300):
    """Schemes, slashes, hosts, encodings and control characters, in many combinations."""
    starts = ["", "/", "//", "///", "\\", "/\\", "\\\\", " /", "\t/", "/\t/", "%2F", "%2f%2f",
              "/%2F", "http:", "https:", "HTTPS:", "javascript:", "jAvAsCrIpT:", "data:",
              "mailto:", "\x00", "\n", "\r\n/", ".", "..", "/./", "/../"]  # fmt: skip
    hosts = ["", "evil.example", "@evil.example", "evil.example:80", "user@evil.example",
             "127.0.0.1", "localhost", "[::1]", "%65vil.example", "evil\u3002example",
             "\u0435vil.example", "alert(1)"]  # fmt: skip
    ends = ["", "/", "/articles/", "?next=//evil.example", "#top", "/../..",
            "%0d%0aSet-Cookie:x=1", "\u202e", "'\"><script>"]  # fmt: skip
    values = [start + host + end for start in starts for host in hosts for end in ends]
    return random.Random(8).sample(values, count)


@pytest.mark.slow
def test_no_odd_next_ever_errs_or_leaves_the_site(site):
    member = logged_in(site)
    stranger = Visitor()
    for value in odd_next_values():
        params = {"next": value}
        stays_on_site(member.get(f"{site}/accounts/login/", params=params))
        stays_on_site(
            member.get(f"{site}/accounts/login/", params=params, headers={"HX-Request": "true"})
        )
        page = stays_on_site(stranger.get(f"{site}/accounts/login/", params=params))
        # The form carries a `next` on to the login only when it is a path on this site.
        if 'name="next"' in page.text:
            carried = page.text.split('name="next" value="', 1)[1].split('"', 1)[0]
            assert is_site_path(carried), carried


# 2. The lockout counts against the account, however it is spelled


def form_errors(response):
    """The text of the form's error block (role=alert)."""
    found = re.search(r'role="alert"[^>]*>(.*?)</div>', response.text, re.S)
    assert found, response.text[:500]
    return " ".join(found[1].split())


def fail_five_times(site, name):
    visitor = Visitor()
    statuses = [visitor.log_in(site, name, "wrong").status_code for _ in range(5)]
    assert statuses == [422] * 4 + [429]
    return visitor


@pytest.mark.parametrize("spelling", ["ada@example.org", "ADA", "Ada@Example.org", " ada "])
def test_a_locked_account_stays_locked_under_any_spelling(site, spelling):
    make_user("ada", email="ada@example.org")
    fail_five_times(site, "ada")

    response = Visitor().log_in(site, spelling)

    assert response.status_code == 429
    assert "Too many failed attempts for this account" in response.text


def test_failures_under_different_spellings_add_up(site):
    make_user("ada", email="ada@example.org")
    visitor = Visitor()
    spellings = ["ada", "ADA", "ada@example.org", "Ada", "ADA@EXAMPLE.ORG"]
    statuses = [visitor.log_in(site, name, "wrong").status_code for name in spellings]
    assert statuses == [422] * 4 + [429]


def test_a_lockout_says_nothing_about_whether_the_account_exists(site):
    make_user("ada")
    real = fail_five_times(site, "ada")
    made_up = fail_five_times(site, "nobody-by-this-name")

    answers = [real.log_in(site, "ada", PASSWORD), made_up.log_in(site, "NOBODY-by-this-name")]

    assert [answer.status_code for answer in answers] == [429, 429]
    assert form_errors(answers[0]) == form_errors(answers[1])
    assert "Too many failed attempts for this account" in form_errors(answers[0])


def test_the_username_logs_in_in_any_letter_case(site):
    make_user("Ada")
    visitor = Visitor()
    assert visitor.log_in(site, "aDA").status_code == 302
    assert visitor.is_logged_in(site)


# 4. Private pages are never kept by a cache


PRIVATE_PAGES = [
    "/accounts/update/",
    "/accounts/sessions/",
    "/accounts/password/",
    "/accounts/delete/",
    "/articles/create/",
]


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_pages_behind_the_login_are_private_and_not_stored(site, path):
    member = logged_in(site)
    for headers in ({}, {"HX-Request": "true"}):
        response = member.get(f"{site}{path}", headers=headers)
        assert response.status_code == 200
        cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
    # Sent to log in, the redirect is not stored either.
    assert "no-store" in Visitor().get(f"{site}{path}").headers["Cache-Control"]


def test_a_public_page_seen_signed_in_is_private_but_not_for_everyone(site):
    member = logged_in(site)
    assert "private" in member.get(f"{site}{HOME}").headers["Cache-Control"]
    assert "private" not in Visitor().get(f"{site}{HOME}").headers.get("Cache-Control", "")


# 5. Headers that a database cannot store


@pytest.mark.parametrize("password", [PASSWORD, "wrong"], ids=["right", "wrong"])
def test_a_user_agent_with_control_characters_is_stored_without_them(site, password):
    """A NUL in a text column is an error in PostgreSQL: the session, the lockout's record
    and the known devices all store the User-Agent."""
    make_user("ada")
    visitor = Visitor()
    visitor.http.headers["User-Agent"] = "Evil\x00Browser\x1b[31m/1.0"
    response = visitor.log_in(site, "ada", password)
    assert response.status_code == (302 if password == PASSWORD else 422)
    if password == PASSWORD:
        sessions = visitor.get(f"{site}/accounts/sessions/")
        assert sessions.status_code == 200
        assert "\x00" not in sessions.text
