"""Verified email addresses (accounts/email/): the link sent to an address, the
refusals of every link that must not work, what an unverified address cannot do, the
email change that waits for its confirmation, and the "mandatory" mode.

The mail is sent at once here (`send_later` replaced): test_notifications checks that it
really goes out after the commit, in the background.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.backends import find_account
from accounts.tests.factories import PASSWORD, later, make_user, start_of_a_window
from support.client import HX, log_in, logged_in_client
from support.html import messages_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_sent_at_once")]

User = get_user_model()
BASE_DIR = Path(__file__).resolve().parents[2]
GOOD = "a-long-Passphrase-42"
LINK = re.compile(r"http://testserver(/accounts/email/confirm/[^/\s]+/)")
BANNER = "Please confirm your email address"
NO_MATCH = "The username or email and the password do not match an account."


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def signup(client, username="ada", email="ada@example.org"):
    data = {"username": username, "email": email, "password1": GOOD, "password2": GOOD}
    return client.post("/accounts/signup/", data)


def link_to(address):
    """The path of the last confirmation link mailed to `address`."""
    sent = [m for m in mail.outbox if m.to == [address]]
    assert sent, [m.to for m in mail.outbox]
    return LINK.search(sent[-1].body)[1]


def pending(username, email="old@example.org", new="new@example.org"):
    """A member with a confirmed address who asked to change it to `new`."""
    user = make_user(username, email=email)
    client = logged_in_client(user)
    assert client.post("/accounts/email/", {"email": new}).status_code == 302
    return user, client


# The setting


def verification_mode_with(value):
    code = "from django.conf import settings; print(settings.ACCOUNT_EMAIL_VERIFICATION)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "ACCOUNT_EMAIL_VERIFICATION": value},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_the_verification_mode_is_read_from_the_environment():
    assert verification_mode_with(" Mandatory ").stdout.strip() == "mandatory"
    assert verification_mode_with("").stdout.strip() == "optional"


@pytest.mark.slow
def test_an_unknown_verification_mode_refuses_to_start():
    result = verification_mode_with("sometimes")
    assert result.returncode != 0
    assert "ImproperlyConfigured: ACCOUNT_EMAIL_VERIFICATION='sometimes'" in result.stderr
    assert "use optional or mandatory" in result.stderr


# Signing up ("optional", the default)


def test_signup_with_an_email_sends_it_a_link_and_marks_it_unverified(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="ada")
    assert (user.email, user.email_verified) == ("ada@example.org", False)
    assert client.session[SESSION_KEY] == str(user.pk)  # "optional": signed in at once
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Confirm your email address"
    assert "Please confirm that ada@example.org is your email address" in message.body
    assert "The link works once, for 3\xa0days." in message.body
    assert LINK.search(message.body)


def test_signup_without_an_email_sends_nothing(client):
    assert signup(client, email="").status_code == 302
    assert mail.outbox == []


def test_an_unverified_member_sees_the_banner_and_a_verified_one_does_not(client):
    signup(client)
    page = client.get("/articles/").text
    assert BANNER in page
    assert "ada@example.org" in page
    assert 'action="/accounts/email/resend/"' in page
    verified = logged_in_client(make_user(email="v@example.org"))
    assert BANNER not in verified.get("/articles/").text


def test_the_banner_comes_out_of_band_with_every_fragment(client):
    signup(client)
    fragment = client.get("/articles/", headers=HX).text
    assert '<div id="email-reminder" hx-swap-oob="true">' in fragment
    assert BANNER in fragment


# The link


def test_opening_the_link_only_asks_and_the_button_confirms(client):
    signup(client)
    link = link_to("ada@example.org")
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm that <strong>ada@example.org</strong> is the email address" in page.text
    assert f'action="{link}"' in page.text
    assert not User.objects.get(username="ada").email_verified  # mail scanners open links

    response = client.post(link)
    assert response.status_code == 302
    assert response.url == "/accounts/email/"
    user = User.objects.get(username="ada")
    assert (user.email, user.email_verified) == ("ada@example.org", True)
    page = client.get(response.url).text
    assert "Your email address ada@example.org is confirmed." in messages_of(page)
    assert BANNER not in page


def test_a_link_used_twice_is_refused_the_second_time(client):
    signup(client)
    link = link_to("ada@example.org")
    client.post(link)
    again = client.get(link)
    assert again.status_code == 400
    assert "This link can no longer be used" in again.text
    assert 'action="' + link not in again.text
    assert client.post(link).status_code == 422


def test_an_expired_link_is_refused(client):
    signup(client)
    link = link_to("ada@example.org")
    with later(days=3, seconds=1):
        page = client.get(link)
        posted = client.post(link)
    assert page.status_code == 400
    assert "This link has expired" in page.text
    assert posted.status_code == 422
    assert not User.objects.get(username="ada").email_verified


def test_a_link_just_before_it_expires_still_works(client):
    signup(client)
    link = link_to("ada@example.org")
    with later(days=2, hours=23):
        assert client.post(link).status_code == 302
    assert User.objects.get(username="ada").email_verified


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_is_refused(client, tamper):
    signup(client)
    token = link_to("ada@example.org").split("/")[-2]
    link = f"/accounts/email/confirm/{tamper(token)}/"
    page = client.get(link)
    assert page.status_code == 400
    assert "This link is not valid" in page.text
    assert client.post(link).status_code == 422
    assert not User.objects.get(username="ada").email_verified


def test_a_link_signed_for_something_else_is_refused(client):
    from django.core import signing

    user = make_user(email="ada@example.org", email_verified=False)
    token = signing.dumps([user.pk, user.email], salt="another.purpose")
    assert client.post(f"/accounts/email/confirm/{token}/").status_code == 422
    user.refresh_from_db()
    assert not user.email_verified


def test_the_link_for_an_address_replaced_since_confirms_nothing(client):
    signup(client)
    first = link_to("ada@example.org")
    assert client.post("/accounts/email/", {"email": "ada2@example.org"}).status_code == 302
    user = User.objects.get(username="ada")
    assert (user.email, user.email_verified) == ("ada2@example.org", False)
    response = client.post(first)
    assert response.status_code == 422
    assert "This link can no longer be used" in response.text
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == ("ada2@example.org", False, "")
    assert client.post(link_to("ada2@example.org")).status_code == 302


def test_the_link_for_a_pending_address_changed_again_confirms_nothing():
    user, client = pending("ada", new="first@example.org")
    first = link_to("first@example.org")
    client.post("/accounts/email/", {"email": "second@example.org"})
    assert client.post(first).status_code == 422
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.org", "second@example.org")


def test_a_confirmed_link_works_without_being_logged_in():
    user = make_user("ada", email="ada@example.org", email_verified=False)
    signed_in = logged_in_client(user)
    signed_in.post("/accounts/email/resend/")
    visitor = Client()
    page = visitor.get(link_to("ada@example.org"))
    assert "of the account <strong>ada</strong>" in page.text
    response = visitor.post(link_to("ada@example.org"))
    assert response.url == "/accounts/login/"
    assert SESSION_KEY not in visitor.session  # confirming is not signing in
    user.refresh_from_db()
    assert user.email_verified
    assert "You can log in now." in messages_of(visitor.get("/accounts/login/").text)[0]


def test_a_link_opened_as_another_member_confirms_the_account_it_was_sent_for():
    ada = make_user("ada", email="ada@example.org", email_verified=False)
    logged_in_client(ada).post("/accounts/email/resend/")
    bob = make_user("bob")
    client = logged_in_client(bob)
    page = client.get(link_to("ada@example.org")).text
    assert "You are signed in as bob. Confirming changes the account ada only" in page
    response = client.post(link_to("ada@example.org"))
    assert response.status_code == 302
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert ada.email_verified
    assert bob.email == ""
    assert client.session[SESSION_KEY] == str(bob.pk)
    message = messages_of(client.get(response.url).text)[0]
    assert "The address ada@example.org of the account ada is confirmed." in message
    assert "You are still signed in as bob." in message


def test_the_link_of_a_deactivated_account_confirms_nothing(client):
    signup(client)
    link = link_to("ada@example.org")
    User.objects.filter(username="ada").update(is_active=False)
    assert client.post(link).status_code == 422
    assert not User.objects.get(username="ada").email_verified


def test_confirming_answers_htmx_in_place(client):
    signup(client)
    response = client.post(link_to("ada@example.org"), headers=HX)
    assert response.status_code == 200
    assert json.loads(response["HX-Location"]) == {"path": "/accounts/email/", "target": "#main"}
    refused = client.post(link_to("ada@example.org"), headers=HX)
    assert refused.status_code == 422
    assert refused["HX-Retarget"] == "#main"
    assert "This link can no longer be used" in refused.text


# What an unverified address cannot do


def test_an_unverified_email_does_not_log_in_and_gets_the_neutral_answer(client):
    make_user("ada", email="ada@example.org", email_verified=False)
    response = log_in(client, "ada@example.org")
    assert response.status_code == 422
    assert NO_MATCH in response.text
    assert SESSION_KEY not in client.session
    unknown = log_in(Client(), "nobody@example.org")
    assert unknown.text.count(NO_MATCH) == response.text.count(NO_MATCH) == 1


def test_the_username_logs_in_with_an_unverified_email_under_optional(client):
    user = make_user("ada", email="ada@example.org", email_verified=False)
    assert log_in(client, "ada").status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_verified_email_logs_in(client):
    user = make_user("ada", email="ada@example.org")
    assert log_in(client, "ADA@example.org").status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_only_a_verified_email_names_an_account():
    make_user("ada", email="ada@example.org", email_verified=False)
    assert find_account("ada@example.org") is None
    assert find_account("ada").username == "ada"


def test_a_reset_for_an_unverified_email_looks_the_same_and_sends_nothing(client):
    make_user(email="ada@example.org", email_verified=False)
    unverified = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert unverified.status_code == unknown.status_code == 302
    assert unverified.url == unknown.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_reset_for_a_verified_email_is_sent(client):
    make_user(email="ada@example.org")
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_a_reset_never_goes_to_a_pending_address():
    pending("ada")
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": "new@example.org"})
    assert mail.outbox == []


# Changing the address


def test_a_new_address_waits_for_its_confirmation_and_the_old_one_keeps_working():
    user, client = pending("ada")
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == (
        "old@example.org",
        True,
        "new@example.org",
    )
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert message.subject == "Confirm your new email address"
    assert "Until you open it, your account keeps the address old@example.org." in message.body
    page = client.get("/accounts/email/").text
    assert "We sent a link to new@example.org." in messages_of(page)[0]
    assert "Waiting for confirmation: <strong>new@example.org</strong>" in page
    assert 'action="/accounts/email/resend/"' in page
    assert 'action="/accounts/email/cancel/"' in page
    assert 'value="old@example.org"' in page  # the field shows the address in use
    assert log_in(Client(), "old@example.org").status_code == 302
    assert log_in(Client(), "new@example.org").status_code == 422


def test_confirming_the_new_address_replaces_the_old_one_and_tells_the_old_one():
    user, client = pending("ada")
    response = client.post(link_to("new@example.org"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == (
        "new@example.org",
        True,
        "",
    )
    notice = mail.outbox[-1]
    assert notice.to == ["old@example.org"]
    assert notice.subject == "The email address of your account was changed"
    assert "changed to new@example.org" in notice.body
    assert log_in(Client(), "new@example.org").status_code == 302
    assert log_in(Client(), "old@example.org").status_code == 422


def test_a_change_is_not_told_to_the_old_address_before_it_is_confirmed():
    pending("ada")
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_confirming_an_address_another_account_took_meanwhile_is_refused():
    user, client = pending("ada")
    link = link_to("new@example.org")
    make_user("bob", email="NEW@example.org")
    response = client.post(link)
    assert response.status_code == 422
    assert "Another account uses this address now" in response.text
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.org", "new@example.org")


def test_confirming_an_address_confirmed_elsewhere_between_the_check_and_the_save_is_refused():
    """The database's unique index on confirmed addresses decides the last instant."""
    from django.db import connection

    user, client = pending("ada")
    link = link_to("new@example.org")
    rivals = []

    def rival_saves_first(execute, sql, params, many, context):
        if sql.startswith('UPDATE "accounts_user"') and not rivals:
            rival = User.objects.create_user("bob", email="new@example.org", email_verified=True)
            rivals.append(rival)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(rival_saves_first):
        response = client.post(link)
    assert rivals
    assert response.status_code == 422
    assert "Another account uses this address now" in response.text
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.org", "new@example.org")


