"""django-axes' database handler, safe under simultaneous failures (AXES_HANDLER).

Axes counts a failed login by `get_or_create` of the row for (username, IP, browser).
When two failures of a client with no row yet arrive at the same moment, both find no
row and both insert one: the second insert breaks the unique constraint and, without
this, the request is a server error. Here the loser counts again, and now finds the row.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.db import IntegrityError


class LockoutHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        except IntegrityError:
            # The rival's row is committed (its transaction ended before our insert
            # failed), and ours was rolled back whole: counting again counts once.
            return super().user_login_failed(sender, credentials, request, **kwargs)
