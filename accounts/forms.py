from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    # Checked as the user leaves each field (htmx posts the form with HX-Trigger-Name).
    live_fields = ("username", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.live_fields:
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": reverse("accounts:signup"),
                    "hx-trigger": "change",
                    "hx-target": f"#{self[name].auto_id}_feedback",
                    "hx-swap": "outerHTML",
                }
            )

    def live_errors(self, name):
        """The errors to show for one field as the user leaves it, before submitting."""
        data = self.data
        if name == "username":
            return self.errors.get("username", []) if self.is_bound else []
        if name == "password1":
            if not data.get("password1"):
                return []
            user = self._meta.model(username=data.get("username", ""))
            try:
                password_validation.validate_password(data["password1"], user)
            except ValidationError as error:
                return error.messages
            return []
        if data.get("password1") and data.get("password2") != data.get("password1"):
            return [self.error_messages["password_mismatch"]]
        return []


class ProfileForm(forms.ModelForm):
    """Only these three fields: anything else posted (is_staff, username, ...) is ignored."""

    class Meta:
        model = get_user_model()
        fields = ("email", "first_name", "last_name")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("That is not your password. Nothing was deleted."),
                code="password_incorrect",
            )
        return password
