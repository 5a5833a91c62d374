"""Password hashing with argon2 (pwdlib), and the rules a new password must meet."""

import re
from typing import Any

from pwdlib import PasswordHash
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
# zxcvbn's scale runs 0-4; 3 ("safely unguessable") is its authors' advice for a password.
MIN_STRENGTH = 3
# zxcvbn refuses longer input; the first 72 characters tell enough about how guessable it is.
_JUDGED_LENGTH = 72
_MIN_PERSONAL_PART = 3

TOO_SHORT = f"Gebruik minstens {MIN_PASSWORD_LENGTH} tekens."
PERSONAL = (
    "Dit wachtwoord bevat (een deel van) de naam of het e-mailadres. Kies een wachtwoord zonder."
)
COMMON = "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden."
PREDICTABLE = (
    "Dit wachtwoord is te voorspelbaar: herhalingen, reeksen en toetsenbordpatronen "
    "(zoals aaaa, 1234 of qwerty) zijn snel geraden."
)
GUESSABLE = "Dit wachtwoord is te makkelijk te raden. Een zin van een paar woorden werkt goed."

# What the longest pattern zxcvbn found says: its word list, or its kind.
_MESSAGE_PER_PATTERN = {
    "passwords": COMMON,
    "user_inputs": PERSONAL,
    "repeat": PREDICTABLE,
    "sequence": PREDICTABLE,
    "spatial": PREDICTABLE,
}
_LETTERS = re.compile(r"[^\W\d_]+")

_hasher = PasswordHash.recommended()
_UNUSABLE_HASH = _hasher.hash("onbruikbaar wachtwoord voor onbekende accounts")


def hash_password(password: str) -> str:
    """An argon2 hash of the password."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; without a hash it still spends the same time."""
    return _hasher.verify(password, password_hash or _UNUSABLE_HASH) and password_hash is not None


def personal_parts(*, email: str, name: str) -> set[str]:
    """What a password may not contain: the e-mail's local part and the name's parts (lower case,
    each of at least three letters)."""
    local_part = email.strip().rpartition("@")[0] or email.strip()
    words = [local_part, *_LETTERS.findall(local_part), *_LETTERS.findall(name)]
    return {word.casefold() for word in words if len(word) >= _MIN_PERSONAL_PART}


def password_problem(password: str, *, email: str, name: str) -> str | None:
    """Why this password may not be used (a Dutch sentence), or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    personal = personal_parts(email=email, name=name)
    if any(part in password.casefold() for part in personal):
        return PERSONAL
    result = zxcvbn(password[:_JUDGED_LENGTH], user_inputs=sorted(personal))
    if result["score"] >= MIN_STRENGTH:
        return None
    return _message_for(result["sequence"])


def _message_for(matches: list[dict[str, Any]]) -> str:
    # The longest pattern zxcvbn found is the one that gives the password away.
    guessed = [match for match in matches if match["pattern"] != "bruteforce"]
    if not guessed:
        return GUESSABLE
    main = max(guessed, key=lambda match: len(match["token"]))
    return _MESSAGE_PER_PATTERN.get(main.get("dictionary_name") or main["pattern"], GUESSABLE)
