import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from accounts.forms import ConfirmPasswordForm
from accounts.models import UserSession
from accounts.tests.factories import PASSWORD, make_user
from articles.models import Article
from articles.tests.factories import make_article
from core.tests.helpers import logged_in_client

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
    assert client.get(reverse("accounts:update")).status_code == 302


def test_logout_when_already_anonymous_just_redirects(client):
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == INDEX


# Profile


def test_profile_page_needs_login(client):
    response = client.get(reverse("accounts:update"))
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/update/"


def test_profile_update_saves_email_and_names():
    user = make_user()
    client = logged_in_client(user)
    data = {"email": "ada@example.org", "first_name": "Ada", "last_name": "Lovelace"}
    response = client.post(reverse("accounts:update"), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.first_name, user.last_name) == ("ada@example.org", "Ada", "Lovelace")


def test_profile_update_ignores_every_other_field():
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
    client.post(reverse("accounts:update"), data)
    user.refresh_from_db()
    assert user.username == "plain"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.is_active
    assert user.check_password(PASSWORD)
    assert user.email == "a@example.org"


def test_profile_update_with_an_invalid_email_is_refused():
    user = make_user(email="old@example.org")
    response = logged_in_client(user).post(reverse("accounts:update"), {"email": "not-an-email"})
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
    assert here.get(reverse("accounts:update")).status_code == 200
    assert not UserSession.objects.filter(session_key=other_key).exists()
    assert elsewhere.get(reverse("accounts:update")).status_code == 302


def test_password_change_leaves_other_users_sessions_alone():
    user, other = make_user(), make_user()
    other_client = logged_in_client(other)
    logged_in_client(user).post(reverse("accounts:change_password"), password_data())
    assert other_client.get(reverse("accounts:update")).status_code == 200


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
    response = logged_in_client(user).get(reverse("accounts:delete"))
    assert response.status_code == 200
    assert b"All your 2 articles will be deleted" in response.content


def test_delete_with_the_password_removes_user_articles_and_sessions():
    user = make_user()
    make_article(author=user)
    client, elsewhere = logged_in_client(user), logged_in_client(user)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == INDEX
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Article.objects.exists()
    assert not UserSession.objects.filter(user_id=user.pk).exists()
    assert SESSION_KEY not in client.session
    assert elsewhere.get(reverse("accounts:update")).status_code == 302


def test_delete_with_a_wrong_password_deletes_nothing():
    user = make_user()
    make_article(author=user)
    response = logged_in_client(user).post(reverse("accounts:delete"), {"password": "wrong"})
    assert response.status_code == 422
    assert b"That is not your password. Nothing was changed." in response.content
    assert User.objects.filter(pk=user.pk).exists()
    assert Article.objects.count() == 1


def test_delete_needs_login(client):
    user = make_user()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
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
    assert "Hello, ada" in content
    assert 'action="/accounts/logout/"' in content
    for url in ("/accounts/update/", "/accounts/password/", "/accounts/delete/"):
        assert f'href="{url}"' in content
    assert 'href="/accounts/login/"' not in content


def test_username_is_escaped_in_the_navbar():
    user = make_user("<b>x</b>")
    content = logged_in_client(user).get(INDEX).content.decode()
    assert "<b>x</b>" not in content
    assert "&lt;b&gt;x&lt;/b&gt;" in content


def test_a_wrong_password_is_refused_with_one_clear_error_and_never_echoed():
    form = ConfirmPasswordForm(make_user(), data={"password": "not-the-password"})
    assert not form.is_valid()
    [error] = form.errors.as_data()["password"]
    assert error.code == "password_incorrect"
    assert error.messages == ["That is not your password. Nothing was changed."]
    assert "not-the-password" not in str(form["password"])
