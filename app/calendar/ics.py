"""iCalendar files for overleggen: a series calendar, a meeting download, e-mail invitations and a
personal feed.

Pure functions over loaded models. Events carry only the overleg's name, place and a link to
the app, never case data: calendar files travel to mail servers and phones outside our control.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import STATUS, TRANSP, Calendar, Event, vDuration

from app.dates import long_date
from app.db import AMSTERDAM
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus

PRODID = "-//Casustafel//NL"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CANCELLED_PREFIX = "Geannuleerd: "
ATTENDEE_PARAMETERS = {
    "CUTYPE": "INDIVIDUAL",
    "ROLE": "REQ-PARTICIPANT",
    "PARTSTAT": "NEEDS-ACTION",
    "RSVP": "FALSE",
}
FEED_REFRESH = timedelta(hours=1)
# VTIMEZONE lists every DST change as an RDATE, so it covers a window, not all of time.
TIMEZONE_YEARS = 30


@dataclass(frozen=True)
class Invitee:
    """Who an iTIP message (an e-mailed REQUEST or CANCEL) is for: one attendee per message,
    from the app as organizer, made at `sent_at`."""

    organizer: str
    attendee: str
    sent_at: datetime


def series_calendar(series: MeetingSeries, meetings: Sequence[Meeting], *, base_url: str) -> bytes:
    """One overleg as a calendar: its recurrence, the exceptions to it and the extra meetings."""
    calendar = _calendar(series.name)
    _add_events(calendar, _series_events(series, meetings, base_url))
    return _to_bytes(calendar)


def feed_calendar(
    entries: Sequence[tuple[MeetingSeries, Sequence[Meeting]]], *, base_url: str, name: str
) -> bytes:
    """A personal subscription feed: several overleggen in one calendar."""
    calendar = _calendar(name)
    # Subscribing clients poll at their own pace unless told; Outlook reads X-PUBLISHED-TTL.
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    for series, meetings in entries:
        _add_events(calendar, _series_events(series, meetings, base_url))
    return _to_bytes(calendar)


def meeting_calendar(series: MeetingSeries, meeting: Meeting, *, base_url: str) -> bytes:
    """One meeting to download: a complete event of its own, also for a calendar that never had
    the series. Its own UID, so importing it never replaces the series in a calendar that has it."""
    calendar = _calendar(series.name, method="PUBLISH")
    _add_events(calendar, [_standalone_event(series, meeting, base_url)])
    return _to_bytes(calendar)


def series_invitation(
    series: MeetingSeries, meetings: Sequence[Meeting], *, base_url: str, to: Invitee
) -> bytes:
    """The iTIP REQUEST that puts an overleg in a calendar: the recurring event with its moved and
    cancelled occurrences. An iTIP message carries one UID, so meetings outside the rule are
    not in it: each goes as a meeting_invitation of its own."""
    occurrences = [m for m in meetings if follows_rule(series, m)]
    calendar = _calendar(series.name, method="REQUEST")
    _add_events(calendar, _rule_events(series, occurrences, base_url), to)
    return _to_bytes(calendar)


def meeting_invitation(
    series: MeetingSeries, meeting: Meeting, *, base_url: str, to: Invitee
) -> bytes:
    """The iTIP REQUEST (or CANCEL, when cancelled) of one meeting, with the UID and
    RECURRENCE-ID of the series invitation and the meeting's raised SEQUENCE, so a calendar
    that has the series updates that one meeting."""
    if follows_rule(series, meeting):
        event = _override_event(series, meeting, base_url)
    else:
        event = _standalone_event(series, meeting, base_url)
    calendar = _calendar(series.name, method=itip_method(meeting))
    _add_events(calendar, [event], to)
    return _to_bytes(calendar)


def itip_method(meeting: Meeting) -> str:
    """How an invitation about this meeting changes the calendar that has it."""
    return "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST"


def follows_rule(series: MeetingSeries, meeting: Meeting) -> bool:
    """Whether the meeting stands on a date of the series' current rule (an occurrence of it)."""
    day = meeting.occurrence_date
    if day is None or not _rule_has_dates(series):
        return False
    weeks_apart, remainder = divmod((day - _first_start(series).date()).days, 7)
    return (
        remainder == 0
        and weeks_apart >= 0
        and weeks_apart % series.interval_weeks == 0
        and (series.ends_on is None or day <= series.ends_on)
    )


