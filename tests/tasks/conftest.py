"""Planning fixtures for these tests, and the steps they share: agree a task in a meeting, report
back on it under 'mijn acties'."""

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.audit import Actor
from app.db import today
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.tasks import service as task_service
from app.tasks.models import Task, TaskCreate
from app.users.models import User
from tests.conftest import csrf_from
from tests.planning import Table, series, start_today, table

__all__ = ["series", "table"]


def chair(table: Table) -> Actor:
    return Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")


def agree(
    session: Session,
    table: Table,
    series: MeetingSeries,
    description: str,
    organisation_id: int,
    person: User | None = None,
) -> Task:
    """A task agreed in the overleg's next meeting (started when it is not yet)."""
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()
    if meeting.status != MeetingStatus.IN_PROGRESS:
        agenda_service.add_item(
            session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
        )
        start_today(session, meeting=meeting, by=chair(table))
    return task_service.add_task(
        session,
        meeting=meeting,
        item=None,
        by=chair(table),
        data=TaskCreate(
            description=description,
            assignee_organisation_id=organisation_id,
            assignee_user_id=person.id if person else None,
        ),
    )


def report(
    client: TestClient, task: Task, feedback: str = "Gedaan, zie het dossier.", **query: str
) -> httpx.Response:
    """Report the task done under 'mijn acties' (on the view named in `query`)."""
    return client.post(
        "/acties",
        params=query,
        data={
            "task_id": str(task.id),
            "melding": "gereed",
            f"feedback-{task.id}": feedback,
            "csrf_token": csrf_from(client, "/acties"),
        },
    )


def report_setback(
    client: TestClient, task: Task, setback: str, reason: str, proposed: str = "", **query: str
) -> httpx.Response:
    """Report under 'mijn acties' that the task did not work out or needs more time."""
    return client.post(
        "/acties",
        params=query,
        data={
            "task_id": str(task.id),
            "melding": "niet-gereed",
            f"setback-{task.id}": setback,
            f"reason-{task.id}": reason,
            f"proposed_due_on-{task.id}": proposed,
            "csrf_token": csrf_from(client, "/acties"),
        },
    )
