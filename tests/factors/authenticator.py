"""A software authenticator for tests without a browser: it makes and uses a P-256 passkey and
answers WebAuthn options exactly as a browser would send the result (attestation "none")."""

import hashlib
import json
import secrets
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_CREDENTIAL = 0x40
COSE_EC2, COSE_ES256, COSE_P256 = 2, -7, 1


class SoftAuthenticator:
    """One passkey on one device, for the relying party and origin it is used with."""

    def __init__(self, *, rp_id: str, origin: str) -> None:
        self.rp_id = rp_id
        self.origin = origin
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0
        self._key = ec.generate_private_key(ec.SECP256R1())

    @property
    def credential_id_b64(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def create(self, options: dict[str, Any]) -> str:
        """The JSON of navigator.credentials.create() for these options."""
        client_data = self._client_data("webauthn.create", options["challenge"])
        numbers = self._key.public_key().public_numbers()
        public_key = cbor2.dumps(
            {
                1: COSE_EC2,
                3: COSE_ES256,
                -1: COSE_P256,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        authenticator_data = (
            self._header(USER_PRESENT | USER_VERIFIED | ATTESTED_CREDENTIAL)
            + bytes(16)  # AAGUID: none
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + public_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        return self._credential(
            {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal"],
            }
        )

    def get(self, options: dict[str, Any], *, sign_count: int | None = None) -> str:
        """The JSON of navigator.credentials.get() for these options; the counter moves on
        unless a test sets it."""
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        client_data = self._client_data("webauthn.get", options["challenge"])
        authenticator_data = self._header(USER_PRESENT | USER_VERIFIED)
        signature = self._key.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return self._credential(
            {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(authenticator_data),
                "signature": bytes_to_base64url(signature),
            }
        )

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _header(self, flags: int) -> bytes:
        rp_id_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_id_hash + bytes([flags]) + self.sign_count.to_bytes(4, "big")

    def _credential(self, response: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": self.credential_id_b64,
                "rawId": self.credential_id_b64,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )
