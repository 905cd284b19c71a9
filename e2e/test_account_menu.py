"""The account menu in the navbar (a <details>: it opens without JavaScript; with it,
Escape or a click elsewhere closes it), and a signed-in navbar that stays one row on a
phone."""

import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import heading, message, navbar

# The tallest a navbar of one row may be: the brand's line, a small button, the padding.
ONE_ROW_HEIGHT = 70
LONG_NAME = ("Maximiliana", "Bartholomew-Fitzgerald")


def test_account_menu_leads_to_settings_and_log_out(logged_in_page: Page, js, user):
    page = logged_in_page
    menu = pages.user_menu(page)
    settings_link = menu.get_by_role("link", name="Settings")
    log_out_button = menu.get_by_role("button", name="Log out")
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        # Closed, the menu is its button: the member's name.
        pages.expect_logged_in(page, user.username)
        expect(settings_link).to_be_hidden()
        expect(log_out_button).to_be_hidden()
        # The account's pages are no longer links of the navbar itself.
        for old_link in ("Profile", "Password", "Sessions", "Delete account"):
            expect(navbar(page).get_by_role("link", name=old_link)).to_have_count(0)
        expect(navbar(page)).not_to_contain_text("Hello")

        pages.open_user_menu(page)
        expect(menu.get_by_text(f"Signed in as {user.username}")).to_be_visible()
        expect(log_out_button).to_be_visible()
        settings_link.click()
        expect(page).to_have_url("/accounts/update/")
        expect(heading(page)).to_have_text("Your profile")
        expect(settings_link).to_be_hidden()  # closed on the new page

        pages.open_user_menu(page)
        if js:
            # Escape closes it from inside and gives the focus back to its button.
            page.keyboard.press("Tab")
            expect(settings_link).to_be_focused()
            page.keyboard.press("Escape")
            expect(settings_link).to_be_hidden()
            expect(pages.user_menu_button(page)).to_be_focused()
            # So does a click anywhere else.
            pages.open_user_menu(page)
            heading(page).click()
            expect(settings_link).to_be_hidden()
        else:
            # Its button closes it again, as it opened it.
            pages.user_menu_button(page).click()
            expect(settings_link).to_be_hidden()

        pages.log_out(page)
        expect(message(page, "You have been logged out.")).to_be_visible()


def expect_one_row_without_overflow(page: Page, width):
    """The navbar is a single row, and the page is no wider than the screen."""
    # Measured once the layout is settled: the navbar's own text is on the page.
    expect(navbar(page).get_by_role("link", name="Board")).to_be_visible()
    box = navbar(page).bounding_box()
    assert box["height"] <= ONE_ROW_HEIGHT, f"navbar {box['height']}px tall: more than one row"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide on a {width}px screen"


def expect_within_screen(locator, width):
    box = locator.bounding_box()
    left, right = box["x"], box["x"] + box["width"]
    assert left >= 0, f"{locator} starts {-left}px left of the screen"
    assert right <= width, f"{locator} ends at {right}px on a {width}px screen"


@pytest.mark.parametrize("width", [390, 360])
def test_navbar_is_one_row_on_a_phone(logged_in_page: Page, js, user, width):
    page = logged_in_page
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/articles/")
    pages.expect_logged_in(page, user.username)
    expect_one_row_without_overflow(page, width)
    # The brand stands for "Articles" on a phone.
    expect(navbar(page).get_by_role("link", name="Articles")).to_be_hidden()
    expect(navbar(page).get_by_role("link", name="Write")).to_be_visible()
    # The page was the list already: wait for the answer and its swap (the navbar is
    # replaced out of band), or the menu opened next would be replaced closed.
    with page.expect_response(lambda response: response.url.endswith("/articles/")):
        navbar(page).get_by_role("link", name="Board").click()
    expect(page.locator(pages.HTMX_IN_PROGRESS)).to_have_count(0)
    expect(heading(page)).to_have_text("Articles")

    # Open, the menu stays on the screen.
    pages.open_user_menu(page)
    expect_within_screen(pages.user_menu(page).get_by_role("list"), width)
    expect_one_row_without_overflow(page, width)

    # A long name is cut short in the menu's button rather than widening the navbar; the
    # settings fit the screen too.
    pages.open_settings(page)
    expect_one_row_without_overflow(page, width)
    page.get_by_label("First name").fill(LONG_NAME[0])
    page.get_by_label("Last name").fill(LONG_NAME[1])
    page.get_by_role("button", name="Save profile").click()
    expect(message(page, "Your profile has been saved.")).to_be_visible()
    pages.expect_logged_in(page, " ".join(LONG_NAME))
    expect_one_row_without_overflow(page, width)
    expect_within_screen(pages.user_menu_button(page), width)
    for section in ("Email", "Password", "Sessions", "Danger zone"):
        pages.settings_nav(page).get_by_role("link", name=section, exact=True).click()
        expect(heading(page)).to_have_text(pages.SETTINGS_HEADINGS[section])
        expect_one_row_without_overflow(page, width)

    # Logged out, the navbar (Log in, Sign up) is one row as well.
    pages.log_out(page)
    expect_one_row_without_overflow(page, width)
