"""'Mijn acties': a user sees their own and their organisation's tasks (open, te laat, afgerond),
reports one done, or reports that it did not work out or needs more time."""

import html
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.dates import short_date
from app.db import today
from app.overleg.models import MeetingSeries
from app.tasks.models import Setback, Task, TaskStatus
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.planning import Table
from tests.tasks.conftest import agree, report, report_setback

DONE_CONFIRMATION = "Actie gereed gemeld. Dank voor de terugkoppeling."


@dataclass
class Agreed:
    mine: Task  # named: the chair (Politie)
    police: Task  # for the Politie, no one named
    housing: Task  # for the Woonstichting


@pytest.fixture
def agreed(session: Session, table: Table, series: MeetingSeries) -> Agreed:
    return Agreed(
        mine=agree(session, table, series, "Huisbezoek afleggen", table.police_id, table.chair),
        police=agree(session, table, series, "Buurtonderzoek doen", table.police_id),
        housing=agree(session, table, series, "Schouw van de woning", table.housing_id),
    )


def make_overdue(session: Session, task: Task, days: int = 3) -> None:
    task.due_on = today() - timedelta(days=days)
    session.add(task)
    session.commit()


def stored(session: Session, task: Task) -> Task:
    session.expire_all()
    return session.get(Task, task.id)


