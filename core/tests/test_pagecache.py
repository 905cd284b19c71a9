"""Shared pages from the cache (core/pagecache.py), for visitors and members: served again
without a query, never to the wrong person, never after what they show has changed, and
only at their canonical address (any other is rendered, not kept).

The changes retire copies when their transaction commits, so these tests let the
transactions commit (transaction=True) as a request in production does.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.tests.factories import PASSWORD, make_user
from articles.models import Article
from articles.tests.factories import make_article
from core import pagecache
from core.tests.helpers import keys_in_caches
from support.client import HX, logged_in_client
from support.html import menu_name, messages_of

pytestmark = pytest.mark.django_db(transaction=True)

NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE = True


def get(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_without_a_query_and_with_its_own_nonce():
    article = make_article(title="Cached once")
    for url in ("/articles/", article.get_absolute_url()):
        first, first_queries = get(Client(), url)
        second, second_queries = get(Client(), url)
        assert first_queries > 0
        assert second_queries == 0
        nonces = [NONCE.findall(r.text) for r in (first, second)]
        assert all(nonces)
        assert set(nonces[0]).isdisjoint(nonces[1])
        # Each response's scripts carry the nonce its own CSP header allows.
        for response, found in zip((first, second), nonces, strict=True):
            assert f"'nonce-{found[0]}'" in response.headers["Content-Security-Policy"]
            assert pagecache.placeholder("nonce") not in response.text
        assert NONCE.sub("", first.text) == NONCE.sub("", second.text)


def test_a_published_article_is_on_the_next_anonymous_visit_to_the_list():
    author = make_user()
    get(Client(), "/articles/")
    response = logged_in_client(author).post(
        "/articles/create/", {"title": "Fresh news", "content": "Just written."}
    )
    assert response.status_code == 302
    assert "Fresh news" in get(Client(), "/articles/")[0].text


def test_an_edited_or_deleted_article_is_never_shown_as_it_was():
    author = make_user()
    article = make_article(author=author, title="Before the edit")
    url = article.get_absolute_url()
    get(Client(), url), get(Client(), "/articles/")
    member = logged_in_client(author)
    member.post(f"/articles/{article.pk}/update/", {"title": "After the edit", "content": "New."})
    for page in (url, "/articles/"):
        html = get(Client(), page)[0].text
        assert "After the edit" in html
        assert "Before the edit" not in html
    member.post(f"/articles/{article.pk}/delete/")
    assert Client().get(url).status_code == 404
    assert "After the edit" not in get(Client(), "/articles/")[0].text


def test_a_renamed_author_is_shown_by_the_new_name():
    author = make_user(username="oldname")
    make_article(author=author)
    assert "by oldname" in get(Client(), "/articles/")[0].text
    author.username = "newname"
    author.save()
    html = get(Client(), "/articles/")[0].text
    assert "by newname" in html
    assert "by oldname" not in html


def test_a_login_or_a_signup_does_not_retire_the_copies():
    user = make_user()
    get(Client(), "/articles/")
    Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    get_user_model().objects.create_user("newcomer", password=PASSWORD)
    assert get(Client(), "/articles/")[1] == 0


def test_a_member_never_gets_the_anonymous_copy():
    member = make_user(username="member")
    get(Client(), "/articles/")
    html = get(logged_in_client(member), "/articles/")[0].text
    assert menu_name(html) == "member"
    assert 'data-auth-state="authenticated"' in html


def test_a_waiting_message_is_shown_to_its_visitor_and_kept_out_of_the_copy():
    user = make_user()
    get(Client(), "/articles/")
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    client.post("/accounts/logout/")  # "You have been logged out." waits for the next page
    assert "You have been logged out." in messages_of(get(client, "/articles/")[0].text)
    assert messages_of(get(Client(), "/articles/")[0].text) == []


def test_pages_fragments_and_languages_are_kept_apart():
    make_article(title="Apart")
    korean = {"Accept-Language": "ko"}
    for _ in range(2):  # filled, then served from the cache
        assert get(Client(), "/articles/")[0].text.startswith('<!doctype html>\n\n<html lang="en">')
        assert get(Client(), "/articles/", headers=HX)[0].text.startswith("<title>Articles ·")
        assert '<html lang="ko">' in get(Client(), "/articles/", headers=korean)[0].text


def test_each_page_of_the_list_is_its_own_copy():
    author = make_user()
    for i in range(25):
        make_article(author=author, title=f"Numbered {i:02d}")
    get(Client(), "/articles/")
    second, _ = get(Client(), "/articles/?page=2")
    assert "Numbered 00" in second.text  # the oldest, on page 2
    assert "Numbered 24" not in second.text
    assert get(Client(), "/articles/?page=2")[1] == 0


@pytest.mark.parametrize("query", ["?utm=1", "?page=2&x=1", "?page=abc", "?page=99999999"])
def test_made_up_addresses_are_answered_but_never_cached(query):
    make_article()
    get(Client(), f"/articles/{query}")
    assert get(Client(), f"/articles/{query}")[1] > 0


def kept_by(client, url, **kwargs):
    """Answer `url` twice: the second answer, and the keys the two added to the caches."""
    before = keys_in_caches()
    get(client, url, **kwargs)
    response, queries = get(client, url, **kwargs)
    return response, queries, keys_in_caches() - before


@pytest.fixture
def three_pages(settings):
    settings.ARTICLES_PER_PAGE = 1
    author = make_user()
    articles = [make_article(author=author, title=f"Numbered {i}") for i in range(3)]
    get(Client(), "/articles/")  # the content version and the count, kept
    return articles


@pytest.mark.parametrize("query", ["?page=1", "?page=2", "?page=3"])
def test_each_real_page_number_is_kept_once(three_pages, query):
    response, queries, added = kept_by(Client(), f"/articles/{query}")
    assert f"Page {query[-1]} of 3" in response.text
    assert (queries, added) == (0, 1)


@pytest.mark.parametrize(
    "query",
    [
        "?page=03",  # leading zeros
        "?page=\u0663",  # other digits that int() reads: Arabic-Indic three,
        "?page=\uff13",  # fullwidth three
        "?page=+3",
        "?page=0_3",
        "?page=1&page=3",  # the parameter twice
        "?page=3&page=3",
        "?page=3&utm=1",  # another parameter beside it
        "?utm=1&page=3",
    ],
)
def test_other_spellings_of_a_page_number_show_that_page_but_are_not_kept(three_pages, query):
    response, queries, added = kept_by(Client(), f"/articles/{query}")
    assert "Page 3 of 3" in response.text
    assert queries > 0
    assert added == 0


@pytest.mark.parametrize("number", ["4", "99999999", "9" * 50, "0"])
def test_a_page_number_past_the_end_shows_the_last_page_but_is_not_kept(three_pages, number):
    response, queries, added = kept_by(Client(), f"/articles/?page={number}")
    assert "Page 3 of 3" in response.text
    assert queries > 0
    assert added == 0


def test_members_pages_past_the_end_are_not_kept_either(three_pages):
    reader = logged_in_client(make_user())
    get(reader, "/articles/")  # (with Redis, their session and user are copied)
    response, queries, added = kept_by(reader, "/articles/?page=4")
    assert "Page 3 of 3" in response.text
    assert (queries > 0, added) == (True, 0)
    assert kept_by(reader, "/articles/?page=3")[2] == 1
    assert article_queries(reader, "/articles/?page=3") == []


@pytest.mark.parametrize("spelling", ["0{pk}", "000{pk}"])
def test_an_article_under_another_spelling_of_its_id_is_shown_but_not_kept(spelling):
    article = make_article(title="Spelled")
    url = f"/articles/{spelling.format(pk=article.pk)}/"
    response, queries, added = kept_by(Client(), url)
    assert "Spelled" in response.text
    assert (queries > 0, added) == (True, 0)


def test_an_article_with_a_query_string_is_shown_but_not_kept():
    article = make_article(title="Asked with a query")
    response, queries, added = kept_by(Client(), f"{article.get_absolute_url()}?page=1")
    assert "Asked with a query" in response.text
    assert (queries > 0, added) == (True, 0)


@pytest.mark.parametrize("target", ["article-list", "navbar", "x" * 5000, ""])
def test_a_fragment_for_a_target_our_templates_do_not_send_is_rendered_not_kept(target):
    make_article(title="Targeted")
    get(Client(), "/articles/")  # the count, kept
    headers = {**HX, "HX-Target": target}
    response, queries, added = kept_by(Client(), "/articles/", headers=headers)
    assert response.text.startswith("<title>Articles ·")
    assert "Targeted" in response.text
    assert response.headers["HX-Retarget"] == "#main"  # the list goes into #main anyway
    assert (queries > 0, added) == (True, 0)


def test_the_fragment_for_main_is_kept_for_the_list_an_article_and_the_forms():
    article = make_article(title="Kept")
    headers = {**HX, "HX-Target": "main"}
    for url in ("/articles/", article.get_absolute_url()):
        response, queries, added = kept_by(Client(), url, headers=headers)
        assert "Kept" in response.text
        assert (queries, added) == (0, 1 if url != "/articles/" else 2)  # + the count
    for url in ("/accounts/login/", "/accounts/signup/"):
        assert kept_by(Client(), url, headers=headers)[2] == 1


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
@pytest.mark.parametrize("query", ["?x=1", "?page=1", "?next=/articles/"])
def test_a_form_with_any_query_is_rendered_not_kept(url, query):
    response, _, added = kept_by(Client(), url + query)
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert added == 0


def test_page_copies_are_kept_apart_from_sessions_and_rate_limits(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    }
    make_article()
    get(logged_in_client(make_user()), "/articles/")
    get(Client(), "/accounts/login/")
    pages, main = caches["pages"], caches["default"]
    assert pages.get(pagecache.VERSION_KEY) is not None
    assert any(key.startswith(":1:pages:en:member:page:") for key in locmem_keys("b"))
    assert any(key.startswith(":1:pages:en:visitor:page:") for key in locmem_keys("b"))
    assert main.get(pagecache.VERSION_KEY) is None
    assert not [key for key in locmem_keys("a") if ":pages:" in key or ":counts:" in key]
    for cache in (pages, main):
        cache.clear()


def locmem_keys(location):
    from django.core.cache.backends.locmem import _caches

    return list(_caches.get(location, {}))


def test_pages_are_rendered_as_usual_while_the_cache_cannot_be_reached(
    unreachable_redis_settings,
):
    article = make_article(title="Still here")
    with override_settings(**unreachable_redis_settings):
        for _ in range(2):
            response, queries = get(Client(), article.get_absolute_url())
            assert "Still here" in response.text
            assert queries > 0
        # A change while the cache is down is logged, and the change itself is saved.
        article.title = "Changed meanwhile"
        article.save()
    assert Article.objects.get(pk=article.pk).title == "Changed meanwhile"


def test_with_a_cache_that_is_not_shared_nothing_is_cached(settings):
    settings.ANONYMOUS_PAGE_CACHE = False
    make_article()
    get(Client(), "/articles/")
    assert get(Client(), "/articles/")[1] > 0


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_a_cached_form_gets_a_working_token_of_its_own_in_each_response(url):
    make_user(username="returning")
    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    get(Client(), url)
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for visitor in visitors:
        response, queries = get(visitor, url)
        assert queries == 0
        [token] = TOKEN.findall(response.text)
        assert pagecache.placeholder("csrftoken") not in response.text
        assert "csrftoken" in response.cookies  # the cookie the token belongs to
        tokens.append(token)
    assert tokens[0] != tokens[1]
    # The token works: the login it carries goes through CSRF protection.
    response = visitors[0].post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": tokens[0], "username": "returning", "password": PASSWORD},
    )
    assert response.status_code == 302
    # Another visitor's token does not.
    response = visitors[1].post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": "x" * 64, "username": "returning", "password": PASSWORD},
    )
    assert response.status_code == 403


def test_a_form_with_a_next_is_rendered_not_cached():
    # (The login form asks no query either way: what is kept in the cache tells.)
    response, _ = get(Client(), "/accounts/login/?next=/articles/create/")
    assert 'name="next" value="/articles/create/"' in response.text
    # The version is first written with the first copy: nothing was kept.
    assert pagecache.cache.get(pagecache.VERSION_KEY) is None
    get(Client(), "/accounts/login/")
    assert pagecache.cache.get(pagecache.VERSION_KEY) is not None


def test_reading_pages_carry_no_token_and_set_no_cookie_for_anonymous_visitors():
    article = make_article()
    for url in ("/articles/", article.get_absolute_url()):
        response, _ = get(Client(), url)
        assert "csrfmiddlewaretoken" not in response.text
        assert not response.cookies


def article_queries(client, url, **kwargs):
    """The SQL of the queries that a page asked of the articles table."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **kwargs).status_code == 200
    return [q["sql"] for q in queries if '"articles_article"' in q["sql"]]


