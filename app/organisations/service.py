"""Use cases for organisations: create, edit, deactivate."""

from sqlmodel import Session, col, select

from app import audit
from app.audit import Actor
from app.calendar import service as calendar_service
from app.db import apply_update
from app.errors import DomainError
from app.organisations.models import Organisation, OrganisationCreate, OrganisationUpdate
from app.security.sessions import end_sessions
from app.users.models import User


def list_organisations(session: Session, *, only_active: bool = False) -> list[Organisation]:
    """Organisations by name."""
    statement = select(Organisation).order_by(col(Organisation.name))
    if only_active:
        statement = statement.where(col(Organisation.active))
    return list(session.exec(statement))


def _check_unique_name(session: Session, name: str, organisation_id: int | None = None) -> None:
    existing = session.exec(select(Organisation).where(Organisation.name == name)).first()
    if existing is not None and existing.id != organisation_id:
        raise DomainError("Er is al een organisatie met deze naam.", field="name")


def create_organisation(session: Session, *, data: OrganisationCreate, by: Actor) -> Organisation:
    """Add a partner organisation."""
    _check_unique_name(session, data.name)
    organisation = Organisation.model_validate(data)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        action="organisatie.aangemaakt",
        actor=by,
        object_type="organisatie",
        object_id=organisation.id,
    )
    session.commit()
    return organisation


def update_organisation(
    session: Session, *, organisation: Organisation, data: OrganisationUpdate, by: Actor
) -> Organisation:
    """Edit an organisation; deactivating it ends the sessions and the calendar links of all its
    people (re-activating it brings neither back)."""
    _check_unique_name(session, data.name, organisation_id=organisation.id)
    changed = apply_update(organisation, data)
    session.add(organisation)
    if not organisation.active:
        members = select(User.id).where(User.organisation_id == organisation.id)
        end_sessions(session, user_ids=members)
        calendar_service.revoke_feeds(session, user_ids=members)
    audit.record(
        session,
        action="organisatie.gewijzigd",
        actor=by,
        object_type="organisatie",
        object_id=organisation.id,
        detail={"velden": changed, "actief": organisation.active},
    )
    session.commit()
    return organisation
