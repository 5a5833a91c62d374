"""The verslag reminder: once per finished meeting, after the target, to chairs and secretary."""

import os
from datetime import date, time, timedelta

from sqlmodel import Session, col, select

from app.config import Settings
from app.meetings import service as live_service
from app.minutes import flows as minutes_flows
from app.overleg import schedule
from app.overleg.access import SeriesAccess
from app.overleg.models import Meeting, MeetingSeries, SeriesMember
from app.overleg.schedule import local
from app.reminders import service
from app.retention.housekeeping import clean_up
from app.security.crypto import CaseCrypto, DataCipher
from app.users.models import User
from tests.planning import MAIL, Table
from tests.reminders.conftest import (
    agree,
    chair,
    first_meeting,
    last_outbox_id,
    outbox_since,
    secretary,
    series,
)

__all__ = ["secretary", "series"]

TARGET = 10
CRYPTO = CaseCrypto(cipher=DataCipher((os.urandom(32),)), index_key=b"k" * 32)


def finished_meeting(session: Session, table: Table, series: MeetingSeries) -> Meeting:
    """The overleg's first meeting, held with one task agreed, and closed."""
    agree(session, table, series, organisation_id=table.police_id, due_on=date(2099, 1, 1))
    meeting = first_meeting(session, series)
    return live_service.finish(
        session,
        series=series,
        meeting=meeting,
        anonymous_item_ids=set(),
        by=chair(table),
        mail=MAIL,
    )


def remind(session: Session, on: date) -> int:
    return service.enqueue_minutes_reminders(
        session, today=on, target_working_days=TARGET, mail=MAIL
    )


def test_chair_and_secretary_are_reminded_once_when_the_target_has_passed(
    session: Session, table: Table, series: MeetingSeries, secretary: User
) -> None:
    meeting = finished_meeting(session, table, series)
    day = local(meeting.starts_at).date()
    deadline = schedule.working_days_after(day, TARGET)
    before = last_outbox_id(session)

    on_the_target_day = remind(session, deadline)
    the_day_after = remind(session, deadline + timedelta(days=1))
    later_again = remind(session, deadline + timedelta(days=8))

    assert (on_the_target_day, the_day_after, later_again) == (0, 2, 0)
    mails = outbox_since(session, before)
    assert sorted(m.to_address for m in mails) == sorted([table.chair.email, secretary.email])
    link = f"https://casustafel.example/overleggen/{series.id}/bijeenkomsten/{meeting.id}/verslag"
    assert all(link in m.body_text and "nog niet vastgesteld" in m.body_text for m in mails)
    assert all(series.name not in m.body_text + m.subject for m in mails)
    assert table.member.email not in [m.to_address for m in mails]


def test_housekeeping_long_after_keeps_the_reminder_from_going_out_again(
    session: Session, table: Table, series: MeetingSeries, settings: Settings
) -> None:
    meeting = finished_meeting(session, table, series)
    deadline = schedule.working_days_after(local(meeting.starts_at).date(), TARGET)
    assert remind(session, deadline + timedelta(days=1)) == 2

    a_year_later = deadline + timedelta(days=365)
    clean_up(session, now=schedule.at_local_time(a_year_later, time.min), settings=settings)

    assert remind(session, a_year_later) == 0


def test_a_vastgesteld_verslag_needs_no_reminder(
    session: Session, table: Table, series: MeetingSeries
) -> None:
    meeting = finished_meeting(session, table, series)
    membership = session.exec(
        select(SeriesMember).where(
            SeriesMember.series_id == series.id, col(SeriesMember.user_id) == table.chair.id
        )
    ).one()
    minutes_flows.finalise(
        session,
        access=SeriesAccess(series=series, user=table.chair, membership=membership),
        meeting=meeting,
        crypto=CRYPTO,
        by=chair(table),
        mail=MAIL,
    )
    before = last_outbox_id(session)

    assert remind(session, date(2099, 1, 1)) == 0
    assert outbox_since(session, before) == []
