"""The live meeting page of the chair: start, every agenda item (texts, outcome, owner,
contributions, tasks, terugkoppeling) and finish; who is at the table is in presence_routes.py."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app import bounds
from app.cases import service as case_service
from app.cases.models import CaseOwnerChange, EscalationBody, LegalBasis
from app.db import RowId, SessionDep, today, utcnow
from app.errors import DomainError, MeetingClosed, NotFound
from app.meetings import queries, service
from app.meetings.models import TEXT_FIELDS, Informing, NextStep
from app.meetings.page import (
    CASE,
    ITEM,
    NAV_STATE,
    act,
    back,
    item_or_404,
    refused,
    render_live,
    render_parts,
)
from app.overleg.deps import ChairDep, MeetingDep
from app.overleg.invitations import MailContext
from app.overleg.models import CLOSED, Meeting
from app.security.deps import CurrentActor
from app.tasks import service as task_service
from app.tasks.models import NotDoneReason, Task, TaskCreate
from app.web import (
    TEXT,
    TICKED,
    FormValues,
    choice,
    choice_of,
    form_body,
    navigate,
    parse_form,
    planning_date,
    render,
    version_of,
    wants_parts,
)

# The live page holds a form per agenda item: the outcome fields carry the item id in their names.
OUTCOME_FIELDS = {
    "next_step": choice_of(NextStep),
    "next_step_date": {"type": "string", "format": "date"},
    "escalation_body": choice_of(EscalationBody),
    "informing": choice_of(Informing),
}
CONTRIBUTION_FIELDS = {"text": TEXT, "legal_basis": choice_of(LegalBasis), "version": TEXT}

router = APIRouter(prefix="/overleggen/{series_id}/bijeenkomsten/{meeting_id}/live")


@router.get("")
def live_page(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    punt: str | None = None,
) -> Response:
    """The live page with one item in view (`punt`: an agenda item's id, not personal data)."""
    return render_live(request, session, access, meeting, actor, item_id=bounds.id_from(punt))


@router.get("/punten/{item_id}")
def item_panel(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    actor: CurrentActor,
) -> Response:
    """One item of the meeting, to bring into view without reloading the page."""
    item = item_or_404(session, meeting, item_id)
    if not wants_parts(request):
        return back(request, access, meeting, item.id, "")
    return render_parts(request, session, access, meeting, actor, [ITEM], item_id=item.id)


@router.get("/punten/{item_id}/casus")
def case_block(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    actor: CurrentActor,
) -> Response:
    """The casus of an item as the room now allows it (after a change in who is present)."""
    item = item_or_404(session, meeting, item_id)
    if not wants_parts(request):
        return back(request, access, meeting, item.id, "")
    return render_parts(request, session, access, meeting, actor, [CASE], item_id=item.id)


@router.post(
    "/starten",
    openapi_extra=form_body(fields={"confidentiality_read": TICKED, "confirm_other_day": TICKED}),
)
def start(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    return act(
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
            confirm_other_day=form.get("confirm_other_day") == "true",
            today=today(),
            by=actor,
        ),
        parts=(),
    )


@router.post(
    "/punten/{item_id}/tekst/{field}",
    openapi_extra=form_body(fields={"value": TEXT, "version": TEXT}),
)
def save_text(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    field: str,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """Autosave of one text field: 200 with the new version, or 409 with the other text."""
    item = item_or_404(session, meeting, item_id)
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


@router.post(
    "/punten/{item_id}/uitkomst",
    openapi_extra=form_body(fields={"version": TEXT}, item_fields=OUTCOME_FIELDS),
)
def save_outcome(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = item_or_404(session, meeting, item_id)
    # The fields carry the item id in their names, so one page holds every item's form.
    fields = {key.removesuffix(f"-{item.id}"): value for key, value in form.items()}

    def save() -> None:
        step = choice(NextStep, fields.get("next_step"), f"next_step-{item.id}")
        informing = choice(Informing, fields.get("informing"), f"informing-{item.id}")
        body = choice(EscalationBody, fields.get("escalation_body"), f"escalation_body-{item.id}")
        day = planning_date(fields.get("next_step_date"), f"next_step_date-{item.id}")
        try:
            service.save_outcome(
                session,
                meeting=meeting,
                item=item,
                version=version_of(form),
                next_step=step,
                next_step_date=day,
                informing=informing,
                by=actor,
                escalation_body=body,
            )

        except service.VersionConflict as exc:
            raise DomainError(
                "Iemand anders heeft dit punt intussen gewijzigd; kijk het na en sla opnieuw op.",
                field=f"next_step-{item.id}",
            ) from exc
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        save,
        parts=[("outcome", {}), NAV_STATE],
        item_id=item.id,
        anchor=f"uitkomst-{item.id}",
    )


@router.post("/punten/{item_id}/eigenaar", openapi_extra=form_body(per_item=(CaseOwnerChange,)))
def set_owner(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = item_or_404(session, meeting, item_id)
    if item.case_id is None:
        raise NotFound
    case = case_service.case_by_id(session, case_id=item.case_id)
    values = {key.removesuffix(f"-{item.id}"): value for key, value in form.items()}

    def owner() -> None:
        if meeting.status in CLOSED:
            raise MeetingClosed(
                "Deze bijeenkomst is afgesloten; de casus-eigenaar wijzigt u op de casuspagina."
            )
        data, errors = parse_form(CaseOwnerChange, values)
        if data is None:
            field, message = next(iter(errors.items()))
            if field == "owner_organisation_id" and message == "Vul dit veld in.":
                message = "Kies de organisatie die casus-eigenaar wordt."
            raise DomainError(message, field=f"{field}-{item.id}")
        try:
            case_service.set_owner(
                session,
                case=case,
                organisation_id=data.owner_organisation_id,
                user_id=data.owner_user_id,
                by=actor,
                seen=str(values["owner_was"]) if "owner_was" in values else None,
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        owner,
        parts=[("owner", {}), NAV_STATE],
        item_id=item.id,
        anchor=f"eigenaar-{item.id}",
    )


@router.post(
    "/punten/{item_id}/bijdrage/{organisation_id}",
    openapi_extra=form_body(fields=CONTRIBUTION_FIELDS),
)
def save_contribution(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    organisation_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = item_or_404(session, meeting, item_id)

    def contribute() -> None:
        try:
            service.save_contribution(
                session,
                meeting=meeting,
                item=item,
                organisation_id=organisation_id,
                text=str(form.get("text", ""))[:20_000],
                by=actor,
                legal_basis=choice(
                    LegalBasis,
                    form.get("legal_basis"),
                    f"contribution-{item.id}-{organisation_id}",
                ),
                version=version_of(form),
            )
        except service.VersionConflict as exc:
            raise DomainError(
                "Iemand anders heeft deze bijdrage intussen gewijzigd.",
                field=f"contribution-{item.id}-{organisation_id}",
            ) from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        contribute,
        parts=[("contribution", {"organisation_id": organisation_id})],
        item_id=item.id,
        anchor=f"bijdrage-{item.id}-{organisation_id}",
    )


@router.post("/punten/{item_id}/taken", openapi_extra=form_body(per_item=(TaskCreate,)))
def add_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    item_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    item = item_or_404(session, meeting, item_id)
    added: list[Task] = []

    def task() -> None:
        data = _task_data(form, item.id)
        try:
            added.append(
                task_service.add_task(session, meeting=meeting, item=item, data=data, by=actor)
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        task,
        parts=[("task_form", {}), ("task_added", {"added": added})],
        item_id=item.id,
        anchor=f"acties-{item.id}",
    )


@router.post(
    "/acties/{task_id}",
    openapi_extra=form_body(fields={"version": TEXT}, per_item=(TaskCreate,)),
)
def change_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    task_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """Correct a task agreed in this meeting; its fields carry the task's id in their names."""
    task = _agreed_task_or_404(session, meeting, task_id)

    def change() -> None:
        data = _task_data(form, task.id, prefix="task")
        try:
            task_service.change_task(
                session, meeting=meeting, task=task, data=data, version=version_of(form), by=actor
            )
        except DomainError as exc:
            raise DomainError(
                exc.message, field=f"task-{exc.field or 'description'}-{task.id}"
            ) from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        change,
        parts=[("task", {"task": task})],
        item_id=task.agenda_item_id,
        anchor=f"actie-{task.id}",
    )


@router.post("/acties/{task_id}/verwijderen", openapi_extra=form_body(fields={"version": TEXT}))
def remove_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    task_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    """Take back a task agreed in this meeting."""
    task = _agreed_task_or_404(session, meeting, task_id)
    removed: dict[str, Any] = {}

    def remove() -> None:
        gone = {"task_id": task.id, "description": task.description}
        try:
            task_service.remove_task(
                session, meeting=meeting, task=task, version=version_of(form), by=actor
            )
            removed.update(gone)
        except DomainError as exc:
            raise DomainError(exc.message, field=f"task-description-{task.id}") from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        remove,
        parts=[("task", {"task": task, "removed": removed})],
        item_id=task.agenda_item_id,
        anchor=f"acties-{task.agenda_item_id}",
    )


def _agreed_task_or_404(session: Session, meeting: Meeting, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.meeting_id != meeting.id:
        raise NotFound
    return task


def _task_data(form: dict[str, Any], row_id: int | None, prefix: str = "") -> TaskCreate:
    """The task typed in a form whose field names end in the item's or task's id."""
    head, tail = (f"{prefix}-" if prefix else ""), f"-{row_id}"
    values = {
        key.removeprefix(head).removesuffix(tail): value
        for key, value in form.items()
        if key.startswith(head) and key.endswith(tail)
    }
    data, errors = parse_form(TaskCreate, values)
    if data is None:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=f"{head}{field}{tail}")
    return data


@router.post(
    "/taken/{task_id}/terugkoppeling",
    openapi_extra=form_body(
        fields={"done": TICKED}, item_fields={"not_done_reason": choice_of(NotDoneReason)}
    ),
)
def review_task(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    task_id: RowId,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    task = session.get(Task, task_id)
    if task is None or task.series_id != access.series.id:
        raise NotFound

    def review() -> None:
        field = f"not_done_reason-{task.id}"
        reason = choice(NotDoneReason, form.get(field), field)
        try:
            task_service.review(
                session,
                meeting=meeting,
                task=task,
                by=actor,
                done=form.get("done") == "true",
                reason=reason,
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"not_done_reason-{task.id}") from exc

    return act(
        request,
        session,
        access,
        meeting,
        actor,
        form,
        review,
        parts=[("review_task", {"task": task})],
        item_id=task.agenda_item_id,
        anchor=f"taak-{task.id}",
    )


@router.post("/afronden", openapi_extra=form_body())
def finish(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    missing = service.missing_for_finish(session, meeting=meeting)
    if missing:
        errors = {"finish": "De bijeenkomst kan nog niet worden afgerond."}
        if wants_parts(request):
            parts = [("finish", {"missing": missing})]
            return render_parts(
                request, session, access, meeting, actor, parts, errors=errors, status_code=422
            )
        return render_live(request, session, access, meeting, actor, missing=missing, errors=errors)
    live = queries.load(session, access=access, meeting=meeting)
    try:
        service.finish(
            session,
            series=access.series,
            meeting=meeting,
            by=actor,
            anonymous_item_ids=live.anonymous_item_ids,
            mail=MailContext.of(request.app.state.settings),
        )
    except DomainError as exc:
        session.rollback()
        return refused(request, session, access, meeting, actor, {}, exc, parts=[("finish", {})])
    return navigate(request, f"/overleggen/{access.series.id}/bijeenkomsten/{meeting.id}/live")
