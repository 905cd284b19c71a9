"""Passkeys (WebAuthn): adding them in Settings, and signing in with them.

py_webauthn does the cryptography (CBOR, COSE keys, attestation, signatures); these
views own the rest: the challenges, the session, and answers htmx and fetch() can use.

The page and its forms (list, rename, remove) are ordinary HTML views that work without
JavaScript. Making a passkey and signing in with one need the browser's WebAuthn API:
static/js/passkeys.js asks an `*_options` endpoint for the options (which stores a
random challenge in the session), lets the browser do the ceremony, and posts the result
to the matching endpoint, which takes the challenge out of the session (so it is used at
most once) before verifying. Those endpoints read JSON, each field checked before use
(read_json), and answer JSON: `{"redirect": url}`, or `{"error": message}` with 400 or
403, which the page shows.
"""

import functools
import json
import re
import secrets

import webauthn
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts import activity, login_flow, notifications, sudo
from accounts.factors import PASSKEY, SECURITY_KEY
from accounts.models import Passkey
from accounts.views import render_settings
from core.htmx import redirect_to, render_page, wants_fragment
from core.submissions import submitted

SECTION = "passkeys"
# How long a ceremony may take: the challenge is refused after this.
CHALLENGE_SECONDS = 5 * 60
# The session keys of the challenges waiting for an answer, one per kind of ceremony.
REGISTRATION = "_passkey_registration"
LOGIN = "_passkey_login"
SECOND_STEP = "_passkey_second_step"
TRANSPORTS = {transport.value for transport in AuthenticatorTransport}
# What py_webauthn, base64 and CBOR raise on a malformed or forged answer: a last net,
# behind read_json's checks of each field.
INVALID = (
    WebAuthnException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
)


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Passkey name"),
        max_length=Passkey._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "To tell your passkeys apart: the device or the password manager that keeps "
            "it, such as “MacBook”."
        ),
        # Not the member's own name, which browsers would offer for a field called "name".
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class PasskeyRenameForm(PasskeyNameForm):
    """In place of the passkey's line, beside the form that names a new one."""

    prefix = "rename"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.label, name.help_text = gettext_lazy("New name"), ""
        name.widget.attrs["autofocus"] = True


# Relying party: the site that passkeys belong to.


def rp_id(request):
    """The domain passkeys are bound to: WEBAUTHN_RP_ID, else this request's host."""
    return settings.WEBAUTHN_RP_ID or split_domain_port(request.get_host())[0]


def origins(request):
    """The origins a ceremony may come from: WEBAUTHN_ORIGINS, else this request's own."""
    return settings.WEBAUTHN_ORIGINS or [f"{request.scheme}://{request.get_host()}"]


def descriptor(passkey):
    transports = [AuthenticatorTransport(t) for t in passkey.transports if t in TRANSPORTS]
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(passkey.credential_id), transports=transports or None
    )


# JSON answers


class Refusal(Exception):
    """A request a JSON endpoint refuses: `message` is shown to the member."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def answers_json(view):
    """A refusal becomes `{"error": message}` with its status, never a server error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Refusal as refusal:
            return JsonResponse({"error": str(refusal.message)}, status=refusal.status)

    return wrapper


def not_understood():
    return Refusal(_("The request was not understood. Reload the page and try again."))


# JSON bodies: every field is checked (its type, its size, its characters) before
# anything reads it, so that a crafted body gets a 400 naming the field, never a
# TypeError deep in the code or in py_webauthn (whose INVALID is the last net only).

# A credential id has at most 1023 bytes, a user handle at most 64 (WebAuthn): in
# base64url, 1364 and 86 characters. The client data, authenticator data and
# attestation of a passkey take a few hundred bytes, some kilobytes with a certificate;
# a signature (ECDSA, EdDSA, RSA) at most 512 bytes.
CREDENTIAL_ID_LENGTH = 1364
USER_HANDLE_LENGTH = 86
DATA_LENGTH = 32 * 1024
SIGNATURE_LENGTH = 2048
MAX_ITEMS = 16  # in a list: the transports
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class Nullable:
    """A rule for a field that may be left out, or null."""

    def __init__(self, rule):
        self.rule = rule


def text(max_length=None, pattern=None):
    """A rule: a string of UTF-8 text (JSON's "\\ud800" is not), at most max_length
    characters, matching `pattern`."""

    def check(value):
        return (
            isinstance(value, str)
            and (max_length is None or len(value) <= max_length)
            and (pattern is None or pattern.fullmatch(value) is not None)
            and is_utf8(value)
        )

    return check


def is_utf8(value):
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def base64url(max_length):
    return text(max_length, BASE64URL)


def one_of(*choices):
    return lambda value: isinstance(value, str) and value in choices


def boolean(value):
    return isinstance(value, bool)


