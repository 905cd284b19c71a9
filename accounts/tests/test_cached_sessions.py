"""Sessions and users read through the cache (accounts/session_store.py and
accounts.backends.cached_user): a signed-in page asks the database nothing, and whatever
ends a session or changes a user takes effect at the very next request.

The session tests in test_sessions.py run both ways too; these are what only the cache
can get wrong. They use this process's cache, which is Redis in the suite's second pass.
"""

import concurrent.futures
import threading
import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.backends import cached_user
from accounts.models import UserSession
from accounts.sessions import store as session_store
from accounts.sessions.store import SessionStore
from accounts.tests.factories import make_user
from support import caches as support_caches
from support.client import signed_in_client
from support.html import menu_name
from support.visitor import Visitor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _read_through_the_cache(settings):
    settings.SESSION_CACHE_SECONDS = 600
    settings.USER_CACHE_SECONDS = 60


def signed_in(user):
    """A browser signed in as `user` that has opened a page since (copies are kept)."""
    # signed_in_client and one page more: reading it puts the session and the user in
    # the cache, which these tests are about.
    client = signed_in_client(user)
    assert client.get("/accounts/update/").status_code == 200
    return client


def is_signed_in(client):
    return client.get("/accounts/update/").status_code == 200


def tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return {
        table
        for table in ("accounts_usersession", "accounts_user")
        for query in queries
        if f'FROM "{table}"' in query["sql"]
    }


def test_a_signed_in_page_reads_neither_session_nor_user_from_the_database():
    client = signed_in(make_user())
    assert tables_read(client, "/accounts/update/") == set()


def test_without_a_shared_cache_both_are_read_from_the_database(settings):
    settings.SESSION_CACHE_SECONDS = settings.USER_CACHE_SECONDS = 0
    client = signed_in(make_user())
    assert tables_read(client, "/accounts/update/") == {"accounts_usersession", "accounts_user"}


def test_a_session_replayed_after_logout_is_anonymous():
    client = signed_in(make_user())
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not is_signed_in(replay)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: user.set_password("a-new-Passphrase-77"), id="new password"),
        pytest.param(lambda user: setattr(user, "is_active", False), id="deactivated"),
    ],
)
def test_a_user_changed_elsewhere_is_signed_out_at_the_next_request(change):
    user = make_user()
    client = signed_in(user)
    change(user)
    user.save()  # as the admin, or a password reset in another browser, does
    assert not is_signed_in(client)


def test_a_deleted_account_is_signed_out_at_the_next_request():
    user = make_user()
    client = signed_in(user)
    get_user_model().objects.filter(pk=user.pk).delete()
    assert not is_signed_in(client)


def test_a_renamed_user_sees_the_new_name_at_the_next_request():
    user = make_user("before")
    client = signed_in(user)
    user.username = "after"
    user.save()
    assert menu_name(client.get("/articles/").text) == "after"


def test_a_read_under_way_when_the_session_ends_cannot_put_it_back(monkeypatch):
    """The session ends between another request's database read and its keeping a
    copy: that request was already under way, but no later one may find the copy."""
    client = signed_in(make_user())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    cache.delete(session_store.cache_key(key))  # the next read goes to the database
    read = SessionStore._get_session_from_db

    def read_then_end(store):
        row = read(store)
        UserSession.objects.filter(session_key=key).delete()  # e.g. "sign out others"
        return row

    monkeypatch.setattr(SessionStore, "_get_session_from_db", read_then_end)
    assert SessionStore(key).load()  # the read under way got the session
    monkeypatch.undo()
    assert SessionStore(key).load() == {}
    assert not is_signed_in(client)


def test_a_changed_session_is_read_back_as_changed():
    client = signed_in(make_user())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(key)
    store["note"] = "written by another request"
    store.save()
    assert SessionStore(key).load()["note"] == "written by another request"


def seconds_to_live(key):
    return support_caches.seconds_to_live(cache, key)


