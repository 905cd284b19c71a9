"""Security notifications (accounts/notifications.py): the member hears by mail of every
change to how their account is reached, and no mail problem ever stops the change.

The notices are sent once the change commits, in a thread of their own: these tests let
the transactions commit (transaction=True) and wait for the mail to arrive.
"""

import logging
import re
import time

import pytest
from django.core import mail
from django.test import Client

from accounts.models import KnownDevice
from accounts.tests.factories import FIREFOX, PASSWORD, SAFARI, make_user, wait_for_mail
from support.client import signed_in_client
from support.ports import free_port
from support.smtp import body, smtp_mailers

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "a-new-Passphrase-77"


def no_more_mail(count):
    time.sleep(0.2)  # a notice would have been sent in this time
    assert len(mail.outbox) == count, [m.subject for m in mail.outbox]


def sign_in(user, user_agent=FIREFOX, ip="203.0.113.7", **headers):
    # signed_in_client, always from a device and an address: the notices name them.
    return signed_in_client(user, HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip, **headers)


def test_a_password_change_is_told_with_when_where_and_what_to_do():
    user = make_user(email="ada@example.org")
    client = sign_in(user)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert client.post("/accounts/password/", data).status_code == 302
    [notice] = wait_for_mail(1)
    assert notice.to == ["ada@example.org"]
    assert notice.subject == "Your password was changed"
    assert "The password of your account was changed." in notice.body
    assert "Device: Firefox on Windows" in notice.body
    assert "IP address: 203.0.113.7" in notice.body
    assert re.search(r"When: \w+\.? \d+, \d{4}, .* \(UTC\)", notice.body)
    assert "http://testserver/accounts/password/reset/" in notice.body
    assert "http://testserver/accounts/sessions/" in notice.body
    assert "If it was not you, reset your password now" in notice.body


def test_an_address_not_confirmed_gets_no_notice():
    user = make_user(email="someone-else@example.org", email_verified=False)
    client = sign_in(user)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert client.post("/accounts/password/", data).status_code == 302
    no_more_mail(0)


def test_a_password_reset_is_told():
    user = make_user(email="ada@example.org")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    [reset] = wait_for_mail(1)  # sent after the answer, like every mail about an account
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", reset.body)[1]
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert user.check_password(NEW)
    notice = wait_for_mail(2)[1]
    assert notice.subject == "Your password was reset"
    assert notice.to == ["ada@example.org"]


def test_an_email_change_is_told_to_the_old_address_once_confirmed():
    user = make_user(email="old@example.org")
    client = sign_in(user)
    assert client.post("/accounts/email/", {"email": "new@example.org"}).status_code == 302
    [confirmation] = wait_for_mail(1)
    assert confirmation.to == ["new@example.org"]
    no_more_mail(1)  # nothing changed yet: the old address hears nothing
    link = re.search(r"http://testserver(/accounts/email/confirm/\S+/)", confirmation.body)[1]
    assert client.post(link).status_code == 302
    notice = wait_for_mail(2)[1]
    assert notice.to == ["old@example.org"]
    assert notice.subject == "The email address of your account was changed"
    assert "changed to new@example.org" in notice.body


def test_setting_a_first_address_sends_it_a_link_and_no_notice():
    client = sign_in(make_user(email=""))
    assert client.post("/accounts/email/", {"email": "first@example.org"}).status_code == 302
    [confirmation] = wait_for_mail(1)
    assert confirmation.to == ["first@example.org"]
    assert confirmation.subject == "Confirm your email address"
    no_more_mail(1)


def test_changing_the_letter_case_of_the_address_is_no_news():
    client = sign_in(make_user(email="same@example.org"))
    assert client.post("/accounts/email/", {"email": "SAME@example.org"}).status_code == 302
    no_more_mail(0)


def test_a_sign_in_from_a_new_device_is_told_and_a_known_one_is_not():
    user = make_user(email="ada@example.org")
    sign_in(user, FIREFOX)  # the account's first device: no news
    sign_in(user, FIREFOX, ip="198.51.100.1")  # the same device elsewhere: known
    no_more_mail(0)
    sign_in(user, SAFARI, ip="198.51.100.2")
    [notice] = wait_for_mail(1)
    assert notice.subject == "A sign-in to your account from a new device"
    assert "Device: Mobile Safari on iOS" in notice.body
    assert "IP address: 198.51.100.2" in notice.body
    sign_in(user, SAFARI)
    no_more_mail(1)
    assert set(user.known_devices.values_list("description", flat=True)) == {
        "Firefox on Windows",
        "Mobile Safari on iOS",
    }


def test_signing_up_makes_the_first_device_known_without_a_notice():
    client = Client(HTTP_USER_AGENT=FIREFOX)
    data = {"username": "newbie", "email": "n@example.org"}
    client.post("/accounts/signup/", {**data, "password1": NEW, "password2": NEW})
    assert KnownDevice.objects.filter(user__username="newbie").count() == 1
    [only] = wait_for_mail(1)
    assert only.subject == "Confirm your email address"  # the address's link, no notice
    no_more_mail(1)


def test_an_account_without_an_email_gets_no_mail_and_works_the_same():
    user = make_user(email="")
    client = sign_in(user)
    sign_in(user, SAFARI)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert client.post("/accounts/password/", data).status_code == 302
    no_more_mail(0)


def test_the_notice_is_in_the_language_of_the_request():
    user = make_user(email="ada@example.org")
    client = sign_in(user, HTTP_ACCEPT_LANGUAGE="ko")
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    client.post("/accounts/password/", data, headers={"Accept-Language": "ko"})
    [notice] = wait_for_mail(1)
    assert notice.subject == "비밀번호가 변경되었습니다"
    assert "계정의 비밀번호가 변경되었습니다." in notice.body


def test_a_notice_arrives_over_real_smtp(smtp_inbox):
    user = make_user(email="ada@example.org")
    client = sign_in(user)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    client.post("/accounts/password/", data)
    message = smtp_inbox.wait_for_message("ada@example.org")
    assert message["Subject"] == "Your password was changed"
    assert "Device: Firefox on Windows" in body(message)


def test_a_mail_server_that_is_down_never_stops_the_change_and_is_logged(settings, caplog):
    settings.MAILERS = smtp_mailers(free_port(), timeout=2)  # nothing listens there
    user = make_user(email="ada@example.org")
    client = sign_in(user)
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    with caplog.at_level(logging.ERROR, logger="accounts.notifications"):
        response = client.post("/accounts/password/", data)
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password(NEW)
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "The password_changed notice could not be sent." in caplog.text
