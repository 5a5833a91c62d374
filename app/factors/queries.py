"""Reads of second factors."""

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.factors.models import FactorKind, RecoveryCode, SecondFactor
from app.security.crypto import DataCipher
from app.security.sessions import UserSession


def has_second_factor(session: Session, *, user_id: int) -> bool:
    """Whether the account has at least one second factor."""
    found = session.exec(
        select(SecondFactor.id).where(SecondFactor.user_id == user_id).limit(1)
    ).first()
    return found is not None


def factors_of(session: Session, *, user_id: int) -> list[SecondFactor]:
    """The user's second factors, oldest first."""
    return list(
        session.exec(
            select(SecondFactor)
            .where(SecondFactor.user_id == user_id)
            .order_by(col(SecondFactor.created_at), col(SecondFactor.id))
        ).all()
    )


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


def recovery_codes_left(session: Session, *, user_id: int) -> int:
    """How many of the user's recovery codes are still unused."""
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))
    ).one()


def own_factor(session: Session, *, user_id: int, factor_id: int) -> SecondFactor | None:
    """One of the user's own second factors, or None (another's is as absent as a missing one)."""
    return session.exec(
        select(SecondFactor).where(SecondFactor.id == factor_id, SecondFactor.user_id == user_id)
    ).first()


def authenticator_apps(session: Session) -> list[SecondFactor]:
    """Every account's authenticator apps (their secrets still encrypted)."""
    return list(
        session.exec(
            select(SecondFactor).where(
                SecondFactor.kind == FactorKind.TOTP, col(SecondFactor.secret).is_not(None)
            )
        ).all()
    )


def set_ups_in_progress(session: Session) -> list[tuple[str, str]]:
    """The session id and encrypted secret of every authenticator app being set up."""
    rows = session.exec(
        select(UserSession.id, UserSession.pending_totp_secret).where(
            col(UserSession.pending_totp_secret).is_not(None)
        )
    ).all()
    return [(session_id, secret) for session_id, secret in rows if secret]


def not_rotated(session: Session, *, cipher: DataCipher) -> int:
    """How many authenticator apps hold a secret not in the current format under the newest key
    (without decrypting anything): after `service.rotate_secrets`, the ones that did not open."""
    return sum(
        1 for factor in authenticator_apps(session) if not cipher.is_current(factor.secret or "")
    )
