"""The geometry of a dashboard chart: horizontal bars per row of a StatTable, measured here and
drawn as inline SVG by templates/statistics/_chart.html (no script, no style attribute: the
CSP stays strict). Every bar carries its figure as a label, and each column has its own colour
(Okabe–Ito, safe for colour-blind readers) and pattern (told apart in greyscale). A hidden
figure ("< 5") is a hatched stub with that text, never a bar that looks like zero."""

import math
from dataclasses import dataclass

from app.statistics.tables import Chart, Figure, StatTable

WIDTH = 640
LABEL_WIDTH = 200  # row labels, left of the bars
CHARACTER_WIDTH = 7  # about, at the chart's 12px text
BAR_HEIGHT = 14
BAR_GAP = 2
BAND_GAP = 10
LEGEND_LINE = 20
AXIS_ROOM = 26
STUB_WIDTH = 10  # a hidden figure: not to scale, so always this wide
MAX_TICKS = 5
LABEL_CHARACTERS = 26
# How many distinct fills there are: colours (CSS classes) times patterns in the template.
PATTERNS = 4
COLOURS = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    column: int
    hidden: bool = False


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Band:
    """One row of the table: its label, its bars, the figures written beside them."""

    label: Label
    full_label: str
    bars: tuple[Bar, ...]
    figures: tuple[Label, ...]


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    text: str
    column: int
    hidden: bool = False


@dataclass(frozen=True)
class Drawing:
    key: str
    columns: int
    width: int
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    title: str
    description: str
    legend: tuple[LegendItem, ...]
    bands: tuple[Band, ...]
    ticks: tuple[Label, ...]

    def fill(self, column: int) -> str:
        """The id of a column's pattern (the template defines one per column)."""
        return f"{self.key}-reeks-{column}"

    def colour(self, column: int) -> int:
        """Which of the palette's colours (a CSS class) a column has."""
        return column % COLOURS

    def pattern(self, column: int) -> int:
        """Which of the patterns a column has: the colours repeat later than the patterns, so
        neighbouring columns differ in both."""
        return column % PATTERNS

    def hatch(self) -> str:
        """The id of the pattern of a hidden figure."""
        return f"{self.key}-verborgen"


def draw(table: StatTable) -> Drawing:
    """Where everything of the table's chart goes."""
    legend = _legend(table)
    top = (legend[-1].y + LEGEND_LINE) if legend else BAND_GAP
    axis_max, ticks_at = _axis(_largest(table))
    stacked = table.chart == Chart.STACKED
    scale = (WIDTH - LABEL_WIDTH - _room_for_figures(table, stacked)) / axis_max
    bands, y = [], top
    for row in table.rows:
        draw_row = _stacked_row if stacked else _grouped_row
        bars, figures = draw_row(row.figures, y=y, scale=scale)
        middle = y + (bars[-1].y + BAR_HEIGHT - y) / 2 if bars else y + BAR_HEIGHT / 2
        label = Label(LABEL_WIDTH - 8, middle + 4, _shortened(row.label), anchor="end")
        bands.append(Band(label, row.label, bars, figures))
        y = (bars[-1].y if bars else y) + BAR_HEIGHT + BAND_GAP
    ticks = tuple(
        Label(LABEL_WIDTH + value * scale, y + 16, _number(value), anchor="middle")
        for value in ticks_at
    )
    return Drawing(
        key=table.key,
        columns=len(table.columns),
        width=WIDTH,
        height=y + AXIS_ROOM,
        plot_left=LABEL_WIDTH,
        plot_top=top - BAND_GAP / 2,
        plot_bottom=y,
        title=table.title,
        description=_description(table, stacked),
        legend=legend,
        bands=tuple(bands),
        ticks=ticks,
    )


