"""The verslag of the demo's past meeting: what the PDF holds, who gets it, that the stored
version never changes, and that text typed by users cannot make the renderer fetch anything."""

import hashlib
import io
import re
import socket
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import event, text
from sqlmodel import Session, col, select

from app import pdf, watermark
from app.agenda.models import AgendaItem, AgendaItemKind
from app.audit import Actor, AuditEvent
from app.cases import disclosure
from app.mail.models import OutboxMessage
from app.meetings import service as live_service
from app.meetings.models import Informing, ItemRecord, MeetingAttendance, NextStep, Presence
from app.minutes import service as minutes_service
from app.minutes.models import MinutesVersion
from app.organisations.models import Organisation
from app.overleg.models import (
    Meeting,
    MeetingSeries,
    MeetingStatus,
    SeriesMember,
    SeriesOrganisation,
)
from app.tasks.models import Task
from app.users.models import User
from tests.cases.tokens import persons_of, tampered
from tests.conftest import csrf_from, statements_sent
from tests.factories import PASSWORD, make_user
from tests.minutes.demo import (
    DEMO_BSNS,
    DEMO_NAMES,
    DemoMinutes,
    as_user,
    flat,
    names_in_minutes,
    next_planned_meeting,
    pdf_text,
    stored,
)
from tests.qpdf import qpdf_check

PRESENT_COVERED = [
    "voorzitter@dorpsveen.example",
    "beheer@dorpsveen.example",
    "wijkagent@politie.example",
    "sociaalteam@dorpsveen.example",
]


