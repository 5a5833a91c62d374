"""Use cases on one's own account: ending one's sessions on other devices, the weekly digest."""

import hmac

from sqlmodel import Session

from app import audit
from app.account import queries
from app.account.devices import describe_device
from app.audit import Actor
from app.config import Settings
from app.errors import DomainError
from app.security.sessions import UserSession, end_other_sessions, token_digest
from app.users.models import User

ALREADY_ENDED = "Deze sessie is al beëindigd of verlopen."


def end_sessions_elsewhere(
    session: Session, *, user: User, keep_token: str, settings: Settings, by: Actor
) -> int:
    """End every session of the user but this one; how many live ones were ended."""
    keep_id = token_digest(keep_token)
    others = [
        user_session
        for user_session in queries.live_sessions(session, user_id=user.id, settings=settings)
        if user_session.id != keep_id
    ]
    end_other_sessions(session, user_id=user.id, keep_token=keep_token)
    audit.record(
        session,
        action="sessies.elders_beeindigd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"aantal": len(others)},
    )
    session.commit()
    return len(others)


def end_own_session(
    session: Session,
    *,
    user: User,
    reference: str,
    keep_token: str,
    settings: Settings,
    by: Actor,
) -> str:
    """End one other live session of the user, named by its reference; its device in words."""
    ended = _other_session(
        session, user=user, reference=reference, keep_token=keep_token, settings=settings
    )
    device = describe_device(ended.user_agent)
    session.delete(ended)
    audit.record(
        session,
        action="sessie.beeindigd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"apparaat": device},
    )
    session.commit()
    return device


def set_weekly_digest(session: Session, *, user: User, wanted: bool, by: Actor) -> None:
    """Switch the weekly e-mail about one's tasks on or off."""
    user.weekly_digest = wanted
    session.add(user)
    audit.record(
        session,
        action="weekoverzicht.aan" if wanted else "weekoverzicht.uit",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
    )
    session.commit()


def _other_session(
    session: Session, *, user: User, reference: str, keep_token: str, settings: Settings
) -> UserSession:
    keep_id = token_digest(keep_token)
    for user_session in queries.live_sessions(session, user_id=user.id, settings=settings):
        own_reference = queries.session_reference(user_session.id, settings=settings)
        if user_session.id != keep_id and hmac.compare_digest(
            own_reference.encode(), reference.encode()
        ):
            return user_session
    raise DomainError(ALREADY_ENDED)
