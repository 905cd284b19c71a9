"""The Email section's form, and the address asked for on the check-your-inbox page."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from accounts.email import verification


class AddressForm(forms.Form):
    """An address for an account that has none, asked on the check-your-inbox page."""

    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=get_user_model()._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class EmailForm(forms.ModelForm):
    """The address for password resets (changing it asks for the password: sudo mode).

    A new address takes effect the way accounts.email.verification.planned_change says: an
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
