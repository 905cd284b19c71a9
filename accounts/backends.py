from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def find_account(identifier):
    """The account that `identifier` names: its username or, with an @, its email, both
    ignoring case (both are unique ignoring case). None when no account matches."""
    if not identifier:
        return None
    User = get_user_model()
    field = "email" if "@" in identifier else "username"
    return User._default_manager.filter(**{f"{field}__iexact": identifier}).first()


def lockout_key(request, credentials):
    """What django-axes counts failed logins against (AXES_USERNAME_CALLABLE).

    Every spelling of one account (its username in any letter case, its email) counts
    against the same account. A name that matches no account is counted as typed, in
    lower case, so it is locked out just the same and a lockout reveals nothing about
    whether an account exists.
    """
    identifier = (credentials or {}).get("username") or request.POST.get("username", "")
    account = find_account(identifier.strip())
    return account.get_username() if account else identifier.strip().lower()


class UsernameOrEmailBackend(ModelBackend):
    """Log in with the username or, when it contains an @, the email; case is ignored."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_account(username.strip())
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
