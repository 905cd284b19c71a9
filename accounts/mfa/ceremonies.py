"""Passkey (WebAuthn) ceremonies: the relying party, the challenges, the JSON bodies the
browser sends, and the checks of an answer. The views that use them: adding a passkey in
Settings (accounts.mfa.views) and signing in with one (accounts.signin.passkey_login).

py_webauthn does the cryptography (CBOR, COSE keys, attestation, signatures); this module
owns the rest. Making a passkey and signing in with one need the browser's WebAuthn API:
static/js/passkeys.js asks an `*_options` endpoint for the options (which stores a
random challenge in the session: new_challenge), lets the browser do the ceremony, and
posts the result to the matching endpoint, which takes the challenge out of the session
(take_challenge: used at most once) before verifying. Those endpoints read JSON, each
field checked before use (accounts.mfa.json_bodies), and answer JSON: `{"redirect": url}`,
or `{"error": message}` with 400 or 403, which the page shows.
"""

import re

import webauthn
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    UserVerificationRequirement,
)

from accounts.mfa import json_bodies
from accounts.mfa.json_bodies import Nullable, Refusal
from accounts.models import Passkey
from accounts.sessions import activity
from accounts.settings_area import sudo

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
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def base64url(max_length):
    return json_bodies.text(max_length, BASE64URL)


# The bodies passkeys.js sends: the browser's PublicKeyCredential as JSON (its toJSON()).
OPTIONS_BODY = {}  # asking for options: {}
CREDENTIAL_FIELDS = {
    "id": base64url(CREDENTIAL_ID_LENGTH),
    "rawId": base64url(CREDENTIAL_ID_LENGTH),
    "type": json_bodies.one_of("public-key"),
    "authenticatorAttachment": Nullable(json_bodies.text(32)),
    "clientExtensionResults": Nullable({}),  # none asked for: its contents are dropped
}
REGISTRATION_BODY = {
    "name": json_bodies.text(),  # PasskeyNameForm says what a name may be
    "credential": {
        **CREDENTIAL_FIELDS,
        "response": {
            "clientDataJSON": base64url(DATA_LENGTH),
            "attestationObject": base64url(DATA_LENGTH),
            # Hints for the browser; the unknown ones are dropped.
            "transports": Nullable([json_bodies.text(32)]),
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
    "remember": Nullable(json_bodies.boolean),
}


def require_sudo(request):
    if not sudo.recently_reauthenticated(request):
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


# Registration (JSON, for passkeys.js), in sudo mode.


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
    data = json_bodies.read_json(request, SIGN_IN_BODY)
    try:
        return parse_authentication_credential_json(data["credential"]), data
    except INVALID as error:
        raise json_bodies.not_understood() from error


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
