"""Authenticator codes: one step of clock drift either way, never a step used before."""

from datetime import UTC, datetime, timedelta

import pyotp

from app.factors import totp

NOW = datetime(2026, 11, 30, 9, 0, 15, tzinfo=UTC)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def test_a_code_of_the_previous_or_next_step_counts_but_not_older_ones() -> None:
    secret = totp.new_secret()
    step_now = pyotp.TOTP(secret).timecode(NOW)

    accepted = [
        totp.matching_step(secret, code_at(secret, NOW + timedelta(seconds=s)), after=None, at=NOW)
        for s in (-30, 0, 30)
    ]
    too_old = totp.matching_step(
        secret, code_at(secret, NOW - timedelta(seconds=60)), after=None, at=NOW
    )

    assert accepted == [step_now - 1, step_now, step_now + 1]
    assert too_old is None


def test_a_step_at_or_before_the_last_one_used_never_counts_again() -> None:
    secret = totp.new_secret()
    step_now = pyotp.TOTP(secret).timecode(NOW)
    code = code_at(secret, NOW)

    assert totp.matching_step(secret, code, after=step_now, at=NOW) is None
    assert totp.matching_step(secret, code, after=step_now - 1, at=NOW) == step_now


def test_the_qr_code_is_inline_svg_without_inline_styles_and_the_secret_is_grouped() -> None:
    secret = totp.new_secret()
    svg = totp.qr_svg(secret, account_name="wim@politie.example")

    assert svg.startswith("<svg") and "style=" not in svg and "<script" not in svg
    assert len(secret) == 32
    assert totp.grouped(secret).split() == [secret[i : i + 4] for i in range(0, 32, 4)]
    assert totp.is_code_shaped("012345") and not totp.is_code_shaped("12345a")


def test_a_typed_code_that_is_not_six_ascii_digits_never_matches() -> None:
    secret = totp.new_secret()

    for typed in ("١٢٣٤٥٦", "12345", "1234567", "12345x", "", "①②③④⑤⑥"):
        assert totp.matching_step(secret, typed, after=None, at=NOW) is None
