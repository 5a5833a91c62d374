"""'Mijn acties': a user sees their own and their organisation's open tasks and reports back."""

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.audit import Actor
from app.db import today
from app.overleg.models import Meeting, MeetingSeries
from app.tasks import service as task_service
from app.tasks.models import Task, TaskCreate, TaskStatus
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.planning import Table, start_today


def test_the_assignee_reports_back_and_others_cannot(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    actor = Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()
    agenda_service.add_item(
        session, meeting=meeting, by=actor, data=AgendaItemCreate(title="Rondvraag")
    )
    start_today(session, meeting=meeting, by=actor)
    mine = task_service.add_task(
        session,
        meeting=meeting,
        item=None,
        by=actor,
        data=TaskCreate(
            description="Huisbezoek afleggen",
            assignee_organisation_id=table.police_id,
            assignee_user_id=table.chair.id,
        ),
    )
    housing = task_service.add_task(
        session,
        meeting=meeting,
        item=None,
        by=actor,
        data=TaskCreate(
            description="Schouw van de woning", assignee_organisation_id=table.housing_id
        ),
    )

    log_in(client, table.chair.email, PASSWORD)
    page = client.get("/acties").text
    empty = client.post(
        f"/acties/{mine.id}/gereed",
        data={f"feedback-{mine.id}": "", "csrf_token": csrf_from(client, "/acties")},
    )
    done = client.post(
        f"/acties/{mine.id}/gereed",
        data={
            f"feedback-{mine.id}": "Huisbezoek gedaan; meneer wil hulp.",
            "csrf_token": csrf_from(client, "/acties"),
        },
    )
    foreign = client.post(
        f"/acties/{housing.id}/gereed",
        data={f"feedback-{housing.id}": "Niet van mij", "csrf_token": csrf_from(client, "/acties")},
    )

    assert "Huisbezoek afleggen" in page and "Schouw van de woning" not in page
    assert empty.status_code == 422 and f'id="feedback-{mine.id}-error"' in empty.text
    assert done.status_code == 303 and foreign.status_code == 404
    session.expire_all()
    assert session.get(Task, mine.id).status == TaskStatus.DONE
    assert session.get(Task, housing.id).status == TaskStatus.OPEN


def test_mijn_acties_links_to_the_actions_overview_of_the_own_organisation(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    actor = Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()
    agenda_service.add_item(
        session, meeting=meeting, by=actor, data=AgendaItemCreate(title="Rondvraag")
    )
    start_today(session, meeting=meeting, by=actor)
    for description, organisation_id in (
        ("Schouw van de woning", table.housing_id),
        ("Huisbezoek afleggen", table.police_id),
    ):
        task_service.add_task(
            session,
            meeting=meeting,
            item=None,
            by=actor,
            data=TaskCreate(description=description, assignee_organisation_id=organisation_id),
        )
    overview = (
        f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/verslag/acties/{table.housing_id}.pdf"
    )

    log_in(client, table.member.email, PASSWORD)  # housing, a member, not at the table
    page = client.get("/acties").text
    download = client.get(overview)
    police_overview = client.get(
        overview.replace(f"/{table.housing_id}.pdf", f"/{table.police_id}.pdf")
    )

    assert f'href="{overview}"' in page
    assert download.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(download.content)).pages[0].extract_text().split())
    assert "Schouw van de woning" in text and "Huisbezoek afleggen" not in text
    assert police_overview.status_code == 404
