from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or, when it contains an @, the email (ignoring case)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            User = get_user_model()
            try:
                user = User._default_manager.get(email__iexact=username)
            except User.DoesNotExist:
                # Hash anyway, so an unknown address takes as long as a wrong password.
                User().set_password(password)
                return None
            username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
