"""Use cases for planning: overleggen, their meetings a year ahead, moving and cancelling."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from app import audit
from app.agenda.models import AgendaItem
from app.attendance.models import AttendanceIntention, ConfidentialityDeclaration
from app.audit import Actor
from app.covenants.models import Covenant
from app.db import utcnow
from app.errors import DomainError
from app.overleg import invitations, schedule, table
from app.overleg.invitations import MailContext
from app.overleg.models import (
    Meeting,
    MeetingCancellation,
    MeetingSeries,
    MeetingStatus,
    MeetingTimes,
    RecurrenceFields,
    SeriesDetails,
    SeriesEdit,
    SeriesMember,
    SeriesOrganisation,
    SeriesPlan,
)

OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.AGENDA_FROZEN)
NO_MEETING = "Met deze herhaling valt er in de komende 12 maanden geen enkele bijeenkomst."


@dataclass(frozen=True)
class RecurrenceChange:
    """What changing the recurrence did to the future meetings."""

    moved: list[tuple[date, date]] = field(default_factory=list)
    dropped: list[date] = field(default_factory=list)
    added: list[date] = field(default_factory=list)
    kept: list[Meeting] = field(default_factory=list)


def _rule_dates(rule: RecurrenceFields, today: date) -> list[date]:
    dates = schedule.recurrence_dates(
        starts_on=rule.starts_on,
        weekday=rule.weekday,
        interval_weeks=rule.interval_weeks,
        ends_on=rule.ends_on,
        until=today + schedule.PLANNING_HORIZON,
    )
    return [day for day in dates if day >= today]


def _place(meeting: Meeting, rule: RecurrenceFields, times: MeetingTimes) -> None:
    """Put a meeting at a day, time and place, with its holiday flag and agenda deadline."""
    meeting.starts_at = schedule.at_local_time(times.day, times.start_time)
    meeting.ends_at = meeting.starts_at + timedelta(minutes=times.duration_minutes)
    meeting.location = times.location
    meeting.holiday_name = schedule.holiday_name(times.day)
    meeting.agenda_deadline = schedule.deadline_before(times.day, rule.deadline_working_days)


def _rule_times(series: MeetingSeries, day: date) -> MeetingTimes:
    return MeetingTimes(
        day=day,
        start_time=series.start_time,
        location=series.default_location,
        duration_minutes=series.duration_minutes,
    )


def _new_meeting(series: MeetingSeries, day: date | None, times: MeetingTimes) -> Meeting:
    meeting = Meeting(
        series_id=series.id,
        occurrence_date=day,
        starts_at=utcnow(),
        ends_at=utcnow(),
        location="",
        agenda_deadline=times.day,
    )
    _place(meeting, series, times)
    return meeting


def create_series(
    session: Session, *, plan: SeriesPlan, by: Actor, today: date, mail: MailContext
) -> MeetingSeries:
    """Plan an overleg: its table, its meetings for the coming year, and invite its members."""
    if session.exec(select(MeetingSeries.id).where(MeetingSeries.name == plan.name)).first():
        raise DomainError("Er is al een overleg met deze naam.", field="name")
    if session.get(Covenant, plan.covenant_id) is None:
        raise DomainError("Kies het convenant waaronder dit overleg valt.", field="covenant_id")
    table.check_table(session, plan)
    dates = _rule_dates(plan, today)
    if not dates:
        raise DomainError(NO_MEETING, field="starts_on")
    series = MeetingSeries.model_validate(plan)
    session.add(series)
    session.flush()
    session.add_all(
        SeriesOrganisation(series_id=series.id, organisation_id=organisation_id)
        for organisation_id in set(plan.organisation_ids)
    )
    session.add_all(
        SeriesMember(series_id=series.id, user_id=user_id, role=role)
        for user_id, role in table.roles_of(plan).items()
    )
    meetings = missing_meetings(series, today=today, existing=set())
    session.add_all(meetings)
    session.flush()
    invitations.invite_to_series(session, series=series, meetings=meetings, mail=mail)
    audit.record(
        session,
        action="overleg.aangemaakt",
        actor=by,
        object_type="overleg",
        object_id=series.id,
        detail={"bijeenkomsten": len(meetings)},
    )
    session.commit()
    return series


@dataclass(frozen=True)
class TableChange:
    """What changing an overleg meant for the people at its table (user ids)."""

    joined: list[int]
    left: list[int]
    # Its name or place changed: the members' calendars need the new version.
    calendar_changed: bool


def _move_to_new_place(session: Session, series: MeetingSeries, place: str, now: datetime) -> None:
    """Coming meetings still at the old fixed place move along to the new one."""
    session.execute(
        update(Meeting)
        .where(
            col(Meeting.series_id) == series.id,
            col(Meeting.starts_at) > now,
            col(Meeting.status).in_(OPEN_STATUSES),
            col(Meeting.location) == series.default_location,
        )
        .values(location=place)
    )


def edit_series(
    session: Session, *, series: MeetingSeries, edit: SeriesEdit, by: Actor, now: datetime
) -> TableChange:
    """Change an overleg's name, place, covenant, organisations and people. Whoever leaves the
    table no longer sees anything of the overleg, earlier verslagen included (need-to-know)."""
    clash = session.exec(
        select(MeetingSeries.id).where(
            MeetingSeries.name == edit.name, MeetingSeries.id != series.id
        )
    ).first()
    if clash:
        raise DomainError("Er is al een overleg met deze naam.", field="name")
    if session.get(Covenant, edit.covenant_id) is None:
        raise DomainError("Kies het convenant waaronder dit overleg valt.", field="covenant_id")
    table.check_roles_at_table(edit, table.check_table(session, edit))
    calendar_changed = (edit.name, edit.default_location) != (series.name, series.default_location)
    if edit.default_location != series.default_location:
        _move_to_new_place(session, series, edit.default_location, now)
    previous_covenant = series.covenant_id
    series.sqlmodel_update(edit.model_dump(include=set(SeriesDetails.model_fields)))
    session.add(series)
    table.set_organisations(session, series, set(edit.organisation_ids))
    joined, left = table.set_members(session, series, table.roles_of(edit))
    session.flush()
    audit.record(
        session,
        action="overleg.gewijzigd",
        actor=by,
        object_type="overleg",
        object_id=series.id,
        detail={
            "leden_erbij": joined,
            "leden_eraf": left,
            "organisaties": sorted(set(edit.organisation_ids)),
            "convenant": {"was": previous_covenant, "nu": series.covenant_id},
        },
    )
    session.commit()
    return TableChange(joined=joined, left=left, calendar_changed=calendar_changed)


def set_names_in_minutes(session: Session, *, series: MeetingSeries, on: bool, by: Actor) -> None:
    """The overleg's setting 'namen in verslag' (off by default: reference and pseudonym)."""
    series.names_in_minutes = on
    session.add(series)
    audit.record(
        session,
        action="overleg.namen_in_verslag",
        actor=by,
        object_type="overleg",
        object_id=series.id,
        detail={"aan": on},
    )
    session.commit()


