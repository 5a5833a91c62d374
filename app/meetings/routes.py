"""The live meeting page of the chair: attendance, coverage, every agenda item, start and finish."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.agenda.models import AgendaItem
from app.attendance import service as attendance_service
from app.cases import service as case_service
from app.cases.models import EscalationBody, LegalBasis
from app.db import SessionDep, utcnow
from app.errors import DomainError, NotFound
from app.meetings import queries, service
from app.meetings.models import TEXT_FIELDS, Informing, MeetingAttendance, NextStep, Presence
from app.overleg.access import SeriesAccess
from app.overleg.deps import ChairDep, MeetingDep
from app.overleg.invitations import MailContext
from app.overleg.models import Meeting
from app.security.deps import CurrentActor
from app.tasks import service as task_service
from app.tasks.models import NotDoneReason, Task, TaskCreate
from app.web import FormErrors, FormValues, domain_errors, parse_form, redirect, render

router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}/live")


def _options(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]


def render_live(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Any,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    missing: list[Any] | None = None,
) -> Response:
    """The live page; every form on it comes back here with its errors and typed values."""
    live = queries.load(
        session, access=access, meeting=meeting, crypto=request.app.state.crypto, actor=actor
    )
    return render(
        request,
        "meetings/live.html",
        {
            "series": access.series,
            "access": access,
            "meeting": meeting,
            "live": live,
            "values": values or {},
            "errors": errors or {},
            "missing": missing or [],
            "presences": _options(Presence),
            "next_steps": _options(NextStep),
            "informings": _options(Informing),
            "bodies": _options(EscalationBody),
            "bases": _options(LegalBasis),
            "not_done_reasons": _options(NotDoneReason),
            "text_fields": TEXT_FIELDS,
            "fingerprint": service.fingerprint,
            "organisation_choices": [(o.id, o.name) for o in live.organisations],
            "person_choices": [(u.id, f"{u.name} ({u.organisation.name})") for u in live.people],
            "organisation_names": {o.id: o.name for o in live.organisations},
            "person_names": {u.id: u.name for u in live.people},
        },
        status_code=422 if errors else 200,
    )


def _back(request: Request, access: SeriesAccess, meeting: Meeting, anchor: str = "") -> Response:
    path = f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}/live"
    return redirect(request, path + (f"#{anchor}" if anchor else ""))


def _item(session: Session, meeting: Meeting, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound
    return item


def _attendance(session: Session, meeting: Meeting, attendance_id: int) -> MeetingAttendance:
    row = session.get(MeetingAttendance, attendance_id)
    if row is None or row.meeting_id != meeting.id:
        raise NotFound
    return row


def _act(
    request: Request,
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    actor: Any,
    form: dict[str, Any],
    action: Any,
    anchor: str = "",
) -> Response:
    """Run a use case; a refusal comes back beside its field on the live page."""
    try:
        action()
    except DomainError as exc:
        return render_live(
            request, session, access, meeting, actor, values=form, errors=domain_errors(exc)
        )
    return _back(request, access, meeting, anchor)


@router.get("")
def live_page(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    return render_live(request, session, access, meeting, actor)


@router.post("/starten")
def start(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        lambda: service.start(
            session,
            meeting=meeting,
            confidentiality_read=form.get("confidentiality_read") == "true",
            by=actor,
        ),
    )


@router.post("/aanwezigheid/{user_id}")
def set_presence(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    user_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    try:
        presence = Presence(form.get("presence"))
    except ValueError:
        return render_live(
            request,
            session,
            access,
            meeting,
            actor,
            errors={f"presence-{user_id}": "Kies aanwezig of afwezig."},
        )
    return _act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        lambda: service.set_presence(
            session, meeting=meeting, user_id=user_id, presence=presence, by=actor
        ),
        "aanwezigheid",
    )


def _guest_name(form: dict[str, Any], field: str) -> str:
    name = str(form.get(field, "")).strip()
    if len(name) < 2:
        raise DomainError("Vul de naam van de gast in.", field=field)
    return name[:200]


@router.post("/gasten")
def add_guest(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    organisation = str(form.get("guest_organisation_id", ""))
    return _act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        lambda: service.add_guest(
            session,
            meeting=meeting,
            name=_guest_name(form, "guest_name"),
            organisation_id=int(organisation) if organisation.isdigit() else None,
            by=actor,
        ),
        "aanwezigheid",
    )


@router.post("/punten/{item_id}/ruimte/{attendance_id}")
def left_room(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    attendance_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item, row = _item(session, meeting, item_id), _attendance(session, meeting, attendance_id)
    service.set_left_room(
        session, item=item, attendance=row, left=form.get("left") == "true", by=actor
    )
    return _back(request, access, meeting, f"punt-{item.id}")


@router.post("/punten/{item_id}/tekst/{field}")
def save_text(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    field: str,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """Autosave of one text field: 200 with the new version, or 409 with the other text."""
    item = _item(session, meeting, item_id)
    if field not in TEXT_FIELDS:
        raise NotFound
    based_on = str(form.get("version", ""))
    value = str(form.get("value", ""))[:20_000]
    context = {"item": item, "field": field, "saved_at": utcnow()}
    try:
        service.save_text(
            session,
            meeting=meeting,
            item=item,
            field=field,
            value=value,
            based_on=based_on,
            by=actor,
        )
    except service.VersionConflict as conflict:
        return render(
            request,
            "meetings/_save_state.html",
            context | {"conflict": conflict, "version": conflict.current_version},
            status_code=409,
        )
    except DomainError as exc:
        return render(
            request,
            "meetings/_save_state.html",
            context | {"refused": exc.message, "version": based_on},
            status_code=422,
        )
    return render(
        request, "meetings/_save_state.html", context | {"version": service.fingerprint(value)}
    )


@router.post("/punten/{item_id}/uitkomst")
def save_outcome(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = _item(session, meeting, item_id)
    # The fields carry the item id in their names, so one page holds every item's form.
    fields = {key.removesuffix(f"-{item.id}"): value for key, value in form.items()}

    def save() -> None:
        try:
            step = NextStep(fields["next_step"]) if fields.get("next_step") else None
            informing = Informing(fields["informing"]) if fields.get("informing") else None
            day = (
                date.fromisoformat(fields["next_step_date"])
                if fields.get("next_step_date")
                else None
            )
        except ValueError as exc:
            raise DomainError(
                "Kies een geldige vervolgstap, datum en informering.", field=f"next_step-{item.id}"
            ) from exc
        try:
            service.save_outcome(
                session,
                meeting=meeting,
                item=item,
                version=int(form.get("version", -1)),
                next_step=step,
                next_step_date=day,
                informing=informing,
                by=actor,
                escalation_body=fields.get("escalation_body") or None,
            )
        except service.VersionConflict as exc:
            raise DomainError(
                "Iemand anders heeft dit punt intussen gewijzigd; kijk het na en sla opnieuw op.",
                field=f"next_step-{item.id}",
            ) from exc
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return _act(request, session, access, meeting, actor, form, save, f"punt-{item.id}")


@router.post("/punten/{item_id}/eigenaar")
def set_owner(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = _item(session, meeting, item_id)
    if item.case_id is None:
        raise NotFound
    case = case_service.case_by_id(session, case_id=item.case_id)
    organisation = str(form.get(f"owner_organisation_id-{item.id}", ""))
    person = str(form.get(f"owner_user_id-{item.id}", ""))

    def owner() -> None:
        if not organisation.isdigit():
            raise DomainError(
                "Kies de organisatie die casus-eigenaar wordt.",
                field=f"owner_organisation_id-{item.id}",
            )
        try:
            case_service.set_owner(
                session,
                case=case,
                organisation_id=int(organisation),
                user_id=int(person) if person.isdigit() else None,
                by=actor,
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return _act(request, session, access, meeting, actor, form, owner, f"punt-{item.id}")


@router.post("/punten/{item_id}/bijdrage/{organisation_id}")
def save_contribution(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    organisation_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = _item(session, meeting, item_id)

    def contribute() -> None:
        try:
            service.save_contribution(
                session,
                meeting=meeting,
                item=item,
                organisation_id=organisation_id,
                text=str(form.get("text", ""))[:20_000],
                by=actor,
                legal_basis=form.get("legal_basis") or None,
                version=int(form.get("version", -1)),
            )
        except service.VersionConflict as exc:
            raise DomainError(
                "Iemand anders heeft deze bijdrage intussen gewijzigd.",
                field=f"contribution-{item.id}-{organisation_id}",
            ) from exc

    return _act(request, session, access, meeting, actor, form, contribute, f"punt-{item.id}")


@router.post("/punten/{item_id}/taken")
def add_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = _item(session, meeting, item_id)
    values = {k.removesuffix(f"-{item.id}"): v for k, v in form.items()}
    data, errors = parse_form(TaskCreate, values)
    if data is None:
        return render_live(
            request,
            session,
            access,
            meeting,
            actor,
            values=form,
            errors={f"{k}-{item.id}": message for k, message in errors.items()},
        )

    def task() -> None:
        try:
            task_service.add_task(session, meeting=meeting, item=item, data=data, by=actor)
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return _act(request, session, access, meeting, actor, form, task, f"punt-{item.id}")


@router.post("/taken/{task_id}/terugkoppeling")
def review_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    task_id: int,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    task = session.get(Task, task_id)
    if task is None or task.series_id != access.series.id:
        raise NotFound

    def review() -> None:
        reason = form.get(f"not_done_reason-{task.id}") or None
        try:
            task_service.review(
                session,
                meeting=meeting,
                task=task,
                by=actor,
                done=form.get("done") == "true",
                reason=NotDoneReason(reason) if reason else None,
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"not_done_reason-{task.id}") from exc

    return _act(request, session, access, meeting, actor, form, review, f"taak-{task.id}")


@router.post("/afronden")
def finish(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    missing = service.missing_for_finish(session, meeting=meeting)
    if missing:
        return render_live(
            request,
            session,
            access,
            meeting,
            actor,
            missing=missing,
            errors={"finish": "De bijeenkomst kan nog niet worden afgerond."},
        )
    live = queries.load(
        session,
        access=access,
        meeting=meeting,
        crypto=request.app.state.crypto,
        actor=actor,
        reveal=False,
    )
    return _act(
        request,
        session,
        access,
        meeting,
        actor,
        {},
        lambda: service.finish(
            session,
            series=access.series,
            meeting=meeting,
            by=actor,
            anonymous_item_ids=live.anonymous_item_ids,
            mail=MailContext.of(request.app.state.settings),
        ),
    )


@router.post("/verklaring-gast")
def guest_declaration(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return _act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        lambda: attendance_service.record_paper_declaration(
            session,
            series=access.series,
            meeting=meeting,
            guest_name=_guest_name(form, "declaration_guest_name"),
            guest_organisation=None,
            by=actor,
        ),
        "aanwezigheid",
    )