def test_a_members_list_counts_the_articles_once_per_change(settings):
    member = make_user()
    for _ in range(20):
        make_article(author=member)
    client = logged_in_client(member)
    assert any("COUNT(" in sql for sql in article_queries(client, "/articles/"))
    # Their own articles are on the page (with delete buttons): its rows are read, but
    # the count comes from the cache.
    assert [sql for sql in article_queries(client, "/articles/") if "COUNT(" in sql] == []
    assert "Page 1 of" not in get(client, "/articles/")[0].text  # 20 fit on one page
    client.post("/articles/create/", {"title": "The 21st", "content": "One too many."})
    assert "Page 1 of 2" in get(client, "/articles/")[0].text
    client.post(f"/articles/{Article.objects.get(title='The 21st').pk}/delete/")
    assert "Page 1 of" not in get(client, "/articles/")[0].text


def test_members_share_the_list_except_where_they_wrote_an_article(settings):
    writer, reader, other_reader = make_user(), make_user(), make_user()
    for i in range(3):
        make_article(author=writer, title=f"Shared {i}")
    assert article_queries(logged_in_client(reader), "/articles/")  # counted, read, kept
    assert article_queries(logged_in_client(other_reader), "/articles/") == []
    html = get(logged_in_client(other_reader), "/articles/")[0]
    assert "Shared 2" in html.text
    assert menu_name(html.text) == other_reader.username  # their own navbar
    assert ">Delete<span" not in html.text
    # The writer gets their delete buttons, never the readers' copy.
    own = get(logged_in_client(writer), "/articles/")[0].text
    assert own.count(">Delete<span") == 3
    # With htmx too, and after a change the readers see it.
    logged_in_client(writer).post("/articles/create/", {"title": "Shared 3", "content": "."})
    fragment = get(logged_in_client(other_reader), "/articles/", headers=HX)[0].text
    assert "Shared 3" in fragment
    assert ">Delete<span" not in fragment


