"""Two-factor sign-in: its Settings section (turn on, turn off, recovery codes) and the
second step of a login (accounts.login_flow)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import activity, guesses, login_flow, notifications, sudo, twofactor
from accounts.factors import PASSWORD, RECOVERY_CODE
from accounts.forms import PasswordStepForm, TwoFactorCodeForm, TwoFactorSetupForm
from accounts.models import TOTPDevice
from accounts.views import TOO_MANY, TOO_MANY_LOGINS, locked_out, render_settings
from core import ratelimit
from core.htmx import redirect_to, render_form_page
from core.redirects import with_next
from core.submissions import refuse, submitted

SECTION = "two_factor"


def render_section(request, template_name, context, *, form_partial=None):
    return render_settings(
        request, template_name, context, form_partial=form_partial, section=SECTION
    )


@require_GET
def two_factor(request):
    device = TOTPDevice.objects.filter(user=request.user).first()
    context = {
        "device": device,
        "recovery_left": twofactor.recovery_codes_left(request.user) if device else 0,
        "recovery_total": twofactor.RECOVERY_CODE_COUNT,
    }
    return render_section(request, "accounts/two_factor.html", context)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Turning on: the QR code and the secret, then the app's first code. POST only
    starts it (behind sudo mode); a GET shows a setup that is under way."""
    if login_flow.has_second_factor(request.user):
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect_to(request, reverse("accounts:two_factor"))
    secret = request.session.get(twofactor.SETUP_SECRET)
    if request.method == "GET" and not secret:
        return redirect_to(request, reverse("accounts:two_factor"))
    if request.method == "POST" and (prompt := sudo.require(request)):
        return prompt
    if not secret:
        secret = request.session[twofactor.SETUP_SECRET] = twofactor.new_secret()
    data = request.POST if request.method == "POST" and "code" in request.POST else None
    form = TwoFactorSetupForm(request.user, secret, data)
    if form.is_bound and form.is_valid():
        if twofactor.turn_on(request.user, secret, form.cleaned_data["code"]) is None:
            messages.info(request, _("Two-factor sign-in is already on."))
            return redirect_to(request, reverse("accounts:two_factor"))
        del request.session[twofactor.SETUP_SECRET]
        notifications.notify(request, request.user, "two_factor_enabled")
        codes = twofactor.new_recovery_codes(request.user)
        messages.success(request, _("Two-factor sign-in is on."))
        return render_recovery_codes(request, codes)
    uri = twofactor.provisioning_uri(request.user, secret)
    context = {
        "form": form,
        "qr_code": twofactor.qr_code_svg(uri),
        "secret": twofactor.grouped(secret),
    }
    return render_section(
        request, "accounts/two_factor_setup.html", context, form_partial="two-factor-setup-form"
    )


def render_recovery_codes(request, codes):
    context = {"codes": codes}
    return render_section(request, "accounts/recovery_codes.html", context)


@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not login_flow.has_second_factor(request.user):
        return redirect_to(request, reverse("accounts:two_factor"))
    if prompt := sudo.require(request):
        return prompt
    codes = twofactor.new_recovery_codes(request.user)
    notifications.notify(request, request.user, "recovery_codes_regenerated")
    messages.success(request, _("You have new recovery codes. The old ones no longer work."))
    return render_recovery_codes(request, codes)


@require_POST
def recovery_codes_download(request):
    """The recovery codes on the page, as a text file. The page sends them back (only
    their hashes are kept): only the member's own unused codes are written."""
    codes = twofactor.unused_recovery_codes(request.user, request.POST.getlist("code")[:20])
    if not codes:
        return HttpResponseBadRequest(
            _("These are not your recovery codes, or they were replaced."),
            content_type="text/plain; charset=utf-8",
        )
    lines = [
        _("Recovery codes for %(name)s (%(site)s). Each works once.")
        % {"name": request.user.get_username(), "site": request.get_host()},
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
    return response


@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    """Turning off asks first (GET: the question), then needs sudo mode (POST)."""
    if not login_flow.has_second_factor(request.user):
        return redirect_to(request, reverse("accounts:two_factor"))
    if request.method == "GET":
        return render_section(request, "accounts/two_factor_disable.html", {})
    if prompt := sudo.require(request):
        return prompt
    twofactor.turn_off(request.user)
    notifications.notify(request, request.user, "two_factor_disabled")
    messages.success(request, _("Two-factor sign-in is off. Your recovery codes no longer work."))
    return redirect_to(request, reverse("accounts:two_factor"))


# The second step of a login


def lockout_credentials(user):
    return {"username": user.get_username()}


SECOND_STEP = "accounts/login_two_factor.html"


@login_not_required
@sensitive_post_parameters("code", "password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_two_factor(request):
    """The second factor of a sign-in that accounts.login_flow started: an authenticator
    code, a recovery code (after the password), or the password (after a passkey that did
    not verify its user); a passkey is accounts.passkeys.passkey_second_step."""
    user = login_flow.pending_user(request)
    if user is None:
        messages.info(request, _("Please log in again: the sign-in was not finished in time."))
        return redirect_to(request, with_next(request, reverse("accounts:login")))
    if request.method == "POST" and not AxesProxyHandler.is_allowed(
        request, lockout_credentials(user)
    ):
        login_flow.cancel(request)
        return locked_out(request)
    allowed = login_flow.second_factors(request)
    data = submitted(request)
    by_password = data is not None and "password" in data and PASSWORD in allowed
    code_form = TwoFactorCodeForm(
        request, user, None if by_password else data, recovery=RECOVERY_CODE in allowed
    )
    password_form = PasswordStepForm(request, user, data if by_password else None)
    form = password_form if by_password else code_form
    ip = activity.client_ip(request)
    if form.is_bound and ratelimit.reached("login-ip", ip):
        message = _("Too many failed logins from your network. Please try again later.")
        return refuse_second_step(request, user, form, message)
    # A password is counted against the account like one at the login (accounts.views).
    account = user.get_username() if by_password else ""
    if ratelimit.hit("login-account", account):
        return refuse_second_step(request, user, form, TOO_MANY_LOGINS)
    try:
        if form.is_bound and form.is_valid():
            ratelimit.give_back("login-account", account)
            return finish_second_step(request, user, form)
    except guesses.TooManyGuesses as locked:
        login_flow.cancel(request)
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
    return render_form_page(request, SECOND_STEP, context, form_partial=form_partial(form))


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
    url = login_flow.finish(request, user, factor)
    if factor == RECOVERY_CODE:
        left = twofactor.recovery_codes_left(user)
        notifications.notify(request, user, "recovery_code_used", codes_left=left)
        messages.warning(request, recovery_warning(left))
    return redirect_to(request, url)


def too_many_wrong_answers(request):
    """Count a wrong answer of this sign-in; whether it was one too many."""
    wrong = request.session.get(login_flow.PENDING_WRONG, 0) + 1
    request.session[login_flow.PENDING_WRONG] = wrong
    return wrong >= settings.TWO_FACTOR_WRONG_ANSWERS


def start_again(request):
    """After TWO_FACTOR_WRONG_ANSWERS wrong answers the sign-in ends: the password first."""
    login_flow.cancel(request)
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
    allowed = login_flow.second_factors(request)
    code_form, password_form = form, PasswordStepForm(request, user)
    if isinstance(form, PasswordStepForm):
        code_form, password_form = TwoFactorCodeForm(request, user), form
    context = second_step_context(user, allowed, code_form, password_form)
    return render_form_page(
        request, SECOND_STEP, context, form_partial=form_partial(form), status=TOO_MANY
    )


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
