"""'Mijn acties' as CSV for Excel (app/spreadsheet.py): the same tasks and facts as the page,
one row each, over all its views."""

from datetime import date

from app.dates import sortable_date
from app.tasks.models import TaskStatus
from app.tasks.queries import MyTask
from app.users.models import User

HEADER = [
    "Actie",
    "Voor",
    "Overleg",
    "Casus",
    "Pseudoniem",
    "Uiterlijk",
    "Status",
    "Keer doorgeschoven",
    "Doorgegeven",
    "Voorgestelde datum",
    "Gereed op",
    "Terugkoppeling of reden",
]


def rows_of(tasks: list[MyTask], *, user: User, today: date) -> list[list[str]]:
    """The header, then one row per task."""
    return [HEADER, *(_cells(row, user=user, today=today) for row in tasks)]


def _cells(row: MyTask, *, user: User, today: date) -> list[str]:
    task, case = row.task, row.case
    return [
        task.description,
        "u" if task.assignee_user_id else user.organisation.name,
        row.series.name,
        case.reference if case else "",
        case.pseudonym if case else "",
        sortable_date(task.due_on),
        _status(row, today=today),
        str(task.carried_forward),
        task.setback or "",
        sortable_date(task.proposed_due_on) if task.proposed_due_on else "",
        sortable_date(row.done_at) if row.done_at else "",
        task.feedback,
    ]


def _status(row: MyTask, *, today: date) -> str:
    if row.task.status == TaskStatus.DONE:
        return "afgerond"
    return "te laat" if row.task.due_on < today else "open"
