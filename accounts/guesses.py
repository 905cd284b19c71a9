"""How often a secret of an account may be guessed: counted per account, in the database.

Counted here (settings.GUESS_LIMITS: at most so many wrong answers per account per window):
- SECOND_FACTOR: the codes of the second step of a sign-in (authenticator and recovery
  codes), from every address and every sign-in together;
- SESSION_PASSWORD: the password typed inside a signed-in session (the sudo prompt,
  deleting the account, changing the password), from every session together.

A guess is counted before it is checked, with the account's row locked, and given back
when it was right: requests sent at the same instant, from any number of addresses,
cannot check more guesses than the limit. The wrong guess that reaches the limit, and every
guess after it until the window ends, raise TooManyGuesses; the member is told by mail
once, when the limit is reached. Changing or resetting the password starts the counts
again (`forget`): whoever was guessing no longer knows the password.

In the database, not the cache: these limits hold while Redis is down, full or flushed.
(Failed logins are counted per account in the cache too: accounts.signin.views.login.)
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import notifications
from accounts.models import Guesses

SECOND_FACTOR = "second-factor"
SESSION_PASSWORD = "session-password"

NOTICES = {SECOND_FACTOR: "second_factor_locked", SESSION_PASSWORD: "session_password_locked"}


class TooManyGuesses(Exception):
    """No guess of this secret is checked before `until`."""

    def __init__(self, secret, until):
        super().__init__(secret, until)
        self.secret = secret
        self.until = until


def _rows(user, secret):
    return Guesses.objects.filter(user=user, secret=secret)


def _take(user, secret):
    """Count one guess. Returns the count with it, or None when none is left."""
    limit, seconds = settings.GUESS_LIMITS[secret]
    now = timezone.now()
    with transaction.atomic():
        Guesses.objects.bulk_create(
            [Guesses(user=user, secret=secret, window_started=now)], ignore_conflicts=True
        )
        # Locked until this transaction ends: simultaneous guesses are counted one by one.
        row = _rows(user, secret).select_for_update().get()
        if row.window_started <= now - timedelta(seconds=seconds):
            row.count, row.window_started = 0, now  # a new window
        if row.count >= limit:
            return None
        row.count += 1
        row.save(update_fields=["count", "window_started"])
    return row.count


def _give_back(user, secret):
    _rows(user, secret).filter(count__gt=0).update(count=F("count") - 1)


def locked_until(user, secret):
    """When guesses of this secret are checked again, or None if they are now."""
    limit, seconds = settings.GUESS_LIMITS[secret]
    row = _rows(user, secret).filter(count__gte=limit).first()
    if row is None:
        return None
    until = row.window_started + timedelta(seconds=seconds)
    return until if until > timezone.now() else None


def check(request, user, secret, is_right):
    """Count a guess of `user`'s `secret` and return `is_right()` (called only when the
    guess may be checked). Raises TooManyGuesses when none is left, or when this wrong
    guess was the last one (the member then hears of it by mail)."""
    count = _take(user, secret)
    if count is None:
        raise TooManyGuesses(secret, locked_until(user, secret))
    if is_right():
        _give_back(user, secret)
        return True
    limit, _seconds = settings.GUESS_LIMITS[secret]
    if count >= limit:
        until = locked_until(user, secret)
        notifications.notify(request, user, NOTICES[secret], until=until)
        raise TooManyGuesses(secret, until)
    return False


def forget(user):
    """Start every count of `user` again (a new password)."""
    Guesses.objects.filter(user=user).delete()
