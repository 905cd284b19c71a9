import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import NEW_PASSWORD, PASSWORD, heading, message, navbar


def expect_signup_refused(page: Page, error):
    expect(page.get_by_text(error)).to_be_visible()
    # The refused form comes back without the passwords (also the sign that the answer
    # to the submission has arrived, not just the live check of the field left last).
    expect(page.get_by_label("Password", exact=True)).to_be_empty()


def test_signup_shows_errors_then_creates_the_account(
    page: Page, js, user, new_username, accounts_to_delete
):
    username = new_username()
    accounts_to_delete.append(pages.Account(username, PASSWORD))
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        navbar(page).get_by_role("link", name="Sign up").click()

        pages.fill_signup(page, username, PASSWORD, confirmation="something-else-42")
        expect_signup_refused(page, "The two password fields didn\u2019t match.")

        pages.fill_signup(page, user.username, PASSWORD)
        expect_signup_refused(page, "A user with that username already exists.")

        pages.fill_signup(page, username, PASSWORD)
        pages.expect_logged_in(page, username)
        expect(message(page, "Your account is ready")).to_be_visible()


def test_login_refuses_a_wrong_password_then_returns_to_the_page_asked_for(page: Page, js, user):
    page.goto("/articles/create/")
    expect(page).to_have_url(pages.login_url("/articles/create/"))
    with pages.no_full_reload(page, js):
        pages.fill_login(page, user.username, "not-the-password")
        expect(page.get_by_role("alert")).to_contain_text(
            "The username or email and the password do not match an account"
        )
        pages.expect_logged_out(page)

        pages.fill_login(page, user.username, user.password)
        pages.expect_logged_in(page, user.username)
        expect(page).to_have_url("/articles/create/")
        expect(heading(page)).to_have_text("Write an article")


def test_logout_ends_the_session(logged_in_page: Page, js):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.log_out(page)
        expect(message(page, "You have been logged out.")).to_be_visible()
        expect(navbar(page).get_by_role("link", name="Write")).to_have_count(0)

    page.goto("/accounts/update/")
    expect(page).to_have_url(pages.login_url("/accounts/update/"))


def test_profile_name_is_saved_and_shown_in_the_menu_and_on_articles(
    logged_in_page: Page, js, user
):
    page = logged_in_page
    page.goto("/articles/")
    title = f"Signed notes from {user.username}"
    with pages.no_full_reload(page, js):
        pages.write_article(page, title, "Words.")
        expect(page.get_by_text(f"by {user.username}")).to_be_visible()

        pages.open_settings(page)
        page.get_by_label("First name").fill("Ada")
        page.get_by_label("Last name").fill("Lovelace")
        page.get_by_role("button", name="Save profile").click()
        expect(message(page, "Your profile has been saved.")).to_be_visible()
        # The menu now names the member by the full name (the navbar is swapped too).
        pages.expect_logged_in(page, "Ada Lovelace")
        expect(pages.open_user_menu(page)).to_contain_text(f"Signed in as {user.username}")

        # Away and back: the values come from the database.
        navbar(page).get_by_role("link", name="Articles").click()
        expect(heading(page)).to_have_text("Articles")
        expect(
            page.get_by_role("main").get_by_role("listitem").filter(has_text=title)
        ).to_contain_text("by Ada Lovelace")
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_text("by Ada Lovelace")).to_be_visible()
        pages.open_settings(page)
        expect(page.get_by_label("First name")).to_have_value("Ada")
        expect(page.get_by_label("Last name")).to_have_value("Lovelace")
        # The email address has a section of its own.
        expect(page.get_by_label("Email address")).to_have_count(0)


def test_email_address_is_changed_in_its_own_section(logged_in_page: Page, js):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.open_settings(page, "Email")
        # No password prompt: the login just now counts as entering it recently.
        page.get_by_label("Email address").fill("ada@example.org")
        page.get_by_role("button", name="Save email address").click()
        # A first address is saved at once, and confirmed by the link sent to it.
        expect(message(page, "We sent a link to ada@example.org")).to_be_visible()
        expect(heading(page)).to_have_text("Your email address")

        navbar(page).get_by_role("link", name="Articles").click()
        expect(heading(page)).to_have_text("Articles")
        pages.open_settings(page, "Email")
        expect(page.get_by_label("Email address")).to_have_value("ada@example.org")


def test_email_change_asks_for_the_password_when_not_entered_lately(
    logged_in_page: Page, js, user, request, base_url
):
    if base_url:
        pytest.skip("the prompt shows only 10 minutes after a login, or with the live server")
    # Sudo mode always over: the change asks for the password.
    request.getfixturevalue("settings").SUDO_MODE_TIMEOUT = -1
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.open_settings(page, "Email")
        page.get_by_label("Email address").fill("grace@example.org")
        page.get_by_role("button", name="Save email address").click()
        expect(heading(page)).to_have_text("Confirm your password")
        page.get_by_label("Your password").fill(user.password)
        page.get_by_role("button", name="Confirm and continue").click()
        expect(message(page, "We sent a link to grace@example.org")).to_be_visible()

        pages.open_settings(page, "Email")
        expect(page.get_by_label("Email address")).to_have_value("grace@example.org")


def test_password_change_signs_out_the_other_sessions(logged_in_page: Page, js, user, new_context):
    page = logged_in_page
    elsewhere = new_context().new_page()
    elsewhere.goto("/articles/")
    pages.log_in(elsewhere, user.username, user.password)

    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.open_settings(page, "Password")
        page.get_by_label("Old password").fill(user.password)
        page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Change password").click()
        expect(message(page, "Your password has been changed.")).to_be_visible()
        user.password = NEW_PASSWORD

        # This browser stays logged in, from one page to the next.
        navbar(page).get_by_role("link", name="Articles").click()
        expect(heading(page)).to_have_text("Articles")
        pages.expect_logged_in(page, user.username)

    # The other one is anonymous on its next request, and the old password is refused.
    navbar(elsewhere).get_by_role("link", name="Articles").click()
    pages.expect_logged_out(elsewhere)
    navbar(elsewhere).get_by_role("link", name="Log in").click()
    pages.fill_login(elsewhere, user.username, PASSWORD)
    expect(elsewhere.get_by_role("alert")).to_contain_text(
        "The username or email and the password do not match"
    )
    pages.fill_login(elsewhere, user.username, NEW_PASSWORD)
    pages.expect_logged_in(elsewhere, user.username)


def test_deleted_account_cannot_log_in(logged_in_page: Page, js, user):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.open_settings(page, "Danger zone")
        expect(page.get_by_role("main")).to_contain_text("Delete your account")
        page.get_by_label("Your password").fill("not-the-password")
        page.get_by_role("button", name="Delete my account").click()
        expect(page.get_by_text("That is not your password. Nothing was changed.")).to_be_visible()

        page.get_by_label("Your password").fill(user.password)
        page.get_by_role("button", name="Delete my account").click()
        expect(
            message(page, "Your account and all your articles have been deleted.")
        ).to_be_visible()
        pages.expect_logged_out(page)

        navbar(page).get_by_role("link", name="Log in").click()
        pages.fill_login(page, user.username, user.password)
        expect(page.get_by_role("alert")).to_contain_text(
            "The username or email and the password do not match"
        )
        pages.expect_logged_out(page)
