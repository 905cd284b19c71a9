"""The sign-in policy: who may sign in, with which factors, what is recorded and where
to go next.

This is the only code that signs anyone in (Django's login(): a new session key, the
CSRF token rotated; a test fails when another module calls it). Every way in asks it:
the password (accounts.signin.views.login), a passkey (accounts.signin.passkey_login),
the second step (a code, a recovery code, the password or a passkey:
accounts.signin.second_step and accounts.signin.passkey_login), a new account
(accounts.signin.views.signup), and the admin, whose login page sends staff to ours
(core.admin_site).

The factors are in accounts.signin.factors. A member without an authenticator app signs
in with one factor. With one, the first step (the password, or a passkey that did not
verify its user) does not sign in: the session only remembers, for
TWO_FACTOR_LOGIN_TIMEOUT seconds, who is halfway and with which factor (`pending_user`),
and the second step must be a different kind of factor (SECOND_FACTORS): after the
password, a code, a recovery code or any passkey; after a passkey without user
verification, a code or the password, never the same or another passkey without
verification (a verified passkey is enough on its own). Until then the session is
anonymous: every protected page still asks for a login.

A sign-in is in sudo mode (accounts.settings_area.sudo.recently_reauthenticated) only
when the password or a verified passkey was part of it, so that a stolen security key,
even with a code, does not open the sensitive actions without the password.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.email import verification
from accounts.sessions import activity
from accounts.settings_area import sudo
from accounts.signin.factors import CODE, PASSKEY, PASSWORD, RECOVERY_CODE, SECURITY_KEY, Method
from core.redirects import next_url, with_next

BACKEND = "accounts.backends.UsernameOrEmailBackend"

PENDING_USER = "_2fa_user"
PENDING_FACTOR = "_2fa_first_factor"
PENDING_REMEMBER = "_2fa_remember"
PENDING_SINCE = "_2fa_since"
PENDING_WRONG = "_2fa_wrong"  # wrong answers in this sign-in (accounts.signin.second_step)
_PENDING = (PENDING_USER, PENDING_FACTOR, PENDING_REMEMBER, PENDING_SINCE, PENDING_WRONG)

# What may finish a sign-in, after each first factor that needs a second.
SECOND_FACTORS = {
    PASSWORD: (CODE, RECOVERY_CODE, PASSKEY, SECURITY_KEY),
    SECURITY_KEY: (CODE, PASSWORD, PASSKEY),
}
# What a session that signed in with these factors, in this order, is recorded as.
METHODS = {
    (PASSWORD,): Method.PASSWORD,
    (PASSWORD, CODE): Method.PASSWORD_AND_CODE,
    (PASSWORD, RECOVERY_CODE): Method.PASSWORD_AND_RECOVERY_CODE,
    (PASSWORD, PASSKEY): Method.PASSWORD_AND_PASSKEY,
    (PASSWORD, SECURITY_KEY): Method.PASSWORD_AND_PASSKEY,
    (PASSKEY,): Method.PASSKEY,
    (SECURITY_KEY,): Method.SECURITY_KEY,
    (SECURITY_KEY, CODE): Method.PASSKEY_AND_CODE,
    (SECURITY_KEY, PASSWORD): Method.PASSKEY_AND_PASSWORD,
    (SECURITY_KEY, PASSKEY): Method.PASSKEY,
}


class Refused(Exception):
    """Nobody is signed in: the message says why."""


def has_second_factor(user):
    """Whether signing in as `user` takes a second step: an authenticator app is on."""
    from accounts.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user).exists()


def begin(request, user, factor, *, remember=False, welcome=None):
    """The first factor (PASSWORD, PASSKEY or SECURITY_KEY) of `user` was right.

    Returns where to go next: the page that asks for the second factor, the
    check-your-inbox page (mandatory email verification), or, signed in, the `next`.
    """
    if not user.is_active:
        raise Refused(_("This account cannot sign in."))
    if factor in SECOND_FACTORS and has_second_factor(user):
        _start(request, user, factor, remember)
        return with_next(request, reverse("accounts:login_two_factor"))
    return _sign_in(request, user, (factor,), remember=remember, welcome=welcome)


def _start(request, user, factor, remember):
    """Not signed in yet: remember who is halfway and with what, in a session with a
    new key (so that a key planted before cannot be used)."""
    request.session.cycle_key()
    cancel(request)
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_FACTOR] = factor
    request.session[PENDING_REMEMBER] = bool(remember)
    request.session[PENDING_SINCE] = activity.now()


def pending_user(request):
    """Who is halfway through signing in on this session, or None (nobody, or it took
    longer than TWO_FACTOR_LOGIN_TIMEOUT, or the account was deactivated: then it is
    forgotten)."""
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


def second_factors(request):
    """The factors that may finish the sign-in under way (none if there is none)."""
    return SECOND_FACTORS.get(request.session.get(PENDING_FACTOR), ())


def cancel(request):
    for key in _PENDING:
        request.session.pop(key, None)


def finish(request, user, factor):
    """The second factor of the pending `user` was right: sign them in. Returns the
    `next` page. Refused when `factor` may not follow the first one."""
    first = request.session.get(PENDING_FACTOR)
    if request.session.get(PENDING_USER) != user.pk or factor not in second_factors(request):
        raise Refused(_("This cannot finish the sign-in. Please log in again."))
    remember = request.session.get(PENDING_REMEMBER, False)
    cancel(request)
    return _sign_in(request, user, (first, factor), remember=remember)


def _sign_in(request, user, factors, *, remember, welcome=None):
    # Mandatory email verification holds the sign-in once every factor was given, so
    # that only whoever could sign in may give the account an address.
    if held := verification.hold_login(request, user):
        return held
    auth_login(request, user, backend=BACKEND)
    request.session[activity.SIGN_IN_METHOD] = METHODS[factors]
    if PASSWORD in factors or PASSKEY in factors:
        sudo.reauthenticated(request)
    else:
        sudo.not_reauthenticated(request)
    if remember:
        activity.remember(request)
    messages.success(request, welcome or _("Welcome back, %(name)s.") % {"name": user})
    return next_url(request)
