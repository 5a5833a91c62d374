"""Server-side sessions: a random token in the cookie, only its hash in the database."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select
from sqlmodel import Field, Session, SQLModel, col, delete, select, update

from app.config import Settings
from app.db import string_enum, utcnow
from app.users.models import User

SESSION_COOKIE = "casustafel_sessie"
MAX_TOUCH_INTERVAL = timedelta(minutes=1)
TOUCH_SHARE = 10
USER_AGENT_LENGTH = 300


class SessionStage(StrEnum):
    """How far the login has come: only a full session opens the app; the others open only the
    pages that finish the login (entering or setting up a second factor)."""

    FULL = "volledig"
    SECOND_FACTOR = "tweede_factor"
    ENROL = "inrichten"


class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime
    last_seen_at: datetime
    client_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=USER_AGENT_LENGTH)
    stage: SessionStage = Field(default=SessionStage.FULL, sa_type=string_enum(SessionStage))
    # When the user last proved who they are (second factor, fresh SSO login): step-up checks it.
    confirmed_at: datetime | None = None
    sso_provider: str | None = Field(default=None, max_length=100)
    # An authenticator app being set up: its secret (encrypted), until a first code confirms it.
    pending_totp_secret: str | None = Field(default=None, max_length=500)
    # The challenge of the passkey ceremony under way (base64url), single use, until it expires.
    passkey_challenge: str | None = Field(default=None, max_length=100)
    passkey_challenge_expires_at: datetime | None = None


def token_digest(token: str) -> str:
    """What the database keeps of a session token: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(
    session: Session,
    *,
    user_id: int,
    client_address: str | None,
    user_agent: str | None = None,
    stage: SessionStage = SessionStage.FULL,
    confirmed: bool = False,
    sso_provider: str | None = None,
) -> str:
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
            user_agent=user_agent[:USER_AGENT_LENGTH] if user_agent else None,
            stage=stage,
            confirmed_at=now if confirmed else None,
            sso_provider=sso_provider,
        )
    )
    return token


def touch_interval(settings: Settings) -> timedelta:
    """How old last_seen_at may get before a request writes it again: a tenth of the idle limit,
    at most a minute. A session then ends at the earliest 90% of the idle limit after the last
    request, however short the limit."""
    return min(MAX_TOUCH_INTERVAL, settings.session_idle_limit / TOUCH_SHARE)


def is_expired(user_session: UserSession, settings: Settings, now: datetime) -> bool:
    """Whether the session has ended: idle too long, or started too long ago."""
    return (
        now - user_session.last_seen_at > settings.session_idle_limit
        or now - user_session.created_at > settings.session_absolute_limit
    )


def live_session(
    session: Session, *, token: str, settings: Settings
) -> tuple[UserSession, User] | None:
    """The live session for the token (at any stage) with its user, touched now; an expired
    session is removed and gives None."""
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.id == token_digest(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    if is_expired(user_session, settings, now):
        session.delete(user_session)
        session.commit()
        return None
    if now - user_session.last_seen_at > touch_interval(settings):
        user_session.last_seen_at = now
        session.add(user_session)
        session.commit()
    return user_session, user


def complete_login(session: Session, *, token: str) -> None:
    """The second factor is in: the session opens the app, confirmed now (the caller commits)."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == token_digest(token))
        .values(stage=SessionStage.FULL, confirmed_at=utcnow())
    )


def confirm(session: Session, *, token: str) -> None:
    """The user proved who they are again (step-up); the caller commits."""
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == token_digest(token))
        .values(confirmed_at=utcnow())
    )


def is_confirmed_since(user_session: UserSession, since: datetime) -> bool:
    """Whether the session's last confirmation is at or after the moment."""
    return user_session.confirmed_at is not None and user_session.confirmed_at >= since


def end_session(session: Session, *, token: str) -> None:
    """Remove the session behind the token (the caller commits)."""
    session.execute(delete(UserSession).where(col(UserSession.id) == token_digest(token)))


def end_other_sessions(session: Session, *, user_id: int, keep_token: str) -> None:
    """Remove every session of the user but the one behind the token (the caller commits)."""
    session.execute(
        delete(UserSession).where(
            col(UserSession.user_id) == user_id, col(UserSession.id) != token_digest(keep_token)
        )
    )


def end_sessions(session: Session, *, user_ids: Iterable[int] | Select[tuple[int]]) -> None:
    """Remove every session of these users, e.g. on deactivation (the caller commits)."""
    session.execute(delete(UserSession).where(col(UserSession.user_id).in_(user_ids)))