def _calendar(name: str, *, method: str | None = None) -> Calendar:
    """An empty VCALENDAR with our identity and a display name."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method is not None:
        calendar.add("METHOD", method)
    calendar.add("X-WR-CALNAME", name)
    return calendar


def _add_events(calendar: Calendar, events: Sequence[Event], to: Invitee | None = None) -> None:
    """Add the events; in an iTIP message each names organizer and attendee and is stamped with
    the moment the message was made (RFC 5545 3.8.7.2)."""
    for event in events:
        if to is not None:
            event.stamp = to.sent_at.astimezone(UTC)
            event.add("ORGANIZER", f"mailto:{to.organizer}", parameters={"CN": "Casustafel"})
            # Whether someone comes is answered in the app, not by a reply to the sender.
            event.add("ATTENDEE", f"mailto:{to.attendee}", parameters=ATTENDEE_PARAMETERS)
        calendar.add_component(event)


def _series_events(
    series: MeetingSeries, meetings: Sequence[Meeting], base_url: str
) -> list[Event]:
    """An overleg's master event and its exceptions, then its meetings outside the rule."""
    occurrences = [m for m in meetings if follows_rule(series, m)]
    apart = [
        _standalone_event(series, m, base_url) for m in meetings if not follows_rule(series, m)
    ]
    return _rule_events(series, occurrences, base_url) + apart


def _rule_events(
    series: MeetingSeries, occurrences: Sequence[Meeting], base_url: str
) -> list[Event]:
    """The recurring event and an override for each occurrence that is not as the rule gives it
    (moved, cancelled or elsewhere). A cancelled one stays in the recurrence set as a cancelled
    override rather than an EXDATE, so calendars can show it as cancelled."""
    ordered = sorted(occurrences, key=_occurrence_date)
    if not ordered:
        return []
    exceptions = [m for m in ordered if _is_exception(series, m)]
    return [_master_event(series, ordered, base_url)] + [
        _override_event(series, m, base_url) for m in exceptions
    ]


def _master_event(series: MeetingSeries, occurrences: Sequence[Meeting], base_url: str) -> Event:
    """The recurring event from the first meeting on; rule dates without a meeting up to the last
    one are excluded, so the calendar shows exactly the app's meetings."""
    first, last = _occurrence_date(occurrences[0]), _occurrence_date(occurrences[-1])
    start = _rule_start(series, first)
    event = _event(
        series,
        uid=_series_uid(series, base_url),
        start=start,
        end=start + timedelta(minutes=series.duration_minutes),
        location=series.default_location,
        stamp=series.created_at,
        base_url=base_url,
    )
    event.add("RRULE", _rule(series))
    planned = {m.occurrence_date for m in occurrences}
    excluded = [day for day in _rule_dates(series, first, last) if day not in planned]
    if excluded:
        event.add("EXDATE", [_rule_start(series, day) for day in excluded])
    return event


