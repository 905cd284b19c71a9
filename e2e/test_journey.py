from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import PASSWORD, heading, message, navbar


def test_member_signs_up_writes_edits_and_deletes_account(
    page: Page, js, new_username, accounts_to_delete
):
    username = new_username()
    accounts_to_delete.append(pages.Account(username, PASSWORD))
    title = f"Notes from {username}"

    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        # Sign up: logged in at once.
        pages.sign_up(page, username, PASSWORD)
        expect(page).to_have_url("/articles/")

        # Write an article.
        page.get_by_role("link", name="Write an article").click()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Content").fill("First paragraph.\n\nSecond paragraph.")
        page.get_by_role("button", name="Publish").click()
        expect(heading(page)).to_have_text(title)
        expect(page.get_by_text("Second paragraph.")).to_be_visible()
        expect(message(page, "published")).to_be_visible()

        # Log out, log in again and edit the article.
        pages.log_out(page)
        pages.log_in(page, username, PASSWORD)
        page.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("link", name="Edit").click()
        expect(page.get_by_label("Title")).to_have_value(title)
        page.get_by_label("Title").fill(f"{title} (revised)")
        page.get_by_role("button", name="Save changes").click()
        expect(heading(page)).to_have_text(f"{title} (revised)")

        # Delete the account: signed out, and the article went with it.
        pages.open_settings(page, "Danger zone")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Delete my account").click()
        expect(message(page, "account")).to_contain_text("deleted")
        pages.expect_logged_out(page)
        expect(heading(page)).to_have_text("Articles")
        expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)

        # The account is gone: logging in with it is refused.
        navbar(page).get_by_role("link", name="Log in").click()
        pages.fill_login(page, username, PASSWORD)
        expect(page.get_by_role("alert")).to_contain_text(
            "The username or email and the password do not match an account"
        )
        pages.expect_logged_out(page)
