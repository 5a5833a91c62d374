"""Load a task chosen in a form for someone who may report back on it; 404 for anyone else."""

from sqlmodel import Session, col, select

from app import bounds
from app.errors import NotFound
from app.overleg.models import SeriesMember
from app.security import permissions
from app.tasks.models import Task
from app.users.models import User


def reportable_task(session: Session, *, user: User, task_id: object) -> Task:
    """The task with the user's place at its overleg's table; that it exists does not leak, and
    an id that is none (out of range, not a number) is a task that does not exist."""
    row_id = bounds.id_from(task_id)
    row = (
        session.exec(
            select(Task, SeriesMember)
            .outerjoin(
                SeriesMember,
                (col(SeriesMember.series_id) == Task.series_id) & (SeriesMember.user_id == user.id),
            )
            .where(Task.id == row_id)
        ).first()
        if row_id is not None
        else None
    )
    if row is None or not permissions.can_report_back(user, row[1], row[0]):
        raise NotFound
    return row[0]
