"""Signing up, logging in with the password, logging out, and the answer to a locked-out
client (AXES_LOCKOUT_CALLABLE)."""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.backends import lockout_key
from accounts.email import verification
from accounts.sessions import devices
from accounts.signin import flow
from accounts.signin.factors import PASSWORD
from accounts.signin.forms import LoginForm, SignupForm
from core import ratelimit
from core.htmx import (
    redirect_to,
    render_page,
    triggered_by,
)
from core.pagecache import cached_page
from core.redirects import next_url
from core.submissions import refuse, save_or_report_conflict, submitted

TOO_MANY = 429


def refuse_too_many(request, template_name, form_partial, form, message):
    refuse(form, message)
    return render_page(request, template_name, {"form": form}, form=form_partial, status=TOO_MANY)


def render_field_feedback(form, name, refused=None):
    """The feedback of the field `name` as the user leaves it: its errors, or that the
    username is free; or, `refused` (too many checks), that message instead, HTTP 429."""
    errors = [refused] if refused else form.live_errors(name)
    available = not errors and name == "username" and bool(form.data.get("username"))
    context = {"field": form[name], "errors": errors, "available": available}
    html = render_to_string("partials/field_feedback.html", context)
    return HttpResponse(html, status=TOO_MANY if refused else 200)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
@cached_page
def signup(request):
    if request.user.is_authenticated:
        return redirect_to(request, next_url(request))
    form = SignupForm(submitted(request))
    field, ip = triggered_by(request), devices.client_ip(request)
    if form.is_bound and field in form.live_fields:
        if ratelimit.hit("signup-check-ip", ip):  # the form is still checked when sent
            message = _("Too many checks from your network. This is checked when you sign up.")
            return render_field_feedback(form, field, refused=message)
        return render_field_feedback(form, field)
    if form.is_bound and ratelimit.hit("signup-ip", ip):
        message = _("Too many sign-ups from your network. Please try again in an hour.")
        return refuse_too_many(request, "accounts/signup.html", "signup-form", form, message)
    if form.is_bound and form.is_valid() and (user := save_or_report_conflict(form)):
        if waiting := verification.signed_up(request, user):  # the link sent to the address
            return waiting  # "mandatory": not signed in before the address is confirmed
        welcome = _("Welcome, %(name)s! Your account is ready.") % {"name": user}
        return redirect_to(request, flow.begin(request, user, PASSWORD, welcome=welcome))
    return render_page(request, "accounts/signup.html", {"form": form}, form="signup-form")


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@cached_page
def login(request):
    if request.user.is_authenticated:
        return redirect_to(request, next_url(request))
    form = LoginForm(request, data=submitted(request))
    ip = devices.client_ip(request)
    if form.is_bound and ratelimit.reached("login-ip", ip):
        message = _("Too many failed logins from your network. Please try again later.")
        return refuse_too_many(request, "accounts/login.html", "login-form", form, message)
    account = lockout_key(request, {"username": form.data.get("username", "")})
    if form.is_bound and ratelimit.hit("login-account", account):
        return refuse_too_many(request, "accounts/login.html", "login-form", form, TOO_MANY_LOGINS)
    if form.is_bound and form.is_valid():
        ratelimit.give_back("login-account", account)  # no guess: the password was right
        user, remember = form.get_user(), form.cleaned_data["remember_me"]
        return redirect_to(request, flow.begin(request, user, PASSWORD, remember=remember))
    if form.is_bound:
        ratelimit.hit("login-ip", ip)  # count the failure
        warn_before_lockout(request, form)
    return render_page(request, "accounts/login.html", {"form": form}, form="login-form")


# Failed logins of one account from every address (RATE_LIMITS["login-account"]).
TOO_MANY_LOGINS = gettext_lazy(
    "Too many failed logins for this account. Please try again in an hour, or reset your password."
)


# From how many attempts left the login form says how many remain before the lockout.
LOCKOUT_WARNING_FROM = 2


def warn_before_lockout(request, form):
    """After a wrong password, say so when only a few attempts are left before
    django-axes locks the account on this device."""
    if not form.has_error(NON_FIELD_ERRORS, "invalid_login"):
        return
    # Counted against the account the posted username names (accounts.backends.lockout_key).
    left = settings.AXES_FAILURE_LIMIT - AxesProxyHandler.get_failures(request)
    if 0 < left <= LOCKOUT_WARNING_FROM:
        minutes = settings.AXES_COOLOFF_TIME // timedelta(minutes=1)
        message = ngettext(
            "%(count)s attempt left before this account is locked on this device for "
            "%(minutes)s minutes.",
            "%(count)s attempts left before this account is locked on this device for "
            "%(minutes)s minutes.",
            left,
        )
        form.add_error(None, message % {"count": left, "minutes": minutes})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response: the login form with a clear message, HTTP 429."""
    form = LoginForm(data=request.POST)  # refused unchecked: see refuse_too_many
    minutes = settings.AXES_COOLOFF_TIME // timedelta(minutes=1)
    message = _(
        "Too many failed attempts for this account. It is locked on this device for "
        "%(minutes)s minutes. You can still reset your password."
    ) % {"minutes": minutes}
    return refuse_too_many(request, "accounts/login.html", "login-form", form, message)


@login_not_required
@require_POST
def logout(request):
    # logout() flushes the session: its row is deleted and, with nothing left in it,
    # the session cookie is cleared.
    auth_logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect_to(request, next_url(request))
