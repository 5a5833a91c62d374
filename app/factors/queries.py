"""Reads of second factors."""

from sqlmodel import Session, col, select

from app.factors.models import FactorKind, RecoveryCode, SecondFactor


def has_second_factor(session: Session, *, user_id: int) -> bool:
    """Whether the account has at least one second factor."""
    found = session.exec(
        select(SecondFactor.id).where(SecondFactor.user_id == user_id).limit(1)
    ).first()
    return found is not None


def passkey_credential_ids(session: Session, *, user_id: int) -> list[str]:
    """The credential ids (base64url) of the account's passkeys."""
    return list(
        session.exec(
            select(SecondFactor.credential_id).where(
                SecondFactor.user_id == user_id,
                SecondFactor.kind == FactorKind.PASSKEY,
                col(SecondFactor.credential_id).is_not(None),
            )
        ).all()
    )


def has_passkey(session: Session, *, user_id: int) -> bool:
    """Whether the account has a passkey (the factor pages offer it only then)."""
    return bool(passkey_credential_ids(session, user_id=user_id))


def has_recovery_codes(session: Session, *, user_id: int) -> bool:
    """Whether the account has a recovery code left."""
    found = session.exec(
        select(RecoveryCode.id)
        .where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
        .limit(1)
    ).first()
    return found is not None