def checked(value, rule, path):
    """`value` as `rule` allows it, else a Refusal naming the field at `path`.

    A rule is a dict (a JSON object: each key with its rule; other keys are dropped),
    a list of one rule (a JSON array of at most MAX_ITEMS values that follow it), a
    Nullable(rule), or a function saying whether a value is right.
    """
    if isinstance(rule, Nullable):
        return None if value is None else checked(value, rule.rule, path)
    if isinstance(rule, dict):
        if not isinstance(value, dict):
            raise wrong_field(path)
        return {
            key: checked(value.get(key), inner, f"{path}.{key}" if path else key)
            for key, inner in rule.items()
        }
    if isinstance(rule, list):
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise wrong_field(path)
        return [checked(item, rule[0], f"{path}[{i}]") for i, item in enumerate(value)]
    if not rule(value):
        raise wrong_field(path)
    return value


def wrong_field(path):
    return Refusal(
        _(
            "The request was not understood: “%(field)s” is missing or not valid. Reload "
            "the page and try again."
        )
        % {"field": path}
    )


# The bodies passkeys.js sends: the browser's PublicKeyCredential as JSON (its toJSON()).
OPTIONS_BODY = {}  # asking for options: {}
CREDENTIAL_FIELDS = {
    "id": base64url(CREDENTIAL_ID_LENGTH),
    "rawId": base64url(CREDENTIAL_ID_LENGTH),
    "type": one_of("public-key"),
    "authenticatorAttachment": Nullable(text(32)),
    "clientExtensionResults": Nullable({}),  # none asked for: its contents are dropped
}
REGISTRATION_BODY = {
    "name": text(),  # PasskeyNameForm says what a name may be
    "credential": {
        **CREDENTIAL_FIELDS,
        "response": {
            "clientDataJSON": base64url(DATA_LENGTH),
            "attestationObject": base64url(DATA_LENGTH),
            # Hints for the browser; the unknown ones are dropped.
            "transports": Nullable([text(32)]),
        },
    },
}
SIGN_IN_BODY = {
    "credential": {
        **CREDENTIAL_FIELDS,
        "response": {
            "clientDataJSON": base64url(DATA_LENGTH),
            "authenticatorData": base64url(DATA_LENGTH),
            "signature": base64url(SIGNATURE_LENGTH),
            "userHandle": Nullable(base64url(USER_HANDLE_LENGTH)),
        },
    },
    "remember": Nullable(boolean),
}


def read_json(request, shape):
    """The request's body, a JSON object checked against `shape` (see checked())."""
    if request.content_type != "application/json":
        raise not_understood()
    try:
        data = json.loads(request.body.decode())
    # Too big for Django (DATA_UPLOAD_MAX_MEMORY_SIZE), not UTF-8, not JSON, or nested
    # too deep for the parser.
    except (RequestDataTooBig, ValueError, RecursionError):
        raise not_understood() from None
    if not isinstance(data, dict):
        raise not_understood()
    return checked(data, shape, "")


def require_sudo(request):
    if not activity.recently_reauthenticated(request):
        raise Refusal(
            _("For your security, confirm your password first: reload the page and start again."),
            status=403,
        )


# Challenges: random, kept in the session, used once, expiring.


def new_challenge(request, key, options, **details):
    request.session[key] = {
        "challenge": bytes_to_base64url(options.challenge),
        "expires": activity.now() + CHALLENGE_SECONDS,
        **details,
    }
    return JsonResponse(options_to_json_dict(options))


def take_challenge(request, key):
    """The challenge waiting in the session, taken out of it: an answer is checked
    against it once, whatever the outcome."""
    state = request.session.pop(key, None)
    if not state or state["expires"] < activity.now():
        raise expired()
    return state


def expired():
    return Refusal(_("This passkey request has expired or was already used. Please try again."))


# Settings: the list, adding, renaming and removing.


def own_passkey(request, pk):
    """The member's own passkey `pk`; anyone else's is not found."""
    return get_object_or_404(Passkey, pk=pk, user=request.user)


def render_passkeys(request, form):
    context = {"passkeys": request.user.passkeys.all(), "form": form}
    if form.is_bound and form.is_valid():
        context["ready"] = form.cleaned_data["name"]
    if wants_fragment(request, target="passkey-add"):
        status = 422 if form.is_bound and not form.is_valid() else None
        return render_page(
            request, "accounts/passkeys.html", context, fragment="add", status=status
        )
    return render_settings(
        request, "accounts/passkeys.html", context, form_partial="add", section=SECTION
    )


