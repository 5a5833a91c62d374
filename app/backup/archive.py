"""The encrypted backup file: a versioned header, then AES-256-GCM in chunks (the STREAM
construction: a counter and a last-chunk flag in each nonce, so a reordered, cut-off or
extended file is refused like a tampered one).

Layout: MAGIC, version (1 byte), salt (16), nonce prefix (7), manifest length (2), manifest
(JSON: backend and Alembic revision, readable without the key so a wrong version is named),
then chunks of (length, 4 bytes big-endian) + ciphertext. The whole header is authenticated
with every chunk, and the key is derived from the backup key and the salt with HKDF."""

import itertools
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import DomainError

MAGIC = b"CASUSTAFEL-BACKUP\n"
VERSION = 1
SALT_BYTES = 16
PREFIX_BYTES = 7
CHUNK_BYTES = 1024 * 1024
MAX_SEALED = CHUNK_BYTES + 16  # a chunk and its GCM tag
FIXED_HEADER = struct.Struct(f">{len(MAGIC)}sB{SALT_BYTES}s{PREFIX_BYTES}sH")
CHUNK_LENGTH = struct.Struct(">I")
UNREADABLE = (
    "De back-up kan niet worden geopend: de back-upsleutel (CASUSTAFEL_BACKUP_KEY) is niet de "
    "sleutel waarmee hij is gemaakt, of het bestand is beschadigd of gewijzigd. Er is niets "
    "teruggezet."
)


class BackupUnreadable(DomainError):
    """The file is no Casustafel backup, was made with another key, or was changed."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds: which database kind, at which Alembic revision."""

    backend: str
    revision: str | None


def _key(backup_key: str, salt: bytes) -> AESGCM:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"casustafel-backup-v1")
    return AESGCM(derive.derive(backup_key.encode()))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", counter, last)


def _chunks(source: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The source in chunks, each with whether it is the last (an empty source: one empty)."""
    chunk = source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES)
        yield chunk, not following
        if not following:
            return
        chunk = following


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def seal(plain: Path, target: Path, *, backup_key: str, manifest: Manifest) -> None:
    """Write the plain file to target, encrypted under the backup key."""
    salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
    described = json.dumps(asdict(manifest)).encode()
    header = FIXED_HEADER.pack(MAGIC, VERSION, salt, prefix, len(described)) + described
    aead = _key(backup_key, salt)
    with plain.open("rb") as source, open(target, "wb", opener=_owner_only) as out:
        out.write(header)
        for counter, (chunk, last) in enumerate(_chunks(source)):
            sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, header)
            out.write(CHUNK_LENGTH.pack(len(sealed)) + sealed)


def _read_header(source: BinaryIO) -> tuple[bytes, bytes, bytes, Manifest]:
    fixed = source.read(FIXED_HEADER.size)
    if len(fixed) != FIXED_HEADER.size or not fixed.startswith(MAGIC):
        raise BackupUnreadable(
            "Dit bestand is geen back-up van Casustafel. Er is niets teruggezet."
        )
    _, version, salt, prefix, length = FIXED_HEADER.unpack(fixed)
    if version != VERSION:
        raise BackupUnreadable(
            f"Deze back-up heeft bestandsversie {version}; deze versie van Casustafel leest "
            f"alleen versie {VERSION}. Er is niets teruggezet."
        )
    described = source.read(length)
    try:
        manifest = Manifest(**json.loads(described))
    except (ValueError, TypeError) as exc:
        raise BackupUnreadable(UNREADABLE) from exc
    return fixed + described, salt, prefix, manifest


def read_manifest(path: Path) -> Manifest:
    """What the backup says it holds (not yet proven: unseal() checks it with the key)."""
    with path.open("rb") as source:
        return _read_header(source)[3]


def unseal(path: Path, target: Path, *, backup_key: str) -> Manifest:
    """Write the backup's contents to target; refused (BackupUnreadable) unless every chunk,
    the header and the end of the file are exactly as written with this key."""
    with path.open("rb") as source, target.open("wb") as out:
        header, salt, prefix, manifest = _read_header(source)
        aead = _key(backup_key, salt)
        length = source.read(CHUNK_LENGTH.size)
        for counter in itertools.count():
            if len(length) != CHUNK_LENGTH.size or CHUNK_LENGTH.unpack(length)[0] > MAX_SEALED:
                raise BackupUnreadable(UNREADABLE)
            sealed = source.read(CHUNK_LENGTH.unpack(length)[0])
            length = source.read(CHUNK_LENGTH.size)
            last = length == b""
            try:
                out.write(aead.decrypt(_nonce(prefix, counter, last), sealed, header))
            except InvalidTag as exc:
                raise BackupUnreadable(UNREADABLE) from exc
            if last:
                break
    return manifest
