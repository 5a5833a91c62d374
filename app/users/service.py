"""Use cases for users: create, edit, deactivate, change password."""

from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor
from app.calendar import service as calendar_service
from app.db import apply_update, utcnow
from app.errors import DomainError
from app.organisations.models import Organisation
from app.security.passwords import hash_password, password_problem, verify_password
from app.security.sessions import end_sessions, start_session
from app.users.models import PasswordChange, User, UserCreate, UserUpdate, normalise_email


def is_active(user: User) -> bool:
    """Whether both the account and its organisation are active."""
    return user.active and user.organisation.active


def find_by_email(session: Session, *, email: str) -> User | None:
    """The user with this e-mail address (any case), active or not."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def list_users(session: Session) -> list[User]:
    """Every user, those awaiting admission first, then by organisation and name."""
    statement = (
        select(User)
        .join(Organisation)
        .order_by(col(User.awaiting_admission).desc(), col(Organisation.name), col(User.name))
    )
    return list(session.exec(statement).unique())


def _check_unique_email(session: Session, email: str, user_id: int | None = None) -> None:
    existing = find_by_email(session, email=email)
    if existing is not None and existing.id != user_id:
        raise DomainError("Er is al een account met dit e-mailadres.", field="email")


def _check_organisation(session: Session, organisation_id: int) -> None:
    if session.get(Organisation, organisation_id) is None:
        raise DomainError("Kies een bestaande organisatie.", field="organisation_id")


def check_new_password(password: str, *, email: str, name: str, field: str) -> None:
    """Refuse a password that is short, common, predictable or holds the person's name or
    e-mail address; every place that sets a password asks this."""
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise DomainError(problem, field=field)


def _role_changes(user: User) -> dict[str, bool]:
    return {
        "beheerder": user.is_admin,
        "deelnemer": user.is_participant,
        "fg": user.is_privacy_officer,
    }


def create_user(session: Session, *, data: UserCreate, by: Actor) -> User:
    """Create an account with its first password."""
    _check_unique_email(session, data.email)
    _check_organisation(session, data.organisation_id)
    check_new_password(data.password, email=data.email, name=data.name, field="password")
    user = User.model_validate(data, update={"password_hash": hash_password(data.password)})
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="gebruiker.aangemaakt",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"rollen": _role_changes(user)},
    )
    session.commit()
    return user


def update_user(
    session: Session, *, user: User, data: UserUpdate, new_password: str | None, by: Actor
) -> User:
    """Edit an account (which admits one awaiting admission); deactivating it ends its sessions
    and its calendar link, a new password its sessions."""
    if new_password is not None:
        check_new_password(new_password, email=data.email, name=data.name, field="new_password")
    if by.user is not None and by.user.id == user.id and not (data.active and data.is_admin):
        raise DomainError(
            "U kunt uw eigen account niet deactiveren of uw eigen beheerdersrol afnemen; "
            "vraag dat een andere beheerder.",
            field="active" if not data.active else "is_admin",
        )
    _check_unique_email(session, data.email, user_id=user.id)
    _check_organisation(session, data.organisation_id)
    changed = apply_update(user, data)
    if user.awaiting_admission:
        user.awaiting_admission = False
        changed.append("toegelaten")
    if new_password:
        user.password_hash = hash_password(new_password)
        user.password_changed_at = utcnow()
        changed.append("wachtwoord")
    if not user.active or new_password:
        end_sessions(session, user_ids=[user.id])
    if not user.active:
        calendar_service.revoke_feeds(session, user_ids=[user.id])
    session.add(user)
    audit.record(
        session,
        action="gebruiker.gewijzigd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"velden": changed, "actief": user.active},
    )
    session.commit()
    return user


def change_own_password(session: Session, *, user: User, data: PasswordChange, by: Actor) -> str:
    """Change one's own password; every session ends and a new one starts (its token returned)."""
    if not verify_password(data.current_password, user.password_hash):
        raise DomainError("Uw huidige wachtwoord klopt niet.", field="current_password")
    if data.new_password != data.new_password_repeat:
        raise DomainError(
            "De twee nieuwe wachtwoorden zijn niet gelijk.", field="new_password_repeat"
        )
    if data.new_password == data.current_password:
        raise DomainError("Kies een ander wachtwoord dan uw huidige.", field="new_password")
    check_new_password(data.new_password, email=user.email, name=user.name, field="new_password")
    user.password_hash = hash_password(data.new_password)
    user.password_changed_at = utcnow()
    session.add(user)
    end_sessions(session, user_ids=[user.id])
    token = start_session(session, user_id=user.id, client_address=by.client_address)
    audit.record(
        session, action="wachtwoord.gewijzigd", actor=by, object_type="gebruiker", object_id=user.id
    )
    session.commit()
    return token
