import os

import pytest

# pytest-django's live server and Playwright's sync API share a thread with a running
# event loop; Django must be told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _answer_without_waiting():
    """The live server sends its answers at once. Django's server writes the headers and
    the body in two writes; on a kept-alive connection Nagle's algorithm holds the second
    until the client acknowledges the first, which the client delays by up to 40 ms: every
    request of a test that reuses its connection would wait for it."""
    import socket

    from django.core.servers.basehttp import ThreadedWSGIServer

    accept = ThreadedWSGIServer.get_request

    def get_request(self):
        connection, address = accept(self)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    ThreadedWSGIServer.get_request = get_request


_answer_without_waiting()


def _a_redis_database_per_worker():
    """With pytest -n (xdist), each worker process gets a Redis database of its own,
    the next ones after REDIS_URL's (as pytest-django gives each its own test database):
    a worker that empties its cache must not empty another's. Settings are read before
    this file, but no cache is made before a test asks for one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1"...
    if not worker or not os.environ.get("REDIS_URL"):
        return
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    def moved(url):
        parts = urlsplit(url)
        database = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
        return urlunsplit(parts._replace(path=f"/{database}"))

    for config in settings.CACHES.values():
        if "redis" in config["BACKEND"].lower():
            config["LOCATION"] = moved(config["LOCATION"])
    os.environ["REDIS_URL"] = moved(os.environ["REDIS_URL"])


_a_redis_database_per_worker()

# A failed browser test also keeps the HTML of its pages (next to its trace and screenshot).
pytest_plugins = ["e2e.artifacts"]

# Tests marked with a service run only where it is configured, and skip elsewhere (a
# user's machine may have neither). scripts/test.sh sets BOARD_REQUIRE_SERVICES for its
# PostgreSQL and Redis pass, where a skip would hide that they did not run: it fails.
SERVICES = {
    "postgres": lambda: os.environ.get("DATABASE_URL", "").startswith("postgres"),
    "redis": lambda: bool(os.environ.get("REDIS_URL")),
}


def pytest_runtest_setup(item):
    for name, configured in SERVICES.items():
        if item.get_closest_marker(name) and not configured():
            message = f"needs {name}: set {'DATABASE_URL' if name == 'postgres' else 'REDIS_URL'}"
            if os.environ.get("BOARD_REQUIRE_SERVICES"):
                pytest.fail(f"{message} (BOARD_REQUIRE_SERVICES is set)")
            pytest.skip(message)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests hash many passwords and measure nothing about it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits live in the cache: each test starts with none counted, and with the
    # cache not remembered as unreachable from an earlier test.
    from django.core.cache import caches
    from django.core.cache.backends import locmem

    from core import cache as redis_cache
    from core import ratelimit
    from core.templatetags import kept

    def forget_outages():
        ratelimit._state.update(skip_until=0.0, warned_at=None)
        redis_cache.forget_outages()

    def clear():  # the main cache and the pages' (core/pagecache.py)
        for each in caches.all():
            each.clear()
        # And every local-memory store, whichever cache handler made it: mutmut runs the
        # tests twice in one process, and a cache made in the first run can outlive the
        # handler that caches.all() knows (`make mutation` failed on a counted limit).
        for store in (*locmem._caches.values(), *locmem._expire_info.values()):
            store.clear()
        kept.kept_bodies.clear()  # rendered parts of pages (core/templatetags/kept.py)

    forget_outages()
    clear()
    yield
    forget_outages()
    clear()


@pytest.fixture
def mail_sent_at_once(monkeypatch):
    """Mail the app sends after the transaction commits, in a thread of its own
    (notifications.send_later), sent at once instead: in a test that runs inside one
    transaction it would never be sent, and django.core.mail.outbox can be read at once."""
    from django.core import mail

    from accounts import notifications

    def send_now(subject, body, address, event):
        mail.send_mail(subject, body, None, [address])

    monkeypatch.setattr(notifications, "send_later", send_now)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on 127.0.0.1 that the app sends its mail to (settings.MAILERS),
    here and in pytest-django's live server (it runs in this process): its Inbox."""
    from support.smtp import Inbox, smtp_mailers, start_server

    inbox = Inbox()
    controller = start_server(inbox)
    settings.MAILERS = smtp_mailers(controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def unreachable_redis_settings():
    """Settings for a Redis cache at an address where nothing listens, for
    `override_settings(**unreachable_redis_settings)`: every connection is refused."""
    from support.ports import free_port

    url = f"redis://127.0.0.1:{free_port()}/0"
    redis = {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    return {"CACHES": {"default": redis, "pages": redis}, "REDIS_URL": url, "REDIS_PAGES_URL": url}


@pytest.fixture
def unreachable_redis(unreachable_redis_settings):
    """The whole test with a Redis cache that cannot be reached."""
    from django.test import override_settings

    # Restored before the autouse fixture empties the cache at the end of the test.
    with override_settings(**unreachable_redis_settings):
        yield
