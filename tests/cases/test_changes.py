"""Changing a casus over HTTP: each change asks for confirmation first, only the submitting
organisation corrects or withdraws (until the agenda is frozen), and every change is confirmed."""

from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.agenda import service as agenda_service
from app.audit import AuditEvent
from app.cases.models import Case, CasePerson, CaseStatus
from app.db import today
from app.overleg.models import MeetingSeries
from tests.cases.forms import form, open_meeting, post
from tests.conftest import log_in
from tests.factories import PASSWORD
from tests.planning import MAIL, Table

ANONYMISED = {"age_band": "46-66 jaar", "situation": "Zorgen over een oudere man."}


def submitted(client: TestClient, session: Session, table: Table, series: MeetingSeries) -> str:
    """The chair (of the police) brings an identified casus about Kees; its page's path."""
    log_in(client, table.chair.email, PASSWORD)
    response = post(
        client, f"/overleggen/{series.id}/casussen/nieuw", form(open_meeting(session, series))
    )
    assert response.status_code == 303
    return response.headers["location"]


def the_case(session: Session) -> Case:
    case = session.exec(select(Case)).one()
    session.refresh(case)
    return case


def persons(session: Session) -> int:
    return session.exec(select(func.count()).select_from(CasePerson)).one()


def test_only_the_submitting_organisation_may_correct_or_withdraw(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    client.cookies.clear()
    log_in(client, table.member.email, PASSWORD)

    changes = ("corrigeren", "intrekken", "anonimiseren")
    answers = [client.get(f"{path}/{change}").status_code for change in changes] + [
        post(client, f"{path}/{change}", {"bevestigd": "ja"}).status_code for change in changes
    ]
    page = client.get(path).text
    client.cookies.clear()
    log_in(client, table.outsider.email, PASSWORD)

    assert answers == [403] * 6
    assert "/corrigeren" not in page and "/intrekken" not in page
    assert client.get(f"{path}/corrigeren").status_code == 404
    assert the_case(session).status == CaseStatus.SUBMITTED


def test_the_correction_form_comes_filled_in_and_that_read_is_logged(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)

    page = client.get(f"{path}/corrigeren").text

    assert 'value="Kees Wildeboer"' in page and 'value="999990111"' in page
    assert 'value="Man met overlast"' in page
    reads = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "casus.identificerend.ingezien",
            AuditEvent.context == "casus corrigeren",
        )
    ).all()
    assert [(read.object_id, read.actor_name) for read in reads] == [
        (str(the_case(session).id), table.chair.name)
    ]


def test_a_correction_is_checked_before_it_is_saved_and_then_confirmed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    typed = form(open_meeting(session, series), pseudonym="Oudere man met overlast")
    del typed["meeting_id"], typed["identified"]

    check = post(client, f"{path}/corrigeren", typed)
    back = post(client, f"{path}/corrigeren", typed | {"terug": "ja"})
    unchanged = the_case(session).pseudonym
    done = post(client, f"{path}/corrigeren", typed | {"bevestigd": "ja"})

    assert check.status_code == 200 and "Ja, corrigeren" in check.text
    assert 'type="hidden" name="person-1-name" value="Kees Wildeboer"' in check.text
    assert 'value="Oudere man met overlast"' in back.text and "Ja, corrigeren" not in back.text
    assert unchanged == "Man met overlast"
    case = the_case(session)
    assert done.status_code == 303 and case.pseudonym == "Oudere man met overlast"
    assert f"Casus {case.reference} gecorrigeerd." in client.get(path).text