def _grouped_row(
    figures: tuple[Figure, ...], *, y: float, scale: float
) -> tuple[tuple[Bar, ...], tuple[Label, ...]]:
    bars, labels = [], []
    for column, figure in enumerate(figures):
        top = y + column * (BAR_HEIGHT + BAR_GAP)
        width = STUB_WIDTH if figure.hidden else (figure.value or 0) * scale
        bars.append(Bar(LABEL_WIDTH, top, width, BAR_HEIGHT, column, hidden=figure.hidden))
        labels.append(Label(LABEL_WIDTH + width + 4, top + BAR_HEIGHT - 3, figure.text))
    return tuple(bars), tuple(labels)


def _stacked_row(
    figures: tuple[Figure, ...], *, y: float, scale: float
) -> tuple[tuple[Bar, ...], tuple[Label, ...]]:
    bars, x = [], float(LABEL_WIDTH)
    shown = [(column, figure) for column, figure in enumerate(figures) if not figure.hidden]
    for column, figure in shown:
        width = (figure.value or 0) * scale
        bars.append(Bar(x, y, width, BAR_HEIGHT, column))
        x += width
    # Hidden parts cannot be stacked to scale: each is a stub after the known ones.
    for column, figure in enumerate(figures):
        if figure.hidden:
            bars.append(Bar(x, y, STUB_WIDTH, BAR_HEIGHT, column, hidden=True))
            x += STUB_WIDTH
    total = " + ".join(figure.text for figure in figures)
    return tuple(bars), (Label(x + 4, y + BAR_HEIGHT - 3, total),)


def _room_for_figures(table: StatTable, stacked: bool) -> float:
    """Room right of the longest bar for the figure written beside it (and hidden stubs)."""
    if stacked:
        widest = max(
            (len(" + ".join(f.text for f in row.figures)) for row in table.rows), default=0
        )
        stubs = max((sum(f.hidden for f in row.figures) for row in table.rows), default=0)
        return 8 + CHARACTER_WIDTH * widest + STUB_WIDTH * stubs
    widest = max((len(f.text) for row in table.rows for f in row.figures), default=0)
    return 8 + CHARACTER_WIDTH * widest


def _largest(table: StatTable) -> float:
    if table.chart == Chart.STACKED:
        sums = (sum(f.value or 0 for f in row.figures) for row in table.rows)
        return max(sums, default=0)
    return max((f.value or 0 for row in table.rows for f in row.figures), default=0)


def _axis(largest: float) -> tuple[float, tuple[float, ...]]:
    """A round end of the axis at or above the largest value, and at most MAX_TICKS ticks."""
    if largest <= 0:
        return 1.0, (0.0,)
    magnitude = 10 ** math.floor(math.log10(largest / MAX_TICKS)) if largest >= 1 else 0.1
    step = next(
        magnitude * factor
        for factor in (1, 2, 5, 10)
        if largest / (magnitude * factor) <= MAX_TICKS
    )
    count = math.ceil(largest / step - 1e-9)
    return step * count, tuple(step * i for i in range(count + 1))


def _legend(table: StatTable) -> tuple[LegendItem, ...]:
    entries = [(column, name, False) for column, name in enumerate(table.columns)]
    hidden = next((f.text for row in table.rows for f in row.figures if f.hidden), None)
    if hidden is not None:
        note = f"{hidden}: te weinig om te tonen (niet op schaal)"
        entries.append((len(table.columns), note, True))
    if len(entries) == 1:
        return ()
    items, x, y = [], 0.0, BAND_GAP + 4
    for column, text, hidden in entries:
        width = 24 + CHARACTER_WIDTH * len(text)
        if x and x + width > WIDTH:
            x, y = 0.0, y + LEGEND_LINE
        items.append(LegendItem(x, y, text, column, hidden))
        x += width + 12
    return tuple(items)


def _description(table: StatTable, stacked: bool) -> str:
    kind = "Gestapeld staafdiagram" if stacked else "Staafdiagram"
    columns = ", ".join(table.columns)
    rows = "1 rij" if len(table.rows) == 1 else f"{len(table.rows)} rijen"
    return (
        f"{kind} van {table.title.lower()}: {rows} ({table.row_header.lower()}), "
        f"per rij {columns}. De cijfers staan in de tabel onder de grafiek."
    )


def _shortened(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}".replace(".", ",")
