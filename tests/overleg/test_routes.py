"""Planning over HTTP: who may do what (403 / 404), forms that keep input, htmx fragments, feeds."""

import re

from fastapi.testclient import TestClient
from httpx import Response
from icalendar import Calendar
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.db import today
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD
from tests.planning import Table


def as_user(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email, PASSWORD)
    return client


def post(client: TestClient, path: str, data: dict[str, object], **headers: str) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, "/")}, headers=headers)


def first_meeting(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.starts_at))
    ).first()


def test_the_beheerder_plans_an_overleg_through_the_form(
    client: TestClient, session: Session, table: Table
) -> None:
    as_user(client, table.admin.user.email)
    plan = table.plan()
    form = plan.model_dump(mode="json") | {"allow_declarations": "true"}

    response = post(client, "/overleggen/nieuw", form)

    series = session.exec(select(MeetingSeries)).one()
    assert response.headers["location"] == f"/overleggen/{series.id}"
    page = client.get(f"/overleggen/{series.id}").text
    assert "Integraal overleg Wijk Noord" in page and "Komende bijeenkomsten" in page


def test_a_bad_plan_comes_back_with_messages_and_every_tick_kept(
    client: TestClient, session: Session, table: Table
) -> None:
    as_user(client, table.admin.user.email)
    form = table.plan().model_dump(mode="json") | {
        "member_ids": [str(table.member.id), str(table.outsider.id)],
        "deadline_working_days": "-2",
        "start_time": "",
    }

    response = post(client, "/overleggen/nieuw", form)

    assert response.status_code == 422
    page = response.text
    assert 'id="deadline_working_days-error">Kies minstens 0.' in page
    assert 'id="start_time-error">Vul dit veld in.' in page
    assert (
        f'id="member_ids-{table.outsider.id}" name="member_ids" value="{table.outsider.id}" checked'
        in page
    )
    assert 'value="Integraal overleg Wijk Noord"' in page
    assert session.exec(select(MeetingSeries)).all() == []

    outsider = post(
        client, "/overleggen/nieuw", form | {"deadline_working_days": "5", "start_time": "09:30"}
    )
    assert (
        'id="member_ids-error">Olga Buiten hoort niet bij een van de gekozen organisaties.'
        in outsider.text
    )


def test_only_beheerders_plan(client: TestClient, table: Table, series: MeetingSeries) -> None:
    as_user(client, table.chair.email)

    assert client.get("/overleggen/nieuw").status_code == 403
    assert post(client, "/overleggen/nieuw", {"name": "X"}).status_code == 403
    assert client.get(f"/overleggen/{series.id}/planning").status_code == 403


def test_outsiders_do_not_learn_an_overleg_exists(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    as_user(client, table.outsider.email)

    for path in (
        f"/overleggen/{series.id}",
        f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}",
        f"/overleggen/{series.id}/kalender.ics",
    ):
        assert client.get(path).status_code == 404
    assert series.name not in client.get("/overleggen").text