def test_clearing_the_address_takes_effect_at_once_and_tells_the_old_one():
    user, client = pending("ada")
    mail.outbox.clear()
    assert client.post("/accounts/email/", {"email": ""}).status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == ("", False, "")
    [notice] = mail.outbox
    assert notice.to == ["old@example.org"]
    assert "changed to (none)" in notice.body


def test_the_current_address_again_drops_the_change_waiting():
    user, client = pending("ada")
    assert client.post("/accounts/email/", {"email": "OLD@example.org"}).status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == (
        "OLD@example.org",
        True,
        "",
    )


def test_a_first_address_is_set_at_once_unverified_and_sent_a_link():
    user = make_user("ada")
    client = logged_in_client(user)
    assert client.post("/accounts/email/", {"email": "ada@example.org"}).status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified, user.pending_email) == (
        "ada@example.org",
        False,
        "",
    )
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_cancelling_the_change_keeps_the_old_address():
    user, client = pending("ada")
    link = link_to("new@example.org")
    response = client.post("/accounts/email/cancel/")
    assert response.status_code == 302
    assert response.url == "/accounts/email/"
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.org", "")
    page = client.get("/accounts/email/").text
    assert "The change to new@example.org is cancelled." in messages_of(page)[-1]
    assert "Waiting for confirmation" not in page
    assert client.post(link).status_code == 422  # its link is dead


