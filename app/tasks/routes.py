"""'Mijn acties': the open, overdue and done tasks of the user and their organisation, in the
overleggen where they sit at the table; reporting back (done, or not done and why).

The forms post to /acties itself (with the view they were on): a refusal comes back on a page
whose address can be loaded again, never on an action's own address."""

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import spreadsheet
from app.contacts import queries as contact_queries
from app.dates import short_date
from app.db import SessionDep, today
from app.flash import flash
from app.security.deps import CurrentActor, CurrentUser
from app.tasks import export, queries, service
from app.tasks.deps import reportable_task
from app.tasks.models import Setback, Task, TaskFeedback, TaskSetbackReport
from app.web import (
    CHOSEN_ID,
    FormErrors,
    FormValues,
    choice_of,
    form_body,
    redirect,
    render,
    run_form,
)

router = APIRouter(prefix="/acties")

DONE_CONFIRMATION = "Actie gereed gemeld. Dank voor de terugkoppeling."
FOR_THE_CHAIR = "De voorzitter bespreekt het op de volgende bijeenkomst."


class View(StrEnum):
    OPEN = "open"
    OVERDUE = "te-laat"
    DONE = "afgerond"


class Report(StrEnum):
    DONE = "gereed"
    NOT_DONE = "niet-gereed"


ViewQuery = Annotated[View, Query()]
PageQuery = Annotated[int, Query(ge=1, le=1_000_000)]


def _page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    *,
    view: View,
    page: int = 1,
    values: dict[str, object] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    day = today()
    open_rows = queries.open_tasks_of(session, user=user)
    overdue = [row for row in open_rows if row.task.due_on < day]
    done, older = (
        queries.done_tasks_of(session, user=user, page=page) if view == View.DONE else ([], False)
    )
    rows = {View.OPEN: open_rows, View.OVERDUE: overdue, View.DONE: done}[view]
    return render(
        request,
        "tasks/list.html",
        {
            "view": view,
            "views": View,
            "rows": rows,
            "counts": {View.OPEN: len(open_rows), View.OVERDUE: len(overdue)},
            "page": page,
            "older": older,
            "with_overview": queries.with_actions_overview(user=user, rows=rows),
            # Only casussen of overleggen the user sits at (the rows are theirs to see).
            "contacts_by_case": contact_queries.owner_contacts_by_case(
                session, cases=[row.case for row in rows if row.case is not None], day=day
            ),
            "today": day,
            "values": values or {},
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def my_tasks(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    weergave: ViewQuery = View.OPEN,
    pagina: PageQuery = 1,
) -> Response:
    return _page(request, session, user, view=weergave, page=pagina)


@router.get("/export")
def export_csv(session: SessionDep, user: CurrentUser, actor: CurrentActor) -> Response:
    """Every task on 'mijn acties' as one CSV file, logged as an export before it goes out."""
    day = today()
    tasks = queries.all_tasks_of(session, user=user)
    # Written before the commit of the log, which expires what was loaded.
    document = spreadsheet.csv_document(export.rows_of(tasks, user=user, today=day))
    service.record_export(session, task_ids=[row.task.id for row in tasks], by=actor)
    return Response(
        document,
        media_type=spreadsheet.MEDIA_TYPE,
        headers={"content-disposition": f'attachment; filename="mijn-acties-{day}.csv"'},
    )


@router.post(
    "",
    openapi_extra=form_body(
        fields={"task_id": CHOSEN_ID, "melding": choice_of(Report)},
        per_item=(TaskFeedback, TaskSetbackReport),
    ),
)
def report(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: CurrentActor,
    form: FormValues,
    weergave: ViewQuery = View.OPEN,
) -> Response:
    task = reportable_task(session, user=user, task_id=form.get("task_id"))
    suffix = f"-{task.id}"
    typed = {key.removesuffix(suffix): value for key, value in form.items() if key.endswith(suffix)}
    confirmation, errors = _report(form.get("melding"), task, typed, session, actor)
    if errors:
        return _page(
            request,
            session,
            user,
            view=weergave,
            values=form,
            errors={_beside(field, suffix): message for field, message in errors.items()},
        )
    flash(request, confirmation)
    return redirect(request, f"/acties?weergave={weergave}")


def _report(
    kind: object, task: Task, typed: dict[str, Any], session: SessionDep, actor: CurrentActor
) -> tuple[str, FormErrors]:
    """Run the report the form asked for: the confirmation to show, or the refusals."""
    if kind == Report.DONE:
        _, errors = run_form(
            TaskFeedback,
            typed,
            lambda data: service.report_back(session, task=task, data=data, by=actor),
        )
        return DONE_CONFIRMATION, errors
    if kind == Report.NOT_DONE:
        _, errors = run_form(
            TaskSetbackReport,
            typed,
            lambda data: service.report_setback(
                session, task=task, data=data, today=today(), by=actor
            ),
        )
        return _setback_confirmation(task), errors
    return "", {"__all__": "Kies gereed melden, niet gelukt of meer tijd nodig."}


def _setback_confirmation(task: Task) -> str:
    if task.setback == Setback.MORE_TIME and task.proposed_due_on is not None:
        return (
            f"Doorgegeven: meer tijd nodig, voorgestelde datum {short_date(task.proposed_due_on)}. "
            f"{FOR_THE_CHAIR}"
        )
    return f"Doorgegeven: de actie is niet gelukt. {FOR_THE_CHAIR}"


def _beside(field: str, suffix: str) -> str:
    """The name of the field on the page a refusal belongs beside (its task's id appended)."""
    return field if field == "__all__" else f"{field}{suffix}"
