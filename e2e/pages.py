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


def user_menu(page: Page):
    """The account menu in the navbar: a <details> that opens without JavaScript.

    Located by its element, not by role: neither <details> (a group without a name)
    nor its <summary> (no role at all) has a role and name a user would find it by.
    """
    return navbar(page).locator("details.user-menu")


def user_menu_button(page: Page):
    """The menu's <summary>: what a user clicks, showing the member's name."""
    return user_menu(page).locator("summary")


def open_user_menu(page: Page):
    """Open the account menu (if it is not open already) and wait until it shows."""
    menu = user_menu(page)
    if menu.get_attribute("open") is None:
        user_menu_button(page).click()
    expect(menu).to_have_attribute("open", "")
    expect(menu.get_by_role("link", name="Settings")).to_be_visible()
    return menu


def expect_logged_in(page: Page, name):
    """The navbar shows the account menu, named after the member (`name`: the full name,
    else the username)."""
    expect(user_menu_button(page)).to_have_text(f"Account menu: {name}")
    expect(navbar(page).get_by_role("link", name="Log in")).to_have_count(0)


def expect_logged_out(page: Page):
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()
    expect(user_menu(page)).to_have_count(0)


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
    open_user_menu(page).get_by_role("button", name="Log out").click()
    expect_logged_out(page)


def settings_nav(page: Page):
    """The settings' sections, beside (or above) each section's panel."""
    return page.get_by_role("navigation", name="Settings")


# Each settings section, by its link in the settings navigation, and its page's h1.
SETTINGS_HEADINGS = {
    "Profile": "Your profile",
    "Email": "Your email address",
    "Password": "Change your password",
    "Sessions": "Your sessions",
    "Danger zone": "Danger zone",
}


def open_settings(page: Page, section=None):
    """Open Settings from the account menu (the Profile section), then `section` through
    the settings navigation; return once its heading shows."""
    open_user_menu(page).get_by_role("link", name="Settings").click()
    expect(heading(page)).to_have_text(SETTINGS_HEADINGS["Profile"])
    if section and section != "Profile":
        settings_nav(page).get_by_role("link", name=section, exact=True).click()
        expect(heading(page)).to_have_text(SETTINGS_HEADINGS[section])
    link = settings_nav(page).get_by_role("link", name=section or "Profile", exact=True)
    expect(link).to_have_attribute("aria-current", "page")


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
