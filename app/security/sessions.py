"""Server-side sessions: a random token in the cookie, only its hash in the database."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Select
from sqlmodel import Field, Session, SQLModel, col, delete, select

from app.config import Settings
from app.db import utcnow
from app.users.models import User

SESSION_COOKIE = "casustafel_sessie"
TOUCH_INTERVAL = timedelta(minutes=1)


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime
    last_seen_at: datetime
    client_address: str | None = Field(default=None, max_length=64)


def token_digest(token: str) -> str:
    """What the database keeps of a session token: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, user_id: int, client_address: str | None) -> str:
    """Create a session for the user and return the new token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            id=token_digest(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            client_address=client_address,
        )
    )
    return token


def _expired(user_session: UserSession, settings: Settings, now: datetime) -> bool:
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = timedelta(hours=settings.session_absolute_hours)
    return (
        now - user_session.last_seen_at > idle_limit
        or now - user_session.created_at > absolute_limit
    )


def session_user(session: Session, *, token: str, settings: Settings) -> User | None:
    """The user of the live session for the token, touched now; an expired session is removed
    and gives None. The user (with its organisation) comes in the session's own statement."""
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.id == token_digest(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    if _expired(user_session, settings, now):
        session.delete(user_session)
        session.commit()
        return None
    if now - user_session.last_seen_at > TOUCH_INTERVAL:
        user_session.last_seen_at = now
        session.add(user_session)
        session.commit()
    return user


def end_session(session: Session, *, token: str) -> None:
    """Remove the session behind the token (the caller commits)."""
    session.execute(delete(UserSession).where(col(UserSession.id) == token_digest(token)))


def end_sessions(session: Session, *, user_ids: Iterable[int] | Select[tuple[int]]) -> None:
    """Remove every session of these users, e.g. on deactivation (the caller commits)."""
    session.execute(delete(UserSession).where(col(UserSession.user_id).in_(user_ids)))
