"""Verified email addresses in the browser, in both modes: the link mailed at signup (to a
real local SMTP server), opened and confirmed; then a new address in Settings → Email,
waiting until the link mailed to it is used, and the old address told of the change."""

from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import PASSWORD, email_banner, heading, message, navbar
from support.smtp import body


def sign_up_with_email(page: Page, account, address):
    navbar(page).get_by_role("link", name="Sign up").click()
    page.get_by_label("Email address").fill(address)
    pages.fill_signup(page, account.username, account.password)


def link_mailed_to(inbox, address):
    return pages.confirmation_link(body(inbox.wait_for_message(to=address)))


def change_address(page: Page, account, old, new, inbox, js):
    """In Settings → Email, ask for `new` (the password prompt may come first), confirm it
    from its inbox; `old` keeps working until then and is told afterwards."""
    inbox.messages.clear()
    with pages.no_full_reload(page, js):
        pages.open_settings(page, "Email")
        expect(page.get_by_role("main").get_by_text(f"{old} is confirmed.")).to_be_visible()
        page.get_by_label("Email address").fill(new)
        page.get_by_role("button", name="Save email address").click()
        sent = message(page, f"We sent a link to {new}")
        prompt = heading(page).filter(has_text="Confirm your password")
        expect(sent.or_(prompt)).to_be_visible()
        if prompt.is_visible():
            page.get_by_label("Your password").fill(account.password)
            page.get_by_role("button", name="Confirm and continue").click()
        expect(sent).to_be_visible()
        waiting = page.get_by_role("main").get_by_text("Waiting for confirmation")
        expect(waiting).to_contain_text(new)
        expect(page.get_by_label("Email address")).to_have_value(old)  # still in use

    pages.confirm_email(page, link_mailed_to(inbox, new))
    expect(message(page, f"Your email address {new} is confirmed.")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(f"{new} is confirmed.")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Waiting for confirmation")).to_have_count(0)
    notice = inbox.wait_for_message(to=old)
    assert notice["Subject"] == "The email address of your account was changed"
    assert f"changed to {new}" in body(notice)


def test_optional_an_address_is_confirmed_through_the_mailed_links(
    page: Page, js, new_username, accounts_to_delete, smtp_inbox
):
    account = pages.Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    address = f"{account.username}@example.org"
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        sign_up_with_email(page, account, address)
        pages.expect_logged_in(page, account.username)  # "optional": signed in at once
        banner = email_banner(page)
        expect(banner).to_contain_text(f"Please confirm your email address {address}")
        banner.get_by_role("button", name="Send the link again").click()
        expect(message(page, f"We sent a new link to {address}")).to_be_visible()
        expect(banner).to_contain_text(address)

    pages.confirm_email(page, link_mailed_to(smtp_inbox, address))
    expect(message(page, f"Your email address {address} is confirmed.")).to_be_visible()
    expect(email_banner(page)).to_be_empty()
    pages.expect_logged_in(page, account.username)

    change_address(page, account, address, f"new-{address}", smtp_inbox, js)


def test_mandatory_no_login_before_the_address_is_confirmed(
    page: Page, js, new_username, accounts_to_delete, smtp_inbox, settings
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.SUDO_MODE_TIMEOUT = -1  # the change asks for the password
    account = pages.Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    address = f"{account.username}@example.org"
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        sign_up_with_email(page, account, address)
        expect(heading(page)).to_have_text("Check your inbox")
        expect(page.get_by_role("main")).to_contain_text(f"We sent a link to {address}")
        pages.expect_logged_out(page)

        # The password is right, but the address is not confirmed yet.
        navbar(page).get_by_role("link", name="Log in").click()
        pages.fill_login(page, account.username, account.password)
        expect(heading(page)).to_have_text("Check your inbox")
        expect(message(page, "Confirm your email address to log in")).to_be_visible()
        pages.expect_logged_out(page)
        page.get_by_role("button", name="Send the link again").click()
        expect(message(page, f"We sent a new link to {address}")).to_be_visible()

    pages.confirm_email(page, link_mailed_to(smtp_inbox, address))
    expect(message(page, "You can log in now.")).to_be_visible()
    expect(heading(page)).to_have_text("Log in")
    pages.fill_login(page, address, account.password)  # the address logs in now
    pages.expect_logged_in(page, account.username)
    expect(email_banner(page)).to_be_empty()

    change_address(page, account, address, f"new-{address}", smtp_inbox, js)


def test_a_used_link_is_refused_in_the_browser(
    page: Page, new_username, accounts_to_delete, smtp_inbox
):
    account = pages.Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    address = f"{account.username}@example.org"
    page.goto("/articles/")
    sign_up_with_email(page, account, address)
    pages.expect_logged_in(page, account.username)
    link = link_mailed_to(smtp_inbox, address)
    pages.confirm_email(page, link)
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("This link can no longer be used")
    expect(page.get_by_role("button", name="Confirm this address")).to_have_count(0)
