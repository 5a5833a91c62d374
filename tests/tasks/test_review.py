"""What the assignee reported under 'mijn acties' comes back at the next meeting's review of
earlier tasks: the chair sees it, and carrying the task forward takes the proposed date."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.dates import short_date
from app.db import today
from app.errors import DomainError
from app.overleg.models import Meeting, MeetingSeries
from app.overleg.schedule import local
from app.tasks import service as task_service
from app.tasks.models import NotDoneReason, Setback, Task, TaskFeedback, TaskSetbackReport
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.planning import Table, start_today
from tests.tasks.conftest import agree, chair, report_setback


def next_meeting(session: Session, table: Table, task: Task) -> Meeting:
    """The meeting after the one that agreed the task, started (with one agenda item)."""
    agreed_in = session.get(Meeting, task.meeting_id)
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == task.series_id, Meeting.starts_at > agreed_in.starts_at)
        .order_by(col(Meeting.starts_at))
    ).first()
    agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    return start_today(session, meeting=meeting, by=chair(table))


def more_time(session: Session, table: Table, task: Task, days: int) -> Task:
    return task_service.report_setback(
        session,
        task=task,
        data=TaskSetbackReport(
            setback=Setback.MORE_TIME,
            reason="De bewoner is pas later thuis.",
            proposed_due_on=today() + timedelta(days=days),
        ),
        today=today(),
        by=chair(table),
    )


def carry_forward(session: Session, table: Table, meeting: Meeting, task: Task) -> Task:
    return task_service.review(
        session,
        meeting=meeting,
        task=task,
        done=False,
        reason=NotDoneReason.NOT_DONE,
        by=chair(table),
    )


def test_the_chair_sees_the_report_and_carrying_forward_takes_the_proposed_date(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    task = agree(session, table, series, "Buurtonderzoek doen", table.police_id)
    meeting = next_meeting(session, table, task)
    proposed = local(meeting.starts_at).date() + timedelta(days=7)
    log_in(client, table.chair.email, PASSWORD)
    report_setback(
        client, task, "meer tijd nodig", "De bewoner is pas later thuis.", proposed.isoformat()
    )
    live = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    page = client.get(live).text
    reviewed = client.post(
        f"{live}/taken/{task.id}/terugkoppeling",
        data={
            "done": "false",
            f"not_done_reason-{task.id}": "niet gedaan",
            "csrf_token": csrf_from(client, live),
        },
    )

    assert (
        f"Staat open; meer tijd nodig, doorgegeven op {short_date(today())}, voorgestelde "
        f"nieuwe datum {short_date(proposed)} (doorschuiven neemt deze datum over). "
        "Reden: De bewoner is pas later thuis."
    ) in page
    assert reviewed.status_code == 303
    session.expire_all()
    carried = session.get(Task, task.id)
    assert (carried.due_on, carried.carried_forward) == (proposed, 1)
    assert (carried.setback, carried.proposed_due_on) == (None, None)
    assert carried.feedback == "De bewoner is pas later thuis."  # stays for the minutes


def test_a_proposal_passed_by_the_meeting_day_is_not_taken(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    task = more_time(session, table, agree(session, table, series, "Actie", table.police_id), 1)
    meeting = next_meeting(session, table, task)
    task.proposed_due_on = today() - timedelta(days=1)  # the report was made weeks ago

    carried = carry_forward(session, table, meeting, task)

    assert carried.due_on == task_service.next_meeting_day(session, meeting=meeting)


def test_a_done_report_clears_a_setback_and_a_done_task_takes_no_setback(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    task = more_time(session, table, agree(session, table, series, "Actie", table.police_id), 7)

    task_service.report_back(
        session, task=task, data=TaskFeedback(feedback="Toch gelukt."), by=chair(table)
    )

    assert (task.setback, task.proposed_due_on, task.feedback) == (None, None, "Toch gelukt.")
    with pytest.raises(DomainError, match="staat niet meer open"):
        more_time(session, table, task, 7)


@pytest.mark.parametrize(
    ("setback", "proposed"),
    [("niet gelukt", today() + timedelta(days=7)), ("vergeten", None)],
    ids=["datum bij niet gelukt", "onbekende melding"],
)
def test_the_database_refuses_a_setback_the_model_does_not_allow(
    session: Session, table: Table, series: MeetingSeries, setback: str, proposed: object
) -> None:
    task = agree(session, table, series, "Actie", table.police_id)

    with pytest.raises(IntegrityError):
        session.execute(
            text("UPDATE task SET setback = :setback, proposed_due_on = :proposed WHERE id = :id"),
            {"setback": setback, "proposed": proposed, "id": task.id},
        )
