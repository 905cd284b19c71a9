"""Accessibility: axe-core finds nothing serious or critical on any page, in any state.

Every page is scanned as a user reaches it (with JavaScript, by an htmx swap into #main),
and so are the states htmx puts a page in: a form showing its errors after a refused
submission (422), the navbar after an in-place login or logout. Each test runs with and
without JavaScript, like every browser test here.

axe checks what a machine can check (names, roles, labels, contrast, landmarks, ARIA),
roughly a third of WCAG. test_keyboard.py covers focus and keyboard use.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import PASSWORD, heading, message, navbar


def delete_account(page: Page):
    """The suite may run against a shared deployment: leave no account behind."""
    pages.open_settings(page, "Danger zone")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()


def test_pages_for_visitors_are_accessible(page: Page, assert_accessible, new_username):
    page.goto("/articles/")
    expect(heading(page)).to_have_text("Articles")
    assert_accessible("article list, logged out")

    navbar(page).get_by_role("link", name="Log in").click()
    expect(heading(page)).to_have_text("Log in")
    assert_accessible("login page")

    page.get_by_role("link", name="Create an account").click()
    expect(heading(page)).to_have_text("Create your account")
    assert_accessible("signup page")

    navbar(page).get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Forgot your password?").click()
    expect(heading(page)).to_have_text("Reset your password")
    assert_accessible("password reset page")

    page.get_by_label("Email").fill(f"{new_username()}@example.com")  # no such account
    page.get_by_role("button", name="Send the link").click()
    expect(heading(page)).to_have_text("Check your email")
    assert_accessible("password reset page, link sent")

    page.goto("/accounts/password/reset/MQ/not-a-token/")
    expect(page.get_by_role("alert")).to_contain_text("This link is invalid")
    assert_accessible("new password page, from an invalid link")

    page.goto("/accounts/password/reset/complete/")
    expect(heading(page)).to_have_text("Your password has been changed")
    assert_accessible("password reset complete page")

    page.goto("/articles/999999999/")
    expect(heading(page)).to_have_text("Not found")
    assert_accessible("404 page")


def test_forms_showing_their_errors_are_accessible(page: Page, assert_accessible, new_username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(new_username())
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The username or email and the password do not match"
    )
    assert_accessible("login form refusing a wrong password")

    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(new_username())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(f"{PASSWORD}-typo")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_label("Password confirmation")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(re.compile("password fields didn.t match"))
    assert_accessible("signup form refusing mismatched passwords")


def test_pages_for_members_are_accessible(page: Page, new_context, assert_accessible, new_username):
    username = new_username()
    page.goto("/articles/")
    pages.sign_up(page, username, PASSWORD)
    expect(message(page, "Welcome")).to_be_visible()
    assert_accessible("article list right after signing up, with the welcome message")
    # A second session, so that the sessions page has one to sign out.
    elsewhere = new_context().new_page()
    elsewhere.goto("/articles/")
    pages.log_in(elsewhere, username, PASSWORD)
    elsewhere.context.close()

    navbar(page).get_by_role("link", name="Write").click()
    expect(heading(page)).to_have_text("Write an article")
    assert_accessible("article form")

    # Empty fields never leave the browser (they are `required`); blank ones are refused
    # by the server, which is the state to check.
    page.get_by_label("Title").fill(" ")
    page.get_by_label("Content").fill(" ")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert_accessible("article form refusing blank fields")

    page.get_by_label("Title").fill(f"Notes from {username}")
    page.get_by_label("Content").fill("A first paragraph.\n\nA second one.")
    page.get_by_role("button", name="Publish").click()
    expect(heading(page)).to_have_text(f"Notes from {username}")
    assert_accessible("article page, seen by its author")

    page.get_by_role("link", name="Edit").click()
    expect(heading(page)).to_have_text("Edit article")
    assert_accessible("article edit form")

    navbar(page).get_by_role("link", name="Articles").click()
    expect(page.get_by_role("link", name=f"Notes from {username}", exact=True)).to_be_visible()
    assert_accessible("article list with the member's own article")

    page.get_by_role("link", name=f"Delete Notes from {username}").click()
    expect(page.get_by_role("link", name="Cancel")).to_be_focused()
    assert_accessible("delete confirmation")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("link", name=f"Delete Notes from {username}")).to_be_visible()

    pages.open_user_menu(page)
    assert_accessible("account menu, open")

    pages.open_settings(page)
    assert_accessible("settings: profile")

    # Each section as the settings navigation brings it (with JS, only the panel swapped).
    for section, state in [
        ("Email", "settings: email"),
        ("Password", "settings: password change"),
        ("Sessions", "settings: sessions, with another session"),
    ]:
        pages.settings_nav(page).get_by_role("link", name=section, exact=True).click()
        expect(heading(page)).to_have_text(pages.SETTINGS_HEADINGS[section])
        assert_accessible(state)

    page.get_by_role("link", name="Sign out all other sessions").click()
    expect(page.get_by_role("link", name="Cancel")).to_be_focused()
    assert_accessible("question before signing out the other sessions")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("link", name="Sign out all other sessions")).to_be_visible()

    pages.settings_nav(page).get_by_role("link", name="Danger zone").click()
    expect(heading(page)).to_have_text("Danger zone")
    assert_accessible("settings: account deletion")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(message(page, "deleted")).to_be_visible()
    assert_accessible("article list after deleting the account")


def test_navbar_after_logging_out_and_in_is_accessible(page: Page, assert_accessible, new_username):
    username = new_username()
    page.goto("/articles/")
    pages.sign_up(page, username, PASSWORD)

    pages.log_out(page)
    assert_accessible("page after logging out (in place with JavaScript)")

    pages.log_in(page, username, PASSWORD)
    assert_accessible("page after logging in (in place with JavaScript)")

    delete_account(page)


def test_forbidden_page_is_accessible(page: Page, assert_accessible, new_username):
    author = new_username("author")
    page.goto("/articles/")
    pages.sign_up(page, author, PASSWORD)
    article_url = pages.write_article(
        page, f"Notes from {author}", "A first paragraph.\n\nA second one."
    )
    pages.log_out(page)

    pages.sign_up(page, new_username("reader"), PASSWORD)
    page.goto(f"{article_url}update/")
    expect(heading(page)).to_have_text("Not allowed")
    assert_accessible("403 page")

    page.goto("/articles/")
    delete_account(page)
    pages.log_in(page, author, PASSWORD)
    delete_account(page)


def test_password_prompt_before_a_sensitive_change_is_accessible(
    page: Page, request, base_url, assert_accessible, new_username
):
    if base_url:
        pytest.skip("the prompt shows only 10 minutes after a login, or with the live server")
    # Sudo mode always over: the next sensitive change asks for the password.
    request.getfixturevalue("settings").SUDO_MODE_TIMEOUT = -1
    username = new_username()
    page.goto("/articles/")
    pages.sign_up(page, username, PASSWORD)

    pages.open_settings(page, "Email")
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_role("button", name="Save email address").click()
    expect(heading(page)).to_have_text("Confirm your password")
    assert_accessible("password prompt before changing the email address")

    page.get_by_label("Your password").fill("not-the-password")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert_accessible("password prompt refusing a wrong password")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and continue").click()
    # A first address is saved at once, with a link to confirm it (accounts.email.verification).
    expect(message(page, "We sent a link to")).to_be_visible()
    assert_accessible("the banner asking to confirm the email address")
    # No need to delete the account: this runs only against the throwaway test database.


def test_two_factor_pages_are_accessible(page: Page, assert_accessible, new_username):
    username = new_username()
    page.goto("/articles/")
    pages.sign_up(page, username, PASSWORD)

    pages.open_two_factor(page)
    assert_accessible("settings: two-factor sign-in, off")

    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(heading(page)).to_have_text("Turn on two-factor sign-in")
    assert_accessible("two-factor setup page, with its QR code and key")

    app = pages.Authenticator(pages.setup_key(page).inner_text())
    page.get_by_label("Code from the app").fill(app.code())
    page.get_by_role("button", name="Turn on", exact=True).click()
    expect(heading(page)).to_have_text("Your recovery codes")
    assert_accessible("recovery codes page")

    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_role("link", name="Turn off two-factor sign-in")).to_be_visible()
    assert_accessible("settings: two-factor sign-in, on")

    pages.log_out(page)
    navbar(page).get_by_role("link", name="Log in").click()
    pages.fill_login(page, username, PASSWORD)
    expect(heading(page)).to_have_text("Two-factor sign-in")
    assert_accessible("login's second step")

    page.get_by_label("Authentication code").fill("not-a-code")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_label("Authentication code")).to_have_attribute("aria-invalid", "true")
    assert_accessible("login's second step refusing a wrong code")

    page.get_by_label("Authentication code").fill(app.code())
    page.get_by_role("button", name="Verify").click()
    pages.expect_logged_in(page, username)
    pages.open_two_factor(page)
    page.get_by_role("link", name="Turn off two-factor sign-in").click()
    expect(heading(page)).to_have_text("Turn off two-factor sign-in")
    assert_accessible("question before turning off two-factor sign-in")

    # Off again, so that the account can be deleted with its password.
    page.get_by_role("button", name="Turn off").click()
    expect(message(page, "Two-factor sign-in is off")).to_be_visible()
    delete_account(page)


def test_passkeys_section_is_accessible(
    page: Page, js, base_url, assert_accessible, new_username, make_passkey
):
    username = new_username()
    page.goto("/articles/")
    pages.sign_up(page, username, PASSWORD)
    if not base_url:  # a passkey to list, made in the live server's database
        make_passkey(username, "Laptop")
    pages.open_settings(page)
    pages.settings_nav(page).get_by_role("link", name="Passkeys", exact=True).click()
    expect(heading(page)).to_have_text("Passkeys")
    assert_accessible("settings: passkeys")

    if not base_url:
        page.get_by_role("link", name="Rename Laptop").click()
        expect(page.get_by_label("New name")).to_be_focused()
        assert_accessible("renaming a passkey")
        page.get_by_role("link", name="Cancel").click()
        page.get_by_role("link", name="Remove Laptop").click()
        expect(page.get_by_role("link", name="Cancel")).to_be_focused()
        assert_accessible("question before removing a passkey")
        page.get_by_role("link", name="Cancel").click()

    if js:  # making a passkey needs JavaScript: its form is hidden without
        page.get_by_label("Passkey name").fill(" ")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_label("Passkey name")).to_have_attribute("aria-invalid", "true")
        assert_accessible("passkey form refusing a blank name")
        page.get_by_label("Passkey name").fill("Phone")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_role("button", name="Create the passkey")).to_be_focused()
        assert_accessible("ready to create a passkey")
    delete_account(page)