@require_GET
def passkeys(request):
    # Cancel (rename or remove, in place with htmx) puts the passkey's line back.
    target = request.htmx.target if wants_fragment(request) else None
    if match := re.fullmatch(r"passkey-(\d+)", target or ""):
        context = {"passkey": own_passkey(request, match[1]), "focus": request.GET.get("focus")}
        return render_page(request, "accounts/passkeys.html", context, fragment="item")
    return render_passkeys(request, PasskeyNameForm())


@require_POST
def passkey_add(request):
    """The name of a new passkey. In sudo mode (else after the password prompt) the page
    comes back ready to make it: passkeys.js does the rest."""
    form = PasskeyNameForm(request.POST)
    if form.is_valid() and (prompt := sudo.require(request)):
        return prompt
    return render_passkeys(request, form)


@require_http_methods(["GET", "POST"])
def passkey_rename(request, pk):
    """A form for the name: a page without JavaScript, in place of the line with htmx."""
    passkey = own_passkey(request, pk)
    form = PasskeyRenameForm(submitted(request), initial={"name": passkey.name})
    if form.is_bound and form.is_valid():
        passkey.name = form.cleaned_data["name"]
        passkey.save(update_fields=["name"])
        messages.success(request, _("The passkey has been renamed."))
        return redirect_to(request, reverse("accounts:passkeys"))
    context = {"passkey": passkey, "form": form}
    if wants_fragment(request, target=f"passkey-{passkey.pk}"):
        status = 422 if form.is_bound else None
        return render_page(
            request, "accounts/passkey_rename.html", context, fragment="rename", status=status
        )
    return render_settings(
        request, "accounts/passkey_rename.html", context, form_partial="rename", section=SECTION
    )


@require_http_methods(["GET", "POST"])
def passkey_remove(request, pk):
    """Asks first (GET: a page without JavaScript, in place of the line with htmx), then
    removes the passkey (POST, in sudo mode)."""
    passkey = own_passkey(request, pk)
    if request.method == "GET":
        context = {"passkey": passkey}
        if wants_fragment(request, target=f"passkey-{passkey.pk}"):
            return render_page(
                request, "accounts/passkey_remove.html", context, fragment="confirmation"
            )
        return render_settings(
            request, "accounts/passkey_remove.html", context, form_partial=None, section=SECTION
        )
    if prompt := sudo.require(request):
        return prompt
    passkey.delete()
    notifications.notify(request, request.user, "passkey_removed", passkey_name=passkey.name)
    messages.success(request, _("The passkey “%(name)s” has been removed.") % {"name": passkey})
    return redirect_to(request, reverse("accounts:passkeys"))


# Registration (JSON, for passkeys.js), in sudo mode.


@never_cache
@require_POST
@answers_json
def passkey_register_options(request):
    require_sudo(request)
    read_json(request, OPTIONS_BODY)
    user = request.user
    existing = list(user.passkeys.all())
    # One handle per member, so that their authenticators keep one account, not several.
    handle = existing[0].user_handle if existing else bytes_to_base64url(secrets.token_bytes(32))
    options = webauthn.generate_registration_options(
        rp_id=rp_id(request),
        rp_name=_("Board"),
        user_id=base64url_to_bytes(handle),
        user_name=user.get_username(),
        user_display_name=user.display_name,
        timeout=CHALLENGE_SECONDS * 1000,
        exclude_credentials=[descriptor(passkey) for passkey in existing],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return new_challenge(request, REGISTRATION, options, user=user.pk, user_handle=handle)


@require_POST
@answers_json
def passkey_register(request):
    require_sudo(request)
    state = take_challenge(request, REGISTRATION)
    if state.get("user") != request.user.pk:
        raise expired()
    data = read_json(request, REGISTRATION_BODY)
    form = PasskeyNameForm({"name": data["name"]})
    if not form.is_valid():
        raise Refusal(form.errors["name"][0])
    credential = data["credential"]
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=rp_id(request),
            expected_origin=origins(request),
        )
    except INVALID as error:
        raise not_verified() from error
    # The authenticator's signed data names the credential the browser named, which
    # keeps its id within a credential id's 1023 bytes (and the column).
    if verified.credential_id != base64url_to_bytes(credential["rawId"]):
        raise not_verified()
    transports = credential["response"]["transports"] or []
    passkey = save_passkey(
        request.user,
        verified,
        name=form.cleaned_data["name"],
        transports=[t for t in transports if t in TRANSPORTS],
        user_handle=state["user_handle"],
    )
    notifications.notify(request, request.user, "passkey_added", passkey_name=passkey.name)
    messages.success(request, _("The passkey “%(name)s” has been added.") % {"name": passkey})
    return JsonResponse({"redirect": reverse("accounts:passkeys")})


def not_verified():
    return Refusal(_("The new passkey could not be verified. Please try again."))


def save_passkey(user, verified, **fields):
    try:
        with transaction.atomic():
            return Passkey.objects.create(
                user=user,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                **fields,
            )
    except IntegrityError:
        raise Refusal(_("This passkey is registered already.")) from None


