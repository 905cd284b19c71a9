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


def test_profile_update_is_saved(logged_in_page: Page, js):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        navbar(page).get_by_role("link", name="Profile").click()
        page.get_by_label("Email address").fill("ada@example.org")
        page.get_by_label("First name").fill("Ada")
        page.get_by_label("Last name").fill("Lovelace")
        page.get_by_role("button", name="Save profile").click()
        expect(message(page, "Your profile has been saved.")).to_be_visible()

        # Away and back: the values come from the database.
        navbar(page).get_by_role("link", name="Articles").click()
        expect(heading(page)).to_have_text("Articles")
        navbar(page).get_by_role("link", name="Profile").click()
        expect(page.get_by_label("Email address")).to_have_value("ada@example.org")
        expect(page.get_by_label("First name")).to_have_value("Ada")
        expect(page.get_by_label("Last name")).to_have_value("Lovelace")


def test_password_change_signs_out_the_other_sessions(logged_in_page: Page, js, user, new_context):
    page = logged_in_page
    elsewhere = new_context().new_page()
    elsewhere.goto("/articles/")
    pages.log_in(elsewhere, user.username, user.password)

    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        navbar(page).get_by_role("link", name="Password").click()
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
        navbar(page).get_by_role("link", name="Delete account").click()
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
