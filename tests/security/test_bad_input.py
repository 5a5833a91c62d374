"""Bad input is input like any other: ids, numbers and dates out of range, unknown choices. The
answer is a 404 for a path, a Dutch message beside the field otherwise: never a 500."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.agenda.models import AgendaItem
from app.meetings.models import ItemContribution, ItemRecord, MeetingAttendance
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.users.models import User
from tests.conftest import csrf_from, log_in

HUGE = "99999999999999999999999"
BEYOND_INTEGER = "2147483648"


@pytest.fixture
def series(session: Session, app: FastAPI) -> MeetingSeries:
    demo.seed_demo(session, crypto=app.state.crypto)
    return session.exec(select(MeetingSeries)).one()


def as_user(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email, demo.DEMO_PASSWORD)
    return client


def coming(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).first()


def running(session: Session, series: MeetingSeries, client: TestClient) -> tuple[str, int]:
    """The coming meeting, started by the chair; its live path and a casus item."""
    meeting = coming(session, series)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    client.post(
        f"{base}/starten",
        data={
            "confidentiality_read": "true",
            "confirm_other_day": "true",
            "csrf_token": csrf_from(client, base),
        },
    )
    item = session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id, col(AgendaItem.case_id).is_not(None)
        )
    ).first()
    return base, item.id


@pytest.mark.parametrize("number", [HUGE, BEYOND_INTEGER, "0"])
def test_ids_out_of_range_in_a_path_are_a_404(
    client: TestClient, session: Session, series: MeetingSeries, number: str
) -> None:
    as_user(client, "beheer@dorpsveen.example")
    meeting = coming(session, series)
    on_meeting = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}"
    paths = [
        f"/overleggen/{number}",
        f"/overleggen/{series.id}/bijeenkomsten/{number}",
        f"/overleggen/{series.id}/casussen/{number}",
        f"{on_meeting}/verslag/versies/{number}.pdf",
        f"/convenanten/{number}",
        f"/organisaties/{number}",
        f"/gebruikers/{number}",
    ]

    answers = {path: client.get(path).status_code for path in paths}
    token = csrf_from(client, "/")
    posted = client.post(
        "/acties", data={"task_id": number, "melding": "gereed", "csrf_token": token}
    )

    assert answers == dict.fromkeys(paths, 404)
    assert posted.status_code == 404


def test_query_numbers_out_of_range_are_no_server_error(
    client: TestClient, series: MeetingSeries
) -> None:
    as_user(client, "fg@dorpsveen.example")
    log_page = client.get(f"/logging?pagina={HUGE}")
    as_user(client, "voorzitter@dorpsveen.example")
    cases = client.get(f"/overleggen/{series.id}/casussen?eigenaar={HUGE}&inbrenger={HUGE}")

    assert log_page.status_code == 400 and "Ongeldig verzoek" in log_page.text
    assert cases.status_code == 200


def test_dates_and_ids_out_of_range_in_forms_come_back_beside_the_field(
    client: TestClient, session: Session, series: MeetingSeries
) -> None:
    as_user(client, "beheer@dorpsveen.example")
    token = csrf_from(client, "/")
    new_meeting = client.post(
        f"/overleggen/{series.id}/bijeenkomsten/nieuw",
        data={
            "day": "9999-12-31",
            "start_time": "09:30",
            "duration_minutes": "120",
            "location": "Gemeentehuis",
            "csrf_token": token,
        },
    )
    new_series = client.post(
        "/overleggen/nieuw", data={"starts_on": "9999-12-31", "csrf_token": token}
    )
    submitted = client.post(
        f"/overleggen/{series.id}/casussen/nieuw",
        data={"meeting_id": HUGE, "pseudonym": "Iemand", "csrf_token": token},
    )

    assert new_meeting.status_code == 422
    assert 'id="day-error">Kies een datum tussen 1 jan 2000' in new_meeting.text
    assert new_series.status_code == 422
    assert 'id="starts_on-error">Kies een datum tussen 1 jan 2000' in new_series.text
    assert submitted.status_code == 422 and 'id="meeting_id-error"' in submitted.text
    assert 'value="Iemand"' in submitted.text
    new_account = client.post(
        "/gebruikers/nieuw",
        data={
            "email": "nieuw@dorpsveen.example",
            "name": "Nieuwe Collega",
            "organisation_id": HUGE,
            "csrf_token": token,
        },
    )
    assert new_account.status_code == 422 and 'id="organisation_id-error"' in new_account.text
    assert 'value="Nieuwe Collega"' in new_account.text


def test_a_chair_cannot_store_an_unknown_choice_or_break_the_live_page(
    client: TestClient, session: Session, series: MeetingSeries
) -> None:
    as_user(client, "voorzitter@dorpsveen.example")
    base, item_id = running(session, series, client)
    token = csrf_from(client, base)
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()

    contribution = client.post(
        f"{base}/punten/{item_id}/bijdrage/{police.organisation_id}",
        data={
            "text": "Gedeeld",
            "legal_basis": "omdat het kan",
            "version": "0",
            "csrf_token": token,
        },
    )
    outcome = client.post(
        f"{base}/punten/{item_id}/uitkomst",
        data={
            f"next_step-{item_id}": "opschalen",
            f"escalation_body-{item_id}": "de buurvrouw",
            f"informing-{item_id}": "geïnformeerd",
            "version": "1",
            "csrf_token": token,
        },
    )
    unreadable_versions = [
        client.post(
            f"{base}/punten/{item_id}/uitkomst",
            data={f"next_step-{item_id}": "afsluiten", "version": "abc", "csrf_token": token},
        ),
        client.post(
            f"{base}/punten/{item_id}/bijdrage/{police.organisation_id}",
            data={"text": "x", "version": "abc", "csrf_token": token},
        ),
    ]
    guest = client.post(
        f"{base}/gasten",
        data={"guest_name": "Gerda Gast", "guest_organisation_id": HUGE, "csrf_token": token},
    )
    owner = client.post(
        f"{base}/punten/{item_id}/eigenaar",
        data={f"owner_organisation_id-{item_id}": BEYOND_INTEGER, "csrf_token": token},
    )

    assert contribution.status_code == 422 and "Kies een van de mogelijkheden." in contribution.text
    assert outcome.status_code == 422
    assert f'id="escalation_body-{item_id}-error">Kies een van de mogelijkheden.' in outcome.text
    assert [r.status_code for r in unreadable_versions] == [422, 422]
    assert guest.status_code == 422 and 'id="guest_organisation_id-error"' in guest.text
    assert owner.status_code == 422 and f'id="owner_organisation_id-{item_id}-error"' in owner.text
    assert session.exec(select(ItemContribution)).all() == []
    record = session.exec(select(ItemRecord).where(ItemRecord.agenda_item_id == item_id)).first()
    assert record is None or record.escalation_body is None
    assert (
        session.exec(
            select(MeetingAttendance).where(MeetingAttendance.guest_name == "Gerda Gast")
        ).all()
        == []
    )
    assert client.get(base).status_code == 200


def test_a_nul_character_is_no_server_error_on_either_database(
    client: TestClient, session: Session, series: MeetingSeries
) -> None:
    as_user(client, "beheer@dorpsveen.example")
    token = csrf_from(client, "/")
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()

    renamed = client.post(
        f"/gebruikers/{police.id}",
        data={
            "email": police.email,
            "name": "Wim\x00 Wijkagent",
            "organisation_id": str(police.organisation_id),
            "is_participant": "true",
            "csrf_token": token,
        },
    )
    searched = client.get(f"/overleggen/{series.id}/casussen?zoek=Kees%00")
    filtered = client.get(f"/overleggen/{series.id}/casussen?status=%00&categorie=%00")

    assert renamed.status_code in (303, 422) and searched.status_code == 200
    assert filtered.status_code == 200
    session.refresh(police)
    assert "\x00" not in police.name
