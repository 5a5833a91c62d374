"""Casus pages: submit, list and search, the casus itself, and the chair's decisions on it."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.cases import queries, service
from app.cases.models import (
    AgeBand,
    AnonymisedFields,
    Case,
    CaseCategory,
    CaseClosing,
    CaseEscalation,
    CaseOwnerChange,
    CaseStatus,
    CaseSubmission,
    Consent,
    EscalationBody,
    IdentificationChange,
    IdentifiedFields,
    LegalBasis,
    PersonData,
    Urgency,
)
from app.db import SessionDep, today, utcnow
from app.errors import DomainError, Forbidden, NotFound
from app.minutes import service as minutes_service
from app.organisations.models import Organisation
from app.overleg.access import SeriesAccess
from app.overleg.deps import SeriesDep
from app.overleg.models import Meeting, MeetingStatus, SeriesOrganisation
from app.security import permissions
from app.security.deps import CurrentActor
from app.users.models import User
from app.web import (
    FormErrors,
    FormValues,
    domain_errors,
    format_local,
    parse_form,
    redirect,
    render,
)

router = APIRouter(prefix="/overleggen/{series_id}/casussen")
PERSON_SLOTS = 3
PERSON_FIELDS = ("name", "birth_date", "bsn", "address")


def _crypto(request: Request) -> Any:
    return request.app.state.crypto


def _options(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def _choices(session: Session, access: SeriesAccess) -> dict[str, Any]:
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
        "meeting_options": [
            (
                m.id,
                f"{format_local(m.starts_at)} (inbrengen tot en met {m.agenda_deadline:%d-%m-%Y})",
            )
            for m in meetings
        ],
        "organisation_options": [(o.id, o.name) for o in organisations],
        "categories": _options(CaseCategory),
        "urgencies": _options(Urgency),
        "consents": _options(Consent),
        "bases": _options(LegalBasis),
        "age_bands": _options(AgeBand),
        "bodies": _options(EscalationBody),
        "statuses": _options(CaseStatus),
        "person_slots": range(1, PERSON_SLOTS + 1),
    }


def _people(form: dict[str, Any]) -> tuple[list[PersonData], FormErrors]:
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


def _submission_form(
    request: Request,
    session: Session,
    access: SeriesAccess,
    values: dict[str, Any],
    errors: FormErrors,
) -> Response:
    return render(
        request,
        "cases/form.html",
        {
            "series": access.series,
            "values": values,
            "errors": errors,
            **_choices(session, access),
        },
        status_code=422 if errors else 200,
    )


def member_access(access: SeriesDep) -> SeriesAccess:
    """Only members of the overleg may know its casussen exist (404 for anyone else)."""
    if not permissions.can_see_case(access.user, access.membership):
        raise NotFound
    return access


CaseMemberDep = Annotated[SeriesAccess, Depends(member_access)]


@router.get("")
def case_list(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    status: str = "",
    categorie: str = "",
    eigenaar: str = "",
    inbrenger: str = "",
    zoek: str = Query("", max_length=100),
    acties: str = "",
) -> Response:
    # The filter form sends every field, empty ones included: empty means 'all'.
    filters = queries.CaseFilters(
        status=status or None,
        category=categorie or None,
        owner_organisation_id=int(eigenaar) if eigenaar.isdigit() else None,
        submitting_organisation_id=int(inbrenger) if inbrenger.isdigit() else None,
        search=zoek.strip() or None,
        tasks=acties or None,
    )
    return render(
        request,
        "cases/list.html",
        {
            "series": access.series,
            "rows": queries.list_cases(session, series_id=access.series.id, filters=filters),
            "filters": filters,
            **_choices(session, access),
        },
    )


@router.get("/herbeoordelen")
def review_list(request: Request, session: SessionDep, access: CaseMemberDep) -> Response:
    return render(
        request,
        "cases/review.html",
        {
            "series": access.series,
            "cases": queries.due_for_review(session, series_id=access.series.id, day=today()),
        },
    )


@router.get("/nieuw")
def new_case(
    request: Request, session: SessionDep, access: CaseMemberDep, bijeenkomst: int | None = None
) -> Response:
    values = {
        "identified": "geanonimiseerd",
        "urgency": Urgency.REGULAR.value,
        "meeting_id": bijeenkomst,
    }
    return _submission_form(request, session, access, values, {})


@router.post("/nieuw")
def submit_case(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = {"children_involved": False} | form
    data, errors = parse_form(CaseSubmission, form)
    identified = form.get("identified") == "geïdentificeerd"
    people, person_errors = _people(form) if identified else ([], {})
    details_model = IdentifiedFields if identified else AnonymisedFields
    details, detail_errors = parse_form(details_model, form)
    errors = {**errors, **person_errors, **detail_errors}
    if data is not None and not errors:
        try:
            case = service.submit_case(
                session,
                series=access.series,
                data=data,
                people=people,
                details=details,
                crypto=_crypto(request),
                by=actor,
                today=today(),
            )
        except DomainError as exc:
            errors = domain_errors(exc)
        else:
            return redirect(request, f"/overleggen/{access.series.id}/casussen/{case.id}")
    return _submission_form(request, session, access, form, errors)


def case_or_404(case_id: int, session: SessionDep, access: CaseMemberDep) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.series_id != access.series.id:
        raise NotFound
    return case


CaseDep = Annotated[Case, Depends(case_or_404)]


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
    view = queries.open_case(
        session,
        access=access,
        case=case,
        crypto=_crypto(request),
        actor=actor,
        day=today(),
        context="casuspagina",
    )
    choices = _choices(session, access)
    organisation_ids = [organisation_id for organisation_id, _ in choices["organisation_options"]]
    members = session.exec(
        select(User)
        .where(col(User.organisation_id).in_(organisation_ids), col(User.active))
        .order_by(col(User.name))
    ).all()
    defaults = {"escalated_on": today().isoformat(), "closed_on": today().isoformat()}
    return render(
        request,
        "cases/detail.html",
        {
            "series": access.series,
            "access": access,
            "view": view,
            "case": case,
            "values": values or defaults,
            "errors": errors or {},
            "person_options": [(u.id, f"{u.name} ({u.organisation.name})") for u in members],
            "excerpts": minutes_service.excerpts_of_case(session, access=access, case=case),
            "may_change_identification": permissions.can_change_identification(
                access.user,
                access.membership,
                submitting_organisation_id=case.submitting_organisation_id,
            ),
            **choices,
        },
        status_code=422 if errors else 200,
    )


@router.get("/{case_id}")
def case_page(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    return render_case(request, session, access, case, actor)


def _chair(access: SeriesAccess) -> None:
    if not access.can_run:
        raise Forbidden


def _decide(
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


@router.post("/{case_id}/accepteren")
def accept_late(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    _chair(access)
    return _decide(
        request,
        session,
        access,
        case,
        actor,
        {},
        lambda: service.accept_late(session, case=case, by=actor),
    )


@router.post("/{case_id}/doorschuiven")
def move_to_next(
    request: Request, session: SessionDep, access: CaseMemberDep, case: CaseDep, actor: CurrentActor
) -> Response:
    _chair(access)
    return _decide(
        request,
        session,
        access,
        case,
        actor,
        {},
        lambda: service.move_to_next_meeting(session, case=case, by=actor),
    )


def _form_decision(
    request: Request,
    session: Session,
    access: SeriesAccess,
    case: Case,
    actor: Any,
    form: dict[str, Any],
    model: type[BaseModel],
    use: Any,
) -> Response:
    _chair(access)
    data, errors = parse_form(model, form)
    if data is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return _decide(request, session, access, case, actor, form, lambda: use(data))


@router.post("/{case_id}/eigenaar")
def set_owner(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseOwnerChange,
        lambda d: service.set_owner(
            session,
            case=case,
            by=actor,
            organisation_id=d.owner_organisation_id,
            user_id=d.owner_user_id,
        ),
    )


@router.post("/{case_id}/opschalen")
def escalate(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseEscalation,
        lambda d: service.escalate(
            session,
            case=case,
            body=d.escalated_to,
            on=d.escalated_on,
            reason=d.escalation_reason,
            by=actor,
        ),
    )


@router.post("/{case_id}/afsluiten")
def close(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _form_decision(
        request,
        session,
        access,
        case,
        actor,
        form,
        CaseClosing,
        lambda d: service.close(
            session, case=case, on=d.closed_on, reason=d.closed_reason, by=actor
        ),
    )


@router.post("/{case_id}/identificeren")
def identify(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _may_change_identification(access, case)
    people, errors = _people(form)
    details, detail_errors = parse_form(IdentifiedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = {**errors, **detail_errors, **reason_errors}
    if errors or details is None or reason is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return _decide(
        request,
        session,
        access,
        case,
        actor,
        form,
        lambda: service.identify(
            session,
            case=case,
            people=people,
            details=details,
            reason=reason.change_reason,
            crypto=_crypto(request),
            by=actor,
        ),
    )


@router.post("/{case_id}/anonimiseren")
def anonymise(
    request: Request,
    session: SessionDep,
    access: CaseMemberDep,
    case: CaseDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _may_change_identification(access, case)
    details, errors = parse_form(AnonymisedFields, form)
    reason, reason_errors = parse_form(IdentificationChange, form)
    errors = {**errors, **reason_errors}
    if errors or details is None or reason is None:
        return render_case(request, session, access, case, actor, values=form, errors=errors)
    return _decide(
        request,
        session,
        access,
        case,
        actor,
        form,
        lambda: service.anonymise(
            session, case=case, details=details, reason=reason.change_reason, by=actor
        ),
    )


def _may_change_identification(access: SeriesAccess, case: Case) -> None:
    if not permissions.can_change_identification(
        access.user, access.membership, submitting_organisation_id=case.submitting_organisation_id
    ):
        raise Forbidden
