"""Small steps that many browser tests take, written the way a user sees the page.

Each helper starts from a page of the app, works the same with and without JavaScript,
and returns once the step has visibly finished, so the next step never races it.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass

from playwright.sync_api import Page, expect

PASSWORD = "plum-harbour-lantern-42"
# Classes htmx puts on elements while a request, swap or settle is under way.
HTMX_IN_PROGRESS = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
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
    # With htmx, each field left is checked live and its answer ("This username is
    # available.") pushes the button down: wait for the answers, as a person sees the
    # form settle, or the click can land where the button was a moment ago.
    expect(page.locator(HTMX_IN_PROGRESS)).to_have_count(0)
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
    # Already on the form, the link loads it again: fill the new one, not the old.
    expect(page.locator(HTMX_IN_PROGRESS)).to_have_count(0)
    expect(heading(page)).to_have_text("Write an article")
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


# Two-factor sign-in


class Authenticator:
    """The member's authenticator app, set up from the key on the setup page.

    The app accepts a code once per 30-second step, for the current step and one either
    side: each code given here is for a later step than the one before (the current step,
    else the next), so that a test can set up and sign in without waiting for the clock.
    """

    def __init__(self, key):
        import pyotp  # only the two-factor tests need it

        self.totp = pyotp.TOTP(key.replace(" ", ""))
        self.last_step = self.last_code = None

    def code(self):
        import time

        current = int(time.time()) // self.totp.interval
        step = current if self.last_step is None else max(self.last_step + 1, current)
        assert step <= current + 1, "no unused code before the next 30-second step"
        self.last_step = step
        self.last_code = self.totp.at(step * self.totp.interval)
        return self.last_code


def open_two_factor(page: Page):
    """Open Settings, then its Two-factor sign-in section; return once its heading shows."""
    open_settings(page)
    settings_nav(page).get_by_role("link", name="Two-factor sign-in").click()
    expect(heading(page)).to_have_text("Two-factor sign-in")


def setup_key(page: Page):
    """The key on the setup page, for typing into an app (in groups of four)."""
    return page.get_by_role("main").get_by_role("code")


def recovery_code_list(page: Page):
    return page.get_by_role("list", name="Recovery codes")


def turn_on_two_factor(page: Page):
    """Turn two-factor sign-in on, on a page signed in with the password entered lately
    (no password prompt); return the authenticator set up and the 10 recovery codes, once
    back on the section."""
    open_two_factor(page)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(heading(page)).to_have_text("Turn on two-factor sign-in")
    app = Authenticator(setup_key(page).inner_text())
    page.get_by_label("Code from the app").fill(app.code())
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = recovery_code_list(page).get_by_role("listitem").all_inner_texts()
    page.get_by_role("link", name="I have saved them").click()
    expect(heading(page)).to_have_text("Two-factor sign-in")
    return app, codes


def log_in_with_second_step(page: Page, account, code):
    """Log in from any page (signed out) with the password, then `code` (an authenticator
    or a recovery code) on the second step."""
    navbar(page).get_by_role("link", name="Log in").click()
    fill_login(page, account.username, account.password)
    expect(heading(page)).to_have_text("Two-factor sign-in")
    page.get_by_label("Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect_logged_in(page, account.username)


# Email verification (accounts.verification)

CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/email/confirm/[^/\s]+/")
EMAIL_BANNER = "Please confirm your email address"


def confirmation_link(text):
    """The address confirmation link in the text of an email from the app."""
    found = CONFIRMATION_LINK.search(text)
    assert found, f"no confirmation link in:\n{text}"
    return found[0]


def email_banner(page: Page):
    """The banner asking a member to confirm their address (empty when nothing is asked)."""
    return page.locator("#email-reminder")


def confirm_email(page: Page, link):
    """Open a confirmation link and press its button; return once the page says it is done."""
    page.goto(link)
    expect(heading(page)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm this address").click()
    expect(message(page, "is confirmed")).to_be_visible()


def signed_up_with_email(page: Page, new_username, accounts_to_delete, inbox=None):
    """A new account with an email address, signed up and logged in on `page` (its
    password entered just now). With `inbox` (support.smtp), the address is also confirmed
    through the link mailed to it: notices go to confirmed addresses only."""
    from support.smtp import body

    account = Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    address = f"{account.username}@example.org"
    page.goto("/accounts/signup/")
    page.get_by_label("Email address").fill(address)
    fill_signup(page, account.username, account.password)
    expect_logged_in(page, account.username)
    if inbox is not None:
        confirm_email(page, confirmation_link(body(inbox.wait_for_message(to=address))))
    return account, address
