"""The dashboard's figures about the table itself: attendance, tasks, verslagen and the
casussen per meeting; one statement per figure (verslagen and meetings share one)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem
from app.dates import short_date
from app.db import AMSTERDAM
from app.meetings.models import ItemRecord, MeetingAttendance, Presence
from app.minutes.models import MinutesVersion
from app.organisations.models import Organisation
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.overleg.schedule import working_days_between
from app.statistics import disclosure_control as dc
from app.statistics.period import Period
from app.statistics.sql import between, counted_if, per_organisation
from app.statistics.tables import Chart, Figure, Row, StatTable
from app.tasks.models import CARRY_FORWARD_FLAG, Task, TaskStatus
from app.users.models import User

HELD = (MeetingStatus.FINISHED, MeetingStatus.MINUTES_FINAL)
ATTENDANCE_MEETINGS = 12
GUEST_WITHOUT_ORGANISATION = "Gasten zonder organisatie"
NOT_YET = Figure(text="–")


@dataclass(frozen=True)
class HeldMeeting:
    label: str
    day: date
    finalised_on: date | None
    cases: int
    anonymous: int

    @cached_property
    def working_days_to_finalised(self) -> int | None:
        """Working days from the meeting to its verslag vastgesteld (counted once: the summary
        and the table per meeting both show it)."""
        if self.finalised_on is None:
            return None
        return working_days_between(self.day, self.finalised_on)


def tables(
    session: Session,
    *,
    series_ids: Sequence[int],
    period: Period,
    today: date,
    min_count: int,
    target_working_days: int,
) -> list[StatTable]:
    """Attendance, tasks, verslagen and casussen per meeting, in that order."""
    meetings = held_meetings(session, series_ids, period)
    return [
        attendance(session, series_ids, period),
        tasks(session, series_ids, period, today, min_count),
        *minutes_turnaround(meetings, today, min_count, target_working_days),
        cases_per_meeting(meetings, min_count),
    ]


def attendance(session: Session, series_ids: Sequence[int], period: Period) -> StatTable:
    """Per organisation, who was there at the last 12 meetings held up to the period's end."""
    last_meetings = (
        select(Meeting.id)
        .where(
            col(Meeting.series_id).in_(series_ids),
            col(Meeting.status).in_(HELD),
            col(Meeting.starts_at) < period.end_moment,
        )
        .order_by(col(Meeting.starts_at).desc())
        .limit(ATTENDANCE_MEETINGS)
    )
    organisation_id = func.coalesce(
        col(User.organisation_id), col(MeetingAttendance.guest_organisation_id)
    )
    found = session.execute(
        select(Organisation.name, MeetingAttendance.presence, func.count())
        .select_from(MeetingAttendance)
        .outerjoin(User, col(User.id) == col(MeetingAttendance.user_id))
        .outerjoin(Organisation, col(Organisation.id) == organisation_id)
        .where(col(MeetingAttendance.meeting_id).in_(last_meetings))
        .group_by(col(Organisation.name), col(MeetingAttendance.presence))
    ).all()
    counts = {(name or GUEST_WITHOUT_ORGANISATION, presence): n for name, presence, n in found}
    names = sorted({name for name, _ in counts})
    return StatTable(
        key="aanwezigheid-per-organisatie",
        title="Aanwezigheid per organisatie",
        explanation=(
            f"Over de laatste {ATTENDANCE_MEETINGS} gehouden bijeenkomsten van de gekozen "
            "overleggen tot het einde van de periode (samen, niet per overleg; geannuleerde "
            "bijeenkomsten tellen niet mee): per organisatie hoe vaak een deelnemer of gast "
            "aanwezig was, afwezig met bericht of afwezig zonder bericht. Eén persoon op één "
            "bijeenkomst telt één keer. Dit gaat over professionals, niet over inwoners: deze "
            "aantallen zijn niet afgerond."
        ),
        row_header="Organisatie",
        columns=tuple(presence.value.capitalize() for presence in Presence),
        rows=tuple(
            Row(name, tuple(dc.unsuppressed(counts.get((name, p), 0)) for p in Presence))
            for name in names
        ),
        chart=Chart.STACKED,
        unit="keer",
    )


