"""Disclosure control: how a true number becomes a figure that is safe to publish.

Suppress and round, as the CBS does: a count below the minimum shows "< N"; every other count
is rounded on its own true value to the nearest multiple of N (halves up). Because each
published count is rounded separately — a month, a total, another period, another overleg —
subtracting two published figures never gives back a hidden one. Rates, medians and
percentiles rest on at least N items or are not shown; a percentage also needs N items in its
part and in the rest, or it would give back a count shown as "< N". Nothing here reads the database.
"""

import statistics
from collections.abc import Sequence

from app.statistics.tables import Figure

PERCENT_STEP = 5


def hidden(min_count: int) -> Figure:
    """A figure that rests on too few items to show."""
    return Figure(text=f"< {min_count}", hidden=True)


def rounded(n: int, step: int) -> int:
    """`n` to the nearest multiple of `step`, halves up (with step 5: 7 -> 5, 8 -> 10)."""
    return (2 * n + step) // (2 * step) * step


def count(n: int, min_count: int) -> Figure:
    """A count of casussen (or tasks): "< N" below the minimum, else rounded to a multiple of N."""
    if n < min_count:
        return hidden(min_count)
    shown = rounded(n, min_count)
    return Figure(text=str(shown), value=float(shown))


def unsuppressed(n: int) -> Figure:
    """A number about professionals or meetings, never about a resident: shown as it is."""
    return Figure(text=str(n), value=float(n))


def percentage(part: int, whole: int, min_count: int) -> Figure:
    """`part` of `whole` as a whole percentage rounded to a multiple of 5 ("80 %"), shown only
    when the part and the rest of `whole` each hold at least the minimum number of items: 1 of 5
    as "20 %" would give away the 1 that its count hides as "< 5"."""
    if min(part, whole - part) < min_count:
        return hidden(min_count)
    shown = rounded(round(100 * part / whole), PERCENT_STEP)
    return Figure(text=f"{shown} %", value=float(shown))


def median_days(days: Sequence[int], min_count: int, *, working: bool = False) -> Figure:
    """The median of these durations in whole (working) days, shown only over enough items."""
    if len(days) < min_count:
        return hidden(min_count)
    return _days(statistics.median(days), working)


def percentile_75_days(days: Sequence[int], min_count: int) -> Figure:
    """The 75th percentile of these durations in whole days, shown only over enough items."""
    if len(days) < min_count:
        return hidden(min_count)
    if len(days) == 1:  # quantiles need two values; one value is every percentile
        return _days(days[0], working=False)
    return _days(statistics.quantiles(days, n=4, method="inclusive")[2], working=False)


def _days(value: float, working: bool) -> Figure:
    whole = int(value + 0.5)  # halves up, as `rounded`; durations are never negative
    singular, plural = ("werkdag", "werkdagen") if working else ("dag", "dagen")
    return Figure(text=f"{whole} {singular if whole == 1 else plural}", value=float(whole))