# Authentication (JSON): signing in, or the second step after a password.


def authentication_options(
    request, key, passkeys=(), verification=UserVerificationRequirement.PREFERRED, **details
):
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(request),
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=[descriptor(passkey) for passkey in passkeys],
        user_verification=verification,
    )
    return new_challenge(request, key, options, **details)


def read_assertion(request):
    """The credential that passkeys.js sent, parsed (not verified yet), and the body."""
    data = read_json(request, SIGN_IN_BODY)
    try:
        return parse_authentication_credential_json(data["credential"]), data
    except INVALID as error:
        raise not_understood() from error


def find_passkey(credential):
    passkey = Passkey.objects.select_related("user").filter(credential_id=credential.id).first()
    if passkey is None:
        raise Refusal(
            _(
                "This passkey is not registered here: it may have been removed. Sign in "
                "with your password, or choose another passkey."
            )
        )
    handle = credential.response.user_handle
    if handle is not None and bytes_to_base64url(handle) != passkey.user_handle:
        raise Refusal(_("This passkey could not be verified. Please try again."))
    return passkey


def check_assertion(request, passkey, credential, state):
    """Verify the signature over this session's challenge; note the use. Returns
    whether the authenticator verified the user (a PIN, a fingerprint...)."""
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(state["challenge"]),
            expected_rp_id=rp_id(request),
            expected_origin=origins(request),
            credential_public_key=bytes(passkey.public_key),
            # The counter is checked below, once the signature is known to be good.
            credential_current_sign_count=0,
        )
    except INVALID as error:
        raise Refusal(_("This passkey could not be verified. Please try again.")) from error
    count = verified.new_sign_count
    if (count or passkey.sign_count) and count <= passkey.sign_count:
        # An authenticator that counts never counts down: this one was copied.
        raise Refusal(
            _(
                "This passkey was refused: its use counter went backwards, which happens "
                "when a passkey has been copied. Sign in with your password and remove it."
            ),
            status=403,
        )
    Passkey.objects.filter(pk=passkey.pk).update(sign_count=count, last_used=timezone.now())
    return verified.user_verified


@login_not_required
@never_cache
@require_POST
@answers_json
def passkey_login_options(request):
    read_json(request, OPTIONS_BODY)
    # No allowed credentials: the browser offers the passkeys it holds for this site.
    return authentication_options(request, LOGIN)


@login_not_required
@require_POST
@answers_json
def passkey_login(request):
    state = take_challenge(request, LOGIN)
    credential, data = read_assertion(request)
    passkey = find_passkey(credential)
    user_verified = check_assertion(request, passkey, credential, state)
    # A passkey that verified its user is both factors; without, one, like a password.
    factor = PASSKEY if user_verified else SECURITY_KEY
    try:
        url = login_flow.begin(request, passkey.user, factor, remember=data.get("remember") is True)
    except login_flow.Refused as refused:
        raise Refusal(str(refused), status=403) from None
    return JsonResponse({"redirect": url})


def pending_user(request):
    user = login_flow.pending_user(request)
    if user is None:
        raise Refusal(_("The sign-in was not finished in time. Please log in again."), status=403)
    return user


def needs_user_verification(request):
    """After a passkey without user verification, only one with it may follow."""
    return SECURITY_KEY not in login_flow.second_factors(request)


@login_not_required
@never_cache
@require_POST
@answers_json
def passkey_second_step_options(request):
    read_json(request, OPTIONS_BODY)
    user = pending_user(request)
    passkeys = list(user.passkeys.all())
    if not passkeys:
        raise Refusal(_("This account has no passkey. Enter a code instead."))
    verification = (
        UserVerificationRequirement.REQUIRED
        if needs_user_verification(request)
        else UserVerificationRequirement.PREFERRED
    )
    return authentication_options(request, SECOND_STEP, passkeys, verification, user=user.pk)


@login_not_required
@require_POST
@answers_json
def passkey_second_step(request):
    user = pending_user(request)
    state = take_challenge(request, SECOND_STEP)
    credential, _data = read_assertion(request)
    if state.get("user") != user.pk:
        raise expired()
    passkey = find_passkey(credential)
    if passkey.user_id != user.pk:
        raise Refusal(_("This passkey belongs to another account."), status=403)
    factor = PASSKEY if check_assertion(request, passkey, credential, state) else SECURITY_KEY
    if factor not in login_flow.second_factors(request):
        raise Refusal(
            _(
                "This passkey did not ask for its PIN or your fingerprint, so it cannot be "
                "both steps. Enter a code from your authenticator app or your password, or "
                "use the passkey with its PIN."
            ),
            status=403,
        )
    return JsonResponse({"redirect": login_flow.finish(request, user, factor)})
