"""A software passkey authenticator for the API tests (the browser tests use Chromium's own
virtual authenticator): makes an ES256 key pair per passkey and answers WebAuthn's
registration and authentication ceremonies the way a platform authenticator does, with user
presence and verification, "none" attestation and a signature counter."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftPasskey:
    rp_id: str
    user_handle: bytes
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    sign_count: int = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested


def _client_data(kind: str, challenge: str, origin: str) -> bytes:
    return json.dumps(
        {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
    ).encode()


def register(options: dict[str, Any], origin: str) -> tuple[SoftPasskey, dict[str, Any]]:
    """Answer ``navigator.credentials.create(options)``: the new passkey and the credential."""
    passkey = SoftPasskey(options["rp"]["id"], unb64url(options["user"]["id"]))
    attested = (
        b"\0" * 16
        + struct.pack(">H", len(passkey.credential_id))
        + passkey.credential_id
        + passkey._cose_key()
    )
    auth_data = passkey._auth_data(UP | UV | AT, attested)
    client_data = _client_data("webauthn.create", options["challenge"], origin)
    attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
    credential = {
        "id": b64url(passkey.credential_id),
        "rawId": b64url(passkey.credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": b64url(client_data),
            "attestationObject": b64url(attestation),
            "transports": ["internal"],
        },
        "clientExtensionResults": {},
        "authenticatorAttachment": "platform",
    }
    return passkey, credential


def sign_in(passkey: SoftPasskey, options: dict[str, Any], origin: str) -> dict[str, Any]:
    """Answer ``navigator.credentials.get(options)`` with ``passkey``."""
    passkey.sign_count += 1
    auth_data = passkey._auth_data(UP | UV)
    client_data = _client_data("webauthn.get", options["challenge"], origin)
    signed = auth_data + hashlib.sha256(client_data).digest()
    signature = passkey.key.sign(signed, ec.ECDSA(hashes.SHA256()))
    return {
        "id": b64url(passkey.credential_id),
        "rawId": b64url(passkey.credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
            "userHandle": b64url(passkey.user_handle),
        },
        "clientExtensionResults": {},
        "authenticatorAttachment": "platform",
    }
