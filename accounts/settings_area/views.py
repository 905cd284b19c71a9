"""The settings area's home and its own sections: Profile, Password and Danger zone."""

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts import guesses, notifications
from accounts.models import UserSession
from accounts.settings_area import sudo
from accounts.settings_area.forms import ConfirmPasswordForm, PasswordChangeForm, ProfileForm
from accounts.settings_area.sections import render_settings
from core.htmx import (
    redirect_to,
)
from core.redirects import next_url
from core.submissions import save_or_report_conflict, submitted

# Settings: one area, each section at its own address. The sections' navigation is
# beside the panel (above it on phones); with htmx it swaps only the panel.


@require_GET
def settings_home(request):
    return redirect_to(request, reverse("accounts:profile"))


@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(submitted(request), instance=request.user)
    if form.is_bound and form.is_valid() and save_or_report_conflict(form):
        messages.success(request, _("Your profile has been saved."))
        return redirect_to(request, request.path)
    return render_settings(request, "accounts/update.html", {"form": form}, form="profile-form")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request):
    form = PasswordChangeForm(request, submitted(request))
    if form.is_bound and form.is_valid():
        user = form.save()
        guesses.forget(user)  # whoever was guessing the old one starts again
        notifications.notify(request, user, "password_changed")
        update_session_auth_hash(request, user)
        sudo.reauthenticated(request)
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
        form="password-change-form",
    )


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def danger_zone(request):
    # The form asks for the password itself, which is the re-authentication.
    form = ConfirmPasswordForm(request, submitted(request))
    if form.is_bound and form.is_valid():
        user = request.user
        auth_logout(request)
        user.delete()  # its sessions and articles go with it (on_delete=CASCADE)
        messages.info(request, _("Your account and all your articles have been deleted."))
        return redirect_to(request, next_url(request))
    context = {"form": form, "article_count": request.user.articles.count()}
    return render_settings(request, "accounts/delete.html", context, form="account-deletion-form")


# Active sessions


# Password reset: Django's views, answering htmx in place, rate limited per client.
