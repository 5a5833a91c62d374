"""Everything the live meeting page shows, in a fixed number of statements."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from sqlmodel import Session, col, func, or_, select

from app.agenda.models import AgendaItem
from app.cases.disclosure import Shown
from app.cases.models import Case
from app.covenants import coverage
from app.covenants import queries as covenant_queries
from app.meetings.models import (
    ItemAbsence,
    ItemContribution,
    ItemRecord,
    MeetingAttendance,
    Presence,
    missing_of,
    what_is_missing,
)
from app.organisations.models import Organisation
from app.overleg import queries as overleg_queries
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, SeriesMember
from app.overleg.schedule import local
from app.tasks.models import Task, TaskStatus
from app.users.models import User


@dataclass
class Attendee:
    attendance: MeetingAttendance | None
    name: str
    organisation: str
    user_id: int | None
    organisation_id: int | None
    cover: coverage.Coverage | None = None

    @property
    def key(self) -> str:
        """How the coverage check knows this person: a member by account, a guest by row."""
        if self.user_id is not None:
            return coverage.member_key(self.user_id)
        assert self.attendance is not None and self.attendance.id is not None
        return coverage.guest_key(self.attendance.id)


class Scope(StrEnum):
    """How much of the item in view a part of the live page shows (see `load`)."""

    ALL = "alles"  # the item with its contributions and tasks
    ITEM = "punt"  # the item, its record and casus, and who can be chosen
    OVERVIEW = "overzicht"  # only the navigator and who is in the room


@dataclass(frozen=True)
class NavEntry:
    """An agenda item as the navigator shows it: number, title, state and whether it is
    discussed anonymously (read for every item; the rest only for the item in view)."""

    item_id: int
    title: str
    number: int
    state: str | None
    anonymous: bool


def _state(is_case: bool, missing: list[str]) -> str | None:
    """An item's state in the navigator: open or compleet (an item without casus has none)."""
    if not is_case:
        return None
    return "open" if missing else "compleet"


@dataclass
class LiveItem:
    item: AgendaItem
    stored_record: ItemRecord | None
    contributions: dict[int, ItemContribution]
    case: Case | None
    people: list[Shown] | None
    anonymous: bool
    left_room: set[int]
    number: int = 0
    new_tasks: list[Task] = field(default_factory=list)
    earlier_tasks: list[Task] = field(default_factory=list)

    @cached_property
    def record(self) -> ItemRecord:
        """What is recorded, or an empty record (built only for the item shown: building a
        table model costs more than reading one)."""
        return self.stored_record or ItemRecord(agenda_item_id=self.item.id)

    @cached_property
    def missing(self) -> list[str]:
        """What this casus still lacks before the meeting can be finished."""
        if self.case is None:
            return []
        return what_is_missing(self.stored_record, self.case)

    @property
    def entry(self) -> NavEntry:
        return NavEntry(
            self.item.id,
            self.item.title,
            self.number,
            _state(self.case is not None, self.missing),
            self.anonymous,
        )


@dataclass
class LiveMeeting:
    meeting: Meeting
    day: date
    attendees: list[Attendee]
    items: list[LiveItem]
    organisations: list[Organisation]
    # Everyone of the member organisations (to name earlier owners and assignees); only those
    # at the table (`member_ids`) can be chosen for a new task or as owner.
    people: list[User]
    general_tasks: list[Task]
    member_ids: set[int]
    # Every item of the agenda, also when only the one in view is loaded in `items`.
    entries: list[NavEntry]
    # The item in view (see `item`), also when it is not loaded.
    in_view: int | None = None

    @property
    def choosable_people(self) -> list[User]:
        """The active people at the table of this overleg."""
        return [person for person in self.people if person.id in self.member_ids]

    @property
    def uncovered_present(self) -> list[Attendee]:
        return [
            a
            for a in self.attendees
            if a.attendance is not None
            and a.attendance.presence == Presence.PRESENT
            and a.cover
            and not a.cover.covered
        ]

    @property
    def complete_count(self) -> int:
        return sum(1 for entry in self.entries if entry.state == "compleet")

    @property
    def case_count(self) -> int:
        return sum(1 for entry in self.entries if entry.state is not None)

    def entry(self, item_id: int) -> NavEntry | None:
        return next((entry for entry in self.entries if entry.item_id == item_id), None)

    def item(self, item_id: int | None) -> LiveItem | None:
        """The item in view: the one asked for, else the first casus still open, else the first."""
        chosen = _in_view(self.entries, item_id)
        return next((live for live in self.items if live.item.id == chosen), None)

    @property
    def anonymous_item_ids(self) -> set[int]:
        return {entry.item_id for entry in self.entries if entry.anonymous}

    @property
    def guests_without_declaration(self) -> list[Attendee]:
        """Guests present who are not covered by a declaration (the chair may record one)."""
        return [
            a
            for a in self.attendees
            if a.user_id is None
            and a.attendance is not None
            and a.attendance.presence == Presence.PRESENT
            and not (a.cover and a.cover.declaration)
        ]

    @property
    def shown_cases(self) -> list[Case]:
        """The identified casussen not discussed anonymously: what the page may reveal."""
        return [
            live.case
            for live in self.items
            if live.case and live.case.identified and not live.anonymous
        ]