def test_a_meeting_of_another_overleg_in_the_url_is_a_404(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    from app.overleg import service
    from tests.planning import MAIL

    other = service.create_series(
        session, plan=table.plan(name="Ander overleg"), by=table.admin, today=today(), mail=MAIL
    )
    as_user(client, table.chair.email)

    response = client.get(
        f"/overleggen/{series.id}/bijeenkomsten/{first_meeting(session, other).id}"
    )

    assert response.status_code == 404


def test_only_chairs_change_the_agenda(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/agenda"
    as_user(client, table.member.email)

    assert post(client, base, {"title": "Mijn punt"}).status_code == 403
    assert post(client, f"{base}/vaststellen", {}).status_code == 403
    assert session.exec(select(AgendaItem)).all() == []

    as_user(client, table.chair.email)
    assert post(client, base, {"title": "Opening"}).status_code == 303
    assert post(client, f"{base}/vaststellen", {}).status_code == 303
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.AGENDA_FROZEN


def test_reordering_answers_htmx_with_the_agenda_fragment(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/agenda"
    as_user(client, table.chair.email)
    for title in ("Opening", "Rondvraag"):
        post(client, base, {"title": title})
    second = session.exec(select(AgendaItem).where(AgendaItem.title == "Rondvraag")).one()

    fragment = post(
        client,
        f"{base}/{second.id}/omhoog",
        {},
        **{"HX-Request": "true", "HX-Target": "section#agenda"},
    )
    plain = post(client, f"{base}/{second.id}/omlaag", {})

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<section id="agenda"')
    assert "<html" not in fragment.text
    assert fragment.text.index("Rondvraag") < fragment.text.index("Opening")
    assert fragment.headers["vary"] == "HX-Request"
    assert plain.status_code == 303 and plain.headers["location"].endswith("#agenda")


def test_an_empty_agenda_item_gets_a_message_beside_the_field(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    as_user(client, table.chair.email)

    response = post(
        client,
        f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/agenda",
        {"title": "", "description": "Wat ik al had getypt"},
    )

    assert response.status_code == 422
    assert 'id="title-error">Vul dit veld in.' in response.text
    assert "Wat ik al had getypt</textarea>" in response.text


def test_the_meeting_page_shows_who_is_not_covered_and_why(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    as_user(client, table.member.email)

    page = client.get(f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}").text

    assert "Niet gedekt: Wouter Wonen (niet ondertekend)" in page
    assert "Geheimhoudingsverklaring (versie 1)" in page

    signed = post(
        client, f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/verklaring", {"accept": "true"}
    )
    assert signed.status_code == 303
    after = client.get(f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}").text
    assert "Niet gedekt:" not in after
    assert "Gedekt door een geheimhoudingsverklaring" in after


def test_series_and_meeting_calendars_download(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = first_meeting(session, series)
    as_user(client, table.member.email)

    whole = client.get(f"/overleggen/{series.id}/kalender.ics")
    one = client.get(f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/kalender.ics")

    assert whole.headers["content-type"].startswith("text/calendar")
    assert "RRULE" in whole.text and "METHOD:PUBLISH" in one.text


def test_the_personal_feed_shows_only_own_overleggen_and_a_new_link_kills_the_old(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    from app.overleg import service
    from tests.planning import MAIL

    service.create_series(
        session,
        plan=table.plan(name="Geheim ander overleg", member_ids=[], chair_ids=[table.chair.id]),
        by=table.admin,
        today=today(),
        mail=MAIL,
    )
    as_user(client, table.member.email)
    first = post(client, "/agenda-abonnement", {})
    old_url = re.search(r'value="(https?://[^"]+\.ics)"', first.text)[1]
    old_path = old_url.split("://", 1)[1].split("/", 1)[1]

    feed = client.get(f"/{old_path}")
    post(client, "/agenda-abonnement", {})
    client.cookies.clear()

    names = {str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).events}
    assert names == {"Integraal overleg Wijk Noord"}
    assert client.get(f"/{old_path}").status_code == 404
    assert client.get("/agenda/verkeerd-token.ics").status_code == 404


def test_the_plan_sets_the_two_bewaartermijnen_within_their_bounds(
    client: TestClient, session: Session, table: Table
) -> None:
    as_user(client, table.admin.user.email)
    form = table.plan().model_dump(mode="json")
    assert 'id="case_retention_months" name="case_retention_months" value="24"' in (
        client.get("/overleggen/nieuw").text
    )

    refused = post(client, "/overleggen/nieuw", form | {"case_retention_months": "200"})
    assert refused.status_code == 422
    assert 'id="case_retention_months-error">Kies hoogstens 120.' in refused.text

    post(client, "/overleggen/nieuw", form | {"minutes_retention_months": "84"})
    series = session.exec(select(MeetingSeries)).one()
    assert (series.case_retention_months, series.minutes_retention_months) == (24, 84)
