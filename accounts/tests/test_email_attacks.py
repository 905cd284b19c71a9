"""The attacks of the security review on email addresses, against a running server.

Each test does over HTTP what an outsider did to the live site (pytest-django's live
server; `Visitor(source=...)` connects from its own loopback address, so the server sees
several clients) and reads the app's mail from a real SMTP server:

- strangers asking for someone's password reset must not block the owner's own request,
  nor flood the owner's inbox;
- signing up (live checks, the submitted form, the Email settings) must not tell whether
  an address has an account;
- an address nobody confirmed must not block its real owner.

The tests that send requests in parallel run on PostgreSQL (and Redis for the counts):
the live server's threads share SQLite's in-memory database through one connection.
"""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.tests.factories import PASSWORD, make_user, start_of_a_window
from support.races import all_at_once
from support.smtp import addresses, body, reset_link
from support.visitor import Visitor

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
VICTIM = "victim@example.org"
VICTIM_TYPED = "Victim@example.org"  # the same address, as the owner types it
NEW_PASSWORD = "a-new-Passphrase-77"
# What the reset page promises: at most one email every 10 minutes per address.
MAIL_INTERVAL = 10 * 60
RESET_SUBJECT = re.compile(r"Reset your password on ")
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/email/confirm/[^/\s]+/")
SOMEONE_TRIED = "Someone tried to use your email address"


def mails_to(inbox, address, subject=None):
    return [
        message
        for message in inbox.messages
        if address in addresses(message)
        and (subject is None or re.match(subject, message["Subject"]))
    ]


def ask_for_reset(visitor, site, address):
    return visitor.post_form(f"{site}/accounts/password/reset/", {"email": address})


def set_new_password(visitor, link, password=NEW_PASSWORD):
    form_url = visitor.get(link).headers["Location"]  # Django moves the token to the session
    data = {"new_password1": password, "new_password2": password}
    return visitor.post_form(f"{link.split('/accounts/')[0]}{form_url}", data)


# 5. Strangers cannot block someone's password reset, nor flood their inbox


@pytest.mark.postgres  # parallel requests: each server thread needs its own connection
def test_strangers_asking_for_a_reset_neither_block_the_owner_nor_flood_the_inbox(site, smtp_inbox):
    make_user("victim", email=VICTIM)
    strangers = [Visitor(source=f"127.0.0.{n}") for n in range(2, 8)]
    owner = Visitor(source="127.0.0.9")
    with start_of_a_window(MAIL_INTERVAL, tick=True):
        answers = all_at_once(
            len(strangers),
            lambda i: [
                ask_for_reset(strangers[i], site, typed) for typed in (VICTIM, VICTIM.upper())
            ],
        )
        mine = ask_for_reset(owner, site, VICTIM)

    sent_page = "/accounts/password/reset/sent/"
    assert mine.status_code == 302  # the same neutral answer, not "too many"
    assert mine.headers["Location"] == sent_page
    assert all(a.status_code == 302 for pair in answers for a in pair), answers
    assert {a.headers["Location"] for pair in answers for a in pair} == {sent_page}
    page = owner.get(f"{site}{sent_page}").text
    assert "at most one email every 10 minutes" in page
    # Thirteen requests, one mail (sent after the answer, in the background).
    [mail] = smtp_inbox.wait_for_count(VICTIM, 1)
    assert RESET_SUBJECT.match(mail["Subject"])
    done = set_new_password(owner, reset_link(mail))
    assert done.headers["Location"] == "/accounts/password/reset/complete/"
    assert owner.log_in(site, VICTIM, NEW_PASSWORD).status_code == 302


def test_after_the_interval_the_owner_gets_a_new_reset_mail(site, smtp_inbox):
    make_user("victim", email=VICTIM)
    stranger, owner = Visitor(source="127.0.0.2"), Visitor(source="127.0.0.3")
    with start_of_a_window(MAIL_INTERVAL, tick=True) as clock:
        ask_for_reset(stranger, site, VICTIM)
        smtp_inbox.wait_for_count(VICTIM, 1)
        clock.shift(MAIL_INTERVAL - 5)
        ask_for_reset(owner, site, VICTIM)  # within the interval: nothing is sent
        clock.shift(5)
        assert ask_for_reset(owner, site, VICTIM).headers["Location"].endswith("/sent/")
        smtp_inbox.wait_for_count(VICTIM, 2)
    first, second = mails_to(smtp_inbox, VICTIM)  # two mails for three requests
    assert reset_link(first) != reset_link(second)
    # Both links work: the one from the earlier mail still does.
    assert set_new_password(owner, reset_link(first)).status_code == 302


