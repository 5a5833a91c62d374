"""'Mijn acties': open and overdue tasks of the user and their organisation, in the overleggen
where they sit at the table, and reporting back."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, today
from app.security.deps import CurrentActor, CurrentUser
from app.tasks import service
from app.tasks.deps import ReportableTaskDep
from app.tasks.models import TaskFeedback
from app.web import FormErrors, FormValues, form_body, redirect, render, run_form

router = APIRouter(prefix="/acties")


def _page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    values: dict[str, object] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    rows = service.tasks_of(session, user=user)
    return render(
        request,
        "tasks/list.html",
        {
            "rows": rows,
            "with_overview": service.with_actions_overview(user=user, rows=rows),
            "today": today(),
            "values": values or {},
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def my_tasks(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _page(request, session, user)


@router.post("/{task_id}/gereed", openapi_extra=form_body(per_item=(TaskFeedback,)))
def report_back(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    actor: CurrentActor,
    task: ReportableTaskDep,
    form: FormValues,
) -> Response:
    values = {"feedback": form.get(f"feedback-{task.id}", "")}
    _, errors = run_form(
        TaskFeedback,
        values,
        lambda data: service.report_back(session, task=task, data=data, by=actor),
    )
    if errors:
        return _page(
            request,
            session,
            user,
            values=form,
            errors={f"feedback-{task.id}": message for message in errors.values()},
        )
    return redirect(request, "/acties")
