import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class User(AbstractUser):
    """The project's user. The username is unique ignoring case, as the signup form
    promises (the database enforces it, so two sign-ups at once cannot both win). An
    email is optional. A confirmed one is unique ignoring case; an unconfirmed one may be
    held by several accounts (anyone can type anyone's address) until one of them
    confirms it, which takes it from the others (accounts.email.verification.confirm)."""

    # Times are shown in this zone; empty: in the browser's own (static/js/app.js).
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        choices=time_zone_choices,
        help_text=_("Times are shown in this zone. Automatic: your browser's."),
    )
    # Whether `email` was proven to be the member's by a link sent to it. Only a
    # verified address logs in and receives password resets (accounts.email.verification).
    email_verified = models.BooleanField(_("email verified"), default=False)
    # A new address waiting for its confirmation link to be used; `email` keeps
    # working until then.
    pending_email = models.EmailField(_("new email address"), blank=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="unique_username_ignoring_case",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(email_verified=True) & ~models.Q(email=""),
                name="unique_verified_email_ignoring_case",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    @property
    def has_unconfirmed_email(self):
        """Whether the account has an address that no link has confirmed yet: it neither
        logs in nor gets mail, and the member is asked to confirm it."""
        return bool(self.email) and not self.email_verified

    @property
    def display_name(self):
        """How the app names the user to others: the full name, else the username."""
        return self.get_full_name() or self.get_username()


class UserSession(AbstractBaseSession):
    """A session row that knows whose it is and where it is used.

    The columns are written from the session's own data whenever the session is saved
    (accounts.sessions.store), so keeping them costs no extra query.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # How the session signed in: one of accounts.signin.factors.SIGN_IN_METHODS (empty:
    # before it was recorded).
    sign_in_method = models.CharField(max_length=40, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)
    last_activity = models.DateTimeField(null=True, blank=True)

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions.store import SessionStore

        return SessionStore

    @classmethod
    def end_all_for(cls, user, *, except_key=None):
        """Sign the user out everywhere, except the session with `except_key`."""
        sessions = cls.objects.filter(user=user)
        if except_key:
            sessions = sessions.exclude(session_key=except_key)
        return sessions.delete()[0]

    @property
    def public_id(self):
        """An id for pages and URLs: the session key itself is a credential."""
        return salted_hmac(
            "accounts.UserSession.public_id", self.session_key, algorithm="sha256"
        ).hexdigest()[:32]


class KnownDevice(models.Model):
    """A browser and system ("Firefox on Windows") that has signed in to the account. A
    sign-in from one not known yet is told to the member by mail
    (accounts.notifications.note_device)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices"
    )
    description = models.CharField(max_length=100)
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "description"], name="one_row_per_device"),
        ]

    def __str__(self):
        return self.description


class TOTPDevice(models.Model):
    """An authenticator app that gives the member's second factor (accounts.mfa.totp).
    Only confirmed devices are stored: the secret of one being set up waits in the
    session until its first code is right."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)  # base32, as authenticator apps take it
    created = models.DateTimeField(auto_now_add=True)
    # The last 30-second time step whose code was accepted: a code is good once.
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator app")

    def __str__(self):
        return str(_("Authenticator app"))


class RecoveryCode(models.Model):
    """A single-use code for signing in without the authenticator app, stored hashed
    (accounts.mfa.recovery.hash_recovery_code)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="one_row_per_code"),
        ]

    def __str__(self):
        return str(_("Recovery code (used)") if self.used_at else _("Recovery code"))


class Passkey(models.Model):
    """A WebAuthn credential (a passkey) the member signs in with (accounts.mfa.ceremonies)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(_("name"), max_length=100)
    # base64url of the credential's id, as the browser sends it back at sign-in.
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    # The WebAuthn user handle: random, the same for every passkey of one member.
    user_handle = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]

    def __str__(self):
        return self.name


class Guesses(models.Model):
    """How many times a secret of the account was tried since `window_started`
    (accounts.guesses): one row per account and kind of secret."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=30)
    count = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()

    class Meta:
        verbose_name_plural = _("guesses")
        constraints = [
            models.UniqueConstraint(fields=["user", "secret"], name="one_count_per_secret"),
        ]

    def __str__(self):
        return f"{self.secret}: {self.count}"
