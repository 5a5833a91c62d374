"""Reads of second factors."""

from sqlmodel import Session, select

from app.factors.models import SecondFactor


def has_second_factor(session: Session, *, user_id: int) -> bool:
    """Whether the account has at least one second factor."""
    found = session.exec(
        select(SecondFactor.id).where(SecondFactor.user_id == user_id).limit(1)
    ).first()
    return found is not None
