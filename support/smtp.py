"""A real SMTP server on 127.0.0.1 for tests that read the app's email.

`start_server(Inbox())` runs aiosmtpd's server in a thread of this process; the `Inbox`
keeps what it is sent. The app finds it through `smtp_mailers(port)` (settings.MAILERS:
the tests' own app and pytest-django's live server, which run in this process) or through
EMAIL_HOST and EMAIL_PORT (servers started as processes). The fixtures are in the
conftest.py files: `smtp_inbox` (root, and e2e's) and `mail_server` (core/tests).
"""

import email
import re
import threading
from email import policy

from aiosmtpd.controller import Controller

from support.ports import free_port

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/\S+/")


class Inbox:
    """An aiosmtpd handler keeping every message it is sent."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for_message(self, to, timeout=5):
        """The first message sent to `to`, waiting up to `timeout` seconds for it.

        The app sends while answering the request, but nothing here depends on that:
        the wait ends as soon as the server hands the message over.
        """

        def find():
            return next((m for m in self.messages if to in addresses(m)), None)

        with self._arrived:
            found = self._arrived.wait_for(find, timeout=timeout)
        assert found, f"no email to {to} within {timeout} s; received: {self.recipients()}"
        return found

    def wait_for_mail(self, to, subject, timeout=5):
        """The message called `subject` sent to `to`, waiting up to `timeout` seconds (other
        mail may come first: the address to confirm, another notice)."""

        def find():
            return next(
                (m for m in self.messages if to in addresses(m) and m["Subject"] == subject),
                None,
            )

        with self._arrived:
            found = self._arrived.wait_for(find, timeout=timeout)
        subjects = [m["Subject"] for m in self.messages]
        assert found, f"no {subject!r} to {to} within {timeout} s; received: {subjects}"
        return found

    def wait_for_count(self, to, count, timeout=5):
        """The messages sent to `to`, once there are at least `count` of them (the app
        sends after answering, in the background)."""

        def sent():
            return [m for m in self.messages if to in addresses(m)]

        with self._arrived:
            self._arrived.wait_for(lambda: len(sent()) >= count, timeout=timeout)
        found = sent()
        assert len(found) >= count, f"{len(found)} emails to {to} within {timeout} s"
        return found

    def recipients(self):
        return [to for message in self.messages for to in addresses(message)]


def addresses(message):
    return [address.addr_spec for address in message["To"].addresses]


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def reset_link(message):
    """The password reset link in an email from the app."""
    found = RESET_LINK.search(body(message))
    assert found, f"no reset link in:\n{body(message)}"
    return found[0]


def smtp_mailers(port, timeout=5):
    """settings.MAILERS that send over SMTP to 127.0.0.1:`port`."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


def start_server(handler, attempts=3):
    """aiosmtpd's server for `handler` (an Inbox), started on a free port of 127.0.0.1
    (its `port`); it answers once this returns. Stop it with its stop()."""
    # Another process may take the free port before the server binds it (pytest -n).
    for attempt in range(attempts):
        controller = Controller(
            handler, hostname="127.0.0.1", port=free_port(), server_hostname="localhost"
        )
        try:
            controller.start()
        except OSError:
            if attempt == attempts - 1:
                raise
        else:
            return controller
    raise AssertionError("unreachable")
