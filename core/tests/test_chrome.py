"""The navbar and the footer, rendered once per language and login state
(core/templatetags/chrome.py): each response still carries its own user's name, its own
CSRF token and its own address."""

import re

import pytest
from django.test import Client

from accounts.tests.factories import make_user
from support.client import HX, logged_in_client
from support.html import menu_name

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def navbar_of(html):
    return re.search(r'<nav id="navbar".*?</nav>', html, re.S)[0]


def test_each_member_is_greeted_by_their_own_name_escaped():
    for name in ("ada", "Tom&Jerry<b>", "바다"):
        html = navbar_of(logged_in_client(make_user(name)).get("/articles/").text)
        escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert menu_name(html) == escaped
    assert "<b>" not in html


def test_the_logout_form_carries_this_browsers_own_token():
    user = make_user()
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(user)
    tokens = [TOKEN.search(navbar_of(b.get("/articles/").text))[1] for b in browsers]
    assert tokens[0] != tokens[1]
    # One browser's token is refused in the other, and works in its own.
    refused = browsers[0].post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})
    assert refused.status_code == 403
    accepted = browsers[1].post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[1]})
    assert accepted.status_code == 302
    assert browsers[1].get("/accounts/update/").status_code == 302  # signed out
    assert browsers[0].get("/accounts/update/").status_code == 200


def test_the_navbar_follows_the_language_and_the_login_state():
    member = logged_in_client(make_user("ada"))
    korean = navbar_of(member.get("/articles/", headers={"Accept-Language": "ko"}).text)
    english = navbar_of(member.get("/articles/", headers={"Accept-Language": "en"}).text)
    visitor = navbar_of(Client().get("/articles/", headers={"Accept-Language": "ko"}).text)
    assert "로그아웃" in korean
    assert "Log out" not in korean
    assert "Log out" in english
    assert "로그인" in visitor
    assert "ada" not in visitor
    assert "csrfmiddlewaretoken" not in visitor


def test_an_htmx_fragment_swaps_the_members_navbar_out_of_band():
    html = logged_in_client(make_user("ada")).get("/articles/", headers=HX).text
    navbar = navbar_of(html)
    assert 'hx-swap-oob="true"' in navbar
    assert menu_name(navbar) == "ada"


def test_the_language_links_return_to_this_address_with_its_query():
    html = Client().get("/articles/?page=1&x=%C3%A9 y").text  # the space is sent as %20
    assert 'href="/language/ko/?next=/articles/%3Fpage%3D1%26x%3D%25C3%25A9%2520y"' in html


def test_a_new_secret_key_leaves_no_placeholder_behind(settings):
    assert 'href="/language/ko/?next=/articles/"' in Client().get("/articles/").text
    settings.SECRET_KEY = "another-secret-key-" + "s" * 40  # a rotated key
    html = Client().get("/articles/").text
    assert 'href="/language/ko/?next=/articles/"' in html


def test_the_theme_is_set_by_a_blocking_script_before_the_stylesheets():
    html = Client().get("/articles/").text
    head = html[: html.index("</head>")]
    script = re.search(r'<script src="/static/js/theme\.js"([^>]*)>', head)
    assert script
    assert "defer" not in script[1]
    assert "async" not in script[1]
    assert re.search(r'nonce="[^"]+"', script[1])  # allowed by the strict CSP
    assert head.index("theme.js") < head.index("bootstrap")
    # The switch in the footer stays hidden until that script shows it.
    assert re.search(r"<div data-theme-switch hidden>", html)


def meta(html, attribute, name):
    found = re.search(rf'<meta {attribute}="{name}" content="([^"]*)">', html)
    return found[1] if found else None


@pytest.mark.django_db
def test_an_article_describes_itself_to_search_engines_and_link_previews():
    from articles.tests.factories import make_article

    text = 'Tom & Jerry said "<b>hi</b>". ' + "word " * 60
    article = make_article(title="Cats & mice", content=text)
    html = Client().get(article.get_absolute_url()).text
    description = meta(html, "name", "description")
    assert description.startswith("Tom &amp; Jerry said &quot;&lt;b&gt;hi&lt;/b&gt;&quot;. word")
    assert (
        len(
            description.replace("&amp;", "&")
            .replace("&quot;", '"')
            .replace("&lt;", "<")
            .replace("&gt;", ">")
        )
        <= 160
    )
    assert meta(html, "property", "og:description") == description
    assert meta(html, "property", "og:title") == "Cats &amp; mice"
    assert meta(html, "property", "og:type") == "article"
    assert meta(html, "property", "og:site_name") == "Board"


@pytest.mark.django_db
def test_other_pages_have_the_sites_description_in_their_language():
    html = Client().get("/articles/").text
    assert meta(html, "name", "description") == "Articles by our members, in English and Korean."
    assert meta(html, "property", "og:title") == "Articles"
    assert meta(html, "property", "og:type") == "website"
    korean = Client().get("/articles/", headers={"Accept-Language": "ko"}).text
    assert meta(korean, "property", "og:locale") == "ko_KR"
