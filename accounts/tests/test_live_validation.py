"""Signup checks each field as the user leaves it (htmx posts the form with HX-Trigger-Name)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.tests.factories import make_user

pytestmark = pytest.mark.django_db


def check(client, field, **data):
    headers = {"HX-Request": "true", "HX-Trigger-Name": field, "HX-Trigger": f"id_{field}"}
    return client.post("/accounts/signup/", data, headers=headers)


def test_taken_username_is_reported(client):
    make_user("taken")
    response = check(client, "username", username="Taken")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith('<div id="id_username_feedback"')
    assert "A user with that username already exists." in content


def test_free_username_is_confirmed(client):
    response = check(client, "username", username="free-name")
    confirmation = re.search(r'class="valid-feedback[^"]*">(.*?)</div>', response.text)[1]
    assert confirmation == "This username is available."


def test_invalid_username_is_reported(client):
    response = check(client, "username", username="no spaces!")
    assert b"Enter a valid username" in response.content


def test_weak_password_is_reported_with_the_rules(client):
    response = check(client, "password1", username="ada", password1="123")
    content = response.content.decode()
    assert "too short" in content
    assert "entirely numeric" in content


def test_password_too_similar_to_the_username_is_reported(client):
    response = check(client, "password1", username="margaretha", password1="margaretha1")
    assert b"too similar" in response.content


def test_good_password_shows_no_error(client):
    response = check(client, "password1", username="ada", password1="a-long-Passphrase-42")
    assert b"invalid-feedback" not in response.content


def test_mismatched_confirmation_is_reported(client):
    response = check(client, "password2", password1="a-long-Passphrase-42", password2="other")
    assert b"The two password fields didn" in response.content


def test_live_check_never_creates_the_user(client):
    data = {
        "username": "ada",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
    }
    check(client, "username", **data)
    assert not get_user_model().objects.exists()


def test_signup_fields_carry_the_live_check(client):
    content = client.get("/accounts/signup/").content.decode()
    assert 'hx-target="#id_username_feedback"' in content
    assert 'hx-trigger="change"' in content


@pytest.mark.parametrize("field", ["password1", "password2"])
def test_a_password_check_asks_nothing_of_the_database(client, django_assert_num_queries, field):
    data = {"username": "ada", "password1": "123", "password2": "1234"}
    with django_assert_num_queries(0):
        response = check(client, field, **data)
    assert b"invalid-feedback" in response.content


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("email", {"username": "free-name", "email": "ada@example.org"}),
        ("password1", {"username": "free-name", "password1": "a-long-Passphrase-42"}),
    ],
)
def test_only_a_free_username_is_confirmed_as_available(client, field, data):
    response = check(client, field, **data)
    assert b"invalid-feedback" not in response.content
    assert b"available" not in response.content
    assert b"valid-feedback" not in response.content


def test_a_username_left_empty_is_neither_refused_nor_confirmed(client):
    response = check(client, "username", username="")
    assert b"available" not in response.content


def test_a_taken_email_is_answered_as_a_free_one(client):
    make_user(email="taken@example.org")
    taken = check(client, "email", username="ada", email="Taken@example.org")
    free = check(client, "email", username="ada", email="free@example.org")
    assert taken.status_code == free.status_code == 200
    assert taken.content == free.content
    assert b"invalid-feedback" not in taken.content


def test_an_invalid_email_is_reported(client):
    response = check(client, "email", username="ada", email="not-an-address")
    assert b"Enter a valid email address." in response.content


def test_live_checks_are_limited_per_client_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-check-ip": (3, 3600)}
    client = Client(REMOTE_ADDR="203.0.113.20")
    for _ in range(3):
        assert check(client, "username", username="ada").status_code == 200
    refused = check(client, "email", email="ada@example.org")
    assert refused.status_code == 429
    assert refused.text.strip().startswith('<div id="id_email_feedback"')
    assert texts_of_feedback(refused.text) == [
        "Too many checks from your network. This is checked when you sign up."
    ]
    elsewhere = check(Client(REMOTE_ADDR="198.51.100.20"), "username", username="ada")
    assert elsewhere.status_code == 200


def test_the_form_is_still_checked_when_sent_after_too_many_live_checks(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup-check-ip": (1, 3600)}
    make_user("taken")
    client = Client(REMOTE_ADDR="203.0.113.21")
    check(client, "username", username="taken")
    assert check(client, "username", username="taken").status_code == 429
    good = "a-long-Passphrase-42"
    data = {"username": "taken", "password1": good, "password2": good}
    refused = client.post("/accounts/signup/", data)
    assert refused.status_code == 422
    assert "A user with that username already exists." in refused.text
    data["username"] = "free-name"
    assert client.post("/accounts/signup/", data).status_code == 302


def texts_of_feedback(html):
    return [" ".join(t.split()) for t in re.findall(r"<div>(.*?)</div>", html, re.S)]
