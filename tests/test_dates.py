"""Dutch dates come from Babel, in one module: no strftime or hand-written month names elsewhere."""

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from app import dates
from app.config import PROJECT_ROOT
from app.web import templates

TUESDAY = date(2026, 12, 8)

# A date formatted by hand: a strftime call, or a strftime pattern in a format spec.
HAND_FORMATTED = re.compile(r"\.strftime\(|\{[^{}]*:%[A-Za-z][^{}]*\}")
# The Message-ID's compact timestamp is for machines, not a date people read.
MACHINE_FORMATS = {"{message.created_at:%Y%m%d%H%M%S}"}
MONTHS = "januari|februari|maart|april|juni|juli|augustus|september|oktober|november|december"
SHORT_MONTHS = "jan|feb|mrt|apr|jun|jul|aug|sep|okt|nov|dec"
DAYS = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
# A name on its own in quotes, as in a list: a message such as "vanaf 1 januari" is no list.
NAME_LIST_ENTRY = re.compile(rf"[\"'](?:{MONTHS}|mei|(?:{SHORT_MONTHS})\.|{DAYS})[\"']", re.I)


def test_a_long_date_has_its_weekday() -> None:
    assert dates.long_date(TUESDAY) == "dinsdag 8 december 2026"


def test_a_short_date_is_babels_medium_format() -> None:
    assert dates.short_date(TUESDAY) == "8 dec 2026"
    assert dates.short_date(date(2026, 5, 1)) == "1 mei 2026"


def test_a_time_of_day_has_two_digit_hours() -> None:
    assert dates.time_of_day(time(9, 30)) == "09:30"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (datetime(2026, 12, 8, 8, 30, tzinfo=UTC), "8 dec 2026, 09:30"),
        (datetime(2026, 7, 7, 7, 30, tzinfo=UTC), "7 jul 2026, 09:30"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "1 jan 2027, 00:30"),
    ],
    ids=["winter time", "summer time", "midnight UTC is the next day here"],
)
def test_a_stored_moment_is_shown_in_dutch_local_time(stored: datetime, shown: str) -> None:
    assert dates.local_datetime(stored) == shown


def test_a_moment_is_dated_and_timed_in_the_netherlands() -> None:
    late_monday_in_utc = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)

    assert dates.long_date(late_monday_in_utc) == "dinsdag 8 december 2026"
    assert dates.short_date(late_monday_in_utc) == "8 dec 2026"
    assert dates.time_of_day(late_monday_in_utc) == "00:30"


def test_weekday_names_start_on_monday() -> None:
    assert dates.WEEKDAYS[0] == "maandag" and dates.WEEKDAYS[6] == "zondag"


def test_templates_have_the_date_filters() -> None:
    page = templates.env.from_string(
        "{{ day | long_date }} · {{ day | short_date }} · {{ at | time_of_day }} · "
        "{{ moment | local_datetime }}"
    )

    shown = page.render(
        day=TUESDAY, at=time(9, 30), moment=datetime(2026, 12, 8, 8, 30, tzinfo=UTC)
    )

    assert shown == "dinsdag 8 december 2026 · 8 dec 2026 · 09:30 · 8 dec 2026, 09:30"


def _sources() -> list[Path]:
    return [*(PROJECT_ROOT / "app").rglob("*.py"), *(PROJECT_ROOT / "templates").rglob("*.html")]


def _hand_formatted(text: str) -> list[str]:
    hits = [*HAND_FORMATTED.findall(text), *NAME_LIST_ENTRY.findall(text)]
    return [hit for hit in hits if hit not in MACHINE_FORMATS]


@pytest.mark.parametrize(
    "line",
    [
        '{{ task.due_on.strftime("%d-%m-%Y") }}',
        'f"uiterlijk {task.due_on:%d-%m-%Y}"',
        "MONTHS = ['jan.', 'feb.']",
        'DAYS = ["Maandag", "dinsdag"]',
    ],
)
def test_the_search_recognises_a_date_formatted_by_hand(line: str) -> None:
    assert _hand_formatted(line)


def test_no_date_is_formatted_by_hand() -> None:
    found = [
        f"{path.relative_to(PROJECT_ROOT)}: {hit}"
        for path in _sources()
        for hit in _hand_formatted(path.read_text())
    ]
    assert found == []