def test_the_assignee_reports_back_and_others_cannot(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    page = client.get("/acties").text
    empty = report(client, agreed.mine, feedback="")
    done = report(client, agreed.mine, feedback="Huisbezoek gedaan; meneer wil hulp.")
    foreign = report(client, agreed.housing, feedback="Niet van mij")

    assert "Huisbezoek afleggen" in page and "Schouw van de woning" not in page
    assert empty.status_code == 422 and f'id="feedback-{agreed.mine.id}-error"' in empty.text
    assert done.status_code == 303 and done.headers["location"] == "/acties?weergave=open"
    assert foreign.status_code == 404
    assert stored(session, agreed.mine).status == TaskStatus.DONE
    assert stored(session, agreed.housing).status == TaskStatus.OPEN


def test_a_done_task_is_confirmed_once_and_kept_in_the_history_with_its_feedback(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    report(client, agreed.mine, feedback="Huisbezoek gedaan; meneer wil hulp.")

    after = client.get("/acties").text
    again = client.get("/acties").text
    history = client.get("/acties?weergave=afgerond").text

    assert DONE_CONFIRMATION in after and DONE_CONFIRMATION not in again
    assert "Huisbezoek afleggen" not in after and "Buurtonderzoek doen" in after
    assert "Huisbezoek afleggen" in history and "Buurtonderzoek doen" not in history
    assert "Terugkoppeling: Huisbezoek gedaan; meneer wil hulp." in history
    assert f"Gereed gemeld op {short_date(today())}" in history


def test_the_history_pages_the_done_tasks_last_done_first(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    tasks = [
        agree(session, table, series, f"Actie {n:02}", table.police_id, table.chair)
        for n in range(21)
    ]
    log_in(client, table.chair.email, PASSWORD)
    for task in tasks:
        report(client, task, feedback=f"Klaar met {task.description}")

    first = client.get("/acties?weergave=afgerond").text
    second = client.get("/acties?weergave=afgerond&pagina=2").text

    assert first.count("Gereed gemeld op") == 20 and second.count("Gereed gemeld op") == 1
    assert first.index("Actie 20") < first.index("Actie 19") and "Actie 00" not in first
    assert "Actie 00" in second and "pagina=2" in first and "pagina=1" in second


def test_the_overdue_view_shows_the_open_tasks_past_their_deadline(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    make_overdue(session, agreed.police)
    log_in(client, table.chair.email, PASSWORD)

    open_tasks = client.get("/acties").text
    overdue = client.get("/acties?weergave=te-laat").text

    assert "Huisbezoek afleggen" in open_tasks and "Buurtonderzoek doen" in open_tasks
    assert "Buurtonderzoek doen" in overdue and "Huisbezoek afleggen" not in overdue
    assert "Open (2)" in overdue and "Te laat (1)" in overdue
    assert 'href="/acties?weergave=te-laat" aria-current="page"' in overdue
    assert overdue.count(">te laat</span>") == 1


def test_a_task_for_the_user_is_told_apart_from_one_for_their_organisation(
    client: TestClient, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    page = client.get("/acties").text

    mine = page[page.index("Huisbezoek afleggen") : page.index("Buurtonderzoek doen")]
    police = page[page.index("Buurtonderzoek doen") :]
    assert "Voor u</span>" in mine and "Voor Politie</span>" not in mine
    assert "Voor Politie</span>" in police and "Voor u</span>" not in police


def test_more_time_is_reported_with_a_reason_and_a_proposed_date(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    proposed = today() + timedelta(days=10)
    log_in(client, table.chair.email, PASSWORD)
    answer = report_setback(
        client,
        agreed.police,
        "meer tijd nodig",
        "De bewoner is pas volgende week thuis.",
        proposed.isoformat(),
    )
    page = client.get("/acties").text

    assert answer.status_code == 303
    assert (
        f"Doorgegeven: meer tijd nodig, voorgestelde datum {short_date(proposed)}. "
        "De voorzitter bespreekt het op de volgende bijeenkomst."
    ) in page
    assert f"door: <strong>meer tijd nodig</strong>, voorgestelde datum {short_date(proposed)}" in (
        page
    )
    task = stored(session, agreed.police)
    assert (task.status, task.setback, task.proposed_due_on) == (
        TaskStatus.OPEN,
        Setback.MORE_TIME,
        proposed,
    )
    assert task.feedback == "De bewoner is pas volgende week thuis."
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "taak.niet_gereed")).one()
    assert event.object_id == str(task.id) and event.actor_user_id == table.chair.id


def test_niet_gelukt_is_reported_without_a_date(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    answer = report_setback(client, agreed.mine, "niet gelukt", "Meneer weigert de deur.")
    page = client.get("/acties").text

    assert answer.status_code == 303
    assert "Doorgegeven: de actie is niet gelukt." in page
    task = stored(session, agreed.mine)
    assert (task.setback, task.proposed_due_on) == (Setback.FAILED, None)


def days_from_today(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("setback", "reason", "proposed", "field", "message"),
    [
        (
            "meer tijd nodig",
            "Nog geen afspraak kunnen maken.",
            days_from_today(-1),
            "proposed_due_on",
            "De voorgestelde datum ligt in het verleden.",
        ),
        ("meer tijd nodig", "", days_from_today(7), "reason", "Vul dit veld in."),
        (
            "meer tijd nodig",
            "Nog geen afspraak kunnen maken.",
            "",
            "proposed_due_on",
            "Stel een nieuwe datum voor.",
        ),
        (
            "meer tijd nodig",
            "Nog geen afspraak kunnen maken.",
            "2101-01-01",
            "proposed_due_on",
            "Kies een datum tussen 1 jan 2000 en 31 dec 2100.",
        ),
        (
            "niet gelukt",
            "Nog geen afspraak kunnen maken.",
            days_from_today(7),
            "proposed_due_on",
            "Een nieuwe datum hoort bij meer tijd nodig; laat hem hier leeg.",
        ),
        (
            "",
            "Nog geen afspraak kunnen maken.",
            "",
            "setback",
            "Kies: niet gelukt of meer tijd nodig.",
        ),
    ],
    ids=[
        "datum verleden",
        "geen reden",
        "geen datum",
        "datum buiten venster",
        "datum bij niet gelukt",
        "geen keuze",
    ],
)
def test_a_refused_setback_report_comes_back_beside_its_field_with_everything_typed_kept(
    client: TestClient,
    session: Session,
    table: Table,
    agreed: Agreed,
    setback: str,
    reason: str,
    proposed: str,
    field: str,
    message: str,
) -> None:
    make_overdue(session, agreed.mine)
    log_in(client, table.chair.email, PASSWORD)
    refused = report_setback(client, agreed.mine, setback, reason, proposed, weergave="te-laat")
    page = html.unescape(refused.text)
    task_id = agreed.mine.id

    assert refused.status_code == 422
    assert f'id="{field}-{task_id}-error">{message}</div>' in page
    assert f'href="#{field}-{task_id}">{message}</a>' in page  # the error summary
    assert f">{reason}</textarea>" in page and f'value="{proposed}"' in page
    if setback:
        assert f'value="{setback}" checked' in page
    assert '<details class="casustafel-setback" open>' in page
    # The refusal lives at an address that loads again: the view the form was on.
    assert 'action="/acties?weergave=te-laat"' in page
    assert client.get("/acties?weergave=te-laat").status_code == 200
    task = stored(session, agreed.mine)
    assert (task.setback, task.feedback, task.version) == (None, "", agreed.mine.version)


def test_an_unknown_report_is_refused_above_the_forms(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    refused = client.post(
        "/acties",
        data={
            "task_id": str(agreed.mine.id),
            "melding": "vervallen",
            "csrf_token": csrf_from(client, "/acties"),
        },
    )

    assert refused.status_code == 422
    assert "Kies gereed melden, niet gelukt of meer tijd nodig." in refused.text
    assert stored(session, agreed.mine).status == TaskStatus.OPEN


def test_someone_not_at_the_table_gets_a_404_and_the_fg_a_403(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    police_not_at_the_table = make_user(session, organisation_id=table.police_id)
    fg = make_user(session, is_privacy_officer=True, organisation_id=table.police_id)
    proposed = days_from_today(7)

    log_in(client, police_not_at_the_table.email, PASSWORD)
    page = client.get("/acties").text
    not_at_the_table = report_setback(client, agreed.police, "meer tijd nodig", "Druk", proposed)
    client.cookies.clear()
    log_in(client, fg.email, PASSWORD)
    read_only = report_setback(client, agreed.police, "meer tijd nodig", "Druk", proposed)

    assert "Buurtonderzoek doen" not in page
    assert not_at_the_table.status_code == 404
    assert read_only.status_code == 403
    task = stored(session, agreed.police)
    assert (task.setback, task.feedback) == (None, "")


def test_a_view_that_does_not_exist_is_a_bad_request(client: TestClient, table: Table) -> None:
    log_in(client, table.chair.email, PASSWORD)

    assert client.get("/acties?weergave=alles").status_code == 400
    assert client.get("/acties?weergave=afgerond&pagina=0").status_code == 400


def test_mijn_acties_links_to_the_actions_overview_of_the_own_organisation(
    client: TestClient, session: Session, table: Table, series: MeetingSeries, agreed: Agreed
) -> None:
    meeting_id = agreed.housing.meeting_id
    overview = (
        f"/overleggen/{series.id}/bijeenkomsten/{meeting_id}/verslag/acties/{table.housing_id}.pdf"
    )

    log_in(client, table.member.email, PASSWORD)  # housing, a member, not the chair
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


def test_today_is_a_proposal_that_is_not_in_the_past(
    client: TestClient, session: Session, table: Table, agreed: Agreed
) -> None:
    log_in(client, table.chair.email, PASSWORD)
    answer = report_setback(
        client, agreed.mine, "meer tijd nodig", "Vandaag lukt het nog.", today().isoformat()
    )

    assert answer.status_code == 303
    assert stored(session, agreed.mine).proposed_due_on == today()