def test_cancelling_answers_htmx_in_place():
    _user, client = pending("ada")
    response = client.post("/accounts/email/cancel/", headers=HX)
    assert json.loads(response["HX-Location"]) == {"path": "/accounts/email/", "target": "#main"}


def test_a_change_by_someone_not_signed_in_is_refused():
    response = Client().post("/accounts/email/cancel/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_email_page_says_whether_the_address_is_confirmed():
    verified = logged_in_client(make_user(email="v@example.org")).get("/accounts/email/").text
    assert "<strong>v@example.org</strong> is confirmed." in verified
    unverified = make_user(email="u@example.org", email_verified=False)
    page = logged_in_client(unverified).get("/accounts/email/").text
    assert "is confirmed." not in page
    assert BANNER in page


# An address another account confirmed: its owner is told, no link is sent


SOMEONE_TRIED = "Someone tried to use your email address"


def test_signing_up_with_an_address_confirmed_elsewhere_tells_its_owner_instead(client):
    make_user("owner", email="ada@example.org")
    response = signup(client, "mallory", "ADA@example.org")
    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["ada@example.org"]  # the owner's address, as the owner wrote it
    assert notice.subject == SOMEONE_TRIED
    assert notice.body.startswith("Hello owner,")
    assert "Someone tried to sign up with ADA@example.org, or to add it to another" in notice.body
    assert "http://testserver/accounts/login/" in notice.body
    assert "http://testserver/accounts/password/reset/" in notice.body
    assert "If it was not you, there is nothing to do." in notice.body
    assert not LINK.search(notice.body)
    mallory = User.objects.get(username="mallory")
    assert (mallory.email, mallory.email_verified) == ("ADA@example.org", False)


def test_changing_to_an_address_confirmed_elsewhere_looks_the_same_and_tells_its_owner():
    make_user("owner", email="taken@example.org")
    user, client = pending("ada", new="taken@example.org")
    page = client.get("/accounts/email/").text
    assert "We sent a link to taken@example.org." in messages_of(page)[0]
    assert "Waiting for confirmation: <strong>taken@example.org</strong>" in page
    assert [(m.to, m.subject) for m in mail.outbox] == [(["taken@example.org"], SOMEONE_TRIED)]
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("old@example.org", "taken@example.org")


def test_sending_the_link_again_for_an_address_confirmed_elsewhere_sends_no_link():
    make_user("owner", email="taken@example.org")
    user = make_user("mallory", email="taken@example.org", email_verified=False)
    client = logged_in_client(user)
    with start_of_a_window(10 * 60):
        response = client.post("/accounts/email/resend/")
        assert response.status_code == 302
        page = client.get(response.url).text
        assert "We sent a new link to taken@example.org." in messages_of(page)
        with later(minutes=10):
            client.post("/accounts/email/resend/")
    assert [m.subject for m in mail.outbox] == [SOMEONE_TRIED] * 2
    assert not any(LINK.search(m.body) for m in mail.outbox)


def test_the_owner_is_told_at_most_once_per_interval(client):
    make_user("owner", email="ada@example.org")
    with start_of_a_window(10 * 60):
        signup(client, "mallory", "ada@example.org")
        with later(minutes=9, seconds=59):
            signup(Client(), "trudy", "ada@example.org")
            assert len(mail.outbox) == 1
        with later(minutes=10):
            signup(Client(), "eve", "ada@example.org")
    assert [m.subject for m in mail.outbox] == [SOMEONE_TRIED] * 2
    assert User.objects.filter(email__iexact="ada@example.org", email_verified=False).count() == 3


def test_an_address_only_held_unconfirmed_elsewhere_gets_its_link(client):
    make_user("first", email="ada@example.org", email_verified=False)
    signup(client, "second", "ada@example.org")
    [message] = mail.outbox
    assert message.subject == "Confirm your email address"
    assert message.body.startswith("Hello second,")


# Confirming takes the address from the other accounts


def test_confirming_takes_the_address_from_every_other_account(client):
    signup(client, "ada", "ada@example.org")
    other = make_user("bob", email="ADA@example.org", email_verified=False)
    waiting = make_user("cy", email="cy@example.org", pending_email="Ada@Example.org")
    unrelated = make_user("dee", email="dee@example.org", email_verified=False)
    assert client.post(link_to("ada@example.org")).status_code == 302
    other.refresh_from_db()
    waiting.refresh_from_db()
    unrelated.refresh_from_db()
    assert (other.email, other.email_verified, other.pending_email) == ("", False, "")
    assert (waiting.email, waiting.email_verified, waiting.pending_email) == (
        "cy@example.org",
        True,
        "",
    )
    assert (unrelated.email, unrelated.email_verified) == ("dee@example.org", False)
    assert User.objects.get(username="ada").email_verified


def test_the_link_of_an_account_that_lost_its_address_says_another_account_took_it(client):
    signup(client, "ada", "ada@example.org")
    signup(Client(), "bob", "ada@example.org")
    bobs_link = link_to("ada@example.org")
    assert bobs_link != (adas_link := LINK.search(mail.outbox[0].body)[1])
    assert client.post(adas_link).status_code == 302
    page = Client().get(bobs_link)
    assert page.status_code == 400
    assert "Another account uses this address now" in page.text
    assert Client().post(bobs_link).status_code == 422


def test_only_the_confirmed_account_logs_in_by_an_address_several_hold():
    make_user("first", password="first-Secret-1", email="ada@example.org", email_verified=False)
    owner = make_user("owner", email="ADA@example.org")
    make_user("third", password="third-Secret-3", email="ada@example.org", email_verified=False)
    assert find_account("ada@example.org") == owner
    assert log_in(Client(), "ada@example.org", "first-Secret-1").status_code == 422
    assert log_in(Client(), "ada@example.org").status_code == 302


def test_a_reset_goes_only_to_the_confirmed_account_among_those_holding_the_address(client):
    make_user("first", email="ada@example.org", email_verified=False)
    make_user("owner", email="ADA@example.org")
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    [message] = mail.outbox
    assert message.to == ["ADA@example.org"]
    assert "Hello owner," in message.body


# Sending the link again


def test_the_link_is_sent_again_on_request(client):
    signup(client)
    mail.outbox.clear()
    response = client.post("/accounts/email/resend/", HTTP_REFERER="http://testserver/articles/")
    assert response.status_code == 302
    assert response.url == "/articles/"  # back where the banner was
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert "We sent a new link to ada@example.org." in messages_of(client.get("/articles/").text)


def test_both_links_work_until_one_is_used(client):
    signup(client)
    first = link_to("ada@example.org")
    client.post("/accounts/email/resend/")
    second = link_to("ada@example.org")
    assert client.post(first).status_code == 302
    assert client.post(second).status_code == 422  # the address is confirmed: nothing waits


def test_sending_the_link_again_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify-email-user": (2, 3600)}
    signup(client)
    mail.outbox.clear()
    for _ in range(2):
        assert client.post("/accounts/email/resend/").status_code == 302
    response = client.post("/accounts/email/resend/")
    assert response.status_code == 429
    assert "Too many links were sent for this account." in response.text
    assert len(mail.outbox) == 2
    # Per account: another member is not held back.
    other = logged_in_client(make_user(email="o@example.org", email_verified=False))
    assert other.post("/accounts/email/resend/").status_code == 302


def test_the_rate_limit_answers_htmx_with_the_message_out_of_band(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify-email-user": (1, 3600)}
    signup(client)
    sent = client.post("/accounts/email/resend/", headers=HX)
    assert sent.status_code == 200
    assert "We sent a new link to ada@example.org." in sent.text
    refused = client.post("/accounts/email/resend/", headers=HX)
    assert refused.status_code == 429
    assert "Too many links were sent for this account." in refused.text
    assert 'id="messages"' in refused.text


def test_changing_the_address_counts_against_the_same_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify-email-user": (1, 3600)}
    user, client = pending("ada")
    response = client.post("/accounts/email/", {"email": "other@example.org"})
    assert response.status_code == 429
    assert "Too many links were sent for this account." in response.text
    user.refresh_from_db()
    assert user.pending_email == "new@example.org"
    assert len(mail.outbox) == 1


def test_nothing_is_sent_for_a_confirmed_address():
    client = logged_in_client(make_user(email="v@example.org"))
    response = client.post("/accounts/email/resend/")
    assert response.status_code == 302
    assert mail.outbox == []
    assert "Your email address is confirmed already." in messages_of(client.get(response.url).text)


# Wrong methods


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/email/resend/"),
        ("get", "/accounts/email/cancel/"),
        ("put", "/accounts/email/check-inbox/"),
        ("put", "/accounts/email/confirm/token/"),
        ("delete", "/accounts/email/confirm/token/"),
    ],
)
def test_a_wrong_method_is_refused(method, url):
    client = logged_in_client(make_user(email="ada@example.org", email_verified=False))
    assert getattr(client, method)(url).status_code == 405


