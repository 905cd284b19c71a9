"""Profile, password confirmation (sudo mode, deleting the account) and password change."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import guesses


class ProfileForm(forms.ModelForm):
    """The name shown for the user's articles and in the navbar, and the time zone the
    user reads times in. Only these fields: anything else posted (is_staff, username,
    email...) is ignored."""

    class Meta:
        model = get_user_model()
        fields = ("first_name", "last_name", "time_zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(self.fields["time_zone"].choices)
        choices[0] = ("", _("Automatic (this browser's time zone)"))
        self.fields["time_zone"].choices = choices


class ConfirmPasswordForm(forms.Form):
    """The member's own password, asked again before a sensitive action (deleting the
    account, and the actions behind sudo mode). Every wrong one counts against the
    account (accounts.guesses): too many raise TooManyGuesses, which signs the session
    out (accounts.sessions.middleware.TooManyGuessesMiddleware)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = request.user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not session_password_is_right(self.request, password):
            raise forms.ValidationError(
                _("That is not your password. Nothing was changed."), code="password_incorrect"
            )
        return password


def session_password_is_right(request, password):
    """Whether `password` is the signed-in member's, counted as a guess of it."""
    user = request.user
    return guesses.check(
        request, user, guesses.SESSION_PASSWORD, lambda: user.check_password(password)
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    # Other sessions are signed out unless the user asks to keep them.
    keep_other_sessions = forms.BooleanField(
        label=_("Keep my other sessions signed in"),
        required=False,
        help_text=_(
            "By default every other device is signed out, in case someone else "
            "knew your old password."
        ),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(request.user, *args, **kwargs)

    def clean_old_password(self):
        # Django's check, with the guess counted (ConfirmPasswordForm).
        old_password = self.cleaned_data["old_password"]
        if not session_password_is_right(self.request, old_password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
