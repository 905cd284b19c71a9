from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import activity, guesses, login_flow, notifications, sudo, verification
from accounts.backends import lockout_key
from accounts.factors import PASSWORD
from accounts.forms import (
    ConfirmPasswordForm,
    EmailForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SignupForm,
)
from accounts.models import UserSession
from core import ratelimit
from core.htmx import (
    HtmxFormViewMixin,
    redirect_to,
    render_form_page,
    render_page,
    triggered_by,
    wants_fragment,
)
from core.pagecache import cached_page
from core.redirects import next_url
from core.submissions import refuse, save_or_report_conflict, submitted

TOO_MANY = 429


def refuse_too_many(request, template_name, form_partial, form, message):
    refuse(form, message)
    return render_form_page(
        request, template_name, {"form": form}, form_partial=form_partial, status=TOO_MANY
    )


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
    field, ip = triggered_by(request), activity.client_ip(request)
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
        return redirect_to(request, login_flow.begin(request, user, PASSWORD, welcome=welcome))
    return render_form_page(
        request, "accounts/signup.html", {"form": form}, form_partial="signup-form"
    )


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
@cached_page
def login(request):
    if request.user.is_authenticated:
        return redirect_to(request, next_url(request))
    form = LoginForm(request, data=submitted(request))
    ip = activity.client_ip(request)
    if form.is_bound and ratelimit.reached("login-ip", ip):
        message = _("Too many failed logins from your network. Please try again later.")
        return refuse_too_many(request, "accounts/login.html", "login-form", form, message)
    account = lockout_key(request, {"username": form.data.get("username", "")})
    if form.is_bound and ratelimit.hit("login-account", account):
        return refuse_too_many(request, "accounts/login.html", "login-form", form, TOO_MANY_LOGINS)
    if form.is_bound and form.is_valid():
        ratelimit.give_back("login-account", account)  # no guess: the password was right
        user, remember = form.get_user(), form.cleaned_data["remember_me"]
        return redirect_to(request, login_flow.begin(request, user, PASSWORD, remember=remember))
    if form.is_bound:
        ratelimit.hit("login-ip", ip)  # count the failure
        warn_before_lockout(request, form)
    return render_form_page(
        request, "accounts/login.html", {"form": form}, form_partial="login-form"
    )


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
    credentials = {"username": form.data.get("username", "")}
    left = settings.AXES_FAILURE_LIMIT - AxesProxyHandler.get_failures(request, credentials)
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


# Settings: one area, each section at its own address. The sections' navigation is
# beside the panel (above it on phones); with htmx it swaps only the panel.

SETTINGS_SECTIONS = (
    ("update", gettext_lazy("Profile")),
    ("email", gettext_lazy("Email")),
    ("change_password", gettext_lazy("Password")),
    ("passkeys", gettext_lazy("Passkeys")),
    ("two_factor", gettext_lazy("Two-factor sign-in")),
    ("sessions", gettext_lazy("Sessions")),
    ("delete", gettext_lazy("Danger zone")),
)
SETTINGS_PANEL = "settings-panel"


def settings_nav(request, *, section=None):
    current = section or request.resolver_match.url_name
    sections = [
        {"url": reverse(f"accounts:{name}"), "label": label, "current": name == current}
        for name, label in SETTINGS_SECTIONS
    ]
    return {"settings_sections": sections}


def render_settings(request, template_name, context, *, form_partial, section=None, status=None):
    """A settings section (or a page within `section`): the whole page, its main
    content, or for the settings navigation (htmx) only its panel, with its title and,
    out of band, the navigation showing the new section as current. A refused form
    answers with the form."""
    nav = settings_nav(request, section=section)
    context = {**context, **nav, "settings_panel": f"{template_name}#panel"}
    form = context.get("form")
    if wants_fragment(request, target=SETTINGS_PANEL) and not (form and form.is_bound):
        response = render_page(request, template_name, context, fragment="panel", titled=True)
        nav_html = render_to_string("accounts/partials/settings_nav.html", {**nav, "oob": True})
        response.content += nav_html.encode()
        return response
    if form is None:
        return render_page(request, template_name, context)
    return render_form_page(
        request, template_name, context, form_partial=form_partial, status=status
    )


@require_GET
def settings_home(request):
    return redirect_to(request, reverse("accounts:update"))


@require_http_methods(["GET", "POST"])
def update(request):
    form = ProfileForm(submitted(request), instance=request.user)
    if form.is_bound and form.is_valid() and save_or_report_conflict(form):
        messages.success(request, _("Your profile has been saved."))
        return redirect_to(request, request.path)
    return render_settings(
        request, "accounts/update.html", {"form": form}, form_partial="profile-form"
    )