# Shared pages


def test_a_member_asked_to_confirm_is_never_served_or_fills_a_shared_page(settings):
    settings.ANONYMOUS_PAGE_CACHE = True
    cache.clear()
    verified = logged_in_client(make_user("v", email="v@example.org"))
    unverified = logged_in_client(make_user("u", email="u@example.org", email_verified=False))
    assert BANNER not in verified.get("/articles/").text  # fills the members' copy
    page = unverified.get("/articles/").text
    assert BANNER in page
    assert "u@example.org" in page
    assert BANNER not in verified.get("/articles/").text


# "mandatory"


def test_mandatory_signup_needs_an_email(client, mandatory):
    response = signup(client, email="")
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert not User.objects.exists()


def test_mandatory_signup_does_not_log_in_and_shows_check_your_inbox(client, mandatory):
    response = signup(client)
    assert response.status_code == 302
    assert response.url == "/accounts/email/check-inbox/"
    assert SESSION_KEY not in client.session
    page = client.get(response.url).text
    assert "Check your inbox" in page
    assert "We sent a link to <strong>ada@example.org</strong>" in page
    assert "You can log in once your address is confirmed." in page
    assert 'action="/accounts/email/resend/"' in page
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_mandatory_signup_answers_htmx_in_place(client, mandatory):
    response = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": "b@example.org", "password1": GOOD, "password2": GOOD},
        headers=HX,
    )
    location = json.loads(response["HX-Location"])
    assert location == {"path": "/accounts/email/check-inbox/", "target": "#main"}


