"""Keyboard only: the main journeys with Tab, Shift+Tab, Enter and Space, never a click.

`tab_to` presses Tab (or Shift+Tab) until an element has the focus, so every step also
proves that the element can be reached in the tab order. With JavaScript, htmx swaps
content in place and static/js/app.js moves the focus where the user's attention should
go: to the new h1 after a swap into #main, to the first invalid field (or the form's
alert) after a refused submission. Without JavaScript each step is a page load, which
puts the focus back at the start of the document (or on a field marked `autofocus`), so
those checks are JS only.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.pages import (
    PASSWORD,
    expect_logged_in,
    heading,
    message,
    navbar,
    settings_nav,
    user_menu,
    user_menu_button,
)

# More than any page here has stops in its tab order: reaching the limit means the
# element cannot be reached with the keyboard at all.
MAX_TABS = 40

# Where the focus is, relative to a target element: one round trip per key press.
FOCUS = r"""(target) => {
  const focused = document.activeElement;
  const name = (focused.getAttribute("aria-label") || focused.innerText || focused.name || "")
    .replace(/\s+/g, " ").trim().slice(0, 40);
  return {
    reached: focused === target,
    past: Boolean(target.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING),
    where: focused === document.body ? "the document"
      : `${focused.tagName.toLowerCase()}${focused.id ? "#" + focused.id : ""}`
        + (name ? ` "${name}"` : ""),
  };
}"""


def tab_to(page: Page, target: Locator):
    """Press Tab until `target` has the focus: Shift+Tab if the focus is already past it.

    (The tab order here is the document order: no positive tabindex anywhere.)
    """
    focus = target.evaluate(FOCUS)
    key = "Shift+Tab" if focus["past"] else "Tab"
    visited = []
    while not focus["reached"]:
        if len(visited) == MAX_TABS:
            pytest.fail(f"{key} never reached {target}; the focus went to: {', '.join(visited)}")
        page.keyboard.press(key)
        focus = target.evaluate(FOCUS)
        visited.append(focus["where"])


def expect_page(page: Page, js, title):
    """The page titled `title` is shown; with JS (a swap into #main) its h1 has the focus."""
    expect(heading(page)).to_have_text(title)
    if js:
        expect(heading(page)).to_be_focused()


def sign_up(page: Page, js, username):
    tab_to(page, navbar(page).get_by_role("link", name="Sign up"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Create your account")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_label("Password confirmation"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect_logged_in(page, username)
    expect_page(page, js, "Articles")


def open_user_menu(page: Page):
    """Tab to the account menu's button and open the menu with Enter."""
    tab_to(page, user_menu_button(page))
    page.keyboard.press("Enter")
    expect(user_menu(page)).to_have_attribute("open", "")


def delete_account(page: Page, js):
    """The suite may run against a shared deployment: leave no account behind."""
    open_user_menu(page)
    tab_to(page, user_menu(page).get_by_role("link", name="Settings"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Your profile")
    tab_to(page, settings_nav(page).get_by_role("link", name="Danger zone"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Danger zone")
    tab_to(page, page.get_by_label("Your password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(message(page, "deleted")).to_be_visible()
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()
    expect_page(page, js, "Articles")


def test_skip_link_takes_the_focus_past_the_navbar_to_the_main_content(page: Page):
    page.goto("/articles/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_role("link", name="Write an article")).to_be_focused()


def test_visitor_signs_up_logs_out_and_logs_in_with_the_keyboard(page: Page, js, new_username):
    username = new_username()
    page.goto("/articles/")

    # Sign up, mistyping the confirmation first.
    tab_to(page, navbar(page).get_by_role("link", name="Sign up"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Create your account")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_label("Password confirmation"))
    page.keyboard.type(f"{PASSWORD}-typo")
    page.keyboard.press("Enter")

    confirmation = page.get_by_label("Password confirmation")
    expect(confirmation).to_have_attribute("aria-invalid", "true")
    if js:
        expect(confirmation).to_be_focused()
    # Both password fields come back empty. (With JS, Shift+Tab goes back to the first.)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    tab_to(page, confirmation)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect_logged_in(page, username)
    expect_page(page, js, "Articles")

    # Log out: in the account menu, opened with Enter; a button, pressed with Space.
    open_user_menu(page)
    if js:
        # Escape closes the menu again, with the focus back on its button.
        page.keyboard.press("Escape")
        expect(user_menu(page)).not_to_have_attribute("open", "")
        expect(user_menu_button(page)).to_be_focused()
        page.keyboard.press("Enter")
        expect(user_menu(page)).to_have_attribute("open", "")
    tab_to(page, user_menu(page).get_by_role("button", name="Log out"))
    page.keyboard.press("Space")
    expect(navbar(page).get_by_role("link", name="Log in")).to_be_visible()
    expect_page(page, js, "Articles")

    # Log in, mistyping the password first.
    tab_to(page, navbar(page).get_by_role("link", name="Log in"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Log in")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type("not-the-password")
    page.keyboard.press("Enter")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The username or email and the password do not match an account")
    if js:
        expect(alert).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value(username)
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect_logged_in(page, username)
    expect_page(page, js, "Articles")

    delete_account(page, js)


def test_member_writes_and_edits_an_article_with_the_keyboard(page: Page, js, new_username):
    username = new_username()
    title = f"Notes from {username}"
    page.goto("/articles/")
    sign_up(page, js, username)

    tab_to(page, page.get_by_role("main").get_by_role("link", name="Write an article"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Write an article")

    # Blank fields pass the browser's `required` check and are refused by the server.
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type(" ")
    tab_to(page, page.get_by_label("Content"))
    page.keyboard.type(" ")
    tab_to(page, page.get_by_role("button", name="Publish"))
    page.keyboard.press("Enter")
    title_field = page.get_by_label("Title")
    expect(title_field).to_have_attribute("aria-invalid", "true")
    if js:
        expect(title_field).to_be_focused()

    tab_to(page, title_field)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(title)
    tab_to(page, page.get_by_label("Content"))
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("First paragraph.\n\nSecond paragraph.")
    tab_to(page, page.get_by_role("button", name="Publish"))
    page.keyboard.press("Space")
    expect_page(page, js, title)
    expect(page.get_by_text("Second paragraph.")).to_be_visible()
    expect(message(page, "published")).to_be_visible()

    # Edit: Enter in the title field submits the form.
    tab_to(page, page.get_by_role("link", name="Edit"))
    page.keyboard.press("Enter")
    expect_page(page, js, "Edit article")
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(f"{title} (revised)")
    page.keyboard.press("Enter")
    expect_page(page, js, f"{title} (revised)")

    delete_account(page, js)
