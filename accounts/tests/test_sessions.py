"""Remember me, session timeouts, recorded activity, the sessions page and sudo mode."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import UserSession
from accounts.sessions.store import SessionStore
from accounts.tests.factories import FIREFOX, PASSWORD, SAFARI, later, make_user
from support.client import HX, log_in
from support.html import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["from the database", "through the cache"])
def session_reads(request, settings):
    """Each test runs twice: sessions and users read from the database (without Redis),
    and read through the cache (with Redis: accounts/session_store.py)."""
    through_cache = request.param == "through the cache"
    settings.SESSION_CACHE_SECONDS = 600 if through_cache else 0
    settings.USER_CACHE_SECONDS = 60 if through_cache else 0


def sign_in(user, remember=False, **client_kwargs):
    """A client signed in through the login form that has opened a page since, so that
    its session and user are in the cache when sessions are read through it; and the
    login's response, whose cookie some tests read."""
    # More than support.client.signed_in_client: the page after the login, and the
    # login's response.
    client = Client(**client_kwargs)
    response = log_in(client, user, remember=remember)
    assert response.status_code == 302, response.content
    assert client.get("/articles/").status_code == 200
    return client, response


def is_logged_in(client):
    return client.get("/accounts/update/").status_code == 200


# Remember me


def test_without_remember_me_the_cookie_ends_with_the_browser():
    _, response = sign_in(make_user())
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


def test_with_remember_me_the_cookie_lasts_two_weeks():
    _, response = sign_in(make_user(), remember=True)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_REMEMBER_ME_AGE


def test_login_form_offers_remember_me(client):
    assert b'name="remember_me"' in client.get("/accounts/login/").content


def test_without_remember_me_two_idle_hours_end_the_session():
    client, _ = sign_in(make_user())
    with later(hours=1, minutes=59):
        assert is_logged_in(client)
    with later(hours=4):  # two idle hours since the last request
        response = client.get("/accounts/update/")
        assert response.status_code == 302
        assert response.url == "/accounts/login/?next=/accounts/update/"
        login_page = client.get(response.url)
    assert messages_of(login_page.text) == ["Your session has expired. Please log in again."]


def test_with_remember_me_idle_hours_do_not_end_the_session():
    client, _ = sign_in(make_user(), remember=True)
    with later(days=3):
        assert is_logged_in(client)


def test_remembered_session_is_renewed_by_activity():
    client, _ = sign_in(make_user(), remember=True)
    with later(days=10):
        response = client.get("/articles/")
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_REMEMBER_ME_AGE
    with later(days=20):  # 10 days after the renewal: within its 14 days
        assert is_logged_in(client)


def test_every_session_ends_thirty_days_after_login():
    client, _ = sign_in(make_user(), remember=True)
    for days in (10, 20, 29):
        with later(days=days):
            assert is_logged_in(client)
    with later(days=30, minutes=1):
        assert not is_logged_in(client)


def test_expired_session_on_htmx_gets_hx_redirect_and_keeps_the_draft():
    user = make_user()
    client, _ = sign_in(user)
    form = client.get("/articles/create/").content.decode()
    token = form.split('name="draft_owner" value="')[1].split('"')[0]
    with later(hours=3):
        response = client.post(
            "/articles/create/",
            {"title": "Kept", "content": "Typed", "draft_owner": token},
            headers=HX,
        )
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/create/"
    with later(hours=3, minutes=1):
        log_in_again = client.post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        assert log_in_again.status_code == 302
        assert client.get("/articles/create/").context["form"]["title"].value() == "Kept"


# Activity


def session_writes(client, path="/articles/"):
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return [
        q["sql"] for q in queries if "accounts_usersession" in q["sql"] and "UPDATE" in q["sql"]
    ]


