"""Reading a provider's verified ID token claims: e-mail, name, groups, second factor."""

from typing import Any

from email_validator import EmailNotValidError, validate_email

from app.config import OidcProvider
from app.users.models import normalise_email

NAME_LENGTH = 200


def did_second_factor(provider: OidcProvider, claims: dict[str, Any]) -> bool:
    """Whether the ID token says the provider asked for a second factor (amr or acr)."""
    methods = claims.get("amr")
    methods = methods if isinstance(methods, list) else []
    return bool(set(map(str, methods)) & set(provider.mfa_amr)) or (
        claims.get("acr") in provider.mfa_acr
    )


def email(provider: OidcProvider, claims: dict[str, Any]) -> str | None:
    """The e-mail address in the provider's e-mail claim, if it is a valid one."""
    value = claims.get(provider.email_claim)
    if not isinstance(value, str):
        return None
    try:
        return validate_email(normalise_email(value), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def name(claims: dict[str, Any], email: str) -> str:
    """The person's name (the `name` claim), or else the e-mail address."""
    value = claims.get("name")
    value = " ".join(value.split()) if isinstance(value, str) else ""
    return value[:NAME_LENGTH] if len(value) >= 2 else email


def groups(provider: OidcProvider, claims: dict[str, Any]) -> set[str]:
    """The groups in the provider's groups claim (a list, or one string)."""
    value = claims.get(provider.groups_claim)
    if isinstance(value, str):
        return {value}
    return {str(group) for group in value} if isinstance(value, list) else set()
