"""The casus forms over HTTP: errors beside the field with everything typed kept, 404s, search."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.cases.models import Case, CasePerson
from app.dates import short_date
from app.db import today
from app.overleg import service as planning_service
from app.overleg.models import MeetingSeries
from tests.cases.forms import form, open_meeting, post
from tests.conftest import log_in
from tests.factories import PASSWORD
from tests.planning import MAIL, Table

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_member_submits_an_identified_casus_and_sees_it(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)

    response = post(
        client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, series))
    )

    case = session.exec(select(Case)).one()
    assert response.headers["location"] == f"/overleggen/{series.id}/casussen/{case.id}"
    page = client.get(response.headers["location"]).text
    assert "Kees Wildeboer" in page and "999990111" in page and case.reference in page


def test_bad_input_comes_back_beside_the_fields_with_everything_typed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    future = (today() + timedelta(days=3)).isoformat()

    response = post(
        client,
        f"/overleggen/{series.id}/casussen/nieuw",
        form(
            open_meeting(session, series),
            **{
                "person-1-bsn": "999990112",
                "person-1-birth_date": future,
                "legal_basis": "",
                "reason": "Wat ik al had opgeschreven",
            },
        ),
    )

    assert response.status_code == 422
    page = response.text
    assert 'id="person-1-bsn-error">Dit is geen geldig BSN' in page
    assert 'id="person-1-birth_date-error">De geboortedatum ligt in de toekomst.' in page
    assert 'id="legal_basis-error">Vul dit veld in.' in page
    assert 'value="999990112"' in page and "Wat ik al had opgeschreven</textarea>" in page
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


def test_script_in_a_field_is_shown_as_text(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    post(
        client,
        f"/overleggen/{series.id}/casussen/nieuw",
        form(open_meeting(session, series), pseudonym="Bewoner <b>X</b>", reason=SCRIPT * 2),
    )
    case = session.exec(select(Case)).one()

    page = client.get(f"/overleggen/{series.id}/casussen/{case.id}").text

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page and "Bewoner &lt;b&gt;X&lt;/b&gt;" in page


def test_a_casus_id_of_another_overleg_or_for_a_non_member_is_a_404(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    other = planning_service.create_series(
        session, plan=table.plan(name="Ander overleg"), by=table.admin, today=today(), mail=MAIL
    )
    log_in(client, table.chair.email, PASSWORD)
    post(client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, series)))
    case = session.exec(select(Case)).one()

    assert client.get(f"/overleggen/{other.id}/casussen/{case.id}").status_code == 404
    client.cookies.clear()
    log_in(client, table.outsider.email, PASSWORD)
    assert client.get(f"/overleggen/{series.id}/casussen/{case.id}").status_code == 404
    assert client.get(f"/overleggen/{series.id}/casussen").status_code == 404


def test_a_submission_to_a_meeting_of_another_overleg_is_refused(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    other = planning_service.create_series(
        session, plan=table.plan(name="Ander overleg"), by=table.admin, today=today(), mail=MAIL
    )
    log_in(client, table.chair.email, PASSWORD)

    response = post(
        client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, other))
    )

    assert response.status_code == 422
    assert 'id="meeting_id-error">Kies een bijeenkomst van dit overleg.' in response.text


def test_search_finds_reference_and_pseudonym_never_encrypted_fields(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    post(client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, series)))
    base = f"/overleggen/{series.id}/casussen"

    by_pseudonym = client.get(base, params={"zoek": "overlast"}).text
    by_name = client.get(base, params={"zoek": "Wildeboer"}).text
    by_status = client.get(base, params={"status": "afgesloten"}).text

    assert "Man met overlast" in by_pseudonym
    assert "Geen casussen gevonden." in by_name and "Geen casussen gevonden." in by_status


def test_the_filter_form_with_every_field_empty_lists_everything(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    post(client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, series)))

    response = client.get(
        f"/overleggen/{series.id}/casussen",
        params={"zoek": "", "status": "", "categorie": "", "eigenaar": "", "inbrenger": ""},
    )

    assert response.status_code == 200 and "Man met overlast" in response.text


def test_the_form_offers_the_coming_meetings(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.member.email, PASSWORD)

    page = client.get(f"/overleggen/{series.id}/casussen/nieuw").text

    meeting = open_meeting(session, series)
    assert f'<option value="{meeting.id}">' in page
    assert f"inbrengen tot en met {short_date(meeting.agenda_deadline)}" in page


def test_the_form_starts_with_one_person_and_adding_one_keeps_everything_typed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.member.email, PASSWORD)
    path = f"/overleggen/{series.id}/casussen/nieuw"
    first = client.get(path).text
    typed = form(open_meeting(session, series), reason="Wat ik al had opgeschreven")

    second = post(client, path, typed | {"persoon_toevoegen": "ja"})
    third = post(client, path, typed | {"personen": "2", "persoon_toevoegen": "ja"})

    assert 'id="persoon-1"' in first and 'id="persoon-2"' not in first
    assert second.status_code == 200 and 'id="persoon-2"' in second.text
    assert 'value="Kees Wildeboer"' in second.text
    assert "Wat ik al had opgeschreven</textarea>" in second.text
    assert 'id="persoon-3"' in third.text and "Persoon toevoegen" not in third.text
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


def test_a_category_sent_many_times_is_stored_once(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.member.email, PASSWORD)

    response = post(
        client,
        f"/overleggen/{series.id}/casussen/nieuw",
        form(open_meeting(session, series), categories=["overlast", "verslaving"] * 60),
    )

    assert response.status_code == 303
    assert session.exec(select(Case)).one().category_list == ["overlast", "verslaving"]


def test_children_are_a_question_of_their_own_and_a_submission_is_confirmed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.member.email, PASSWORD)
    path = f"/overleggen/{series.id}/casussen/nieuw"
    page = client.get(path).text

    response = post(client, path, form(open_meeting(session, series), children_involved="true"))

    assert "Zijn er kinderen betrokken?</legend>" in page
    assert 'name="children_involved" value="false" checked' in page
    case = session.exec(select(Case)).one()
    assert case.children_involved is True
    assert f"Casus {case.reference} ingediend." in client.get(response.headers["location"]).text


def test_only_the_chosen_kind_is_asked_and_the_other_kind_is_not_stored(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.member.email, PASSWORD)
    typed_then_switched = form(
        open_meeting(session, series),
        identified="geanonimiseerd",
        age_band="46-66 jaar",
        situation="Zorgen over een oudere man.",
    )

    post(client, f"/overleggen/{series.id}/casussen/nieuw", typed_then_switched)

    case = session.exec(select(Case)).one()
    assert not case.identified and case.legal_basis is None
    assert session.exec(select(func.count()).select_from(CasePerson)).one() == 0
