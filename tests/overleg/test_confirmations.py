"""Every save in planning, the agenda and attendance confirms itself once, in the live region
(#meldingen): on the page a redirect leads to, or in the parts an htmx action answers with."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.agenda.models import AgendaItem
from app.overleg.models import MeetingSeries
from app.overleg.schedule import local
from tests.overleg.test_edit import edit_values
from tests.overleg.test_routes import as_user, first_meeting, post
from tests.planning import Table
from tests.test_flash import messages

HTMX_AGENDA = {"HX-Request": "true", "HX-Target": "section#agenda"}


def confirmed(client: TestClient, path: str, data: dict[str, object], **headers: str) -> str:
    """What a successful post confirms: in its own answer, or on the page it redirects to."""
    response = post(client, path, data, **headers)
    assert response.status_code in (200, 303), response.text
    if response.status_code == 303:
        return messages(client.get(response.headers["location"]).text)
    return messages(response.text) if 'id="meldingen"' in response.text else ""


def test_planning_confirms_each_save(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    as_user(client, table.admin.user.email)
    base = f"/overleggen/{series.id}"
    meeting = first_meeting(session, series)
    start = local(meeting.starts_at)
    plan = table.plan(name="Casusoverleg Zuid").model_dump(mode="json")
    rule = series.model_dump(mode="json") | {"interval_weeks": 2}
    extra_day = (start + timedelta(days=2)).date().isoformat()
    moved = {"day": extra_day, "start_time": "14:00", "location": "Politiebureau"}

    assert "Overleg Casusoverleg Zuid gepland." in confirmed(client, "/overleggen/nieuw", plan)
    assert "Overleg Integraal overleg Wijk Noord opgeslagen." in confirmed(
        client, f"{base}/wijzigen", edit_values(table, series)
    )
    assert "Namen in het verslag staan aan." in confirmed(
        client, f"{base}/namen-in-verslag", {"names_in_minutes": "true"}
    )
    assert "Herhaling opgeslagen." in confirmed(client, f"{base}/planning", rule)
    meeting = first_meeting(session, series)
    assert "Bijeenkomst verplaatst naar" in confirmed(
        client, f"{base}/bijeenkomsten/{meeting.id}/verplaatsen", moved
    )
    assert "geannuleerd. De leden krijgen een annulering." in confirmed(
        client, f"{base}/bijeenkomsten/{meeting.id}/annuleren", {"reason": "Zomerstop"}
    )
    assert "Extra bijeenkomst gepland op" in confirmed(
        client, f"{base}/bijeenkomsten/nieuw", moved | {"start_time": "16:00"}
    )


def test_agenda_changes_confirm_themselves_also_in_the_htmx_answer(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    agenda = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/agenda"
    as_user(client, table.chair.email)

    added = confirmed(client, agenda, {"title": "Opening"})
    added_in_place = confirmed(client, agenda, {"title": "Rondvraag"}, **HTMX_AGENDA)
    second = session.exec(select(AgendaItem).where(AgendaItem.title == "Rondvraag")).one()
    moved = confirmed(client, f"{agenda}/{second.id}/omhoog", {}, **HTMX_AGENDA)
    follow_ups = confirmed(client, f"{agenda}/vervolg", {})
    frozen = confirmed(client, f"{agenda}/vaststellen", {})

    assert "Agendapunt toegevoegd." in added and "Agendapunt toegevoegd." in added_in_place
    assert "Agendapunt omhoog verplaatst." in moved
    assert "geen open casussen" in follow_ups
    assert "Agenda vastgesteld." in frozen


def test_saying_whether_you_come_and_signing_the_declaration_are_confirmed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}"
    as_user(client, table.member.email)

    coming = confirmed(client, f"{path}/aanwezigheid", {"answer": "ja"})
    signed = confirmed(client, f"{path}/verklaring", {"accept": "true"})
    refused = post(client, f"{path}/aanwezigheid", {"answer": "misschien"})

    assert "Opgeslagen: u komt naar deze bijeenkomst." in coming
    assert "Geheimhoudingsverklaring getekend" in signed
    assert refused.status_code == 422 and "Opgeslagen" not in messages(refused.text)
