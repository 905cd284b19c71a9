"""Fixtures of core's tests (the ones every app's tests use are in the root conftest.py;
plain helpers in support/ and core/tests/helpers.py)."""

from types import SimpleNamespace

import pytest

from support.smtp import Inbox, start_server


@pytest.fixture
def mail_server():
    """A real SMTP server on 127.0.0.1 for the app servers that a test starts.

    `env` points a server at it; `inbox` holds what arrived.
    """
    inbox = Inbox()
    controller = start_server(inbox)
    yield SimpleNamespace(
        env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(controller.port)}, inbox=inbox
    )
    controller.stop()