def test_mandatory_refuses_the_login_until_the_address_is_confirmed(client, mandatory):
    make_user("ada", email="ada@example.org", email_verified=False)
    response = log_in(client, "ada")
    assert response.status_code == 302
    assert response.url == "/accounts/email/check-inbox/"
    assert SESSION_KEY not in client.session
    page = client.get(response.url).text
    assert "Confirm your email address to log in" in messages_of(page)[0]
    assert "We sent a link to <strong>ada@example.org</strong>" in page
    assert 'action="/accounts/email/resend/"' in page

    assert client.post("/accounts/email/resend/").status_code == 302
    assert client.post(link_to("ada@example.org")).status_code == 302
    assert log_in(client, "ada").status_code == 302
    assert SESSION_KEY in client.session


def test_mandatory_refusal_answers_htmx_in_place(client, mandatory):
    make_user("ada", email="ada@example.org", email_verified=False)
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, headers=HX
    )
    location = json.loads(response["HX-Location"])
    assert location == {"path": "/accounts/email/check-inbox/", "target": "#main"}
    assert SESSION_KEY not in client.session


def test_mandatory_refusal_needs_the_right_password(client, mandatory):
    make_user("ada", email="ada@example.org", email_verified=False)
    response = log_in(client, "ada", "wrong")
    assert response.status_code == 422
    assert NO_MATCH in response.text
    assert "_verify_user" not in client.session


