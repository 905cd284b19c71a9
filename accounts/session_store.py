"""Database session engine (SESSION_ENGINE) that stores whose session a row is.

Django's documented way to extend the database-backed session engine: the columns are
filled from the session's data each time the session is saved, so they follow key
rotations at login and password change without any extra query.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

from accounts import activity


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
        instance.signed_in_at = activity.as_datetime(data.get(activity.AUTH_TIME))
        instance.last_activity = activity.as_datetime(data.get(activity.LAST_ACTIVITY))
        return instance