def tasks(
    session: Session, series_ids: Sequence[int], period: Period, today: date, min_count: int
) -> StatTable:
    """Per assignee organisation: the tasks agreed in the period, done, late and carried on."""
    query = per_organisation(
        series_ids,
        col(Task.assignee_organisation_id),
        [
            func.count(),
            counted_if(col(Task.status) == TaskStatus.DONE),
            counted_if((col(Task.status) == TaskStatus.OPEN) & (col(Task.due_on) < today)),
            counted_if(col(Task.carried_forward) >= CARRY_FORWARD_FLAG),
        ],
        col(Task.series_id).in_(series_ids),
        between(Task.created_at, period.start_moment, period.end_moment),
        col(Task.status) != TaskStatus.LAPSED,
    )
    rows = tuple(
        Row(
            name,
            (
                dc.count(total, min_count),
                dc.count(done, min_count),
                dc.percentage(done, total, min_count),
                dc.count(late, min_count),
                dc.count(carried, min_count),
            ),
        )
        for name, total, done, late, carried in session.execute(query).all()
    )
    return StatTable(
        key="acties-per-organisatie",
        title="Acties per organisatie",
        explanation=(
            "Acties die in de periode zijn afgesproken, naar de organisatie die ze uitvoert: "
            "hoeveel, hoeveel daarvan gereed zijn (ook als aandeel), hoeveel vandaag nog open "
            "staan terwijl de uiterste datum voorbij is (te laat), en hoeveel "
            f"{CARRY_FORWARD_FLAG} keer of vaker naar een volgende bijeenkomst zijn "
            "doorgeschoven. Vervallen acties tellen niet mee. Het aandeel staat er alleen als "
            f"minstens {min_count} acties gereed zijn en minstens {min_count} niet."
        ),
        row_header="Organisatie",
        columns=(
            "Acties",
            "Gereed",
            "Aandeel gereed",
            "Te laat",
            f"{CARRY_FORWARD_FLAG}× of vaker doorgeschoven",
        ),
        rows=rows,
        chart=Chart.NONE,
        unit="acties",
    )


def held_meetings(session: Session, series_ids: Sequence[int], period: Period) -> list[HeldMeeting]:
    """The meetings held in the period, with the day their verslag was first vastgesteld and
    how many casussen were on their agenda (and discussed anonymously)."""
    first_finalised = (
        select(func.min(MinutesVersion.finalised_at))
        .where(col(MinutesVersion.meeting_id) == col(Meeting.id))
        .scalar_subquery()
    )
    held = (
        col(Meeting.series_id).in_(series_ids),
        col(Meeting.status).in_(HELD),
        between(Meeting.starts_at, period.start_moment, period.end_moment),
    )
    # The agenda items of all these meetings counted in one pass, then joined: not a count
    # per meeting.
    case_items = (
        select(
            col(AgendaItem.meeting_id).label("meeting_id"),
            func.count().label("cases"),
            counted_if(col(ItemRecord.discussed_anonymously)).label("anonymous"),
        )
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .outerjoin(ItemRecord, col(ItemRecord.agenda_item_id) == col(AgendaItem.id))
        .where(*held, col(AgendaItem.case_id).is_not(None))
        .group_by(col(AgendaItem.meeting_id))
        .subquery()
    )
    found = session.execute(
        select(
            Meeting.starts_at,
            MeetingSeries.name,
            first_finalised,
            func.coalesce(case_items.c.cases, 0),
            func.coalesce(case_items.c.anonymous, 0),
        )
        .join(MeetingSeries, col(MeetingSeries.id) == col(Meeting.series_id))
        .outerjoin(case_items, case_items.c.meeting_id == col(Meeting.id))
        .where(*held)
        .order_by(col(Meeting.starts_at))
    ).all()
    several = len(set(series_ids)) > 1
    return [
        HeldMeeting(
            label=short_date(starts_at) + (f" · {series}" if several else ""),
            day=_local_day(starts_at),
            finalised_on=_local_day(finalised_at) if finalised_at else None,
            cases=cases,
            anonymous=anonymous,
        )
        for starts_at, series, finalised_at, cases, anonymous in found
    ]


