"""Verified email addresses: an address is the member's once they used a link sent to it.

Until then it neither logs in nor receives password reset links (accounts.backends.
find_account, accounts.signin.password_reset.PasswordResetForm).

- Signing up with an address sends it a link; the account holds it, unverified.
- Only a confirmed address is unique (accounts.models.User): anyone can type anyone's
  address, so an unconfirmed one may be held by several accounts; confirming it takes it
  from the others. An address confirmed by another account is accepted like any other,
  so that signing up never tells whether an address has an account; instead of a link,
  its owner is told that someone tried to use it (`send_link`).
- A new address for an account whose address is verified waits in `pending_email`: the
  old one keeps working until the link sent to the new one is used, and then hears of the
  change. An account without an address, or with an unverified one, has nothing to keep:
  the new address takes its place at once, unverified. Clearing it takes effect at once.
- A link is signed (django.core.signing) with the account and the address, and expires
  after EMAIL_VERIFICATION_MAX_AGE. It works only while its address is the one waiting
  (`waiting_address`): so it works once, and a link for an address replaced since
  confirms nothing.
- Opening a link (GET) shows what it confirms, with a button; only that POST changes
  anything, because mail scanners open links. It works signed out, and signed in as
  anyone: it confirms the address of the account it was sent for.
- ACCOUNT_EMAIL_VERIFICATION: "optional", a member with an unverified address logs in (by
  username) and a banner asks them to confirm it; "mandatory", such an account does not
  log in: the check-your-inbox page says so and can send the link again.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import notifications
from core import ratelimit
from core.htmx import (
    redirect_to,
)

# The signing salt of the links already sent: kept as it was named (accounts.verification).
SALT = "accounts.verification"
# Who signed up, or gave the right password, on this browser without a confirmed address
# ("mandatory"): the check-your-inbox page can send their link again.
WAITING_USER = "_verify_user"
TOO_MANY = 429


SUBJECTS = {
    "new": gettext_lazy("Confirm your email address"),
    "change": gettext_lazy("Confirm your new email address"),
}
EXPIRED = gettext_lazy(
    "This link has expired. Ask for a new one: log in, or use the page that asked you to "
    "confirm your address."
)
INVALID = gettext_lazy(
    "This link is not valid. Check that you opened the whole link from the email."
)
NOT_WAITING = gettext_lazy(
    "This link can no longer be used: the address was confirmed already, or it was "
    "changed since the link was sent."
)
TAKEN = gettext_lazy(
    "Another account uses this address now, so it cannot be confirmed for this one. "
    "Choose another address in Settings."
)
TOO_MANY_LINKS = gettext_lazy(
    "Too many links were sent for this account. Please wait an hour before asking for "
    "another, and check your spam folder."
)

# What saving the Email settings does (planned_change).
UNCHANGED, CLEARED, REPLACED, PENDING = "unchanged", "cleared", "replaced", "pending"


def is_mandatory():
    return settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"


def waiting_address(user):
    """The address waiting for its link: a new one, else the unverified current one."""
    if user.pending_email:
        return user.pending_email
    return user.email if user.has_unconfirmed_email else ""


# Changing the address (accounts.email.forms.EmailForm)


def planned_change(user, new):
    """What saving `new` (empty: no address) as the user's address will do."""
    if not new:
        return CLEARED if user.email else UNCHANGED
    if new.lower() == user.email.lower():
        return UNCHANGED  # at most the letter case: the same address
    if user.email and user.email_verified:
        return PENDING
    return REPLACED


def change_email(user, new):
    """Save `new` as the user's address the way `planned_change` says; return that. A
    change not made yet, or asked for again with the current address, is dropped."""
    outcome = planned_change(user, new)
    user.pending_email = new if outcome == PENDING else ""
    if outcome == UNCHANGED:
        user.email = new
    elif outcome in (CLEARED, REPLACED):
        user.email, user.email_verified = new, False
    user.save(update_fields=["email", "email_verified", "pending_email"])
    return outcome


def sends_link(user, new):
    return planned_change(user, new) in (PENDING, REPLACED)


def too_many_links(user):
    """Count a link asked for by `user`; whether it is one too many (RATE_LIMITS)."""
    return ratelimit.hit("verify-email-user", user.pk)


def email_saved(request, user, outcome, *, previous, previous_verified):
    """Send what saving the Email settings calls for and tell the member what happened."""
    if outcome in (PENDING, REPLACED):
        send_link(request, user)
    if outcome == PENDING:
        message = _(
            "We sent a link to %(address)s. Your address stays %(current)s until you open it."
        ) % {"address": user.pending_email, "current": user.email}
    elif outcome == REPLACED:
        message = _("We sent a link to %(address)s: open it to confirm your address.") % {
            "address": user.email
        }
    else:
        message = _("Your email address has been saved.")
    if outcome == CLEARED and previous_verified:
        # The old address hears of it: it no longer gets reset links.
        notifications.notify(request, user, "email_changed", to=previous, new_address=_("(none)"))
    messages.success(request, message)


# The link


def confirmed_elsewhere(address, user):
    """The account, other than `user`, whose confirmed address `address` is (None if none)."""
    accounts = get_user_model()._default_manager.filter(email__iexact=address, email_verified=True)
    return accounts.exclude(pk=user.pk).first()


