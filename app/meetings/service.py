"""Use cases of the live meeting: attendance, recording per item, starting and finishing."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app import audit
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service as case_service
from app.cases.models import Case, EscalationBody, LegalBasis
from app.dates import long_date
from app.db import utcnow
from app.errors import DomainError, MeetingClosed, TextTooLong
from app.meetings import queries
from app.meetings.models import (
    TEXT_FIELDS,
    TEXT_LENGTH,
    TEXT_LENGTHS,
    Informing,
    ItemAbsence,
    ItemContribution,
    ItemRecord,
    MeetingAttendance,
    NextStep,
    Presence,
    thousands,
    what_is_missing,
)
from app.overleg.invitations import MailContext
from app.overleg.models import (
    CLOSED,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    SeriesMember,
    SeriesOrganisation,
)
from app.overleg.schedule import local
from app.tasks import service as task_service

RECORDING = (MeetingStatus.IN_PROGRESS,)
TEXT_CORRECTABLE = (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED, MeetingStatus.MINUTES_FINAL)


class VersionConflict(Exception):
    """Someone else saved this field since it was loaded; both texts are kept for merging."""

    def __init__(self, current_text: str, current_version: int | str) -> None:
        super().__init__("versieconflict")
        self.current_text = current_text
        self.current_version = current_version


def fingerprint(text: str) -> str:
    """Which version of a text field a browser based its edit on (per field, so two people
    writing in different fields of one item never block each other)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Missing:
    """What a discussed casus still lacks before the meeting can be finished."""

    item: AgendaItem
    what: list[str]


def _check_recording(meeting: Meeting) -> None:
    if meeting.status not in RECORDING:
        raise DomainError("Deze bijeenkomst is niet bezig; er kan niets meer worden vastgelegd.")


def set_presence(
    session: Session, *, meeting: Meeting, user_id: int, presence: Presence, by: Actor
) -> MeetingAttendance:
    """Record whether a member is present, absent with notice, or absent."""
    rows = _member_rows(session, meeting)
    shown = rows[user_id].presence if user_id in rows else None
    set_attendance(session, meeting=meeting, changes={user_id: (shown, presence)}, by=by)
    return _member_rows(session, meeting)[user_id]


def set_attendance(
    session: Session,
    *,
    meeting: Meeting,
    changes: Mapping[int, tuple[Presence | None, Presence]],
    by: Actor,
) -> None:
    """Record the attendance form: per member the presence the form showed and the one chosen.
    A row someone else changed meanwhile is refused and nothing of the form is saved, so no
    choice is overwritten unseen."""
    if meeting.status in CLOSED:
        raise MeetingClosed("De aanwezigheid van deze bijeenkomst ligt vast.")
    members = set(
        session.exec(
            select(SeriesMember.user_id).where(
                SeriesMember.series_id == meeting.series_id,
                col(SeriesMember.user_id).in_(list(changes)),
            )
        ).all()
    )
    rows = _member_rows(session, meeting)
    for user_id, (shown, _) in changes.items():
        if user_id not in members:
            # Above the form: the form has no row for someone who is not at the table.
            raise DomainError("Deze persoon zit niet aan tafel bij dit overleg.")
        if (rows[user_id].presence if user_id in rows else None) != shown:
            raise DomainError(
                "Iemand anders heeft deze aanwezigheid intussen gewijzigd; kijk het na en sla "
                "opnieuw op.",
                field=f"presence-{user_id}",
            )
    for user_id, (_, chosen) in changes.items():
        row = rows.get(user_id) or MeetingAttendance(meeting_id=meeting.id, user_id=user_id)
        row.presence = chosen
        session.add(row)
    session.commit()


def _member_rows(session: Session, meeting: Meeting) -> dict[int, MeetingAttendance]:
    return {
        row.user_id: row
        for row in queries.attendance_rows(session, meeting=meeting)
        if row.user_id is not None
    }


def _at_table(session: Session, meeting: Meeting, organisation_id: int) -> bool:
    return (
        session.exec(
            select(SeriesOrganisation.id).where(
                SeriesOrganisation.series_id == meeting.series_id,
                SeriesOrganisation.organisation_id == organisation_id,
            )
        ).first()
        is not None
    )


def add_guest(
    session: Session, *, meeting: Meeting, name: str, organisation_id: int | None, by: Actor
) -> MeetingAttendance:
    """A guest at the table; covered by a declaration or by a signed organisation."""
    if meeting.status in CLOSED:
        raise MeetingClosed("Deze bijeenkomst is afgesloten; er kan geen gast meer bij.")
    if organisation_id is not None and not _at_table(session, meeting, organisation_id):
        raise DomainError(
            "Kies een organisatie die aan tafel zit, of geen.", field="guest_organisation_id"
        )
    guest = MeetingAttendance(
        meeting_id=meeting.id,
        guest_name=name,
        guest_organisation_id=organisation_id,
        presence=Presence.PRESENT,
    )
    session.add(guest)
    session.flush()
    audit.record(
        session,
        action="bijeenkomst.gast",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
    )
    session.commit()
    return guest


