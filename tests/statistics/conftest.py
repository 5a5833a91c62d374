"""A hand-made history of two overleggen for the figures: casussen, meetings, attendance, tasks
and verslagen written as rows on the dates a test needs (the use cases stamp today's date).
Persons carry real blind indexes but ciphertexts nobody can decrypt: a figure that tried would
fail."""

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, select

from app.agenda.models import AgendaItem, AgendaItemKind
from app.cases.models import Case, CaseCategory, CasePerson, Urgency
from app.db import today
from app.meetings.models import ItemRecord, MeetingAttendance, Presence
from app.minutes.models import MinutesVersion
from app.overleg import service as overleg_service
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.overleg.schedule import at_local_time
from app.statistics.queries import dashboard
from app.statistics.tables import StatTable
from app.tasks.models import Task, TaskStatus
from tests.cases.submitting import CRYPTO
from tests.planning import MAIL, Table, series, table

__all__ = ["series", "table"]

UNDECRYPTABLE = "geen-echte-versleuteling"
_numbers = itertools.count(1)


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment given in UTC (for casussen submitted around midnight in Dutch time)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(day: date, at: time = time(9, 30)) -> datetime:
    return at_local_time(day, at)


@dataclass
class History:
    session: Session
    table: Table
    series: MeetingSeries
    other: MeetingSeries  # a second overleg of the same partners

    def add_case(
        self,
        submitted: datetime | date,
        *,
        series: MeetingSeries | None = None,
        organisation_id: int | None = None,
        categories: Sequence[CaseCategory] = (CaseCategory.NUISANCE,),
        urgency: Urgency = Urgency.REGULAR,
        people: Sequence[tuple[str, str | None]] = (),
        **fields: Any,
    ) -> Case:
        """A casus submitted at that moment (a date: at noon UTC); `people` as (name and
        birth date, BSN) pairs, indexed as the real submission indexes them."""
        of = series or self.series
        moment = submitted if isinstance(submitted, datetime) else utc(*submitted.timetuple()[:3])
        number = next(_numbers)
        case = Case(
            series_id=of.id,
            meeting_id=self.anchor(of).id,
            reference=f"T-{number}",
            year=moment.year,
            number=number,
            pseudonym=f"Casus {number}",
            categories="|".join(categories),
            urgency=urgency,
            reason="Een reden die niemand leest.",
            question="Een vraag die niemand leest.",
            identified=bool(people),
            submitting_organisation_id=organisation_id or self.table.police_id,
            submitted_by_user_id=self.table.chair.id,
            submitted_at=moment,
            **fields,
        )
        self.session.add(case)
        self.session.flush()
        for position, (name_birth, bsn) in enumerate(people, start=1):
            self.session.add(
                CasePerson(
                    case_id=case.id,
                    position=position,
                    name_encrypted=UNDECRYPTABLE,
                    birth_date_encrypted=UNDECRYPTABLE,
                    bsn_encrypted=UNDECRYPTABLE if bsn else None,
                    address_encrypted=UNDECRYPTABLE,
                    bsn_index=CRYPTO.blind_index("bsn", bsn) if bsn else None,
                    name_birth_index=CRYPTO.blind_index("naam-geboortedatum", name_birth),
                )
            )
        self.session.commit()
        return case

    def add_cases(self, n: int, submitted: datetime | date, **fields: Any) -> list[Case]:
        return [self.add_case(submitted, **fields) for _ in range(n)]

    def anchor(self, series: MeetingSeries) -> Meeting:
        """A planned meeting of the overleg for casussen and tasks to point at."""
        return self.session.exec(
            select(Meeting).where(Meeting.series_id == series.id).order_by(col(Meeting.id))
        ).first()

    def add_meeting(
        self,
        day: date,
        *,
        series: MeetingSeries | None = None,
        status: MeetingStatus = MeetingStatus.FINISHED,
        finalised: Sequence[date] = (),
    ) -> Meeting:
        """A meeting on that day at 09:30, with a verslag version vastgesteld at 15:00 on each
        of the `finalised` days."""
        meeting = Meeting(
            series_id=(series or self.series).id,
            starts_at=local(day),
            ends_at=local(day, time(11, 30)),
            location="Gemeentehuis",
            status=status,
            agenda_deadline=day - timedelta(days=7),
        )
        self.session.add(meeting)
        self.session.flush()
        for number, finalised_on in enumerate(finalised, start=1):
            self.session.add(
                MinutesVersion(
                    meeting_id=meeting.id,
                    number=number,
                    sha256="0" * 64,
                    size=1,
                    finalised_at=local(finalised_on, time(15)),
                    finalised_by_user_id=self.table.chair.id,
                    finalised_by_name="Victor Voorzitter",
                )
            )
        self.session.commit()
        return meeting

    def add_item(self, meeting: Meeting, case: Case | None, *, anonymously: bool = False) -> None:
        """An agenda item (about the casus, or general) with its record."""
        item = AgendaItem(
            meeting_id=meeting.id,
            position=next(_numbers),
            kind=AgendaItemKind.FOLLOW_UP if case else AgendaItemKind.GENERAL,
            title="Agendapunt",
            case_id=case.id if case else None,
        )
        self.session.add(item)
        self.session.flush()
        self.session.add(ItemRecord(agenda_item_id=item.id, discussed_anonymously=anonymously))
        self.session.commit()

    def attend(
        self,
        meeting: Meeting,
        presence: Presence,
        *,
        user_id: int | None = None,
        guest_organisation_id: int | None = None,
    ) -> None:
        self.session.add(
            MeetingAttendance(
                meeting_id=meeting.id,
                user_id=user_id,
                guest_name=None if user_id else "Gast",
                guest_organisation_id=guest_organisation_id,
                presence=presence,
            )
        )
        self.session.commit()

    def add_tasks(
        self,
        n: int,
        created: date,
        *,
        organisation_id: int,
        due_on: date,
        status: TaskStatus = TaskStatus.OPEN,
        series: MeetingSeries | None = None,
        carried_forward: int = 0,
    ) -> None:
        of = series or self.series
        for _ in range(n):
            self.session.add(
                Task(
                    series_id=of.id,
                    meeting_id=self.anchor(of).id,
                    description="Een actie",
                    assignee_organisation_id=organisation_id,
                    due_on=due_on,
                    status=status,
                    carried_forward=carried_forward,
                    created_at=utc(*created.timetuple()[:3]),
                )
            )
        self.session.commit()

    def figures(
        self,
        first_month: date,
        last_month: date,
        *,
        on: date,
        series: Sequence[MeetingSeries] | None = None,
    ) -> dict[str, StatTable]:
        """The dashboard of these overleggen (default: the first) by table key."""
        tables = dashboard(
            self.session,
            series_ids=[s.id for s in (series or [self.series])],
            first_month=first_month,
            last_month=last_month,
            today=on,
            min_count=5,
            target_working_days=10,
        )
        return {table.key: table for table in tables}


def cells(table: StatTable) -> dict[str, list[str]]:
    """A table as the page shows it: row label -> the texts of its figures."""
    return {row.label: [figure.text for figure in row.figures] for row in table.rows}


@pytest.fixture
def history(session: Session, table: Table, series: MeetingSeries) -> History:
    other = overleg_service.create_series(
        session, plan=table.plan(name="Casusoverleg Zuid"), by=table.admin, today=today(), mail=MAIL
    )
    return History(session=session, table=table, series=series, other=other)


def statements_during(session: Session, run: Callable[[], object]) -> list[str]:
    """The SQL statements `run` sends through the session's engine."""
    statements: list[str] = []
    engine = session.get_bind()
    listener: Callable[..., None] = lambda _c, _cur, statement, *args: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return statements
