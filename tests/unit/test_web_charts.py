"""The board's charts (web/charts.py): well-formed SVG, bars proportional to the cents, French
labels, a title, a description and the data as a table, and nothing drawn by a style attribute.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.comparison import compare
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Payer
from web.charts import (
    WIDTH,
    Band,
    Chart,
    Move,
    Moves,
    Series,
    Total,
    _counts,
    bands,
    changes_chart,
    comparison_charts,
    distribution_chart,
    totals_chart,
)

NS = "{http://www.w3.org/2000/svg}"
NBSP, NNBSP = "\u00a0", "\u202f"


def parsed(chart: Chart) -> ET.Element:
    """The chart's SVG as XML: parsing fails on anything not well-formed."""
    return ET.fromstring(str(chart.svg))


def bars(svg: ET.Element) -> list[ET.Element]:
    """The drawn bars (the rectangles that carry a tooltip), in drawing order."""
    return [rect for rect in svg.iter(f"{NS}rect") if rect.find(f"{NS}title") is not None]


def texts(svg: ET.Element) -> list[str]:
    return [text.text or "" for text in svg.iter(f"{NS}text")]


def test_a_totals_chart_is_well_formed_svg_with_a_title_a_description_and_a_table() -> None:
    chart = totals_chart("t", [Total("A — Forfait", 388000), Total("B — Tranches", 687140)])
    svg = parsed(chart)
    assert svg.tag == f"{NS}svg" and svg.get("role") == "img"
    assert svg.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert svg.get("aria-labelledby") == "t-titre t-desc"
    assert svg.findtext(f"{NS}title") == "Total appelé par barème"
    assert f"B — Tranches : 6{NNBSP}871,40{NBSP}€" in (svg.findtext(f"{NS}desc") or "")
    assert chart.table.rows == (
        ("A — Forfait", f"3{NNBSP}880,00{NBSP}€", ""),
        ("B — Tranches", f"6{NNBSP}871,40{NBSP}€", ""),
    )
    assert "style" not in str(chart.svg)


def test_the_totals_bars_are_proportional_to_the_cents() -> None:
    chart = totals_chart("t", [Total("A", 100000), Total("B", 25000), Total("C", 50001)])
    widths = [float(rect.get("width", "0")) for rect in bars(parsed(chart))]
    assert widths[0] > 0
    assert abs(widths[1] - widths[0] / 4) <= 0.1
    assert abs(widths[2] - widths[0] * 50001 / 100000) <= 0.1


def test_the_totals_labels_are_french_amounts_with_their_note() -> None:
    chart = totals_chart("t", [Total("A", 123450, "hors total : 2 membres sans données")])
    shown = texts(parsed(chart))
    assert f"1{NNBSP}234,50{NBSP}€" in shown
    assert "hors total : 2 membres sans données" in shown


def test_a_chart_of_nothing_but_zeros_draws_empty_bars_rather_than_failing() -> None:
    chart = totals_chart("t", [Total("A", 0), Total("B", 0)])
    assert [rect.get("width") for rect in bars(parsed(chart))] == ["0", "0"]


def test_names_with_markup_characters_are_escaped_and_the_svg_stays_well_formed() -> None:
    chart = totals_chart("t", [Total("A — <b>R&D</b> « 2027 »", 1000)])
    svg = parsed(chart)
    assert "A — <b>R&D</b> « 2027 »" in texts(svg)
    assert "<b>" not in str(chart.svg)


def test_the_ranges_of_amounts_follow_a_1_2_5_ladder_with_exact_bounds() -> None:
    found = bands([0, 2000, 2000, 40000, 126250, 300000])
    assert found[0] == Band(0, None)
    assert [(band.low, band.high) for band in found[1:]] == [
        (2000, 5000), (5000, 10000), (10000, 20000), (20000, 50000), (50000, 100000),
        (100000, 200000), (200000, 500000),
    ]  # fmt: skip
    assert found[1].label == f"20,00{NBSP}€ à 49,99{NBSP}€"
    assert found[1].holds(4999) and not found[1].holds(5000) and found[2].holds(5000)
    assert found[0].label == f"0,00{NBSP}€" and found[0].holds(0) and not found[0].holds(1)


def test_too_many_ranges_fall_back_to_one_per_power_of_ten() -> None:
    found = bands([1, 10_000_000])
    assert [(band.low, band.high) for band in found[1:]] == [
        (1, 10), (10, 100), (100, 1000), (1000, 10_000), (10_000, 100_000),
        (100_000, 1_000_000), (1_000_000, 10_000_000), (10_000_000, 100_000_000),
    ]  # fmt: skip