def _rule_dates(series: MeetingSeries, first: date, last: date) -> list[date]:
    """The dates of the rule from first to last, both included."""
    step = timedelta(weeks=series.interval_weeks)
    return [first + step * n for n in range((last - first) // step + 1)]


def _rule(series: MeetingSeries) -> dict[str, object]:
    """The RRULE of an overleg; UNTIL is in UTC because DTSTART has a TZID (RFC 5545)."""
    rule: dict[str, object] = {
        "FREQ": "WEEKLY",
        "INTERVAL": series.interval_weeks,
        "BYDAY": BYDAY[series.weekday],
    }
    if series.ends_on is not None:
        # An occurrence on ends_on itself starts exactly at UNTIL, and UNTIL is inclusive.
        rule["UNTIL"] = _rule_start(series, series.ends_on).astimezone(UTC)
    return rule


def _override_event(series: MeetingSeries, meeting: Meeting, base_url: str) -> Event:
    """One occurrence as it really takes place, tied to its place in the rule."""
    event = _meeting_event(series, meeting, uid=_series_uid(series, base_url), base_url=base_url)
    event.RECURRENCE_ID = _rule_start(series, _occurrence_date(meeting))
    return event


def _standalone_event(series: MeetingSeries, meeting: Meeting, base_url: str) -> Event:
    """A meeting as an event of its own (extra, generated under an older rule, or downloaded)."""
    return _meeting_event(series, meeting, uid=_meeting_uid(meeting, base_url), base_url=base_url)


def _meeting_event(series: MeetingSeries, meeting: Meeting, *, uid: str, base_url: str) -> Event:
    """One meeting at its actual time and place, marked when it was moved or cancelled."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event = _event(
        series,
        uid=uid,
        start=meeting.starts_at.astimezone(AMSTERDAM),
        end=meeting.ends_at.astimezone(AMSTERDAM),
        location=meeting.location,
        stamp=meeting.created_at,
        base_url=base_url,
        sequence=meeting.sequence,
        note=_planning_note(meeting),
        # Outlook shows a cancelled event like any other (as its own do, with a prefix).
        summary=f"{CANCELLED_PREFIX}{series.name}" if cancelled else series.name,
    )
    event.status = STATUS.CANCELLED if cancelled else STATUS.CONFIRMED
    if cancelled:
        event.transparency = TRANSP.TRANSPARENT
    return event


def _planning_note(meeting: Meeting) -> str | None:
    """Whether the meeting was cancelled or moved (never why: the reason may name a casus)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return "Deze bijeenkomst gaat niet door."
    if not meeting.is_moved:
        return None
    if meeting.moved_from is None:
        return "Deze bijeenkomst is verplaatst."
    return f"Deze bijeenkomst is verplaatst van {long_date(meeting.moved_from)}."


def _event(
    series: MeetingSeries,
    *,
    uid: str,
    start: datetime,
    end: datetime,
    location: str,
    stamp: datetime,
    base_url: str,
    sequence: int | None = None,
    note: str | None = None,
    summary: str | None = None,
) -> Event:
    """A VEVENT with the only texts we allow out of the app: name, place, link and a note on
    its planning."""
    link = f"{base_url.rstrip('/')}/overleggen/{series.id}"
    return Event.new(
        uid=uid,
        # Passed in rather than read from the clock, so the same data gives the same bytes.
        stamp=stamp.astimezone(UTC),
        start=start,
        end=end,
        summary=summary or series.name,
        location=location,
        description=f"{note}\n\n{link}" if note else link,
        url=link,
        sequence=sequence,
    )


def _to_bytes(calendar: Calendar) -> bytes:
    """Add the VTIMEZONE the events refer to and serialise."""
    starts = [event.start for event in calendar.events]
    if starts:
        first = min(starts).year
        calendar.add_missing_timezones(
            first_date=date(first, 1, 1), last_date=date(first + TIMEZONE_YEARS, 1, 1)
        )
    return calendar.to_ical()


def _first_start(series: MeetingSeries) -> datetime:
    """The first date on or after starts_on on the series' weekday, at its start time."""
    days_ahead = (series.weekday - series.starts_on.weekday()) % 7
    return _rule_start(series, series.starts_on + timedelta(days=days_ahead))


def _rule_start(series: MeetingSeries, day: date) -> datetime:
    """Where the rule puts a meeting on this day: the series' local start time in Amsterdam."""
    return datetime.combine(day, series.start_time, tzinfo=AMSTERDAM)


def _rule_has_dates(series: MeetingSeries) -> bool:
    """Whether the rule yields any date at all (an end before the first weekday yields none)."""
    return series.ends_on is None or _first_start(series).date() <= series.ends_on


def _is_exception(series: MeetingSeries, meeting: Meeting) -> bool:
    """Whether an occurrence needs an override: cancelled, moved, or its time or place differs
    from what the rule gives for its date."""
    start = _rule_start(series, _occurrence_date(meeting))
    end = start + timedelta(minutes=series.duration_minutes)
    return (
        meeting.status == MeetingStatus.CANCELLED
        or meeting.is_moved
        or meeting.starts_at != start
        or meeting.ends_at != end
        or meeting.location != series.default_location
    )


def _occurrence_date(meeting: Meeting) -> date:
    """The recurrence date of a generated meeting."""
    if meeting.occurrence_date is None:
        raise ValueError(f"Meeting {meeting.id} is an extra meeting without a recurrence date.")
    return meeting.occurrence_date


def _series_uid(series: MeetingSeries, base_url: str) -> str:
    """The stable UID of an overleg's recurring event."""
    return f"series-{series.id}@{_host(base_url)}"


def _meeting_uid(meeting: Meeting, base_url: str) -> str:
    """The stable UID of a meeting outside the rule."""
    return f"meeting-{meeting.id}@{_host(base_url)}"


def _host(base_url: str) -> str:
    """The host name of the app, the right-hand side of every UID."""
    host = urlsplit(base_url).hostname
    if not host:
        raise ValueError(f"base_url {base_url!r} has no host name.")
    return host
