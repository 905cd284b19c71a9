"""A software authenticator for tests: it answers WebAuthn options the way a browser and a
passkey would, with a real P-256 key, so that the server's verification (py_webauthn)
runs for real.

    authenticator = Authenticator()
    credential = authenticator.create(options)      # options: what the server returned
    assertion = authenticator.get(options)

Every part a test may want to get wrong can be changed: the origin and the relying party
the browser would report, the user-verified flag, the sign count.
"""

import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

ORIGIN = "http://testserver"  # Django's test client

FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_AT = 0x40  # attested credential data included

COSE_KEY_TYPE_EC2 = 2
COSE_ALG_ES256 = -7
COSE_CURVE_P256 = 1


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """One passkey: a key pair and a credential id, as an authenticator keeps them."""

    def __init__(self, *, user_verified=True, counts=True):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_verified = user_verified
        self.counts = counts  # synced passkeys always report 0
        self.sign_count = 0
        self.user_handle = None

    @property
    def id(self):
        return b64url(self.credential_id)

    def cose_public_key(self):
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: COSE_KEY_TYPE_EC2,
                3: COSE_ALG_ES256,
                -1: COSE_CURVE_P256,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def authenticator_data(self, rp_id, *, attested=False, user_verified=None):
        verified = self.user_verified if user_verified is None else user_verified
        flags = FLAG_UP | (FLAG_UV if verified else 0) | (FLAG_AT if attested else 0)
        data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        data += struct.pack(">I", self.sign_count)
        if attested:
            aaguid = bytes(16)  # "none" attestation: no model named
            data += aaguid + struct.pack(">H", len(self.credential_id)) + self.credential_id
            data += self.cose_public_key()
        return data

    @staticmethod
    def client_data(kind, challenge, origin):
        data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def create(self, options, *, origin=ORIGIN, rp_id=None):
        """The browser's answer to navigator.credentials.create(options), as JSON."""
        self.user_handle = options["user"]["id"]
        rp_id = rp_id or options["rp"]["id"]
        client_data = self.client_data("webauthn.create", options["challenge"], origin)
        attestation = cbor2.dumps(
            {
                "fmt": "none",
                "attStmt": {},
                "authData": self.authenticator_data(rp_id, attested=True),
            }
        )
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(self, options, *, origin=ORIGIN, rp_id=None, user_verified=None, sign_count=None):
        """The browser's answer to navigator.credentials.get(options), as JSON: signed
        with this passkey's key over the challenge in `options`."""
        if sign_count is not None:
            self.sign_count = sign_count
        elif self.counts:
            self.sign_count += 1
        rp_id = rp_id or options["rpId"]
        client_data = self.client_data("webauthn.get", options["challenge"], origin)
        authenticator_data = self.authenticator_data(rp_id, user_verified=user_verified)
        signed = authenticator_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(authenticator_data),
            "signature": b64url(signature),
        }
        if self.user_handle:
            response["userHandle"] = self.user_handle
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        }
