"""The rule every published number follows: below the minimum "< 5", otherwise rounded to a
multiple of it, so no subtraction of published figures gives back a small group."""

import pytest

from app.statistics import disclosure_control as dc


@pytest.mark.parametrize(
    ("true_count", "shown"),
    [(0, "< 5"), (4, "< 5"), (5, "5"), (7, "5"), (8, "10"), (12, "10"), (13, "15"), (100, "100")],
)
def test_a_count_is_hidden_below_five_and_rounded_to_fives(true_count: int, shown: str) -> None:
    figure = dc.count(true_count, 5)

    assert figure.text == shown
    assert figure.hidden == (shown == "< 5")
    assert figure.value == (None if figure.hidden else float(shown))


def test_the_minimum_is_configurable_and_sets_the_rounding_too() -> None:
    assert [dc.count(n, 10).text for n in (9, 10, 14, 15, 24)] == ["< 10", "10", "10", "20", "20"]


@pytest.mark.parametrize("a_true", [2, 3, 4])
def test_a_hidden_overleg_cannot_be_recovered_from_the_total_and_the_other_overleg(
    a_true: int,
) -> None:
    """Overleg A has a hidden number of casussen, B has 6: whatever A's number, the published
    total of both and B's own figure read the same, so their difference tells nothing."""
    b_true = 6

    published = (dc.count(a_true + b_true, 5).text, dc.count(b_true, 5).text)

    assert published == ("10", "5")
    assert dc.count(a_true, 5).text == "< 5"


def test_a_percentage_rests_on_at_least_five_items_and_moves_in_steps_of_five() -> None:
    assert dc.percentage(3, 4, 5).text == "< 5"
    assert dc.percentage(5, 10, 5).text == "50 %"
    assert dc.percentage(5, 14, 5).text == "35 %"  # 35.7 %
    assert dc.percentage(11, 16, 5).text == "70 %"  # 68.75 %
    assert dc.percentage(5, 20, 5).value == 25.0


@pytest.mark.parametrize(
    ("part", "whole"),
    [(1, 5), (4, 5), (1, 7), (0, 9), (9, 9), (4, 20), (16, 20), (2, 10), (8, 10)],
)
def test_a_percentage_never_gives_away_a_part_or_rest_below_five(part: int, whole: int) -> None:
    """1 of 5 shown as "< 5" next to "20 %" would give the 1 back; so would 4 of 5 as "80 %"."""
    assert dc.percentage(part, whole, 5) == dc.hidden(5)


def test_a_median_or_percentile_of_fewer_than_five_is_hidden() -> None:
    assert dc.median_days([3, 4, 5, 6], 5).text == "< 5"
    assert dc.percentile_75_days([3, 4, 5, 6], 5).hidden


def test_median_and_75th_percentile_in_whole_days() -> None:
    days = [10, 20, 30, 40, 100]

    assert dc.median_days(days, 5).text == "30 dagen"
    assert dc.percentile_75_days(days, 5).text == "40 dagen"
    assert dc.median_days([1, 1, 1, 2, 2], 5).text == "1 dag"
    assert dc.median_days([2, 3, 4, 5, 6, 7], 5, working=True).text == "5 werkdagen"  # 4.5 up


def test_numbers_about_professionals_are_shown_as_they_are() -> None:
    assert dc.unsuppressed(3).text == "3"
    assert not dc.unsuppressed(0).hidden