def test_activity_is_written_at_most_once_a_minute():
    client, _ = sign_in(make_user())
    with later(seconds=30):
        assert session_writes(client) == []
    with later(seconds=61):
        assert len(session_writes(client)) == 1
    with later(seconds=90):
        assert session_writes(client) == []


def test_session_row_records_device_ip_and_times():
    user = make_user()
    sign_in(user, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")
    row = UserSession.objects.get(user=user)
    assert row.ip_address == "203.0.113.7"
    assert "Firefox" in row.user_agent
    assert row.signed_in_at is not None
    assert row.last_activity is not None


# The sessions page


def test_sessions_page_lists_every_session_and_marks_this_one():
    user = make_user()
    here, _ = sign_in(user, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.7")
    sign_in(user, HTTP_USER_AGENT=SAFARI, REMOTE_ADDR="198.51.100.2")
    content = here.get("/accounts/sessions/").content.decode()
    assert "Firefox on Windows" in content
    assert "Mobile Safari on iOS" in content
    assert "203.0.113.7" in content
    assert "198.51.100.2" in content
    assert content.count("This device") == 1
    # Only the other session has a sign-out button.
    assert len(re.findall(r'action="/accounts/sessions/[0-9a-f]+/sign-out/"', content)) == 1


def test_sessions_page_never_shows_session_keys():
    user = make_user()
    here, _ = sign_in(user)
    content = here.get("/accounts/sessions/").content.decode()
    for row in UserSession.objects.filter(user=user):
        assert row.session_key not in content


def test_sessions_page_needs_login(client):
    assert client.get("/accounts/sessions/").status_code == 302


def test_signing_out_one_session_makes_it_anonymous_on_its_next_request():
    user = make_user()
    here, _ = sign_in(user)
    there, _ = sign_in(user)
    other = UserSession.objects.get(session_key=there.session.session_key)
    response = here.post(f"/accounts/sessions/{other.public_id}/sign-out/")
    assert response.status_code == 302
    assert not is_logged_in(there)
    assert is_logged_in(here)


def test_signing_out_all_other_sessions():
    user = make_user()
    here, _ = sign_in(user)
    others = [sign_in(user)[0] for _ in range(2)]
    response = here.post("/accounts/sessions/sign-out-others/", follow=True)
    assert not any(is_logged_in(client) for client in others)
    assert is_logged_in(here)
    assert UserSession.objects.filter(user=user).count() == 1
    assert messages_of(response.text)[-1] == "Signed out of 2 other sessions."


def test_cannot_sign_out_someone_elses_session():
    mine, _ = sign_in(make_user())
    theirs, _ = sign_in(make_user())
    row = UserSession.objects.get(session_key=theirs.session.session_key)
    response = mine.post(f"/accounts/sessions/{row.public_id}/sign-out/")
    assert response.status_code == 404
    assert is_logged_in(theirs)


def test_signing_out_this_session_from_the_sessions_page_is_refused():
    user = make_user()
    here, _ = sign_in(user)
    this = UserSession.objects.get(session_key=here.session.session_key)
    response = here.post(f"/accounts/sessions/{this.public_id}/sign-out/")
    assert response.status_code == 404  # Log out is the way to end this one
    assert is_logged_in(here)


def test_signing_out_one_session_by_get_is_refused():
    user = make_user()
    here, _ = sign_in(user)
    there, _ = sign_in(user)
    other = UserSession.objects.get(session_key=there.session.session_key)
    assert here.get(f"/accounts/sessions/{other.public_id}/sign-out/").status_code == 405
    assert is_logged_in(there)


def test_signing_out_the_others_asks_first_on_a_page_of_its_own():
    user = make_user()
    here, _ = sign_in(user)
    others = [sign_in(user)[0] for _ in range(2)]
    sessions_page = here.get("/accounts/sessions/").text
    # The button is a link to the question, not a form that acts at once.
    assert 'href="/accounts/sessions/sign-out-others/"' in sessions_page
    assert 'action="/accounts/sessions/sign-out-others/"' not in sessions_page
    question = here.get("/accounts/sessions/sign-out-others/")
    assert question.status_code == 200
    assert "Sign out of 2 other sessions? They will need to log in again." in question.text
    assert 'action="/accounts/sessions/sign-out-others/"' in question.text
    assert re.search(r'href="/accounts/sessions/"[^>]*autofocus>Cancel<', question.text)
    assert all(is_logged_in(client) for client in others)  # asking ended nothing


def test_with_htmx_the_question_takes_the_place_of_the_button_and_cancel_puts_it_back():
    user = make_user()
    here, _ = sign_in(user)
    sign_in(user)
    headers = {**HX, "HX-Target": "sign-out-others"}
    question = here.get("/accounts/sessions/sign-out-others/", headers=headers).text
    assert question.lstrip().startswith('<div id="sign-out-others"')
    assert "Sign out of 1 other session? It will need to log in again." in question
    cancel = 'hx-get="/accounts/sessions/?focus=sign-out-others" hx-target="#sign-out-others"'
    assert cancel in question
    button = here.get("/accounts/sessions/?focus=sign-out-others", headers=headers).text
    assert button.lstrip().startswith('<div id="sign-out-others"><a class="btn btn-danger"')
    assert re.search(r"<a [^>]*autofocus>Sign out all other sessions</a>", button)  # focus back
    assert "autofocus" not in here.get("/accounts/sessions/").text  # not on the page itself
    assert "Your sessions" not in button  # only the button, not the page


def test_with_no_other_session_there_is_nothing_to_sign_out():
    here, _ = sign_in(make_user())
    assert 'href="/accounts/sessions/sign-out-others/"' not in here.get("/accounts/sessions/").text
    page = here.get("/accounts/sessions/sign-out-others/").text
    assert "You are not signed in anywhere else." in page
    assert 'action="/accounts/sessions/sign-out-others/"' not in page


def test_this_device_is_listed_first():
    user = make_user()
    here, _ = sign_in(user, HTTP_USER_AGENT=FIREFOX)
    there, _ = sign_in(user, HTTP_USER_AGENT=SAFARI)
    # The other one was active more recently: still, this device comes first.
    UserSession.objects.filter(session_key=there.session.session_key).update(
        last_activity=timezone.now() + timedelta(hours=1)
    )
    content = here.get("/accounts/sessions/").text
    assert content.index("Firefox on Windows") < content.index("Mobile Safari on iOS")
    assert content.index("This device") < content.index("Mobile Safari on iOS")


def test_password_change_can_keep_other_sessions():
    user = make_user()
    here, _ = sign_in(user)
    there, _ = sign_in(user)
    new = "a-new-Passphrase-77"
    data = {
        "old_password": PASSWORD,
        "new_password1": new,
        "new_password2": new,
        "keep_other_sessions": "on",
    }
    here.post("/accounts/password/", data)
    assert UserSession.objects.filter(session_key=there.session.session_key).exists()


# Sudo mode


def test_sensitive_action_after_ten_minutes_asks_for_the_password_first():
    user = make_user()
    here, _ = sign_in(user)
    there, _ = sign_in(user)
    with later(minutes=11):
        prompt = here.post("/accounts/sessions/sign-out-others/")
        assert prompt.status_code == 200
        assert b"Confirm your password" in prompt.content
        assert is_logged_in(there)

        wrong = here.post("/accounts/sessions/sign-out-others/", {"sudo-password": "nope"})
        assert wrong.status_code == 422
        assert is_logged_in(there)

        right = here.post("/accounts/sessions/sign-out-others/", {"sudo-password": PASSWORD})
        assert right.status_code == 302
        assert not is_logged_in(there)


def test_the_sudo_prompt_never_puts_the_password_back_into_the_page():
    user = make_user(email="old@example.org")
    here, _ = sign_in(user)
    typed = "a-Wrong-guess-9876"
    data = {"email": "new@example.org", "sudo-password": typed}
    with later(minutes=11):
        for headers in ({}, HX):
            response = here.post("/accounts/email/", data, headers=headers)
            assert response.status_code == 422
            assert "That is not your password." in response.text
            assert typed not in response.text  # neither in the field nor in a hidden one
            assert 'name="email" value="new@example.org"' in response.text


def test_the_sudo_prompt_posts_back_to_the_action_it_interrupted():
    here, _ = sign_in(make_user())
    with later(minutes=11):
        for headers in ({}, HX):
            prompt = here.post("/accounts/sessions/sign-out-others/", headers=headers)
            assert 'action="/accounts/sessions/sign-out-others/"' in prompt.text
            assert 'hx-post="/accounts/sessions/sign-out-others/"' in prompt.text


def test_sudo_mode_lasts_ten_minutes_after_confirming():
    user = make_user()
    here, _ = sign_in(user)
    with later(minutes=11):
        here.post("/accounts/sessions/sign-out-others/", {"sudo-password": PASSWORD})
    with later(minutes=20):
        response = here.post("/accounts/sessions/sign-out-others/")
        assert response.status_code == 302


def test_email_change_needs_sudo_and_keeps_what_was_typed():
    user = make_user(email="old@example.org")
    here, _ = sign_in(user)
    data = {"email": "new@example.org"}
    with later(minutes=11):
        prompt = here.post("/accounts/email/", data)
        content = prompt.content.decode()
        assert 'name="email" value="new@example.org"' in content
        user.refresh_from_db()
        assert user.email == "old@example.org"
        here.post("/accounts/email/", {**data, "sudo-password": PASSWORD})
    user.refresh_from_db()
    # Asked for: it takes effect once confirmed (accounts.email.verification).
    assert (user.email, user.pending_email) == ("old@example.org", "new@example.org")


def test_saving_the_same_email_again_needs_no_sudo():
    user = make_user(email="old@example.org")
    here, _ = sign_in(user)
    with later(minutes=30):
        assert here.post("/accounts/email/", {"email": "old@example.org"}).status_code == 302


def test_name_change_needs_no_sudo():
    user = make_user(email="old@example.org")
    here, _ = sign_in(user)
    with later(minutes=30):
        assert here.post("/accounts/update/", {"first_name": "Ada"}).status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Ada"


def test_htmx_sudo_prompt_takes_the_place_of_the_content():
    here, _ = sign_in(make_user())
    with later(minutes=11):
        response = here.post("/accounts/sessions/sign-out-others/", headers=HX)
    assert response["HX-Retarget"] == "#main"
    assert response["HX-Reswap"] == "innerHTML"
    assert b"<html" not in response.content
    assert b'name="sudo-password"' in response.content


def test_an_anonymous_session_row_belongs_to_nobody_and_no_device(client):
    # A draft kept after the session ended is the anonymous session that gets a row.
    user = make_user()
    client.force_login(user)
    token = client.get("/articles/create/").text.split('name="draft_owner" value="')[1]
    client.cookies.pop("sessionid")
    data = {"title": "T", "content": "C", "draft_owner": token.split('"')[0]}
    client.post("/articles/create/", data)
    row = UserSession.objects.get(session_key=client.session.session_key)
    assert row.user_id is None
    assert (row.user_agent, row.ip_address, row.signed_in_at) == ("", None, None)


def test_a_session_signed_in_before_methods_were_recorded_names_no_method():
    user = make_user()
    client, _ = sign_in(user)
    UserSession.objects.filter(user=user).update(sign_in_method="")
    page = client.get("/accounts/sessions/").content.decode()
    assert "Signed in with" not in page


def test_a_session_without_a_sign_in_records_no_method():
    store = SessionStore()
    store["note"] = "a visitor's"
    store.create()
    assert UserSession.objects.get(session_key=store.session_key).sign_in_method == ""
