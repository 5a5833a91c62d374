"""Casus use cases on a real database: submission, lateness, repeats, lifecycle, key rotation."""

import json
import os
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from app.agenda.models import AgendaItem, AgendaItemKind
from app.audit import AuditEvent
from app.cases import disclosure, flows, service
from app.cases.models import (
    Case,
    CasePerson,
    CaseStatus,
    EscalationBody,
    PersonData,
    person_row,
)
from app.db import today
from app.errors import DomainError
from app.overleg.models import MeetingSeries, MeetingStatus
from app.security.crypto import CaseCrypto, DataCipher
from tests.cases.submitting import (
    ANONYMISED,
    CRYPTO,
    IDENTIFIED,
    KEES,
    meetings,
    member,
    submission,
    submit,
)
from tests.cases.tokens import persons_of, store_as_v1, tampered
from tests.planning import Table


def test_an_identified_casus_gets_a_reference_an_agenda_item_and_encrypted_people(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = meetings(session, series)[0]

    case = submit(session, table, series, meeting)

    assert case.reference == f"IO-{today().year}-001"
    [person] = session.exec(select(CasePerson)).all()
    assert "Kees" not in person.name_encrypted and "999990111" not in (person.bsn_encrypted or "")
    row = person_row(person.case_id, person.position)
    assert CRYPTO.cipher.decrypt(person.bsn_encrypted or "", purpose="bsn", row=row) == "999990111"
    [item] = session.exec(select(AgendaItem)).all()
    assert (item.kind, item.meeting_id, item.title) == (
        AgendaItemKind.NEW_CASE,
        meeting.id,
        f"{case.reference} Man met overlast",
    )
    assert submit(session, table, series, meeting, identified=False).reference.endswith("-002")


def test_after_the_deadline_a_casus_waits_for_the_chair(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, *_ = meetings(session, series)
    late = submit(session, table, series, first, day=first.agenda_deadline + timedelta(days=1))

    assert late.late and not late.accepted
    assert session.exec(select(AgendaItem)).all() == []

    moved = service.move_to_next_meeting(session, case=late, by=member(table))

    [item] = session.exec(select(AgendaItem)).all()
    assert moved.meeting_id == second.id and item.meeting_id == second.id and not item.late


def test_the_chair_can_accept_a_late_casus_which_is_then_marked_late(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first = meetings(session, series)[0]
    late = submit(session, table, series, first, day=first.agenda_deadline + timedelta(days=1))

    service.accept_late(session, case=late, by=member(table))

    [item] = session.exec(select(AgendaItem)).all()
    assert item.late and item.meeting_id == first.id


@pytest.mark.parametrize(
    ("problem", "field", "message"),
    [
        ("other overleg", "meeting_id", "Kies een bijeenkomst van dit overleg"),
        ("cancelled", "meeting_id", "geen casus meer"),
        ("no person", "person-1-name", "minstens één persoon"),
        ("no basis", "legal_basis", "grondslag"),
    ],
)
def test_bad_submissions_are_refused_and_nothing_is_saved(
    session: Session, table: Table, series: MeetingSeries, problem: str, field: str, message: str
) -> None:
    meeting = meetings(session, series)[0]
    data, people, details = submission(meeting), [KEES], IDENTIFIED
    if problem == "other overleg":
        data = submission(meeting, meeting_id=99999)
    elif problem == "cancelled":
        meeting.status = MeetingStatus.CANCELLED
        session.add(meeting)
        session.commit()
    elif problem == "no person":
        people = []
    else:
        details = ANONYMISED  # identified casus without consent and legal basis

    with pytest.raises(DomainError, match=message) as refused:
        service.submit_case(
            session,
            series=series,
            data=data,
            people=people,
            details=details,
            crypto=CRYPTO,
            by=member(table),
            today=today(),
        )

    assert refused.value.field == field
    assert session.exec(select(func.count()).select_from(Case)).one() == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"bsn": "999990112"}, "elfproef"),
        ({"birth_date": date.today() + timedelta(days=1)}, "toekomst"),
    ],
)
def test_a_wrong_bsn_or_a_birth_date_in_the_future_is_refused(values: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PersonData.model_validate(KEES.model_dump() | values)


def test_an_earlier_casus_about_the_same_person_is_found_by_bsn_or_name_and_birth_date(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = meetings(session, series)[0]
    first = submit(session, table, series, meeting)
    by_name = PersonData(name="kees  WILDEBOER", birth_date=KEES.birth_date, address="Elders 1")

    again = submit(session, table, series, meeting, [by_name])
    someone_else = submit(
        session,
        table,
        series,
        meeting,
        [PersonData(name="Kees Wildeboer", birth_date=date(1961, 3, 13), address="Dorpsstraat 14")],
    )

    assert again.repeat_of_case_id == first.id
    assert someone_else.repeat_of_case_id is None


def test_identifying_and_anonymising_are_logged_and_anonymising_erases_the_people(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = meetings(session, series)[0]
    case = submit(session, table, series, meeting, [], identified=False)

    service.identify(
        session,
        case=case,
        people=[KEES],
        details=IDENTIFIED,
        crypto=CRYPTO,
        reason="Inwoner gaf toestemming",
        by=member(table),
    )
    assert case.identified and session.exec(select(CasePerson)).all()

    flows.anonymise(
        session,
        case=case,
        details=ANONYMISED,
        reason="Niet meer nodig",
        by=member(table),
        today=today(),
    )

    assert not case.identified and case.legal_basis is None
    assert session.exec(select(CasePerson)).all() == []
    actions = session.exec(select(AuditEvent.action)).all()
    assert "casus.geidentificeerd" in actions and "casus.geanonimiseerd" in actions


def test_the_lifecycle_owner_escalation_and_closing(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])

    with pytest.raises(DomainError, match="aan tafel"):
        service.set_owner(
            session,
            case=case,
            organisation_id=table.outsider.organisation_id,
            user_id=None,
            by=member(table),
        )
    service.set_owner(
        session,
        case=case,
        organisation_id=table.police_id,
        user_id=table.chair.id,
        by=member(table),
    )
    assert case.status == CaseStatus.IN_PROGRESS
    service.escalate(
        session,
        case=case,
        body=EscalationBody.VEILIG_THUIS,
        on=today(),
        reason="Acute onveiligheid",
        by=member(table),
    )
    assert case.status == CaseStatus.ESCALATED
    service.close(
        session, case=case, on=today(), reason="Veilig Thuis heeft regie", by=member(table)
    )

    assert case.status == CaseStatus.CLOSED
    with pytest.raises(DomainError, match="afgesloten"):
        service.escalate(
            session,
            case=case,
            body=EscalationBody.OTHER,
            on=today(),
            reason="Nog eens",
            by=member(table),
        )


def test_open_casussen_come_back_as_follow_up_once(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, *_ = meetings(session, series)
    open_case = submit(session, table, series, first)

    added = service.add_follow_ups(session, meeting=second, by=member(table))
    again = service.add_follow_ups(session, meeting=second, by=member(table))

    items = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == second.id)).all()
    assert (added, again) == (1, 0)
    assert [(i.kind, i.case_id) for i in items] == [(AgendaItemKind.FOLLOW_UP, open_case.id)]


def test_rotating_keys_re_encrypts_everything_with_the_newest_key(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    old_key = CRYPTO.cipher.keys[0]
    submit(session, table, series, meetings(session, series)[0])
    rotated = CaseCrypto(cipher=DataCipher((old_key, os.urandom(32))), index_key=CRYPTO.index_key)

    changed = disclosure.rotate_keys(session, crypto=rotated, actor=member(table))

    [person] = session.exec(select(CasePerson)).all()
    assert changed == 1 and rotated.cipher.is_current(person.name_encrypted)
    only_new = DataCipher((rotated.cipher.keys[1],))
    row = person_row(person.case_id, person.position)
    assert only_new.decrypt(person.bsn_encrypted or "", purpose="bsn", row=row) == "999990111"
    assert disclosure.rotate_keys(session, crypto=rotated, actor=member(table)) == 0


def opened(crypto: CaseCrypto, person: CasePerson) -> tuple[str, str, str | None, str]:
    """The person's four fields decrypted as v2 values bound to their row."""
    row = person_row(person.case_id, person.position)

    def open_(token: str | None, purpose: str) -> str | None:
        return crypto.cipher.decrypt(token, purpose=purpose, row=row) if token else None

    return (
        open_(person.name_encrypted, "naam") or "",
        open_(person.birth_date_encrypted, "geboortedatum") or "",
        open_(person.bsn_encrypted, "bsn"),
        open_(person.address_encrypted, "adres") or "",
    )


KEES_OPENED = ("Kees Wildeboer", "1961-03-12", "999990111", "Dorpsstraat 14")


def test_rotating_rewrites_v1_values_in_the_current_format_when_the_key_is_current(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])
    [person] = persons_of(session, case.id)
    store_as_v1(session, CRYPTO.cipher, person, KEES)
    assert not CRYPTO.cipher.is_current(person.name_encrypted)

    changed = disclosure.rotate_keys(session, crypto=CRYPTO, actor=member(table))

    session.refresh(person)
    tokens = [person.name_encrypted, person.birth_date_encrypted, person.bsn_encrypted or ""]
    assert changed == 1 and all(t.startswith(f"v2.{CRYPTO.cipher.newest_id}.") for t in tokens)
    assert CRYPTO.cipher.is_current(person.address_encrypted)
    assert opened(CRYPTO, person) == KEES_OPENED
    assert disclosure.rotate_keys(session, crypto=CRYPTO, actor=member(table)) == 0


def test_rotating_v1_values_under_an_old_key_gives_v2_under_the_newest(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])
    [person] = persons_of(session, case.id)
    store_as_v1(session, CRYPTO.cipher, person, KEES)
    rotated = CaseCrypto(
        cipher=DataCipher((*CRYPTO.cipher.keys, os.urandom(32))), index_key=CRYPTO.index_key
    )

    changed = disclosure.rotate_keys(session, crypto=rotated, actor=member(table))

    session.refresh(person)
    only_new = CaseCrypto(cipher=DataCipher(rotated.cipher.keys[-1:]), index_key=CRYPTO.index_key)
    assert changed == 1 and disclosure.not_rotated(session, crypto=rotated) == 0
    assert opened(only_new, person) == KEES_OPENED


def test_rotating_leaves_a_person_that_does_not_open_and_counts_it(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    ruud = PersonData(
        name="Ruud Ommeren", birth_date=date(1970, 1, 1), bsn=None, address="Veenweg 3"
    )
    case = submit(session, table, series, meetings(session, series)[0], [KEES, ruud])
    kees_row, ruud_row = persons_of(session, case.id)
    store_as_v1(session, CRYPTO.cipher, kees_row, KEES)
    store_as_v1(session, CRYPTO.cipher, ruud_row, ruud)
    damaged = tampered(ruud_row.address_encrypted)
    ruud_row.address_encrypted = damaged
    session.add(ruud_row)
    session.commit()

    changed = disclosure.rotate_keys(session, crypto=CRYPTO, actor=member(table))

    session.refresh(kees_row)
    session.refresh(ruud_row)
    assert changed == 1 and opened(CRYPTO, kees_row) == KEES_OPENED
    assert ruud_row.address_encrypted == damaged and ruud_row.name_encrypted.startswith("v1.")
    assert disclosure.not_rotated(session, crypto=CRYPTO) == 1
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "sleutels.geroteerd")).one()
    assert json.loads(event.detail) == {"personen": 1, "onleesbaar": 1}
