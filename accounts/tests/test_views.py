import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import UserSession
from accounts.settings_area.forms import ConfirmPasswordForm
from accounts.tests.factories import PASSWORD, make_user, wait_for_mail
from articles.models import Article
from articles.tests.factories import make_article
from support.client import HX, logged_in_client
from support.html import menu_name

pytestmark = pytest.mark.django_db

User = get_user_model()
UNSAFE_NEXT = ["//example.com", "https://example.com", "javascript:alert(1)", "\\\\example.com"]
INDEX = "/articles/"


def signup_data(**extra):
    return {
        "username": "newbie",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
        **extra,
    }


# Signup


def test_signup_page_shows_the_form(client):
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    assert "accounts/signup.html" in [t.name for t in response.templates]
    assert b'name="password2"' in response.content


def test_signup_creates_the_user_and_logs_them_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response.url == INDEX
    user = User.objects.get(username="newbie")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_signup_follows_a_safe_next(client):
    response = client.post(reverse("accounts:signup"), signup_data(next="/articles/create/"))
    assert response.url == "/articles/create/"


@pytest.mark.parametrize("unsafe", UNSAFE_NEXT)
def test_signup_ignores_an_unsafe_next(client, unsafe):
    response = client.post(reverse("accounts:signup"), signup_data(next=unsafe))
    assert response.url == INDEX


def test_signup_with_mismatched_passwords_is_refused(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="something-else-9"))
    assert response.status_code == 422
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="newbie").exists()
    assert SESSION_KEY not in client.session


def test_signup_with_a_taken_username_is_refused(client):
    make_user("newbie")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 422
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username="newbie").count() == 1


def test_empty_signup_post_shows_errors_not_the_blank_page(client):
    response = client.post(reverse("accounts:signup"), {})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"username", "password1", "password2"}


def test_signup_redirects_a_logged_in_user_away():
    response = logged_in_client(make_user()).get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response.url == INDEX


# Login


def test_login_logs_the_user_in_and_goes_to_the_article_list(client):
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == INDEX
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_follows_a_safe_next(client):
    user = make_user()
    data = {"username": user.username, "password": PASSWORD, "next": "/articles/create/?x=1"}
    response = client.post(reverse("accounts:login"), data)
    assert response.url == "/articles/create/?x=1"


@pytest.mark.parametrize("unsafe", UNSAFE_NEXT)
def test_login_ignores_an_unsafe_next(client, unsafe):
    user = make_user()
    data = {"username": user.username, "password": PASSWORD, "next": unsafe}
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 302
    assert response.url == INDEX


@pytest.mark.parametrize("unsafe", UNSAFE_NEXT)
def test_login_page_does_not_carry_an_unsafe_next(client, unsafe):
    response = client.get(reverse("accounts:login"), {"next": unsafe})
    assert response.context["next_url"] == ""
    assert f'name="next" value="{unsafe}"' not in response.content.decode()


def test_login_page_carries_a_safe_next_into_the_form(client):
    response = client.get(reverse("accounts:login"), {"next": "/articles/create/"})
    assert b'<input type="hidden" name="next" value="/articles/create/">' in response.content


def test_login_with_a_wrong_password_is_refused(client):
    user = make_user()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "nope"}
    )
    assert response.status_code == 422
    assert b"The username or email and the password do not match an account" in response.content
    assert SESSION_KEY not in client.session


def test_login_of_an_inactive_user_is_refused(client):
    user = make_user(is_active=False)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 422
    assert SESSION_KEY not in client.session


def test_login_redirects_a_logged_in_user_away():
    response = logged_in_client(make_user()).get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response.url == INDEX


# Logout


def test_logout_by_get_is_refused():
    client = logged_in_client(make_user())
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert SESSION_KEY in client.session


def test_logout_deletes_the_session_row_and_the_cookie():
    user = make_user()
    client = logged_in_client(user)
    session_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == INDEX
    assert not UserSession.objects.filter(session_key=session_key).exists()
    cookie = response.cookies["sessionid"]
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_logout_when_already_anonymous_just_redirects(client):
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == INDEX


# Profile


def test_profile_page_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/update/"


