"""Signing in, in one or two steps.

The password (or a passkey without user verification) is the first step. A member who
has turned on two-factor sign-in is not signed in by it: the session only remembers,
for TWO_FACTOR_LOGIN_TIMEOUT seconds, who is halfway (`start`), and the second step
(an authenticator code, a recovery code or a passkey) finishes it (`finish`). Until
then the session is anonymous: every protected page still asks for a login.

Every successful sign-in goes through `sign_in`, which records how it was done for the
sessions page.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login

from accounts import activity

PENDING_USER = "_2fa_user"
PENDING_BACKEND = "_2fa_backend"
PENDING_REMEMBER = "_2fa_remember"
PENDING_SINCE = "_2fa_since"
_PENDING = (PENDING_USER, PENDING_BACKEND, PENDING_REMEMBER, PENDING_SINCE)


def has_second_factor(user):
    """Whether signing in as `user` takes a second step: an authenticator app is on."""
    from accounts.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user).exists()


def sign_in(request, user, *, method, backend=None, remember=False):
    """Sign `user` in (Django's login: a new session key, the CSRF token rotated) and
    note how (one of activity.SIGN_IN_METHODS)."""
    auth_login(request, user, backend=backend)
    request.session[activity.SIGN_IN_METHOD] = method
    if remember:
        activity.remember(request)


def start(request, user, *, backend, remember):
    """The password was right but a second factor is needed: remember who is halfway,
    in a session with a new key (so that a key planted before cannot be used)."""
    request.session.cycle_key()
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_BACKEND] = backend
    request.session[PENDING_REMEMBER] = bool(remember)
    request.session[PENDING_SINCE] = activity.now()


def pending_user(request):
    """Who is halfway through signing in on this session, or None (nobody, or it took
    longer than TWO_FACTOR_LOGIN_TIMEOUT: then it is forgotten)."""
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return None
    started = request.session.get(PENDING_SINCE, 0)
    if activity.now() - started > settings.TWO_FACTOR_LOGIN_TIMEOUT:
        cancel(request)
        return None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None:
        cancel(request)
    return user


def cancel(request):
    for key in _PENDING:
        request.session.pop(key, None)


def finish(request, user, *, method):
    """The second step was right: sign in as the user that `start` remembered."""
    backend = request.session.get(PENDING_BACKEND)
    remember = request.session.get(PENDING_REMEMBER, False)
    cancel(request)
    sign_in(request, user, method=method, backend=backend, remember=remember)
