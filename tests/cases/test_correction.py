"""Correcting and withdrawing a casus on a real database: until the agenda is frozen, and a
withdrawal erases the persons for good and keeps the casus and its timeline."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from app.agenda import service as agenda_service
from app.agenda.models import AgendaItem
from app.audit import AuditEvent
from app.cases import service
from app.cases.models import (
    Case,
    CaseBase,
    CaseCategory,
    CaseEvent,
    CasePerson,
    CaseStatus,
    PersonData,
    Urgency,
)
from app.errors import DomainError
from app.overleg.models import MeetingSeries
from tests.cases.submitting import CRYPTO, IDENTIFIED, KEES, meetings, member, submit
from tests.cases.tokens import persons_of
from tests.planning import MAIL, Table

RUUD = PersonData(name="Ruud Ommeren", birth_date=date(1975, 11, 30), address="Molenweg 27")


def corrected(**overrides: object) -> CaseBase:
    values = {
        "pseudonym": "Oudere man met overlast",
        "categories": [CaseCategory.NUISANCE, CaseCategory.CONFUSED_BEHAVIOUR],
        "urgency": Urgency.URGENT,
        "reason": "Drie meldingen van overlast in vier weken.",
        "question": "Wie legt contact met de bewoner?",
    }
    return CaseBase.model_validate(values | overrides)


def timeline(session: Session, case: Case) -> list[str]:
    return list(
        session.exec(
            select(CaseEvent.description)
            .where(CaseEvent.case_id == case.id)
            .order_by(col(CaseEvent.id))
        ).all()
    )


def audited(session: Session, action: str, case: Case) -> bool:
    found = session.exec(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == str(case.id))
    ).first()
    return found is not None


def test_a_correction_replaces_what_was_typed_persons_included_and_says_what_changed(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])

    service.correct(
        session,
        case=case,
        data=corrected(),
        people=[RUUD],
        details=IDENTIFIED,
        crypto=CRYPTO,
        by=member(table),
    )

    [person] = persons_of(session, case.id)
    row = f"case_person:{case.id}:1"
    assert CRYPTO.cipher.decrypt(person.name_encrypted, purpose="naam", row=row) == RUUD.name
    [item] = session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).all()
    assert item.title == f"{case.reference} Oudere man met overlast"
    assert timeline(session, case)[-1] == "Gecorrigeerd: pseudoniem, categorieën, urgentie"
    assert audited(session, "casus.gecorrigeerd", case)


def test_withdrawing_takes_the_casus_off_the_agenda_and_erases_its_persons_for_good(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    first, second, *_ = meetings(session, series)
    case = submit(session, table, series, first)
    service.add_follow_ups(session, meeting=second, by=member(table))

    service.withdraw(session, case=case, by=member(table))

    session.refresh(case)
    assert (case.status, case.identified, case.legal_basis) == (CaseStatus.WITHDRAWN, False, None)
    assert session.exec(select(CasePerson)).all() == []
    assert session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).all() == []
    assert timeline(session, case) == ["Aangemeld", "Ingetrokken; de persoonsgegevens zijn gewist"]
    assert audited(session, "casus.ingetrokken", case)
    assert service.add_follow_ups(session, meeting=second, by=member(table)) == 0


def test_a_withdrawn_casus_takes_no_further_decision(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])
    service.withdraw(session, case=case, by=member(table))

    with pytest.raises(DomainError, match="ingetrokken"):
        service.set_owner(
            session, case=case, organisation_id=table.police_id, user_id=None, by=member(table)
        )
    with pytest.raises(DomainError, match="ingetrokken"):
        service.withdraw(session, case=case, by=member(table))
    with pytest.raises(DomainError, match="ingetrokken"):
        service.identify(
            session,
            case=case,
            people=[KEES],
            details=IDENTIFIED,
            reason="Toch nodig",
            crypto=CRYPTO,
            by=member(table),
        )


@pytest.mark.parametrize("change", ["corrigeren", "intrekken"])
def test_after_the_agenda_is_frozen_nothing_is_corrected_or_withdrawn(
    session: Session, table: Table, series: MeetingSeries, change: str
) -> None:
    meeting = meetings(session, series)[0]
    case = submit(session, table, series, meeting)
    agenda_service.freeze(session, series=series, meeting=meeting, by=table.admin, mail=MAIL)

    with pytest.raises(DomainError, match="agenda van de bijeenkomst is al vastgesteld"):
        if change == "corrigeren":
            service.correct(
                session,
                case=case,
                data=corrected(),
                people=[RUUD],
                details=IDENTIFIED,
                crypto=CRYPTO,
                by=member(table),
            )
        else:
            service.withdraw(session, case=case, by=member(table))

    session.rollback()
    session.refresh(case)
    assert (case.status, case.pseudonym) == (CaseStatus.SUBMITTED, "Man met overlast")
    assert len(persons_of(session, case.id)) == 1
    assert session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).one()


def test_a_correction_of_an_identified_casus_without_a_person_is_refused(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    case = submit(session, table, series, meetings(session, series)[0])

    with pytest.raises(DomainError, match="minstens één persoon") as refused:
        service.correct(
            session,
            case=case,
            data=corrected(),
            people=[],
            details=IDENTIFIED,
            crypto=CRYPTO,
            by=member(table),
        )

    assert refused.value.field == "person-1-name"
    session.rollback()
    session.refresh(case)
    assert case.pseudonym == "Man met overlast" and len(persons_of(session, case.id)) == 1