def attendance_rows(session: Session, *, meeting: Meeting) -> list[MeetingAttendance]:
    """Who was registered at the meeting (members and guests)."""
    return list(
        session.exec(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
    )


def series_organisations(session: Session, access: SeriesAccess) -> dict[int, Organisation]:
    """The member organisations of the overleg, by id, in name order."""
    return {
        o.id: o for o in overleg_queries.member_organisations(session, series_id=access.series.id)
    }


def attendees(session: Session, *, access: SeriesAccess, meeting: Meeting) -> list[Attendee]:
    """Everyone at (or missing from) the meeting, with their coverage on the meeting day."""
    organisations = series_organisations(session, access)
    return _attendees(session, access, meeting, organisations, local(meeting.starts_at).date())


def attended_covered(session: Session, *, access: SeriesAccess, meeting: Meeting) -> bool:
    """Whether the current user was present at the meeting and covered on its day."""
    covenant_of = {access.series.id: access.series.covenant_id}
    attended = attended_covered_at(
        session, user=access.user, meetings=[meeting], covenant_of=covenant_of
    )
    return meeting.id in attended


def attended_covered_at(
    session: Session, *, user: User, meetings: Sequence[Meeting], covenant_of: Mapping[int, int]
) -> set[int]:
    """Of these meetings, the ids of those where the user was present and covered on the day
    by the covenant of its overleg (`covenant_of`: overleg id to covenant id); at most four
    statements however many meetings."""
    present = set(
        session.exec(
            select(MeetingAttendance.meeting_id).where(
                col(MeetingAttendance.meeting_id).in_([m.id for m in meetings]),
                MeetingAttendance.user_id == user.id,
                MeetingAttendance.presence == Presence.PRESENT,
            )
        ).all()
    )
    if not present:
        return set()
    inputs = covenant_queries.coverage_inputs(
        session,
        covenant_ids=set(covenant_of.values()),
        organisation_ids=[user.organisation_id],
        meeting_ids=present,
        user_id=user.id,
    )
    person = coverage.Person(coverage.member_key(user.id), user.name, user.organisation_id)
    covered = set()
    for meeting in meetings:
        if meeting.id is None or meeting.id not in present:
            continue
        [answer] = inputs.check(
            local(meeting.starts_at).date(),
            covenant_id=covenant_of[meeting.series_id],
            people=[person],
            meeting_id=meeting.id,
        )
        if answer.covered:
            covered.add(meeting.id)
    return covered


def _attendees(
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    organisations: dict[int, Organisation],
    day: date,
) -> list[Attendee]:
    members = session.exec(
        select(User)
        .join(SeriesMember, col(SeriesMember.user_id) == User.id)
        .where(SeriesMember.series_id == access.series.id)
        .order_by(col(User.name))
    ).all()
    rows = attendance_rows(session, meeting=meeting)
    by_user = {row.user_id: row for row in rows if row.user_id}
    attendees = [
        Attendee(by_user.get(u.id), u.name, u.organisation.name, u.id, u.organisation_id)
        for u in members
    ]
    attendees += [
        Attendee(
            row,
            row.guest_name or "",
            organisations[row.guest_organisation_id].name
            if row.guest_organisation_id in organisations
            else "gast",
            None,
            row.guest_organisation_id,
        )
        for row in rows
        if row.user_id is None
    ]
    _check_coverage(session, access, meeting, attendees, day)
    return attendees


def _check_coverage(
    session: Session, access: SeriesAccess, meeting: Meeting, attendees: list[Attendee], day: date
) -> None:
    """Coverage on the meeting day for the people actually there (rule 1)."""
    inputs = covenant_queries.coverage_inputs(
        session, covenant_ids=[access.series.covenant_id], meeting_ids=[meeting.id]
    )
    people = [coverage.Person(a.key, a.name, a.organisation_id) for a in attendees]
    answers = inputs.check(
        day, covenant_id=access.series.covenant_id, people=people, meeting_id=meeting.id
    )
    for attendee, answer in zip(attendees, answers, strict=True):
        attendee.cover = answer


def load(
    session: Session,
    *,
    access: SeriesAccess,
    meeting: Meeting,
    room: bool = True,
    only_in_view: bool = False,
    item_id: int | None = None,
    scope: Scope = Scope.ALL,
) -> LiveMeeting:
    """The meeting with its attendees, coverage and every item, and which items are discussed
    anonymously; nothing decrypted (the persons come from the disclosure door). Without `room`
    who is in the room is not looked up (no attendees, no item anonymous). With `only_in_view`
    only the item in view (`item_id`, else the first casus still open) is loaded, as far as
    `scope` asks, and the others as the navigator shows them: what the live page shows costs
    the same for 5 items or 50."""
    day = local(meeting.starts_at).date()
    organisations = series_organisations(session, access)
    attendees = _attendees(session, access, meeting, organisations, day) if room else []
    uncovered = {
        a.attendance.id
        for a in attendees
        if a.attendance
        and a.cover
        and a.attendance.presence == Presence.PRESENT
        and not a.cover.covered
    }
    left_room = _left_room(session, meeting) if room else {}
    if not only_in_view:
        live_items, general = _items(session, access, meeting, None, uncovered, left_room, room)
        entries = [live.entry for live in live_items]
    else:
        entries = _entries(session, meeting, uncovered=uncovered, left_room=left_room)
        in_view = _in_view(entries, item_id)
        live_items, general = (
            _items(session, access, meeting, in_view, uncovered, left_room, room, scope, entries)
            if scope != Scope.OVERVIEW
            else ([], [])
        )
    people = (
        session.exec(
            select(User, SeriesMember.id)
            .outerjoin(
                SeriesMember,
                (col(SeriesMember.user_id) == User.id)
                & (col(SeriesMember.series_id) == access.series.id),
            )
            .where(col(User.organisation_id).in_(list(organisations)), col(User.active))
            .order_by(col(User.name))
        ).all()
        if scope != Scope.OVERVIEW
        else []
    )
    return LiveMeeting(
        meeting,
        day,
        attendees,
        live_items,
        list(organisations.values()),
        [person for person, _ in people],
        general,
        member_ids={person.id for person, member in people if member is not None},
        entries=entries,
        in_view=_in_view(entries, item_id),
    )


def _items(
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    in_view: int | None,
    uncovered: set[int],
    left_room: dict[int, set[int]],
    room: bool,
    scope: Scope = Scope.ALL,
    entries: Sequence[NavEntry] = (),
) -> tuple[list[LiveItem], list[Task]]:
    """The items in full (only the one in view when there are `entries`), and the open tasks
    without casus of earlier meetings (for the page, which shows the room)."""
    only = [col(AgendaItem.id).in_([in_view] if in_view else [])] if entries else []
    items = session.exec(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, *only)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    item_ids = [i.id for i in items]
    records = {
        r.agenda_item_id: r
        for r in session.exec(
            select(ItemRecord).where(col(ItemRecord.agenda_item_id).in_(item_ids))
        ).all()
    }
    case_ids = [i.case_id for i in items if i.case_id]
    cases = {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_(case_ids))).all()}
    contributions, tasks = (
        _contributions_and_tasks(session, access, meeting, item_ids, case_ids, bool(entries), room)
        if scope == Scope.ALL
        else ([], [])
    )
    agreed_here: dict[int | None, list[Task]] = {}
    earlier: dict[int | None, list[Task]] = {}
    for task in tasks:
        if task.meeting_id == meeting.id:
            agreed_here.setdefault(task.agenda_item_id, []).append(task)
        elif task.case_id is not None:
            earlier.setdefault(task.case_id, []).append(task)
    anonymous = coverage.anonymous_items(
        [
            i.id
            for i in items
            if i.id is not None and i.case_id in cases and cases[i.case_id].identified
        ],
        uncovered_present=uncovered,
        left_room=left_room,
    )
    numbers = {entry.item_id: entry.number for entry in entries}
    live_items = []
    for number, item in enumerate(items, start=1):
        case = cases.get(item.case_id) if item.case_id else None
        live_items.append(
            LiveItem(
                item=item,
                stored_record=records.get(item.id),
                contributions={
                    c.organisation_id: c for c in contributions if c.agenda_item_id == item.id
                },
                case=case,
                people=None,
                anonymous=item.id in anonymous,
                left_room=left_room.get(item.id, set()),
                number=numbers.get(item.id, number),
                new_tasks=agreed_here.get(item.id, []),
                earlier_tasks=earlier.get(case.id, []) if case else [],
            )
        )
    general = [t for t in tasks if t.case_id is None and t.meeting_id != meeting.id]
    return live_items, general


