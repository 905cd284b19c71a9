"""Deny by default: every page needs a login unless it is marked public."""

from urllib.parse import unquote

import pytest

from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_access_is_deny_by_default(client):
    pk = make_article().pk
    public = ["/articles/", f"/articles/{pk}/", "/accounts/login/", "/accounts/signup/"]
    protected = [
        "/accounts/update/",
        "/accounts/password/",
        "/accounts/delete/",
        "/articles/create/",
        f"/articles/{pk}/update/",
    ]
    for url in public:
        assert client.get(url).status_code == 200, url
    for url in protected:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"/accounts/login/?next={url}", url


# Where the login sends people back (core.middleware.LoginRequiredMiddleware.next_for)


def login_next(response):
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    return unquote(response.url.split("?next=", 1)[1])


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_page_read_while_logged_out_is_where_the_login_returns(client, method):
    url = "/accounts/sessions/?view=all"
    # The page came from elsewhere, but the page asked for is what the user wants.
    response = getattr(client, method)(url, headers={"Referer": "http://testserver/articles/"})
    assert login_next(response) == url


@pytest.mark.parametrize(
    ("referer", "back_to"),
    [
        ("http://testserver/articles/", "/articles/"),
        ("http://testserver/articles/?page=2", "/articles/?page=2"),
        ("/articles/7/", "/articles/7/"),
    ],
)
def test_a_post_while_logged_out_returns_to_the_page_it_came_from(client, referer, back_to):
    response = client.post("/accounts/sessions/sign-out-others/", headers={"Referer": referer})
    assert login_next(response) == back_to


def test_a_post_from_elsewhere_returns_to_the_page_its_view_names(client):
    article = make_article()
    response = client.post(
        f"/articles/{article.pk}/delete/", headers={"Referer": "https://evil.example/x"}
    )
    assert login_next(response) == f"/articles/{article.pk}/"


def test_a_secure_request_does_not_return_to_a_plain_http_page(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    article = make_article()
    https = {"headers": {"X-Forwarded-Proto": "https"}, "SERVER_PORT": "443"}
    came_from = {"Referer": "https://testserver/articles/"}
    response = client.post(f"/articles/{article.pk}/delete/", **https)
    assert login_next(response) == f"/articles/{article.pk}/"
    https["headers"] |= came_from
    assert login_next(client.post(f"/articles/{article.pk}/delete/", **https)) == "/articles/"
    https["headers"]["Referer"] = "http://testserver/articles/"
    response = client.post(f"/articles/{article.pk}/delete/", **https)
    assert login_next(response) == f"/articles/{article.pk}/"


def test_htmx_returns_to_the_page_it_is_on(client):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://testserver/articles/?page=3"}
    response = client.post("/accounts/sessions/sign-out-others/", headers=headers)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/%3Fpage%3D3"


def test_public_pages_seen_anonymously_are_not_marked_private(client):
    for url in ("/articles/", "/no-such-page/"):
        assert "private" not in client.get(url).get("Cache-Control", ""), url