def set_left_room(
    session: Session, *, item: AgendaItem, attendance: MeetingAttendance, left: bool, by: Actor
) -> None:
    """Mark that someone leaves (or is back in) the room for this agenda item; it decides
    whether the casus is discussed anonymously, so every change is audited."""
    meeting = session.get(Meeting, item.meeting_id)
    if meeting is None or meeting.status in CLOSED:
        raise MeetingClosed(
            "Deze bijeenkomst is afgesloten; wie bij een punt de ruimte verliet, ligt vast."
        )
    existing = session.exec(
        select(ItemAbsence).where(
            ItemAbsence.agenda_item_id == item.id,
            ItemAbsence.attendance_id == attendance.id,
        )
    ).first()
    if left == (existing is not None):
        return  # already so: a repeated click changes nothing
    if existing is None:
        session.add(ItemAbsence(agenda_item_id=item.id, attendance_id=attendance.id))
    else:
        session.delete(existing)
    audit.record(
        session,
        action="agendapunt.ruimte.verlaten" if left else "agendapunt.ruimte.terug",
        actor=by,
        object_type="agendapunt",
        object_id=item.id,
        detail={"bijeenkomst": meeting.id, "aanwezigheid": attendance.id},
    )
    session.commit()


def start(
    session: Session,
    *,
    meeting: Meeting,
    confidentiality_read: bool,
    confirm_other_day: bool = False,
    today: date,
    by: Actor,
) -> Meeting:
    """Open the meeting once the chair confirmed the confidentiality statement was read and,
    on another day than planned, that it really starts today."""
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN):
        raise DomainError("Deze bijeenkomst kan niet (meer) worden gestart.")
    planned = local(meeting.starts_at).date()
    # Asked first: on the wrong day it may well be the wrong meeting that is being opened.
    if planned != today and not confirm_other_day:
        raise DomainError(
            f"Deze bijeenkomst staat gepland op {long_date(planned)}, niet vandaag. "
            "Toch vandaag starten?",
            field="confirm_other_day",
        )
    if not confidentiality_read:
        raise DomainError(
            "Bevestig dat de geheimhoudingsverklaring is voorgelezen.", field="confidentiality_read"
        )
    meeting.status = MeetingStatus.IN_PROGRESS
    session.add(meeting)
    audit.record(
        session,
        action="bijeenkomst.gestart",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
        context="geheimhouding bevestigd",
        detail=None if planned == today else {"gepland": planned.isoformat()},
    )
    session.commit()
    return meeting


def record_of(session: Session, *, item: AgendaItem) -> ItemRecord:
    """The item's record, created empty the first time."""
    record = session.exec(select(ItemRecord).where(ItemRecord.agenda_item_id == item.id)).first()
    if record is None:
        record = ItemRecord(agenda_item_id=item.id)
        session.add(record)
        session.flush()
    return record


def save_text(
    session: Session,
    *,
    meeting: Meeting,
    item: AgendaItem,
    field: str,
    value: str,
    based_on: str,
    by: Actor,
) -> ItemRecord:
    """Save one text field; a save based on text someone else has since changed is refused
    (never a silent overwrite) and the current text is handed back for merging. After the
    meeting the chair may still correct the texts (the verslag then needs a new version)."""
    if meeting.status not in TEXT_CORRECTABLE:
        raise DomainError("Deze bijeenkomst is niet bezig; er kan niets meer worden vastgelegd.")
    if field not in TEXT_FIELDS:
        raise DomainError("Onbekend veld.")
    _check_length(value, TEXT_LENGTHS[field])
    record = record_of(session, item=item)
    current = getattr(record, field)
    if value == current:
        return record  # already stored: a repeated or queued save is no conflict and no change
    if fingerprint(current) != based_on:
        raise VersionConflict(current, fingerprint(current))
    setattr(record, field, value)
    return _bump(session, record)


def _check_length(text: str, length: int) -> None:
    if len(text) > length:
        raise TextTooLong(
            f"Hoogstens {thousands(length)} tekens (nu {thousands(len(text))}); er is niets "
            "opgeslagen. Maak de tekst korter: wat u typte staat nog in het veld."
        )


def _bump(session: Session, record: ItemRecord) -> ItemRecord:
    record.version += 1
    record.updated_at = utcnow()
    session.add(record)
    session.commit()
    return record


