"""Fixtures of the accounts tests (the ones every app's tests use are in the root
conftest.py; plain helpers in support/ and accounts/tests/factories.py)."""

import pytest
from django.test import Client

from accounts.signin import flow
from accounts.tests.factories import make_user
from support.client import log_in, signed_in_client

SECOND_STEP = "/accounts/login/two-factor/"


@pytest.fixture
def member():
    """A member without a second factor (make_user)."""
    return make_user()


@pytest.fixture
def member_client(member):
    """A client that the login form signed in as `member`."""
    return signed_in_client(member)


@pytest.fixture
def halfway():
    """`halfway(user)`: a client (a new one, else `client`) that gave `user`'s password
    and now waits for the second step (a code or a passkey): half signed in."""

    def sign_in_halfway(user, client=None):
        client = client or Client()
        response = log_in(client, user)
        assert response.status_code == 302
        assert response.url == SECOND_STEP
        assert client.session[flow.PENDING_USER] == user.pk
        return client

    return sign_in_halfway


@pytest.fixture
def site(live_server):
    """The live server's address (a module changes settings first by overriding this)."""
    return live_server.url
