import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client

from accounts.tests.factories import PASSWORD, later, make_user, start_of_a_window
from support.client import HX
from support.smtp import body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_sent_at_once")]

User = get_user_model()
NEW = "a-new-Passphrase-77"
BASE_DIR = Path(__file__).resolve().parents[2]


def signup(client, **data):
    good = "a-long-Passphrase-42"
    return client.post("/accounts/signup/", {"password1": good, "password2": good, **data})


# Email settings


def mailers_with(**env):
    code = "from django.conf import settings; print(settings.MAILERS['default'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.mark.slow
def test_mail_goes_to_the_console_without_email_host():
    assert "console.EmailBackend" in mailers_with()


@pytest.mark.slow
def test_mail_goes_over_smtp_with_email_host():
    out = mailers_with(
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="board",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
    )
    assert "smtp.EmailBackend" in out
    for expected in ("'host': 'mail.example.org'", "'port': 2525", "'use_tls': True"):
        assert expected in out


# Email on signup, login by email


def test_signup_takes_an_optional_email(client):
    signup(client, username="ada", email="Ada@Example.org")
    signup(Client(), username="bob", email="")
    signup(Client(), username="cy", email="")
    assert User.objects.get(username="ada").email == "Ada@example.org"  # domain normalised
    assert User.objects.filter(email="").count() == 2


def test_signup_with_an_address_another_account_confirmed_goes_through_unconfirmed(client):
    owner = make_user("ada", email="ada@example.org")
    response = signup(client, username="ada2", email="ADA@example.ORG")
    assert response.status_code == 302  # as for any address: nothing tells it is taken
    newcomer = User.objects.get(username="ada2")
    assert (newcomer.email, newcomer.email_verified) == ("ADA@example.org", False)
    owner.refresh_from_db()
    assert (owner.email, owner.email_verified) == ("ada@example.org", True)


def test_email_settings_accept_an_address_another_account_confirmed_unconfirmed():
    make_user(email="taken@example.org")
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/email/", {"email": "Taken@example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("Taken@example.org", False)


def test_database_refuses_two_confirmed_accounts_with_one_address_ignoring_case():
    from django.db import IntegrityError, transaction

    make_user(email="one@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(email="ONE@example.org")


def test_confirming_an_address_another_account_confirmed_is_refused_by_validation():
    """What the admin shows when staff tick "email verified" on a taken address."""
    from django.core.exceptions import ValidationError

    make_user(email="one@example.org")
    other = make_user(email="One@example.org", email_verified=False)
    other.validate_constraints()  # unconfirmed: allowed
    other.email_verified = True
    with pytest.raises(ValidationError, match="An account with this email address already"):
        other.validate_constraints()


def test_database_lets_several_accounts_hold_one_unconfirmed_address():
    make_user(email="one@example.org")
    make_user(email="One@example.org", email_verified=False)
    make_user(email="ONE@example.org", email_verified=False)
    make_user(email="", email_verified=True)  # no address: nothing to be unique
    make_user(email="", email_verified=True)
    assert User.objects.filter(email__iexact="one@example.org").count() == 3


def test_database_refuses_confirming_an_address_another_account_confirmed():
    from django.db import IntegrityError, transaction

    make_user(email="one@example.org")
    other = make_user(email="one@example.org", email_verified=False)
    other.email_verified = True
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


@pytest.mark.parametrize("identifier", ["ada", "ada@example.org", "ADA@Example.org"])
def test_login_accepts_username_or_email(client, identifier):
    user = make_user("ada", email="ada@example.org")
    response = client.post("/accounts/login/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_with_an_unknown_email_is_refused(client):
    make_user("ada", email="ada@example.org")
    response = client.post("/accounts/login/", {"username": "x@example.org", "password": PASSWORD})
    assert response.status_code == 422


# Password reset


def request_reset(client, email, **kwargs):
    return client.post("/accounts/password/reset/", {"email": email}, **kwargs)


def reset_link():
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body)[1]


def test_reset_answers_the_same_for_known_and_unknown_emails(client):
    make_user(email="ada@example.org")
    known = request_reset(client, "ada@example.org")
    unknown = request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]


