"""Passkeys in the browser: adding one in Settings, signing in with it from the login page
without a username, renaming and removing it after a question.

With JavaScript, Chromium's virtual authenticator (DevTools protocol) plays the passkey:
a platform authenticator that keeps discoverable credentials and verifies the user.
Without JavaScript no passkey can be made or used, so the buttons are not shown; a
passkey made directly in the database is still listed, renamed and removed.
"""

import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import PASSWORD, heading, navbar
from support.smtp import body

VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def add_virtual_authenticator(page: Page):
    """A passkey provider for this page, as a phone or laptop would have; returns the
    DevTools session and the authenticator's id, to read the credentials it keeps."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
    return cdp, added["authenticatorId"]


# Chromium's virtual authenticator answers a request by itself, even one waiting for the
# member to pick a passkey in the username field's autofill: to press the button first,
# the page is made to believe that the browser has no such autofill.
WITHOUT_AUTOFILL = """
if (window.PublicKeyCredential) {
  PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
}
"""

# Browsers before WebAuthn's JSON helpers: passkeys.js then encodes base64url itself.
WITHOUT_JSON_HELPERS = """
if (window.PublicKeyCredential) {
  delete PublicKeyCredential.parseCreationOptionsFromJSON;
  delete PublicKeyCredential.parseRequestOptionsFromJSON;
  delete PublicKeyCredential.prototype.toJSON;
}
"""

# A stand-in for an autofill request waiting for the member to pick a passkey: it ends
# only when the page aborts it.
AUTOFILL_THAT_WAITS = """
const realGet = navigator.credentials.get.bind(navigator.credentials);
navigator.credentials.get = (options) => options.mediation !== "conditional"
  ? realGet(options)
  : new Promise((resolve, reject) => options.signal.addEventListener(
      "abort", () => reject(new DOMException("Aborted", "AbortError"))));
