"""The dashboard's charts: bars to scale, hidden figures marked as such (never as a zero), every
column told apart without colour, and SVG the strict CSP lets through."""

import xml.etree.ElementTree as ElementTree

from app.statistics import charts
from app.statistics.tables import Chart, Figure, Row, StatTable
from app.web import templates

SVG = "{http://www.w3.org/2000/svg}"


def count(n: int) -> Figure:
    return Figure(text=str(n), value=float(n))


HIDDEN = Figure(text="< 5", hidden=True)


def table(rows: dict[str, tuple[Figure, ...]], *, chart: Chart = Chart.BARS) -> StatTable:
    width = len(next(iter(rows.values())))
    return StatTable(
        key="casussen-per-maand",
        title="Casussen per maand",
        explanation="Nieuw, afgesloten en opgeschaald.",
        row_header="Maand",
        columns=("Nieuw", "Afgesloten", "Opgeschaald")[:width],
        rows=tuple(Row(label=label, figures=figures) for label, figures in rows.items()),
        chart=chart,
    )


def svg_of(drawing: charts.Drawing) -> str:
    return templates.get_template("statistics/_chart.html").render(chart=drawing)


def test_bars_are_as_long_as_their_figures() -> None:
    drawing = charts.draw(
        table({"2026-01": (count(10), count(20)), "2026-02": (count(5), count(15))})
    )
    widths = [[bar.width for bar in band.bars] for band in drawing.bands]
    assert widths[0][1] == 2 * widths[0][0]
    assert widths[1][1] == 3 * widths[1][0]
    assert [label.text for label in drawing.bands[1].figures] == ["5", "15"]


def test_the_axis_ends_on_a_round_number_past_the_largest_figure() -> None:
    drawing = charts.draw(table({"2026-01": (count(35),), "2026-02": (count(15),)}))
    assert [tick.text for tick in drawing.ticks] == ["0", "10", "20", "30", "40"]
    longest = drawing.bands[0].bars[0]
    assert drawing.ticks[-1].x - drawing.plot_left == longest.width * 40 / 35


def test_a_hidden_figure_is_a_marked_stub_with_its_text_not_a_zero() -> None:
    drawing = charts.draw(table({"2026-01": (HIDDEN, count(10))}))
    hidden, shown = drawing.bands[0].bars
    assert hidden.hidden and hidden.width == charts.STUB_WIDTH > 0
    assert not shown.hidden
    assert drawing.bands[0].figures[0].text == "< 5"
    assert any(item.hidden and item.text.startswith("< 5") for item in drawing.legend)

    svg = svg_of(drawing)
    assert svg.count("casustafel-chart__bar--hidden") == 1
    assert f'fill="url(#{drawing.hatch()})"' in svg
    assert ">&lt; 5</text>" in svg


def test_stacked_bars_add_up_and_put_hidden_parts_after_the_known_ones() -> None:
    drawing = charts.draw(table({"Politie": (count(10), HIDDEN, count(20))}, chart=Chart.STACKED))
    first, second, stub = drawing.bands[0].bars
    assert (first.column, second.column, stub.column) == (0, 2, 1)
    assert second.x == first.x + first.width and second.width == 2 * first.width
    assert stub.hidden and stub.x == second.x + second.width
    assert drawing.bands[0].figures[0].text == "10 + < 5 + 20"


def test_each_column_has_its_own_pattern_and_colour_for_greyscale_and_colour_blindness() -> None:
    drawing = charts.draw(table({"2026-01": (count(10), count(20), count(30))}))
    assert len({drawing.pattern(column) for column in range(3)}) == 3
    assert len({drawing.colour(column) for column in range(3)}) == 3
    assert [item.text for item in drawing.legend] == ["Nieuw", "Afgesloten", "Opgeschaald"]


def test_the_svg_is_well_formed_named_and_free_of_styles_and_scripts() -> None:
    svg = svg_of(charts.draw(table({"2026-01": (count(10), HIDDEN)})))
    assert "style=" not in svg and "<style" not in svg
    assert "<script" not in svg
    root = ElementTree.fromstring(svg)
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not any(name.startswith("on") for name in attributes)
    assert root.get("role") == "img"
    labelled_by = root.get("aria-labelledby")
    assert root.find(f"{SVG}title").get("id") == labelled_by  # type: ignore[union-attr]
    assert root.find(f"{SVG}title").text == "Casussen per maand"  # type: ignore[union-attr]
    assert "tabel onder de grafiek" in root.find(f"{SVG}desc").text  # type: ignore[union-attr]


def test_long_row_labels_are_shortened_with_the_whole_label_kept_as_a_tooltip() -> None:
    name = "Stichting Maatschappelijke Opvang en Bemoeizorg Regio Dorpsveen"
    drawing = charts.draw(table({name: (count(10),)}))
    assert drawing.bands[0].label.text.endswith("…")
    assert f"<title>{name}</title>" in svg_of(drawing)


def test_nothing_to_draw_still_gives_an_axis() -> None:
    drawing = charts.draw(table({"2026-01": (Figure(text="–"),)}))
    assert [tick.text for tick in drawing.ticks] == ["0"]
    assert drawing.bands[0].bars[0].width == 0
