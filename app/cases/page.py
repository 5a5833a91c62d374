"""The casus pages' shared parts: the choices on their forms, the persons typed in a form, and
the casus page itself, to which every decision on it comes back with its errors."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.cases import disclosure, queries
from app.cases.models import (
    AgeBand,
    Case,
    CaseCategory,
    CaseStatus,
    Consent,
    EscalationBody,
    LegalBasis,
    PersonData,
    Urgency,
)
from app.dates import local_datetime, short_date
from app.db import today, utcnow
from app.errors import DomainError
from app.minutes import readers as minutes_readers
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingStatus, SeriesOrganisation
from app.security import permissions
from app.security.crypto import CaseCrypto
from app.users.models import User
from app.web import (
    FormErrors,
    domain_errors,
    enum_options,
    parse_form,
    redirect,
    render,
)

PERSON_SLOTS = 3
PERSON_FIELDS = ("name", "birth_date", "bsn", "address")
PERSON_SLOT_FIELDS = {
    f"person-{slot}-{name}": {"type": "string"}
    for slot in range(1, PERSON_SLOTS + 1)
    for name in PERSON_FIELDS
}


def crypto_of(request: Request) -> CaseCrypto:
    """The app's encryption of identified data."""
    crypto: CaseCrypto = request.app.state.crypto
    return crypto


def choices(session: Session, access: SeriesAccess) -> dict[str, Any]:
    """What the casus forms offer: upcoming meetings, member organisations, every list."""
    meetings = session.exec(
        select(Meeting)
        .where(
            Meeting.series_id == access.series.id,
            Meeting.starts_at > utcnow(),
            col(Meeting.status).in_([MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN]),
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    organisations = session.exec(
        select(Organisation)
        .join(SeriesOrganisation)
        .where(SeriesOrganisation.series_id == access.series.id)
        .order_by(col(Organisation.name))
    ).all()
    return {
        "meeting_options": [(m.id, _meeting_label(m)) for m in meetings],
        "organisation_options": [(o.id, o.name) for o in organisations],
        "categories": enum_options(CaseCategory),
        "urgencies": enum_options(Urgency),
        "consents": enum_options(Consent),
        "bases": enum_options(LegalBasis),
        "age_bands": enum_options(AgeBand),
        "bodies": enum_options(EscalationBody),
        "statuses": enum_options(CaseStatus),
        "person_slots": range(1, PERSON_SLOTS + 1),
    }


def _meeting_label(meeting: Meeting) -> str:
    deadline = short_date(meeting.agenda_deadline)
    return f"{local_datetime(meeting.starts_at)} (inbrengen tot en met {deadline})"


def people_from(form: dict[str, Any]) -> tuple[list[PersonData], FormErrors]:
    """The persons typed in the numbered slots; an empty slot is skipped."""
    people, errors = [], {}
    for slot in range(1, PERSON_SLOTS + 1):
        values = {f: form.get(f"person-{slot}-{f}", "") for f in PERSON_FIELDS}
        if not any(str(v).strip() for v in values.values()):
            continue
        person, slot_errors = parse_form(PersonData, values)
        errors |= {f"person-{slot}-{f}": message for f, message in slot_errors.items()}
        if person is not None:
            people.append(person)
    return people, errors


def render_case(
    request: Request,
    session: Session,
    access: SeriesAccess,
    case: Case,
    actor: Any,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    """The casus page; forms on it come back here with errors and what was typed."""
    view = queries.case_view(session, case=case)
    form_choices = choices(session, access)
    organisation_ids = [id_ for id_, _ in form_choices["organisation_options"]]
    members = session.exec(
        select(User)
        .where(col(User.organisation_id).in_(organisation_ids), col(User.active))
        .order_by(col(User.name))
    ).all()
    defaults = {"escalated_on": today().isoformat(), "closed_on": today().isoformat()}
    excerpts = minutes_readers.excerpts_of_case(session, access=access, case=case)
    # Last before rendering: the reads are logged and committed before anything is shown.
    persons = disclosure.for_case_page(
        session,
        access=access,
        case=case,
        crypto=crypto_of(request),
        actor=actor,
        day=today(),
    )
    return render(
        request,
        "cases/detail.html",
        {
            "series": access.series,
            "access": access,
            "view": view,
            "persons": persons,
            "hidden_because": queries.HIDDEN_BECAUSE,
            "case": case,
            "values": values or defaults,
            "errors": errors or {},
            "person_options": [(u.id, f"{u.name} ({u.organisation.name})") for u in members],
            "excerpts": excerpts,
            "may_change_identification": permissions.can_change_identification(
                access.user,
                access.membership,
                submitting_organisation_id=case.submitting_organisation_id,
            ),
            **form_choices,
        },
        status_code=422 if errors else 200,
    )


def decide(
    request: Request,
    session: Session,
    access: SeriesAccess,
    case: Case,
    actor: Any,
    form: dict[str, Any],
    action: Any,
) -> Response:
    """Run a decision on the casus; its errors come back beside the fields on the casus page."""
    try:
        action()
    except DomainError as exc:
        return render_case(
            request, session, access, case, actor, values=form, errors=domain_errors(exc)
        )
    return redirect(request, f"/overleggen/{access.series.id}/casussen/{case.id}")
