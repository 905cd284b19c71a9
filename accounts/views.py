from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import DeleteAccountForm, ProfileForm, SignupForm
from accounts.models import UserSession
from core.forms import submitted
from core.htmx import redirect_to, render_form_page
from core.redirects import next_url


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect_to(request, next_url(request))
    form = SignupForm(submitted(request))
    field = request.htmx.trigger_name if request.htmx else None
    if form.is_bound and field in form.live_fields:
        return render_field_feedback(request, form, field)
    if form.is_bound and form.is_valid():
        user = form.save()
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s! Your account is ready.") % {"name": user})
        return redirect_to(request, next_url(request))
    return render_form_page(request, "accounts/signup.html", {"form": form})


def render_field_feedback(request, form, name):
    errors = form.live_errors(name)
    confirmation = ""
    if not errors and name == "username" and form.data.get("username"):
        confirmation = _("This username is available.")
    context = {"field": form[name], "errors": errors, "confirmation": confirmation}
    return render(request, "partials/field_feedback.html", context)


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if request.user.is_authenticated:
        return redirect_to(request, next_url(request))
    form = AuthenticationForm(request, data=submitted(request))
    if form.is_bound and form.is_valid():
        auth_login(request, form.get_user())
        messages.success(request, _("Welcome back, %(name)s.") % {"name": form.get_user()})
        return redirect_to(request, next_url(request))
    return render_form_page(request, "accounts/login.html", {"form": form})


@login_not_required
@require_POST
def logout(request):
    # logout() flushes the session: its row is deleted and, with nothing left in it,
    # the session cookie is cleared.
    auth_logout(request)
    messages.info(request, _("You have been logged out."))
    return redirect_to(request, next_url(request))


@require_http_methods(["GET", "POST"])
def update(request):
    form = ProfileForm(submitted(request), instance=request.user)
    if form.is_bound and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect_to(request, request.path)
    return render_form_page(request, "accounts/update.html", {"form": form})


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def change_password(request):
    form = PasswordChangeForm(request.user, submitted(request))
    if form.is_bound and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        UserSession.end_all_for(user, except_key=request.session.session_key)
        messages.success(
            request,
            _("Your password has been changed. Your other sessions have been signed out."),
        )
        return redirect_to(request, request.path)
    return render_form_page(request, "accounts/change_password.html", {"form": form})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def delete(request):
    form = DeleteAccountForm(request.user, submitted(request))
    if form.is_bound and form.is_valid():
        user = request.user
        auth_logout(request)
        user.delete()  # its sessions and articles go with it (on_delete=CASCADE)
        messages.info(request, _("Your account and all your articles have been deleted."))
        return redirect_to(request, next_url(request))
    context = {"form": form, "article_count": request.user.articles.count()}
    return render_form_page(request, "accounts/delete.html", context)
