"""What a person sees when the server cannot do what they asked, with htmx.

The outages themselves are real elsewhere (core/tests/test_scale_out.py stops the
database; test_production_server.py serves with an unreachable one, and without
JavaScript a 503 is a page of its own). Here the browser gets the app's own 503 answer,
or no answer at all, for one request, to show how the page takes it: the apology where
it can be seen, and the form still holding what was typed.
"""

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails
from playwright.sync_api import Page, expect

from core.views import server_error
from e2e.pages import PASSWORD

pytestmark = pytest.mark.usefixtures("js_only")

TYPED = "someone-who-typed-a-lot"


@pytest.fixture
def js_only(js, base_url):
    if not js:
        pytest.skip("without JavaScript a 503 is a full page: test_production_server.py")
    if base_url:
        pytest.skip("renders the app's 503 answer in this process: live server only")


def the_apps_answer_while_its_database_is_down():
    """What core.views.server_error answers an htmx request when the database is down."""
    request = RequestFactory().post("/accounts/signup/", headers={"HX-Request": "true"})
    request.htmx = HtmxDetails(request)
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    return response


def start_signing_up(page: Page):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(TYPED)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)


def expected_problems(page: Page, browser_problems, *fragments):
    """Take the problems this test caused on purpose off the list; any other still fails
    the test. One round trip first, so that every event has reached Python."""
    page.context.cookies()
    for fragment in fragments:
        matching = [p for p in browser_problems if fragment in p]
        assert matching, f"expected a browser problem with {fragment!r}: {browser_problems}"
        for problem in matching:
            browser_problems.remove(problem)


def test_a_503_shows_its_apology_in_view_and_keeps_the_form(page: Page, browser_problems):
    answer = the_apps_answer_while_its_database_is_down()
    start_signing_up(page)
    page.route(
        "**/accounts/signup/",
        lambda route: route.fulfill(
            status=503, body=answer.content, headers={"Content-Type": answer["Content-Type"]}
        ),
    )

    page.get_by_role("button", name="Sign up").click()

    apology = page.locator("#messages").get_by_role("alert")
    expect(apology).to_have_text(
        "We cannot reach our database at the moment, so this was not done. "
        "Please try again in a minute."
    )
    expect(apology).to_be_in_viewport()
    expect(page.get_by_label("Username")).to_have_value(TYPED)
    expect(page.get_by_role("button", name="Sign up")).to_be_enabled()
    expected_problems(page, browser_problems, "HTTP 503")


def test_no_answer_at_all_says_so_and_keeps_the_form(page: Page, browser_problems):
    start_signing_up(page)
    page.route("**/accounts/signup/", lambda route: route.abort("connectionrefused"))

    page.get_by_role("button", name="Sign up").click()

    expect(page.locator("#messages").get_by_role("alert")).to_have_text(
        "The server could not be reached. Check your connection and try again."
    )
    expect(page.get_by_label("Username")).to_have_value(TYPED)
    expected_problems(
        page, browser_problems, "ERR_CONNECTION_REFUSED", "htmx:sendError", "htmx:afterRequest"
    )
