from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UniqueEmailMixin:
    """An email, when given, belongs to one account only, ignoring case."""

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if not email:
            return ""
        others = get_user_model()._default_manager.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(
                _("An account with this email address already exists."), code="unique"
            )
        return email


class LoginForm(AuthenticationForm):
    remember_me = forms.BooleanField(
        label=_("Remember me"),
        required=False,
        help_text=_("Stay signed in on this device for two weeks."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username or email")


class SignupForm(UniqueEmailMixin, UserCreationForm):
    # Checked as the user leaves each field (htmx posts the form with HX-Trigger-Name).
    live_fields = ("username", "email", "password1", "password2")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")
        help_texts = {"email": _("Optional. Lets you reset a forgotten password.")}

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
        if name in ("username", "email"):
            return self.errors.get(name, []) if self.is_bound else []
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


class ProfileForm(UniqueEmailMixin, forms.ModelForm):
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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's: the same answer whether or not an account has the address."""