def _local_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def minutes_turnaround(
    meetings: list[HeldMeeting], today: date, min_count: int, target: int
) -> list[StatTable]:
    """How long verslagen took to be vastgesteld, against the target: a summary and per meeting."""
    finalised = [d for m in meetings if (d := m.working_days_to_finalised) is not None]
    pending = [working_days_between(m.day, today) for m in meetings if not m.finalised_on]
    summary = (
        ("Gehouden bijeenkomsten", dc.unsuppressed(len(meetings))),
        ("Mediaan tot vastgesteld", dc.median_days(finalised, min_count, working=True)),
        (f"Vastgesteld binnen {target} werkdagen", _number(d <= target for d in finalised)),
        (f"Vastgesteld na meer dan {target} werkdagen", _number(d > target for d in finalised)),
        ("Nog niet vastgesteld, norm verstreken", _number(d > target for d in pending)),
        ("Nog niet vastgesteld, binnen de norm", _number(d <= target for d in pending)),
    )
    explanation = (
        "Over de bijeenkomsten die in de periode zijn gehouden: het aantal werkdagen (zonder "
        "weekenden en feestdagen) van de dag van de bijeenkomst tot de dag waarop de eerste "
        f"versie van het verslag is vastgesteld, tegen de norm van {target} werkdagen. "
    )
    return [
        StatTable(
            key="verslag-doorlooptijd",
            title="Verslagen: tijd tot vaststellen",
            explanation=explanation
            + "Aantallen bijeenkomsten zijn niet afgerond (ze zeggen niets over inwoners); de "
            f"mediaan staat er alleen als hij op minstens {min_count} verslagen berust.",
            row_header="Maat",
            columns=("Waarde",),
            rows=tuple(Row(label, (figure,)) for label, figure in summary),
            chart=Chart.NONE,
            unit="bijeenkomsten",
        ),
        StatTable(
            key="verslag-per-bijeenkomst",
            title="Verslagen per bijeenkomst",
            explanation=explanation + "Ook in kalenderdagen; – is nog niet vastgesteld.",
            row_header="Bijeenkomst",
            columns=("Werkdagen", "Kalenderdagen"),
            rows=tuple(Row(m.label, _turnaround(m)) for m in meetings),
            unit="dagen",
        ),
    ]


def _number(flags: Iterable[bool]) -> Figure:
    return dc.unsuppressed(sum(1 for flag in flags if flag))


def _turnaround(meeting: HeldMeeting) -> tuple[Figure, Figure]:
    working_days = meeting.working_days_to_finalised
    if meeting.finalised_on is None or working_days is None:
        return NOT_YET, NOT_YET
    return (
        dc.unsuppressed(working_days),
        dc.unsuppressed((meeting.finalised_on - meeting.day).days),
    )


def cases_per_meeting(meetings: list[HeldMeeting], min_count: int) -> StatTable:
    """Per meeting held in the period: casussen on the agenda, and discussed anonymously."""
    return StatTable(
        key="casussen-per-bijeenkomst",
        title="Casussen per bijeenkomst",
        explanation=(
            "Per bijeenkomst die in de periode is gehouden: hoeveel agendapunten over een "
            "casus er waren (nieuw, vervolg en terugkoppeling), en hoeveel daarvan anoniem zijn "
            "besproken omdat er iemand aan tafel zat die de gegevens niet mocht zien. Ook deze "
            f"aantallen zijn afgerond op veelvouden van {min_count}, en onder de {min_count} "
            "verborgen."
        ),
        row_header="Bijeenkomst",
        columns=("Casussen op de agenda", "Anoniem besproken"),
        rows=tuple(
            Row(m.label, (dc.count(m.cases, min_count), dc.count(m.anonymous, min_count)))
            for m in meetings
        ),
    )
