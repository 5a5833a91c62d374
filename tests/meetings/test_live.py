"""The live meeting: coverage of who is in the room, anonymous discussion, no silent overwrite,
finishing only when complete, tasks carried forward, and a page cost that does not grow."""

import os
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItemCreate
from app.attendance import service as attendance_service
from app.audit import Actor, AuditEvent
from app.cases import disclosure
from app.cases import service as case_service
from app.cases.models import (
    AgeBand,
    AnonymisedFields,
    Case,
    CaseCategory,
    CaseStatus,
    CaseSubmission,
    Consent,
    EscalationBody,
    IdentifiedFields,
    LegalBasis,
    PersonData,
)
from app.db import today
from app.errors import DomainError
from app.mail.models import OutboxMessage
from app.meetings import queries, service
from app.meetings.models import (
    Informing,
    ItemContribution,
    MeetingAttendance,
    NextStep,
    Presence,
)
from app.meetings.page import revealed
from app.minutes import queries as minutes_queries
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesMember
from app.security.crypto import CaseCrypto, DataCipher
from app.tasks import service as task_service
from app.tasks.models import NotDoneReason, TaskCreate, TaskStatus
from tests.cases.tokens import persons_of, tampered
from tests.conftest import count_statements, csrf_from, log_in
from tests.factories import PASSWORD, make_user
from tests.planning import MAIL, Table, start_today

CRYPTO = CaseCrypto(cipher=DataCipher((os.urandom(32),)), index_key=b"k" * 32)
KEES = PersonData(
    name="Kees Wildeboer", birth_date=date(1961, 3, 12), bsn="999990111", address="Dorpsstraat 14"
)


def chair(table: Table) -> Actor:
    return Actor(user=table.chair, organisation_name="Politie", client_address="127.0.0.1")


def open_meeting(session: Session, series: MeetingSeries) -> Meeting:
    return session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).first()


def case_on(
    session: Session,
    table: Table,
    series: MeetingSeries,
    meeting: Meeting,
    identified: bool = True,
    crypto: CaseCrypto = CRYPTO,
):
    data = CaseSubmission(
        meeting_id=meeting.id,
        pseudonym="Man met overlast",
        identified=identified,
        categories=[CaseCategory.NUISANCE],
        reason="Drie meldingen gedaan.",
        question="Wie legt contact?",
    )
    details = (
        IdentifiedFields(consent=Consent.NOT_ASKED, legal_basis=LegalBasis.COVENANT)
        if identified
        else AnonymisedFields(age_band=AgeBand.ADULT, situation="Zorgen, geen naam.")
    )
    return case_service.submit_case(
        session,
        series=series,
        data=data,
        people=[KEES] if identified else [],
        details=details,
        crypto=crypto,
        by=chair(table),
        today=today(),
    )


def started(session: Session, table: Table, meeting: Meeting) -> Meeting:
    return start_today(
        session,
        meeting=meeting,
        by=chair(table),
    )


def access_for(session: Session, table: Table, series: MeetingSeries) -> SeriesAccess:
    membership = session.exec(
        select(SeriesMember).where(SeriesMember.user_id == table.chair.id)
    ).first()
    return SeriesAccess(series=series, user=table.chair, membership=membership)


def live(
    session: Session, table: Table, series: MeetingSeries, meeting: Meeting
) -> queries.LiveMeeting:
    """The live meeting with every item (as the verslag and finishing read it)."""
    return queries.load(session, access=access_for(session, table, series), meeting=meeting)


def in_view(
    session: Session, table: Table, series: MeetingSeries, meeting: Meeting
) -> tuple[queries.LiveMeeting, queries.LiveItem | None]:
    """The live page as the chair sees it: the item in view, revealed when the room allows."""
    return revealed(
        session,
        access=access_for(session, table, series),
        meeting=meeting,
        crypto=CRYPTO,
        actor=chair(table),
        item_id=None,
    )


