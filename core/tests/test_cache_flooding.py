"""Filling the shared cache from outside, attacked over HTTP (a live server).

Redis holds the page copies (core/pagecache.py) beside sessions and rate-limit
counters: keys that an outsider could add without end would push those out, and the
limits would then let everyone through. Only the canonical address of a cached page
has a copy, and only a session that exists has one; every made-up variant is answered
as before but adds no key. Keys are counted in the caches the live server uses: Redis
(DBSIZE) with REDIS_URL, else the local-memory caches, which the live server shares with
the test (it runs in the test's process). Sessions and users are read through the cache
here even without Redis, so that the SQLite pass attacks those copies too.
"""

import concurrent.futures
import threading
import time
from collections import Counter
from http.cookiejar import DefaultCookiePolicy

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat

from accounts.tests.factories import make_user
from articles.models import Article
from articles.tests.factories import make_article
from core.tests.helpers import keys_in_caches
from support.visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

HX_MAIN = {"HX-Request": "true", "HX-Target": "main"}
# Digits that Python's int() reads as numbers: Arabic-Indic, Extended Arabic-Indic,
# Devanagari, Bengali, Thai, fullwidth, mathematical bold.
DIGIT_ZEROS = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE]


def in_script(number, zero):
    return "".join(chr(zero + int(digit)) for digit in str(number))


@pytest.fixture
def site(live_server, settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    settings.SESSION_CACHE_SECONDS = 600
    settings.USER_CACHE_SECONDS = 60
    settings.ARTICLES_PER_PAGE = 2
    author = make_user()
    articles = [make_article(author=author, title=f"Numbered {i}") for i in range(5)]
    return live_server.url, [article.pk for article in articles]


def canonical_addresses(pks):
    """Every address with a copy: the list's pages (5 articles, 2 a page: 3 pages), the
    articles, and the login and signup forms; each as a page and as the #main fragment."""
    paths = ["/articles/", "/articles/?page=1", "/articles/?page=2", "/articles/?page=3"]
    paths += [f"/articles/{pk}/" for pk in pks]
    paths += ["/accounts/login/", "/accounts/signup/"]
    return [(path, headers) for path in paths for headers in ({}, HX_MAIN)]


def test_canonical_addresses_are_kept_once_and_served_from_the_copy(site):
    url, pks = site
    visitor = Visitor()
    before = keys_in_caches()
    addresses = canonical_addresses(pks)
    for path, headers in addresses:
        assert visitor.get(url + path, headers=headers).status_code == 200
    # One copy each, and the list's count (the content version is there since the
    # articles were saved).
    assert keys_in_caches() - before == len(addresses) + 1
    for path, headers in addresses:
        assert visitor.get(url + path, headers=headers).status_code == 200
    assert keys_in_caches() - before == len(addresses) + 1
    # Changed behind the cache's back (an update sends no signal): the copies show the
    # titles as they were, so these pages came from the cache.
    Article.objects.update(title=Concat("title", Value(" (changed)")))
    for path, headers in addresses:
        if path.startswith("/articles/"):
            page = visitor.get(url + path, headers=headers).text
            assert "Numbered" in page
            assert "(changed)" not in page, path


@pytest.mark.parametrize("length", [8, 32, 40, 41, 1000, 4000])
def test_a_made_up_session_cookie_of_any_length_adds_no_key(site, length):
    url, _pks = site
    cookies = {"sessionid": "s" * length, "csrftoken": "a" * 32}
    visitor = Visitor()
    for path in ("/articles/", "/accounts/login/"):
        visitor.get(url + path)  # their copies, kept
    before = keys_in_caches()
    assert visitor.get(url + "/articles/", cookies=cookies).status_code == 200
    assert visitor.get(url + "/accounts/update/", cookies=cookies).status_code == 302
    logout = visitor.post(
        url + "/accounts/logout/", {"csrfmiddlewaretoken": "a" * 32}, cookies=cookies
    )
    assert logout.status_code == 302
    assert keys_in_caches() == before
    # A session that exists is copied, with its user, and the login counted against the
    # account (given back, but its key stays until its window ends): the keys are
    # counted where they are.
    member = Visitor()
    member.log_in(url, make_user().username)
    assert member.is_logged_in(url)
    assert keys_in_caches() - before == 3


def made_up_list_addresses(count):
    forms = [
        lambda i: f"?page=junk{i}&page=1",
        lambda i: f"?page={i}&page=2",
        lambda i: f"?page=0{i}",  # leading zeros
        lambda i: f"?page={10**9 + i}",  # far past the last page
        lambda i: f"?page={in_script(i, DIGIT_ZEROS[i % len(DIGIT_ZEROS)])}",  # e.g. U+0663
        lambda i: f"?page=+{i}",  # int() reads these too
        lambda i: f"?page={i}_0",
        lambda i: f"?page=2&utm_source={i}",
    ]
    return [(f"/articles/{forms[i % len(forms)](i)}", {}, {}, 200) for i in range(count)]


def made_up_article_addresses(count, pks):
    forms = [
        lambda i, pk: (f"/articles/{'0' * (1 + i // 20)}{pk}/", 200),  # leading zeros
        lambda i, pk: (f"/articles/{pk}/?v={i}", 200),
        lambda i, pk: (f"/articles/{pk}/?page={i}", 200),
        lambda i, pk: (f"/articles/{10**6 + i}/", 404),  # no such article
    ]
    variants = []
    for i in range(count):
        path, status = forms[i % len(forms)](i, pks[i % len(pks)])
        variants.append((path, {}, {}, status))
    return variants


def made_up_targets(count, pks):
    """htmx requests for the canonical pages, each naming a made-up target of any length."""
    paths = ["/articles/", f"/articles/{pks[0]}/", "/accounts/login/", "/accounts/signup/"]
    variants = []
    for i in range(count):
        target = f"t{i}-" + "x" * (i * 7 % 4000)
        headers = {"HX-Request": "true", "HX-Target": target}
        variants.append((paths[i % len(paths)], headers, {}, 200))
    return variants


def made_up_form_addresses(count):
    forms = [
        lambda i: f"?next=/articles/{i}/",
        lambda i: f"?x={i}",
        lambda i: f"?page={i}",
        lambda i: f"?next=/{'a' * (i % 2000)}&i={i}",
    ]
    paths = ["/accounts/login/", "/accounts/signup/"]
    return [(paths[i % 2] + forms[i % len(forms)](i), {}, {}, 200) for i in range(count)]


def made_up_sessions(count, pks):
    """Canonical pages, and logouts, with a made-up session cookie of any length."""
    paths = ["/articles/", f"/articles/{pks[0]}/", "/accounts/login/", "/accounts/signup/"]
    variants = []
    for i in range(count):
        cookies = {"sessionid": f"{i:08d}" + "s" * (i * 13 % 4000)}
        if i % 5 == 4:  # a logout, with a CSRF cookie and token of the visitor's own
            cookies["csrftoken"] = "a" * 32
            variants.append(("POST /accounts/logout/", {}, cookies, 302))
        else:
            variants.append((paths[i % len(paths)], {}, cookies, 200))
    return variants


def send_all(url, variants):
    """Send each variant (from clients that each have an address of their own and keep no
    cookie); the statuses they got, in order. Four at once on PostgreSQL; one at a time
    on SQLite, whose in-memory test database the live server's threads share through one
    connection, which cannot serve two requests at once."""
    local = threading.local()

    def send(variant):
        path, headers, cookies, _expected = variant
        if not hasattr(local, "visitor"):
            local.visitor = Visitor(source=f"127.0.0.{10 + threading.get_ident() % 200}")
            local.visitor.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        if path.startswith("POST "):
            data = {"csrfmiddlewaretoken": cookies["csrftoken"]}
            response = local.visitor.post(url + path[5:], data, headers=headers, cookies=cookies)
        else:
            response = local.visitor.get(url + path, headers=headers, cookies=cookies)
        return response.status_code

    clients = 1 if connection.vendor == "sqlite" else 4
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(send, variants))