def _contributions_and_tasks(
    session: Session,
    access: SeriesAccess,
    meeting: Meeting,
    item_ids: list[int | None],
    case_ids: list[int],
    only_these: bool,
    room: bool,
) -> tuple[Sequence[ItemContribution], Sequence[Task]]:
    """The contributions to the items, the tasks agreed on them, the earlier open tasks of
    their casussen and (for the whole meeting, or with the room) the open tasks without casus."""
    contributions = session.exec(
        select(ItemContribution).where(col(ItemContribution.agenda_item_id).in_(item_ids))
    ).all()
    agreed = Task.meeting_id == meeting.id
    earlier_open = (
        col(Task.case_id).in_(case_ids)
        & (Task.meeting_id != meeting.id)
        & or_(Task.status == TaskStatus.OPEN, Task.reviewed_at_meeting_id == meeting.id)
    )
    general_open = (
        col(Task.case_id).is_(None)
        & (Task.series_id == access.series.id)
        & (Task.meeting_id != meeting.id)
        & (Task.status == TaskStatus.OPEN)
    )
    wanted = (
        [agreed & col(Task.agenda_item_id).in_(item_ids), earlier_open]
        + ([general_open] if room else [])
        if only_these
        else [agreed, earlier_open, general_open]
    )
    tasks = session.exec(select(Task).where(or_(*wanted)).order_by(col(Task.id))).all()
    return contributions, tasks


