"""Single sign-on use cases: starting an attempt, taking it back once, and logging in (or
creating an account that waits for admission) with a provider's verified claims."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app import audit
from app.audit import Actor, Outcome
from app.auth import service as auth_service
from app.config import OidcProvider, Settings
from app.db import utcnow
from app.errors import DomainError
from app.organisations.models import Organisation
from app.sso import claims as sso_claims
from app.sso.models import SsoAttempt, SsoLink
from app.users import service as user_service
from app.users.models import User

ATTEMPT_LIFETIME = timedelta(minutes=10)

ATTEMPT_UNKNOWN = (
    "Dit inlogverzoek is verlopen, al gebruikt of in een andere browser begonnen. "
    "Probeer opnieuw in te loggen."
)
NO_EMAIL = (
    "Uw organisatie gaf geen (geldig) e-mailadres door, daarom kunt u zo niet inloggen. "
    "Neem contact op met uw beheerder."
)
EMAIL_TAKEN = (
    "Er is al een Casustafel-account met uw e-mailadres, dat niet aan uw organisatieaccount is "
    "gekoppeld. Log in met uw wachtwoord, of vraag uw beheerder om hulp."
)
NO_ORGANISATION = (
    "Uw organisatie is (nog) niet bekend in Casustafel, daarom kunt u zo niet inloggen. "
    "Neem contact op met uw beheerder."
)
INACTIVE = (
    "Uw account of organisatie is niet (meer) actief in Casustafel. "
    "Neem contact op met uw beheerder."
)
REFUSALS = {
    "state onbekend": ATTEMPT_UNKNOWN,
    "geen e-mailadres": NO_EMAIL,
    "e-mailadres in gebruik": EMAIL_TAKEN,
    "organisatie onbekend": NO_ORGANISATION,
    "inactief": INACTIVE,
}


class SsoRefused(DomainError):
    """Logging in through the provider is refused; the message says why, in Dutch."""


@dataclass(frozen=True)
class Attempt:
    """What the trip to the provider carries: only the server knows them all."""

    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class WaitingForAdmission:
    """The person is known (or just created) but a beheerder has not admitted them yet."""

    user: User
    created: bool


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _anonymous(client_address: str) -> Actor:
    return Actor(user=None, organisation_name=None, client_address=client_address)


def _actor(user: User, client_address: str) -> Actor:
    return Actor(user=user, organisation_name=user.organisation.name, client_address=client_address)


def start_attempt(
    session: Session, *, provider: OidcProvider, binding: str, next_path: str
) -> Attempt:
    """Store a new attempt for this browser (its pre-login binding); expired ones go."""
    attempt = Attempt(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
    )
    now = utcnow()
    session.execute(delete(SsoAttempt).where(col(SsoAttempt.created_at) < now - ATTEMPT_LIFETIME))
    session.add(
        SsoAttempt(
            id=_digest(attempt.state),
            binding=_digest(binding),
            provider=provider.name,
            nonce=attempt.nonce,
            code_verifier=attempt.code_verifier,
            next_path=next_path,
            created_at=now,
        )
    )
    session.commit()
    return attempt


def take_attempt(
    session: Session, *, provider: OidcProvider, state: str, binding: str, client_address: str
) -> SsoAttempt:
    """The attempt this state started in this browser, used up now; anything else is refused."""
    attempt = session.exec(
        select(SsoAttempt).where(
            SsoAttempt.id == _digest(state),
            SsoAttempt.binding == _digest(binding),
            SsoAttempt.provider == provider.name,
        )
    ).first()
    if attempt is not None:
        session.delete(attempt)
    if attempt is None or utcnow() - attempt.created_at > ATTEMPT_LIFETIME:
        session.commit()
        raise _refuse(session, provider, "state onbekend", client_address)
    session.commit()
    return attempt


def record_failure(
    session: Session, *, provider: OidcProvider, reason: str, client_address: str
) -> None:
    """Audit a login through the provider that failed (a reason code, never token contents)."""
    audit.record(
        session,
        action="inloggen",
        actor=_anonymous(client_address),
        outcome=Outcome.FAILURE,
        context=f"organisatieaccount: {reason}"[:200],
        detail={"aanbieder": provider.name},
    )
    session.commit()


def _refuse(session: Session, provider: OidcProvider, reason: str, at: str) -> SsoRefused:
    """The refusal to raise: only the failure is kept, nothing else of this attempt."""
    session.rollback()
    record_failure(session, provider=provider, reason=reason, client_address=at)
    return SsoRefused(REFUSALS[reason])


def log_in(
    session: Session,
    *,
    provider: OidcProvider,
    claims: dict[str, Any],
    client_address: str,
    user_agent: str | None,
    previous_token: str | None,
    settings: Settings,
) -> auth_service.LoggedIn | WaitingForAdmission:
    """Log in with the provider's verified claims: the linked account, or at the first login a
    linked existing one (trusted provider) or a new one that waits for admission."""
    try:
        user, created = _account(session, provider=provider, claims=claims, at=client_address)
    except IntegrityError:
        # A first login of the same person in another tab made the account or the link while
        # this one ran (PostgreSQL, read committed) and has committed it: nothing of this
        # attempt is kept, and it ends as if it came after that one.
        session.rollback()
        user, created = _account(session, provider=provider, claims=claims, at=client_address)
    if not user_service.is_active(user):
        raise _refuse(session, provider, "inactief", client_address)
    if provider.trusted:
        _apply_claims(session, provider=provider, user=user, claims=claims, at=client_address)
    if user.awaiting_admission:
        audit.record(
            session,
            action="inloggen",
            actor=_anonymous(client_address),
            outcome=Outcome.DENIED,
            object_type="gebruiker",
            object_id=user.id,
            context="organisatieaccount: wacht op toelating",
            detail={"aanbieder": provider.name},
        )
        session.commit()
        return WaitingForAdmission(user=user, created=created)
    return auth_service.sign_in(
        session,
        user=user,
        client_address=client_address,
        user_agent=user_agent,
        previous_token=previous_token,
        settings=settings,
        second_factor_done=sso_claims.did_second_factor(provider, claims),
        sso_provider=provider.name,
    )


def _account(
    session: Session, *, provider: OidcProvider, claims: dict[str, Any], at: str
) -> tuple[User, bool]:
    """The account the provider's subject logs in as (made at its first login), and whether it
    was created now."""
    user = _linked_user(session, provider=provider, subject=str(claims["sub"]))
    if user is not None:
        return user, False
    return _first_login(session, provider=provider, claims=claims, at=at)


def _linked_user(session: Session, *, provider: OidcProvider, subject: str) -> User | None:
    return session.exec(
        select(User)
        .join(SsoLink, col(SsoLink.user_id) == User.id)
        .where(SsoLink.provider == provider.name, SsoLink.subject == subject)
    ).first()


def _first_login(
    session: Session, *, provider: OidcProvider, claims: dict[str, Any], at: str
) -> tuple[User, bool]:
    email = sso_claims.email(provider, claims)
    if email is None:
        raise _refuse(session, provider, "geen e-mailadres", at)
    existing = user_service.find_by_email(session, email=email)
    if existing is None:
        return _create_account(session, provider=provider, claims=claims, email=email, at=at), True
    if not (
        provider.trusted and _may_link(session, provider=provider, user=existing, claims=claims)
    ):
        raise _refuse(session, provider, "e-mailadres in gebruik", at)
    _link(session, provider=provider, user=existing, subject=str(claims["sub"]))
    audit.record(
        session,
        action="organisatieaccount.gekoppeld",
        actor=_actor(existing, at),
        object_type="gebruiker",
        object_id=existing.id,
        detail={"aanbieder": provider.name},
    )
    return existing, False


def _may_link(
    session: Session, *, provider: OidcProvider, user: User, claims: dict[str, Any]
) -> bool:
    """A trusted provider may take over an account of its own organisation, by e-mail address,
    unless the provider itself says that address is unverified or the account has its link."""
    taken = session.exec(
        select(SsoLink.id).where(SsoLink.provider == provider.name, SsoLink.user_id == user.id)
    ).first()
    return (
        user.organisation.name == provider.organisation
        and claims.get("email_verified") is not False
        and taken is None
    )


def _create_account(
    session: Session, *, provider: OidcProvider, claims: dict[str, Any], email: str, at: str
) -> User:
    organisation = _organisation(session, provider)
    if organisation is None:
        raise _refuse(session, provider, "organisatie onbekend", at)
    user = User(
        email=email,
        name=sso_claims.name(claims, email),
        organisation_id=organisation.id,
        organisation=organisation,
        password_hash=None,
        awaiting_admission=True,
    )
    session.add(user)
    session.flush()
    _link(session, provider=provider, user=user, subject=str(claims["sub"]))
    audit.record(
        session,
        action="gebruiker.aangemaakt",
        actor=_anonymous(at),
        object_type="gebruiker",
        object_id=user.id,
        context="via organisatieaccount, wacht op toelating",
        detail={"aanbieder": provider.name},
    )
    return user


def _link(session: Session, *, provider: OidcProvider, user: User, subject: str) -> None:
    assert user.id is not None
    session.add(SsoLink(provider=provider.name, subject=subject[:255], user_id=user.id))


def _apply_claims(
    session: Session, *, provider: OidcProvider, user: User, claims: dict[str, Any], at: str
) -> None:
    """A trusted provider decides the organisation and the beheerder and FG roles."""
    organisation = _organisation(session, provider)
    if organisation is None:
        raise _refuse(session, provider, "organisatie onbekend", at)
    groups = sso_claims.groups(provider, claims)
    wanted = {
        "organisation_id": organisation.id,
        "is_admin": bool(groups & set(provider.admin_groups)),
        "is_privacy_officer": bool(groups & set(provider.privacy_officer_groups)),
    }
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if not changed:
        return
    for field in changed:
        setattr(user, field, wanted[field])
    user.organisation = organisation
    session.add(user)
    audit.record(
        session,
        action="gebruiker.gewijzigd",
        actor=_actor(user, at),
        object_type="gebruiker",
        object_id=user.id,
        context="rollen en organisatie uit organisatieaccount",
        detail={"velden": changed, "aanbieder": provider.name},
    )


def _organisation(session: Session, provider: OidcProvider) -> Organisation | None:
    return session.exec(
        select(Organisation).where(Organisation.name == provider.organisation)
    ).first()
