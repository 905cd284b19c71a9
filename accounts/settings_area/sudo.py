"""Sudo mode: sensitive actions need the password entered in the last few minutes.

A view calls `prompt = sudo.require(request)` before acting. In sudo mode it gets None
and goes on. Otherwise it returns the prompt: a password form that posts back to the
same URL with everything the user had submitted, so that once the password is right the
action continues where it stopped. With htmx the prompt takes the place of the content.
"""

from django.conf import settings

from accounts.sessions import activity
from accounts.settings_area.forms import ConfirmPasswordForm
from core.htmx import render_page

# The prompt's field, named apart from any field of the form it interrupts.
PREFIX = "sudo"
FIELD = f"{PREFIX}-password"
_NOT_PRESERVED = {"csrfmiddlewaretoken", FIELD}


def require(request):
    if recently_reauthenticated(request):
        return None
    data = request.POST if FIELD in request.POST else None
    form = ConfirmPasswordForm(request, data, prefix=PREFIX)
    if form.is_bound and form.is_valid():
        reauthenticated(request)
        return None
    preserved = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_PRESERVED
        for value in values
    ]
    context = {"form": form, "action": request.path, "preserved": preserved}
    # The first prompt takes the place of the page's main content (core.htmx), whatever
    # the interrupted form targeted; a wrong password answers in the prompt itself.
    return render_page(request, "accounts/sudo.html", context, form="password-confirmation-form")


def reauthenticated(request):
    request.session[activity.REAUTH_TIME] = activity.now()


def not_reauthenticated(request):
    """Out of sudo mode: the next sensitive action asks for the password."""
    request.session.pop(activity.REAUTH_TIME, None)


def recently_reauthenticated(request):
    """Sudo mode: the password was entered in this session within SUDO_MODE_TIMEOUT."""
    return (
        activity.now() - request.session.get(activity.REAUTH_TIME, 0) <= settings.SUDO_MODE_TIMEOUT
    )
