from playwright.sync_api import Page, expect

PASSWORD = "plum-harbour-lantern-42"


def log_in(page: Page, username, password):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def test_member_signs_up_writes_edits_and_deletes_account(page: Page, js, new_username):
    username = new_username()
    title = f"Notes from {username}"
    navbar = page.get_by_role("navigation", name="Main")

    page.goto("/articles/")
    if js:
        # A full page load would start a new window object and lose this.
        page.evaluate("window.__noReload = true")

    # Sign up: logged in at once.
    navbar.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(navbar).to_contain_text(f"Hello, {username}")
    expect(page).to_have_url("/articles/")

    # Write an article.
    page.get_by_role("link", name="Write an article").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Content").fill("First paragraph.\n\nSecond paragraph.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Second paragraph.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="published")).to_be_visible()

    # Log out.
    navbar.get_by_role("button", name="Log out").click()
    expect(navbar.get_by_role("link", name="Log in")).to_be_visible()
    expect(navbar).not_to_contain_text("Hello")

    # Log in again and edit the article.
    log_in(page, username, PASSWORD)
    expect(navbar).to_contain_text(f"Hello, {username}")
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Title")).to_have_value(title)
    page.get_by_label("Title").fill(f"{title} (revised)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{title} (revised)")

    # Delete the account: signed out, and the article went with it.
    navbar.get_by_role("link", name="Delete account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("status").filter(has_text="account")).to_contain_text("deleted")
    expect(navbar.get_by_role("link", name="Log in")).to_be_visible()
    expect(navbar).not_to_contain_text("Hello")
    expect(page.get_by_role("heading", level=1)).to_have_text("Articles")
    expect(page.get_by_role("link", name=title)).to_have_count(0)

    # The account is gone: logging in with it is refused.
    log_in(page, username, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(navbar.get_by_role("link", name="Log in")).to_be_visible()

    if js:
        assert page.evaluate("window.__noReload") is True, "a step reloaded the whole page"
