"""Two people asking for the same username, or confirming the same email, at once.

The form checks that the name is free, but another request can take it before this one
saves. The loser must see the ordinary form error, never a server error. An email is
never checked at signup (unconfirmed addresses are not unique): every sign-up with it
succeeds, and the race is for confirming it, which exactly one account wins.

The first tests lose the race deterministically: the rival row is written after the
form was validated and just before it saves, so the database's unique constraint
refuses the form's row. The last ones race for real, with simultaneous requests to a
live server on PostgreSQL, whose threads each hold their own connection.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from accounts.email import verification
from accounts.tests.factories import PASSWORD, make_user
from core.submissions import save_or_report_conflict
from support.races import RivalCommitsFirst, all_at_once
from support.visitor import Visitor

User = get_user_model()
TAKEN = "A user with that username already exists."


def signup_data(username, email=""):
    return {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}


def rival_saves_first(**rival):
    """A rival account (`rival`: User fields) is created just before the form saves."""
    return RivalCommitsFirst(
        save_or_report_conflict, lambda: User.objects.create_user(password=PASSWORD, **rival)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("rival_name", ["alice", "ALICE"])
def test_signup_that_loses_the_race_for_its_username_gets_the_form_error(client, rival_name):
    with rival_saves_first(username=rival_name) as rival:
        response = client.post(reverse("accounts:signup"), signup_data("alice"))

    assert rival.done
    assert response.status_code == 422
    assert TAKEN in response.text
    assert list(User.objects.values_list("username", flat=True)) == [rival_name]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_signup_while_another_account_confirms_its_email_still_succeeds(client):
    with rival_saves_first(username="bob", email="Shared@Example.org", email_verified=True):
        response = client.post(
            reverse("accounts:signup"), signup_data("alice", "shared@example.org")
        )

    assert response.status_code == 302
    alice = User.objects.get(username="alice")
    assert (alice.email, alice.email_verified) == ("shared@example.org", False)


@pytest.mark.django_db
def test_an_email_change_while_another_account_confirms_the_address_still_succeeds(client):
    user = make_user("alice")
    client.force_login(user)
    with rival_saves_first(username="bob", email="new@example.org", email_verified=True):
        response = client.post(reverse("accounts:email"), {"email": "NEW@example.org"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("NEW@example.org", False)


@pytest.mark.django_db
def test_a_confirmation_after_a_rival_confirmed_the_address_first_is_refused(client):
    alice = make_user("alice", email="shared@example.org", email_verified=False)
    bob = make_user("bob", email="Shared@example.org", email_verified=False)
    link = link_for(alice)

    def bob_confirms():
        verification.confirm(bob.pk, bob.email)

    with RivalCommitsFirst(verification.confirm, bob_confirms) as rival:
        response = client.post(link)

    assert rival.done
    assert response.status_code == 422
    assert "Another account uses this address now" in response.text
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (bob.email, bob.email_verified) == ("Shared@example.org", True)
    assert (alice.email, alice.email_verified) == ("", False)


def link_for(user, address=None):
    """The confirmation link that would be mailed for the user's address."""
    token = signing.dumps([user.pk, address or user.email], salt=verification.SALT)
    return reverse("accounts:confirm_email", args=[token])


# Real concurrency: PostgreSQL behind pytest-django's (threaded) live server.


@pytest.fixture
def live_url(live_server, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-ip": (1000, 3600)}
    return live_server.url


def race(url, data, *, count=10, before=None):
    """`count` visitors (each first `before(visitor, i)`, e.g. logging in) open the form
    at `url` one after the other, then all submit `data(i)` at the same instant."""
    visitors = [Visitor() for _ in range(count)]
    for i, visitor in enumerate(visitors):
        if before:
            before(visitor, i)
    tokens = [visitor.csrf_token(url) for visitor in visitors]
    return all_at_once(
        count, lambda i: visitors[i].post(url, {"csrfmiddlewaretoken": tokens[i], **data(i)})
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_of_one_name_make_one_account_and_form_errors(live_url):
    responses = race(
        f"{live_url}/accounts/signup/", lambda i: signup_data("alice" if i % 2 else "Alice")
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [422] * 9, responses
    assert all(TAKEN in r.text for r in responses if r.status_code == 422)
    assert User.objects.filter(username__iexact="alice").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_with_one_email_all_hold_it_unconfirmed(live_url):
    def data(i):
        return signup_data(f"person{i}", "Same@example.org" if i % 2 else "same@example.org")

    responses = race(f"{live_url}/accounts/signup/", data)

    assert [response.status_code for response in responses] == [302] * 10, responses
    holders = User.objects.filter(email__iexact="same@example.org")
    assert holders.count() == 10
    assert not holders.filter(email_verified=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_confirmations_of_one_address_give_it_to_one_account(live_url):
    # Each gave the address in the Email settings at the same instant, then each opens
    # the link at the same instant.
    people = [make_user(f"person{i}") for i in range(8)]
    changes = race(
        f"{live_url}/accounts/email/",
        lambda i: {"email": "Wanted@example.org" if i % 2 else "wanted@example.org"},
        count=len(people),
        before=lambda visitor, i: visitor.log_in(live_url, people[i].username),
    )
    assert [response.status_code for response in changes] == [302] * len(people), changes
    for person in people:
        person.refresh_from_db()
    links = [f"{live_url}{link_for(person)}" for person in people]
    visitors = [Visitor() for _ in people]
    tokens = [visitor.csrf_token(links[i]) for i, visitor in enumerate(visitors)]

    responses = all_at_once(
        len(people), lambda i: visitors[i].post(links[i], {"csrfmiddlewaretoken": tokens[i]})
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [422] * (len(people) - 1), responses
    refused = [r for r in responses if r.status_code == 422]
    assert all("Another account uses this address now" in r.text for r in refused)
    [winner] = User.objects.filter(email__iexact="wanted@example.org")
    assert winner.email_verified
    assert User.objects.filter(email="").count() == len(people) - 1
