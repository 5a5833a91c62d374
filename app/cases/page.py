"""The casus pages' shared parts: the choices on their forms, the persons typed in a form, the
casus form (submitting and correcting), the confirmation pages of a change, and the casus page
itself, to which every decision on it comes back with its errors."""

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session, col, select

from app.cases import disclosure, queries
from app.cases.form import PERSON_SLOTS, STEPS
from app.cases.models import (
    ENDED,
    AgeBand,
    Case,
    CaseCategory,
    CaseStatus,
    Consent,
    EscalationBody,
    LegalBasis,
    Urgency,
)
from app.contacts import queries as contact_queries
from app.dates import local_datetime, short_date
from app.db import today, utcnow
from app.errors import DomainError
from app.flash import flash
from app.minutes import readers as minutes_readers
from app.overleg import queries as overleg_queries
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingStatus
from app.retention import queries as retention_queries
from app.security import permissions
from app.security.crypto import CaseCrypto
from app.users.models import User
from app.web import (
    FormErrors,
    domain_errors,
    enum_options,
    redirect,
    render,
)


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
    organisations = overleg_queries.member_organisations(session, series_id=access.series.id)
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
        "person_slot_limit": PERSON_SLOTS,
    }


def _meeting_label(meeting: Meeting) -> str:
    deadline = short_date(meeting.agenda_deadline)
    return f"{local_datetime(meeting.starts_at)} (inbrengen tot en met {deadline})"


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
    owner_contacts = contact_queries.owner_contacts_by_case(session, cases=[case], day=today())
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
            "owner_contacts": owner_contacts[case.id],
            "ended": case.status in ENDED,
            "may_change_identification": permissions.can_change_identification(
                access.user,
                access.membership,
                submitting_organisation_id=case.submitting_organisation_id,
            ),
            "may_change_submission": permissions.can_change_submission(
                access.user,
                access.membership,
                submitting_organisation_id=case.submitting_organisation_id,
            ),
            "agenda_open": view.meeting.status == MeetingStatus.PLANNED,
            "purge_on": retention_queries.due_on(case, access.series.case_retention_months),
            "may_keep_longer": permissions.can_change_retention(access.user),
            **form_choices,
        },
        status_code=422 if errors else 200,
    )


def case_path(access: SeriesAccess, case: Case) -> str:
    """The casus page's path."""
    return f"/overleggen/{access.series.id}/casussen/{case.id}"


def render_form(
    request: Request,
    session: Session,
    access: SeriesAccess,
    values: dict[str, Any],
    errors: FormErrors,
    *,
    slots: range,
    case: Case | None = None,
    damaged_slots: frozenset[int] = frozenset(),
) -> Response:
    """The casus form: to submit a casus, or (given the casus) to correct it."""
    meeting = session.get(Meeting, case.meeting_id) if case else None
    action = f"{case_path(access, case)}/corrigeren" if case else None
    return render(
        request,
        "cases/form.html",
        {
            "series": access.series,
            "case": case,
            "meeting_label": _meeting_label(meeting) if meeting else None,
            "form_action": action or f"/overleggen/{access.series.id}/casussen/nieuw",
            "values": values,
            "errors": errors,
            "person_slots": slots,
            "damaged_slots": damaged_slots,
            "damaged_text": disclosure.DAMAGED_TEXT,
            **choices(session, access),
        },
        status_code=422 if errors else 200,
    )


# Each change of a casus that asks for confirmation first: its path below the casus page, and
# the page that says what will happen.
CHANGES = {
    "corrigeren": "cases/correction_check.html",
    "intrekken": "cases/withdraw.html",
    "anonimiseren": "cases/anonymise.html",
    "identificeren": "cases/identify.html",
}


def render_change(
    request: Request,
    session: Session,
    access: SeriesAccess,
    case: Case,
    change: str,
    values: dict[str, Any],
    errors: FormErrors,
    *,
    slots: range = range(1, 2),
    extra: dict[str, Any] | None = None,
) -> Response:
    """The confirmation page of a change of the casus (one of CHANGES), with what was typed and
    its errors (and what else its page shows, `extra`): nothing has changed yet."""
    return render(
        request,
        CHANGES[change],
        {
            "series": access.series,
            "case": case,
            "meeting": session.get(Meeting, case.meeting_id),
            "case_path": case_path(access, case),
            "form_action": f"{case_path(access, case)}/{change}",
            "values": values,
            "carried": {name: value for name, value in values.items() if name not in STEPS},
            "errors": errors,
            "person_slots": slots,
            **choices(session, access),
            **(extra or {}),
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
    action: Callable[[], object],
    message: str,
) -> Response:
    """Run a decision on the casus; its errors come back beside the fields on the casus page."""
    return done_or_refused(
        request,
        access,
        case,
        action,
        message,
        lambda errors: render_case(
            request, session, access, case, actor, values=form, errors=errors
        ),
    )


def done_or_refused(
    request: Request,
    access: SeriesAccess,
    case: Case,
    action: Callable[[], object],
    message: str,
    refused: Callable[[FormErrors], Response],
) -> Response:
    """Run a change of the casus: confirmed with `message` on the casus page, or refused with
    its errors on the page `refused` renders."""
    try:
        action()
    except DomainError as exc:
        return refused(domain_errors(exc))
    flash(request, message)
    return redirect(request, case_path(access, case))
