"""The live meeting page of the chair: start, every agenda item (texts, outcome, owner,
contributions, tasks, terugkoppeling) and finish; who is at the table is in presence_routes.py."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from app import bounds
from app.cases import service as case_service
from app.cases.models import CaseOwnerChange, EscalationBody, LegalBasis
from app.db import RowId, today, utcnow
from app.errors import DomainError, MeetingClosed, NotFound, TextTooLong
from app.flash import flash
from app.meetings import queries, service
from app.meetings.models import TEXT_FIELDS, Informing, NextStep
from app.meetings.page import CASE, ITEM, NAV_STATE, Live, LiveDep, fields_named
from app.overleg.invitations import MailContext
from app.overleg.models import CLOSED
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
def live_page(live: LiveDep, punt: str | None = None) -> Response:
    """The live page with one item in view (`punt`: an agenda item's id, not personal data)."""
    return live.page(item_id=bounds.id_from(punt))


@router.get("/punten/{item_id}")
def item_panel(live: LiveDep, item_id: RowId) -> Response:
    """One item of the meeting, to bring into view without reloading the page."""
    return live.part_of_item(item_id, ITEM)


@router.get("/punten/{item_id}/casus")
def case_block(live: LiveDep, item_id: RowId) -> Response:
    """The casus of an item as the room now allows it (after a change in who is present)."""
    return live.part_of_item(item_id, CASE)


@router.post(
    "/starten",
    openapi_extra=form_body(fields={"confidentiality_read": TICKED, "confirm_other_day": TICKED}),
)
def start(live: LiveDep, form: FormValues) -> Response:
    return live.act(
        form,
        lambda: service.start(
            live.session,
            meeting=live.meeting,
            confidentiality_read=form.get("confidentiality_read") == "true",
            confirm_other_day=form.get("confirm_other_day") == "true",
            today=today(),
            by=live.actor,
        ),
        parts=(),
    )


@router.post(
    "/punten/{item_id}/tekst/{field}",
    openapi_extra=form_body(fields={"value": TEXT, "version": TEXT}),
)
def save_text(live: LiveDep, item_id: RowId, field: str, form: FormValues) -> Response:
    """Autosave of one text field: 200 with the new version, or 409 with the other text."""
    item = live.item(item_id)
    if field not in TEXT_FIELDS:
        raise NotFound
    based_on = str(form.get("version", ""))
    value = str(form.get("value", ""))
    context = {"item": item, "field": field, "saved_at": utcnow()}
    try:
        service.save_text(
            live.session,
            meeting=live.meeting,
            item=item,
            field=field,
            value=value,
            based_on=based_on,
            by=live.actor,
        )
    except service.VersionConflict as conflict:
        return render(
            live.request,
            "meetings/_save_state.html",
            context | {"conflict": conflict, "version": conflict.current_version},
            status_code=409,
        )
    except DomainError as exc:
        return render(
            live.request,
            "meetings/_save_state.html",
            context | {"refused": exc.message, "version": based_on},
            status_code=422,
        )
    return render(
        live.request,
        "meetings/_save_state.html",
        context | {"version": service.fingerprint(value)},
    )


@router.post(
    "/punten/{item_id}/uitkomst",
    openapi_extra=form_body(fields={"version": TEXT}, item_fields=OUTCOME_FIELDS),
)
def save_outcome(live: LiveDep, item_id: RowId, form: FormValues) -> Response:
    item = live.item(item_id)
    fields = {key.removesuffix(f"-{item.id}"): value for key, value in form.items()}

    def save() -> None:
        with fields_named(item.id, default="next_step"):
            step = choice(NextStep, fields.get("next_step"), "next_step")
            informing = choice(Informing, fields.get("informing"), "informing")
            body = choice(EscalationBody, fields.get("escalation_body"), "escalation_body")
            day = planning_date(fields.get("next_step_date"), "next_step_date")
            try:
                service.save_outcome(
                    live.session,
                    meeting=live.meeting,
                    item=item,
                    version=version_of(form),
                    next_step=step,
                    next_step_date=day,
                    informing=informing,
                    by=live.actor,
                    escalation_body=body,
                )
            except service.VersionConflict as exc:
                raise DomainError(
                    "Iemand anders heeft dit punt intussen gewijzigd; kijk het na en sla opnieuw "
                    "op.",
                    field="next_step",
                ) from exc

    return live.act(
        form,
        save,
        parts=[("outcome", {}), NAV_STATE],
        item_id=item.id,
        anchor=f"uitkomst-{item.id}",
    )


@router.post("/punten/{item_id}/eigenaar", openapi_extra=form_body(per_item=(CaseOwnerChange,)))
def set_owner(live: LiveDep, item_id: RowId, form: FormValues) -> Response:
    item = live.item(item_id)
    if item.case_id is None:
        raise NotFound
    case = case_service.case_by_id(live.session, case_id=item.case_id)
    values = {key.removesuffix(f"-{item.id}"): value for key, value in form.items()}

    def owner() -> None:
        if live.meeting.status in CLOSED:
            raise MeetingClosed(
                "Deze bijeenkomst is afgesloten; de casus-eigenaar wijzigt u op de casuspagina."
            )
        with fields_named(item.id, default="owner_organisation_id"):
            data, errors = parse_form(CaseOwnerChange, values)
            if data is None:
                field, message = next(iter(errors.items()))
                if field == "owner_organisation_id" and message == "Vul dit veld in.":
                    message = "Kies de organisatie die casus-eigenaar wordt."
                raise DomainError(message, field=field)
            case_service.set_owner(
                live.session,
                case=case,
                organisation_id=data.owner_organisation_id,
                user_id=data.owner_user_id,
                by=live.actor,
                seen=str(values["owner_was"]) if "owner_was" in values else None,
            )

    return live.act(
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
    live: LiveDep, item_id: RowId, organisation_id: RowId, form: FormValues
) -> Response:
    item = live.item(item_id)
    field = f"contribution-{item.id}-{organisation_id}"

    def contribute() -> None:
        try:
            service.save_contribution(
                live.session,
                meeting=live.meeting,
                item=item,
                organisation_id=organisation_id,
                text=str(form.get("text", "")),
                by=live.actor,
                legal_basis=choice(LegalBasis, form.get("legal_basis"), field),
                version=version_of(form),
            )
        except service.VersionConflict as exc:
            raise DomainError(
                "Iemand anders heeft deze bijdrage intussen gewijzigd.", field=field
            ) from exc
        except TextTooLong as exc:
            raise TextTooLong(exc.message, field=field) from exc

    return live.act(
        form,
        contribute,
        parts=[("contribution", {"organisation_id": organisation_id})],
        item_id=item.id,
        anchor=f"bijdrage-{item.id}-{organisation_id}",
    )


@router.post("/punten/{item_id}/taken", openapi_extra=form_body(per_item=(TaskCreate,)))
def add_task(live: LiveDep, item_id: RowId, form: FormValues) -> Response:
    item = live.item(item_id)
    added: list[Task] = []

    def task() -> None:
        with fields_named(item.id, default="description"):
            data = _task_data(form, item.id)
            added.append(
                task_service.add_task(
                    live.session, meeting=live.meeting, item=item, data=data, by=live.actor
                )
            )

    return live.act(
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
def change_task(live: LiveDep, task_id: RowId, form: FormValues) -> Response:
    """Correct a task agreed in this meeting; its fields carry the task's id in their names."""
    task = _agreed_task_or_404(live, task_id)

    def change() -> None:
        with fields_named(task.id, prefix="task-", default="description"):
            task_service.change_task(
                live.session,
                meeting=live.meeting,
                task=task,
                data=_task_data(form, task.id, prefix="task"),
                version=version_of(form),
                by=live.actor,
            )

    return live.act(
        form,
        change,
        parts=[("task", {"task": task})],
        item_id=task.agenda_item_id,
        anchor=f"actie-{task.id}",
    )


@router.post("/acties/{task_id}/verwijderen", openapi_extra=form_body(fields={"version": TEXT}))
def remove_task(live: LiveDep, task_id: RowId, form: FormValues) -> Response:
    """Take back a task agreed in this meeting."""
    task = _agreed_task_or_404(live, task_id)
    removed: dict[str, Any] = {}

    def remove() -> None:
        gone = {"task_id": task.id, "description": task.description}
        with fields_named(task.id, prefix="task-", default="description"):
            task_service.remove_task(
                live.session,
                meeting=live.meeting,
                task=task,
                version=version_of(form),
                by=live.actor,
            )
        removed.update(gone)

    return live.act(
        form,
        remove,
        parts=[("task", {"task": task, "removed": removed})],
        item_id=task.agenda_item_id,
        anchor=f"acties-{task.agenda_item_id}",
    )


def _agreed_task_or_404(live: Live, task_id: int) -> Task:
    task = live.session.get(Task, task_id)
    if task is None or task.meeting_id != live.meeting.id:
        raise NotFound
    return task


def _task_data(form: dict[str, Any], row_id: int | None, prefix: str = "") -> TaskCreate:
    """The task typed in a form whose field names end in the item's or task's id (a refusal
    names the field without them: `fields_named` puts them back)."""
    head, tail = (f"{prefix}-" if prefix else ""), f"-{row_id}"
    values = {
        key.removeprefix(head).removesuffix(tail): value
        for key, value in form.items()
        if key.startswith(head) and key.endswith(tail)
    }
    data, errors = parse_form(TaskCreate, values)
    if data is None:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    return data


@router.post(
    "/taken/{task_id}/terugkoppeling",
    openapi_extra=form_body(
        fields={"done": TICKED}, item_fields={"not_done_reason": choice_of(NotDoneReason)}
    ),
)
def review_task(live: LiveDep, task_id: RowId, form: FormValues) -> Response:
    task = live.session.get(Task, task_id)
    if task is None or task.series_id != live.access.series.id:
        raise NotFound

    def review() -> None:
        with fields_named(task.id, default="not_done_reason"):
            reason = choice(NotDoneReason, form.get(f"not_done_reason-{task.id}"), "")
            task_service.review(
                live.session,
                meeting=live.meeting,
                task=task,
                by=live.actor,
                done=form.get("done") == "true",
                reason=reason,
            )

    return live.act(
        form,
        review,
        parts=[("review_task", {"task": task})],
        item_id=task.agenda_item_id,
        anchor=f"taak-{task.id}",
    )


@router.post("/afronden", openapi_extra=form_body())
def finish(live: LiveDep) -> Response:
    missing = service.missing_for_finish(live.session, meeting=live.meeting)
    parts = [("finish", {"missing": missing})]
    if missing:
        refusal = DomainError("De bijeenkomst kan nog niet worden afgerond.", field="finish")
        return live.refused({}, refusal, parts=parts, missing=missing)
    room = queries.load(live.session, access=live.access, meeting=live.meeting)
    try:
        service.finish(
            live.session,
            series=live.access.series,
            meeting=live.meeting,
            by=live.actor,
            anonymous_item_ids=room.anonymous_item_ids,
            mail=MailContext.of(live.request.app.state.settings),
        )
    except DomainError as exc:
        live.session.rollback()
        return live.refused({}, exc, parts=parts)
    flash(live.request, "Bijeenkomst afgerond. Het conceptverslag staat klaar.")
    return navigate(live.request, live.path)