def test_members_get_the_page_they_asked_for_from_the_shared_copies(settings):
    settings.ARTICLES_PER_PAGE = 2
    writer = make_user()
    for i in range(5):
        make_article(author=writer, title=f"Numbered {i}")
    reader = logged_in_client(make_user())
    expected = {
        "1": ("Page 1 of 3", "Numbered 4"),
        "2": ("Page 2 of 3", "Numbered 2"),
        "3": ("Page 3 of 3", "Numbered 0"),
        "99": ("Page 3 of 3", "Numbered 0"),  # past the end: the last page
        "x": ("Page 1 of 3", "Numbered 4"),  # not a number: the first page
    }
    for _ in ("kept", "from the copy"):
        for number, (label, title) in expected.items():
            html = get(reader, f"/articles/?page={number}")[0].text
            assert label in html, number
            assert title in html, number
    assert article_queries(reader, "/articles/?page=2") == []


def test_an_article_is_served_to_members_from_one_copy_and_rendered_for_its_author():
    writer, reader, other_reader = make_user(), make_user(), make_user()
    article = make_article(author=writer, title="One copy")
    url = article.get_absolute_url()
    assert article_queries(logged_in_client(reader), url)  # rendered and kept
    assert article_queries(logged_in_client(other_reader), url) == []
    html = get(logged_in_client(other_reader), url)[0].text
    assert "One copy" in html
    assert menu_name(html) == other_reader.username
    assert f"/articles/{article.pk}/update/" not in html
    # Its author is never handed the readers' copy: their edit and delete buttons.
    own = get(logged_in_client(writer), url)[0].text
    assert f"/articles/{article.pk}/update/" in own
    assert menu_name(own) == writer.username