def missing_meetings(
    series: MeetingSeries, *, today: date, existing: set[date | None]
) -> list[Meeting]:
    """The rule's meetings within the coming year that do not exist yet (not stored)."""
    return [
        _new_meeting(series, day, _rule_times(series, day))
        for day in _rule_dates(series, today)
        if day not in existing
    ]


def extend_meetings(session: Session, *, series: MeetingSeries, today: date) -> int:
    """Keep a year of meetings planned: add the rule's dates that have no meeting yet."""
    existing = set(
        session.exec(select(Meeting.occurrence_date).where(Meeting.series_id == series.id)).all()
    )
    new = missing_meetings(series, today=today, existing=existing)
    session.add_all(new)
    session.commit()
    return len(new)


def _untouched_future(session: Session, series: MeetingSeries, now: datetime) -> list[Meeting]:
    """Future generated meetings nobody moved, cancelled, put on the agenda or signed for."""
    with_agenda = select(AgendaItem.meeting_id).distinct()
    with_declarations = select(ConfidentialityDeclaration.meeting_id).distinct()
    return list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.series_id == series.id,
                Meeting.starts_at > now,
                Meeting.status == MeetingStatus.PLANNED,
                Meeting.sequence == 0,
                col(Meeting.occurrence_date).is_not(None),
                col(Meeting.id).not_in(with_agenda),
                col(Meeting.id).not_in(with_declarations),
            )
            .order_by(col(Meeting.starts_at))
        ).all()
    )


def change_recurrence(
    session: Session,
    *,
    series: MeetingSeries,
    rule: RecurrenceFields,
    by: Actor,
    today: date,
    mail: MailContext,
) -> RecurrenceChange:
    """Apply a new recurrence to future meetings that nobody touched and that have no agenda."""
    now = utcnow()
    dates = _rule_dates(rule, today)
    if not dates:
        raise DomainError(NO_MEETING, field="starts_on")
    series.sqlmodel_update(rule.model_dump())
    free = _untouched_future(session, series, now)
    kept = list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.series_id == series.id,
                Meeting.starts_at > now,
                col(Meeting.id).not_in([m.id for m in free]),
                Meeting.status != MeetingStatus.CANCELLED,
            )
            .order_by(col(Meeting.starts_at))
        ).all()
    )
    # Every date a meeting that stays holds (cancelled and past ones included) is taken.
    taken = set(
        session.exec(
            select(Meeting.occurrence_date).where(
                Meeting.series_id == series.id,
                col(Meeting.id).not_in([m.id for m in free]),
                col(Meeting.occurrence_date).is_not(None),
            )
        ).all()
    )
    dates = [day for day in dates if day not in taken]
    old_dates = [m.occurrence_date for m in free]
    # Whoever said they would come, said so for the old date.
    session.execute(
        delete(AttendanceIntention).where(
            col(AttendanceIntention.meeting_id).in_([m.id for m in free])
        )
    )
    for meeting in free:  # free the dates first: the unique index must hold after every row
        meeting.occurrence_date = None
    session.flush()
    change = RecurrenceChange(kept=kept)
    for meeting, old, new in zip(free, old_dates, dates, strict=False):
        meeting.occurrence_date = new
        _place(meeting, series, _rule_times(series, new))
        if new != old:
            change.moved.append((old, new))
    for meeting in free[len(dates) :]:
        change.dropped.append(meeting.occurrence_date or meeting.starts_at.date())
        session.delete(meeting)
    session.add_all(
        _new_meeting(series, day, _rule_times(series, day)) for day in dates[len(free) :]
    )
    change.added.extend(dates[len(free) :])
    session.add(series)
    session.flush()
    invitations.invite_to_series(
        session,
        series=series,
        meetings=upcoming_meetings(session, series=series, now=now),
        mail=mail,
    )
    audit.record(
        session,
        action="overleg.herhaling.gewijzigd",
        actor=by,
        object_type="overleg",
        object_id=series.id,
        detail={"verplaatst": len(change.moved), "vervallen": len(change.dropped)},
    )
    session.commit()
    return change