def test_a_second_reset_within_the_interval_answers_the_same_and_sends_nothing(client):
    make_user(email="ada@example.org")
    with start_of_a_window(10 * 60):
        first = request_reset(client, "ada@example.org")
        link = reset_link()
        with later(minutes=9, seconds=59):
            second = request_reset(Client(), "ADA@example.org")
            assert client.get(link).status_code == 302  # the first link still works
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1


def test_a_reset_after_the_interval_sends_a_new_mail(client):
    make_user(email="ada@example.org")
    with start_of_a_window(10 * 60):
        request_reset(client, "ada@example.org")
        with later(minutes=10):
            request_reset(client, "ada@example.org")
    assert [m.to for m in mail.outbox] == [["ada@example.org"]] * 2


def test_reset_mails_are_spaced_per_address(client):
    make_user(email="ada@example.org")
    make_user(email="bob@example.org")
    request_reset(client, "ada@example.org")
    request_reset(client, "bob@example.org")
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["bob@example.org"]]


def test_an_address_without_an_account_takes_no_place_in_the_spacing(client, settings):
    from core import ratelimit

    make_user(email="unconfirmed@example.org", email_verified=False)
    for address in ("nobody@example.org", "unconfirmed@example.org"):
        request_reset(client, address)
        window = settings.PASSWORD_RESET_MAIL_INTERVAL
        assert ratelimit.first_in_window("password-reset-mail", address, window)  # free


def test_the_reset_page_says_how_often_mail_is_sent(client):
    page = client.get("/accounts/password/reset/sent/").text
    assert "we send at most one email every 10 minutes." in page
    assert "use the link in that email: it still works." in page
    assert "Check your spam folder" in page


def test_reset_answers_htmx_in_place(client):
    response = request_reset(client, "nobody@example.org", headers=HX)
    location = json.loads(response["HX-Location"])
    assert location == {"path": "/accounts/password/reset/sent/", "target": "#main"}


def set_new_password(client, link, password=NEW):
    form_url = client.get(link).url  # Django moves the token out of the URL into the session
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_reset_link_sets_a_new_password_once(client):
    user = make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    link = reset_link()
    response = set_new_password(client, link)
    assert response.url == "/accounts/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW)

    again = Client().get(link, follow=True)
    assert again.context["validlink"] is False
    assert b"This link is invalid or has expired" in again.content


def test_tampered_reset_link_is_refused(client):
    make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    tampered = reset_link()[:-3] + "xx/"
    response = client.get(tampered, follow=True)
    assert response.context["validlink"] is False


def test_reset_link_expires_after_an_hour(client):
    make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    link = reset_link()
    with later(minutes=61):
        response = client.get(link, follow=True)
    assert response.context["validlink"] is False


def test_reset_link_dies_when_the_password_changes(client):
    user = make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    user.set_password("changed-Elsewhere-1")
    user.save()
    assert client.get(reset_link(), follow=True).context["validlink"] is False


def test_reset_link_dies_when_the_email_changes(client):
    user = make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    user.email = "new@example.org"
    user.save()
    assert client.get(reset_link(), follow=True).context["validlink"] is False


def test_reset_signs_out_every_session(client):
    user = make_user(email="ada@example.org")
    elsewhere = Client()
    elsewhere.force_login(user)
    request_reset(client, "ada@example.org")
    set_new_password(client, reset_link())
    assert user.sessions.count() == 0
    assert elsewhere.get("/accounts/update/").status_code == 302


def test_reset_with_mismatched_passwords_is_refused(client):
    user = make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    form_url = client.get(reset_link()).url
    response = client.post(form_url, {"new_password1": NEW, "new_password2": "other"})
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_email_is_delivered_over_real_smtp(client, smtp_inbox):
    make_user(email="ada@example.org")
    request_reset(client, "ada@example.org")
    message = smtp_inbox.wait_for_message("ada@example.org")
    assert len(smtp_inbox.messages) == 1
    assert "/accounts/password/reset/" in body(message)
