import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accounts.tests.factories import make_user
from articles.models import Article
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_demo_login_and_articles_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo-password-2026")
    assert Article.objects.filter(author=demo).count() == 3
    assert "Demo login: username 'demo'" in capsys.readouterr().out


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
