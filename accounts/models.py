from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class User(AbstractUser):
    """The project's user. Its own model from the first migration, so fields can be added later."""


class UserSession(AbstractBaseSession):
    """A session row that knows whose it is, so all of a user's sessions can be found and ended."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )

    @classmethod
    def get_session_store_class(cls):
        from accounts.session_store import SessionStore

        return SessionStore

    @classmethod
    def end_all_for(cls, user, *, except_key=None):
        """Sign the user out everywhere, except the session with `except_key`."""
        sessions = cls.objects.filter(user=user)
        if except_key:
            sessions = sessions.exclude(session_key=except_key)
        return sessions.delete()[0]
