"""The session engine (SESSION_ENGINE): sessions in the database, read through the cache.

The database row is the session: it stores whose session it is and where it is used
(the columns are filled from the session's data each time it is saved, so they follow
key rotations at login and password change without any extra query), and the sessions
page lists those rows.

With a cache that all server processes share (Redis, SESSION_CACHE_SECONDS > 0), a copy
is read from the cache first, as Django's cached_db engine does: a signed-in page then
asks the database only for its user. Unlike cached_db:

- only the database writes a copy: a save drops it, and the next read fills it with
  `add`, which never replaces what is there;
- a session that ends in any way (logout, the sessions page, a password change or
  reset, a deleted account: accounts.signals.forget_cached_session on the row's
  deletion) leaves a marker in its place, so that a read that was already under way
  cannot put the old copy back;
- a copy lives at most SESSION_CACHE_SECONDS;
- a cache that is down never fails a request: the database answers (core/cache.py).
"""

import contextlib
import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import cache

from accounts.sessions import activity
from core.cache import UNAVAILABLE

logger = logging.getLogger(__name__)

CACHE_KEY_PREFIX = "sessions:"
ENDED = "ended"
SESSION_KEY_MAX_LENGTH = 40  # AbstractBaseSession.session_key


def cache_key(session_key):
    return CACHE_KEY_PREFIX + session_key


def forget(session_key):
    """Mark a session that has ended as ended in the cache (its row is gone)."""
    if settings.SESSION_CACHE_SECONDS:
        try:
            cache.set(cache_key(session_key), ENDED, settings.SESSION_CACHE_SECONDS)
        except UNAVAILABLE as error:
            logger.warning(
                "An ended session may stay in the cache for up to %s s: %s",
                settings.SESSION_CACHE_SECONDS,
                error,
            )


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        instance.ip_address = data.get(activity.IP_ADDRESS)
        instance.user_agent = data.get(activity.USER_AGENT, "")
        instance.sign_in_method = data.get(activity.SIGN_IN_METHOD, "")
        instance.signed_in_at = activity.as_datetime(data.get(activity.AUTH_TIME))
        instance.last_activity = activity.as_datetime(data.get(activity.LAST_ACTIVITY))
        return instance

    def _validate_session_key(self, key):
        # No row has a longer key (the column holds 40 characters; ours are 32): a
        # longer cookie is made up, and is not even looked up in the cache.
        return super()._validate_session_key(key) and len(key) <= SESSION_KEY_MAX_LENGTH

    def load(self):
        if not settings.SESSION_CACHE_SECONDS or not self._validate_session_key(self.session_key):
            return super().load()
        try:
            data = cache.get(cache_key(self.session_key))
        except UNAVAILABLE:  # logged by core.cache
            return super().load()
        if data == ENDED:
            self._session_key = None
            return {}
        if data is not None:
            return data
        row = self._get_session_from_db()  # None also forgets the key
        if row is None:
            return {}
        data = self.decode(row.session_data)
        age = min(self.get_expiry_age(expiry=row.expire_date), settings.SESSION_CACHE_SECONDS)
        with contextlib.suppress(UNAVAILABLE):  # logged by core.cache
            cache.add(cache_key(self.session_key), data, age)
        return data

    def save(self, must_create=False):
        super().save(must_create)
        if settings.SESSION_CACHE_SECONDS:
            try:
                cache.delete(cache_key(self.session_key))
            except UNAVAILABLE as error:
                logger.warning(
                    "A changed session may keep an old copy in the cache for up to %s s: %s",
                    settings.SESSION_CACHE_SECONDS,
                    error,
                )

    def delete(self, session_key=None):
        session_key = session_key or self.session_key
        super().delete(session_key)
        if session_key:
            forget(session_key)
