"""The attacks of the security review on email addresses, against a running server.

Each test does over HTTP what an outsider did to the live site (pytest-django's live
server; `Visitor(source=...)` connects from its own loopback address, so the server sees
several clients) and reads the app's mail from a real SMTP server:

- strangers asking for someone's password reset must not block the owner's own request,
  nor flood the owner's inbox;
- the signup form's live checks must not answer without limit.

The tests that send requests in parallel run on PostgreSQL (and Redis for the counts):
the live server's threads share SQLite's in-memory database through one connection.
"""

import re

import pytest

from accounts.tests.factories import make_user, start_of_a_window
from core.tests.servers import Visitor, all_at_once
from e2e.smtp import Inbox, reset_link, smtp_mailers, start_server

pytestmark = pytest.mark.django_db(transaction=True)

VICTIM = "victim@example.org"
NEW_PASSWORD = "a-new-Passphrase-77"
# What the reset page promises: at most one email every 10 minutes per address.
MAIL_INTERVAL = 10 * 60
RESET_SUBJECT = re.compile(r"Reset your password on ")


@pytest.fixture
def inbox(settings):
    """A real SMTP server that the live server's app (in this process) sends to."""
    inbox = Inbox()
    controller = start_server(inbox)
    settings.MAILERS = smtp_mailers(controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def site(live_server):
    return live_server.url


def mails_to(inbox, address, subject=None):
    return [
        message
        for message in inbox.messages
        if address in [a.addr_spec for a in message["To"].addresses]
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
def test_strangers_asking_for_a_reset_neither_block_the_owner_nor_flood_the_inbox(site, inbox):
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
    # Thirteen requests, one mail (a reset mail is sent before the answer).
    [mail] = mails_to(inbox, VICTIM)
    assert RESET_SUBJECT.match(mail["Subject"])
    done = set_new_password(owner, reset_link(mail))
    assert done.headers["Location"] == "/accounts/password/reset/complete/"
    assert owner.log_in(site, VICTIM, NEW_PASSWORD).status_code == 302


def test_after_the_interval_the_owner_gets_a_new_reset_mail(site, inbox):
    make_user("victim", email=VICTIM)
    stranger, owner = Visitor(source="127.0.0.2"), Visitor(source="127.0.0.3")
    with start_of_a_window(MAIL_INTERVAL, tick=True) as clock:
        ask_for_reset(stranger, site, VICTIM)
        clock.shift(MAIL_INTERVAL - 5)
        ask_for_reset(owner, site, VICTIM)
        assert len(mails_to(inbox, VICTIM)) == 1
        clock.shift(5)
        assert ask_for_reset(owner, site, VICTIM).headers["Location"].endswith("/sent/")
    first, second = mails_to(inbox, VICTIM)
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


# 6. The signup form's live checks are limited


def live_check(visitor, url, token, field, **data):
    headers = {"HX-Request": "true", "HX-Trigger-Name": field, "HX-Trigger": f"id_{field}"}
    return visitor.post(url, {"csrfmiddlewaretoken": token, **data}, headers=headers)


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
