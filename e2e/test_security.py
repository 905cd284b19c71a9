"""Account security in the browser: password reset by email, login by email, "remember me",
the active sessions page and the lockout after repeated failed logins."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import NEW_PASSWORD, PASSWORD, heading, navbar
from support.smtp import body, reset_link

TWO_WEEKS = 14 * 24 * 60 * 60
# A second device that the sessions page can tell apart from the test's browser.
OTHER_DEVICE_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_up_with_email(page: Page, new_username, accounts_to_delete, inbox):
    """A new account whose address is confirmed, signed up and logged in on `page` (then
    `inbox` is emptied)."""
    account, address = pages.signed_up_with_email(page, new_username, accounts_to_delete, inbox)
    inbox.messages.clear()
    return account, address


def request_reset(page: Page, address):
    """From any page, logged out: ask for a reset link as a user who forgot the password."""
    navbar(page).get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    # Only now: "Email" would also match the login form's "Username or email".
    expect(heading(page)).to_have_text("Reset your password")
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Send the link").click()
    expect(heading(page)).to_have_text("Check your email")


def set_new_password(page: Page, link, password):
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("New password confirmation").fill(password)
    page.get_by_role("button", name="Set my password").click()
    expect(heading(page)).to_have_text("Your password has been changed")


def expect_login_refused(page: Page, text):
    expect(page.get_by_role("alert")).to_contain_text(text)
    pages.expect_logged_out(page)


# Password reset


def test_forgotten_password_is_reset_through_the_emailed_link(
    page: Page, new_username, accounts_to_delete, smtp_inbox
):
    account, address = signed_up_with_email(page, new_username, accounts_to_delete, smtp_inbox)
    pages.log_out(page)

    request_reset(page, address)
    link = reset_link(smtp_inbox.wait_for_message(to=address))
    set_new_password(page, link, NEW_PASSWORD)
    account.password = NEW_PASSWORD

    # The link works once.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link is invalid or has expired")

    navbar(page).get_by_role("link", name="Log in").click()
    pages.fill_login(page, account.username, PASSWORD)
    expect_login_refused(page, "The username or email and the password do not match an account")
    pages.fill_login(page, account.username, NEW_PASSWORD)
    pages.expect_logged_in(page, account.username)


def test_the_owner_hears_of_a_sign_in_from_a_new_device_and_of_a_password_change(
    page: Page, new_context, new_username, accounts_to_delete, smtp_inbox
):
    account, address = signed_up_with_email(page, new_username, accounts_to_delete, smtp_inbox)
    other = new_context(user_agent=OTHER_DEVICE_UA).new_page()
    other.goto("/accounts/login/")
    pages.fill_login(other, account.username, account.password)
    pages.expect_logged_in(other, account.username)
    notice = smtp_inbox.wait_for_message(to=address)
    assert notice["Subject"] == "A sign-in to your account from a new device"
    assert "Device: Firefox on Windows" in body(notice)
    assert "/accounts/sessions/" in body(notice)

    pages.open_settings(page, "Password")
    page.get_by_label("Old password").fill(account.password)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(pages.message(page, "Your password has been changed")).to_be_visible()
    account.password = NEW_PASSWORD
    deadline = time.monotonic() + 5
    while len(smtp_inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    subjects = [message["Subject"] for message in smtp_inbox.messages]
    assert subjects == [
        "A sign-in to your account from a new device",
        "Your password was changed",
    ]


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    page: Page, new_username, accounts_to_delete, smtp_inbox
):
    _, address = signed_up_with_email(page, new_username, accounts_to_delete, smtp_inbox)
    pages.log_out(page)

    request_reset(page, f"nobody-{address}")
    answer_for_unknown = page.get_by_role("main").inner_text()
    request_reset(page, address)

    expect(page.get_by_role("main")).to_have_text(answer_for_unknown)
    smtp_inbox.wait_for_message(to=address)
    # The app sends while answering, so the unknown address would have been first.
    assert smtp_inbox.recipients() == [address]


def test_reset_signs_out_the_account_everywhere(
    page: Page, new_username, accounts_to_delete, smtp_inbox, log_in_as
):
    account, address = signed_up_with_email(page, new_username, accounts_to_delete, smtp_inbox)
    elsewhere = log_in_as(account)
    elsewhere.goto("/accounts/update/")
    expect(heading(elsewhere)).to_have_text("Your profile")
    pages.log_out(page)

    request_reset(page, address)
    set_new_password(page, reset_link(smtp_inbox.wait_for_message(to=address)), NEW_PASSWORD)
    account.password = NEW_PASSWORD
    notice = smtp_inbox.wait_for_mail(address, "Your password was reset")
    assert "If it was not you, reset your password now" in body(notice)

    elsewhere.goto("/accounts/update/")
    expect(elsewhere).to_have_url(re.compile(r"/accounts/login/"))
    expect(heading(elsewhere)).to_have_text("Log in")
    pages.expect_logged_out(elsewhere)


# Logging in


def test_login_accepts_the_email_address(page: Page, new_username, accounts_to_delete, smtp_inbox):
    account, address = signed_up_with_email(page, new_username, accounts_to_delete, smtp_inbox)
    pages.log_out(page)

    navbar(page).get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill(address.upper())
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Log in").click()
    pages.expect_logged_in(page, account.username)


def test_remember_me_keeps_the_session_cookie_for_two_weeks(page: Page, user):
    page.goto("/accounts/login/")
    pages.fill_login(page, user.username, user.password)
    pages.expect_logged_in(page, user.username)
    session = pages.cookie(page, "sessionid")
    assert session["expires"] == -1, "without remember me: ends with the browser"

    pages.log_out(page)
    navbar(page).get_by_role("link", name="Log in").click()
    page.get_by_label("Remember me").check()
    pages.fill_login(page, user.username, user.password)
    pages.expect_logged_in(page, user.username)
    session = pages.cookie(page, "sessionid")
    assert abs(session["expires"] - (time.time() + TWO_WEEKS)) < 5 * 60


# Active sessions


def session_list(page: Page):
    """The sessions listed on the sessions page (not the settings navigation's items)."""
    return page.get_by_role("main").get_by_role("listitem").filter(has_text="Last active")


def signed_in_here_and_elsewhere(page: Page, new_context, new_username, accounts_to_delete):
    """A new account signed in twice: on `page`, having just entered its password (so no
    password prompt for ten minutes), and on another device; returns (account, other page).
    """
    account = pages.Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    page.goto("/articles/")
    pages.sign_up(page, account.username, account.password)
    # Log in again, so that the signup's session is gone and the password just entered.
    pages.log_out(page)
    pages.log_in(page, account.username, account.password)
    other = new_context(user_agent=OTHER_DEVICE_UA).new_page()
    other.goto("/accounts/login/")
    pages.fill_login(other, account.username, account.password)
    pages.expect_logged_in(other, account.username)
    return account, other


def test_member_signs_out_another_session(
    page: Page, new_context, new_username, accounts_to_delete
):
    _, other = signed_in_here_and_elsewhere(page, new_context, new_username, accounts_to_delete)

    pages.open_settings(page, "Sessions")
    sessions = session_list(page)
    expect(sessions).to_have_count(2)
    # This device first, though the other one was active more recently.
    expect(sessions.first).to_contain_text("This device")
    expect(sessions.last).to_contain_text("Firefox on Windows")
    # No password prompt: logging in just now counts as re-authenticating.
    page.get_by_role("button", name="Sign out Firefox on Windows").click()
    expect(pages.message(page, "That session has been signed out")).to_be_visible()
    expect(sessions).to_have_count(1)
    expect(sessions).to_contain_text("This device")
    expect(page.get_by_role("link", name="Sign out all other sessions")).to_have_count(0)

    other.goto("/articles/")
    pages.expect_logged_out(other)


def test_signing_out_all_other_sessions_asks_first(
    page: Page, js, new_context, new_username, accounts_to_delete
):
    account, other = signed_in_here_and_elsewhere(
        page, new_context, new_username, accounts_to_delete
    )
    sign_out_others = page.get_by_role("link", name="Sign out all other sessions")
    question = "Sign out of 1 other session? It will need to log in again."
    confirmation = page.get_by_role("form", name=question)

    pages.open_settings(page, "Sessions")
    with pages.no_full_reload(page, js):
        # Asked first: in place of the button with JavaScript, on a page of its own without.
        sign_out_others.click()
        expect(page.get_by_text(question)).to_be_visible()
        if js:
            expect(page).to_have_url("/accounts/sessions/")
            expect(heading(page)).to_have_text("Your sessions")
            expect(session_list(page)).to_have_count(2)
        else:
            expect(page).to_have_url("/accounts/sessions/sign-out-others/")
            expect(heading(page)).to_have_text("Sign out all other sessions")
            sessions_link = pages.settings_nav(page).get_by_role("link", name="Sessions")
            expect(sessions_link).to_have_attribute("aria-current", "page")
        expect(sign_out_others).to_have_count(0)
        # The safe choice has the focus.
        expect(page.get_by_role("link", name="Cancel")).to_be_focused()

        # Cancel puts the button back and signs nothing out.
        page.get_by_role("link", name="Cancel").click()
        expect(sign_out_others).to_be_visible()
        expect(page.get_by_text(question)).to_have_count(0)
        expect(page).to_have_url("/accounts/sessions/")
        expect(session_list(page)).to_have_count(2)
    other.goto("/articles/")
    pages.expect_logged_in(other, account.username)

    with pages.no_full_reload(page, js):
        # Confirmed: the other session is signed out, this one stays.
        sign_out_others.click()
        confirmation.get_by_role("button", name="Sign out", exact=True).click()
        expect(pages.message(page, "Signed out of 1 other session.")).to_be_visible()
        expect(heading(page)).to_have_text("Your sessions")
        expect(page).to_have_url("/accounts/sessions/")
        expect(session_list(page)).to_have_count(1)
        expect(session_list(page)).to_contain_text("This device")
        expect(sign_out_others).to_have_count(0)
        pages.expect_logged_in(page, account.username)

    other.goto("/articles/")
    pages.expect_logged_out(other)


def test_signing_out_all_other_sessions_asks_for_the_password_when_not_entered_lately(
    page: Page, js, request, base_url, new_context, new_username, accounts_to_delete
):
    if base_url:
        pytest.skip("the prompt shows only 10 minutes after a login, or with the live server")
    # Sudo mode always over: confirming asks for the password first.
    request.getfixturevalue("settings").SUDO_MODE_TIMEOUT = -1
    account, other = signed_in_here_and_elsewhere(
        page, new_context, new_username, accounts_to_delete
    )

    pages.open_settings(page, "Sessions")
    with pages.no_full_reload(page, js):
        page.get_by_role("link", name="Sign out all other sessions").click()
        page.get_by_role("button", name="Sign out", exact=True).click()
        expect(heading(page)).to_have_text("Confirm your password")
        page.get_by_label("Your password").fill(account.password)
        page.get_by_role("button", name="Confirm and continue").click()
        expect(pages.message(page, "Signed out of 1 other session.")).to_be_visible()
        expect(heading(page)).to_have_text("Your sessions")
        expect(session_list(page)).to_have_count(1)

    other.goto("/articles/")
    pages.expect_logged_out(other)


# Lockout


def test_repeated_failures_lock_the_account_in_this_browser(page: Page, make_user):
    locked, other = make_user("e2e-locked"), make_user()
    page.goto("/accounts/login/")
    for _ in range(4):
        assert attempt_login(page, locked.username, "not-my-password") == 422
        expect_login_refused(page, "The username or email and the password do not match an account")

    assert attempt_login(page, locked.username, "not-my-password") == 429
    expect_login_refused(page, "Too many failed attempts for this account")
    assert attempt_login(page, locked.username, locked.password) == 429
    expect_login_refused(page, "Too many failed attempts for this account")

    pages.fill_login(page, other.username, other.password)
    pages.expect_logged_in(page, other.username)


def attempt_login(page: Page, username, password):
    """Send the login form and wait for its answer; returns the HTTP status."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/accounts/login/")
    ) as response:
        pages.fill_login(page, username, password)
    # The answer is on the page once the form is back with its password field empty
    # (the alert may be left from the attempt before).
    expect(page.get_by_label("Password", exact=True)).to_be_empty()
    return response.value.status
