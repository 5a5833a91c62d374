"""Identified data at rest: AES-GCM with rotating keys, and blind indexes that match people."""

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag

from app.cases.models import is_valid_bsn
from app.security.crypto import CaseCrypto, DataCipher, UnknownKey


def key() -> bytes:
    return os.urandom(32)


def test_a_value_decrypts_to_itself_and_the_ciphertext_shows_nothing() -> None:
    cipher = DataCipher((key(),))

    token = cipher.encrypt("Kees Wildeboer", purpose="naam")

    assert "Kees" not in token and "Wildeboer" not in token
    assert cipher.decrypt(token, purpose="naam") == "Kees Wildeboer"
    assert cipher.encrypt("Kees Wildeboer", purpose="naam") != token  # fresh nonce each time


def test_a_value_cannot_be_moved_to_another_field() -> None:
    cipher = DataCipher((key(),))
    bsn = cipher.encrypt("999990111", purpose="bsn")

    with pytest.raises(InvalidTag):
        cipher.decrypt(bsn, purpose="naam")


def test_with_two_keys_old_values_still_decrypt_and_new_ones_use_the_newest() -> None:
    old, new = key(), key()
    before = DataCipher((old,)).encrypt("Molenweg 27", purpose="adres")
    rotated = DataCipher((old, new))

    after = rotated.encrypt("Molenweg 27", purpose="adres")

    assert rotated.decrypt(before, purpose="adres") == "Molenweg 27"
    assert not rotated.is_current(before) and rotated.is_current(after)
    with pytest.raises(UnknownKey):
        DataCipher((new,)).decrypt(before, purpose="adres")


def test_the_blind_index_matches_the_same_person_however_typed() -> None:
    crypto = CaseCrypto(cipher=DataCipher((key(),)), index_key=b"x" * 32)
    other = CaseCrypto(cipher=DataCipher((key(),)), index_key=b"y" * 32)

    first = crypto.blind_index("naam", "Fatma  Yıldırım-Verhoef|1988-09-02")
    second = crypto.blind_index("naam", "fatma yildirim-verhoef|1988-09-02")

    assert first == second
    assert crypto.blind_index("naam", "Fatma Yildirim|1988-09-03") != first
    assert other.blind_index("naam", "fatma yildirim-verhoef|1988-09-02") != first


@pytest.mark.parametrize(
    ("bsn", "valid"),
    [
        ("999990111", True),
        ("999990925", True),
        ("999991036", True),
        ("999990112", False),
        ("12345678", False),
        ("000000000", False),
        ("99999011a", False),
    ],
)
def test_the_elfproef(bsn: str, valid: bool) -> None:
    assert is_valid_bsn(bsn) is valid


def test_settings_refuse_keys_that_are_not_32_bytes() -> None:
    from app.config import Settings

    with pytest.raises(ValueError, match="32 bytes"):
        Settings(_env_file=None, data_encryption_keys=[base64.b64encode(b"kort").decode()])  # type: ignore[call-arg]