def test_the_final_minutes_hold_the_record_and_no_identifying_data(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    response = as_user(client, "wijkagent@politie.example").get(f"{minutes.path}/versies/1.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    content = flat(pdf_text(response.content))
    for name in ["Victor Voorzitter", "Bea Beheer", "Wim Wijkagent", "Sanne Sociaal"]:
        assert name in content
    assert "Wouter Wonen aanwezig Niet gedekt: De organisatie heeft het convenant" in content
    assert "Wim Wijkagent aanwezig Gedekt door de ondertekening van" in content
    for case in minutes.cases:
        assert case.reference in content
    for task in minutes.tasks:
        assert flat(task.description) in content
    assert "Casus-eigenaar Politie, basisteam Dorpsveen (Wim Wijkagent)" in content
    assert "Casus-eigenaar Sociaal team Dorpsveen (Sanne Sociaal)" in content
    assert "Opgeschaald naar Zorg- en Veiligheidshuis" in content
    assert "Vertrouwelijk" in content
    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    assert f"pagina 1 van {pages}" in content and f"pagina {pages} van {pages}" in content
    for secret in DEMO_BSNS + DEMO_NAMES:
        assert secret not in content
    assert "Inwoners alleen referentie en pseudoniem" in content
    assert "CONCEPT" not in content


def test_every_printed_page_says_confidential_and_its_number(
    client: TestClient, minutes: DemoMinutes
) -> None:
    response = as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/versies/1.pdf")

    pages = [flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "Vertrouwelijk" in page and f"pagina {number} van {len(pages)}" in page


def test_the_pdf_is_tagged_in_dutch_with_its_metadata(
    client: TestClient, minutes: DemoMinutes
) -> None:
    response = as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/versies/1.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.startswith("Verslag Integraal overleg Dorpsveen")
    assert reader.metadata.author == "Integraal overleg Dorpsveen"
    assert reader.metadata.subject == "Vertrouwelijk verslag van een casusoverleg"


def test_names_appear_only_when_the_overleg_allows_it_and_never_a_bsn(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)

    concept = as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/concept.pdf")

    content = flat(pdf_text(concept.content))
    assert "Kees Wildeboer" in content
    assert "Inwoners met namen" in content
    assert "CONCEPT" in content
    for bsn in DEMO_BSNS:
        assert bsn not in content
    named = session.exec(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "casus.identificerend.ingezien", AuditEvent.context == "verslag"
        )
    ).all()
    kees = next(c for c in minutes.cases if c.pseudonym.startswith("Man met overlast"))
    assert str(kees.id) in named


@pytest.fixture
def listener() -> socket.socket:
    """A TCP port on loopback that counts who connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    yield server
    server.close()


def test_html_typed_into_a_field_is_printed_as_text_and_fetches_nothing(
    session: Session, client: TestClient, minutes: DemoMinutes, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    hostile = (
        f'<img src="http://127.0.0.1:{port}/x"> <link rel=stylesheet href="file:///etc/passwd">'
        f' <style>@import "http://127.0.0.1:{port}/css";</style>'
    )
    meeting_items = select(AgendaItem).where(AgendaItem.meeting_id == minutes.meeting.id)
    item = session.exec(meeting_items).first()
    chair = session.exec(select(User).where(User.email == "voorzitter@dorpsveen.example")).one()
    record = live_service.record_of(session, item=item)
    live_service.save_text(
        session,
        meeting=minutes.meeting,
        item=item,
        field="dissent",
        value=hostile,
        based_on=live_service.fingerprint(record.dissent),
        by=Actor(user=chair, organisation_name="Gemeente Dorpsveen", client_address="test"),
    )

    concept = as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/concept.pdf")

    assert concept.status_code == 200
    content = flat(pdf_text(concept.content))
    assert f'<img src="http://127.0.0.1:{port}/x">' in content
    assert '<link rel=stylesheet href="file:///etc/passwd">' in content
    assert "root:" not in content
    with pytest.raises(TimeoutError):
        listener.accept()


def test_a_download_leaves_the_stored_version_as_it_is_and_names_its_downloader(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    version, before = stored(session, minutes.meeting)
    assert hashlib.sha256(before).hexdigest() == version.sha256

    copies = {}
    for email, name in [
        ("wijkagent@politie.example", "Wim Wijkagent"),
        ("sociaalteam@dorpsveen.example", "Sanne Sociaal"),
    ]:
        copies[name] = as_user(client, email).get(f"{minutes.path}/versies/1.pdf").content

    _, after = stored(session, minutes.meeting)
    assert after == before
    for name, copy in copies.items():
        assert copy.startswith(before)
        assert f"Gedownload door {name}" in pdf_text(copy)
    assert "Gedownload door Sanne Sociaal" not in pdf_text(copies["Wim Wijkagent"])
    page = client.get(minutes.path)
    assert version.sha256 in page.text


@pytest.mark.parametrize(
    "name",
    [
        "\ufdfa" * 120,  # NFKD makes eighteen characters of each
        "Wim\x07\x1b\r\n \u202eWijkagent\u202c (((\\ 👮\u200d♂️ שָׁלוֹם" * 5,
    ],
    ids=["nfkd", "mixed"],
)
def test_a_download_is_a_sound_pdf_whatever_the_downloader_is_called(
    session: Session, client: TestClient, minutes: DemoMinutes, name: str
) -> None:
    agent = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()
    agent.name = name
    agent.organisation.name = "Politie \u202eDorpsveen\u202c " + "\ufdfa" * 40
    session.add_all([agent, agent.organisation])
    session.commit()
    _, before = stored(session, minutes.meeting)

    copy = as_user(client, "wijkagent@politie.example").get(f"{minutes.path}/versies/1.pdf")

    assert copy.status_code == 200
    assert copy.content.startswith(before)
    result = qpdf_check(copy.content)
    assert result.returncode == 0, result.stdout + result.stderr
    text = flat(pdf_text(copy.content))
    assert "Gedownload door" in text and "Vertrouwelijk: niet verder verspreiden." in text


def test_the_watermark_line_keeps_its_date_and_marking_however_long_the_name() -> None:
    by = Actor(user=User(name="\ufdfa" * 120), organisation_name="O" * 200, client_address=None)

    [line] = minutes_service.stamp_lines(by, datetime(2026, 12, 1, 9, 30, tzinfo=UTC))

    assert len(line) <= watermark.MAX_LINE_LENGTH
    assert line.startswith("Gedownload door ??? ???? ???? ????")
    assert "… (OOO" in line and "O…) op 1 dec 2026, 10:30." in line
    assert line.endswith("Vertrouwelijk: niet verder verspreiden.")


def test_every_download_is_in_the_audit_log(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    def downloads() -> int:
        return len(
            session.exec(select(AuditEvent).where(AuditEvent.action == "verslag.gedownload")).all()
        )

    before = downloads()
    agent = as_user(client, "wijkagent@politie.example")
    agent.get(f"{minutes.path}/versies/1.pdf")
    agent.get(f"{minutes.path}/versies/1.pdf")

    assert downloads() == before + 2
    event = session.exec(
        select(AuditEvent)
        .order_by(col(AuditEvent.id).desc())
        .where(AuditEvent.action == "verslag.gedownload")
    ).first()
    assert event.actor_name == "Wim Wijkagent" and event.object_id == str(minutes.meeting.id)


def test_a_repeated_download_costs_few_statements_one_event_and_no_read_of_the_stored_bytes(
    app: FastAPI, client: TestClient, minutes: DemoMinutes
) -> None:
    agent = as_user(client, "wijkagent@politie.example")
    path = f"{minutes.path}/versies/1.pdf"
    agent.get(path)  # the first copy in this process reads the stored PDF once

    sent = [s for s in statements_sent(app, lambda: agent.get(path)) if s != "BEGIN IMMEDIATE"]

    # The session, the overleg, the meeting, attendance and coverage (4), the version, the
    # chain's head (on PostgreSQL after the chain's lock) and the one event.
    chain_lock = 1 if app.state.engine.dialect.name == "postgresql" else 0
    assert len(sent) == 10 + chain_lock, sent
    assert [s.split("(")[0].strip() for s in sent if not s.startswith("SELECT")] == [
        "INSERT INTO audit_event"
    ]
    assert not [s for s in sent if "minutes_document.content" in s]


def test_the_uittreksel_holds_only_its_own_casus(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    own = next(c for c in minutes.cases if c.pseudonym.startswith("Moeder"))
    item = session.exec(
        select(AgendaItem).where(
            AgendaItem.case_id == own.id, AgendaItem.meeting_id == minutes.meeting.id
        )
    ).one()

    response = as_user(client, "sociaalteam@dorpsveen.example").get(
        f"{minutes.path}/uittreksel/{item.id}.pdf"
    )

    assert response.status_code == 200
    content = flat(pdf_text(response.content))
    assert own.reference in content and "Veiligheidsplan opstellen met moeder" in content
    for other in minutes.cases:
        if other.id != own.id:
            assert other.reference not in content
    assert "Huisbezoek" not in content and "Aanwezigheid" not in content


def test_the_actions_overview_has_tasks_but_no_discussion(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    agent = as_user(client, "wijkagent@politie.example")
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()

    response = agent.get(f"{minutes.path}/acties/{police.organisation_id}.pdf")

    content = flat(pdf_text(response.content))
    assert "Huisbezoek afleggen en zorgen in kaart brengen" in content
    assert "Gesprek met school en ouders" in content
    assert "GGD vragen" not in content  # a task of the municipality
    assert "drie meldingen van overlast" not in content  # discussion stays out


def test_only_organisations_with_actions_get_an_overview_named_after_them(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    chair = as_user(client, "voorzitter@dorpsveen.example")
    with_tasks = {task.assignee_organisation_id for task in minutes.tasks}
    members = session.exec(
        select(Organisation)
        .join(SeriesOrganisation, col(SeriesOrganisation.organisation_id) == Organisation.id)
        .where(SeriesOrganisation.series_id == minutes.meeting.series_id)
    ).all()
    without = [o for o in members if o.id not in with_tasks]
    police = next(o for o in members if o.name.startswith("Politie"))

    page = chair.get(minutes.path).text
    download = chair.get(f"{minutes.path}/acties/{police.id}.pdf")

    assert without, "de demo heeft een organisatie zonder acties"
    assert f"Actieoverzicht {police.name} (PDF)" in page
    for organisation in without:
        assert f"Actieoverzicht {organisation.name}" not in page
        assert chair.get(f"{minutes.path}/acties/{organisation.id}.pdf").status_code == 404
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="acties-')
    assert "-politie-" in disposition


def test_who_may_not_get_the_verslag_reads_why_on_the_meeting_page(
    client: TestClient, minutes: DemoMinutes
) -> None:
    meeting_path = minutes.path.removesuffix("/verslag")
    housing = as_user(client, "woningcorporatie@wonen.example").get(meeting_path).text
    chair = as_user(client, "voorzitter@dorpsveen.example").get(meeting_path).text

    assert "Het verslag van deze bijeenkomst krijgt u niet:" in housing
    assert f'href="{minutes.path}"' not in housing
    assert not any(name in housing for name in DEMO_NAMES)
    assert "krijgt u niet" not in chair and f'href="{minutes.path}"' in chair


def test_after_the_meeting_its_page_shows_who_was_there(
    client: TestClient, minutes: DemoMinutes
) -> None:
    page = (
        as_user(client, "wijkagent@politie.example").get(minutes.path.removesuffix("/verslag")).text
    )

    assert "Wie er was en hun dekking op" in page
    assert "nog niet gereageerd" not in page and "Komt u?" not in page
    assert re.search(r"Wim Wijkagent</th>\s*<td[^>]*>aanwezig</td>", page)


@pytest.mark.parametrize("email", ["woningcorporatie@wonen.example", "fg@dorpsveen.example"])
def test_who_was_not_there_covered_gets_a_404(
    client: TestClient, minutes: DemoMinutes, email: str
) -> None:
    reader = as_user(client, email)

    for path in ["", "/versies/1.pdf", "/concept.pdf"]:
        assert reader.get(minutes.path + path).status_code == 404
    meeting_page = reader.get(minutes.path.removesuffix("/verslag"))
    assert "/verslag" not in meeting_page.text


def test_a_member_who_was_not_at_the_meeting_gets_a_404(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()
    absent = make_user(
        session, email="collega@politie.example", organisation_id=police.organisation_id
    )
    session.add(SeriesMember(series_id=minutes.meeting.series_id, user_id=absent.id, role="lid"))
    session.commit()

    reader = as_user(client, "collega@politie.example", PASSWORD)

    assert reader.get(f"{minutes.path}/versies/1.pdf").status_code == 404
    assert reader.get(minutes.path).status_code == 404


def test_a_version_or_meeting_that_does_not_exist_is_a_404(
    client: TestClient, minutes: DemoMinutes
) -> None:
    chair = as_user(client, "voorzitter@dorpsveen.example")

    assert chair.get(f"{minutes.path}/versies/2.pdf").status_code == 404
    other = minutes.path.replace(f"/bijeenkomsten/{minutes.meeting.id}/", "/bijeenkomsten/999999/")
    assert chair.get(other).status_code == 404
    assert chair.get(f"{minutes.path}/uittreksel/999999.pdf").status_code == 404


def test_finalising_an_unfinished_meeting_is_refused_in_dutch_and_stores_nothing(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    upcoming, path = next_planned_meeting(session)
    chair = as_user(client, "voorzitter@dorpsveen.example")

    response = chair.post(f"{path}/vaststellen", data={"csrf_token": csrf_from(chair, path)})

    assert response.status_code == 422
    assert "pas worden vastgesteld als de bijeenkomst is afgerond" in response.text
    assert (
        session.exec(select(MinutesVersion).where(MinutesVersion.meeting_id == upcoming.id)).first()
        is None
    )
    assert session.get(Meeting, upcoming.id).status == MeetingStatus.PLANNED


def test_a_deelnemer_cannot_finalise(client: TestClient, minutes: DemoMinutes) -> None:
    agent = as_user(client, "wijkagent@politie.example")

    response = agent.post(
        f"{minutes.path}/correctie",
        data={"reason": "Typfout", "csrf_token": csrf_from(agent, minutes.path)},
    )

    assert response.status_code == 403


def test_a_correction_is_version_2_and_the_first_stays_downloadable_as_superseded(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    first, first_bytes = stored(session, minutes.meeting)
    chair = as_user(client, "voorzitter@dorpsveen.example")

    token = csrf_from(chair, minutes.path)
    refused = chair.post(f"{minutes.path}/correctie", data={"reason": " ", "csrf_token": token})
    assert refused.status_code == 422
    assert "Geef de reden van de correctie" in refused.text
    corrected = chair.post(
        f"{minutes.path}/correctie",
        data={
            "reason": "Deadline van het huisbezoek verbeterd",
            "csrf_token": csrf_from(chair, minutes.path),
        },
    )

    assert corrected.status_code == 303
    second, second_bytes = stored(session, minutes.meeting, 2)
    assert second.correction_reason == "Deadline van het huisbezoek verbeterd"
    assert hashlib.sha256(second_bytes).hexdigest() == second.sha256 != first.sha256
    assert stored(session, minutes.meeting)[1] == first_bytes
    assert "Deadline van het huisbezoek verbeterd" in pdf_text(second_bytes)
    old = pdf_text(chair.get(f"{minutes.path}/versies/1.pdf").content)
    assert "VERVANGEN" in old
    assert "VERVANGEN" not in pdf_text(chair.get(f"{minutes.path}/versies/2.pdf").content)


def test_the_database_refuses_to_change_a_stored_version(
    session: Session, minutes: DemoMinutes
) -> None:
    version, _ = stored(session, minutes.meeting)

    with pytest.raises(Exception, match="immutable"):
        session.execute(
            text("UPDATE minutes_document SET content = :c WHERE version_id = :v"),
            {"c": b"%PDF-vervalst", "v": version.id},
        )


def test_finalising_mails_a_link_to_the_covered_attendees_only(
    session: Session, minutes: DemoMinutes
) -> None:
    mails = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.subject).contains("is vastgesteld"))
    ).all()

    assert sorted(m.to_address for m in mails) == sorted(PRESENT_COVERED)
    for mail in mails:
        assert f"/bijeenkomsten/{minutes.meeting.id}/verslag" in mail.body_text
        assert mail.attachment is None
        for case in minutes.cases:
            assert case.reference not in mail.body_text and case.pseudonym not in mail.body_text


def test_only_a_beheerder_turns_names_in_minutes_on(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    series_path = f"/overleggen/{minutes.meeting.series_id}"
    agent = as_user(client, "wijkagent@politie.example")
    refused = agent.post(
        f"{series_path}/namen-in-verslag",
        data={"names_in_minutes": "true", "csrf_token": csrf_from(agent, series_path)},
    )
    assert refused.status_code == 403

    admin = as_user(client, "beheer@dorpsveen.example")
    admin.post(
        f"{series_path}/namen-in-verslag",
        data={"names_in_minutes": "true", "csrf_token": csrf_from(admin, series_path)},
    )

    series = session.get(MeetingSeries, minutes.meeting.series_id)
    session.refresh(series)
    assert series.names_in_minutes is True
    assert "Aan: het verslag noemt de namen" in admin.get(series_path).text


def test_an_unchanged_concept_is_rendered_once(client: TestClient, minutes: DemoMinutes) -> None:
    chair = as_user(client, "voorzitter@dorpsveen.example")
    chair.get(f"{minutes.path}/concept.pdf")
    before = pdf.stampable_pdf_of.cache_info()

    again = chair.get(f"{minutes.path}/concept.pdf")

    after = pdf.stampable_pdf_of.cache_info()
    assert again.status_code == 200
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


@pytest.mark.parametrize("final", [True, False], ids=["snapshot", "record"])
@pytest.mark.parametrize("names", [False, True])
def test_the_minutes_page_costs_the_same_statements_for_more_casussen(
    session: Session,
    app: FastAPI,
    client: TestClient,
    minutes: DemoMinutes,
    names: bool,
    final: bool,
) -> None:
    names_in_minutes(session, minutes, on=names)
    if not final:  # before vaststellen the page shows the record itself
        minutes.meeting.status = MeetingStatus.FINISHED
        session.add(minutes.meeting)
        session.commit()
    chair = as_user(client, "voorzitter@dorpsveen.example")
    statements: list[str] = []
    event.listen(
        app.state.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )

    def cost() -> int:
        statements.clear()
        assert chair.get(minutes.path).status_code == 200
        return len(statements)

    before = cost()
    first = session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == minutes.meeting.id)
    ).first()
    for n in range(10):
        extra = AgendaItem(
            meeting_id=minutes.meeting.id,
            position=100 + n,
            kind=first.kind,
            title=f"Extra punt {n}",
            case_id=minutes.cases[n % len(minutes.cases)].id,
        )
        session.add(extra)
        session.flush()
        session.add(
            Task(
                series_id=minutes.meeting.series_id,
                meeting_id=minutes.meeting.id,
                agenda_item_id=extra.id,
                case_id=extra.case_id,
                description=f"Extra actie {n}",
                assignee_organisation_id=minutes.tasks[0].assignee_organisation_id,
                due_on=minutes.tasks[0].due_on,
            )
        )
        session.add(
            ItemRecord(
                agenda_item_id=extra.id, next_step=NextStep.CLOSE, informing=Informing.INFORMED
            )
        )
    session.commit()
    if final:  # a correction: the newest snapshot holds the ten items more
        corrected = chair.post(
            f"{minutes.path}/correctie",
            data={"reason": "Punten toegevoegd", "csrf_token": csrf_from(chair, minutes.path)},
        )
        assert corrected.status_code == 303
        assert "Correctie van het verslag vastgesteld" in chair.get(minutes.path).text

    assert cost() == before
    assert "Extra actie 9" in chair.get(minutes.path).text


def test_no_names_while_someone_who_gets_the_minutes_is_not_covered(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)
    housing = session.exec(select(User).where(User.email == "woningcorporatie@wonen.example")).one()
    make_user(
        session,
        email="beheer@wonen.example",
        is_admin=True,
        organisation_id=housing.organisation_id,
    )
    session.commit()

    concept = as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/concept.pdf")

    content = flat(pdf_text(concept.content))
    assert minutes.cases[0].reference in content
    for name in DEMO_NAMES:
        assert name not in content


def test_an_absent_colleague_of_the_submitting_organisation_gets_the_uittreksel(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    police = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()
    colleague = make_user(
        session, email="collega@politie.example", organisation_id=police.organisation_id
    )
    session.add(SeriesMember(series_id=minutes.meeting.series_id, user_id=colleague.id, role="lid"))
    session.commit()
    chair = as_user(client, "voorzitter@dorpsveen.example")
    chair.post(
        f"{minutes.path}/correctie",
        data={"reason": "Actie verduidelijkt", "csrf_token": csrf_from(chair, minutes.path)},
    )

    [mail] = session.exec(
        select(OutboxMessage).where(OutboxMessage.to_address == "collega@politie.example")
    ).all()
    own = [c for c in minutes.cases if c.submitting_organisation_id == police.organisation_id]
    for case in own:
        assert f"/casussen/{case.id}" in mail.body_text
        assert case.reference not in mail.body_text and case.pseudonym not in mail.body_text
    reader = as_user(client, "collega@politie.example", PASSWORD)
    case_page = reader.get(f"/overleggen/{minutes.meeting.series_id}/casussen/{own[0].id}")
    link = re.search(r'href="([^"]+/uittreksel/\d+\.pdf)"', case_page.text).group(1)
    excerpt = flat(pdf_text(reader.get(link).content))
    assert own[0].reference in excerpt and "Gedownload door" in excerpt
    assert reader.get(minutes.path).status_code == 404


def test_the_casus_page_lists_the_uittreksels_at_one_cost_however_many_meetings(
    session: Session, app: FastAPI, client: TestClient, minutes: DemoMinutes
) -> None:
    agent = session.exec(select(User).where(User.email == "wijkagent@politie.example")).one()
    case = next(c for c in minutes.cases if c.submitting_organisation_id != agent.organisation_id)
    path = f"/overleggen/{case.series_id}/casussen/{case.id}"
    as_user(client, agent.email)
    statements: list[str] = []
    event.listen(
        app.state.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )

    def cost() -> int:
        statements.clear()
        assert client.get(path).status_code == 200
        return len(statements)

    before = cost()
    attended, absent = session.exec(
        select(Meeting)
        .where(Meeting.series_id == case.series_id, Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.starts_at))
    ).all()[1:3]
    for meeting in (attended, absent):
        meeting.status = MeetingStatus.FINISHED
        session.add(meeting)
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=1,
                kind=AgendaItemKind.FOLLOW_UP,
                title=case.reference,
                case_id=case.id,
            )
        )
    session.add(
        MeetingAttendance(meeting_id=attended.id, user_id=agent.id, presence=Presence.PRESENT)
    )
    session.commit()
    page = client.get(path).text

    assert cost() == before
    assert f"/bijeenkomsten/{minutes.meeting.id}/verslag/uittreksel/" in page
    assert f"/bijeenkomsten/{attended.id}/verslag/uittreksel/" in page
    assert f"/bijeenkomsten/{absent.id}/verslag/uittreksel/" not in page


@pytest.mark.parametrize(
    ("email", "sees_it"),
    [
        ("wijkagent@politie.example", True),
        ("voorzitter@dorpsveen.example", True),
        ("woningcorporatie@wonen.example", False),  # present, not covered
    ],
)
def test_the_start_page_links_the_latest_verslag_to_who_may_read_it(
    client: TestClient, minutes: DemoMinutes, email: str, sees_it: bool
) -> None:
    start_page = as_user(client, email).get("/").text

    assert (f'href="{minutes.path}"' in start_page) is sees_it
    assert "Laatste verslag" in start_page


def test_with_names_on_only_the_casussen_shown_are_logged_as_read(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)
    kees = next(c for c in minutes.cases if c.pseudonym.startswith("Man met overlast"))
    item = session.exec(
        select(AgendaItem).where(
            AgendaItem.case_id == kees.id, AgendaItem.meeting_id == minutes.meeting.id
        )
    ).one()
    police = kees.submitting_organisation_id

    def reads_by(name: str) -> list[str]:
        return list(
            session.exec(
                select(AuditEvent.object_id)
                .where(
                    AuditEvent.action == "casus.identificerend.ingezien",
                    AuditEvent.context == "verslag",
                    AuditEvent.actor_name == name,
                )
                .order_by(col(AuditEvent.id))
            ).all()
        )

    as_user(client, "voorzitter@dorpsveen.example").get(f"{minutes.path}/concept.pdf")
    housing = as_user(client, "woningcorporatie@wonen.example")
    refused = housing.get(f"{minutes.path}/uittreksel/{item.id}.pdf")
    agent = as_user(client, "wijkagent@politie.example")
    actions = agent.get(f"{minutes.path}/acties/{police}.pdf")
    excerpt = agent.get(f"{minutes.path}/uittreksel/{item.id}.pdf")

    assert len(set(reads_by("Victor Voorzitter"))) > 1  # the full concept names several
    assert refused.status_code == 404 and reads_by("Wouter Wonen") == []
    assert actions.status_code == 200 and excerpt.status_code == 200
    assert "Kees Wildeboer" in flat(pdf_text(excerpt.content))
    assert reads_by("Wim Wijkagent") == [str(kees.id)]


def test_the_page_of_a_meeting_not_yet_held_logs_no_read_of_its_casussen(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)
    upcoming, path = next_planned_meeting(session)
    on_agenda = session.exec(
        select(AgendaItem.case_id).where(
            AgendaItem.meeting_id == upcoming.id, col(AgendaItem.case_id).is_not(None)
        )
    ).all()

    page = as_user(client, "voorzitter@dorpsveen.example").get(path)

    reads = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == disclosure.READ, AuditEvent.context == "verslag"
        )
    ).all()
    assert on_agenda  # casussen the page could have named
    assert page.status_code == 200 and "nog geen verslag" in page.text
    assert reads == []


def test_a_name_that_does_not_open_is_shown_as_damaged_in_the_verslag(
    session: Session, client: TestClient, minutes: DemoMinutes
) -> None:
    names_in_minutes(session, minutes, on=True)
    kees = next(c for c in minutes.cases if c.pseudonym.startswith("Man met overlast"))
    [person] = persons_of(session, kees.id)
    person.name_encrypted = tampered(person.name_encrypted)
    session.add(person)
    session.commit()

    page = as_user(client, "voorzitter@dorpsveen.example").get(minutes.path)

    assert page.status_code == 200
    assert disclosure.DAMAGED_NAME in page.text and "Kees Wildeboer" not in page.text
    assert "Ruud Ommeren" in page.text  # the other casussen keep their names
    reports = session.exec(select(AuditEvent).where(AuditEvent.action == disclosure.DAMAGED)).all()
    assert [(r.object_id, r.context) for r in reports] == [(str(kees.id), "verslag")]
