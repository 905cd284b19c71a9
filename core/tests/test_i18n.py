"""The Korean translation: pages follow the browser or the chosen language, and the
committed catalog (locale/ko/LC_MESSAGES/django.po, compiled to django.mo) is complete."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from accounts.tests.factories import make_user
from articles.tests.factories import make_article
from support.html import heading_of

pytestmark = pytest.mark.django_db

KO = {"Accept-Language": "ko"}
PO_FILE = Path(settings.LOCALE_PATHS[0]) / "ko" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|</?\w+>")


@pytest.fixture(autouse=True)
def _english_afterwards():
    # LocaleMiddleware activates the request's language for the whole thread: put the
    # default back so that later tests do not run in Korean.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def page(response):
    assert response.status_code in (200, 422), response.status_code
    return response.content.decode()


def page_for(url, headers):
    return page(Client().get(url, headers=headers))


def client_with_cookie(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# Pages


def test_article_list_is_in_korean_with_accept_language():
    make_article(title="첫 번째 글")
    html = page_for("/articles/", KO)
    assert '<html lang="ko">' in html
    assert "<title>게시글 · 게시판</title>" in html
    assert heading_of(html) == "게시글"
    assert ">로그인</a>" in html  # the navbar's log-in link
    assert ">회원가입</a>" in html
    assert "글쓰기" in html
    assert "본문으로 건너뛰기" in html
    assert "Log in" not in html


def test_an_empty_article_list_says_so_in_korean():
    assert "아직 게시글이 없습니다. 첫 글을 작성해 보세요!" in page_for("/articles/", KO)


def test_a_regional_korean_browser_gets_korean():
    html = page_for("/articles/", {"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert '<html lang="ko">' in html


def test_login_page_is_in_korean():
    html = page_for("/accounts/login/", KO)
    assert '<html lang="ko">' in html
    assert heading_of(html) == "로그인"
    assert "사용자 이름 또는 이메일" in html
    assert "로그인 상태 유지" in html
    assert "비밀번호를 잊으셨나요?" in html
    assert "처음 오셨나요?" in html


def test_signup_page_is_in_korean():
    html = page_for("/accounts/signup/", KO)
    assert '<html lang="ko">' in html
    assert heading_of(html) == "계정 만들기"
    assert "<title>회원가입 · 게시판</title>" in html
    assert "선택 사항입니다. 비밀번호를 잊었을 때 재설정하는 데 쓰입니다." in html
    assert "이미 계정이 있으신가요?" in html
    assert "비밀번호 확인" in html  # Django's own label for password2


def test_the_language_cookie_is_enough():
    client = client_with_cookie("ko")
    html = page(client.get("/accounts/login/"))
    assert '<html lang="ko">' in html
    assert heading_of(html) == "로그인"


def test_a_failed_login_shows_its_errors_in_korean(client):
    make_user(username="ada")
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"}, headers=KO)
    assert response.status_code == 422
    assert "사용자 이름(또는 이메일)과 비밀번호가 일치하는 계정이 없습니다." in page(response)

    response = client.post("/accounts/login/", {}, headers=KO)
    assert response.status_code == 422
    assert "필수 항목입니다." in page(response)


def test_messages_from_views_are_in_korean(client):
    user = make_user(username="ada")
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": "correct-horse-battery-staple"},
        headers=KO,
        follow=True,
    )
    assert "ada님, 다시 오신 것을 환영합니다." in page(response)
    html = page(client.get("/accounts/delete/", headers=KO))
    assert "<strong>ada</strong> 계정이 영구적으로 삭제되고" in html
    assert "작성한 글이 없습니다." in html  # none: no "0 articles"
    make_article(author=user)
    make_article(author=user)
    assert "작성한 글 2개도 함께 삭제됩니다." in page(client.get("/accounts/delete/", headers=KO))


def test_the_password_reset_email_is_in_korean(client, mail_sent_at_once):
    make_user(username="ada", email="ada@example.org")
    client.post("/accounts/password/reset/", {"email": "ada@example.org"}, headers=KO)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("비밀번호 재설정")
    assert mail.outbox[0].body.startswith("ada님, 안녕하세요.")


def test_a_language_link_switches_the_language_for_following_requests(client):
    html = page(client.get("/articles/"))
    assert '<html lang="en">' in html
    # The footer links to the other language and returns here afterwards.
    assert 'href="/language/ko/?next=/articles/"' in html
    response = client.get("/language/ko/", {"next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ko"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"
    html = page(client.get("/accounts/login/"))
    assert '<html lang="ko">' in html
    assert heading_of(html) == "로그인"
    assert '<span class="fw-semibold" lang="ko" aria-current="true">한국어</span>' in html
    client.get("/language/en/", {"next": "/articles/"})
    assert '<html lang="en">' in page(client.get("/articles/"))


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_a_language_link_never_leaves_the_site(client, unsafe):
    response = client.get("/language/ko/", {"next": unsafe})
    assert response.status_code == 302
    assert response.url == "/articles/"


def test_a_language_link_refuses_an_unknown_language_and_a_post(client):
    assert client.get("/language/xx/").status_code == 404
    assert client.post("/language/ko/").status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_english_is_the_default(client):
    html = page(client.get("/articles/"))
    assert '<html lang="en">' in html
    assert heading_of(html) == "Articles"
    assert ">Log in</a>" in html
    assert "로그인" not in html
    assert heading_of(page(client.get("/accounts/login/"))) == "Log in"


def test_an_unsupported_language_falls_back_to_english():
    assert '<html lang="en">' in page_for("/articles/", {"Accept-Language": "fr"})


# The catalog


def parse_po(text):
    """The entries of a .po file as dicts: msgid, msgid_plural, msgstr, msgstr[N], flags."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, key = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += unquote(line)
            else:
                key, value = line.split(" ", 1)
                entry[key] = unquote(value)
        entries.append(entry)
    return entries