@require_http_methods(["GET", "POST"])
def email(request):
    """A new address takes effect once confirmed by the link sent to it (see
    accounts.verification); clearing it, at once."""
    form = EmailForm(submitted(request), instance=request.user)
    status = None
    if form.is_bound and form.is_valid():
        if form.has_changed() and (prompt := sudo.require(request)):
            return prompt
        if form.sends_link() and verification.too_many_links(request.user):
            refuse(form, verification.TOO_MANY_LINKS)
            status = TOO_MANY
        elif save_or_report_conflict(form):
            verification.email_saved(
                request,
                request.user,
                form.outcome,
                previous=form.previous,
                previous_verified=form.previous_verified,
            )
            return redirect_to(request, request.path)
    return render_settings(
        request, "accounts/email.html", {"form": form}, form_partial="email-form", status=status
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request):
    form = PasswordChangeForm(request, submitted(request))
    if form.is_bound and form.is_valid():
        user = form.save()
        guesses.forget(user)  # whoever was guessing the old one starts again
        notifications.notify(request, user, "password_changed")
        update_session_auth_hash(request, user)
        activity.reauthenticated(request)
        if not form.cleaned_data["keep_other_sessions"]:
            UserSession.end_all_for(user, except_key=request.session.session_key)
            message = _("Your password has been changed. Your other sessions have been signed out.")
        else:
            message = _("Your password has been changed.")
        messages.success(request, message)
        return redirect_to(request, request.path)
    return render_settings(
        request,
        "accounts/change_password.html",
        {"form": form},
        form_partial="password-change-form",
    )


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def delete(request):
    # The form asks for the password itself, which is the re-authentication.
    form = ConfirmPasswordForm(request, submitted(request))
    if form.is_bound and form.is_valid():
        user = request.user
        auth_logout(request)
        user.delete()  # its sessions and articles go with it (on_delete=CASCADE)
        messages.info(request, _("Your account and all your articles have been deleted."))
        return redirect_to(request, next_url(request))
    context = {"form": form, "article_count": request.user.articles.count()}
    return render_settings(
        request, "accounts/delete.html", context, form_partial="account-deletion-form"
    )


# Active sessions


def live_sessions(user):
    """The user's sessions that have not expired."""
    return user.sessions.filter(expire_date__gt=timezone.now())


def current_sessions(request):
    """The user's live sessions, this one first, then the most recently active."""
    current = request.session.session_key
    rows = live_sessions(request.user).order_by("-last_activity")
    items = [
        {
            "session": row,
            "device": activity.describe_user_agent(row.user_agent),
            "current": row.session_key == current,
            "method": activity.SIGN_IN_METHODS.get(row.sign_in_method, ""),
        }
        for row in rows
    ]
    return sorted(items, key=lambda item: not item["current"])  # stable: keeps the order


@require_GET
def sessions(request):
    context = {"sessions": current_sessions(request)}
    if wants_fragment(request, target="sign-out-others"):
        # Cancel in the confirmation (sign_out_other_sessions) puts the button back,
        # with the focus on it.
        context["cancelled"] = True
        return render_page(request, "accounts/sessions.html", context, fragment="sign-out-others")
    return render_settings(request, "accounts/sessions.html", context, form_partial=None)


@require_POST
def sign_out_session(request, public_id):
    if prompt := sudo.require(request):
        return prompt
    session = next((s for s in request.user.sessions.all() if s.public_id == public_id), None)
    if session is None or session.session_key == request.session.session_key:
        raise Http404  # unknown, someone else's, or this one (use Log out)
    session.delete()
    messages.success(request, _("That session has been signed out."))
    return redirect_to(request, reverse("accounts:sessions"))


@require_http_methods(["GET", "POST"])
def sign_out_other_sessions(request):
    """Asks first (GET: a page without JavaScript, in place of the button with htmx),
    then signs every other session out (POST, in sudo mode)."""
    if request.method == "GET":
        current = request.session.session_key
        others = live_sessions(request.user).exclude(session_key=current).count()
        context = {"others": others}
        if wants_fragment(request, target="sign-out-others"):
            return render_page(
                request, "accounts/sign_out_others.html", context, fragment="confirmation"
            )
        return render_settings(
            request, "accounts/sign_out_others.html", context, form_partial=None, section="sessions"
        )
    if prompt := sudo.require(request):
        return prompt
    count = UserSession.end_all_for(request.user, except_key=request.session.session_key)
    message = ngettext(
        "Signed out of %(count)s other session.", "Signed out of %(count)s other sessions.", count
    )
    messages.success(request, message % {"count": count})
    return redirect_to(request, reverse("accounts:sessions"))


# Password reset: Django's views, answering htmx in place, rate limited per client.


class PasswordResetView(HtmxFormViewMixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_partial = "reset-request-form"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = PasswordResetForm  # confirmed addresses only

    def form_valid(self, form):
        # Per client only: a visible limit per address would let strangers block its
        # owner. Mails to one address are spaced out silently (PasswordResetForm).
        if ratelimit.hit("password-reset-ip", activity.client_ip(self.request)):
            message = _("Too many reset requests. Please try again in an hour.")
            return refuse_too_many(
                self.request, self.template_name, self.form_partial, form, message
            )
        return super().form_valid(form)


class PasswordResetDoneView(HtmxFormViewMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs):
        minutes = settings.PASSWORD_RESET_MAIL_INTERVAL // 60
        return {**super().get_context_data(**kwargs), "interval_minutes": minutes}


class PasswordResetConfirmView(HtmxFormViewMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_partial = "new-password-form"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        UserSession.end_all_for(form.user)  # a reset signs the account out everywhere
        guesses.forget(form.user)  # whoever was guessing the old password starts again
        notifications.notify(self.request, form.user, "password_reset")
        return response


class PasswordResetCompleteView(HtmxFormViewMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
