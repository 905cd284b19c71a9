import itertools

from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(username=None, password=PASSWORD, **fields):
    username = username or f"user{next(_numbers)}"
    return get_user_model().objects.create_user(username=username, password=password, **fields)