def _check_slot(
    session: Session, *, series: MeetingSeries, times: MeetingTimes, ignore_id: int | None
) -> tuple[datetime, datetime]:
    starts = schedule.at_local_time(times.day, times.start_time)
    ends = starts + timedelta(minutes=times.duration_minutes)
    if starts <= utcnow():
        raise DomainError("Een bijeenkomst kan niet in het verleden worden gepland.", field="day")
    overlap = session.exec(
        select(Meeting).where(
            Meeting.series_id == series.id,
            Meeting.id != ignore_id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at < ends,
            Meeting.ends_at > starts,
        )
    ).first()
    if overlap is not None:
        raise DomainError(
            "Op dit tijdstip is er al een bijeenkomst van dit overleg "
            f"({invitations.describe(overlap)}).",
            field="day",
        )
    return starts, ends


def _publish(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    action: str,
    by: Actor,
    mail: MailContext,
) -> Meeting:
    """Store a changed meeting, tell the members (with .ics) and log it, in one transaction."""
    session.add(meeting)
    session.flush()
    invitations.announce_meeting_change(session, series=series, meeting=meeting, mail=mail)
    audit.record(session, action=action, actor=by, object_type="bijeenkomst", object_id=meeting.id)
    session.commit()
    return meeting


def move_meeting(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    times: MeetingTimes,
    by: Actor,
    mail: MailContext,
) -> Meeting:
    """Move one meeting (date, time, place) without touching the others; members are told."""
    if meeting.status not in OPEN_STATUSES:
        raise DomainError("Deze bijeenkomst kan niet meer worden verplaatst.")
    _check_slot(session, series=series, times=times, ignore_id=meeting.id)
    _place(meeting, series, times)
    meeting.sequence += 1
    return _publish(
        session, series=series, meeting=meeting, action="bijeenkomst.verplaatst", by=by, mail=mail
    )


def add_meeting(
    session: Session, *, series: MeetingSeries, times: MeetingTimes, by: Actor, mail: MailContext
) -> Meeting:
    """Add an extra meeting outside the recurrence."""
    _check_slot(session, series=series, times=times, ignore_id=None)
    meeting = _new_meeting(series, None, times)
    return _publish(
        session, series=series, meeting=meeting, action="bijeenkomst.toegevoegd", by=by, mail=mail
    )


def cancel_meeting(
    session: Session,
    *,
    series: MeetingSeries,
    meeting: Meeting,
    data: MeetingCancellation,
    by: Actor,
    mail: MailContext,
) -> Meeting:
    """Cancel one meeting with a reason; members get a calendar cancellation."""
    if meeting.status not in OPEN_STATUSES:
        raise DomainError("Deze bijeenkomst kan niet meer worden geannuleerd.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = data.reason
    meeting.sequence += 1
    return _publish(
        session, series=series, meeting=meeting, action="bijeenkomst.geannuleerd", by=by, mail=mail
    )


def upcoming_meetings(session: Session, *, series: MeetingSeries, now: datetime) -> list[Meeting]:
    """The meetings of an overleg from now on, in order."""
    statement = select(Meeting).where(Meeting.series_id == series.id, Meeting.ends_at > now)
    return list(session.exec(statement.order_by(col(Meeting.starts_at))).all())


def enqueue_deadline_reminders(session: Session, *, today: date, mail: MailContext) -> int:
    """Remind members two working days before each agenda deadline (once per meeting)."""
    due = session.exec(
        select(Meeting, MeetingSeries)
        .join(MeetingSeries)
        .where(
            Meeting.status == MeetingStatus.PLANNED,
            col(Meeting.reminder_sent_at).is_(None),
            Meeting.agenda_deadline >= today,
        )
    ).all()
    sent = 0
    for meeting, series in due:
        if schedule.working_days_between(today, meeting.agenda_deadline) > 2:
            continue
        # Claim first: of several app processes, only the one whose update hits sends.
        claimed = session.execute(
            update(Meeting)
            .where(col(Meeting.id) == meeting.id, col(Meeting.reminder_sent_at).is_(None))
            .values(reminder_sent_at=utcnow())
        )
        if claimed.rowcount == 1:
            sent += invitations.remind_of_deadline(
                session, series=series, meeting=meeting, mail=mail
            )
    session.commit()
    return sent
