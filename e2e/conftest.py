"""Browser tests: Playwright through pytest-playwright, against a live server or a deployment.

By default each test gets pytest-django's live server (and so a transactional test
database). `pytest e2e --base-url https://staging.example.org` runs the same tests against
that deployment instead, without touching any database: tests then create only uniquely
named users, so they can share it with people and with each other, and delete them
through the UI at the end (see `accounts_to_delete`).

Every test that uses a page runs twice, with JavaScript (htmx swaps content in place) and
without (plain links and forms), because the app promises to work both ways.
"""

import secrets
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e import axe, pages

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying to reach hosts it cannot reach here.
SYSTEM_CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    """Playwright cannot download its browser on our machines: use Debian's Chromium there."""
    wants_bundled = browser_name != "chromium" or "channel" in browser_type_launch_args
    if wants_bundled or not SYSTEM_CHROMIUM.exists():
        return browser_type_launch_args
    return {
        **browser_type_launch_args,
        "executable_path": str(SYSTEM_CHROMIUM),
        "args": [*browser_type_launch_args.get("args", []), *SYSTEM_CHROMIUM_ARGS],
    }


def deployment_url(config):
    """The --base-url (or PYTEST_BASE_URL, or base_url in the ini file), else None."""
    return config.getoption("--base-url") or config.getini("base_url") or None


def pytest_collection_modifyitems(config, items):
    # pytest-django creates the test database only for the tests it can see need one
    # when the session starts, and a fixture that starts the live server only on demand
    # is not one of them: without this mark the server would use the development
    # database. Against a deployment no database is needed, so none is marked.
    if deployment_url(config):
        return
    for item in items:
        if "app_url" in item.fixturenames:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture
def app_url(request, base_url):
    """The root URL of the app under test, without a trailing slash.

    `base_url` is pytest-playwright's: --base-url, the PYTEST_BASE_URL variable or the
    base_url ini value. Only without one is the live server started, so it is requested
    by name rather than as an argument.
    """
    if base_url:
        return base_url.rstrip("/")
    assert request.node.get_closest_marker("django_db"), (
        "no test database for the live server: see pytest_collection_modifyitems"
    )
    server = request.getfixturevalue("live_server")
    settings = request.getfixturevalue("settings")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, server.thread.host]
    return server.url


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    """Whether the page runs JavaScript. Every browser test runs once each way."""
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, app_url, js):
    return {**browser_context_args, "base_url": app_url, "java_script_enabled": js}


@pytest.fixture
def browser_problems():
    """What the browser reported as wrong during the test (see _fail_on_browser_problems)."""
    return []


@pytest.fixture
def new_context(new_context, browser_problems):
    """pytest-playwright's context factory, with every context it makes watched for problems.

    The test's `context` and `page`, and any second browser a test opens, come from here.
    """
    open_contexts = []

    def make(**kwargs):
        context = new_context(**kwargs)
        watch_for_problems(context, browser_problems)
        open_contexts.append(context)
        context.on("close", lambda _: open_contexts.remove(context))
        return context

    make.open_contexts = open_contexts
    return make


def watch_for_problems(context, problems):
    def on_console(message):
        if message.type != "error":
            return
        # Chromium also logs every 4xx and 5xx response as a console error, but the app
        # answers pages and htmx requests with 4xx on purpose (422: a form with errors).
        # Statuses are judged in on_response instead.
        if message.text.startswith("Failed to load resource: the server responded"):
            return
        where = message.location
        source = f" ({where['url']}:{where['lineNumber']})" if where.get("url") else ""
        problems.append(f"console error: {message.text}{source}")

    def on_response(response):
        sent = response.request
        # A page or an htmx request may be refused with a 4xx; a stylesheet, script or
        # image never should be.
        asset = sent.resource_type not in ("document", "xhr", "fetch")
        if response.status >= 500 or (asset and response.status >= 400):
            problems.append(f"HTTP {response.status}: {sent.method} {response.url}")

    def on_request_failed(failed):
        # A new navigation cancels what the page was still loading (a favicon, say), and
        # htmx may abort a request it replaced: the browser's doing, not the app's.
        if failed.failure == "net::ERR_ABORTED":
            return
        problems.append(f"request failed: {failed.method} {failed.url}: {failed.failure}")

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"page error: {error.error}"))
    context.on("response", on_response)
    context.on("requestfailed", on_request_failed)


@pytest.fixture(autouse=True)
def _fail_on_browser_problems(request):
    """Fail a browser test when a browser saw an error, even if every assertion passed.

    Listens on whole contexts, so pages the test opens later (popups) are covered too, and
    on every context the test opens. The contexts are made by `new_context`, fetched here
    so that they are still open when the check runs.
    """
    if "new_context" not in request.fixturenames:
        yield
        return
    new_context = request.getfixturevalue("new_context")
    problems = request.getfixturevalue("browser_problems")
    yield
    # Events reach Python only while it talks to the browser: one more round trip makes
    # sure everything that happened during the test has been heard. (Closing a context
    # is a round trip too.)
    for context in new_context.open_contexts:
        context.cookies()
    assert not problems, "The browser reported problems:\n  " + "\n  ".join(problems)


