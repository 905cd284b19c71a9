"""The small things a person notices: the password can be shown before it is sent,
messages can be dismissed, the login warns before a lockout, and forms can be left
with Cancel."""

import re

from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import heading, message


def test_the_password_can_be_shown_and_hidden_before_it_is_sent(page: Page, js, user):
    page.goto("/accounts/login/")
    password = page.get_by_label("Password", exact=True)
    toggle = page.get_by_role("button", name="Show password")
    if not js:
        # Without JavaScript there is nothing to press: the field stays a password field.
        expect(toggle).to_have_count(0)
        expect(password).to_have_attribute("type", "password")
        return
    password.fill(user.password)
    toggle.click()
    expect(password).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name="Hide password")
    expect(hide).to_have_attribute("aria-pressed", "true")
    hide.click()
    expect(password).to_have_attribute("type", "password")
    # Shown when sent, it is sent as a password field all the same, and works.
    page.get_by_role("button", name="Show password").click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_role("button", name="Log in").click()
    pages.expect_logged_in(page, user.username)


def test_a_message_can_be_dismissed(page: Page, js, user):
    page.goto("/accounts/login/")
    pages.fill_login(page, user.username, user.password)
    welcome = message(page, "Welcome back")
    expect(welcome).to_be_visible()
    dismiss = welcome.get_by_role("button", name="Dismiss")
    if not js:
        expect(dismiss).to_have_count(0)  # it goes with the next page
        return
    dismiss.click()
    expect(welcome).to_have_count(0)


def test_the_login_warns_before_the_attempt_that_locks_the_account(page: Page, js, user):
    page.goto("/accounts/login/")
    password = page.get_by_label("Password", exact=True)
    with pages.no_full_reload(page, js):
        for _ in range(2):
            pages.fill_login(page, user.username, "not-the-password")
            # The refused form comes back without the password: this answer has arrived.
            expect(password).to_be_empty()
            expect(page.get_by_role("alert")).to_contain_text("do not match an account")
            expect(page.get_by_role("alert")).not_to_contain_text("left before")
        pages.fill_login(page, user.username, "still-not-the-password")
        expect(page.get_by_role("alert")).to_contain_text(
            "2 attempts left before this account is locked on this device for 15 minutes."
        )
        # The right password still works before the lockout.
        pages.fill_login(page, user.username, user.password)
        pages.expect_logged_in(page, user.username)


def test_writing_can_be_cancelled(logged_in_page: Page, js):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.navbar(page).get_by_role("link", name="Write", exact=True).click()
        expect(heading(page)).to_have_text("Write an article")
        page.get_by_role("link", name="Cancel").click()
        expect(page).to_have_url("/articles/")
        expect(heading(page)).to_have_text("Articles")


# What the browser itself writes for a moment in a zone: the page must say the same.
FORMAT_IN_ZONE = """([iso, zone]) => new Intl.DateTimeFormat('en', {
  dateStyle: 'medium', timeStyle: 'short', timeZone: zone || undefined
}).format(new Date(iso))"""


def test_times_are_shown_in_the_readers_time_zone_and_recent_ones_as_relative(
    logged_in_page: Page, js
):
    page = logged_in_page
    page.goto("/accounts/update/")
    page.get_by_label("Time zone").select_option("Asia/Kolkata")  # +05:30, never the host's
    page.get_by_role("button", name="Save profile").click()
    expect(message(page, "Your profile has been saved.")).to_be_visible()
    pages.write_article(page, "Timed", "What time is it?")
    published = page.locator("article time").first
    iso = published.get_attribute("datetime")
    if not js:
        expect(published).to_have_text(re.compile(r" UTC$"))  # the server's, and says so
        return
    expect(published).to_have_text(re.compile(r"^(now|\d+ seconds? ago|1 minute ago)$"))
    expect(published).to_have_attribute(
        "title", page.evaluate(FORMAT_IN_ZONE, [iso, "Asia/Kolkata"])
    )
