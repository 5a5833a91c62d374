"""The .ics files, read back and expanded as a calendar app does: every meeting, nothing more."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import recurring_ical_events
from icalendar import Calendar, Event

from app.calendar.ics import (
    Invitee,
    feed_calendar,
    meeting_calendar,
    meeting_invitation,
    series_calendar,
    series_invitation,
)
from app.db import AMSTERDAM
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus, SeriesKind

BASE_URL = "https://casustafel.example"
# Every fourth Tuesday from 6 January 2026; summer time runs from 29 March to 25 October.
TUESDAYS_2026 = [
    date(2026, 1, 6),
    date(2026, 2, 3),
    date(2026, 3, 3),
    date(2026, 3, 31),
    date(2026, 4, 28),
    date(2026, 5, 26),
    date(2026, 6, 23),
    date(2026, 7, 21),
    date(2026, 8, 18),
    date(2026, 9, 15),
    date(2026, 10, 13),
    date(2026, 11, 10),
    date(2026, 12, 8),
]
YEAR_START = datetime(2026, 1, 1, tzinfo=AMSTERDAM)
YEAR_END = datetime(2027, 1, 1, tzinfo=AMSTERDAM)
SENT = datetime(2026, 4, 1, 10, 0, tzinfo=AMSTERDAM)
TO_WOUTER = Invitee(
    organizer="casustafel@dorpsveen.example", attendee="wouter@wonen.example", sent_at=SENT
)


def series(series_id: int = 1, **overrides: Any) -> MeetingSeries:
    values: dict[str, Any] = {
        "id": series_id,
        "name": f"Integraal overleg Wijk {series_id}",
        "kind": SeriesKind.INTEGRAL,
        "covenant_id": 1,
        "default_location": "Gemeentehuis",
        "interval_weeks": 4,
        "weekday": 1,
        "start_time": time(9, 30),
        "duration_minutes": 120,
        "starts_on": date(2026, 1, 6),
        "deadline_working_days": 5,
        "created_at": datetime(2025, 12, 1, 12, 0, tzinfo=UTC),
    }
    return MeetingSeries(**(values | overrides))


def local(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def meeting(
    meeting_id: int,
    day: date,
    *,
    at: tuple[int, int] = (9, 30),
    occurrence_date: date | None = None,
    series_id: int = 1,
    **overrides: Any,
) -> Meeting:
    """A meeting on `day` at local time `at`; stored in UTC, as the app does."""
    starts_at = local(day, *at).astimezone(UTC)
    values: dict[str, Any] = {
        "id": meeting_id,
        "series_id": series_id,
        "occurrence_date": occurrence_date,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=120),
        "location": "Gemeentehuis",
        "agenda_deadline": day - timedelta(days=7),
        "created_at": datetime(2025, 12, 1, 12, 0, tzinfo=UTC),
    }
    return Meeting(**(values | overrides))


def generated(series_id: int = 1, first_id: int = 1) -> list[Meeting]:
    return [
        meeting(first_id + n, day, occurrence_date=day, series_id=series_id)
        for n, day in enumerate(TUESDAYS_2026)
    ]


def moved_from_28_april() -> Meeting:
    """The meeting of Tuesday 28 April, moved to Thursday afternoon at the police station."""
    return meeting(
        5,
        date(2026, 4, 30),
        at=(14, 0),
        occurrence_date=date(2026, 4, 28),
        location="Politiebureau",
        sequence=2,
    )


def expanded(ics: bytes, start: datetime = YEAR_START, end: datetime = YEAR_END) -> list[Event]:
    """The events a calendar app shows in the window, in order."""
    calendar = Calendar.from_ical(ics)
    return sorted(recurring_ical_events.of(calendar).between(start, end), key=lambda e: e.start)


def expanded_starts(
    ics: bytes, start: datetime = YEAR_START, end: datetime = YEAR_END
) -> list[datetime]:
    """When the meetings that take place start (cancelled ones are not meetings)."""
    return [e.start for e in expanded(ics, start, end) if e.get("STATUS") != "CANCELLED"]


def cancelled(ics: bytes, start: datetime = YEAR_START, end: datetime = YEAR_END) -> list[Event]:
    return [e for e in expanded(ics, start, end) if e.get("STATUS") == "CANCELLED"]


def events(ics: bytes) -> list[Event]:
    return Calendar.from_ical(ics).events


def only_event(ics: bytes) -> Event:
    [event] = events(ics)
    return event


def master(ics: bytes) -> Event:
    [event] = [e for e in events(ics) if "RRULE" in e]
    return event


def overrides(ics: bytes) -> list[Event]:
    return [e for e in events(ics) if "RECURRENCE-ID" in e]


def test_a_year_of_meetings_expands_to_exactly_the_thirteen_dates() -> None:
    ics = series_calendar(series(), generated(), base_url=BASE_URL)

    assert expanded_starts(ics) == [local(day) for day in TUESDAYS_2026]


def test_half_past_nine_stays_half_past_nine_across_daylight_saving() -> None:
    starts = expanded_starts(series_calendar(series(), generated(), base_url=BASE_URL))

    in_utc = {start.date(): start.astimezone(UTC).time() for start in starts}
    assert in_utc[date(2026, 3, 3)] == time(8, 30)
    assert in_utc[date(2026, 3, 31)] == time(7, 30)
    assert in_utc[date(2026, 10, 13)] == time(7, 30)
    assert in_utc[date(2026, 11, 10)] == time(8, 30)
    assert {start.time() for start in starts} == {time(9, 30)}


def test_the_series_starts_on_the_first_meeting_day_after_the_start_date() -> None:
    thursday_start = series(starts_on=date(2026, 1, 1))

    rule = master(series_calendar(thursday_start, generated(), base_url=BASE_URL))

    assert rule.start == local(date(2026, 1, 6))
    assert rule.end == local(date(2026, 1, 6), 11, 30)
    assert rule["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=4;BYDAY=TU"


def test_an_end_date_becomes_until_in_utc_and_closes_the_series() -> None:
    until_june = series(ends_on=date(2026, 6, 23))
    meetings = [m for m in generated() if m.starts_at < local(date(2026, 7, 1))]

    ics = series_calendar(until_june, meetings, base_url=BASE_URL)

    assert master(ics)["RRULE"]["UNTIL"] == [datetime(2026, 6, 23, 7, 30, tzinfo=UTC)]
    assert b"UNTIL=20260623T073000Z" in ics
    assert expanded_starts(ics, end=datetime(2030, 1, 1, tzinfo=AMSTERDAM)) == [
        local(day) for day in TUESDAYS_2026[:7]
    ]


def test_a_series_ending_before_its_first_meeting_day_has_no_rule() -> None:
    # Starts on Thursday 1 January, ends on Monday 5 January: no Tuesday in between.
    too_short = series(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 5))
    extra = meeting(100, date(2026, 1, 2), at=(13, 0))

    ics = series_calendar(too_short, [extra], base_url=BASE_URL)

    assert [str(e["UID"]) for e in events(ics)] == ["meeting-100@casustafel.example"]
    assert expanded_starts(ics) == [local(date(2026, 1, 2), 13, 0)]


def test_a_cancelled_meeting_shows_as_cancelled_not_as_a_meeting() -> None:
    meetings = generated()
    meetings[3].status = MeetingStatus.CANCELLED
    meetings[3].sequence = 1

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    assert local(date(2026, 3, 31)) not in expanded_starts(ics)
    assert len(expanded_starts(ics)) == 12
    [shown] = cancelled(ics)
    assert shown.start == local(date(2026, 3, 31))
    assert shown["SUMMARY"] == "Geannuleerd: Integraal overleg Wijk 1"
    assert shown["TRANSP"] == "TRANSPARENT"
    assert shown.sequence == 1
    assert "gaat niet door" in shown["DESCRIPTION"]
    [override] = overrides(ics)
    assert override["RECURRENCE-ID"].dt == local(date(2026, 3, 31))
    # An EXDATE would take the date out of the recurrence set, override and all.
    assert master(ics).exdates == []


def test_a_moved_meeting_shows_at_its_new_time_not_its_old_one() -> None:
    meetings = generated()
    meetings[4] = moved_from_28_april()

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    starts = expanded_starts(ics)
    assert local(date(2026, 4, 30), 14, 0) in starts
    assert local(date(2026, 4, 28)) not in starts
    assert len(starts) == 13


def test_a_move_is_an_override_with_recurrence_id_and_no_exdate() -> None:
    meetings = generated()
    meetings[4] = moved_from_28_april()

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    [moved] = overrides(ics)
    assert str(moved["UID"]) == "series-1@casustafel.example"
    assert moved["RECURRENCE-ID"].dt == local(date(2026, 4, 28))
    assert moved["RECURRENCE-ID"].params["TZID"] == "Europe/Amsterdam"
    assert moved.start == local(date(2026, 4, 30), 14, 0)
    assert moved.end == local(date(2026, 4, 30), 16, 0)
    assert moved["LOCATION"] == "Politiebureau"
    assert moved["SEQUENCE"] == 2
    assert master(ics).exdates == []


def test_a_moved_then_cancelled_meeting_is_cancelled_where_it_last_stood() -> None:
    meetings = generated()
    meetings[4] = moved_from_28_april()
    meetings[4].status = MeetingStatus.CANCELLED

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    [override] = overrides(ics)
    assert override["RECURRENCE-ID"].dt == local(date(2026, 4, 28))
    assert override["STATUS"] == "CANCELLED"
    assert [e.start for e in cancelled(ics)] == [local(date(2026, 4, 30), 14, 0)]
    assert local(date(2026, 4, 28)) not in expanded_starts(ics)
    assert local(date(2026, 4, 30), 14, 0) not in expanded_starts(ics)


def test_a_moved_meeting_says_so_and_from_which_day() -> None:
    meetings = generated()
    meetings[4] = moved_from_28_april()

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    [moved] = overrides(ics)
    assert moved["DESCRIPTION"] == (
        "Deze bijeenkomst is verplaatst van dinsdag 28 april 2026.\n\n"
        "https://casustafel.example/overleggen/1"
    )
    assert moved["SUMMARY"] == "Integraal overleg Wijk 1"
    assert moved["STATUS"] == "CONFIRMED"


def test_a_change_of_place_alone_is_also_an_override() -> None:
    meetings = generated()
    meetings[1].location = "Wijkcentrum De Brug"

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    [moved] = overrides(ics)
    assert moved.start == local(date(2026, 2, 3))
    assert moved["LOCATION"] == "Wijkcentrum De Brug"


def test_unchanged_meetings_give_no_overrides() -> None:
    ics = series_calendar(series(), generated(), base_url=BASE_URL)

    assert overrides(ics) == []
    assert len(events(ics)) == 1


def test_an_extra_meeting_is_a_standalone_event_with_its_own_uid() -> None:
    extra = meeting(100, date(2026, 2, 17), at=(13, 0))

    ics = series_calendar(series(), [*generated(), extra], base_url=BASE_URL)

    [standalone] = [e for e in events(ics) if str(e["UID"]) == "meeting-100@casustafel.example"]
    assert "RECURRENCE-ID" not in standalone and "RRULE" not in standalone
    assert expanded_starts(ics) == sorted([*(local(d) for d in TUESDAYS_2026), standalone.start])
    assert standalone.start == local(date(2026, 2, 17), 13, 0)


def test_a_meeting_from_an_older_rule_stays_standalone() -> None:
    # Generated when the overleg met every two weeks: 20 January is not a date of the new rule.
    old_rule = meeting(200, date(2026, 1, 20), occurrence_date=date(2026, 1, 20))

    ics = series_calendar(series(), [*generated(), old_rule], base_url=BASE_URL)

    [standalone] = [e for e in events(ics) if "RRULE" not in e]
    assert str(standalone["UID"]) == "meeting-200@casustafel.example"
    assert "RECURRENCE-ID" not in standalone
    assert expanded_starts(ics).count(local(date(2026, 1, 20))) == 1
    assert master(ics).exdates == []


def test_cancelled_standalone_meetings_show_as_cancelled() -> None:
    cancelled_extra = meeting(100, date(2026, 2, 17), status=MeetingStatus.CANCELLED)
    cancelled_old = meeting(
        200, date(2026, 1, 20), occurrence_date=date(2026, 1, 20), status=MeetingStatus.CANCELLED
    )

    ics = series_calendar(
        series(), [*generated(), cancelled_extra, cancelled_old], base_url=BASE_URL
    )

    assert master(ics).exdates == []
    assert expanded_starts(ics) == [local(day) for day in TUESDAYS_2026]
    assert [(str(e["UID"]), e.start) for e in cancelled(ics)] == [
        ("meeting-200@casustafel.example", local(date(2026, 1, 20))),
        ("meeting-100@casustafel.example", local(date(2026, 2, 17))),
    ]


def test_the_calendar_shows_exactly_the_apps_meetings() -> None:
    meetings = generated()
    meetings[3].status = MeetingStatus.CANCELLED
    meetings[4] = meeting(5, date(2026, 4, 30), at=(14, 0), occurrence_date=date(2026, 4, 28))
    meetings += [
        meeting(100, date(2026, 2, 17), at=(13, 0)),
        meeting(200, date(2026, 1, 20), occurrence_date=date(2026, 1, 20)),
    ]

    ics = series_calendar(series(), meetings, base_url=BASE_URL)

    def starts(*, of_cancelled: bool) -> list[datetime]:
        return sorted(
            m.starts_at.astimezone(AMSTERDAM)
            for m in meetings
            if (m.status == MeetingStatus.CANCELLED) == of_cancelled
        )

    assert expanded_starts(ics) == starts(of_cancelled=False)
    assert len(expanded_starts(ics)) == 14
    assert [e.start for e in cancelled(ics)] == starts(of_cancelled=True)


def test_the_europe_amsterdam_timezone_is_included_and_used() -> None:
    ics = series_calendar(series(), generated(), base_url=BASE_URL)

    calendar = Calendar.from_ical(ics)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    assert master(ics)["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert b"DTSTART;TZID=Europe/Amsterdam:20260106T093000" in ics
    assert calendar.get_missing_tzids() == set()


def test_the_calendar_has_our_header_and_a_stable_uid() -> None:
    ics = series_calendar(series(), generated(), base_url=BASE_URL)

    calendar = Calendar.from_ical(ics)
    assert calendar["PRODID"] == "-//Casustafel//NL"
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["X-WR-CALNAME"] == "Integraal overleg Wijk 1"
    assert str(master(ics)["UID"]) == "series-1@casustafel.example"
    assert series_calendar(series(), generated(), base_url=BASE_URL) == ics


def test_an_event_tells_only_name_place_and_link() -> None:
    meetings = generated()
    meetings[3].status = MeetingStatus.CANCELLED
    meetings[3].cancellation_reason = "Casus familie Jansen is opgeschaald"

    ics = series_calendar(series(), meetings, base_url=BASE_URL + "/")

    event = master(ics)
    assert event["SUMMARY"] == "Integraal overleg Wijk 1"
    assert event["LOCATION"] == "Gemeentehuis"
    assert event["DESCRIPTION"] == "https://casustafel.example/overleggen/1"
    assert b"Jansen" not in ics


def assert_from_the_app_to_wouter(event: Event) -> None:
    assert event["ORGANIZER"] == "mailto:casustafel@dorpsveen.example"
    assert event["ORGANIZER"].params["CN"] == "Casustafel"
    [attendee] = event.attendees
    assert attendee == "mailto:wouter@wonen.example"
    assert attendee.params["RSVP"] == "FALSE"
    assert event["DTSTAMP"].dt == datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def test_the_series_invitation_is_a_request_to_one_attendee_with_its_exceptions() -> None:
    meetings = generated()
    meetings[3].status = MeetingStatus.CANCELLED
    meetings[3].sequence = 1
    meetings[4] = moved_from_28_april()
    extra = meeting(100, date(2026, 2, 17), at=(13, 0))

    ics = series_invitation(series(), [*meetings, extra], base_url=BASE_URL, to=TO_WOUTER)

    calendar = Calendar.from_ical(ics)
    assert calendar["METHOD"] == "REQUEST"
    # One iTIP message, one UID: the extra meeting gets an invitation of its own.
    assert {str(e["UID"]) for e in calendar.events} == {"series-1@casustafel.example"}
    for event in calendar.events:
        assert_from_the_app_to_wouter(event)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    taking_place = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    assert expanded_starts(ics) == [m.starts_at.astimezone(AMSTERDAM) for m in taking_place]
    assert [e.start for e in cancelled(ics)] == [local(date(2026, 3, 31))]


def test_a_moved_meeting_is_requested_again_as_its_instance_with_a_higher_sequence() -> None:
    series_request = series_invitation(series(), generated(), base_url=BASE_URL, to=TO_WOUTER)

    ics = meeting_invitation(series(), moved_from_28_april(), base_url=BASE_URL, to=TO_WOUTER)

    calendar = Calendar.from_ical(ics)
    [event] = calendar.events
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == str(master(series_request)["UID"])
    assert event["RECURRENCE-ID"].dt == local(date(2026, 4, 28))
    assert event.sequence == 2 > master(series_request).sequence
    assert event.start == local(date(2026, 4, 30), 14, 0)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["LOCATION"] == "Politiebureau"
    assert event["STATUS"] == "CONFIRMED"
    assert "verplaatst van dinsdag 28 april 2026" in event["DESCRIPTION"]
    assert_from_the_app_to_wouter(event)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]


def test_a_cancelled_meeting_is_sent_as_cancel_of_its_instance() -> None:
    cancelled_meeting = meeting(
        4,
        date(2026, 3, 31),
        occurrence_date=date(2026, 3, 31),
        status=MeetingStatus.CANCELLED,
        sequence=1,
        cancellation_reason="Casus Jansen",
    )

    ics = meeting_invitation(series(), cancelled_meeting, base_url=BASE_URL, to=TO_WOUTER)

    calendar = Calendar.from_ical(ics)
    [event] = calendar.events
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == "series-1@casustafel.example"
    assert event["RECURRENCE-ID"].dt == local(date(2026, 3, 31))
    assert event.sequence == 1
    assert_from_the_app_to_wouter(event)
    assert b"Jansen" not in ics


def test_an_extra_meeting_is_requested_and_cancelled_under_its_own_uid() -> None:
    extra = meeting(100, date(2026, 2, 17), at=(13, 0), sequence=3)

    request = meeting_invitation(series(), extra, base_url=BASE_URL, to=TO_WOUTER)
    extra.status = MeetingStatus.CANCELLED
    extra.sequence = 4
    cancel = meeting_invitation(series(), extra, base_url=BASE_URL, to=TO_WOUTER)

    for ics, method, sequence in ((request, "REQUEST", 3), (cancel, "CANCEL", 4)):
        calendar = Calendar.from_ical(ics)
        [event] = calendar.events
        assert calendar["METHOD"] == method
        assert str(event["UID"]) == "meeting-100@casustafel.example"
        assert "RECURRENCE-ID" not in event
        assert event.sequence == sequence
        assert event.start == local(date(2026, 2, 17), 13, 0)
        assert_from_the_app_to_wouter(event)


def cancelled_occurrence() -> Meeting:
    return meeting(
        4,
        date(2026, 3, 31),
        occurrence_date=date(2026, 3, 31),
        status=MeetingStatus.CANCELLED,
        sequence=1,
    )


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (lambda: generated()[1], "CONFIRMED"),
        (moved_from_28_april, "CONFIRMED"),
        (lambda: meeting(100, date(2026, 2, 17), at=(13, 0)), "CONFIRMED"),
        (cancelled_occurrence, "CANCELLED"),
    ],
    ids=["occurrence", "moved", "extra", "cancelled"],
)
def test_a_download_is_that_one_meeting_for_any_calendar(
    make: Callable[[], Meeting], status: str
) -> None:
    one = make()

    ics = meeting_calendar(series(), one, base_url=BASE_URL)

    calendar = Calendar.from_ical(ics)
    assert calendar["METHOD"] == "PUBLISH"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    [event] = expanded(ics)
    assert event.start == one.starts_at.astimezone(AMSTERDAM)
    assert event.end == one.ends_at.astimezone(AMSTERDAM)
    assert event["LOCATION"] == one.location
    assert event["STATUS"] == status
    assert event.sequence == one.sequence
    # Its own UID: importing it next to the series never replaces the series.
    assert str(event["UID"]) == f"meeting-{one.id}@casustafel.example"
    assert "RECURRENCE-ID" not in only_event(ics) and "RRULE" not in only_event(ics)


def test_a_downloaded_cancelled_meeting_reads_as_cancelled() -> None:
    event = only_event(meeting_calendar(series(), cancelled_occurrence(), base_url=BASE_URL))

    assert event["SUMMARY"] == "Geannuleerd: Integraal overleg Wijk 1"
    assert event["TRANSP"] == "TRANSPARENT"


def test_the_personal_feed_holds_both_overleggen_and_one_timezone() -> None:
    second = series(2, weekday=3, starts_on=date(2026, 1, 8), interval_weeks=2)
    second_meetings = [
        meeting(500 + n, day, occurrence_date=day, series_id=2)
        for n, day in enumerate([date(2026, 1, 8), date(2026, 1, 22)])
    ]
    second_meetings[1].status = MeetingStatus.CANCELLED

    ics = feed_calendar(
        [(series(), generated()), (second, second_meetings)],
        base_url=BASE_URL,
        name="Mijn overleggen",
    )

    calendar = Calendar.from_ical(ics)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Amsterdam"]
    assert calendar["X-WR-CALNAME"] == "Mijn overleggen"
    assert b"X-PUBLISHED-TTL:PT1H" in ics and b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in ics
    assert {str(e["UID"]) for e in calendar.events} == {
        "series-1@casustafel.example",
        "series-2@casustafel.example",
    }
    january = datetime(2026, 2, 1, tzinfo=AMSTERDAM)
    assert expanded_starts(ics, end=january) == [local(date(2026, 1, 6)), local(date(2026, 1, 8))]
    assert [e.start for e in cancelled(ics, end=january)] == [local(date(2026, 1, 22))]


def test_rule_dates_without_a_meeting_are_left_out_of_the_calendar() -> None:
    # The rule started long ago, the app plans from today on, and one date was dropped.
    old_rule = series(starts_on=date(2025, 1, 7))
    planned = [m for m in generated() if m.occurrence_date != date(2026, 6, 23)]

    ics = series_calendar(old_rule, planned, base_url=BASE_URL)

    expected = [local(day) for day in TUESDAYS_2026 if day != date(2026, 6, 23)]
    assert expanded_starts(ics, datetime(2025, 1, 1, tzinfo=AMSTERDAM)) == expected
    assert master(ics).start == local(date(2026, 1, 6))
