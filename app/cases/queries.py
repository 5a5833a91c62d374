"""What the casus pages show: one casus (its persons come from the disclosure door), lists."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, or_, select

from app.cases.models import ENDED, Case, CaseEvent
from app.cases.service import REPEAT_WINDOW
from app.db import today
from app.organisations.models import Organisation
from app.overleg.models import Meeting
from app.tasks.models import Task, TaskStatus

HIDDEN_BECAUSE = (
    "U ziet alleen de referentie en het pseudoniem: uw organisatie is vandaag niet gedekt door "
    "het convenant van dit overleg, en heeft deze casus niet zelf ingebracht."
)


@dataclass
class CaseView:
    case: Case
    meeting: Meeting
    submitting_organisation: str
    owner_organisation: str | None
    timeline: list[CaseEvent] = field(default_factory=list)


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    category: str | None = None
    owner_organisation_id: int | None = None
    submitting_organisation_id: int | None = None
    search: str | None = None
    tasks: str | None = None


def case_view(session: Session, *, case: Case) -> CaseView:
    """The casus with its organisations, meeting and timeline; its persons come from the
    disclosure door (app/cases/disclosure.py)."""
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_(
                    [case.submitting_organisation_id, case.owner_organisation_id]
                )
            )
        ).all()
    )
    meeting = session.get(Meeting, case.meeting_id)
    assert meeting is not None
    return CaseView(
        case=case,
        meeting=meeting,
        submitting_organisation=names.get(case.submitting_organisation_id, ""),
        owner_organisation=names.get(case.owner_organisation_id),
        timeline=list(
            session.exec(
                select(CaseEvent)
                .where(CaseEvent.case_id == case.id)
                .order_by(col(CaseEvent.occurred_at), col(CaseEvent.id))
            )
        ),
    )


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
                col(Case.status).not_in(ENDED),
                col(Case.last_discussed_on).is_not(None),
                Case.last_discussed_on <= day - REPEAT_WINDOW,
            )
            .order_by(col(Case.last_discussed_on))
        ).all()
    )
