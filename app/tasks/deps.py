"""Load a task from the path for someone who may report back on it; 404 for anyone else."""

from typing import Annotated

from fastapi import Depends
from sqlmodel import col, select

from app.db import RowId, SessionDep
from app.errors import NotFound
from app.overleg.models import SeriesMember
from app.security import permissions
from app.security.deps import CurrentUser
from app.tasks.models import Task


def reportable_task(task_id: RowId, session: SessionDep, user: CurrentUser) -> Task:
    """The task with the user's place at its overleg's table; that it exists does not leak."""
    row = session.exec(
        select(Task, SeriesMember)
        .outerjoin(
            SeriesMember,
            (col(SeriesMember.series_id) == Task.series_id) & (SeriesMember.user_id == user.id),
        )
        .where(Task.id == task_id)
    ).first()
    if row is None or not permissions.can_report_back(user, row[1], row[0]):
        raise NotFound
    return row[0]


ReportableTaskDep = Annotated[Task, Depends(reportable_task)]