def test_an_uncovered_person_in_the_room_hides_identified_data_until_they_leave(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case_on(session, table, series, meeting)
    started(session, table, meeting)
    service.set_presence(
        session, meeting=meeting, user_id=table.chair.id, presence=Presence.PRESENT, by=chair(table)
    )
    housing = service.set_presence(
        session,
        meeting=meeting,
        user_id=table.member.id,
        presence=Presence.PRESENT,
        by=chair(table),
    )

    hidden, item = in_view(session, table, series, meeting)
    assert [a.name for a in hidden.uncovered_present] == ["Wouter Wonen"]
    assert item and item.anonymous and item.people is None
    assert hidden.anonymous_item_ids == {item.item.id}

    service.set_left_room(session, item=item.item, attendance=housing, left=True, by=chair(table))
    _, shown = in_view(session, table, series, meeting)
    assert shown and not shown.anonymous
    assert shown.people and shown.people[0].name == "Kees Wildeboer"


def test_a_save_based_on_an_older_text_is_refused_with_the_current_text(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    empty = service.fingerprint("")
    service.save_text(
        session,
        meeting=meeting,
        item=item,
        field="discussion",
        value="Tekst van A",
        based_on=empty,
        by=chair(table),
    )

    with pytest.raises(service.VersionConflict) as conflict:
        service.save_text(
            session,
            meeting=meeting,
            item=item,
            field="discussion",
            value="Tekst van B",
            based_on=empty,
            by=chair(table),
        )
    service.save_text(
        session,
        meeting=meeting,
        item=item,
        field="decisions",
        value="Besluit",
        based_on=empty,
        by=chair(table),
    )

    assert conflict.value.current_text == "Tekst van A"
    record = service.record_of(session, item=item)
    assert (record.discussion, record.decisions) == ("Tekst van A", "Besluit")


def test_finishing_lists_what_is_missing_then_applies_the_outcomes(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    first = case_on(session, table, series, meeting)
    second = case_on(session, table, series, meeting, identified=False)
    started(session, table, meeting)

    missing = service.missing_for_finish(session, meeting=meeting)
    assert [m.what for m in missing] == [
        ["casus-eigenaar of uitkomst", "vervolgstap", "informering"]
    ] * 2
    with pytest.raises(DomainError, match="Nog niet alle casussen"):
        service.finish(
            session,
            series=series,
            meeting=meeting,
            by=chair(table),
            mail=MAIL,
            anonymous_item_ids=set(),
        )

    items = live(session, table, series, meeting).items
    case_service.set_owner(
        session, case=first, organisation_id=table.police_id, user_id=None, by=chair(table)
    )
    for live_item, step in zip(items, (NextStep.NEXT_MEETING, NextStep.CLOSE), strict=True):
        service.save_outcome(
            session,
            meeting=meeting,
            item=live_item.item,
            version=live_item.record.version,
            next_step=step,
            next_step_date=None,
            escalation_body=None,
            informing=Informing.INFORMED,
            by=chair(table),
        )
    service.finish(
        session,
        series=series,
        meeting=meeting,
        by=chair(table),
        mail=MAIL,
        anonymous_item_ids={items[0].item.id},
    )

    session.refresh(first)
    session.refresh(second)
    assert meeting.status == MeetingStatus.FINISHED
    assert (
        first.last_discussed_on is not None and first.last_discussed_on == second.last_discussed_on
    )
    assert second.status == CaseStatus.CLOSED
    assert service.record_of(session, item=items[0].item).discussed_anonymously is True


def test_nothing_is_recorded_in_a_meeting_that_is_not_running(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )

    with pytest.raises(DomainError, match="niet bezig"):
        service.save_text(
            session,
            meeting=meeting,
            item=item,
            field="discussion",
            value="x",
            based_on=service.fingerprint(""),
            by=chair(table),
        )


def test_after_the_meeting_texts_can_be_corrected_but_choices_cannot(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    service.finish(
        session,
        series=series,
        meeting=meeting,
        anonymous_item_ids=set(),
        by=chair(table),
        mail=MAIL,
    )

    record = service.save_text(
        session,
        meeting=meeting,
        item=item,
        field="decisions",
        value="Verbeterde tekst",
        based_on=service.fingerprint(""),
        by=chair(table),
    )
    assert record.decisions == "Verbeterde tekst"
    with pytest.raises(DomainError, match="niet bezig"):
        service.save_outcome(
            session,
            meeting=meeting,
            item=item,
            version=record.version,
            next_step=NextStep.CLOSE,
            next_step_date=None,
            escalation_body=None,
            informing=None,
            by=chair(table),
        )


def test_a_task_not_done_is_carried_forward_and_flagged_after_three_times(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    task = task_service.add_task(
        session,
        meeting=meeting,
        item=None,
        by=chair(table),
        data=TaskCreate(description="Huisbezoek", assignee_organisation_id=table.police_id),
    )
    assert task.due_on > meeting.starts_at.date()

    for _ in range(3):
        task.reviewed_at_meeting_id = None  # as at each next meeting
        task_service.review(
            session,
            meeting=meeting,
            task=task,
            done=False,
            reason=NotDoneReason.NOT_DONE,
            by=chair(table),
        )

    assert task.status == TaskStatus.OPEN and task.carried_forward == 3 and task.flagged
    assert [t.id for t, _ in task_service.flagged(session)] == [task.id]
    with pytest.raises(DomainError, match="intussen al besproken"):
        task_service.review(
            session, meeting=meeting, task=task, done=True, reason=None, by=chair(table)
        )
    assert task.status == TaskStatus.OPEN  # the second review in one meeting changed nothing
    task.reviewed_at_meeting_id = None
    with pytest.raises(DomainError, match="waarom"):
        task_service.review(
            session, meeting=meeting, task=task, done=False, reason=None, by=chair(table)
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assignee_organisation_id": "outsider"}, "aan tafel"),
        ({"due_on": date(2000, 1, 1)}, "verleden"),
    ],
)
def test_bad_tasks_are_refused(
    session: Session, table: Table, series: MeetingSeries, data: dict, message: str
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    if data.get("assignee_organisation_id") == "outsider":
        data = {"assignee_organisation_id": table.outsider.organisation_id}
    values = {"description": "Huisbezoek", "assignee_organisation_id": table.police_id} | data

    with pytest.raises(DomainError, match=message):
        task_service.add_task(
            session,
            meeting=meeting,
            item=None,
            by=chair(table),
            data=TaskCreate.model_validate(values),
        )


def test_assignees_get_one_mail_with_a_link_and_no_tasks_or_case_data(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting)
    started(session, table, meeting)
    [item] = live(session, table, series, meeting).items
    for description in ("Huisbezoek", "Contact met GGD"):
        task_service.add_task(
            session,
            meeting=meeting,
            item=item.item,
            by=chair(table),
            data=TaskCreate(
                description=description,
                assignee_organisation_id=table.police_id,
                assignee_user_id=table.chair.id,
            ),
        )

    task_service.mail_assignees(session, series=series, meeting=meeting, mail=MAIL)
    session.commit()

    [mail] = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.to_address == table.chair.email,
            col(OutboxMessage.subject).startswith("Uw acties"),
        )
    ).all()
    # Rule 12: a link, no task texts, no reference.
    assert "Huisbezoek" not in mail.body_text and "Contact met GGD" not in mail.body_text
    assert "2 acties" in mail.body_text and f"{MAIL.base_url}/acties" in mail.body_text
    assert (
        case.reference not in mail.body_text
        and "Kees" not in mail.body_text
        and "999990111" not in mail.body_text
    )


def test_the_live_page_costs_the_same_number_of_statements_for_5_or_50_items(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.agenda_deadline >= today())
        .order_by(col(Meeting.starts_at))
    ).all()[:2]
    counts = []
    for meeting, size in ((first, 5), (second, 50)):
        for n in range(size):
            if n % 2:
                case_on(session, table, series, meeting)
            else:
                agenda_service.add_item(
                    session,
                    meeting=meeting,
                    by=chair(table),
                    data=AgendaItemCreate(title=f"Punt {n}"),
                )
        started(session, table, meeting)
        service.set_presence(
            session,
            meeting=meeting,
            user_id=table.member.id,
            presence=Presence.PRESENT,
            by=chair(table),
        )
    log_in(client, table.chair.email, PASSWORD)
    for meeting in (first, second):
        path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
        count_statements(app, client, path)  # warm up: session touch, first records
        counts.append(count_statements(app, client, path))

    assert counts[0] == counts[1]


def test_only_the_chair_opens_the_live_page_and_stale_saves_get_409(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    log_in(client, table.member.email, PASSWORD)
    assert client.get(base).status_code == 403
    client.cookies.clear()
    log_in(client, table.chair.email, PASSWORD)
    token = csrf_from(client, base)
    save = f"{base}/punten/{item.id}/tekst/discussion"

    first = client.post(
        save,
        data={"value": "Eerste tekst", "version": service.fingerprint(""), "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    stale = client.post(
        save,
        data={"value": "Andere tekst", "version": service.fingerprint(""), "csrf_token": token},
        headers={"HX-Request": "true"},
    )

    assert first.status_code == 200 and "Opgeslagen om" in first.text
    assert stale.status_code == 409 and "Eerste tekst" in stale.text
    assert f'value="{service.fingerprint("Eerste tekst")}" data-hx-swap-oob="true"' in stale.text
    assert service.record_of(session, item=item).discussion == "Eerste tekst"


def test_an_organisation_contribution_is_stored_with_its_legal_basis(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    response = client.post(
        f"{base}/punten/{item.id}/bijdrage/{table.police_id}",
        data={
            "text": "Drie meldingen in vier weken.",
            "legal_basis": "convenant",
            "version": "0",
            "csrf_token": csrf_from(client, base),
        },
    )
    stale = client.post(
        f"{base}/punten/{item.id}/bijdrage/{table.police_id}",
        data={
            "text": "Iets anders",
            "legal_basis": "convenant",
            "version": "0",
            "csrf_token": csrf_from(client, base),
        },
    )

    assert response.status_code == 303
    assert stale.status_code == 422 and "intussen gewijzigd" in stale.text
    page = client.get(base).text
    assert "Drie meldingen in vier weken." in page
    assert "Iets anders</textarea>" in stale.text  # what was typed stays in the field
    assert 'aria-label="Opgeslagen tekst van de ander"' in stale.text


def test_a_refused_outcome_keeps_the_choices_made(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    response = client.post(
        f"{base}/punten/{item.id}/uitkomst",
        data={
            f"next_step-{item.id}": "terug op een datum",
            f"informing-{item.id}": "geïnformeerd",
            "version": "1",
            "csrf_token": csrf_from(client, base),
        },
    )

    assert response.status_code == 422
    assert (
        f'id="next_step_date-{item.id}-error">Kies de datum waarop de casus terugkomt.'
        in response.text
    )
    assert '<option value="terug op een datum" selected>' in response.text
    assert '<option value="geïnformeerd" selected>' in response.text


def test_a_guest_is_not_covered_until_their_declaration_is_recorded(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    nameless = client.post(
        f"{base}/gasten", data={"guest_name": " ", "csrf_token": csrf_from(client, base)}
    )
    client.post(
        f"{base}/gasten", data={"guest_name": "Gerda Gast", "csrf_token": csrf_from(client, base)}
    )
    before = client.get(base).text
    [gerda] = session.exec(
        select(MeetingAttendance).where(MeetingAttendance.guest_name == "Gerda Gast")
    ).all()
    client.post(
        f"{base}/verklaring-gast",
        data={"attendance_id": str(gerda.id), "csrf_token": csrf_from(client, base)},
    )
    after = client.get(base).text

    assert (
        nameless.status_code == 422
        and 'id="guest_name-error">Vul de naam van de gast in.' in nameless.text
    )
    assert "Niet gedekt aanwezig:</strong> Gerda Gast" in before
    assert (
        "Niet gedekt aanwezig" not in after and "Gedekt door een geheimhoudingsverklaring" in after
    )


def test_presence_and_contributions_only_for_who_sits_at_the_table(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    started(session, table, meeting)

    with pytest.raises(DomainError, match="niet aan tafel"):
        service.set_presence(
            session,
            meeting=meeting,
            user_id=table.outsider.id,
            presence=Presence.PRESENT,
            by=chair(table),
        )
    with pytest.raises(DomainError, match="niet aan tafel"):
        service.save_contribution(
            session,
            meeting=meeting,
            item=item,
            text="x",
            legal_basis=None,
            organisation_id=table.outsider.organisation_id,
            version=0,
            by=chair(table),
        )


def escalation_events(session: Session, case_ids: list[int]) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.object_id).where(
                AuditEvent.action == "casus.opgeschaald",
                col(AuditEvent.object_id).in_([str(i) for i in case_ids]),
            )
        ).all()
    )


def decide(
    session: Session, table: Table, meeting: Meeting, live_item: queries.LiveItem, step: NextStep
) -> None:
    record = service.record_of(session, item=live_item.item)
    service.save_outcome(
        session,
        meeting=meeting,
        item=live_item.item,
        version=record.version,
        next_step=step,
        next_step_date=None,
        escalation_body=EscalationBody.SAFETY_HOUSE if step == NextStep.ESCALATE else None,
        informing=Informing.INFORMED,
        by=chair(table),
    )


def test_finish_with_a_refused_escalation_applies_nothing_and_names_the_casus(
    database_url: str, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    cases = [case_on(session, table, series, meeting) for _ in range(3)]
    started(session, table, meeting)
    items = live(session, table, series, meeting).items
    for live_item in items:
        decide(session, table, meeting, live_item, NextStep.ESCALATE)
    case_service.close(
        session, case=cases[2], on=today(), reason="Intussen afgesloten", by=chair(table)
    )

    def finish() -> None:
        # In transactions, as in the app (the test's own session commits every statement).
        engine = create_engine(database_url)
        try:
            with Session(engine) as app_session:
                service.finish(
                    app_session,
                    series=app_session.get(MeetingSeries, series.id),
                    meeting=app_session.get(Meeting, meeting.id),
                    by=chair(table),
                    mail=MAIL,
                    anonymous_item_ids=set(),
                )
        finally:
            engine.dispose()

    with pytest.raises(DomainError, match=cases[2].reference) as refused:
        finish()
    for case in cases:
        session.refresh(case)
    session.refresh(meeting)
    assert refused.value.field == "finish"
    assert meeting.status == MeetingStatus.IN_PROGRESS
    assert [c.status for c in cases[:2]] == [CaseStatus.SUBMITTED] * 2
    assert escalation_events(session, [c.id for c in cases]) == []

    case_service.set_owner(
        session, case=cases[2], organisation_id=table.police_id, user_id=None, by=chair(table)
    )
    decide(session, table, meeting, items[2], NextStep.NEXT_MEETING)
    finish()

    for case in cases[:2]:
        session.refresh(case)
        assert case.status == CaseStatus.ESCALATED
    assert sorted(escalation_events(session, [c.id for c in cases])) == sorted(
        str(c.id) for c in cases[:2]
    )


def test_the_live_page_shows_the_refused_finish_beside_the_button(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting, identified=False)
    started(session, table, meeting)
    [item] = live(session, table, series, meeting).items
    decide(session, table, meeting, item, NextStep.ESCALATE)
    case_service.close(
        session, case=case, on=today(), reason="Intussen afgesloten", by=chair(table)
    )
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    response = client.post(f"{base}/afronden", data={"csrf_token": csrf_from(client, base)})

    assert response.status_code == 422
    assert 'id="finish-error"' in response.text and case.reference in response.text
    session.refresh(meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS


def identified_reads(session: Session, case: Case) -> int:
    return len(
        session.exec(
            select(AuditEvent.id).where(
                AuditEvent.action == "casus.identificerend.ingezien",
                AuditEvent.object_id == str(case.id),
            )
        ).all()
    )


def test_a_running_meeting_is_one_read_per_user_per_casus(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting, crypto=app.state.crypto)
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    pages = [client.get(path).text for _ in range(3)]

    assert all("Kees Wildeboer" in page for page in pages)
    assert identified_reads(session, case) == 1


def test_a_person_that_does_not_open_shows_as_damaged_and_is_reported_once_per_meeting(
    app: FastAPI, client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting, crypto=app.state.crypto)
    [kees] = persons_of(session, case.id)
    kees.name_encrypted = tampered(kees.name_encrypted)
    session.add(kees)
    session.commit()
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    path = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"

    pages = [client.get(path) for _ in range(2)]

    assert all(p.status_code == 200 and disclosure.DAMAGED_TEXT in p.text for p in pages)
    assert all("Kees Wildeboer" not in p.text and "Dorpsstraat 14" not in p.text for p in pages)
    reports = session.exec(select(AuditEvent).where(AuditEvent.action == disclosure.DAMAGED)).all()
    assert [(r.object_id, r.context) for r in reports] == [(str(case.id), "live bijeenkomst")]


def guest(session: Session, table: Table, meeting: Meeting, name: str) -> MeetingAttendance:
    return service.add_guest(
        session, meeting=meeting, name=name, organisation_id=None, by=chair(table)
    )


def test_a_paper_declaration_is_recorded_for_a_guest_present_only(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = started(session, table, open_meeting(session, series))
    gerda = guest(session, table, meeting, "Gerda Gast")
    henk = guest(session, table, meeting, "Henk Gast")
    member_row = service.set_presence(
        session,
        meeting=meeting,
        user_id=table.member.id,
        presence=Presence.PRESENT,
        by=chair(table),
    )
    other_meeting = session.exec(
        select(Meeting)
        .where(Meeting.series_id == series.id, Meeting.id != meeting.id)
        .order_by(col(Meeting.starts_at))
    ).first()
    elsewhere = guest(session, table, other_meeting, "Gerda Gast")

    for refused in (None, member_row.id, elsewhere.id, 2_147_483_647):
        with pytest.raises(DomainError, match="aanwezig") as error:
            attendance_service.record_paper_declaration(
                session, series=series, meeting=meeting, attendance_id=refused, by=chair(table)
            )
        assert error.value.field == "attendance_id"
    attendance_service.record_paper_declaration(
        session, series=series, meeting=meeting, attendance_id=gerda.id, by=chair(table)
    )
    with pytest.raises(DomainError, match="al een verklaring"):
        attendance_service.record_paper_declaration(
            session, series=series, meeting=meeting, attendance_id=gerda.id, by=chair(table)
        )

    covered = {a.name: a.cover.covered for a in live(session, table, series, meeting).attendees}
    assert covered["Gerda Gast"] is True and covered["Henk Gast"] is False
    assert henk.id != gerda.id


def test_only_people_at_the_table_are_offered_but_earlier_owners_keep_their_name(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting)
    colleague = make_user(session, name="Cor Collega", organisation_id=table.police_id)
    session.commit()
    case_service.set_owner(
        session, case=case, organisation_id=table.police_id, user_id=colleague.id, by=chair(table)
    )
    started(session, table, meeting)

    loaded = live(session, table, series, meeting)
    minutes = minutes_queries.load(
        session, access=access_for(session, table, series), meeting=meeting
    )

    assert colleague.id not in {person.id for person in loaded.choosable_people}
    assert table.chair.id in {person.id for person in loaded.choosable_people}
    assert minutes.items[0].owner is not None and "Cor Collega" in minutes.items[0].owner


def text_of(length: int) -> str:
    """A typed text of exactly this many characters."""
    return ("Zorgen gedeeld aan tafel. " * (length // 26 + 1))[:length]


def save_reason(session: Session, table: Table, meeting: Meeting, item, text: str) -> None:
    record = service.record_of(session, item=item)
    service.save_text(
        session,
        meeting=meeting,
        item=item,
        field="outcome_reason",
        value=text,
        based_on=service.fingerprint(record.outcome_reason),
        by=chair(table),
    )


def test_a_toelichting_as_long_as_allowed_escalates_and_closes_the_casus_whole(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    escalated, closed = (case_on(session, table, series, meeting) for _ in range(2))
    started(session, table, meeting)
    items = live(session, table, series, meeting).items
    for live_item, step in zip(items, (NextStep.ESCALATE, NextStep.CLOSE), strict=True):
        decide(session, table, meeting, live_item, step)
        save_reason(session, table, meeting, live_item.item, text_of(2000))

    service.finish(
        session,
        series=series,
        meeting=meeting,
        by=chair(table),
        mail=MAIL,
        anonymous_item_ids=set(),
    )

    session.refresh(escalated)
    session.refresh(closed)
    assert meeting.status == MeetingStatus.FINISHED
    assert (escalated.status, escalated.escalation_reason) == (CaseStatus.ESCALATED, text_of(2000))
    assert (closed.status, closed.closed_reason) == (CaseStatus.CLOSED, text_of(2000))


def test_a_longer_toelichting_is_refused_and_one_stored_before_holds_back_finishing(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    case = case_on(session, table, series, meeting)
    started(session, table, meeting)
    [live_item] = live(session, table, series, meeting).items
    decide(session, table, meeting, live_item, NextStep.ESCALATE)

    with pytest.raises(DomainError, match=r"Hoogstens 2\.000 tekens \(nu 2\.001\)"):
        save_reason(session, table, meeting, live_item.item, text_of(2001))
    assert service.record_of(session, item=live_item.item).outcome_reason == ""
    # As saved before the toelichting had its limit.
    record = service.record_of(session, item=live_item.item)
    record.outcome_reason = text_of(2500)
    session.add(record)
    session.commit()
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    response = client.post(f"{base}/afronden", data={"csrf_token": csrf_from(client, base)})

    assert [m.what for m in service.missing_for_finish(session, meeting=meeting)] == [
        ["een kortere toelichting (hoogstens 2.000 tekens)"]
    ]
    assert response.status_code == 422
    assert "een kortere toelichting (hoogstens 2.000 tekens)" in response.text
    session.refresh(meeting)
    session.refresh(case)
    assert meeting.status == MeetingStatus.IN_PROGRESS and case.status == CaseStatus.SUBMITTED


def test_a_text_longer_than_allowed_is_refused_whole_and_stays_in_the_field(
    client: TestClient, session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = open_meeting(session, series)
    item = agenda_service.add_item(
        session, meeting=meeting, by=chair(table), data=AgendaItemCreate(title="Rondvraag")
    )
    started(session, table, meeting)
    log_in(client, table.chair.email, PASSWORD)
    base = f"/overleggen/{series.id}/bijeenkomsten/{meeting.id}/live"
    token = csrf_from(client, base)
    pasted = text_of(20_001)

    autosave = client.post(
        f"{base}/punten/{item.id}/tekst/discussion",
        data={"value": pasted, "version": service.fingerprint(""), "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    contribution = client.post(
        f"{base}/punten/{item.id}/bijdrage/{table.police_id}",
        data={"text": pasted, "legal_basis": "convenant", "version": "0", "csrf_token": token},
        headers={"HX-Request": "true", "HX-Target": f"bijdrage-{item.id}-{table.police_id}"},
    )
    page = client.get(f"{base}?punt={item.id}").text

    refusal = "Hoogstens 20.000 tekens (nu 20.001); er is niets opgeslagen."
    assert autosave.status_code == 422 and f"Niet opgeslagen: {refusal}" in autosave.text
    assert f'value="{service.fingerprint("")}" data-hx-swap-oob="true"' in autosave.text
    assert contribution.status_code == 422
    key = f"contribution-{item.id}-{table.police_id}"
    assert f'id="{key}-error">{refusal}' in contribution.text
    assert f">{pasted}</textarea>" in contribution.text  # what was typed stays in the field
    assert "Opgeslagen tekst van de ander" not in contribution.text
    record = service.record_of(session, item=item)
    assert record.discussion == "" and session.exec(select(ItemContribution)).all() == []
    assert f'id="veld-{item.id}-discussion" name="value" rows="3" maxlength="20000"' in page
    assert f'id="veld-{item.id}-outcome_reason" name="value" rows="3" maxlength="2000"' in page
    assert f'id="{key}-text" name="text" rows="2" maxlength="20000"' in page
