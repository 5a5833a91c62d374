"""What "Mijn account" reads: one's own live sessions, each with an opaque reference."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.account.devices import describe_device
from app.config import Settings
from app.db import utcnow
from app.security.sessions import SessionStage, UserSession, is_expired, token_digest


@dataclass(frozen=True)
class OwnSession:
    """One of the user's live sessions, as the sessions page shows it."""

    reference: str
    device: str
    started_at: datetime
    last_seen_at: datetime
    client_address: str | None
    sso_provider: str | None
    login_finished: bool
    is_current: bool


def session_reference(session_id: str, *, settings: Settings) -> str:
    """What the page and its forms name a session by: the stored id is the hash of a cookie,
    which never leaves the server; this keyed hash of it opens nothing."""
    message = f"sessie-referentie:{session_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def live_sessions(session: Session, *, user_id: int, settings: Settings) -> list[UserSession]:
    """The user's sessions that have not expired, newest first, in one statement."""
    now = utcnow()
    stored = session.exec(
        select(UserSession)
        .where(UserSession.user_id == user_id)
        .order_by(col(UserSession.created_at).desc(), col(UserSession.last_seen_at).desc())
    ).all()
    return [user_session for user_session in stored if not is_expired(user_session, settings, now)]


def own_sessions(
    session: Session, *, user_id: int, current_token: str, settings: Settings
) -> list[OwnSession]:
    """The user's live sessions as the sessions page shows them, "deze sessie" marked."""
    current_id = token_digest(current_token)
    return [
        OwnSession(
            reference=session_reference(user_session.id, settings=settings),
            device=describe_device(user_session.user_agent),
            started_at=user_session.created_at,
            last_seen_at=user_session.last_seen_at,
            client_address=user_session.client_address,
            sso_provider=user_session.sso_provider,
            login_finished=user_session.stage == SessionStage.FULL,
            is_current=user_session.id == current_id,
        )
        for user_session in live_sessions(session, user_id=user_id, settings=settings)
    ]