@pytest.mark.postgres  # parallel requests: each server thread needs its own connection
def test_reset_requests_are_still_limited_per_client_address(site, settings):
    limit, _window = settings.RATE_LIMITS["password-reset-ip"]
    clients = [Visitor(source=f"127.0.0.{n}") for n in (11, 12, 13)]
    tokens = [c.csrf_token(f"{site}/accounts/password/reset/") for c in clients]

    def ask_many(i):
        url = f"{site}/accounts/password/reset/"
        return [
            clients[i].post(url, {"csrfmiddlewaretoken": tokens[i], "email": f"x{n}@example.org"})
            for n in range(limit + 2)
        ]

    answers = all_at_once(len(clients), ask_many)

    for responses in answers:
        statuses = [r.status_code for r in responses]
        assert sorted(statuses) == [302] * limit + [429] * 2, statuses
        refused = next(r for r in responses if r.status_code == 429)
        assert "Too many reset requests. Please try again in an hour." in refused.text


# 6. Signing up never tells whether an address has an account


def live_check(visitor, url, token, field, **data):
    headers = {"HX-Request": "true", "HX-Trigger-Name": field, "HX-Trigger": f"id_{field}"}
    return visitor.post(url, {"csrfmiddlewaretoken": token, **data}, headers=headers)


def normalised(response, *names):
    """What a visitor sees of a response, with this visitor's own values (CSRF tokens,
    CSP nonces, and the usernames and addresses in `names`) written the same way."""
    text = response.text
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1TOKEN", text)
    text = re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', text)
    for n, name in enumerate(names):
        text = re.sub(re.escape(name), f"NAME{n}", text, flags=re.IGNORECASE)
    location = response.headers.get("Location") or response.headers.get("HX-Location")
    return response.status_code, location, text