def test_mandatory_resend_from_the_check_inbox_page_is_rate_limited(client, settings, mandatory):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify-email-user": (1, 3600)}
    signup(client)
    mail.outbox.clear()
    assert client.post("/accounts/email/resend/").url == "/accounts/email/check-inbox/"
    response = client.post("/accounts/email/resend/")
    assert response.status_code == 429
    assert "Too many links were sent for this account." in response.text
    assert "Check your inbox" in response.text
    assert len(mail.outbox) == 1


def test_a_resend_without_anyone_waiting_asks_to_log_in(client, mandatory):
    response = client.post("/accounts/email/resend/")
    assert response.url == "/accounts/login/"
    assert mail.outbox == []
    page = client.get("/accounts/email/check-inbox/").text
    assert 'action="/accounts/email/resend/"' not in page


def test_mandatory_holds_an_account_without_an_address_until_it_adds_one(client, mandatory):
    make_user("admin-made")
    response = log_in(client, "admin-made")
    assert response.url == "/accounts/email/check-inbox/"
    assert SESSION_KEY not in client.session
    page = client.get(response.url).text
    assert "Your account needs a confirmed email address" in messages_of(page)[0]
    assert 'name="email"' in page

    added = client.post("/accounts/email/check-inbox/", {"email": "me@example.org"})

    assert added.url == "/accounts/email/check-inbox/"
    assert "We sent a link to <strong>me@example.org</strong>" in client.get(added.url).text
    client.post(link_to("me@example.org"))
    assert log_in(client, "admin-made").url == "/articles/"
    assert SESSION_KEY in client.session


