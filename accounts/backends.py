import contextlib
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from core.cache import UNAVAILABLE

logger = logging.getLogger(__name__)


def find_account(identifier):
    """The account that `identifier` names: its username or, with an @, its confirmed
    email (accounts.email.verification), both ignoring case (both are unique ignoring case).
    None when no account matches."""
    if not identifier:
        return None
    User = get_user_model()
    if "@" in identifier:
        accounts = User._default_manager.filter(email__iexact=identifier, email_verified=True)
    else:
        accounts = User._default_manager.filter(username__iexact=identifier)
    return accounts.first()


def lockout_key(request, credentials):
    """What django-axes counts failed logins against (AXES_USERNAME_CALLABLE).

    Every spelling of one account (its username in any letter case, its email) counts
    against the same account. A name that matches no account is counted as typed, in
    lower case, so it is locked out just the same and a lockout reveals nothing about
    whether an account exists.
    """
    identifier = (credentials or {}).get("username") or request.POST.get("username", "")
    account = find_account(identifier.strip())
    return account.get_username() if account else identifier.strip().lower()


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or, when it contains an @, the email; case is ignored."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username.strip())
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, read through the cache (cached_user)."""
        user = cached_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def _user_key(user_id):
    return f"users:{user_id}"


def cached_user(user_id):
    """The user `user_id` (None if there is none), from a copy in the shared cache that
    lives at most USER_CACHE_SECONDS, so that a signed-in page needs no query at all.

    Saving or deleting a user drops the copy (forget_user, on post_save and post_delete)
    and the next read takes it from the database with `add`, which never replaces a
    copy another request put there. A cache that is down costs the query, never the
    request. Without Redis (USER_CACHE_SECONDS = 0) every read is a query.
    """
    if not settings.USER_CACHE_SECONDS:
        return _user_from_db(user_id)
    try:
        user = cache.get(_user_key(user_id))
    except UNAVAILABLE:  # logged by core.cache
        return _user_from_db(user_id)
    if user is None:
        user = _user_from_db(user_id)
        if user is not None:
            with contextlib.suppress(UNAVAILABLE):
                cache.add(_user_key(user_id), user, settings.USER_CACHE_SECONDS)
    return user


def _user_from_db(user_id):
    User = get_user_model()
    try:
        return User._default_manager.get(pk=user_id)
    except User.DoesNotExist:
        return None


def forget_user(user_id):
    """Drop the cached copy of a user who changed or was deleted."""
    if settings.USER_CACHE_SECONDS:
        try:
            cache.delete(_user_key(user_id))
        except UNAVAILABLE as error:
            logger.warning(
                "A changed user may keep an old copy in the cache for up to %s s: %s",
                settings.USER_CACHE_SECONDS,
                error,
            )
