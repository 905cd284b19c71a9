"""Signup checks each field as the user leaves it (htmx posts the form with HX-Trigger-Name)."""

import re

import pytest
from django.contrib.auth import get_user_model

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
