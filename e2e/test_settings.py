"""The settings area: each section at its own address, reached through the settings
navigation (with JavaScript only the panel is swapped, and the focus goes to its
heading)."""

import re

from playwright.sync_api import Page, expect

from e2e import pages
from e2e.pages import heading, settings_nav

# A section's link, its address, its h1 and its page title.
SECTIONS = [
    ("Profile", "/accounts/update/", "Your profile", "Your profile"),
    ("Email", "/accounts/email/", "Your email address", "Your email address"),
    ("Password", "/accounts/password/", "Change your password", "Change your password"),
    ("Sessions", "/accounts/sessions/", "Your sessions", "Your sessions"),
    ("Danger zone", "/accounts/delete/", "Danger zone", "Delete your account"),
]


def section_link(page: Page, name):
    return settings_nav(page).get_by_role("link", name=name, exact=True)


def expect_section(page: Page, js, section):
    name, path, h1, title = section
    expect(page).to_have_url(path)
    expect(heading(page)).to_have_text(h1)
    expect(page).to_have_title(re.compile(rf"^{re.escape(title)} · "))
    expect(section_link(page, name)).to_have_attribute("aria-current", "page")
    for other, *_ in SECTIONS:
        if other != name:
            expect(section_link(page, other)).not_to_have_attribute("aria-current", "page")
    if js:
        expect(heading(page)).to_be_focused()


def test_settings_start_with_the_profile(logged_in_page: Page):
    page = logged_in_page
    page.goto("/accounts/settings/")
    expect(page).to_have_url("/accounts/update/")
    expect(heading(page)).to_have_text("Your profile")
    expect(section_link(page, "Profile")).to_have_attribute("aria-current", "page")


def test_settings_navigation_moves_between_the_sections(logged_in_page: Page, js):
    page = logged_in_page
    page.goto("/articles/")
    with pages.no_full_reload(page, js):
        pages.open_settings(page)
        expect(page).to_have_url("/accounts/update/")
        for section in [*SECTIONS[1:], SECTIONS[0]]:
            section_link(page, section[0]).click()
            expect_section(page, js, section)

        # Back goes to the section before, Forward returns.
        page.go_back()
        expect(page).to_have_url(SECTIONS[-1][1])
        expect(heading(page)).to_have_text(SECTIONS[-1][2])
        expect(section_link(page, SECTIONS[-1][0])).to_have_attribute("aria-current", "page")
        page.go_forward()
        expect(page).to_have_url(SECTIONS[0][1])
        expect(heading(page)).to_have_text(SECTIONS[0][2])
        expect(section_link(page, SECTIONS[0][0])).to_have_attribute("aria-current", "page")
