import itertools

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(username=None, password=PASSWORD, **fields):
    """A user; an email given is confirmed unless `email_verified=False` says otherwise."""
    username = username or f"user{next(_numbers)}"
    if fields.get("email"):
        fields.setdefault("email_verified", True)
    return get_user_model().objects.create_user(username=username, password=password, **fields)


# User-Agent headers of two devices the sessions page tells apart.
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
)


def later(**delta):
    """Move the clock forward (time_machine), e.g. `with later(minutes=61): ...`."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def start_of_a_window(window, tick=False):
    """Move the clock to the first second of the next fixed window of `window` seconds
    (core.ratelimit counts in such windows), so that a test moving it on by less than
    `window` (`later`) stays in the same one. `tick`: let the clock run from there."""
    import time

    import time_machine

    return time_machine.travel((time.time() // window + 1) * window, tick=tick)


def wait_for_mail(count, timeout=5):
    """django.core.mail.outbox once it holds `count` messages: notices are sent after
    the change commits, in a thread of their own."""
    import time

    from django.core import mail

    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(mail.outbox) >= count, [m.subject for m in mail.outbox]
    return mail.outbox
