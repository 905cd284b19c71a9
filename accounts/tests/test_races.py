"""Two people asking for the same username or email at the same moment.

The form checks that the name is free, but another request can take it before this one
saves. The loser must see the ordinary form error, never a server error.

The first tests lose the race deterministically: the rival row is inserted after the
form was validated and just before it saves, so the database's unique constraint
refuses the form's row. The last ones race for real, with simultaneous requests to a
live server on PostgreSQL, whose threads each hold their own connection.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.tests.factories import PASSWORD, make_user
from core.submissions import save_or_report_conflict
from core.tests.helpers import RivalCommitsFirst
from core.tests.servers import Visitor, all_at_once

User = get_user_model()
TAKEN = "A user with that username already exists."
EMAIL_TAKEN = "An account with this email address already exists."


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
def test_signup_that_loses_the_race_for_its_email_gets_the_form_error(client):
    with rival_saves_first(username="bob", email="Shared@Example.org") as rival:
        response = client.post(
            reverse("accounts:signup"), signup_data("alice", "shared@example.org")
        )

    assert rival.done
    assert response.status_code == 422
    assert EMAIL_TAKEN in response.text
    assert not User.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_an_email_change_that_loses_the_race_for_the_address_gets_the_form_error(client):
    user = make_user("alice")
    client.force_login(user)
    with rival_saves_first(username="bob", email="new@example.org") as rival:
        response = client.post(reverse("accounts:email"), {"email": "NEW@example.org"})

    assert rival.done
    assert response.status_code == 422
    assert EMAIL_TAKEN in response.text
    user.refresh_from_db()
    assert user.email == ""


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
def test_simultaneous_signups_with_one_email_make_one_account(live_url):
    def data(i):
        # Three addresses, each written in two letter cases.
        return signup_data(f"person{i}", f"{'Same' if i % 2 else 'same'}{i % 3}@example.org")

    responses = race(f"{live_url}/accounts/signup/", data)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] * 3 + [422] * 7, responses
    assert all(EMAIL_TAKEN in r.text for r in responses if r.status_code == 422)
    assert User.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_email_changes_to_one_address_give_it_to_one_account(live_url):
    people = [make_user(f"person{i}") for i in range(8)]
    responses = race(
        f"{live_url}/accounts/email/",
        lambda i: {"email": "Wanted@example.org" if i % 2 else "wanted@example.org"},
        count=len(people),
        before=lambda visitor, i: visitor.log_in(live_url, people[i].username),
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302] + [422] * (len(people) - 1), responses
    assert all(EMAIL_TAKEN in r.text for r in responses if r.status_code == 422)
    assert User.objects.filter(email__iexact="wanted@example.org").count() == 1
