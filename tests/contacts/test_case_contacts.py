"""Who to call about a casus: the casus page, the live meeting, Mijn acties and the uittreksel
name the casus-eigenaar's contact, only for those who may see that casus at all."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app import demo
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import Case
from app.overleg.models import Meeting, MeetingStatus
from app.users.models import User
from tests.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.minutes.demo import flat, pdf_text

CALL = "Wie belt u over deze casus?"
SANNE_PHONE = "tel:+493023125040"


@pytest.fixture
def mother(session: Session, app: FastAPI) -> Case:
    """The demo's casus "Moeder en dochter", owned by Sanne Sociaal of the sociaal team."""
    demo.seed_demo(session, crypto=app.state.crypto)
    return session.exec(select(Case).where(col(Case.pseudonym).startswith("Moeder"))).one()


def as_user(client: TestClient, email: str, password: str = demo.DEMO_PASSWORD) -> TestClient:
    client.cookies.clear()
    log_in(client, email, password)
    return client


def user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def case_path(case: Case) -> str:
    return f"/overleggen/{case.series_id}/casussen/{case.id}"


def test_a_member_sees_whom_to_call_on_the_casus_page(
    client: TestClient, session: Session, mother: Case
) -> None:
    page = as_user(client, "wijkagent@politie.example").get(case_path(mother)).text

    part = page.split(CALL)[1].split("</dd>")[0]
    assert "Sanne Sociaal" in part and "casusregisseur sociaal team" in part
    assert f'href="{SANNE_PHONE}">+49 30 23125040</a>' in part
    assert "inloopspreekuur" in part


@pytest.mark.parametrize("who", ["outsider", "fg"])
def test_who_may_not_see_the_casus_learns_nothing_of_its_owner(
    client: TestClient, session: Session, mother: Case, who: str
) -> None:
    if who == "outsider":
        outsider = make_user(
            session, organisation_id=user(session, "beheer@dorpsveen.example").organisation_id
        )
        as_user(client, outsider.email, PASSWORD)
    else:
        as_user(client, "fg@dorpsveen.example")

    response = client.get(case_path(mother))

    assert response.status_code == 404
    assert "Sanne Sociaal" not in response.text and SANNE_PHONE not in response.text


def test_an_owner_organisation_without_a_person_gives_its_people_at_the_table(
    client: TestClient, session: Session, mother: Case
) -> None:
    chair = user(session, "voorzitter@dorpsveen.example")
    housing = user(session, "woningcorporatie@wonen.example")
    case_service.set_owner(
        session,
        case=mother,
        organisation_id=housing.organisation_id,
        user_id=None,
        by=Actor(user=chair, organisation_name="Gemeente Dorpsveen", client_address="127.0.0.1"),
    )

    page = as_user(client, "wijkagent@politie.example").get(case_path(mother)).text

    part = page.split(CALL)[1].split("</dd>")[0]
    assert "Wouter Wonen" in part and "tel:+493023125050" in part
    assert "Sanne Sociaal" not in part


def test_an_away_owner_shows_their_vervanger(
    client: TestClient, session: Session, mother: Case
) -> None:
    chair = user(session, "voorzitter@dorpsveen.example")
    bea = user(session, "beheer@dorpsveen.example")
    case_service.set_owner(
        session,
        case=mother,
        organisation_id=bea.organisation_id,
        user_id=bea.id,
        by=Actor(user=chair, organisation_name="Gemeente Dorpsveen", client_address="127.0.0.1"),
    )

    page = as_user(client, "wijkagent@politie.example").get(case_path(mother)).text

    part = page.split(CALL)[1].split("</dd>")[0]
    assert "Bea Beheer" in part and "Afwezig tot en met" in part
    assert "Vervanger: <strong>Victor Voorzitter</strong>" in part
    assert "tel:+493023125020" in part


def test_mijn_acties_names_whom_to_call_about_the_casus_of_an_open_task(
    client: TestClient, session: Session, mother: Case
) -> None:
    page = as_user(client, "wijkagent@politie.example").get("/acties").text

    # Both open tasks are on casussen Wim Wijkagent owns himself; done tasks name no one.
    assert page.count(CALL) == 2 and "tel:+493023125030" in page


def test_the_live_meeting_names_whom_to_call_about_the_casus_in_view(
    client: TestClient, session: Session, mother: Case
) -> None:
    item = session.exec(
        select(AgendaItem)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .where(AgendaItem.case_id == mother.id, Meeting.status == MeetingStatus.MINUTES_FINAL)
    ).one()
    path = f"/overleggen/{mother.series_id}/bijeenkomsten/{item.meeting_id}/live"

    page = as_user(client, "voorzitter@dorpsveen.example").get(f"{path}?punt={item.id}").text

    block = page.split(f'id="casus-{item.id}"')[1]
    assert CALL in block and SANNE_PHONE in block


def test_the_uittreksel_names_whom_to_call(
    client: TestClient, session: Session, mother: Case
) -> None:
    item = session.exec(
        select(AgendaItem)
        .join(Meeting, col(Meeting.id) == AgendaItem.meeting_id)
        .where(AgendaItem.case_id == mother.id, Meeting.status == MeetingStatus.MINUTES_FINAL)
    ).one()
    path = f"/overleggen/{mother.series_id}/bijeenkomsten/{item.meeting_id}/verslag"

    response = as_user(client, "sociaalteam@dorpsveen.example").get(
        f"{path}/uittreksel/{item.id}.pdf"
    )

    content = flat(pdf_text(response.content))
    assert response.status_code == 200
    assert "Aanspreekpunt Sanne Sociaal (Sociaal team Dorpsveen, casusregisseur" in content
    assert "tel. +49 30 23125040" in content
