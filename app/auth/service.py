"""Logging in and out, with throttling and an audit event for every outcome."""

from dataclasses import dataclass

from sqlmodel import Session

from app import audit
from app.audit import Actor, Outcome
from app.config import Settings
from app.errors import DomainError
from app.factors import queries as factor_queries
from app.security import throttle
from app.security.passwords import verify_password
from app.security.sessions import SessionStage, end_session, start_session
from app.users import service as user_service
from app.users.models import User

WRONG_CREDENTIALS = "Het e-mailadres of het wachtwoord klopt niet."
LOCKED_OUT = (
    "Er is te vaak geprobeerd in te loggen. Om uw gegevens te beschermen kan er nu een "
    "kwartier niet worden ingelogd. Probeer het daarna opnieuw of neem contact op met uw beheerder."
)
AWAITING_ADMISSION = (
    "Uw account is aangemaakt, maar een beheerder moet u eerst toelaten. U krijgt toegang zodra "
    "dat gebeurd is; neem zo nodig contact op met de beheerder van Casustafel bij uw gemeente."
)
INACTIVE = "Dit account is niet actief. Neem contact op met uw beheerder."


class AwaitingAdmission(DomainError):
    """The account exists but a beheerder has not admitted it yet."""

    def __init__(self) -> None:
        super().__init__(AWAITING_ADMISSION)


@dataclass(frozen=True)
class LoggedIn:
    user: User
    token: str
    stage: SessionStage


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str,
    user_agent: str | None,
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

    return sign_in(
        session,
        user=user,
        client_address=client_address,
        user_agent=user_agent,
        previous_token=previous_token,
        settings=settings,
        second_factor_done=False,
    )


def _stage_after_first_factor(
    session: Session, *, user: User, settings: Settings, second_factor_done: bool
) -> SessionStage:
    if second_factor_done:
        return SessionStage.FULL
    if factor_queries.has_second_factor(session, user_id=user.id):
        return SessionStage.SECOND_FACTOR
    return SessionStage.ENROL if settings.second_factor_required else SessionStage.FULL


def sign_in(
    session: Session,
    *,
    user: User,
    client_address: str,
    user_agent: str | None,
    previous_token: str | None,
    settings: Settings,
    second_factor_done: bool,
    sso_provider: str | None = None,
) -> LoggedIn:
    """Start a session for a user whose first factor (password or SSO) is in: full when the
    second factor is done or not needed, else one that only opens the second-factor pages."""
    if not user_service.is_active(user):
        raise DomainError(INACTIVE)
    if user.awaiting_admission:
        raise AwaitingAdmission
    if previous_token:
        end_session(session, token=previous_token)
    stage = _stage_after_first_factor(
        session, user=user, settings=settings, second_factor_done=second_factor_done
    )
    token = start_session(
        session,
        user_id=user.id,
        client_address=client_address,
        user_agent=user_agent,
        stage=stage,
        # A login that needs no second factor is as fresh a confirmation as this account has.
        confirmed=stage == SessionStage.FULL,
        sso_provider=sso_provider,
    )
    actor = Actor(
        user=user, organisation_name=user.organisation.name, client_address=client_address
    )
    audit.record(
        session,
        action="inloggen",
        actor=actor,
        object_type="gebruiker",
        object_id=user.id,
        detail={"via": sso_provider or "wachtwoord", "stap": stage.value},
    )
    session.commit()
    return LoggedIn(user=user, token=token, stage=stage)


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