@pytest.mark.postgres  # parallel requests: each server thread needs its own connection
def test_live_checks_from_one_address_are_refused_after_the_limit(site, settings):
    limit = 10 * settings.RATE_LIMITS["signup-ip"][0]  # ten checks per sign-up allowed
    url = f"{site}/accounts/signup/"
    threads = 10
    visitors = [Visitor(source="127.0.0.4") for _ in range(threads)]
    tokens = [visitor.csrf_token(url) for visitor in visitors]

    def check_many(i):
        return [
            live_check(visitors[i], url, tokens[i], "email", email=f"guess{i}-{n}@example.org")
            for n in range(limit // threads + 1)
        ]

    answers = [r for responses in all_at_once(threads, check_many) for r in responses]

    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == limit
    assert statuses.count(429) == len(answers) - limit
    refused = next(r for r in answers if r.status_code == 429)
    assert refused.text.strip().startswith('<div id="id_email_feedback"')
    assert "Too many checks from your network" in refused.text
    # Another client is still answered, and this one can still sign up: the form is
    # checked when it is sent.
    other = Visitor(source="127.0.0.5")
    assert (
        live_check(other, url, other.csrf_token(url), "username", username="x").status_code == 200
    )
    assert visitors[0].sign_up(site, "after-the-checks", "free@example.org").status_code == 302


@pytest.mark.parametrize("mode", ["optional", "mandatory"])
def test_signup_never_tells_whether_an_address_has_an_account(site, smtp_inbox, settings, mode):
    settings.ACCOUNT_EMAIL_VERIFICATION = mode
    make_user("victim", password="the-victims-Own-9", email=VICTIM)
    url = f"{site}/accounts/signup/"
    free = "free@example.org"
    attacker = Visitor(source="127.0.0.6")
    token = attacker.csrf_token(url)

    for field in ("email", "username"):
        taken = live_check(attacker, url, token, field, username="mallory", email=VICTIM)
        other = live_check(attacker, url, token, field, username="mallory", email=free)
        assert normalised(taken, VICTIM) == normalised(other, free), field

    # A form sent with another mistake: only that mistake is reported.
    wrong = {"username": "mallory", "password1": PASSWORD, "password2": "other"}
    taken = attacker.post(url, {"csrfmiddlewaretoken": token, **wrong, "email": VICTIM})
    other = attacker.post(url, {"csrfmiddlewaretoken": token, **wrong, "email": free})
    assert taken.status_code == 422
    assert normalised(taken, VICTIM) == normalised(other, free)

    # A good form: an account either way, and the same pages after it.
    answers = {}
    for username, address in (("mallory", VICTIM), ("trudy", free)):
        visitor = Visitor(source="127.0.0.6")
        response = visitor.sign_up(site, username, address)
        assert response.status_code == 302, response.text
        answers[address] = [normalised(response, username, address)]
        answers[address].append(
            normalised(visitor.get(site + response.headers["Location"]), username, address)
        )
    assert answers[VICTIM] == answers[free]

    # The owner hears of it, and no link to confirm the address goes anywhere.
    notice = smtp_inbox.wait_for_mail(VICTIM, SOMEONE_TRIED)
    assert "log in" in body(notice)
    smtp_inbox.wait_for_mail(free, "Confirm your email address")
    assert not any(CONFIRM_LINK.search(body(m)) for m in mails_to(smtp_inbox, VICTIM))
    mallory = User.objects.get(username="mallory")
    assert (mallory.email, mallory.email_verified) == (VICTIM, False)
    # The new account cannot log in with the address.
    assert Visitor(source="127.0.0.6").log_in(site, VICTIM).status_code == 422


def test_adding_an_address_in_settings_never_tells_whether_it_has_an_account(site, smtp_inbox):
    make_user("victim", email=VICTIM)
    answers = {}
    for username, address in (("mallory", VICTIM), ("trudy", "free@example.org")):
        make_user(username)
        visitor = Visitor(source="127.0.0.7")
        assert visitor.log_in(site, username).status_code == 302
        response = visitor.post_form(f"{site}/accounts/email/", {"email": address})
        page = visitor.get(f"{site}/accounts/email/")
        answers[address] = [normalised(r, username, address) for r in (response, page)]
    assert answers[VICTIM] == answers["free@example.org"]
    smtp_inbox.wait_for_mail(VICTIM, SOMEONE_TRIED)
    assert not any(CONFIRM_LINK.search(body(m)) for m in mails_to(smtp_inbox, VICTIM))


# 7. An address nobody confirmed does not block its owner


def confirmation_link_for(inbox, address, username):
    """The link in the confirmation mail sent to `address` for the account `username`."""
    for message in mails_to(inbox, address, "Confirm your"):
        if body(message).startswith(f"Hello {username},"):
            return CONFIRM_LINK.search(body(message))[0]
    raise AssertionError(f"no link for {username} in {[body(m) for m in inbox.messages]}")


def confirm(visitor, link):
    return visitor.post_form(link, {})


def test_an_unconfirmed_address_never_blocks_its_owner(site, smtp_inbox):
    attacker = Visitor(source="127.0.0.8")
    assert attacker.sign_up(site, "mallory", VICTIM).status_code == 302
    smtp_inbox.wait_for_mail(VICTIM, "Confirm your email address")

    victim = Visitor(source="127.0.0.9")
    response = victim.sign_up(site, "victim", VICTIM_TYPED)
    assert response.status_code == 302, response.text
    smtp_inbox.wait_for_mail(VICTIM_TYPED, "Confirm your email address")
    assert (
        confirm(victim, confirmation_link_for(smtp_inbox, VICTIM_TYPED, "victim")).status_code
        == 302
    )

    mallory, owner = User.objects.get(username="mallory"), User.objects.get(username="victim")
    assert (owner.email, owner.email_verified) == (VICTIM_TYPED, True)
    assert (mallory.email, mallory.email_verified, mallory.pending_email) == ("", False, "")
    # The attacker's own link is dead, and the address logs in to the owner's account.
    refused = confirm(attacker, confirmation_link_for(smtp_inbox, VICTIM, "mallory"))
    assert refused.status_code == 422
    assert "Another account uses this address now" in refused.text
    assert Visitor().log_in(site, VICTIM).status_code == 302
