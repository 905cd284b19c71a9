"""Small steps that many browser tests take, written the way a user sees the page.

Each helper starts from a page of the app, works the same with and without JavaScript,
and returns once the step has visibly finished, so the next step never races it.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Page, expect

PASSWORD = "plum-harbour-lantern-42"
NEW_PASSWORD = "quartz-meadow-violin-77"  # what a test changes PASSWORD to


@dataclass
class Account:
    username: str
    password: str


def navbar(page: Page):
    return page.get_by_role("navigation", name="Main")


def message(page: Page, text):
    """A flash message (role=status) containing `text`."""
    return page.get_by_role("status").filter(has_text=text)


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def login_url(next_path):
    """The login page's URL, carrying `next_path` (its slashes may be percent-encoded)."""
    next_pattern = re.escape(next_path).replace("/", "(?:/|%2F)")
    return re.compile(rf"/accounts/login/\?next={next_pattern}$")


def expect_logged_in(page: Page, username):
    expect(navbar(page)).to_contain_text(f"Hello, {username}")


def expect_logged_out(page: Page):
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(navbar(page)).not_to_contain_text("Hello")


def fill_signup(page: Page, username, password, confirmation=None):
    """Fill and send the signup form on the current page."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password confirmation").fill(confirmation or password)
    page.get_by_role("button", name="Sign up").click()


def sign_up(page: Page, username, password):
    navbar(page).get_by_role("link", name="Sign up").click()
    fill_signup(page, username, password)
    expect_logged_in(page, username)


def fill_login(page: Page, username, password):
    """Fill and send the login form on the current page."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, username, password):
    navbar(page).get_by_role("link", name="Log in").click()
    fill_login(page, username, password)
    expect_logged_in(page, username)


def log_out(page: Page):
    navbar(page).get_by_role("button", name="Log out").click()
    expect_logged_out(page)


def write_article(page: Page, title, content):
    """Publish an article through the form; return its address."""
    navbar(page).get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Content").fill(content)
    page.get_by_role("button", name="Publish").click()
    expect(heading(page)).to_have_text(title)
    return page.url


def cookie(page: Page, name):
    """The cookie called `name` in the page's browser context (a dict: value, expires...)."""
    return next(c for c in page.context.cookies() if c["name"] == name)


def accept_dialogs(page: Page):
    """Accept every confirm() the page shows; the returned list collects their texts."""
    texts = []

    def accept(dialog):
        texts.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return texts


@contextmanager
def no_full_reload(page: Page, js):
    """With JavaScript, fail if a step inside the block loaded a whole new page.

    htmx swaps content in place; a full page load starts a new window object and so loses
    the marker set here. Without JavaScript every step is a page load: nothing to check.
    """
    if js:
        page.evaluate("window.__noFullReload = true")
    yield
    if js:
        assert page.evaluate("window.__noFullReload === true"), "a step reloaded the whole page"