def test_an_account_whose_unconfirmed_address_was_taken_is_held_under_mandatory(client, mandatory):
    """One mailbox cannot make several accounts that sign in: the one that confirmed
    keeps the address, the others have none and must add and confirm their own."""
    signup(Client(), "first", "shared@example.org")
    signup(Client(), "second", "shared@example.org")
    Client().post(link_to("shared@example.org"))  # the last link: the second account's
    first = User.objects.get(username="first")
    assert first.email == ""
    response = client.post("/accounts/login/", {"username": "first", "password": GOOD})
    assert response.url == "/accounts/email/check-inbox/"
    assert SESSION_KEY not in client.session


def test_the_address_form_is_only_for_whoever_signed_in_to_an_account_without_one(
    client, mandatory
):
    assert client.get("/accounts/email/check-inbox/").status_code == 200
    refused = client.post("/accounts/email/check-inbox/", {"email": "me@example.org"})
    assert refused.url == "/accounts/email/check-inbox/"
    user = make_user("ada", email="ada@example.org", email_verified=False)
    log_in(client, "ada")  # held: it has an address, waiting for its link
    client.post("/accounts/email/check-inbox/", {"email": "other@example.org"})
    user.refresh_from_db()
    assert user.email == "ada@example.org"


def test_the_address_form_refuses_a_bad_address_and_too_many_links(client, settings, mandatory):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify-email-user": (1, 3600)}
    user = make_user("admin-made")
    log_in(client, "admin-made")
    bad = client.post("/accounts/email/check-inbox/", {"email": "not an address"}, headers=HX)
    assert bad.status_code == 422
    assert "<form" in bad.text
    assert (
        client.post("/accounts/email/check-inbox/", {"email": "a@example.org"}).status_code == 302
    )
    user.email = ""
    user.save()
    too_many = client.post("/accounts/email/check-inbox/", {"email": "b@example.org"})
    assert too_many.status_code == 429
    assert "Too many links were sent for this account." in too_many.text


def test_with_two_factor_the_address_is_asked_only_after_the_second_factor(client, mandatory):
    import pyotp

    from accounts.models import TOTPDevice

    user = make_user("admin-made")
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(user=user, secret=secret)
    first = log_in(client, "admin-made")
    assert first.url == "/accounts/login/two-factor/"  # the password alone does not do
    assert "_verify_user" not in client.session
    held = client.post(first.url, {"code": pyotp.TOTP(secret).now()})
    assert held.url == "/accounts/email/check-inbox/"
    assert SESSION_KEY not in client.session


def test_mandatory_keeps_an_address_on_the_account(mandatory):
    user = make_user(email="v@example.org")
    response = logged_in_client(user).post("/accounts/email/", {"email": ""})
    assert response.status_code == 422
    user.refresh_from_db()
    assert user.email == "v@example.org"


def test_mandatory_link_then_log_in(client, mandatory):
    signup(client)
    response = client.post(link_to("ada@example.org"))
    assert response.url == "/accounts/login/"
    assert "_verify_user" not in client.session
    assert log_in(client, "ada@example.org", GOOD).status_code == 302
