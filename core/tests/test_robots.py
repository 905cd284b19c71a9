"""/robots.txt: the articles are open to crawlers, account pages and the admin are not."""

import pytest

pytestmark = pytest.mark.django_db


def test_robots_txt_keeps_crawlers_out_of_accounts_admin_and_language_links(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text.splitlines() == [
        "User-agent: *",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /language/",
    ]


def test_robots_txt_needs_no_login_and_answers_only_get(client):
    assert client.get("/robots.txt").status_code == 200  # anonymous
    assert client.post("/robots.txt").status_code == 405