def send_link(request, user):
    """Mail a link for the user's waiting address, in the request's language, once the
    transaction commits and in the background (a mail server that is down is logged,
    never raised).

    Signing up, the Email settings and "send the link again" all come here, so that they
    answer alike whether or not the address has an account: when another account has
    confirmed it, no link is sent and its owner hears that someone tried to use it.
    """
    address = waiting_address(user)
    if not address:
        return
    if owner := confirmed_elsewhere(address, user):
        tell_owner(request, owner, address)
        return
    token = signing.dumps([user.pk, address], salt=SALT)
    context = {
        "user": user,
        "address": address,
        "current": user.email if user.pending_email else "",
        "link": request.build_absolute_uri(reverse("accounts:confirm_email", args=[token])),
    }
    with translation.override(getattr(request, "LANGUAGE_CODE", None)):
        context["duration"] = link_lifetime()
        subject = str(SUBJECTS["change" if user.pending_email else "new"])
        body = render_to_string("accounts/email/verify_email.txt", context)
    notifications.send_later(subject, body, address, "verify_email")


def tell_owner(request, owner, address):
    """Tell the owner of `address` that someone tried to sign up with it or to add it to
    an account, at most once every ADDRESS_IN_USE_MAIL_INTERVAL: each sign-up with the
    address would send one, and the answer never says so, so the count stays silent."""
    if not ratelimit.first_in_window(
        "address-in-use-mail", address, settings.ADDRESS_IN_USE_MAIL_INTERVAL
    ):
        return
    login_url = request.build_absolute_uri(reverse("accounts:login"))
    notifications.notify(request, owner, "address_in_use", address=address, login_url=login_url)


def link_lifetime():
    """How long a link works, in words ("3 days"), in the active language."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=settings.EMAIL_VERIFICATION_MAX_AGE), now)


class LinkRefused(Exception):
    """A link that confirms nothing; its message says why."""


def read_link(token):
    """The account and the address a link confirms, or LinkRefused."""
    try:
        user_id, address = signing.loads(
            token, salt=SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise LinkRefused(EXPIRED) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(INVALID) from None
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not address:
        raise LinkRefused(NOT_WAITING)
    refuse_unless_waiting(user, address)
    return user, address


def refuse_unless_waiting(user, address):
    """LinkRefused unless `address` is the one waiting on the account: TAKEN when another
    account has confirmed it (which took it from this one), else NOT_WAITING."""
    if confirmed_elsewhere(address, user):
        raise LinkRefused(TAKEN)
    if waiting_address(user).lower() != address.lower():
        raise LinkRefused(NOT_WAITING)


def confirm(user_id, address):
    """Make `address` the verified address of the account `user_id`, if it still waits,
    and take it from every other account that holds it unconfirmed or waits for it.
    Returns the account, the address confirmed and the one it replaced ("" if none);
    LinkRefused if the link was used meanwhile (a second click) or another account
    confirmed the address first."""
    with transaction.atomic():
        holders = lock_holders(user_id, address)
        user = holders.pop(user_id, None)
        if user is None:
            raise LinkRefused(NOT_WAITING)
        refuse_unless_waiting(user, address)
        address = waiting_address(user)  # as the member typed it
        replaced = user.email if user.pending_email else ""
        user.email, user.email_verified, user.pending_email = address, True, ""
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_verified", "pending_email"])
        except IntegrityError:  # confirmed by another account between the check and the save
            raise LinkRefused(TAKEN) from None
        for other in holders.values():
            take_from(other, address)
    return user, address, replaced


def lock_holders(user_id, address):
    """The account `user_id` and every account holding or waiting for `address`, by id,
    locked until the transaction ends.

    Two confirmations of one address each change both accounts (one confirms, and takes
    the address from the other): locking them all first, always in the order of their
    ids, makes the second wait for the first instead of deadlocking with it.
    """
    accounts = get_user_model()._default_manager.select_for_update()
    holding = Q(pk=user_id) | Q(email__iexact=address) | Q(pending_email__iexact=address)
    return {account.pk: account for account in accounts.filter(holding).order_by("pk")}


def take_from(account, address):
    """`address` was confirmed by another account: this one no longer holds it
    unconfirmed, nor waits for it."""
    changed = []
    if not account.email_verified and account.email.lower() == address.lower():
        account.email = ""
        changed.append("email")
    if account.pending_email.lower() == address.lower():
        account.pending_email = ""
        changed.append("pending_email")
    if changed:
        account.save(update_fields=changed)


# Signing up and logging in


def signed_up(request, user):
    """Send a new account its link. Under "mandatory" it is not signed in: the answer is
    the check-your-inbox page (else None: the signup goes on)."""
    send_link(request, user)
    if not is_mandatory():
        return None
    request.session[WAITING_USER] = user.pk
    return redirect_to(request, reverse("accounts:check_inbox"))


def hold_login(request, user):
    """Under "mandatory", an account without a confirmed address does not sign in (by
    password or passkey, once every factor was given): returns the check-your-inbox
    page's address, which can send the link again, or take an address for an account
    that has none (made by an administrator, or whose unconfirmed address another
    account confirmed). Else None: the sign-in goes on."""
    if not is_mandatory() or user.email_verified:
        return None
    request.session[WAITING_USER] = user.pk
    if waiting_address(user):
        message = _("Confirm your email address to log in: open the link we sent to it.")
    else:
        message = _("Your account needs a confirmed email address: add one to log in.")
    messages.warning(request, message)
    return reverse("accounts:check_inbox")


def waiting_user(request):
    """The member, or who signed up or logged in on this browser without a confirmed
    address (None if nobody)."""
    if request.user.is_authenticated:
        return request.user
    user_id = request.session.get(WAITING_USER)
    if user_id is None:
        return None
    return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


# Views