def save_outcome(
    session: Session,
    *,
    meeting: Meeting,
    item: AgendaItem,
    version: int,
    next_step: NextStep | None,
    next_step_date: date | None,
    escalation_body: EscalationBody | None,
    informing: Informing | None,
    by: Actor,
) -> ItemRecord:
    """Save the choices of an item: next step (with date or body) and the informering."""
    _check_recording(meeting)
    record = record_of(session, item=item)
    if record.version != version:
        raise VersionConflict("", record.version)
    if next_step == NextStep.ON_DATE and next_step_date is None:
        raise DomainError("Kies de datum waarop de casus terugkomt.", field="next_step_date")
    if (
        next_step == NextStep.ON_DATE
        and next_step_date
        and next_step_date <= local(meeting.starts_at).date()
    ):
        raise DomainError("Die datum ligt niet na deze bijeenkomst.", field="next_step_date")
    if next_step == NextStep.ESCALATE and not escalation_body:
        raise DomainError("Kies naar wie wordt opgeschaald.", field="escalation_body")
    record.next_step, record.next_step_date = next_step, next_step_date
    record.escalation_body = escalation_body
    record.informing = informing
    return _bump(session, record)


def save_contribution(
    session: Session,
    *,
    meeting: Meeting,
    item: AgendaItem,
    organisation_id: int,
    text: str,
    legal_basis: LegalBasis | None,
    version: int,
    by: Actor,
) -> ItemContribution:
    """What one organisation shared on this item (versioned like every text)."""
    _check_recording(meeting)
    if not _at_table(session, meeting, organisation_id):
        raise DomainError("Deze organisatie zit niet aan tafel bij dit overleg.")
    _check_length(text, TEXT_LENGTH)
    row = session.exec(
        select(ItemContribution).where(
            ItemContribution.agenda_item_id == item.id,
            ItemContribution.organisation_id == organisation_id,
        )
    ).first() or ItemContribution(
        agenda_item_id=item.id, organisation_id=organisation_id, version=0
    )
    if row.version != version:
        raise VersionConflict(row.text, row.version)
    row.text, row.legal_basis = text, legal_basis
    row.version += 1
    session.add(row)
    session.commit()
    return row


def missing_for_finish(session: Session, *, meeting: Meeting) -> list[Missing]:
    """Per discussed casus: what is missing (owner or outcome, next step, informering)."""
    items = session.exec(
        select(AgendaItem)
        .where(
            AgendaItem.meeting_id == meeting.id,
            col(AgendaItem.case_id).is_not(None),
        )
        .order_by(col(AgendaItem.position))
    ).all()
    records = {
        r.agenda_item_id: r
        for r in session.exec(
            select(ItemRecord).where(col(ItemRecord.agenda_item_id).in_([i.id for i in items]))
        ).all()
    }
    cases = {
        c.id: c
        for c in session.exec(
            select(Case).where(col(Case.id).in_([i.case_id for i in items]))
        ).all()
    }
    missing = []
    for item in items:
        what = what_is_missing(records.get(item.id), cases[item.case_id])
        if what:
            missing.append(Missing(item=item, what=what))
    return missing


def _apply_outcome(session: Session, record: ItemRecord, case: Case, day: date, by: Actor) -> None:
    """The escalation or closing decided for the casus, as a step of finishing the meeting;
    a refusal names the casus."""
    reason = record.outcome_reason or "Besloten in het overleg"
    try:
        if record.next_step == NextStep.ESCALATE and record.escalation_body:
            case_service.apply_escalation(
                session, case=case, body=record.escalation_body, on=day, reason=reason, by=by
            )
        elif record.next_step == NextStep.CLOSE:
            case_service.apply_closing(session, case=case, on=day, reason=reason, by=by)
    except DomainError as exc:
        raise DomainError(
            f"Casus {case.reference}: {exc.message} Pas de vervolgstap aan en rond opnieuw af; "
            "er is nog niets opgeschaald of afgesloten.",
            field="finish",
        ) from exc


def finish(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    anonymous_item_ids: set[int],
    by: Actor,
    mail: MailContext,
) -> Meeting:
    """Close the meeting: store which items were discussed anonymously, apply escalations and
    closings, mark the casussen discussed, and mail every assignee their tasks; all of it in one
    transaction, or nothing when one step is refused."""
    _check_recording(meeting)
    if missing_for_finish(session, meeting=meeting):
        raise DomainError("Nog niet alle casussen zijn compleet; zie de lijst hieronder.")
    day = local(meeting.starts_at).date()
    items = session.exec(
        select(AgendaItem, ItemRecord, Case)
        .join(ItemRecord, col(ItemRecord.agenda_item_id) == AgendaItem.id)
        .join(Case, col(Case.id) == AgendaItem.case_id)
        .where(AgendaItem.meeting_id == meeting.id)
    ).all()
    try:
        for item, record, case in items:
            record.discussed_anonymously = item.id in anonymous_item_ids
            session.add(record)
            case.last_discussed_on = day
            session.add(case)
            _apply_outcome(session, record, case, day, by)
    except DomainError:
        session.rollback()
        raise
    meeting.status = MeetingStatus.FINISHED
    session.add(meeting)
    task_service.mail_assignees(session, series=series, meeting=meeting, mail=mail)
    audit.record(
        session,
        action="bijeenkomst.afgerond",
        actor=by,
        object_type="bijeenkomst",
        object_id=meeting.id,
    )
    session.commit()
    return meeting