def test_a_members_page_from_the_copy_has_a_logout_form_with_their_own_working_token():
    make_article(title="Shared")
    TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    get(logged_in_client(make_user()), "/articles/")  # kept
    members = []
    for user in (make_user(), make_user()):
        client = logged_in_client(user, enforce_csrf_checks=True)
        response, _ = get(client, "/articles/")
        for name in ("username", "csrftoken", "nonce"):
            assert pagecache.placeholder(name) not in response.text
        [token] = TOKEN.findall(response.text)
        members.append((client, token))
    assert members[0][1] != members[1][1]
    client, token = members[0]
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in client.session
    other, _ = members[1]
    assert other.post("/accounts/logout/", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_members_and_anonymous_visitors_never_share_a_copy():
    make_article(title="Apart")
    member = make_user()
    get(Client(), "/articles/")
    get(logged_in_client(member), "/articles/")
    for _ in range(2):
        assert 'data-auth-state="anonymous"' in get(Client(), "/articles/")[0].text
        html = get(logged_in_client(member), "/articles/")[0].text
        assert 'data-auth-state="authenticated"' in html
        assert menu_name(html) == member.username


def test_each_member_gets_their_own_time_zone_in_the_shared_copy():
    make_article(title="Zones")
    members = []
    for zone in ("Asia/Seoul", "", "America/New_York"):
        member = make_user()
        member.time_zone = zone
        member.save()
        members.append(member)
    get(logged_in_client(make_user()), "/articles/")  # kept
    for member in members:
        client = logged_in_client(member)
        assert article_queries(client, "/articles/") == []  # from the copy
        html = get(client, "/articles/")[0].text
        assert f'data-time-zone="{member.time_zone}"' in html
        assert pagecache.placeholder("time_zone") not in html
