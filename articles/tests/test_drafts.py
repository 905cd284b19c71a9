"""A draft posted after the session ended is kept and restored after login."""

import re

import pytest

from accounts.tests.factories import later, make_user
from articles.models import Article
from support.client import HX, log_in
from support.html import messages_of

pytestmark = pytest.mark.django_db


def owner_token(client, url):
    """The signed owner token from the form, as the browser would post it back."""
    content = client.get(url).content.decode()
    return re.search(r'name="draft_owner" value="([^"]+)"', content).group(1)


def signed_out_mid_form(client, user, url):
    """The owner token of the form at `url` that `user` opened, after their session
    ended: what a draft is saved with."""
    client.force_login(user)
    token = owner_token(client, url)
    expire_session(client)
    return token


def expire_session(client):
    client.cookies.pop("sessionid")


def test_draft_survives_an_expired_session_and_comes_back_after_login(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")

    data = {"title": "My draft", "content": "Long text", "draft_owner": token}
    response = client.post("/articles/create/", data)
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/articles/create/"
    assert not Article.objects.exists()

    assert log_in(client, user, next="/articles/create/").url == "/articles/create/"
    form = client.get("/articles/create/")
    assert form.context["form"]["title"].value() == "My draft"
    assert form.context["form"]["content"].value() == "Long text"
    assert b"Your unsaved draft has been restored." in form.content


def test_draft_is_kept_for_htmx_with_hx_redirect_to_the_form(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
    data = {"title": "Draft", "content": "Text", "draft_owner": token}
    headers = {**HX, "HX-Current-URL": "http://testserver/articles/"}
    response = client.post("/articles/create/", data, headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/create/"
    log_in(client, user)
    assert b"Draft" in client.get("/articles/create/", headers=HX).content


def test_draft_is_dropped_once_saved(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
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


def test_edit_draft_is_restored_for_the_author(authored):
    article, client = authored(title="Before")
    url = f"/articles/{article.pk}/update/"
    token = owner_token(client, url)
    expire_session(client)
    response = client.post(url, {"title": "After", "content": "New", "draft_owner": token})
    assert response.url == f"/accounts/login/?next={url}"
    log_in(client, article.author)
    assert client.get(url).context["form"]["title"].value() == "After"
    article.refresh_from_db()
    assert article.title == "Before"


def test_the_writer_is_told_the_draft_was_kept_and_then_restored(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
    client.post("/articles/create/", {"title": "D", "content": "C", "draft_owner": token})
    login_page = client.get("/accounts/login/?next=/articles/create/")
    assert messages_of(login_page.text) == ["Please log in again. What you wrote has been kept."]
    log_in(client, user)
    form = client.get("/articles/create/")
    assert messages_of(form.text)[-1] == "Your unsaved draft has been restored."


def test_a_post_without_a_valid_owner_token_is_not_said_to_be_kept(client):
    data = {"title": "Anon", "content": "X", "draft_owner": "forged"}
    client.post("/articles/create/", data, headers={"Referer": "http://testserver/articles/"})
    login_page = client.get("/accounts/login/")
    assert "What you wrote has been kept" not in login_page.text


def test_an_owner_token_older_than_a_month_keeps_no_draft(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
    with later(days=31):
        client.post("/articles/create/", {"title": "Old", "content": "C", "draft_owner": token})
        assert "drafts" not in client.session


def test_drafts_of_two_forms_are_both_kept(authored):
    article, client = authored(title="Before")
    edit_url = f"/articles/{article.pk}/update/"
    new_token, edit_token = owner_token(client, "/articles/create/"), owner_token(client, edit_url)
    expire_session(client)
    client.post("/articles/create/", {"title": "New", "content": "C", "draft_owner": new_token})
    client.post(edit_url, {"title": "After", "content": "C", "draft_owner": edit_token})
    log_in(client, article.author)
    assert client.get("/articles/create/").context["form"]["title"].value() == "New"
    assert client.get(edit_url).context["form"]["title"].value() == "After"


def test_a_draft_missing_a_field_restores_it_empty(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
    client.post("/articles/create/", {"title": "Only a title", "draft_owner": token})
    log_in(client, user)
    form = client.get("/articles/create/").context["form"]
    assert (form["title"].value(), form["content"].value()) == ("Only a title", "")


def test_a_submitted_form_is_never_overwritten_by_the_draft(client):
    user = make_user()
    token = signed_out_mid_form(client, user, "/articles/create/")
    client.post("/articles/create/", {"title": "Draft", "content": "C", "draft_owner": token})
    log_in(client, user)
    response = client.post("/articles/create/", {"title": "Typed now", "content": ""})
    assert response.status_code == 422
    assert response.context["form"]["title"].value() == "Typed now"
    assert "restored" not in " ".join(messages_of(response.text))
