"""Logging in and out, with throttling and an audit event for every outcome."""

from dataclasses import dataclass

from sqlmodel import Session

from app import audit
from app.audit import Actor, Outcome
from app.config import Settings
from app.errors import DomainError
from app.security import throttle
from app.security.passwords import verify_password
from app.security.sessions import end_session, start_session
from app.users import service as user_service
from app.users.models import User

WRONG_CREDENTIALS = "Het e-mailadres of het wachtwoord klopt niet."
LOCKED_OUT = (
    "Er is te vaak geprobeerd in te loggen. Om uw gegevens te beschermen kan er nu een "
    "kwartier niet worden ingelogd. Probeer het daarna opnieuw of neem contact op met uw beheerder."
)


@dataclass(frozen=True)
class LoggedIn:
    user: User
    token: str


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str,
    previous_token: str | None,
    settings: Settings,
) -> LoggedIn:
    """Check the credentials and start a fresh session; never says whether the account exists."""
    anonymous = Actor(user=None, organisation_name=None, client_address=client_address)
    if throttle.is_locked(session, email=email, client_address=client_address):
        audit.record(
            session,
            action="inloggen",
            actor=anonymous,
            outcome=Outcome.DENIED,
            context="blokkade actief",
        )
        session.commit()
        raise DomainError(LOCKED_OUT)

    user = user_service.find_by_email(session, email=email)
    password_matches = verify_password(password, user.password_hash if user else None)
    usable = user is not None and user.active and user.organisation.active
    succeeded = password_matches and usable
    locked_scopes = throttle.register_attempt(
        session, email=email, client_address=client_address, succeeded=succeeded, settings=settings
    )
    if not succeeded or user is None:
        audit.record(
            session,
            action="inloggen",
            actor=anonymous,
            outcome=Outcome.FAILURE,
            object_type="gebruiker" if user else None,
            object_id=user.id if user else None,
        )
        for scope in locked_scopes:
            audit.record(
                session,
                action="inloggen.blokkade",
                actor=anonymous,
                outcome=Outcome.DENIED,
                context=f"te veel mislukte pogingen per {scope}",
            )
        session.commit()
        raise DomainError(LOCKED_OUT if locked_scopes else WRONG_CREDENTIALS)

    if previous_token:
        end_session(session, token=previous_token)
    token = start_session(session, user_id=user.id, client_address=client_address)
    actor = Actor(
        user=user, organisation_name=user.organisation.name, client_address=client_address
    )
    audit.record(
        session, action="inloggen", actor=actor, object_type="gebruiker", object_id=user.id
    )
    session.commit()
    return LoggedIn(user=user, token=token)


def log_out(session: Session, *, token: str, by: Actor) -> None:
    """End the session behind the token."""
    end_session(session, token=token)
    audit.record(
        session,
        action="uitloggen",
        actor=by,
        object_type="gebruiker",
        object_id=by.user.id if by.user else None,
    )
    session.commit()
