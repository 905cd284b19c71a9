"""Dark mode: the system's choice until the reader picks one, kept in the browser, set
before the page is painted, and accessible in both themes (axe)."""

import pytest
from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import heading

# Records the theme the moment <body> starts: what the first paint would show.
RECORD_THEME_AT_FIRST_PAINT = """
new MutationObserver((changes, observer) => {
  if (!document.body) return;
  window.__themeAtBody = document.documentElement.getAttribute('data-bs-theme');
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def theme_switch(page: Page):
    return page.get_by_role("group", name="Theme")


def test_the_theme_follows_the_system_until_one_is_chosen(page: Page, js):
    page.emulate_media(color_scheme="dark")
    page.goto("/articles/")
    html = page.locator("html")
    if not js:
        # Without JavaScript: Bootstrap's light theme, and no switch that cannot work.
        expect(html).not_to_have_attribute("data-bs-theme", "dark")
        expect(theme_switch(page)).to_be_hidden()
        return
    expect(html).to_have_attribute("data-bs-theme", "dark")
    expect(theme_switch(page).get_by_role("button", name="System")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.emulate_media(color_scheme="light")  # the system changes while the page is open
    expect(html).to_have_attribute("data-bs-theme", "light")


def test_a_chosen_theme_is_kept_and_set_before_the_page_is_painted(page: Page, js):
    if not js:
        pytest.skip("the switch needs JavaScript")
    page.emulate_media(color_scheme="light")
    page.add_init_script(RECORD_THEME_AT_FIRST_PAINT)
    page.goto("/articles/")
    theme_switch(page).get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    expect(theme_switch(page).get_by_role("button", name="Dark")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Another page, loaded whole: dark from the start, whatever the system says.
    page.goto("/accounts/login/")
    assert page.evaluate("window.__themeAtBody") == "dark"
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    # And back to light against a dark system.
    page.emulate_media(color_scheme="dark")
    theme_switch(page).get_by_role("button", name="Light").click()
    page.reload()
    assert page.evaluate("window.__themeAtBody") == "light"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_are_accessible_in_both_themes(page: Page, js, user, scheme, assert_accessible):
    page.emulate_media(color_scheme=scheme)
    page.goto("/articles/")
    expect(heading(page)).to_have_text("Articles")
    assert_accessible(f"article list, {scheme}")
    page.goto("/accounts/signup/")
    assert_accessible(f"signup page, {scheme}")
    page.goto("/accounts/login/")
    pages.fill_login(page, user.username, "not-the-password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(f"login form with its error, {scheme}")
    pages.fill_login(page, user.username, user.password)
    pages.expect_logged_in(page, user.username)
    assert_accessible(f"article list, signed in, {scheme}")
    page.goto("/accounts/sessions/")
    expect(heading(page)).to_have_text("Your sessions")
    assert_accessible(f"sessions, {scheme}")
    page.goto("/articles/create/")
    assert_accessible(f"article form, {scheme}")
    pages.write_article(page, "Dark and light", "Edit and Delete buttons, outlined.")
    assert_accessible(f"own article with its buttons, {scheme}")
    page.goto("/articles/")
    assert_accessible(f"article list with delete buttons, {scheme}")