def unquote(quoted):
    """A .po string ("...", C escapes) is also a valid Python string literal."""
    assert quoted.startswith('"'), quoted
    return ast.literal_eval(quoted)


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def test_the_po_header_declares_korean(po_entries):
    header = po_entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: ko\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"]


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    entries = po_entries[1:]
    assert len(entries) > 100
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert translations(entry), entry["msgid"]
        assert all(value.strip() for value in translations(entry)), entry["msgid"]
        if "msgid_plural" in entry:  # Korean has a single form
            assert set(entry) - {"flags"} == {"msgid", "msgid_plural", "msgstr[0]"}


def test_translations_keep_placeholders_and_tags(po_entries):
    for entry in po_entries[1:]:
        expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for value in translations(entry):
            assert sorted(PLACEHOLDER.findall(value)) == expected, entry["msgid"]


def test_the_compiled_catalog_matches_the_po_file(po_entries):
    """Every translation in the .po is what Django serves, so the committed .mo is current."""
    assert MO_FILE.exists()
    with translation.override("ko"):
        for entry in po_entries[1:]:
            if "msgid_plural" in entry:
                for n in (1, 2):
                    served = translation.ngettext(entry["msgid"], entry["msgid_plural"], n)
                    assert served == entry["msgstr[0]"], entry["msgid"]
            else:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


def test_how_each_session_signed_in_is_said_in_korean():
    import pyotp

    from accounts.models import TOTPDevice
    from accounts.tests.factories import PASSWORD, make_user

    user = make_user("ada")
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    client = Client(headers={"Accept-Language": "ko"})
    client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    client.post("/accounts/login/two-factor/", {"code": pyotp.TOTP(secret).now()})
    page = client.get("/accounts/sessions/").text
    assert "<dd>비밀번호와 인증 코드</dd>" in page  # how this session signed in
