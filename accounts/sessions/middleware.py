"""Keeping sessions honest on every request: their clocks (idle and absolute timeouts)
and the end of a session that guessed too many passwords."""

from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from accounts import guesses
from accounts.sessions import activity
from accounts.signin.forms import LoginForm
from core.htmx import render_page
from core.submissions import refuse


class SessionActivityMiddleware:
    """Ends a signed-in session past its idle or absolute timeout; notes activity.

    After it, the request is anonymous, so LoginRequiredMiddleware sends the user to log
    in (an HX-Redirect for htmx, with the draft kept).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if activity.expired(request.session):
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            else:
                activity.touch(request)
        return self.get_response(request)


class TooManyGuessesMiddleware:
    """Too many wrong passwords typed inside signed-in sessions (accounts.guesses): the
    session that typed one more is signed out, and answered with the login page (429)
    saying why. Whoever holds a stolen session cannot go on guessing the password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, guesses.TooManyGuesses):
            return None
        if exception.secret != guesses.SESSION_PASSWORD:
            return None
        logout(request)
        form = LoginForm(request)
        message = _(
            "Too many wrong passwords were typed in this account's sessions, so this one "
            "has been signed out. Log in again; if it was not you, reset your password."
        )
        refuse(form, message)
        return render_page(request, "accounts/login.html", {"form": form}, status=429)