def test_a_withdrawal_needs_its_confirmation_and_then_erases_the_persons(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    warning = client.get(f"{path}/intrekken").text

    unconfirmed = post(client, f"{path}/intrekken", {})
    still = (the_case(session).status, persons(session))
    confirmed = post(client, f"{path}/intrekken", {"bevestigd": "ja"})

    assert "definitief gewist" in warning and "Ja, intrekken" in warning
    assert unconfirmed.status_code == 422 and "Er is niets gewijzigd" in unconfirmed.text
    assert still == (CaseStatus.SUBMITTED, 1)
    case = the_case(session)
    assert confirmed.status_code == 303
    assert (case.status, persons(session)) == (CaseStatus.WITHDRAWN, 0)
    page = client.get(path).text
    assert f"Casus {case.reference} ingetrokken." in page and "Kees Wildeboer" not in page


def test_after_the_freeze_a_withdrawal_is_refused_in_dutch(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    meeting = open_meeting(session, series)
    agenda_service.freeze(session, series=series, meeting=meeting, by=table.admin, mail=MAIL)

    refused = post(client, f"{path}/intrekken", {"bevestigd": "ja"})

    assert refused.status_code == 422
    assert "De agenda van de bijeenkomst is al vastgesteld" in refused.text
    assert (the_case(session).status, persons(session)) == (CaseStatus.SUBMITTED, 1)
    page = client.get(path).text
    assert "Corrigeren of intrekken kan niet meer" in page
    assert f"{path}/intrekken" not in page


def test_anonymising_is_behind_a_page_that_says_it_cannot_be_undone(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    page = client.get(path).text
    warning = client.get(f"{path}/anonimiseren").text
    reason = {"change_reason": "Geen grondslag meer."}

    unconfirmed = post(client, f"{path}/anonimiseren", ANONYMISED | reason)
    still = persons(session)
    confirmed = post(client, f"{path}/anonimiseren", ANONYMISED | reason | {"bevestigd": "ja"})

    assert f'action="{path}/anonimiseren"' not in page and f'href="{path}/anonimiseren"' in page
    assert "worden definitief gewist. Dit kan niet ongedaan worden gemaakt." in warning
    assert "Ja, anonimiseren" in warning
    assert unconfirmed.status_code == 422 and still == 1
    assert confirmed.status_code == 303 and persons(session) == 0
    assert f"Casus {the_case(session).reference} geanonimiseerd." in client.get(path).text


def test_identifying_asks_for_confirmation_and_adds_a_person_on_the_same_page(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    anonymous = form(open_meeting(session, series), identified="geanonimiseerd", **ANONYMISED)
    path = post(client, f"/overleggen/{series.id}/casussen/nieuw", anonymous).headers["location"]
    typed = {
        key: value
        for key, value in form(open_meeting(session, series)).items()
        if key.startswith("person-") or key in ("consent", "legal_basis")
    } | {"change_reason": "Bewoner gaf toestemming."}

    added = post(client, f"{path}/identificeren", typed | {"persoon_toevoegen": "ja"})
    unconfirmed = post(client, f"{path}/identificeren", typed)
    still = persons(session)
    confirmed = post(client, f"{path}/identificeren", typed | {"bevestigd": "ja"})

    assert 'id="persoon-2"' in added.text and 'value="Kees Wildeboer"' in added.text
    assert unconfirmed.status_code == 422 and still == 0
    assert confirmed.status_code == 303 and persons(session) == 1
    assert f"Casus {the_case(session).reference} geïdentificeerd." in client.get(path).text


def test_a_decision_of_the_chair_is_confirmed(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)

    post(client, f"{path}/eigenaar", {"owner_organisation_id": str(table.police_id)})

    reference = the_case(session).reference
    assert f"Casus-eigenaar van {reference} vastgelegd." in client.get(path).text


def test_a_reason_as_long_as_the_form_allows_is_kept_whole_on_escalating_and_closing(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    path = submitted(client, session, table, series)
    # As long as the form and the columns allow: 2,000 characters.
    escalation_reason = ("Acute onveiligheid. " * 100)[:1999] + "!"
    closing_reason = ("Veilig Thuis heeft regie. " * 77)[:1999] + "!"

    escalated = post(
        client,
        f"{path}/opschalen",
        {
            "escalated_to": "Veilig Thuis",
            "escalated_on": today().isoformat(),
            "escalation_reason": escalation_reason,
        },
    )
    closed = post(
        client,
        f"{path}/afsluiten",
        {"closed_on": today().isoformat(), "closed_reason": closing_reason},
    )

    assert len(escalation_reason) == len(closing_reason) == 2000
    assert escalated.status_code == closed.status_code == 303
    case = the_case(session)
    assert (case.escalation_reason, case.closed_reason) == (escalation_reason, closing_reason)
    page = client.get(path).text
    assert escalation_reason in page and closing_reason in page
    assert "Opgeschaald naar Veilig Thuis</li>" in page and " Afgesloten</li>" in page
