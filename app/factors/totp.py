"""Authenticator-app codes (TOTP, RFC 6238) and the QR code that sets an app up."""

import hmac
from datetime import datetime

import pyotp
import segno

ISSUER = "Casustafel"
# A code of the previous or next 30-second step still counts: phone clocks drift.
VALID_WINDOW = 1
CODE_LENGTH = 6


def new_secret() -> str:
    """A fresh shared secret (base32, 160 bits)."""
    return pyotp.random_base32(length=32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def qr_svg(secret: str, *, account_name: str) -> str:
    """The set-up QR code as inline SVG: drawn here, so the strict CSP needs no image source."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="casustafel-qr", lineclass=None
    )


def is_code_shaped(code: str) -> bool:
    """Whether the typed text looks like an authenticator code (six digits)."""
    return len(code) == CODE_LENGTH and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, *, after: int | None, at: datetime) -> int | None:
    """The time step whose code this is (within the window), or None; a step at or before
    `after` (the last one used) never counts again, so a seen code cannot be replayed."""
    if not is_code_shaped(code):  # anything else never matches (and compare_digest wants ASCII)
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
