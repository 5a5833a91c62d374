"""What the casus pages show: one casus (with identified data only for whom may see it), lists."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from app import audit
from app.audit import Actor
from app.cases.models import Case, CaseEvent, CasePerson, CaseStatus
from app.cases.service import REPEAT_WINDOW
from app.covenants import queries as covenant_queries
from app.db import today
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting
from app.security import permissions
from app.security.crypto import CaseCrypto
from app.tasks.models import Task, TaskStatus

HIDDEN_BECAUSE = (
    "U ziet alleen de referentie en het pseudoniem: uw organisatie is vandaag niet gedekt door "
    "het convenant van dit overleg, en heeft deze casus niet zelf ingebracht."
)


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: date
    bsn: str | None
    address: str


@dataclass(frozen=True)
class EarlierCase:
    case: Case
    last_discussed_on: date | None
    is_repeat: bool


@dataclass
class CaseView:
    case: Case
    meeting: Meeting
    submitting_organisation: str
    owner_organisation: str | None
    people: list[Person] | None
    hidden_because: str | None
    timeline: list[CaseEvent] = field(default_factory=list)
    earlier: EarlierCase | None = None


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    category: str | None = None
    owner_organisation_id: int | None = None
    submitting_organisation_id: int | None = None
    search: str | None = None
    tasks: str | None = None


def may_see_identified(session: Session, *, access: SeriesAccess, case: Case, day: date) -> bool:
    """Rule 2: covered members of the overleg and the organisation that brought the casus."""
    covered = covenant_queries.organisation_covered(
        session,
        covenant_id=access.series.covenant_id,
        organisation_id=access.user.organisation_id,
        day=day,
    )
    return permissions.can_see_identified(
        access.user,
        access.membership,
        covered=covered,
        submitting_organisation_id=case.submitting_organisation_id,
    )


def decrypt_person(crypto: CaseCrypto, row: CasePerson) -> Person:
    """The identified person behind an encrypted row."""
    open_ = crypto.cipher.decrypt
    return Person(
        name=open_(row.name_encrypted, purpose="naam"),
        birth_date=date.fromisoformat(open_(row.birth_date_encrypted, purpose="geboortedatum")),
        bsn=open_(row.bsn_encrypted, purpose="bsn") if row.bsn_encrypted else None,
        address=open_(row.address_encrypted, purpose="adres"),
    )


def _earlier(session: Session, case: Case, day: date) -> EarlierCase | None:
    if case.repeat_of_case_id is None:
        return None
    earlier = session.get(Case, case.repeat_of_case_id)
    if earlier is None:
        return None
    last = earlier.last_discussed_on
    return EarlierCase(earlier, last, last is not None and day - last <= REPEAT_WINDOW)


def open_case(
    session: Session,
    *,
    access: SeriesAccess,
    case: Case,
    crypto: CaseCrypto,
    actor: Actor,
    day: date,
    context: str,
) -> CaseView:
    """The casus as this user may see it; every showing of identified data is logged once."""
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_(
                    [case.submitting_organisation_id, case.owner_organisation_id]
                )
            )
        ).all()
    )
    view = CaseView(
        case=case,
        meeting=session.get(Meeting, case.meeting_id),
        submitting_organisation=names.get(case.submitting_organisation_id, ""),
        owner_organisation=names.get(case.owner_organisation_id),
        people=None,
        hidden_because=None,
        timeline=list(
            session.exec(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id)
                .order_by(col(CaseEvent.occurred_at), col(CaseEvent.id))
            )
        ),
    )
    own = access.user.organisation_id == case.submitting_organisation_id
    if own or access.can_run:
        view.earlier = _earlier(session, case, day)
    if not case.identified:
        return view
    if not may_see_identified(session, access=access, case=case, day=day):
        view.hidden_because = HIDDEN_BECAUSE
        return view
    rows = session.exec(
        select(CasePerson).where(CasePerson.case_id == case.id).order_by(col(CasePerson.position))
    ).all()
    view.people = [decrypt_person(crypto, row) for row in rows]
    audit.record(
        session,
        action="casus.identificerend.ingezien",
        actor=actor,
        object_type="casus",
        object_id=case.id,
        context=context,
    )
    session.commit()
    return view


def list_cases(
    session: Session, *, series_id: int, filters: CaseFilters
) -> list[tuple[Case, str, str | None]]:
    """Casussen of an overleg with submitting and owner organisation, newest first; the search
    looks at reference and pseudonym only, never at encrypted fields."""
    submitter, owner = aliased(Organisation), aliased(Organisation)
    statement = (
        select(Case, submitter.name, owner.name)
        .join(submitter, col(submitter.id) == Case.submitting_organisation_id)
        .join(owner, col(owner.id) == Case.owner_organisation_id, isouter=True)
        .where(Case.series_id == series_id)
        .order_by(col(Case.year).desc(), col(Case.number).desc())
    )
    if filters.status:
        statement = statement.where(Case.status == filters.status)
    if filters.category:
        statement = statement.where(col(Case.categories).contains(filters.category))
    if filters.owner_organisation_id:
        statement = statement.where(Case.owner_organisation_id == filters.owner_organisation_id)
    if filters.submitting_organisation_id:
        statement = statement.where(
            Case.submitting_organisation_id == filters.submitting_organisation_id
        )
    if filters.tasks in ("open", "verlopen"):
        open_tasks = select(Task.case_id).where(Task.status == TaskStatus.OPEN)
        if filters.tasks == "verlopen":
            open_tasks = open_tasks.where(Task.due_on < today())
        statement = statement.where(col(Case.id).in_(open_tasks))
    if filters.search:
        pattern = f"%{filters.search.strip()}%"
        statement = statement.where(
            or_(col(Case.reference).ilike(pattern), col(Case.pseudonym).ilike(pattern))
        )
    return list(session.exec(statement).all())


def due_for_review(session: Session, *, series_id: int, day: date) -> list[Case]:
    """Open casussen last discussed a year or more ago."""
    return list(
        session.exec(
            select(Case)
            .where(
                Case.series_id == series_id,
                Case.status != CaseStatus.CLOSED,
                col(Case.last_discussed_on).is_not(None),
                Case.last_discussed_on <= day - REPEAT_WINDOW,
            )
            .order_by(col(Case.last_discussed_on))
        ).all()
    )
