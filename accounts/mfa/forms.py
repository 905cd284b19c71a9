"""Turning on an authenticator app, and naming a passkey."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.mfa import totp
from accounts.models import Passkey


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Passkey name"),
        max_length=Passkey._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "To tell your passkeys apart: the device or the password manager that keeps "
            "it, such as “MacBook”."
        ),
        # Not the member's own name, which browsers would offer for a field called "name".
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PasskeyRenameForm(PasskeyNameForm):
    """In place of the passkey's line, beside the form that names a new one."""

    prefix = "rename"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.label, name.help_text = gettext_lazy("New name"), ""
        name.widget.attrs["autofocus"] = True


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
        if totp.matching_step(self.secret, totp.normalize(code)) is None:
            raise ValidationError(
                _("That code is not right. Enter the 6-digit code your app shows now."),
                code="invalid_code",
            )
        return code
