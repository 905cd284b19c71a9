"""The forms of signing up and in: login, signup, and the second step's code and password."""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from accounts import guesses
from accounts.email import verification
from accounts.mfa import totp
from accounts.mfa.recovery import use_recovery_code
from accounts.models import TOTPDevice
from accounts.signin import factors


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
    (accounts.email.verification.send_link). Usernames are checked: they are public."""

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


class TwoFactorCodeForm(forms.Form):
    """The second step of a two-factor sign-in: an authenticator code or, after the
    password, a recovery code. Checking it uses the code up (accounts.mfa.totp) and
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
            self.factor = verify_second_step(self.user, code, recovery=self.recovery)
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


def verify_second_step(user, code, *, recovery=True):
    """Which factor `code` proves for `user`: factors.CODE (an authenticator code) or,
    when `recovery` allows them, factors.RECOVERY_CODE; None when it proves none."""
    code = totp.normalize(code)
    if totp.is_totp_code(code):
        device = TOTPDevice.objects.filter(user=user).first()
        if device is not None and totp.use_totp_code(device, code):
            return factors.CODE
        return None
    if recovery and code and use_recovery_code(user, code):
        return factors.RECOVERY_CODE
    return None
