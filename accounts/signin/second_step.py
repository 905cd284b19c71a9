"""The second step of a sign-in that accounts.signin.flow started: an authenticator code,
a recovery code, or the password after a passkey that did not verify its user (a passkey
as the second step is accounts.signin.passkey_login)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_not_required
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import guesses, notifications
from accounts.mfa import recovery
from accounts.sessions import devices
from accounts.signin import flow
from accounts.signin.factors import PASSWORD, RECOVERY_CODE
from accounts.signin.forms import PasswordStepForm, TwoFactorCodeForm
from accounts.signin.views import TOO_MANY, TOO_MANY_LOGINS, locked_out
from core import ratelimit
from core.htmx import redirect_to, render_page
from core.redirects import with_next
from core.submissions import refuse, submitted


def lockout_credentials(user):
    return {"username": user.get_username()}


SECOND_STEP = "accounts/login_two_factor.html"


@login_not_required
@sensitive_post_parameters("code", "password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_two_factor(request):
    """The second factor of a sign-in that accounts.signin.flow started: an authenticator
    code, a recovery code (after the password), or the password (after a passkey that did
    not verify its user); a passkey is accounts.signin.passkey_login.passkey_second_step."""
    user = flow.pending_user(request)
    if user is None:
        messages.info(request, _("Please log in again: the sign-in was not finished in time."))
        return redirect_to(request, with_next(request, reverse("accounts:login")))
    if request.method == "POST" and not AxesProxyHandler.is_allowed(
        request, lockout_credentials(user)
    ):
        flow.cancel(request)
        return locked_out(request)
    allowed = flow.second_factors(request)
    data = submitted(request)
    by_password = data is not None and "password" in data and PASSWORD in allowed
    code_form = TwoFactorCodeForm(
        request, user, None if by_password else data, recovery=RECOVERY_CODE in allowed
    )
    password_form = PasswordStepForm(request, user, data if by_password else None)
    form = password_form if by_password else code_form
    ip = devices.client_ip(request)
    if form.is_bound and ratelimit.reached("login-ip", ip):
        message = _("Too many failed logins from your network. Please try again later.")
        return refuse_second_step(request, user, form, message)
    # A password is counted against the account like one at the login (accounts.signin.views).
    account = user.get_username() if by_password else ""
    if ratelimit.hit("login-account", account):
        return refuse_second_step(request, user, form, TOO_MANY_LOGINS)
    try:
        if form.is_bound and form.is_valid():
            ratelimit.give_back("login-account", account)
            return finish_second_step(request, user, form)
    except guesses.TooManyGuesses as locked:
        flow.cancel(request)
        return refuse_second_step(request, user, form, codes_locked_message(locked.until))
    if form.is_bound:
        ratelimit.hit("login-ip", ip)
        if not by_password:
            # Counted like a wrong password too: django-axes locks the account on this
            # device after AXES_FAILURE_LIMIT (its middleware then answers with our 429).
            credentials = lockout_credentials(user)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if too_many_wrong_answers(request):
            return start_again(request)
    context = second_step_context(user, allowed, code_form, password_form)
    return render_page(request, SECOND_STEP, context, form=form_partial(form))


def form_partial(form):
    return "password-step-form" if isinstance(form, PasswordStepForm) else "two-factor-form"


def second_step_context(user, allowed, code_form, password_form):
    return {
        "form": password_form if password_form.is_bound else code_form,
        "code_form": code_form,
        "password_form": password_form if PASSWORD in allowed else None,
        "passkey_user": user,
        "after_passkey": PASSWORD in allowed,
    }


def finish_second_step(request, user, form):
    factor = form.factor if isinstance(form, TwoFactorCodeForm) else PASSWORD
    url = flow.finish(request, user, factor)
    if factor == RECOVERY_CODE:
        left = recovery.recovery_codes_left(user)
        notifications.notify(request, user, "recovery_code_used", codes_left=left)
        messages.warning(request, recovery_warning(left))
    return redirect_to(request, url)


def too_many_wrong_answers(request):
    """Count a wrong answer of this sign-in; whether it was one too many."""
    wrong = request.session.get(flow.PENDING_WRONG, 0) + 1
    request.session[flow.PENDING_WRONG] = wrong
    return wrong >= settings.TWO_FACTOR_WRONG_ANSWERS


def start_again(request):
    """After TWO_FACTOR_WRONG_ANSWERS wrong answers the sign-in ends: the password first."""
    flow.cancel(request)
    messages.error(
        request, _("Too many wrong answers. Please log in again, starting with your password.")
    )
    return redirect_to(request, with_next(request, reverse("accounts:login")))


def codes_locked_message(until):
    return _(
        "Too many wrong codes were entered for this account, so codes are refused until "
        "%(time)s (UTC). Whoever entered them knew your password: if it was not you, reset "
        "your password now. A passkey still signs you in."
    ) % {"time": date_format(until, "DATETIME_FORMAT")}


def refuse_second_step(request, user, form, message):
    """The second step refused before any answer is checked: 429 with `message`."""
    refuse(form, message)
    allowed = flow.second_factors(request)
    code_form, password_form = form, PasswordStepForm(request, user)
    if isinstance(form, PasswordStepForm):
        code_form, password_form = TwoFactorCodeForm(request, user), form
    context = second_step_context(user, allowed, code_form, password_form)
    return render_page(request, SECOND_STEP, context, form=form_partial(form), status=TOO_MANY)


def recovery_warning(left):
    if not left:
        return _(
            "You used your last recovery code. Make new ones in Settings, Two-factor "
            "sign-in, before you need one again."
        )
    return ngettext(
        "You signed in with a recovery code: %(count)s code is left.",
        "You signed in with a recovery code: %(count)s codes are left.",
        left,
    ) % {"count": left}