def test_the_distribution_counts_members_per_range_and_those_without_data() -> None:
    chart = distribution_chart(
        "r",
        [
            Series("A — Forfait", (0, 0, 2000, 40000, 40000), missing=0),
            Series("B — Tranches", (0, 0, 2000, 126250), missing=2),
        ],
    )
    svg = parsed(chart)
    assert svg.findtext(f"{NS}title") == "Répartition des montants par barème"
    rows = {row[0]: row[1:] for row in chart.table.rows}
    assert rows[f"0,00{NBSP}€"] == ("2", "2")
    assert rows[f"200,00{NBSP}€ à 499,99{NBSP}€"] == ("2", "0")
    assert rows[f"1{NNBSP}000,00{NBSP}€ à 1{NNBSP}999,99{NBSP}€"] == ("0", "1")
    assert rows["sans données"] == ("0", "2")
    assert chart.table.headers == ("Montant", "A — Forfait", "B — Tranches")
    widths = {rect.findtext(f"{NS}title"): float(rect.get("width", "0")) for rect in bars(svg)}
    two = widths[f"A — Forfait, 0,00{NBSP}€ : 2 membres"]
    one = widths[f"A — Forfait, 20,00{NBSP}€ à 49,99{NBSP}€ : 1 membre"]
    assert abs(two - 2 * one) <= 0.1
    hatched = widths["B — Tranches, sans données : 2 membres"]
    assert abs(hatched - two) <= 0.1
    assert any(p.get("id") == "r-manque" for p in svg.iter(f"{NS}pattern"))


def test_winners_go_right_and_losers_left_in_proportion_to_the_change() -> None:
    chart = changes_chart(
        "e",
        [
            Moves(
                "B — Tranches",
                (Move("MISTRAL", 40000, 126250), Move("GARRIGUE", 40000, 10000)),
                unchanged=3,
                not_comparable=1,
            )
        ],
        "A",
    )
    svg = parsed(chart)
    rise, fall = bars(svg)
    middle = WIDTH / 2
    assert float(rise.get("x", "0")) == middle
    assert abs(float(fall.get("x", "0")) + float(fall.get("width", "0")) - middle) <= 0.1
    assert abs(float(fall.get("width", "0")) / float(rise.get("width", "0")) - 30000 / 86250) < 0.01
    assert fall.get("fill") == "url(#e-baisse)"  # hatched: told apart without colour
    shown = texts(svg)
    assert "+862,50\u00a0€" in shown and "-300,00\u00a0€" in shown
    assert "3 membres sans changement ; 1 membre sans écart calculable" in " ".join(shown)
    assert chart.table.rows[0] == (
        "B — Tranches", "MISTRAL", f"400,00{NBSP}€", f"1{NNBSP}262,50{NBSP}€", f"+862,50{NBSP}€",
    )  # fmt: skip
    assert chart.table.headers == ("Barème", "Membre", "A", "Devient", "Écart")


def test_only_the_biggest_changes_are_drawn_with_a_note_for_the_others() -> None:
    moves = tuple(Move(f"M{i:02d}", 1000, 1000 + i * 100) for i in range(1, 13))
    chart = changes_chart("e", [Moves("B", moves)], "A", top=5)
    assert [row[1] for row in chart.table.rows] == ["M12", "M11", "M10", "M09", "M08"]
    assert "7 membres de plus changent moins" in " ".join(texts(parsed(chart)))


def test_the_charts_of_a_comparison_come_from_its_cents() -> None:
    flat = parse_schedule_text(
        "id: flat\nlabel: Forfait\nfiscal_year: 2027\nfee:\n  by_category:\n"
        '    producer: "400,00"\n    default: "20,00"\n',
        "flat.yaml",
    )
    share = parse_schedule_text(
        "id: share\nlabel: Quote-part\nfiscal_year: 2027\nfee:\n  by_category:\n"
        '    producer: {rate: {rate: "2 %", base: profit}}\n    default: "20,00"\n',
        "share.yaml",
    )

    def payer(code: str, category: str, profit: str | None = None) -> Payer:
        facts = {(FactKind.PROFIT, 2026): Decimal(profit)} if profit else {}
        return Payer(code, f"Membre {code}", category, date(2020, 1, 1), None, facts)

    comparison = compare(
        [flat, share],
        [payer("MISTRAL", "producer", "48000"), payer("CRAU", "producer"),
         payer("SAL01", "employee")],
    )  # fmt: skip
    totals, distribution, changes = comparison_charts(comparison)
    assert totals.table.rows == (
        ("A — Forfait (référence)", f"820,00{NBSP}€", ""),
        ("B — Quote-part", f"980,00{NBSP}€", "hors total : 1 membre sans données"),
    )
    assert ("sans données", "0", "1") in distribution.table.rows
    assert changes.table.rows == (
        ("B — Quote-part", "MISTRAL — Membre MISTRAL", f"400,00{NBSP}€", f"960,00{NBSP}€",
         f"+560,00{NBSP}€"),
    )  # fmt: skip
    assert "1 membre sans changement ; 1 membre sans écart calculable" in " ".join(
        texts(parsed(changes))
    )
    assert len({chart.id for chart in (totals, distribution, changes)}) == 3


def test_a_single_scenario_has_no_winners_and_losers_chart() -> None:
    flat = parse_schedule_text(
        'id: flat\nlabel: Forfait\nfiscal_year: 2027\nfee:\n  amount: "20,00"\n', "flat.yaml"
    )
    only = compare([flat], [Payer("SAL01", "Membre", "employee", date(2020, 1, 1), None, {})])
    assert [chart.title for chart in comparison_charts(only)] == [
        "Total appelé par barème",
        "Répartition des montants par barème",
    ]


@given(st.lists(st.integers(min_value=-(10**6), max_value=10**9), max_size=60))
def test_the_counts_by_band_are_those_of_band_holds(amounts: list[int]) -> None:
    ranges = bands(amounts)
    assert _counts(ranges, amounts) == [
        sum(1 for cents in amounts if band.holds(cents)) for band in ranges
    ]
