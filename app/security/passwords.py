"""Password hashing with argon2 (pwdlib)."""

from pwdlib import PasswordHash

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHash.recommended()
_UNUSABLE_HASH = _hasher.hash("onbruikbaar wachtwoord voor onbekende accounts")


def hash_password(password: str) -> str:
    """An argon2 hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; without a hash it still spends the same time."""
    return _hasher.verify(password, password_hash or _UNUSABLE_HASH) and password_hash is not None
