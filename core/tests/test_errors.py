"""Error pages: a whole page for a browser, only the message for htmx (core/views.py)."""

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory
from django_htmx.middleware import HtmxDetails

from accounts.tests.factories import make_user
from articles.tests.factories import make_article
from core.views import server_error
from support.client import HX
from support.html import heading_of, texts_of, title_of

pytestmark = pytest.mark.django_db


class Unreachable:
    """Stands for what lives in the database when it is down: any use of it fails."""

    def __getattr__(self, name):
        raise OperationalError("the database is down")


def failed_request(error, headers=None):
    """What server_error() answers while `error` is being handled, for a request whose
    session and user cannot be loaded."""
    request = RequestFactory().get("/articles/", headers=headers or {})
    request.htmx = HtmxDetails(request)
    request.session = request.user = Unreachable()
    try:
        raise error
    except type(error):
        return server_error(request)


def test_an_unreachable_database_is_a_503_page_to_try_again_later():
    response = failed_request(OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<html" in response.text
    assert "Temporarily unavailable" in response.text


def test_any_other_failure_is_a_500_page():
    response = failed_request(ValueError("a bug"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    assert "Something went wrong on our side" in response.text


@pytest.mark.parametrize(("error", "status"), [(OperationalError("down"), 503), (KeyError(), 500)])
def test_htmx_gets_only_the_message_of_a_server_error(error, status):
    response = failed_request(error, headers=HX)
    assert response.status_code == status
    assert response.text.startswith("<div")
    assert 'role="alert"' in response.text
    assert "<html" not in response.text
    assert 'id="navbar"' not in response.text  # no out-of-band parts: they need the session


@pytest.mark.parametrize("headers", [{}, HX])
def test_a_missing_page_is_a_404_page_or_its_message(client, headers):
    response = client.get("/no-such-page/", headers=headers)
    assert response.status_code == 404
    assert "There is nothing here" in response.text
    assert ("<html" in response.text) == (not headers)


def test_every_response_varies_on_hx_request(client):
    urls = ["/articles/", "/accounts/login/", "/no-such-page/", "/accounts/update/"]
    for url in urls:
        for headers in ({}, HX):
            response = client.get(url, headers=headers)
            assert "HX-Request" in response["Vary"], (url, headers)


# What each refusal says, word for word


@pytest.mark.parametrize(
    ("status", "title", "explanation"),
    [
        (403, "Not allowed", "You are not allowed to do that."),
        (404, "Not found", "There is nothing here. It may have been deleted."),
    ],
)
def test_refusal_pages_say_what_happened(client, status, title, explanation):
    article = make_article()
    client.force_login(make_user())
    url = f"/articles/{article.pk}/update/" if status == 403 else "/articles/999999/"
    page = client.get(url)
    fragment = client.get(url, headers=HX)

    assert (page.status_code, fragment.status_code) == (status, status)
    assert title_of(page.text) == f"{title} · Board"
    assert heading_of(page.text) == title
    assert str(status) in page.text
    assert texts_of(page.text, "alert") == [explanation]
    assert texts_of(fragment.text, "alert") == [explanation]
    assert 'id="navbar"' not in fragment.text  # it goes into the messages area, alone


def test_an_expired_form_says_to_reload_and_that_nothing_changed():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    response = client.post("/accounts/sessions/sign-out-others/")
    assert response.status_code == 403
    assert heading_of(response.text) == "Please try again"
    assert texts_of(response.text, "alert") == [
        "This form had expired. Reload the page and submit it again; nothing was changed."
    ]


def test_server_errors_say_what_happened_and_what_to_do():
    down = failed_request(OperationalError("down"))
    bug = failed_request(KeyError())
    assert title_of(down.text) == "Temporarily unavailable · Board"
    assert texts_of(down.text, "alert") == [
        "We cannot reach our database at the moment, so this was not done. "
        "Please try again in a minute."
    ]
    assert "503" in down.text
    assert title_of(bug.text) == "Something went wrong on our side · Board"
    assert texts_of(bug.text, "alert") == [
        "Nothing you typed has been lost from the page: go back and try again in a moment."
    ]
    assert "500" in bug.text
