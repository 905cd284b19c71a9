"""Logging in by username or email (accounts.backends.UsernameOrEmailBackend)."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import RequestFactory

from accounts.backends import UsernameOrEmailBackend
from accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def authenticate(username, password):
    request = RequestFactory().post("/accounts/login/")
    return UsernameOrEmailBackend().authenticate(request, username=username, password=password)


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes_during(settings):
    """How many passwords a call hashes."""
    settings.PASSWORD_HASHERS = [
        "accounts.tests.test_backends.CountingHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    def count(call, *args, **kwargs):
        CountingHasher.hashed = 0
        call(*args, **kwargs)
        return CountingHasher.hashed

    return count


@pytest.mark.parametrize("identifier", ["ada", "ADA", "ada@example.org", "Ada@Example.ORG"])
def test_the_username_or_the_email_logs_in_whatever_the_case(identifier):
    user = make_user("ada", email="ada@example.org")
    assert authenticate(username=identifier, password=PASSWORD) == user


@pytest.mark.parametrize("identifier", ["ada", "ada@example.org"])
def test_a_wrong_password_logs_nobody_in(identifier):
    make_user("ada", email="ada@example.org")
    assert authenticate(username=identifier, password="wrong") is None


def test_an_inactive_account_cannot_log_in():
    make_user("ada", is_active=False)
    assert authenticate(username="ada", password=PASSWORD) is None


@pytest.mark.parametrize("identifier", ["nobody", "nobody@example.org"])
def test_an_unknown_name_still_costs_one_password_hash(hashes_during, identifier):
    # As long as checking a wrong password: the answer's timing tells nothing.
    make_user("ada", email="ada@example.org")
    assert hashes_during(authenticate, username=identifier, password="anything") == 1
    assert authenticate(username=identifier, password="anything") is None


def test_a_login_without_a_password_or_a_name_is_not_attempted(hashes_during):
    make_user("ada")
    assert authenticate(username="ada", password=None) is None
    assert authenticate(username=None, password=PASSWORD) is None
    assert hashes_during(authenticate, username="ada", password=None) == 0