# Where the copies are shared, and an attacker could fill them: Redis. (Each kind of
# variant is also tested in process on both passes: core/tests/test_pagecache.py.)
@pytest.mark.redis
@pytest.mark.slow
def test_ten_thousand_made_up_variants_add_no_key_to_the_cache(site):
    url, pks = site
    visitor = Visitor()
    for path, headers in canonical_addresses(pks):  # every copy there is, kept
        assert visitor.get(url + path, headers=headers).status_code == 200
    kinds = {
        "list addresses": made_up_list_addresses(2500),
        "article addresses": made_up_article_addresses(2000, pks),
        "fragment targets": made_up_targets(2000, pks),
        "form addresses": made_up_form_addresses(2000),
        "session cookies": made_up_sessions(1500, pks),
    }
    assert sum(len(variants) for variants in kinds.values()) == 10_000
    started = time.monotonic()
    added, wrong = {}, {}
    for kind, variants in kinds.items():
        before = keys_in_caches()
        statuses = send_all(url, variants)
        added[kind] = keys_in_caches() - before
        wrong[kind] = Counter(
            (status, expected)
            for status, (*_, expected) in zip(statuses, variants, strict=True)
            if status != expected
        )
    print(f"\n10,000 made-up variants in {time.monotonic() - started:.1f} s: keys added {added}")
    assert added == dict.fromkeys(kinds, 0)
    assert wrong == {kind: Counter() for kind in kinds}  # each answered as it should be
