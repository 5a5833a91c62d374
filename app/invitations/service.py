"""Invitations and password resets: a one-time link by e-mail, of which only a hash is stored."""

import secrets

from sqlmodel import Session, col, delete, select

from app import audit
from app.audit import Actor, Outcome
from app.auth import service as auth_service
from app.config import Settings
from app.db import utcnow
from app.errors import DomainError
from app.invitations import mails
from app.invitations.models import VALIDITY, AccountLink, LinkPurpose, NewPassword
from app.mail import service as mail_service
from app.overleg.invitations import MailContext
from app.security import throttle
from app.security.sessions import end_sessions, token_digest
from app.users import service as user_service
from app.users.models import User, UserCreate

TOO_MANY_REQUESTS = (
    "Er is te vaak een nieuw wachtwoord aangevraagd. Om uw gegevens te beschermen kan dat nu "
    "een kwartier niet. Probeer het daarna opnieuw of neem contact op met uw beheerder."
)
CANNOT_LOG_IN = "Dit account kan niet inloggen (gedeactiveerd of nog niet toegelaten)."
# Reset requests are counted like login failures, under keys of their own: asking for links
# never locks anyone out of logging in, nor the other way round.
THROTTLE_PREFIX = "wachtwoordherstel "


class LinkNotValid(DomainError):
    """The link is unknown, expired or spent, or its account can no longer log in."""

    def __init__(self) -> None:
        super().__init__("Deze link is verlopen of al gebruikt.")


def _can_log_in(user: User) -> bool:
    return user_service.is_active(user) and not user.awaiting_admission


def _replace_links(session: Session, *, user_id: int | None) -> str:
    """Remove the account's open links and make a new token (the caller stores its hash)."""
    session.exec(delete(AccountLink).where(col(AccountLink.user_id) == user_id))
    return secrets.token_urlsafe(32)


def _issue(session: Session, *, user: User, purpose: LinkPurpose, mail: MailContext) -> None:
    """Replace the account's open links by a new one and put its e-mail in the outbox."""
    assert user.id is not None
    token = _replace_links(session, user_id=user.id)
    session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=token_digest(token),
            expires_at=utcnow() + VALIDITY[purpose],
        )
    )
    subject, body = mails.compose(purpose, name=user.name, token=token, base_url=mail.base_url)
    mail_service.enqueue(session, to=user.email, subject=subject, body=body, secret=True)


def _audit_sent(session: Session, *, purpose: LinkPurpose, user: User, by: Actor) -> None:
    action = (
        "uitnodiging.verstuurd"
        if purpose == LinkPurpose.INVITATION
        else "wachtwoordherstel.aangevraagd"
    )
    audit.record(session, action=action, actor=by, object_type="gebruiker", object_id=user.id)


def invite_user(session: Session, *, data: UserCreate, by: Actor, mail: MailContext) -> User:
    """Create an account without a password and e-mail its owner an invitation link (72 hours)."""
    user = user_service.add_user(session, data=data, by=by)
    _issue(session, user=user, purpose=LinkPurpose.INVITATION, mail=mail)
    _audit_sent(session, purpose=LinkPurpose.INVITATION, user=user, by=by)
    session.commit()
    return user


def send_link(
    session: Session, *, user: User, purpose: LinkPurpose, by: Actor, mail: MailContext
) -> None:
    """The beheerder sends a new invitation or a reset link; older links stop working."""
    if not _can_log_in(user):
        raise DomainError(CANNOT_LOG_IN)
    _issue(session, user=user, purpose=purpose, mail=mail)
    _audit_sent(session, purpose=purpose, user=user, by=by)
    session.commit()


