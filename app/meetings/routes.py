"""The live meeting page of the chair: start, every agenda item (texts, outcome, owner,
contributions, tasks, terugkoppeling) and finish; who is at the table is in presence_routes.py."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.cases import service as case_service
from app.cases.models import CaseOwnerChange, EscalationBody, LegalBasis
from app.db import RowId, SessionDep, today, utcnow
from app.errors import DomainError, MeetingClosed, NotFound
from app.meetings import queries, service
from app.meetings.models import TEXT_FIELDS, Informing, NextStep
from app.meetings.page import act, item_or_404, render_live
from app.overleg.deps import ChairDep, MeetingDep
from app.overleg.invitations import MailContext
from app.overleg.models import CLOSED
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
def live_page(
    request: Request,
    session: SessionDep,
    access: ChairDep,
    meeting: MeetingDep,
    actor: CurrentActor,
) -> Response:
    return render_live(request, session, access, meeting, actor)


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

    return act(request, session, access, meeting, actor, form, save, f"punt-{item.id}")


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
            )
        except DomainError as exc:
            raise DomainError(exc.message, field=f"{exc.field}-{item.id}") from exc

    return act(request, session, access, meeting, actor, form, owner, f"punt-{item.id}")


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

    return act(request, session, access, meeting, actor, form, contribute, f"punt-{item.id}")


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

    return act(request, session, access, meeting, actor, form, task, f"punt-{item.id}")


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

    return act(request, session, access, meeting, actor, form, review, f"taak-{task.id}")


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
        return render_live(
            request,
            session,
            access,
            meeting,
            actor,
            missing=missing,
            errors={"finish": "De bijeenkomst kan nog niet worden afgerond."},
        )
    live = queries.load(session, access=access, meeting=meeting)
    return act(
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
