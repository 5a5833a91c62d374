"""Stored values as the old code wrote them, and values damaged the ways the tests need."""

import base64
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, col, select

from app.cases.models import CasePerson, PersonData
from app.security.crypto import DataCipher


def legacy(cipher: DataCipher, plaintext: str, *, purpose: str) -> str:
    """A value as the v1 code wrote it: newest key, only the field as associated data."""
    nonce = os.urandom(12)
    sealed = AESGCM(cipher.keys[-1]).encrypt(nonce, plaintext.encode(), purpose.encode())
    return f"v1.{cipher.newest_id}.{base64.b64encode(nonce + sealed).decode()}"


def tampered(token: str) -> str:
    """The token with one bit of its ciphertext flipped."""
    head, payload = token.rsplit(".", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    return f"{head}.{base64.b64encode(bytes(raw)).decode()}"


def persons_of(session: Session, case_id: int | None) -> list[CasePerson]:
    return list(
        session.exec(
            select(CasePerson)
            .where(CasePerson.case_id == case_id)
            .order_by(col(CasePerson.position))
        ).all()
    )


def store_as_v1(session: Session, cipher: DataCipher, row: CasePerson, person: PersonData) -> None:
    """Rewrite the row's fields the way the v1 code stored them (with the cipher's newest key)."""
    row.name_encrypted = legacy(cipher, person.name, purpose="naam")
    row.birth_date_encrypted = legacy(
        cipher, person.birth_date.isoformat(), purpose="geboortedatum"
    )
    row.bsn_encrypted = legacy(cipher, person.bsn, purpose="bsn") if person.bsn else None
    row.address_encrypted = legacy(cipher, person.address, purpose="adres")
    session.add(row)
    session.commit()
