from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts import notifications
from accounts.backends import forget_user
from accounts.models import UserSession
from accounts.sessions import activity, store


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        activity.record_sign_in(request)
        notifications.note_device(request, user)


@receiver(post_delete, sender=UserSession)
def forget_cached_session(sender, instance, **kwargs):
    """However a session ends (logout, the sessions page, a password change or reset,
    the account deleted), its cached copy goes with its row."""
    store.forget(instance.session_key)


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def forget_cached_user(sender, instance, **kwargs):
    """A new password, a deactivation or a deletion takes effect at the next request:
    the cached copy that signed-in pages read (accounts.backends.cached_user) goes."""
    forget_user(instance.pk)