def _left_room(session: Session, meeting: Meeting) -> dict[int, set[int]]:
    """Per agenda item, the attendances that left the room for it."""
    left_room: dict[int, set[int]] = {}
    for absence in session.exec(
        select(ItemAbsence).join(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    ).all():
        left_room.setdefault(absence.agenda_item_id, set()).add(absence.attendance_id)
    return left_room


def _entries(
    session: Session,
    meeting: Meeting,
    *,
    uncovered: set[int],
    left_room: dict[int, set[int]],
) -> list[NavEntry]:
    """Every agenda item as the navigator shows it, in one statement."""
    rows = session.exec(
        select(
            AgendaItem.id,
            AgendaItem.title,
            AgendaItem.case_id,
            Case.identified,
            Case.owner_organisation_id,
            ItemRecord.next_step,
            ItemRecord.informing,
            func.length(ItemRecord.outcome_reason).label("reason_length"),
        )
        .select_from(AgendaItem)
        .outerjoin(Case, col(Case.id) == AgendaItem.case_id)
        .outerjoin(ItemRecord, col(ItemRecord.agenda_item_id) == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    ).all()
    anonymous = coverage.anonymous_items(
        [row.id for row in rows if row.identified],
        uncovered_present=uncovered,
        left_room=left_room,
    )
    return [
        NavEntry(
            row.id,
            row.title,
            number,
            _state(
                row.case_id is not None,
                missing_of(
                    row.owner_organisation_id, row.next_step, row.informing, row.reason_length
                ),
            ),
            row.id in anonymous,
        )
        for number, row in enumerate(rows, start=1)
    ]


def _in_view(entries: Sequence[NavEntry], item_id: int | None) -> int | None:
    """The item in view: the one asked for, else the first casus still open, else the first."""
    ids = [entry.item_id for entry in entries]
    still_open = [entry.item_id for entry in entries if entry.state == "open"]
    return item_id if item_id in ids else next(iter(still_open or ids), None)
