"""Identified data at rest: AES-GCM with rotating keys; keyed hashes (blind indexes) to search."""

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import Settings

# v2: the associated data binds the value to its field (purpose) and to the row it belongs to.
# v1 (purpose only) is still read, until `casustafel keys rotate` rewrites it as v2.
FORMAT = "v2"
LEGACY_FORMAT = "v1"
NONCE_BYTES = 12


class UnknownKey(RuntimeError):
    """A value was encrypted with a key that is no longer configured."""


class MalformedValue(ValueError):
    """A stored value is not in a format this code writes: unknown version, bad base64, cut off."""


# Everything decrypt() raises for a value that cannot be opened: tampered with, moved to another
# row or field (InvalidTag), mangled (MalformedValue) or under a key no longer configured.
UNREADABLE: tuple[type[Exception], ...] = (InvalidTag, MalformedValue, UnknownKey)


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"casustafel-key-id:" + key).hexdigest()[:8]


def _parts(token: str) -> tuple[str, str, str]:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] not in (FORMAT, LEGACY_FORMAT):
        raise MalformedValue("Onbekend formaat van een versleutelde waarde.")
    return parts[0], parts[1], parts[2]


def _associated_data(version: str, purpose: str, row: str) -> bytes:
    if version == LEGACY_FORMAT:
        return purpose.encode()
    # JSON keeps the parts apart whatever they contain; the version is bound too.
    return json.dumps([version, purpose, row], separators=(",", ":")).encode()


@dataclass(frozen=True)
class DataCipher:
    """Encrypts with the newest key; decrypts with whichever configured key was used."""

    keys: tuple[bytes, ...]

    @property
    def newest_id(self) -> str:
        return _key_id(self.keys[-1])

    def encrypt(self, plaintext: str, *, purpose: str, row: str) -> str:
        """'v2.<key id>.<base64 nonce + ciphertext>'; the field (`purpose`) and the row it is
        stored in (`row`) are bound as associated data: moved anywhere else, it does not open."""
        nonce = os.urandom(NONCE_BYTES)
        data = _associated_data(FORMAT, purpose, row)
        sealed = AESGCM(self.keys[-1]).encrypt(nonce, plaintext.encode(), data)
        return f"{FORMAT}.{self.newest_id}.{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, purpose: str, row: str) -> str:
        """The plaintext of a value made by encrypt() for the same purpose and row (or a v1
        value made for the same purpose); raises one of UNREADABLE otherwise."""
        version, key_id, payload = _parts(token)
        key = next((k for k in self.keys if _key_id(k) == key_id), None)
        if key is None:
            raise UnknownKey(f"Sleutel {key_id} is niet (meer) geconfigureerd.")
        try:
            raw = base64.b64decode(payload, validate=True)
        except binascii.Error as error:
            raise MalformedValue("Een versleutelde waarde is geen geldige base64.") from error
        if len(raw) <= NONCE_BYTES:
            raise MalformedValue("Een versleutelde waarde is afgekapt.")
        data = _associated_data(version, purpose, row)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], data)
        return plain.decode()

    def is_current(self, token: str) -> bool:
        """Whether the value is in the current format and encrypted with the newest key."""
        try:
            version, key_id, _ = _parts(token)
        except MalformedValue:
            return False
        return version == FORMAT and key_id == self.newest_id


def open_account_secret(cipher: DataCipher, token: str, *, purpose: str, row: str) -> str:
    """A staff account's own secret (an authenticator app's key), never a resident's data. It is
    opened here so that outside this module only the disclosure door decrypts anything."""
    return cipher.decrypt(token, purpose=purpose, row=row)


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: 'Fatma  Yıldırım' and 'fatma yildirim' match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("ı", "i").split())


@dataclass(frozen=True)
class CaseCrypto:
    """Everything the casus domain needs to protect identified data."""

    cipher: DataCipher
    index_key: bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> "CaseCrypto":
        keys = tuple(base64.b64decode(key) for key in settings.data_encryption_keys)
        return cls(cipher=DataCipher(keys), index_key=settings.blind_index_key.encode())

    def blind_index(self, kind: str, value: str) -> str:
        """A keyed hash of a normalised value: equal inputs match, nothing can be read back."""
        message = f"{kind}:{normalise(value)}".encode()
        return hmac.new(self.index_key, message, hashlib.sha256).hexdigest()
