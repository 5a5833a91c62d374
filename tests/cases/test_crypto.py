"""Identified data at rest: AES-GCM with rotating keys, and blind indexes that match people."""

import base64
import os
from collections.abc import Callable

import pytest
from cryptography.exceptions import InvalidTag

from app.cases.models import is_valid_bsn, person_row
from app.security.crypto import UNREADABLE, CaseCrypto, DataCipher, MalformedValue, UnknownKey
from tests.cases.tokens import legacy, tampered

ROW = person_row(7, 1)


def key() -> bytes:
    return os.urandom(32)


def test_a_value_decrypts_to_itself_and_the_ciphertext_shows_nothing() -> None:
    cipher = DataCipher((key(),))

    token = cipher.encrypt("Kees Wildeboer", purpose="naam", row=ROW)

    assert "Kees" not in token and "Wildeboer" not in token
    assert cipher.decrypt(token, purpose="naam", row=ROW) == "Kees Wildeboer"
    # fresh nonce each time
    assert cipher.encrypt("Kees Wildeboer", purpose="naam", row=ROW) != token


def test_a_value_cannot_be_moved_to_another_field() -> None:
    cipher = DataCipher((key(),))
    bsn = cipher.encrypt("999990111", purpose="bsn", row=ROW)

    with pytest.raises(InvalidTag):
        cipher.decrypt(bsn, purpose="naam", row=ROW)


@pytest.mark.parametrize("other", [person_row(7, 2), person_row(8, 1), person_row(71, 1)])
def test_a_value_cannot_be_moved_to_another_person_or_casus(other: str) -> None:
    cipher = DataCipher((key(),))
    name = cipher.encrypt("Kees Wildeboer", purpose="naam", row=ROW)

    assert name.startswith(f"v2.{cipher.newest_id}.")
    with pytest.raises(InvalidTag):
        cipher.decrypt(name, purpose="naam", row=other)


def test_with_two_keys_old_values_still_decrypt_and_new_ones_use_the_newest() -> None:
    old, new = key(), key()
    before = DataCipher((old,)).encrypt("Molenweg 27", purpose="adres", row=ROW)
    rotated = DataCipher((old, new))

    after = rotated.encrypt("Molenweg 27", purpose="adres", row=ROW)

    assert rotated.decrypt(before, purpose="adres", row=ROW) == "Molenweg 27"
    assert not rotated.is_current(before) and rotated.is_current(after)
    with pytest.raises(UnknownKey):
        DataCipher((new,)).decrypt(before, purpose="adres", row=ROW)


def test_a_v1_value_still_opens_with_its_field_alone_but_is_not_current() -> None:
    cipher = DataCipher((key(),))
    old = legacy(cipher, "Molenweg 27", purpose="adres")

    assert cipher.decrypt(old, purpose="adres", row=ROW) == "Molenweg 27"
    assert not cipher.is_current(old)  # the newest key, but the old format
    with pytest.raises(InvalidTag):
        cipher.decrypt(old, purpose="naam", row=ROW)


def test_a_v2_value_relabelled_v1_does_not_open() -> None:
    cipher = DataCipher((key(),))
    token = cipher.encrypt("Molenweg 27", purpose="adres", row=ROW)

    with pytest.raises(InvalidTag):
        cipher.decrypt("v1" + token.removeprefix("v2"), purpose="adres", row=ROW)


@pytest.mark.parametrize(
    ("mangle", "error"),
    [
        (tampered, InvalidTag),
        (lambda t: t[:-8] + "!!!!!!!!", MalformedValue),  # not base64
        (lambda t: t.rsplit(".", 1)[0] + ".AAAA", MalformedValue),  # cut off
        (lambda t: "v9" + t[2:], MalformedValue),  # a format we never wrote
        (lambda t: "Kees Wildeboer", MalformedValue),  # no format at all
        (lambda t: "v2.00000000." + t.rsplit(".", 1)[1], UnknownKey),
    ],
)
def test_a_damaged_value_raises_one_of_the_unreadable_errors(
    mangle: Callable[[str], str], error: type[Exception]
) -> None:
    cipher = DataCipher((key(),))
    token = cipher.encrypt("Kees Wildeboer", purpose="naam", row=ROW)

    with pytest.raises(error) as raised:
        cipher.decrypt(mangle(token), purpose="naam", row=ROW)

    assert isinstance(raised.value, UNREADABLE)


@pytest.mark.parametrize("token", ["", "Kees Wildeboer", "v9.abc.def", "v2.onlytwo"])
def test_a_value_in_no_known_format_is_never_current(token: str) -> None:
    assert DataCipher((key(),)).is_current(token) is False


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
