"""What a session knows about itself: when it signed in, where, and when it was last used.

Kept in the session's own data (so it is written only when the session is saved) and
copied into UserSession's columns by accounts.session_store for the sessions page.
"""

import ipaddress
import time
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ua_parser import parse

AUTH_TIME = "_auth_time"
LAST_ACTIVITY = "_last_activity"
REAUTH_TIME = "_reauth_time"
REMEMBER = "_remember_me"
IP_ADDRESS = "_ip"
USER_AGENT = "_ua"
USER_AGENT_LENGTH = 300  # UserSession.user_agent's max_length
SIGN_IN_METHOD = "_sign_in_method"

# How a session signed in (UserSession.sign_in_method, shown on the sessions page):
# accounts.login_flow names the factors used, in order.
PASSWORD = "password"
PASSWORD_AND_CODE = "password+code"  # an authenticator app's code
PASSWORD_AND_RECOVERY_CODE = "password+recovery"
PASSWORD_AND_PASSKEY = "password+passkey"
PASSKEY = "passkey"  # one that verified its user: both factors
SECURITY_KEY = "security-key"  # a passkey that did not verify its user, alone
PASSKEY_AND_CODE = "security-key+code"
PASSKEY_AND_PASSWORD = "security-key+password"
SIGN_IN_METHODS = {
    PASSWORD: gettext_lazy("Password"),
    PASSWORD_AND_CODE: gettext_lazy("Password and authenticator code"),
    PASSWORD_AND_RECOVERY_CODE: gettext_lazy("Password and recovery code"),
    PASSWORD_AND_PASSKEY: gettext_lazy("Password and passkey"),
    PASSKEY: gettext_lazy("Passkey"),
    SECURITY_KEY: gettext_lazy("Passkey without PIN or fingerprint"),
    PASSKEY_AND_CODE: gettext_lazy("Passkey and authenticator code"),
    PASSKEY_AND_PASSWORD: gettext_lazy("Passkey and password"),
}


def now():
    return int(time.time())


def as_datetime(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp else None


def client_ip(request):
    """The client's IP address: the connection's own, or behind settings.PROXY_COUNT
    trusted proxies the address the outermost of them was connected from. None when
    there is no valid address (a forged or garbled value is never returned)."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.PROXY_COUNT:
        # Each proxy appends the address it was connected from, so only the last
        # PROXY_COUNT entries were written by proxies we trust.
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= settings.PROXY_COUNT:
            candidates.insert(0, hops[-settings.PROXY_COUNT])
    for candidate in candidates:
        try:
            # Without an IPv6 zone ("%eth0"), which no database column accepts.
            return str(ipaddress.ip_address(candidate.strip().partition("%")[0]))
        except ValueError:
            continue
    return None


def note_device(request):
    """Where the session is used from, for the sessions page: address and browser."""
    request.session[IP_ADDRESS] = client_ip(request)
    request.session[USER_AGENT] = request.headers.get("User-Agent", "")[:USER_AGENT_LENGTH]


def record_sign_in(request):
    """At every login (user_logged_in): start the clocks. A login is in sudo mode
    unless accounts.login_flow says otherwise (a sign-in without the password or a
    verified passkey). The cookie ends with the browser unless remember()."""
    session = request.session
    session[AUTH_TIME] = session[LAST_ACTIVITY] = session[REAUTH_TIME] = now()
    session[REMEMBER] = False
    session[SIGN_IN_METHOD] = PASSWORD  # accounts.login_flow.sign_in says otherwise
    note_device(request)
    session.set_expiry(0)


def remember(request):
    """ "Remember me": a persistent cookie, renewed by activity (see touch())."""
    request.session[REMEMBER] = True
    request.session.set_expiry(settings.SESSION_REMEMBER_ME_AGE)


def reauthenticated(request):
    request.session[REAUTH_TIME] = now()


def not_reauthenticated(request):
    """Out of sudo mode: the next sensitive action asks for the password."""
    request.session.pop(REAUTH_TIME, None)


def recently_reauthenticated(request):
    """Sudo mode: the password was entered in this session within SUDO_MODE_TIMEOUT."""
    return now() - request.session.get(REAUTH_TIME, 0) <= settings.SUDO_MODE_TIMEOUT


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


def describe_user_agent(user_agent):
    """'Chrome on Linux' from a User-Agent header, as well as it can be told: the browser
    or the system alone, else the header's first 60 characters."""
    if not user_agent:
        return ""
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else ""
    system = result.os.family if result.os else ""
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or user_agent[:60]