def test_profile_update_saves_the_names_shown_for_the_user():
    user = make_user("ada")
    client = logged_in_client(user)
    data = {"first_name": "Ada", "last_name": "Lovelace"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    # The full name is shown where the username was: the menu and the user's articles.
    make_article(author=user, title="Notes")
    page = client.get(INDEX).text
    assert menu_name(page) == "Ada Lovelace"
    assert "by Ada Lovelace" in page
    assert "Signed in as <strong>ada</strong>" in page


def test_without_a_name_the_username_is_shown():
    user = make_user("plainname")
    make_article(author=user)
    page = logged_in_client(user).get(INDEX).text
    assert menu_name(page) == "plainname"
    assert "by plainname" in page


@pytest.mark.parametrize("view", ["accounts:profile", "accounts:email"])
def test_profile_and_email_forms_ignore_every_other_field(view):
    user = make_user("plain")
    client = logged_in_client(user)
    data = {
        "email": "a@example.org",
        "first_name": "A",
        "last_name": "B",
        "username": "root",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "password": "pbkdf2_sha256$1$x$y",
        "date_joined": "2000-01-01",
    }
    assert client.post(reverse(view), data).status_code == 302
    user.refresh_from_db()
    assert user.username == "plain"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.is_active
    assert user.check_password(PASSWORD)
    # Each form saves its own fields only.
    if view == "accounts:profile":
        assert (user.first_name, user.email) == ("A", "")
    else:
        assert (user.first_name, user.email) == ("", "a@example.org")


def test_email_change_saves_the_address():
    user = make_user()
    response = logged_in_client(user).post(reverse("accounts:email"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:email")
    user.refresh_from_db()
    assert user.email == "ada@example.org"


def test_an_invalid_email_is_refused():
    user = make_user(email="old@example.org")
    response = logged_in_client(user).post(reverse("accounts:email"), {"email": "not-an-email"})
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    user.refresh_from_db()
    assert user.email == "old@example.org"


# Password change


def password_data(new="a-new-Passphrase-77", old=PASSWORD):
    return {"old_password": old, "new_password1": new, "new_password2": new}


def test_password_change_keeps_this_session_and_ends_the_others():
    user = make_user()
    here, elsewhere = logged_in_client(user), logged_in_client(user)
    other_key = elsewhere.session.session_key
    response = here.post(reverse("accounts:change_password"), password_data())
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-Passphrase-77")
    assert here.get(reverse("accounts:profile")).status_code == 200
    assert not UserSession.objects.filter(session_key=other_key).exists()
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def test_password_change_leaves_other_users_sessions_alone():
    user, other = make_user(), make_user()
    other_client = logged_in_client(other)
    logged_in_client(user).post(reverse("accounts:change_password"), password_data())
    assert other_client.get(reverse("accounts:profile")).status_code == 200


def test_password_change_with_a_wrong_old_password_is_refused():
    user = make_user()
    client = logged_in_client(user)
    response = client.post(reverse("accounts:change_password"), password_data(old="wrong"))
    assert response.status_code == 422
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_login(client):
    response = client.post(reverse("accounts:change_password"), password_data())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


# Account deletion


def test_delete_page_says_what_will_be_removed():
    user = make_user()
    make_article(author=user)
    make_article(author=user)
    response = logged_in_client(user).get(reverse("accounts:danger_zone"))
    assert response.status_code == 200
    assert b"All your 2 articles will be deleted" in response.content


@pytest.mark.parametrize(
    ("count", "says"),
    [
        (0, "You have written no articles."),
        (1, "Your 1 article will be deleted with it."),
    ],
)
def test_delete_page_counts_the_articles_in_words_that_fit_the_number(count, says):
    user = make_user()
    for _ in range(count):
        make_article(author=user)
    html = logged_in_client(user).get(reverse("accounts:danger_zone")).text
    assert says in html
    assert " 0 articles" not in html


def test_delete_with_the_password_removes_user_articles_and_sessions():
    user = make_user()
    make_article(author=user)
    client, elsewhere = logged_in_client(user), logged_in_client(user)
    response = client.post(reverse("accounts:danger_zone"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == INDEX
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Article.objects.exists()
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert SESSION_KEY not in client.session
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def test_delete_with_a_wrong_password_deletes_nothing():
    user = make_user()
    make_article(author=user)
    response = logged_in_client(user).post(reverse("accounts:danger_zone"), {"password": "wrong"})
    assert response.status_code == 422
    assert b"That is not your password. Nothing was changed." in response.content
    assert User.objects.filter(pk=user.pk).exists()
    assert Article.objects.count() == 1


def test_delete_needs_login(client):
    user = make_user()
    response = client.post(reverse("accounts:danger_zone"), {"password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.filter(pk=user.pk).exists()


# Navbar


def test_navbar_for_anonymous_visitors(client):
    content = client.get(INDEX).content.decode()
    assert 'href="/accounts/login/"' in content
    assert 'href="/accounts/signup/"' in content
    assert "Log out" not in content


def test_navbar_for_logged_in_users():
    content = logged_in_client(make_user("ada")).get(INDEX).content.decode()
    assert menu_name(content) == "ada"
    navbar = re.search(r'<nav id="navbar".*?</nav>', content, re.S)[0]
    assert 'action="/accounts/logout/"' in navbar
    # One menu: Settings and Log out; account deletion is not one tap away.
    assert 'href="/accounts/update/"' in navbar
    assert 'href="/accounts/delete/"' not in navbar
    assert 'href="/accounts/login/"' not in navbar


def test_username_is_escaped_in_the_navbar():
    user = make_user("<b>x</b>")
    content = logged_in_client(user).get(INDEX).content.decode()
    assert "<b>x</b>" not in content
    assert "&lt;b&gt;x&lt;/b&gt;" in content


def test_a_wrong_password_is_refused_with_one_clear_error_and_never_echoed():
    request = RequestFactory().post("/accounts/delete/")
    request.user = make_user()
    form = ConfirmPasswordForm(request, data={"password": "not-the-password"})
    assert not form.is_valid()
    [error] = form.errors.as_data()["password"]
    assert error.code == "password_incorrect"
    assert error.messages == ["That is not your password. Nothing was changed."]
    assert "not-the-password" not in str(form["password"])


# Settings: one area with a navigation between its sections


SECTIONS = {
    "/accounts/update/": "Your profile",
    "/accounts/email/": "Your email address",
    "/accounts/password/": "Change your password",
    "/accounts/sessions/": "Your sessions",
    "/accounts/delete/": "Danger zone",
}


def settings_nav(html):
    return re.search(r'<nav id="settings-nav".*?</nav>', html, re.S)[0]


@pytest.mark.parametrize("url", SECTIONS)
def test_every_settings_section_shows_the_navigation_with_itself_as_current(url):
    html = logged_in_client(make_user()).get(url).text
    nav = settings_nav(html)
    for section in SECTIONS:
        assert f'href="{section}"' in nav
    assert re.findall(r'href="([^"]+)"[^>]*aria-current="page"', nav) == [url]
    assert f'<h1 class="h3 mb-1">{SECTIONS[url]}</h1>' in html


@pytest.mark.parametrize("url", SECTIONS)
def test_the_settings_navigation_swaps_only_the_panel_and_marks_the_new_section(url):
    headers = {**HX, "HX-Target": "settings-panel"}
    html = logged_in_client(make_user()).get(url, headers=headers).text
    assert html.startswith("<title>")  # the new section's title
    assert f">{SECTIONS[url]}</h1>" in html
    nav = settings_nav(html)
    assert 'hx-swap-oob="true"' in nav
    assert re.findall(r'href="([^"]+)"[^>]*aria-current="page"', nav) == [url]
    # Only the panel: the layout around it stays on the page.
    assert 'id="settings-panel"' not in html


def test_settings_leads_to_the_first_section():
    response = logged_in_client(make_user()).get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/update/"


def test_a_refused_settings_form_answers_with_the_form_even_from_the_panel():
    headers = {**HX, "HX-Target": "settings-panel"}
    response = logged_in_client(make_user()).post(
        "/accounts/email/", {"email": "x"}, headers=headers
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<form")


def test_signup_shows_every_error_at_once_without_javascript():
    data = {"username": "", "email": "bad", "password1": "123", "password2": "124"}
    response = Client().post(reverse("accounts:signup"), data)
    assert response.status_code == 422
    html = response.text
    for error in (
        "This field is required.",
        "Enter a valid email address.",
        "The two password fields didn\u2019t match.",
        "This password is too short.",
        "This password is entirely numeric.",
    ):
        assert error in html, error
    assert not get_user_model().objects.exists()


def test_the_reset_mail_is_sent_after_the_answer_like_the_notices(
    client, django_capture_on_commit_callbacks
):
    """So that how long the answer takes tells nothing about whether the address has an
    account: nothing is sent while the request is answered."""
    make_user("ada", email="ada@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        assert response.status_code == 302
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    [sent] = wait_for_mail(1)
    assert sent.to == ["ada@example.org"]
    assert "/accounts/password/reset/" in sent.body
