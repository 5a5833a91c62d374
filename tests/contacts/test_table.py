"""De tafel: who sits at an overleg's table and how to reach them, for its members only."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
import vobject
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit import AuditEvent
from app.contacts.models import ContactCard
from app.db import AMSTERDAM, today, utcnow
from app.overleg.models import Meeting, MeetingSeries, MemberRole, SeriesMember
from app.users.models import User
from tests.conftest import count_statements, log_in
from tests.factories import PASSWORD, make_user
from tests.planning import Table


def as_user(client: TestClient, user: User) -> TestClient:
    client.cookies.clear()
    log_in(client, user.email, PASSWORD)
    return client


def give_card(session: Session, user: User, **fields: object) -> ContactCard:
    card = ContactCard(user_id=user.id, **fields)
    session.add(card)
    session.commit()
    return card


def seat(session: Session, series: MeetingSeries, user: User, **fields: object) -> SeriesMember:
    member = SeriesMember(series_id=series.id, user_id=user.id, role=MemberRole.MEMBER, **fields)
    session.add(member)
    session.commit()
    return member


def test_a_member_sees_the_table_with_the_chair_first_and_how_to_reach_everyone(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    give_card(
        session,
        table.member,
        function="Woonconsulent",
        phone="+31301234567",
        availability="ma–wo 9:00–16:00",
    )

    page = as_user(client, table.member).get(f"/overleggen/{series.id}/tafel").text

    leads = page.split("Voorzitter en secretaris")[1].split("</section>")[0]
    assert "Victor Voorzitter" in leads and "Voorzitter · Politie" in leads
    housing = page.split(">Woonstichting</h2>")[1]
    assert "Wouter Wonen" in housing and "Woonconsulent" in housing
    assert '<a class="utrecht-link" href="tel:+31301234567">030 123 4567</a>' in housing
    assert f'href="mailto:{table.member.email}"' in housing
    assert "ma–wo 9:00–16:00" in housing
    assert "niet gedekt" in housing
    assert "De organisatie heeft het convenant niet ondertekend." in housing
    police = page.split(">Politie</h2>")[1].split(">Woonstichting</h2>")[0]
    assert ">gedekt</span>" in police


@pytest.mark.parametrize("who", ["outsider", "admin", "fg"])
def test_anyone_not_at_the_table_gets_a_404(
    client: TestClient, session: Session, table: Table, series: MeetingSeries, who: str
) -> None:
    user = {
        "outsider": lambda: table.outsider,
        "admin": lambda: table.admin.user,
        "fg": lambda: make_user(session, is_participant=False, is_privacy_officer=True),
    }[who]()
    as_user(client, user)

    assert client.get(f"/overleggen/{series.id}/tafel").status_code == 404
    assert client.get(f"/overleggen/{series.id}/tafel.vcf").status_code == 404


def test_an_away_member_shows_their_vervanger_during_the_period_and_not_after(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    deputy = make_user(session, name="Dirk Vervanger", organisation_id=table.housing_id)
    give_card(session, deputy, phone="+31201234567", function="Woonconsulent")
    away_until = today() + timedelta(days=10)
    give_card(session, table.member, deputy_user_id=deputy.id, away_until=away_until)

    def housing_part(day: date) -> str:
        at = datetime.combine(day, datetime.min.time().replace(hour=12), AMSTERDAM)
        with time_machine.travel(at, tick=False):
            page = as_user(client, table.chair).get(f"/overleggen/{series.id}/tafel").text
        return page.split(">Woonstichting</h2>")[1]

    on_last_day = housing_part(away_until)
    day_after = housing_part(away_until + timedelta(days=1))

    assert "Afwezig tot en met" in on_last_day
    assert "Vervanger: <strong>Dirk Vervanger" in on_last_day
    assert 'href="tel:+31201234567"' in on_last_day
    assert "Afwezig" not in day_after and "Dirk Vervanger" not in day_after


def test_the_vcards_parse_and_hold_exactly_the_members(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    give_card(session, table.chair, phone="+31612345678", function="Wijkagent")
    deputy = make_user(session, name="Dirk Vervanger", organisation_id=table.housing_id)
    give_card(session, table.member, deputy_user_id=deputy.id, away_until=today())
    as_user(client, table.member)

    response = client.get(f"/overleggen/{series.id}/tafel.vcf")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vcard")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="tafel-overleg-{series.id}.vcf"'
    cards = list(vobject.readComponents(response.text))
    assert sorted(card.fn.value for card in cards) == ["Victor Voorzitter", "Wouter Wonen"]
    chair = next(card for card in cards if card.fn.value == "Victor Voorzitter")
    assert chair.tel.value == "+31612345678" and chair.title.value == "Wijkagent"
    assert chair.org.value == ["Politie"] and chair.email.value == table.chair.email
    logged = session.exec(
        select(AuditEvent).where(AuditEvent.action == "tafel.vcards.gedownload")
    ).one()
    assert logged.object_id == str(series.id) and logged.actor_user_id == table.member.id


def test_the_table_costs_the_same_statements_however_many_sit_at_it(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    as_user(client, table.member)
    path = f"/overleggen/{series.id}/tafel"
    before = count_statements(app, client, path)
    for number in range(3):
        colleague = make_user(session, name=f"Collega {number}", organisation_id=table.housing_id)
        deputy = make_user(session, name=f"Vervanger {number}", organisation_id=table.housing_id)
        give_card(session, colleague, deputy_user_id=deputy.id, away_until=today())
        seat(session, series, colleague)

    assert count_statements(app, client, path) == before


def test_a_newcomer_is_marked_until_two_meetings_have_been_held(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    newcomer = make_user(session, name="Nina Nieuw", organisation_id=table.housing_id)
    seat(session, series, newcomer, joined_at=utcnow() + timedelta(hours=1))
    meetings = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()

    def marked_after(meeting: Meeting) -> bool:
        with time_machine.travel(meeting.ends_at + timedelta(hours=1), tick=False):
            page = as_user(client, table.chair).get(f"/overleggen/{series.id}/tafel").text
        nina = page.split("Nina Nieuw")[1].split("</h3>")[0]
        wouter = page.split("Wouter Wonen")[1].split("</h3>")[0]
        assert "nieuw aan tafel" not in wouter  # seated when the overleg was planned
        return "nieuw aan tafel" in nina

    assert marked_after(meetings[0]) is True
    assert marked_after(meetings[1]) is False


def test_the_chairs_live_page_introduces_newcomers_at_the_top_of_attendance(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    newcomer = make_user(session, name="Nina Nieuw", organisation_id=table.housing_id)
    seat(session, series, newcomer, joined_at=utcnow() + timedelta(minutes=5))
    meetings = session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).all()

    def introduced_at(meeting: Meeting) -> str:
        page = as_user(client, table.chair).get(
            f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
        )
        assert page.status_code == 200
        attendance = page.text.split('id="aanwezigheid"')[1].split("<details")[0]
        return attendance

    first, third = introduced_at(meetings[0]), introduced_at(meetings[2])

    assert "Nieuw aan tafel" in first and "Nina Nieuw (Woonstichting)" in first
    assert "Wouter Wonen" not in first
    assert "Nieuw aan tafel" not in third