def _refuse_when_throttled(
    session: Session, *, email: str, client_address: str, settings: Settings
) -> None:
    """Count the request; refuse it (audited, committed) once there were too many."""
    anonymous = Actor(user=None, organisation_name=None, client_address=client_address)
    keys = {"email": THROTTLE_PREFIX + email, "client_address": THROTTLE_PREFIX + client_address}
    if throttle.is_locked(session, **keys):
        reasons = ["blokkade actief"]
    else:
        scopes = throttle.register_attempt(session, **keys, succeeded=False, settings=settings)
        reasons = [f"te veel aanvragen per {scope}" for scope in scopes]
    if not reasons:
        return
    for reason in reasons:
        audit.record(
            session,
            action="wachtwoordherstel.aangevraagd",
            actor=anonymous,
            outcome=Outcome.DENIED,
            context=reason,
        )
    session.commit()
    raise DomainError(TOO_MANY_REQUESTS, field="email")


def request_password_reset(
    session: Session, *, email: str, client_address: str, settings: Settings, mail: MailContext
) -> None:
    """'Wachtwoord vergeten': a reset link (1 hour) for an account that can log in; the caller's
    answer is the same whether or not there is one, and the work nearly so."""
    _refuse_when_throttled(session, email=email, client_address=client_address, settings=settings)
    user = user_service.find_by_email(session, email=email)
    usable = user is not None and _can_log_in(user)
    if user is not None and usable:
        _issue(session, user=user, purpose=LinkPurpose.PASSWORD_RESET, mail=mail)
    else:
        # Unknown or unusable: the same statements as issuing, short of the link and the mail.
        token_digest(_replace_links(session, user_id=None))
    audit.record(
        session,
        action="wachtwoordherstel.aangevraagd",
        actor=Actor(user=None, organisation_name=None, client_address=client_address),
        outcome=Outcome.SUCCESS if usable else Outcome.DENIED,
        object_type="gebruiker" if user else None,
        object_id=user.id if user else None,
    )
    session.commit()


def open_link(session: Session, *, token: str, purpose: LinkPurpose) -> User:
    """The account behind a live link of this purpose; LinkNotValid otherwise."""
    found = session.exec(
        select(AccountLink, User)
        .join(User, col(User.id) == AccountLink.user_id)
        .where(
            AccountLink.token_hash == token_digest(token),
            AccountLink.purpose == purpose,
            AccountLink.expires_at > utcnow(),
        )
    ).first()
    if found is None or not _can_log_in(found[1]):
        raise LinkNotValid
    return found[1]


def _spend(session: Session, *, token: str, user: User) -> None:
    """Delete the link, and the account's others; a second request racing this one finds none."""
    spent = session.exec(
        delete(AccountLink).where(col(AccountLink.token_hash) == token_digest(token))
    )
    if spent.rowcount != 1:
        raise LinkNotValid
    session.exec(delete(AccountLink).where(col(AccountLink.user_id) == user.id))


def set_password_by_link(
    session: Session,
    *,
    token: str,
    purpose: LinkPurpose,
    data: NewPassword,
    client_address: str,
    user_agent: str | None,
    previous_token: str | None,
    settings: Settings,
) -> auth_service.LoggedIn:
    """Set the password through a live link, spend it, end the account's sessions and sign in
    (a second factor still follows where the account has or needs one)."""
    user = open_link(session, token=token, purpose=purpose)
    if data.password != data.password_repeat:
        raise DomainError("De twee wachtwoorden zijn niet gelijk.", field="password_repeat")
    user_service.check_new_password(
        data.password, email=user.email, name=user.name, field="password"
    )
    _spend(session, token=token, user=user)
    user_service.set_password(session, user=user, password=data.password)
    end_sessions(session, user_ids=[user.id])
    audit.record(
        session,
        action=f"{purpose.value}.gebruikt",
        actor=Actor(
            user=user, organisation_name=user.organisation.name, client_address=client_address
        ),
        object_type="gebruiker",
        object_id=user.id,
    )
    return auth_service.sign_in(
        session,
        user=user,
        client_address=client_address,
        user_agent=user_agent,
        previous_token=previous_token,
        settings=settings,
        second_factor_done=False,
    )
