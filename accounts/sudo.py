"""Sudo mode: sensitive actions need the password entered in the last few minutes.

A view calls `prompt = sudo.require(request)` before acting. In sudo mode it gets None
and goes on. Otherwise it returns the prompt: a password form that posts back to the
same URL with everything the user had submitted, so that once the password is right the
action continues where it stopped. With htmx the prompt takes the place of the content.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_htmx.http import reswap, retarget

from accounts import activity
from core.htmx import render_form_page, wants_fragment

FIELD = "sudo_password"
_NOT_PRESERVED = {"csrfmiddlewaretoken", FIELD}


class SudoForm(forms.Form):
    sudo_password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_sudo_password(self):
        password = self.cleaned_data["sudo_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="password_incorrect")
        return password


def require(request):
    if activity.recently_reauthenticated(request):
        return None
    form = SudoForm(request.user, request.POST if FIELD in request.POST else None)
    if form.is_bound and form.is_valid():
        activity.reauthenticated(request)
        return None
    preserved = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_PRESERVED
        for value in values
    ]
    context = {"form": form, "action": request.path, "preserved": preserved}
    response = render_form_page(request, "accounts/sudo.html", context)
    if wants_fragment(request) and not form.is_bound:
        # The first prompt replaces the page's content, whatever the form targeted.
        response = reswap(retarget(response, "#main"), "innerHTML")
    return response