"""


def open_passkeys(page: Page):
    pages.open_settings(page)
    pages.settings_nav(page).get_by_role("link", name="Passkeys", exact=True).click()
    expect(heading(page)).to_have_text("Passkeys")


def passkey_list(page: Page):
    return page.get_by_role("list", name="Your passkeys").get_by_role("listitem")


def add_passkey(page: Page, name, password):
    """On the passkeys page: name a new passkey and let the browser make it."""
    page.get_by_label("Passkey name").fill(name)
    page.get_by_role("button", name="Add a passkey").click()
    create = page.get_by_role("button", name="Create the passkey")
    prompt = page.get_by_role("heading", name="Confirm your password")
    expect(create.or_(prompt)).to_be_visible()
    if prompt.is_visible():  # the password was not entered lately
        page.get_by_label("Your password").fill(password)
        page.get_by_role("button", name="Confirm and continue").click()
    expect(create).to_be_focused()
    create.click()
    expect(pages.message(page, f"The passkey “{name}” has been added.")).to_be_visible()


def signed_up(page: Page, new_username, accounts_to_delete):
    account = pages.Account(new_username(), PASSWORD)
    accounts_to_delete.append(account)
    page.goto("/articles/")
    pages.sign_up(page, account.username, account.password)
    return account


def rename_and_remove(page: Page, js, old, new):
    """Rename the passkey `old` to `new`, then remove it, answering the question."""
    with pages.no_full_reload(page, js):
        # Cancel puts the line back as it was (with JavaScript, the focus on Rename).
        page.get_by_role("link", name=f"Rename {old}").click()
        expect(page.get_by_label("New name")).to_be_focused()
        page.get_by_role("link", name="Cancel").click()
        expect(page.get_by_role("link", name=f"Rename {old}")).to_be_visible()
        if js:
            expect(page.get_by_role("link", name=f"Rename {old}")).to_be_focused()

        page.get_by_role("link", name=f"Rename {old}").click()
        page.get_by_label("New name").fill(new)
        page.get_by_role("button", name="Save the name").click()
        expect(pages.message(page, "The passkey has been renamed.")).to_be_visible()
        expect(passkey_list(page)).to_have_count(1)
        expect(passkey_list(page)).to_contain_text(new)

        # Asked first (in place with JavaScript, a page of its own without), Cancel focused.
        page.get_by_role("link", name=f"Remove {new}").click()
        question = f"Remove the passkey “{new}”? You will no longer be able to sign in with it."
        expect(page.get_by_text(question)).to_be_visible()
        cancel = page.get_by_role("link", name="Cancel")
        expect(cancel).to_be_focused()
        if js:
            expect(heading(page)).to_have_text("Passkeys")
        else:
            expect(heading(page)).to_have_text("Remove a passkey")
        cancel.click()
        expect(page.get_by_role("link", name=f"Remove {new}")).to_be_visible()
        if js:
            expect(page.get_by_role("link", name=f"Remove {new}")).to_be_focused()

        page.get_by_role("link", name=f"Remove {new}").click()
        page.get_by_role("form", name=question).get_by_role("button", name="Remove").click()
        expect(pages.message(page, f"The passkey “{new}” has been removed.")).to_be_visible()
        expect(page.get_by_text("You have no passkey yet.")).to_be_visible()


def test_a_member_adds_a_passkey_and_signs_in_with_it_without_a_username(
    page: Page, js, new_username, accounts_to_delete, smtp_inbox
):
    if not js:
        pytest.skip("a passkey is made and used through the browser's JavaScript API")
    page.add_init_script(WITHOUT_AUTOFILL)
    account, address = pages.signed_up_with_email(
        page, new_username, accounts_to_delete, smtp_inbox
    )
    cdp, authenticator_id = add_virtual_authenticator(page)

    open_passkeys(page)
    expect(page.get_by_text("You have no passkey yet.")).to_be_visible()
    expect(page.get_by_text("Adding a passkey needs JavaScript")).to_be_hidden()
    add_passkey(page, "Laptop", account.password)
    expect(passkey_list(page)).to_have_count(1)
    expect(passkey_list(page)).to_contain_text("Laptop")
    expect(passkey_list(page)).to_contain_text("Never")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    [credential] = credentials["credentials"]
    assert credential["isResidentCredential"]
    added = smtp_inbox.wait_for_mail(address, "A passkey was added to your account")
    assert "Laptop" in body(added)

    pages.log_out(page)
    navbar(page).get_by_role("link", name="Log in").click()
    expect(heading(page)).to_have_text("Log in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    pages.expect_logged_in(page, account.username)
    expect(pages.message(page, f"Welcome back, {account.username}.")).to_be_visible()

    open_passkeys(page)
    expect(passkey_list(page)).not_to_contain_text("Never")  # used just now
    rename_and_remove(page, js, "Laptop", "Work laptop")
    removed = smtp_inbox.wait_for_mail(address, "A passkey was removed from your account")
    assert "Work laptop" in body(removed)


def test_the_username_field_offers_the_passkey_in_its_autofill(
    page: Page, js, new_username, accounts_to_delete
):
    if not js:
        pytest.skip("a passkey is used through the browser's JavaScript API")
    account = signed_up(page, new_username, accounts_to_delete)
    add_virtual_authenticator(page)
    open_passkeys(page)
    add_passkey(page, "Laptop", account.password)
    pages.log_out(page)

    # The virtual authenticator picks the passkey offered in the autofill at once.
    page.goto("/accounts/login/?next=/articles/create/")
    pages.expect_logged_in(page, account.username)
    expect(heading(page)).to_have_text("Write an article")


def test_the_passkey_button_first_stops_the_request_waiting_in_the_autofill(
    page: Page, js, new_username, accounts_to_delete
):
    if not js:
        pytest.skip("a passkey is used through the browser's JavaScript API")
    page.add_init_script(AUTOFILL_THAT_WAITS)
    account = signed_up(page, new_username, accounts_to_delete)
    add_virtual_authenticator(page)
    open_passkeys(page)
    add_passkey(page, "Laptop", account.password)
    pages.log_out(page)
    options_requests = []
    page.on("request", lambda sent: options_requests.append(sent.url))

    page.goto("/accounts/login/")
    expect(page.locator("[data-passkey='login']")).to_have_attribute("data-autofill", "waiting")
    page.get_by_role("button", name="Sign in with a passkey").click()
    pages.expect_logged_in(page, account.username)
    asked = [url for url in options_requests if url.endswith("/passkeys/login/options/")]
    assert len(asked) == 2  # the autofill's, then the button's


def test_a_passkey_the_site_no_longer_knows_is_explained_on_the_login_page(
    page: Page, js, new_username, accounts_to_delete
):
    if not js:
        pytest.skip("a passkey is used through the browser's JavaScript API")
    # In a browser without WebAuthn's JSON helpers or the autofill, for a change.
    page.add_init_script(WITHOUT_AUTOFILL)
    page.add_init_script(WITHOUT_JSON_HELPERS)
    account = signed_up(page, new_username, accounts_to_delete)
    add_virtual_authenticator(page)
    open_passkeys(page)
    add_passkey(page, "Laptop", account.password)
    pages.log_out(page)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    pages.expect_logged_in(page, account.username)

    # Removed on the site but still kept by the device, which offers it.
    open_passkeys(page)
    page.get_by_role("link", name="Remove Laptop").click()
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(pages.message(page, "has been removed")).to_be_visible()
    pages.log_out(page)

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("This passkey is not registered here")
    pages.expect_logged_out(page)
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_enabled()


def test_with_two_factor_on_a_passkey_replaces_the_code(
    page: Page, js, base_url, new_username, accounts_to_delete
):
    if not js:
        pytest.skip("a passkey is used through the browser's JavaScript API")
    if base_url:
        pytest.skip("turns two-factor sign-in on in the live server's database")
    page.add_init_script(WITHOUT_AUTOFILL)
    account = signed_up(page, new_username, accounts_to_delete)
    add_virtual_authenticator(page)
    open_passkeys(page)
    add_passkey(page, "Laptop", account.password)
    turn_on_two_factor(account.username)
    pages.log_out(page)

    # The passkey verified the member (the virtual authenticator's "fingerprint"): it
    # counts as both factors, no code is asked.
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    pages.expect_logged_in(page, account.username)
    pages.log_out(page)

    # After the password, the passkey can be the second step instead of a code.
    navbar(page).get_by_role("link", name="Log in").click()
    pages.fill_login(page, account.username, account.password)
    expect(heading(page)).to_have_text("Two-factor sign-in")
    page.get_by_role("button", name="Use a passkey instead").click()
    pages.expect_logged_in(page, account.username)


def test_passkeys_are_listed_renamed_and_removed_with_and_without_javascript(
    page: Page, js, base_url, new_username, accounts_to_delete, make_passkey
):
    if base_url:
        pytest.skip("makes a passkey in the live server's database")
    account = signed_up(page, new_username, accounts_to_delete)
    make_passkey(account.username, "Phone")

    open_passkeys(page)
    expect(passkey_list(page)).to_have_count(1)
    expect(passkey_list(page)).to_contain_text("Phone")
    add = page.get_by_role("button", name="Add a passkey")
    note = page.get_by_text("Adding a passkey needs JavaScript")
    if js:
        expect(add).to_be_visible()
        expect(note).to_be_hidden()
    else:
        expect(add).to_be_hidden()
        expect(note).to_be_visible()
    rename_and_remove(page, js, "Phone", "Old phone")

    pages.log_out(page)
    navbar(page).get_by_role("link", name="Log in").click()
    passkey_button = page.get_by_role("button", name="Sign in with a passkey")
    if js:
        expect(passkey_button).to_be_visible()
    else:
        expect(passkey_button).to_be_hidden()
    pages.fill_login(page, account.username, account.password)  # the password still works
    pages.expect_logged_in(page, account.username)


def turn_on_two_factor(username):
    """An authenticator app for the member, straight in the live server's database."""
    import pyotp
    from django.contrib.auth import get_user_model

    from accounts.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    TOTPDevice.objects.create(user=user, secret=pyotp.random_base32())
