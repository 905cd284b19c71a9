"""An authenticator app's codes (TOTP, RFC 6238, computed by pyotp): setting one up,
checking a code, turning two-factor sign-in on and off.

A code is accepted for its own 30-second step and the steps either side (a phone's clock
a little off), and each step only once: the device remembers the last step it accepted,
moved forward by one conditional UPDATE, so that a code seen over someone's shoulder, or
sent twice at once, signs in at most once. (Recovery codes: accounts.mfa.recovery.)
"""

import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import constant_time_compare

from accounts.models import RecoveryCode, TOTPDevice

# Where the secret of an authenticator app being set up waits for its first code.
SETUP_SECRET = "_totp_setup_secret"
TOTP_DIGITS = 6
# Steps accepted either side of the current one.
TOTP_DRIFT = 1


def new_secret():
    return pyotp.random_base32(32)


def provisioning_uri(user, secret):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.TWO_FACTOR_ISSUER
    )


def qr_code_svg(uri):
    """The QR code of `uri` as an inline SVG (no image request, no outside service)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, svgclass="qr-code")


def grouped(secret):
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalize(code):
    """A code as typed: spaces and dashes ignored, letters in any case."""
    return "".join(code.split()).replace("-", "").lower()


def is_totp_code(code):
    return len(code) == TOTP_DIGITS and code.isdigit()


def matching_step(secret, code, at=None):
    """The time step whose code `code` is (the current one, or one either side), else None."""
    totp = pyotp.TOTP(secret)
    current = int(time.time() if at is None else at) // totp.interval
    for step in sorted(
        range(current - TOTP_DRIFT, current + TOTP_DRIFT + 1), key=lambda s: abs(s - current)
    ):
        if constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def use_totp_code(device, code):
    """Whether `code` is right for `device` and its step was not used before (it is
    then used up: that step and every earlier one are refused from now on)."""
    step = matching_step(device.secret, code)
    if step is None:
        return False
    moved = TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step
    )
    return moved == 1


def turn_on(user, secret, code):
    """Make `secret` the user's authenticator app if `code` is its current code.
    Returns the device (None if the code is wrong, or two-factor sign-in was already
    turned on meanwhile, e.g. by the same form sent twice)."""
    step = matching_step(secret, normalize(code))
    if step is None:
        return None
    with transaction.atomic():
        device, created = TOTPDevice.objects.get_or_create(
            user=user, defaults={"secret": secret, "last_used_step": step}
        )
    return device if created else None


def turn_off(user):
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
