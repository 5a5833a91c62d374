"""The weekly digest: once per ISO week per person, counts and links only, to the right people."""

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.audit import Actor
from app.config import Settings
from app.db import make_engine, today
from app.mail.sender import deliver_due
from app.overleg.models import MeetingSeries
from app.reminders import service
from app.tasks import service as task_service
from app.tasks.models import TaskFeedback
from app.users.models import User
from tests.factories import make_user
from tests.planning import MAIL, Table
from tests.reminders.conftest import (
    a_monday_after,
    agree,
    last_outbox_id,
    outbox_since,
    secretary,
    series,
)
from tests.smtp import SmtpServer, mail_settings, smtp_server

__all__ = ["mail_settings", "secretary", "series", "smtp_server"]

MONDAY = 0
DIGEST_DAY = a_monday_after(today())
TASK_TEXT = "Huisbezoek afleggen bij de familie"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def digests(session: Session, on: date, weekday: int = MONDAY) -> int:
    return service.enqueue_weekly_digests(session, today=on, weekday=weekday, mail=MAIL)


def recipients(session: Session, after_id: int) -> list[str]:
    return [message.to_address for message in outbox_since(session, after_id)]


def member_tasks(session: Session, table: Table, series: MeetingSeries) -> None:
    """The member's own tasks: one overdue, one due in two days, one due on the seventh day,
    one later; and one for the member's organisation that names no one, due in three days."""
    for offset in (-3, 2, 7, 8):
        agree(
            session,
            table,
            series,
            organisation_id=table.housing_id,
            person=table.member,
            due_on=DIGEST_DAY + timedelta(days=offset),
            description=TASK_TEXT,
        )
    agree(
        session,
        table,
        series,
        organisation_id=table.housing_id,
        due_on=DIGEST_DAY + timedelta(days=3),
    )


def test_a_person_at_the_table_gets_the_counts_of_their_own_and_their_organisations_tasks(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    member_tasks(session, table, series)
    # Of the member's organisation, but not at this table: the organisation's task is not theirs.
    make_user(session, name="Nina Nietaantafel", organisation_id=table.housing_id)
    before = last_outbox_id(session)

    sent = digests(session, DIGEST_DAY)

    mails = outbox_since(session, before)
    assert sent == 1 and [m.to_address for m in mails] == [table.member.email]
    body = mails[0].body_text
    assert "Op uw naam: 1 te laat, 2 binnen 7 dagen." in body
    assert "Voor uw organisatie, zonder persoon: 0 te laat, 1 binnen 7 dagen." in body
    assert "https://casustafel.example/acties" in body
    assert "https://casustafel.example/account" in body
    for content in (TASK_TEXT, table.member.name, series.name):
        assert content not in body and content not in mails[0].subject


def test_organisation_tasks_go_to_each_of_its_people_at_the_table_and_done_ones_to_no_one(
    session: Session, table: Table, series: MeetingSeries, secretary: User
) -> None:
    done = agree(
        session,
        table,
        series,
        organisation_id=table.police_id,
        person=table.chair,
        due_on=DIGEST_DAY,
    )
    agree(session, table, series, organisation_id=table.police_id, due_on=DIGEST_DAY)
    by_chair = Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")
    task_service.report_back(session, task=done, data=TaskFeedback(feedback="Gedaan."), by=by_chair)
    before = last_outbox_id(session)

    digests(session, DIGEST_DAY)

    mails = outbox_since(session, before)
    assert sorted(m.to_address for m in mails) == sorted([table.chair.email, secretary.email])
    assert all("Op uw naam: 0 te laat, 0 binnen 7 dagen." in m.body_text for m in mails)
    assert all("zonder persoon: 0 te laat, 1 binnen 7 dagen." in m.body_text for m in mails)


def test_the_digest_goes_once_a_week_on_its_weekday_only(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    agree(
        session,
        table,
        series,
        organisation_id=table.housing_id,
        person=table.member,
        due_on=DIGEST_DAY,
    )
    before = last_outbox_id(session)

    on_sunday = digests(session, DIGEST_DAY - timedelta(days=1))
    first = digests(session, DIGEST_DAY)
    again = digests(session, DIGEST_DAY)
    # The next day, with the weekday moved to it: still this ISO week.
    next_day = digests(session, DIGEST_DAY + timedelta(days=1), weekday=1)
    next_week = digests(session, DIGEST_DAY + timedelta(days=7))

    assert (on_sunday, first, again, next_day, next_week) == (0, 1, 0, 0, 1)
    assert recipients(session, before) == [table.member.email] * 2


def test_nothing_for_whoever_switched_it_off_or_has_no_such_tasks(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    agree(
        session,
        table,
        series,
        organisation_id=table.police_id,
        person=table.chair,
        due_on=DIGEST_DAY + timedelta(days=30),
    )
    agree(
        session,
        table,
        series,
        organisation_id=table.housing_id,
        person=table.member,
        due_on=DIGEST_DAY,
    )
    table.member.weekly_digest = False
    session.add(table.member)
    session.commit()
    before = last_outbox_id(session)

    assert digests(session, DIGEST_DAY) == 0
    assert recipients(session, before) == []


def test_two_processes_running_the_job_at_once_send_one_digest(
    session: Session, engine: Engine, table: Table, series: MeetingSeries
) -> None:
    agree(
        session,
        table,
        series,
        organisation_id=table.housing_id,
        person=table.member,
        due_on=DIGEST_DAY,
    )
    before = last_outbox_id(session)
    start = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        with Session(engine) as own:
            start.wait()
            sent.append(digests(own, DIGEST_DAY))

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert sorted(sent) == [0, 1]
    assert recipients(session, before) == [table.member.email]


def test_the_worker_delivers_the_digest_over_smtp(
    session: Session,
    engine: Engine,
    mail_settings: Settings,
    smtp_server: SmtpServer,
    table: Table,
    series: MeetingSeries,
) -> None:
    agree(
        session,
        table,
        series,
        organisation_id=table.housing_id,
        person=table.member,
        due_on=DIGEST_DAY - timedelta(days=1),
        description=TASK_TEXT,
    )
    digests(session, DIGEST_DAY)

    deliver_due(engine, mail_settings, batch=100)

    delivered = [mail for mail in smtp_server.mails() if mail["To"] == table.member.email]
    digest = [mail for mail in delivered if "overzicht" in mail["Subject"]]
    assert len(digest) == 1
    text = digest[0].get_body(preferencelist=("plain",)).get_content()
    assert "Op uw naam: 1 te laat, 0 binnen 7 dagen." in text
    assert "https://casustafel.example/acties" in text and TASK_TEXT not in text
