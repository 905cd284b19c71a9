"""Mail that tells a member when something changed on their account: the password
changed or reset, the email address changed, a sign-in from a device not seen before,
two-factor sign-in turned on or off, a recovery code used, a passkey added or removed,
too many wrong codes or wrong passwords in a session (accounts.guesses); and that someone
tried to sign up with the member's address or to add it to an account
(accounts.email.verification.send_link).

Each message says what happened, when, from which device and address, and what to do
if it was not them. It is written in the language of the request that made the change,
sent once that change is committed, in a thread of its own: a mail server that is down
or slow never breaks or holds up the action (the failure is logged).
"""

import logging
import threading

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import KnownDevice
from accounts.sessions import devices

logger = logging.getLogger(__name__)

SUBJECTS = {
    "password_changed": _("Your password was changed"),
    "password_reset": _("Your password was reset"),
    "email_changed": _("The email address of your account was changed"),
    "new_device": _("A sign-in to your account from a new device"),
    "two_factor_enabled": _("Two-factor sign-in was turned on"),
    "two_factor_disabled": _("Two-factor sign-in was turned off"),
    "recovery_codes_regenerated": _("New recovery codes were made for your account"),
    "recovery_code_used": _("A recovery code was used to sign in"),
    "passkey_added": _("A passkey was added to your account"),
    "passkey_removed": _("A passkey was removed from your account"),
    "second_factor_locked": _("Wrong codes were entered for your account"),
    "session_password_locked": _("Wrong passwords were typed in a session of your account"),
    "address_in_use": _("Someone tried to use your email address"),
}


def notify(request, user, event, *, to=None, **details):
    """Tell `user` about `event` (a key of SUBJECTS) at their confirmed address (an
    address nobody proved to be theirs could be someone else's), or at `to`."""
    address = to or (user.email if user.email_verified else "")
    if not address:
        return
    context = {
        "user": user,
        "event": event,
        "when": timezone.now(),
        "device": devices.describe_user_agent(request.headers.get("User-Agent", "")),
        "ip": devices.client_ip(request) or "",
        "sessions_url": request.build_absolute_uri(reverse("accounts:sessions")),
        "reset_url": request.build_absolute_uri(reverse("accounts:password_reset")),
        **details,
    }
    with translation.override(getattr(request, "LANGUAGE_CODE", None)):
        subject = str(SUBJECTS[event])
        body = render_to_string(f"accounts/email/notice_{event}.txt", context)
    send_later(subject, body, address, event)


def note_device(request, user):
    """Remember the device of this sign-in; tell the member when it is a new one on an
    account that has signed in before (the first device of an account is no news)."""
    description = devices.describe_user_agent(request.headers.get("User-Agent", ""))
    _device, created = KnownDevice.objects.get_or_create(user=user, description=description)
    if created and user.known_devices.exclude(description=description).exists():
        notify(request, user, "new_device")


def send_later(subject, body, address, event):
    """Send a mail once the current transaction commits, in the background; a failure
    is logged (`event` names the mail in the log), never raised."""
    transaction.on_commit(lambda: _send_in_background(subject, body, address, event))


def _send_in_background(subject, body, address, event):
    thread = threading.Thread(target=_send, args=(subject, body, address, event), daemon=True)
    thread.start()


def _send(subject, body, address, event):
    try:
        send_mail(subject, body, None, [address])
    except Exception:
        # Whatever the mail server or the network did: the change itself is done.
        logger.exception("The %s notice could not be sent.", event)
