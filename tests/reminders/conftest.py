"""An overleg with a chair, a secretary and a member, and tasks agreed in its first meeting."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.audit import Actor
from app.db import today
from app.mail.models import OutboxMessage
from app.overleg import service as planning_service
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.tasks import service as task_service
from app.tasks.models import Task, TaskCreate
from app.users.models import User
from tests.factories import make_user
from tests.planning import MAIL, Table, start_today, table

__all__ = ["table"]


@pytest.fixture
def secretary(session: Session, table: Table) -> User:
    return make_user(session, name="Sanne Secretaris", organisation_id=table.police_id)


@pytest.fixture
def series(session: Session, table: Table, secretary: User) -> MeetingSeries:
    plan = table.plan(secretary_id=secretary.id)
    return planning_service.create_series(
        session, plan=plan, by=table.admin, today=today(), mail=MAIL
    )


def chair(table: Table) -> Actor:
    return Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")


def first_meeting(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).first()


def agree(
    session: Session,
    table: Table,
    series: MeetingSeries,
    *,
    organisation_id: int,
    due_on: date,
    person: User | None = None,
    description: str = "Huisbezoek afleggen",
) -> Task:
    """A task agreed in the overleg's first meeting (started when it is not yet)."""
    meeting = first_meeting(session, series)
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
            due_on=due_on,
        ),
    )


def outbox_since(session: Session, first_id: int) -> list[OutboxMessage]:
    """The e-mails put in the outbox after the one with that id."""
    statement = select(OutboxMessage).where(col(OutboxMessage.id) > first_id)
    return list(session.exec(statement.order_by(col(OutboxMessage.id))).all())


def last_outbox_id(session: Session) -> int:
    ids = session.exec(select(OutboxMessage.id).order_by(col(OutboxMessage.id).desc())).first()
    return ids or 0


def a_monday_after(day: date) -> date:
    """A Monday at least three weeks after the day: the tasks' deadlines lie before it."""
    later = day + timedelta(days=21)
    return later + timedelta(days=(7 - later.weekday()) % 7)
