"""A draft posted after the session ended is kept and restored after login."""

import re

import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD, make_user
from articles.models import Article
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def owner_token(client, url):
    """The signed owner token from the form, as the browser would post it back."""
    content = client.get(url).content.decode()
    return re.search(r'name="draft_owner" value="([^"]+)"', content).group(1)


def log_in(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD, "next": next_url}
    return client.post("/accounts/login/", data)


def expire_session(client):
    client.cookies.pop("sessionid")


def test_draft_survives_an_expired_session_and_comes_back_after_login(client):
    user = make_user()
    client.force_login(user)
    token = owner_token(client, "/articles/create/")
    expire_session(client)

    data = {"title": "My draft", "content": "Long text", "draft_owner": token}
    response = client.post("/articles/create/", data)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/articles/create/"
    assert not Article.objects.exists()

    assert log_in(client, user, "/articles/create/").url == "/articles/create/"
    form = client.get("/articles/create/")
    assert form.context["form"]["title"].value() == "My draft"
    assert form.context["form"]["content"].value() == "Long text"
    assert b"Your unsaved draft has been restored." in form.content


def test_draft_is_kept_for_htmx_with_hx_redirect_to_the_form(client):
    user = make_user()
    client.force_login(user)
    token = owner_token(client, "/articles/create/")
    expire_session(client)
    data = {"title": "Draft", "content": "Text", "draft_owner": token}
    headers = {**HX, "HX-Current-URL": "http://testserver/articles/"}
    response = client.post("/articles/create/", data, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/create/"
    log_in(client, user)
    assert b"Draft" in client.get("/articles/create/", headers=HX).content


def test_draft_is_dropped_once_saved(client):
    user = make_user()
    client.force_login(user)
    token = owner_token(client, "/articles/create/")
    expire_session(client)
    client.post("/articles/create/", {"title": "D", "content": "C", "draft_owner": token})
    log_in(client, user)
    client.post("/articles/create/", {"title": "D", "content": "C"})
    assert Article.objects.count() == 1
    assert client.get("/articles/create/").context["form"]["title"].value() is None


def test_draft_is_never_shown_to_another_user(client):
    writer, other = make_user(), make_user()
    client.force_login(writer)
    token = owner_token(client, "/articles/create/")
    expire_session(client)
    client.post(
        "/articles/create/", {"title": "Secret", "content": "Private", "draft_owner": token}
    )
    log_in(client, other)
    response = client.get("/articles/create/")
    assert b"Secret" not in response.content
    assert b"Private" not in response.content


def test_draft_without_a_valid_owner_token_is_not_kept(client):
    data = {"title": "Anon", "content": "X", "draft_owner": "forged"}
    client.post("/articles/create/", data)
    assert "drafts" not in client.session


def test_edit_draft_is_restored_for_the_author(client):
    article = make_article(title="Before")
    url = f"/articles/{article.pk}/update/"
    client.force_login(article.author)
    token = owner_token(client, url)
    expire_session(client)
    response = client.post(url, {"title": "After", "content": "New", "draft_owner": token})
    assert response.url == f"/accounts/login/?next={url}"
    log_in(client, article.author)
    assert client.get(url).context["form"]["title"].value() == "After"
    article.refresh_from_db()
    assert article.title == "Before"


# Double submission


def test_a_double_submission_publishes_one_article():
    user = make_user()
    client = Client()
    client.force_login(user)
    form = client.get("/articles/create/").context["form"]
    key = str(form["submission_key"].value())
    data = {"title": "Once", "content": "C", "submission_key": key}
    first = client.post("/articles/create/", data)
    second = client.post("/articles/create/", data)
    assert Article.objects.count() == 1
    assert first.url == second.url == Article.objects.get().get_absolute_url()


def test_each_new_form_gets_a_new_submission_key():
    client = Client()
    client.force_login(make_user())
    keys = {str(client.get("/articles/create/").context["form"]["submission_key"].value())}
    keys.add(str(client.get("/articles/create/").context["form"]["submission_key"].value()))
    assert len(keys) == 2


# Delete in place


def test_htmx_delete_from_the_list_removes_only_the_row():
    article = make_article(title="Going")
    client = Client()
    client.force_login(article.author)
    headers = {**HX, "HX-Target": f"article-{article.pk}"}
    response = client.post(f"/articles/{article.pk}/delete/", headers=headers)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="article-{article.pk}"' not in content
    assert content.lstrip().startswith('<nav id="navbar"')  # nothing but the out-of-band parts
    assert "“Going” has been deleted." in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert not Article.objects.exists()


def test_htmx_delete_from_the_article_page_goes_to_the_list():
    article = make_article()
    client = Client()
    client.force_login(article.author)
    response = client.post(f"/articles/{article.pk}/delete/", headers=HX)
    assert response["HX-Location"] == '{"path": "/articles/", "target": "#main"}'


def test_list_rows_carry_an_in_place_delete_with_confirmation_for_the_author():
    article = make_article()
    client = Client()
    client.force_login(article.author)
    content = client.get("/articles/").content.decode()
    assert f'id="article-{article.pk}"' in content
    assert 'hx-target="closest li"' in content
    assert "hx-confirm=" in content