def test_copies_live_at_most_their_setting():
    user = make_user()
    client = signed_in(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert 0 < seconds_to_live(session_store.cache_key(key)) <= settings.SESSION_CACHE_SECONDS
    assert 0 < seconds_to_live(f"users:{user.pk}") <= settings.USER_CACHE_SECONDS
    # And the mark of an ended session (its replay is refused from the cache) as long.
    assert client.post("/accounts/logout/").status_code == 302
    assert 0 < seconds_to_live(session_store.cache_key(key)) <= settings.SESSION_CACHE_SECONDS


def test_a_session_ending_sooner_than_the_setting_is_kept_no_longer_than_it_lives():
    client = signed_in(make_user())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(key)
    store.set_expiry(120)  # e.g. a session close to its absolute limit
    store.save()
    SessionStore(key).load()  # read from its row, and kept
    assert 0 < seconds_to_live(session_store.cache_key(key)) <= 120


def test_an_ended_sessions_key_is_dropped_and_a_new_one_made_if_it_is_written_to():
    client = signed_in(make_user())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/logout/").status_code == 302
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # as Django's own stores do with a key they lost
    store["note"] = "written after the end"
    store.save()
    assert store.session_key not in ("", key)
    assert not UserSession.objects.filter(session_key="").exists()


def test_signing_in_and_out_works_while_the_cache_cannot_be_reached(
    unreachable_redis_settings, caplog
):
    user = make_user()
    with override_settings(**unreachable_redis_settings):
        client = signed_in(user)
        assert is_signed_in(client)
        assert cached_user(user.pk) == user
        assert client.post("/accounts/logout/").status_code == 302
        assert not is_signed_in(client)
    # The operator is told how long the ended session may still be served from the
    # cache once it answers again, and why.
    warnings = [r.getMessage() for r in caplog.records if r.name == session_store.__name__]
    for expected in (
        f"A changed session may keep an old copy in the cache for up to "
        f"{settings.SESSION_CACHE_SECONDS} s: ",
        f"An ended session may stay in the cache for up to {settings.SESSION_CACHE_SECONDS} s: ",
    ):
        reasons = [m.removeprefix(expected) for m in warnings if m.startswith(expected)]
        assert reasons, warnings
        assert all(reason and reason != "None" for reason in reasons), reasons


def test_a_user_who_does_not_exist_is_nobody_and_is_not_kept():
    assert cached_user(987654) is None
    assert cache.get("users:987654") is None


# Real concurrency: PostgreSQL behind a threaded live server, its threads reading one
# session while it ends (SQLite's shared in-memory test database lets a thread read
# another's uncommitted rows, which no deployed database does).


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_session_signed_out_while_its_pages_load_stays_signed_out(live_server):
    """A browser keeps loading pages in several tabs while the same user signs it out
    from another device. Each page under way may still be served, but once the sign-out
    has answered and those pages have finished, the session never works again, and no
    page fails. (The one interleaving that could put a copy back is forced, every time,
    by test_a_read_under_way_when_the_session_ends_cannot_put_it_back.)"""
    url = live_server.url
    user = make_user()
    for _round in range(5):
        here, there = Visitor(), Visitor()
        for visitor in (here, there):
            assert visitor.log_in(url, user.username).status_code == 302
        session = {settings.SESSION_COOKIE_NAME: there.http.cookies[settings.SESSION_COOKIE_NAME]}
        stop = threading.Event()

        def keep_loading(_i, session=session, stop=stop):
            statuses = []
            while not stop.is_set():
                page = requests.get(
                    f"{url}/accounts/update/", cookies=session, allow_redirects=False, timeout=30
                )
                statuses.append(page.status_code)
            return statuses

        tabs = concurrent.futures.ThreadPoolExecutor(max_workers=4)
        loading = [tabs.submit(keep_loading, i) for i in range(4)]
        time.sleep(0.2)
        token = here.csrf_token(f"{url}/accounts/sessions/")
        signed_out = here.post(
            f"{url}/accounts/sessions/sign-out-others/", {"csrfmiddlewaretoken": token}
        )
        assert signed_out.status_code == 302
        stop.set()
        statuses = [status for tab in loading for status in tab.result()]
        tabs.shutdown()
        assert set(statuses) <= {200, 302}
        assert 200 in statuses  # the pages did load while the session was alive
        for _ in range(3):
            assert not there.is_logged_in(url)
        assert here.is_logged_in(url)
