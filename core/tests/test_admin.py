"""The admin site: staff manage users and articles; nobody else gets in."""

import pytest

from accounts.tests.factories import make_user
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_admin_manages_users_and_articles(client):
    admin = make_user(is_staff=True, is_superuser=True)
    article = make_article(title="In the admin")
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    assert b"In the admin" in response.content
    assert client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200


def test_admin_refuses_non_staff(client):
    client.force_login(make_user())
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
