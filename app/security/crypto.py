"""Identified data at rest: AES-GCM with rotating keys; keyed hashes (blind indexes) to search."""

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import Settings

FORMAT = "v1"


class UnknownKey(RuntimeError):
    """A value was encrypted with a key that is no longer configured."""


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"casustafel-key-id:" + key).hexdigest()[:8]


@dataclass(frozen=True)
class DataCipher:
    """Encrypts with the newest key; decrypts with whichever configured key was used."""

    keys: tuple[bytes, ...]

    @property
    def newest_id(self) -> str:
        return _key_id(self.keys[-1])

    def encrypt(self, plaintext: str, *, purpose: str) -> str:
        """'v1.<key id>.<base64 nonce + ciphertext>'; `purpose` is bound as associated data."""
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[-1]).encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"{FORMAT}.{self.newest_id}.{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, purpose: str) -> str:
        """The plaintext of a value made by encrypt() with the same purpose."""
        _, key_id, payload = token.split(".", 2)
        key = next((k for k in self.keys if _key_id(k) == key_id), None)
        if key is None:
            raise UnknownKey(f"Sleutel {key_id} is niet (meer) geconfigureerd.")
        raw = base64.b64decode(payload)
        return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()

    def is_current(self, token: str) -> bool:
        """Whether the value is encrypted with the newest key."""
        return token.split(".", 2)[1] == self.newest_id


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
