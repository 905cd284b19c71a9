from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from accounts import activity


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
