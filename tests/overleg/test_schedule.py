"""Date rules: Dutch holidays, working days, deadlines, recurrence and daylight saving."""

from datetime import date, time, timedelta

import pytest

from app.overleg import schedule


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 27), "Koningsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2026, 4, 28), None),
    ],
)
def test_dutch_public_holidays_have_their_dutch_name(day: date, name: str | None) -> None:
    assert schedule.holiday_name(day) == name


def test_the_next_working_day_skips_weekends_and_holidays() -> None:
    assert schedule.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)  # Kerst, weekend
    assert schedule.next_working_day(date(2027, 4, 26)) == date(2027, 4, 28)  # Koningsdag


@pytest.mark.parametrize(
    ("meeting_day", "working_days", "deadline"),
    [
        (date(2026, 3, 3), 5, date(2026, 2, 24)),
        (date(2026, 5, 26), 5, date(2026, 5, 18)),  # Pinkstermaandag telt niet
        (date(2026, 3, 3), 0, date(2026, 3, 3)),
    ],
)
def test_the_agenda_deadline_counts_working_days_back(
    meeting_day: date, working_days: int, deadline: date
) -> None:
    assert schedule.deadline_before(meeting_day, working_days) == deadline


def test_recurrence_starts_on_the_first_matching_weekday_and_respects_the_end() -> None:
    dates = schedule.recurrence_dates(
        starts_on=date(2026, 1, 1),
        weekday=1,
        interval_weeks=4,
        ends_on=date(2026, 3, 31),
        until=date(2027, 1, 1),
    )

    assert dates == [date(2026, 1, 6), date(2026, 2, 3), date(2026, 3, 3), date(2026, 3, 31)]


def test_half_past_nine_is_half_past_nine_in_summer_and_winter() -> None:
    winter = schedule.at_local_time(date(2026, 1, 6), time(9, 30))
    summer = schedule.at_local_time(date(2026, 6, 23), time(9, 30))

    assert (winter.hour, summer.hour) == (8, 7)  # UTC
    assert schedule.local(winter).hour == schedule.local(summer).hour == 9


def test_working_days_between_counts_weekdays_without_public_holidays() -> None:
    # Kerst 2025 (Thu 25, Fri 26 Dec) and Nieuwjaarsdag (Thu 1 Jan 2026) fall on weekdays.
    assert schedule.working_days_between(date(2025, 12, 19), date(2026, 1, 2)) == 7
    # Koningsdag 2026 is Monday 27 April.
    assert schedule.working_days_between(date(2026, 4, 24), date(2026, 4, 28)) == 1
    assert schedule.working_days_between(date(2026, 4, 28), date(2026, 4, 28)) == 0
    assert schedule.working_days_between(date(2026, 4, 28), date(2026, 4, 20)) == 0


@pytest.mark.parametrize("start", [date(2024, 12, 20) + timedelta(days=n) for n in range(0, 40, 3)])
def test_working_days_between_agrees_with_walking_the_calendar(start: date) -> None:
    for length in (1, 2, 6, 7, 8, 13, 14, 30, 95, 400):
        end = start + timedelta(days=length)
        walked = sum(
            schedule.is_working_day(start + timedelta(days=offset))
            for offset in range(1, length + 1)
        )
        assert schedule.working_days_between(start, end) == walked
