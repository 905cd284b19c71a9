import itertools

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(username=None, password=PASSWORD, **fields):
    username = username or f"user{next(_numbers)}"
    return get_user_model().objects.create_user(username=username, password=password, **fields)


def later(**delta):
    """Move the clock forward (time_machine), e.g. `with later(minutes=61): ...`."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)
