from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from accounts import guesses, notifications, twofactor, verification
from core import ratelimit


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Usernames and emails are found whatever their letter case.
        "invalid_login": _("The username or email and the password do not match an account."),
    }
    remember_me = forms.BooleanField(
        label=_("Remember me"),
        required=False,
        help_text=_("Stay signed in on this device for two weeks."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or email")
        # The browser may offer passkeys in the field's autofill (static/js/passkeys.js).
        self.fields["username"].widget.attrs["autocomplete"] = "username webauthn"


class SignupForm(UserCreationForm):
    """A new account. Whether the email has an account is never checked here (nor in
    EmailForm): it would tell anyone which addresses have one. An address confirmed by
    another account is accepted like any other and its owner hears of it instead
    (accounts.verification.send_link). Usernames are checked: they are public."""

    # Checked one at a time as the user leaves each (the signup template asks for it).
    live_fields = ("username", "email", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")
        help_texts = {"email": _("Optional. Lets you reset a forgotten password.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if verification.is_mandatory():
            self.fields["email"].required = True
            self.fields["email"].help_text = _(
                "We send a link to it: you can log in once you have opened it."
            )

    def validate_password_for_user(self, user, **kwargs):
        # The password rules are reported at the field where the password is chosen
        # (Django reports them at the confirmation).
        super().validate_password_for_user(user, password_field_name="password1")

    def live_errors(self, name):
        """The errors to show for the field `name` as the user leaves it, before submitting.

        The username and the email get the form's whole validation (is the username
        free? an email is never said to be taken: see the class). The passwords get
        Django's own password checks, run on the two password fields only: they need no
        database, and they run each time a password field is left.
        """
        if not name.startswith("password"):
            return self.errors.get(name, [])
        if not self.data.get(name):
            return []
        self._errors, self.cleaned_data = ErrorDict(), {}
        for field in ("password1", "password2"):
            try:
                self.cleaned_data[field] = self.fields[field].clean(self.data.get(field))
            except ValidationError as error:
                self.add_error(field, error)
        self.validate_passwords()
        self.validate_password_for_user(self._meta.model(username=self.data.get("username", "")))
        return self._errors.get(name, [])


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


class EmailForm(forms.ModelForm):
    """The address for password resets (changing it asks for the password: sudo mode).

    A new address takes effect the way accounts.verification.planned_change says: an
    account's verified address stays until the link sent to the new one is used. As at
    signup, an address is never said to be another account's.
    """

    class Meta:
        model = get_user_model()
        fields = ("email",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = self.instance.email
        self.previous_verified = self.instance.email_verified
        self.outcome = None
        # Under "mandatory" an account without an address could not log in again.
        self.fields["email"].required = verification.is_mandatory()

    def _post_clean(self):
        super()._post_clean()
        # Validation wrote the new address into the user: it changes only in save(), and
        # maybe not at once. (The user is the request's: its pages show the address.)
        self.instance.email = self.previous

    def sends_link(self):
        return verification.sends_link(self.instance, self.cleaned_data["email"])

    def save(self, commit=True):
        self.outcome = verification.change_email(self.instance, self.cleaned_data["email"])
        return self.instance


class ConfirmPasswordForm(forms.Form):
    """The member's own password, asked again before a sensitive action (deleting the
    account, and the actions behind sudo mode). Every wrong one counts against the
    account (accounts.guesses): too many raise TooManyGuesses, which signs the session
    out (accounts.middleware.TooManyGuessesMiddleware)."""

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


class TwoFactorCodeForm(forms.Form):
    """The second step of a two-factor sign-in: an authenticator code or, after the
    password, a recovery code. Checking it uses the code up (accounts.twofactor) and
    counts as a guess of the account's codes (accounts.guesses: TooManyGuesses when
    there were too many); `factor` then says which kind it was."""

    code = forms.CharField(
        label=_("Authentication code"),
        max_length=64,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,  # the only thing to do on the page
            }
        ),
    )

    def __init__(self, request, user, *args, recovery=True, **kwargs):
        self.request = request
        self.user = user
        self.recovery = recovery
        self.factor = None
        super().__init__(*args, **kwargs)
        if not recovery:
            self.fields["code"].help_text = _("The 6-digit code from your authenticator app.")

    def clean_code(self):
        code = self.cleaned_data["code"]

        def is_right():
            self.factor = twofactor.verify_second_step(self.user, code, recovery=self.recovery)
            return self.factor is not None

        if not guesses.check(self.request, self.user, guesses.SECOND_FACTOR, is_right):
            raise ValidationError(
                _(
                    "That code is not right, or it was used already. Codes change every 30 "
                    "seconds: enter the one your app shows now."
                ),
                code="invalid_code",
            )
        return code


class PasswordStepForm(forms.Form):
    """The password as the second step, after a passkey that did not verify its user. It
    is checked like a login (django-axes counts a wrong one against the account)."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, user, *args, **kwargs):
        self.request = request
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        username = self.user.get_username()
        if authenticate(self.request, username=username, password=password) is None:
            raise ValidationError(_("That is not your password."), code="invalid_login")
        return password


class TwoFactorSetupForm(forms.Form):
    """The first code of an authenticator app being set up: it proves the app has the secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, user, secret, *args, **kwargs):
        self.user = user
        self.secret = secret
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"]
        if twofactor.matching_step(self.secret, twofactor.normalize(code)) is None:
            raise ValidationError(
                _("That code is not right. Enter the 6-digit code your app shows now."),
                code="invalid_code",
            )
        return code


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset links go to confirmed addresses only (accounts.verification); any other
    address gets the same answer as an unknown one.

    An address gets at most one reset mail in each PASSWORD_RESET_MAIL_INTERVAL window,
    however many ask for it: a request in between sends nothing and gets the same answer.
    So asking on someone's behalf never blocks them: whatever stopped their mail was a
    mail to their inbox, sent minutes ago, whose link still works.
    """

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if user.email_verified and reset_mail_due(user.email)
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        # After the answer, in the background like the notices: the time the answer
        # takes must not tell whether the address has an account.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        notifications.send_later(subject, body, to_email, "password_reset_link")


def reset_mail_due(address):
    """Whether `address` may get a reset mail now (and it counts as sent): only addresses
    of accounts take a key in the cache, hashed (core.ratelimit)."""
    return ratelimit.first_in_window(
        "password-reset-mail", address, settings.PASSWORD_RESET_MAIL_INTERVAL
    )
