"""What a session knows about itself: when it signed in, where, and when it was last used.

Kept in the session's own data (so it is written only when the session is saved) and
copied into UserSession's columns by accounts.sessions.store for the sessions page.
"""

import time
from datetime import UTC, datetime

from django.conf import settings

from accounts.sessions.devices import client_ip
from accounts.signin.factors import Method

AUTH_TIME = "_auth_time"
LAST_ACTIVITY = "_last_activity"
REAUTH_TIME = "_reauth_time"
REMEMBER = "_remember_me"
IP_ADDRESS = "_ip"
USER_AGENT = "_ua"
USER_AGENT_LENGTH = 300  # UserSession.user_agent's max_length
SIGN_IN_METHOD = "_sign_in_method"


def now():
    return int(time.time())


def as_datetime(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def note_device(request):
    """Where the session is used from, for the sessions page: address and browser."""
    request.session[IP_ADDRESS] = client_ip(request)
    request.session[USER_AGENT] = request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]


def record_sign_in(request):
    """At every login (user_logged_in): start the clocks. A login is in sudo mode
    unless accounts.signin.flow says otherwise (a sign-in without the password or a
    verified passkey). The cookie ends with the browser unless remember()."""
    session = request.session
    session[AUTH_TIME] = session[LAST_ACTIVITY] = session[REAUTH_TIME] = now()
    session[REMEMBER] = False
    session[SIGN_IN_METHOD] = Method.PASSWORD  # accounts.signin.flow says otherwise
    note_device(request)
    session.set_expiry(0)


def remember(request):
    """ "Remember me": a persistent cookie, renewed by activity (see touch())."""
    request.session[REMEMBER] = True
    request.session.set_expiry(settings.SESSION_REMEMBER_ME_AGE)


def expired(session):
    """Whether a signed-in session has outlived the idle or the absolute timeout.

    A session signed in before its clocks were recorded counts from now.
    """
    t = now()
    if t - session.get(AUTH_TIME, t) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return True
    if session.get(REMEMBER):
        return False
    return t - session.get(LAST_ACTIVITY, t) > settings.SESSION_IDLE_TIMEOUT


def touch(request):
    """Note activity, at most once a minute: a session save costs a database write."""
    session = request.session
    t = now()
    if t - session.get(LAST_ACTIVITY, 0) < settings.SESSION_ACTIVITY_RESOLUTION:
        return
    session[LAST_ACTIVITY] = t
    note_device(request)
    if session.get(REMEMBER):
        # Renewed by activity, but never past the absolute end of the session (and
        # never 0, which would turn it into a cookie that ends with the browser).
        remaining = settings.SESSION_ABSOLUTE_TIMEOUT - (t - session.get(AUTH_TIME, t))
        session.set_expiry(max(1, min(settings.SESSION_REMEMBER_ME_AGE, remaining)))