@pytest.fixture
def new_username():
    """Make a username no one else uses, even on a shared deployment."""

    def make(prefix="e2e"):
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    return make


@pytest.fixture
def accounts_to_delete(request, browser, browser_context_args):
    """Accounts the test signed up. Against a deployment they are deleted afterwards,
    through the UI like a user would; the live server's test database is thrown away
    anyway. A test that changes an account's password updates it here.
    """
    accounts = []
    yield accounts
    if deployment_url(request.config):
        for account in accounts:
            delete_account(browser.new_context(**browser_context_args), account)


def delete_account(context, account):
    """Delete `account` if it still exists (the test may have deleted it itself)."""
    try:
        page = context.new_page()
        page.goto("/accounts/delete/")  # anonymous: sent to log in first, then back here
        pages.fill_login(page, account.username, account.password)
        deleting = page.get_by_role("heading", name="Danger zone")
        refused = page.get_by_role("alert")
        expect(deleting.or_(refused)).to_be_visible()
        if refused.is_visible():
            return
        page.get_by_label("Your password").fill(account.password)
        page.get_by_role("button", name="Delete my account").click()
        expect(pages.message(page, "deleted")).to_be_visible()
    finally:
        context.close()


@pytest.fixture
def make_user(request, new_context, new_username, accounts_to_delete):
    """A new account. Against a deployment it signs up through the UI, in a browser
    context of its own; against the live server it is made in the test database at
    once (signing up is a journey of its own: e2e/test_accounts.py, test_keyboard.py),
    which saves each test two page loads."""

    def make(prefix="e2e"):
        account = pages.Account(new_username(prefix), pages.PASSWORD)
        accounts_to_delete.append(account)
        if not deployment_url(request.config):
            from django.contrib.auth import get_user_model

            get_user_model().objects.create_user(account.username, password=account.password)
            return account
        context = new_context()
        page = context.new_page()
        page.goto("/accounts/signup/")
        pages.fill_signup(page, account.username, account.password)
        pages.expect_logged_in(page, account.username)
        context.close()
        return account

    return make


@pytest.fixture
def user(make_user):
    """A fresh account, as username and password."""
    return make_user()


@pytest.fixture(scope="session")
def browser_user_agent(browser):
    """The User-Agent the browser sends (the sessions page and new-device notices read it)."""
    page = browser.new_page()
    try:
        return page.evaluate("navigator.userAgent")
    finally:
        page.close()


@pytest.fixture
def log_in_as(request, new_context, app_url):
    """Open a page in a new browser context that starts logged in as an account.

    Against a deployment the login goes through the UI once, in a setup context whose
    storage state (the session cookie) the new context starts with. Against the live
    server the same login form is posted by Django's test client, as the browser would
    (its User-Agent, from 127.0.0.1), and the session cookie given to the context: it
    saves two page loads, and logging in through the page is a journey of its own
    (e2e/test_accounts.py).
    """

    def open_as(account):
        if not deployment_url(request.config):
            from django.conf import settings
            from django.test import Client

            user_agent = request.getfixturevalue("browser_user_agent")
            client = Client(HTTP_USER_AGENT=user_agent)
            credentials = {"username": account.username, "password": account.password}
            response = client.post("/accounts/login/", credentials)
            assert response.status_code == 302, f"the login was refused: {response.status_code}"
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context = new_context()
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": app_url}])
            return context.new_page()
        setup = new_context()
        page = setup.new_page()
        page.goto("/accounts/login/")
        pages.fill_login(page, account.username, account.password)
        pages.expect_logged_in(page, account.username)
        state = setup.storage_state()
        setup.close()
        return new_context(storage_state=state).new_page()

    return open_as


@pytest.fixture
def logged_in_page(log_in_as, user):
    """A blank page whose browser context is logged in as `user`."""
    return log_in_as(user)


@pytest.fixture
def smtp_inbox(_live_server_only, smtp_inbox):
    """The root conftest's SMTP server, which the live server's app sends its email to;
    against a deployment its mail cannot be read here, so the test is skipped."""
    return smtp_inbox


@pytest.fixture
def _live_server_only(base_url):
    if base_url:
        pytest.skip("reads the app's email from a local SMTP server: live server only")


@pytest.fixture
def assert_accessible(page: Page, js):
    """`assert_accessible("state")`: scan the page as it is now with axe-core; fail on
    any serious or critical violation (e2e/axe.py)."""

    def check(state):
        axe.check(page, js, state)

    return check


@pytest.fixture
def make_passkey():
    """`make_passkey(username, name)`: a passkey in the live server's database (no
    browser could make one without JavaScript)."""

    def make(username, name):
        from django.contrib.auth import get_user_model

        from accounts.models import Passkey

        user = get_user_model().objects.get(username=username)
        return Passkey.objects.create(
            user=user,
            name=name,
            credential_id=secrets.token_urlsafe(32),  # as base64url as a real one
            public_key=b"not a key",
            user_handle=f"handle-{username}",
        )

    return make
