from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import activity


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        activity.record_sign_in(request)
