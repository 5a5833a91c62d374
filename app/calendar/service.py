"""The personal calendar subscription: a secret token per user, only its hash stored."""

import hashlib
import secrets
from collections.abc import Iterable

from sqlalchemy import Select
from sqlmodel import Session, col, delete, select

from app import audit
from app.audit import Actor
from app.organisations.models import Organisation
from app.overleg.models import CalendarFeedToken, Meeting, MeetingSeries, SeriesMember
from app.overleg.queries import all_meetings
from app.users.models import User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(session: Session, *, user: User) -> bool:
    """Whether the user has a subscription link."""
    return (
        session.exec(
            select(CalendarFeedToken.id).where(CalendarFeedToken.user_id == user.id)
        ).first()
        is not None
    )


def revoke_feeds(session: Session, *, user_ids: Iterable[int] | Select[tuple[int]]) -> None:
    """Delete the users' subscription links for good, so re-activating them brings none back
    (the caller commits)."""
    session.execute(delete(CalendarFeedToken).where(col(CalendarFeedToken.user_id).in_(user_ids)))


def new_feed_token(session: Session, *, user: User, by: Actor) -> str:
    """Make a new subscription link for the user; any earlier link stops working."""
    session.execute(delete(CalendarFeedToken).where(col(CalendarFeedToken.user_id) == user.id))
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user_id=user.id, token_hash=_digest(token)))
    audit.record(
        session,
        action="agenda-abonnement.vernieuwd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
    )
    session.commit()
    return token


def feed_for_token(
    session: Session, *, token: str
) -> tuple[User, list[tuple[MeetingSeries, list[Meeting]]]] | None:
    """The user behind a token and the overleggen they sit at, or None for a wrong token or an
    account (or organisation) that is not active."""
    user = session.exec(
        select(User)
        .join(CalendarFeedToken, col(CalendarFeedToken.user_id) == User.id)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(
            CalendarFeedToken.token_hash == _digest(token),
            col(User.active),
            col(Organisation.active),
        )
    ).first()
    if user is None:
        return None
    series = session.exec(
        select(MeetingSeries)
        .join(SeriesMember)
        .where(SeriesMember.user_id == user.id)
        .order_by(col(MeetingSeries.name))
    ).all()
    meetings = all_meetings(session, series_ids=[s.id for s in series])
    return user, [(s, [m for m in meetings if m.series_id == s.id]) for s in series]
