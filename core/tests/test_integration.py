"""Every page of every app as a browser and as htmx gets it: full page or fragment, and the
in-place changes of the login state."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts.tests.factories import PASSWORD, make_user
from articles.tests.factories import make_article
from support.client import HX, logged_in_client
from support.html import menu_name

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def page_urls(article):
    return {
        "/articles/": "articles/index.html",
        f"/articles/{article.pk}/": "articles/detail.html",
        "/articles/create/": "articles/form.html",
        f"/articles/{article.pk}/update/": "articles/form.html",
        "/accounts/update/": "accounts/update.html",
        "/accounts/password/": "accounts/change_password.html",
        "/accounts/delete/": "accounts/delete.html",
    }


def test_every_page_is_a_full_page_without_hx_request():
    article = make_article()
    client = logged_in_client(article.author)
    for url, template in page_urls(article).items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert template in [t.name for t in response.templates], url
        assert response.content.startswith(b"<!doctype html>"), url
        assert "HX-Request" in response["Vary"], url


def test_every_page_answers_htmx_with_its_content_fragment_title_and_oob_navbar():
    article = make_article()
    client = logged_in_client(article.author)
    for url in page_urls(article):
        response = client.get(url, headers=HX)
        content = response.content.decode()
        assert response.status_code == 200, url
        assert "<html" not in content, url
        assert "<main" not in content, url
        assert content.startswith("<title>"), url
        assert '<nav id="navbar"' in content, url
        assert 'hx-swap-oob="true"' in content, url
        assert '<div id="messages"' in content, url
        assert 'hx-swap-oob="innerHTML"' in content, url
        assert "HX-Request" in response["Vary"], url


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_anonymous_pages_answer_htmx_with_a_fragment(client, url):
    response = client.get(url, headers=HX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'data-auth-state="anonymous"' in response.content


def test_boosted_and_history_restore_requests_get_the_full_page(client):
    make_article()
    for headers in (
        {**HX, "HX-Boosted": "true"},
        {**HX, "HX-History-Restore-Request": "true"},
        {"HX-History-Restore-Request": "true"},
    ):
        response = client.get("/articles/", headers=headers)
        assert response.content.startswith(b"<!doctype html>"), headers


def test_pagination_answers_htmx_with_the_list_of_that_page(client):
    author = make_user()
    for i in range(21):
        make_article(author=author, title=f"Numbered {i:02d}")
    response = client.get("/articles/?page=2", headers=HX)
    content = response.content.decode()
    assert "<title>Articles · page 2 · Board</title>" in content
    assert "Numbered 00" in content
    assert "Numbered 20" not in content
    assert 'hx-get="/articles/?page=1"' in content
    assert 'hx-push-url="true"' in content


def test_fragment_title_is_escaped(client):
    article = make_article(title="<b>bold</b> & co")
    content = client.get(article.get_absolute_url(), headers=HX).content.decode()
    assert content.startswith("<title>&lt;b&gt;bold&lt;/b&gt; &amp; co · Board</title>")


# Forms in place


def test_invalid_form_answers_htmx_with_only_the_form_and_422():
    client = logged_in_client(make_user())
    response = client.post("/articles/create/", {"title": "", "content": ""}, headers=HX)
    content = response.content.decode()
    assert response.status_code == 422
    assert content.lstrip().startswith("<form")
    assert "<h1" not in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_title_error"' in content
    assert 'id="id_title_error"' in content


def test_valid_form_answers_htmx_with_hx_location_into_main():
    client = logged_in_client(make_user())
    response = client.post("/articles/create/", {"title": "T", "content": "C"}, headers=HX)
    assert response.status_code == 200
    location = json.loads(response["HX-Location"])
    assert location["path"].startswith("/articles/")
    assert location["target"] == "#main"
    assert "HX-Request" in response["Vary"]


def test_profile_update_answers_in_place_with_its_message():
    user = make_user()
    client = logged_in_client(user)
    response = client.post("/accounts/update/", {"first_name": "Ada"}, headers=HX)
    assert json.loads(response["HX-Location"])["path"] == "/accounts/update/"
    follow = client.get("/accounts/update/", headers=HX).content.decode()
    assert "Your profile has been saved." in follow
    assert 'value="Ada"' in follow


def test_password_change_answers_in_place_and_stays_logged_in():
    user = make_user()
    client = logged_in_client(user)
    new = "a-new-Passphrase-77"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    response = client.post("/accounts/password/", data, headers=HX)
    assert json.loads(response["HX-Location"])["path"] == "/accounts/password/"
    follow = client.get("/accounts/password/", headers=HX).content.decode()
    assert "Your password has been changed." in follow
    assert 'data-auth-state="authenticated"' in follow


# Auth changes swap the navbar


def test_login_in_place_then_the_fragment_brings_the_authenticated_navbar(client):
    user = make_user("ada")
    data = {"username": "ada", "password": PASSWORD, "next": "/articles/create/"}
    response = client.post("/accounts/login/", data, headers=HX)
    assert response.status_code == 200
    assert json.loads(response["HX-Location"]) == {"path": "/articles/create/", "target": "#main"}
    assert client.session[SESSION_KEY] == str(user.pk)
    follow = client.get("/articles/create/", headers=HX).content.decode()
    assert 'data-auth-state="authenticated"' in follow
    assert menu_name(follow) == "ada"
    assert "Welcome back, ada." in follow


def test_logout_in_place_then_the_fragment_brings_the_anonymous_navbar():
    client = logged_in_client(make_user())
    response = client.post("/accounts/logout/", headers=HX)
    assert json.loads(response["HX-Location"])["path"] == "/articles/"
    follow = client.get("/articles/", headers=HX).content.decode()
    assert 'data-auth-state="anonymous"' in follow
    assert "You have been logged out." in follow


def test_signup_in_place_logs_in_and_swaps_the_navbar(client):
    data = {
        "username": "newbie",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
    }
    response = client.post("/accounts/signup/", data, headers=HX)
    assert json.loads(response["HX-Location"])["path"] == "/articles/"
    follow = client.get("/articles/", headers=HX).content.decode()
    assert menu_name(follow) == "newbie"


def test_account_deletion_in_place_swaps_to_the_anonymous_navbar():
    client = logged_in_client(make_user())
    response = client.post("/accounts/delete/", {"password": PASSWORD}, headers=HX)
    assert json.loads(response["HX-Location"])["path"] == "/articles/"
    follow = client.get("/articles/", headers=HX).content.decode()
    assert 'data-auth-state="anonymous"' in follow
    assert "Your account and all your articles have been deleted." in follow


def test_wrong_login_answers_in_place_with_the_error(client):
    make_user("ada")
    response = client.post("/accounts/login/", {"username": "ada", "password": "x"}, headers=HX)
    assert response.status_code == 422
    assert b'role="alert"' in response.content
    assert b"The username or email and the password do not match an account" in response.content


# Login required for HTMX


def test_htmx_get_to_a_protected_page_gets_hx_redirect_not_302(client):
    response = client.get("/articles/create/", headers=HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/create/"
    assert "HX-Request" in response["Vary"]


def test_non_htmx_request_keeps_the_normal_redirect(client):
    response = client.get("/articles/create/")
    assert response.status_code == 302
    assert "HX-Redirect" not in response


def test_htmx_post_uses_the_current_url_as_next(client):
    article = make_article()
    headers = {**HX, "HX-Current-URL": "http://testserver/articles/?page=3"}
    response = client.post(f"/articles/{article.pk}/delete/", headers=headers)
    assert response["HX-Redirect"] == "/accounts/login/?next=/articles/%3Fpage%3D3"
    assert article.__class__.objects.filter(pk=article.pk).exists()


def test_htmx_post_ignores_an_off_site_current_url(client):
    article = make_article()
    headers = {**HX, "HX-Current-URL": "https://example.com/articles/"}
    response = client.post(f"/articles/{article.pk}/delete/", headers=headers)
    assert response["HX-Redirect"] == f"/accounts/login/?next=/articles/{article.pk}/"


# Errors


def test_htmx_refusal_answers_with_a_message_for_the_flash_area():
    article = make_article()
    client = logged_in_client(make_user())
    response = client.post(f"/articles/{article.pk}/delete/", headers=HX)
    assert response.status_code == 403
    # Only the message, an alert for the messages area: no page around it.
    assert response.content.decode().strip().startswith("<div")
    assert 'role="alert"' in response.text
    assert "<html" not in response.text
    assert "You are not allowed to do that." in response.text


def test_full_page_refusal_is_a_page():
    article = make_article()
    response = logged_in_client(make_user()).get(f"/articles/{article.pk}/update/")
    assert response.status_code == 403
    assert b"<!doctype html>" in response.content


def test_htmx_missing_article_answers_with_a_message(client):
    response = client.get("/articles/999/", headers=HX)
    assert response.status_code == 404
    assert b"<html" not in response.content


# CSRF across in-place login and logout


def csrf_cookie(client):
    return client.cookies["csrftoken"].value


def test_csrf_token_from_the_cookie_stays_valid_across_in_place_login_and_logout():
    make_user("ada")
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    before_login = csrf_cookie(client)
    data = {"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": before_login}
    assert client.post("/accounts/login/", data, headers=HX).status_code == 200
    after_login = csrf_cookie(client)
    assert after_login != before_login  # Django rotated it: a token kept in the page is stale

    stale = {"title": "T", "content": "C", "csrfmiddlewaretoken": before_login}
    assert client.post("/articles/create/", stale, headers=HX).status_code == 403

    # What static/js/app.js sends: the current cookie, as header and as form field.
    fresh = {**HX, "X-CSRFToken": after_login}
    data = {"title": "T", "content": "C", "csrfmiddlewaretoken": after_login}
    response = client.post("/articles/create/", data, headers=fresh)
    assert "HX-Location" in response
    pk = json.loads(response["HX-Location"])["path"].split("/")[2]
    assert "HX-Location" in client.post(f"/articles/{pk}/delete/", headers=fresh)

    assert "HX-Location" in client.post("/accounts/logout/", headers=fresh)
    after_logout = csrf_cookie(client)
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": PASSWORD},
        headers={**HX, "X-CSRFToken": after_logout},
    )
    assert "HX-Location" in response


# Templates stay ready for a strict Content-Security-Policy


def test_templates_have_no_inline_script_handlers_or_styles():
    offences = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        checks = {
            "inline <script>": re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text),
            "hx-on": re.search(r"\bhx-on", text),
            "style=": re.search(r"\sstyle=", text),
            "on*= handler": re.search(r"\son[a-z]+=", text),
            "<style>": re.search(r"<style", text),
        }
        offences += [f"{path.name}: {what}" for what, found in checks.items() if found]
    assert offences == []


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_new_account_pages_answer_htmx_with_fragments(client):
    for url in ("/accounts/password/reset/", "/accounts/password/reset/sent/"):
        response = client.get(url, headers=HX)
        assert response.status_code == 200, url
        assert response.content.startswith(b"<title>"), url
    client.force_login(make_user())
    response = client.get("/accounts/sessions/", headers=HX)
    assert response.content.startswith(b"<title>Your sessions")
    assert b"This device" in response.content
