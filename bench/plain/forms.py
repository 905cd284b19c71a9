from django.contrib.auth.forms import UserCreationForm

from bench.plain.models import User


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
