"""Comparing fee schedules side by side, and the example grids of other networks.

Every expected amount here can be recomputed by hand from the YAML shown in the test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.comparison import (
    Comparison,
    burden_percent,
    compare,
    format_burden,
    format_difference,
    median_cents,
)
from gouvernance.domain.fees.documents import load_schedule, parse_schedule_text
from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.schedule import FeeSchedule

RULES = Path(__file__).resolve().parents[2] / "rules" / "fees"
NBSP, NNBSP = "\u00a0", "\u202f"

FLAT = """
id: flat
label: Forfait
fiscal_year: 2027
fee:
  by_category:
    producer: "400,00"
    beneficiary: "0,00"
    default: "20,00"
"""
SHARE = """
id: share
label: Quote-part
fiscal_year: 2027
fee:
  by_category:
    producer: {rate: {rate: "2 %", base: profit}, floor: "100,00"}
    beneficiary: "0,00"
    default: "20,00"
"""


def schedule(text: str, **changes: str) -> FeeSchedule:
    for old, new in changes.items():
        text = text.replace(old, new)
    return parse_schedule_text(text, "test.yaml")


def payer(
    code: str,
    category: str = "producer",
    *,
    joined: date = date(2020, 1, 1),
    left: date | None = None,
    year: int = 2026,
    **figures: str,
) -> Payer:
    facts = {(FactKind(kind), year): Decimal(value) for kind, value in figures.items()}
    return Payer(code, f"Membre {code}", category, joined, left, facts)


def base() -> list[Payer]:
    return [
        payer("MISTRAL", revenue="1262500", profit="48000"),
        payer("GARRIGUE", revenue="189300", profit="-6850"),
        payer("RESSOURCERIE", revenue="648900", profit="21730"),
        payer("CRAU", revenue="486000", year=2025),  # nothing for 2026
        payer("SAL01", "employee"),
        payer("BEN01", "beneficiary"),
    ]


def amounts(comparison: Comparison, position: int) -> dict[str, int | None]:
    return {line.code: line.cells[position].cents for line in comparison.members}


# --- Totals, counts, statistics ---------------------------------------------------------------


def test_a_scenario_total_is_the_exact_sum_of_its_member_amounts() -> None:
    comparison = compare([schedule(FLAT), schedule(SHARE)], base())
    for position, scenario in enumerate(comparison.scenarios):
        shown = [cents for cents in amounts(comparison, position).values() if cents is not None]
        assert scenario.total_cents == sum(shown)
    flat, share = comparison.scenarios
    assert flat.total_cents == 4 * 40000 + 2000  # four producers, one employee, one beneficiary
    # 2 % of 48 000 = 960 ; loss → floor 100 ; 2 % of 21 730 = 434,60 ; CRAU missing ; 20 ; 0
    assert share.total_cents == 96000 + 10000 + 43460 + 2000


def test_the_same_scenarios_give_the_same_result_twice_whatever_the_payer_order() -> None:
    schedules = [schedule(FLAT), schedule(SHARE)]
    first = compare(schedules, base())
    again = compare(schedules, list(reversed(base())))
    assert first == again
    assert [line.code for line in first.members] == sorted(line.code for line in first.members)


def test_members_charged_count_only_amounts_above_zero_and_the_stats_are_over_them() -> None:
    flat = compare([schedule(FLAT)], base()).scenarios[0]
    assert (flat.liable, flat.charged, flat.at_zero, len(flat.missing)) == (6, 5, 1, 0)
    assert (flat.minimum, flat.median, flat.maximum) == (2000, 40000, 40000)


@pytest.mark.parametrize(
    ("values", "median"),
    [
        ([], None),
        ([500], 500),
        ([300, 100, 200], 200),
        ([100, 200], 150),
        ([100, 201], 151),  # 150,5 centimes → 151 : arrondi au demi supérieur
        ([2000, 10000, 40000, 96000], 25000),
    ],
)
def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_amounts_rounded_half_up(
    values: list[int], median: int | None
) -> None:
    assert median_cents(values) == median


# --- Missing data and liability ---------------------------------------------------------------


def test_members_missing_data_are_listed_with_what_is_missing_and_left_out_of_the_totals() -> None:
    share = compare([schedule(SHARE)], base()).scenarios[0]
    assert [(m.code, m.describe()) for m in share.missing] == [("CRAU", "bénéfice 2026")]
    assert share.liable == 6
    assert share.charged + share.at_zero + len(share.missing) == share.liable


def test_a_missing_amount_is_never_counted_as_zero_in_the_member_line() -> None:
    comparison = compare([schedule(FLAT), schedule(SHARE)], base())
    crau = next(line for line in comparison.members if line.code == "CRAU")
    flat_cell, share_cell = crau.cells
    assert (flat_cell.cents, share_cell.cents) == (40000, None)
    assert [m.text for m in share_cell.missing] == ["bénéfice 2026"]
    assert share_cell.difference is None


def test_only_members_liable_in_a_schedules_period_are_in_it() -> None:
    next_year = schedule(
        FLAT, **{"id: flat": "id: flat-2028", "fiscal_year: 2027": "fiscal_year: 2028"}
    )
    people = [
        payer("LEFT", left=date(2027, 12, 31)),  # member until the last day of 2027
        payer("GONE", left=date(2026, 6, 30)),  # in neither period
        payer("NEW", joined=date(2028, 3, 1)),  # only in 2028
    ]
    comparison = compare([schedule(FLAT), next_year], people)
    assert [line.code for line in comparison.members] == ["LEFT", "NEW"]
    left, new = comparison.members
    assert [cell.liable for cell in left.cells] == [True, False]
    assert [cell.liable for cell in new.cells] == [False, True]
    assert new.cells[1].difference is None  # no reference amount to compare with
    assert [s.liable for s in comparison.scenarios] == [1, 1]
    assert [s.total_cents for s in comparison.scenarios] == [40000, 40000]


# --- Differences, burden, biggest changes -----------------------------------------------------


def test_differences_are_against_the_first_scenario_unless_another_reference_is_named() -> None:
    schedules = [schedule(FLAT), schedule(SHARE)]
    by_default = compare(schedules, base())
    mistral = next(line for line in by_default.members if line.code == "MISTRAL")
    assert [cell.difference for cell in mistral.cells] == [0, 96000 - 40000]
    named = compare(schedules, base(), reference_id="share")
    mistral = next(line for line in named.members if line.code == "MISTRAL")
    assert [cell.difference for cell in mistral.cells] == [40000 - 96000, 0]
    assert named.reference.id == "share"
    assert named.biggest_changes("share") == ()


def test_a_reference_outside_the_comparison_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput, match="« autre » ne fait pas partie de la comparaison"):
        compare([schedule(FLAT)], base(), reference_id="autre")


def test_a_schedule_named_twice_or_no_schedule_at_all_is_refused() -> None:
    with pytest.raises(InvalidInput, match="demandé deux fois"):
        compare([schedule(FLAT), schedule(FLAT)], base())
    with pytest.raises(InvalidInput, match="au moins un barème"):
        compare([], base())


def test_the_burden_is_the_exact_share_of_revenue_shown_with_two_french_decimals() -> None:
    comparison = compare([schedule(SHARE)], base())
    mistral = next(line for line in comparison.members if line.code == "MISTRAL")
    assert mistral.cells[0].burden == Fraction(960, 1262500)
    assert format_burden(mistral.cells[0].burden) == f"0,08{NBSP}%"


def test_the_burden_is_rounded_half_up_where_babel_would_round_to_even() -> None:
    assert burden_percent(Fraction(405, 100000)) == Decimal("0.41")  # 0,405 % → 0,41 %
    assert format_burden(Fraction(405, 100000)) == f"0,41{NBSP}%"
    assert format_burden(Fraction(125, 10)) == f"1{NNBSP}250,00{NBSP}%"
    assert format_burden(None) == ""


def test_there_is_no_burden_without_a_positive_revenue() -> None:
    people = [payer("NO-REVENUE", profit="1000"), payer("ZERO", revenue="0", profit="1000")]
    comparison = compare([schedule(SHARE)], people)
    assert [line.cells[0].burden for line in comparison.members] == [None, None]


def test_the_biggest_changes_rank_absolute_differences_and_break_ties_by_code() -> None:
    people = [
        payer("B-PLUS", profit="30000"),  # 600 → +200
        payer("A-PLUS", profit="30000"),  # 600 → +200, same change: A before B
        payer("LOSS", profit="-1"),  # floor 100 → -300
        payer("SAME", profit="20000"),  # 400 → 0: not a change
        payer("SAL01", "employee"),  # 20 → 20
    ]
    comparison = compare([schedule(FLAT), schedule(SHARE)], people, top=2)
    changes = comparison.biggest_changes("share")
    assert [(c.code, c.difference) for c in changes] == [("LOSS", -30000), ("A-PLUS", 20000)]
    assert (changes[0].reference_cents, changes[0].cents) == (40000, 10000)


def test_differences_are_written_with_their_sign() -> None:
    assert format_difference(56000) == f"+560,00{NBSP}€"
    assert format_difference(-30000) == f"-300,00{NBSP}€"
    assert format_difference(0) == f"0,00{NBSP}€"
    assert format_difference(None) == ""


def test_the_comparison_gives_every_member_the_step_by_step_engines_amount() -> None:
    demo = [load_schedule(path) for path in sorted((RULES / "demo").glob("*.yaml"))]
    people = [
        *base(),
        payer("VALLON", "public_body", population="4800"),
        payer("NEW", joined=date(2027, 7, 1), revenue="90000", profit="2000"),
        payer("OLD", left=date(2027, 3, 31), revenue="700000", profit="9000"),
    ]
    comparison = compare(demo, people)
    for line in comparison.members:
        person = next(p for p in people if p.code == line.code)
        for cell, each in zip(line.cells, demo, strict=True):
            assert cell.cents == assess(each, person).cents, (line.code, each.id)


# --- The example grids (rules/fees/exemples) --------------------------------------------------


def example(name: str) -> FeeSchedule:
    return load_schedule(RULES / "exemples" / f"{name}.yaml")


def test_every_example_grid_is_a_2027_schedule_with_a_fictional_reference() -> None:
    for path in sorted((RULES / "exemples").glob("*.yaml")):
        grid = load_schedule(path)
        assert grid.fiscal_year == 2027
        assert grid.label
        assert grid.reference.startswith("exemple inspiré d")


@pytest.mark.parametrize(
    ("revenue", "fee"),
    [
        ("0", 28000),
        ("499999.99", 28000),
        ("500000", 40000),  # « from: 500000 » : 0,08 % × 500 000
        ("620000", 49600),  # 0,08 % × 620 000
        ("65000000", 5200000),  # 0,08 % × 65 000 000 = 52 000 exactly: the cap itself
        ("80000000", 5200000),  # 64 000 capped at 52 000
    ],
)
def test_the_federation_grid_is_a_flat_fee_then_0_08_percent_capped_at_52000_euros(
    revenue: str, fee: int
) -> None:
    assert assess(example("federation"), payer("X", revenue=revenue)).cents == fee


def test_the_federation_variant_in_comments_is_a_working_grid_too() -> None:
    text = (RULES / "exemples" / "federation.yaml").read_text(encoding="utf-8")
    active = [
        '      - {to: "500000", amount: "280,00"}\n',
        '      - {from: "500000", rate: "0,08 %"}\n',
    ]
    for line in active:
        assert line in text
        text = text.replace(line, "")
    variant = text.replace(
        '      # - {to: "500000", amount: "400,00"}', '      - {to: "500000", amount: "400,00"}'
    )
    variant = variant.replace(
        '      # - {from: "500000", rate: "0,11 %"}', '      - {from: "500000", rate: "0,11 %"}'
    )
    grid = parse_schedule_text(variant, "variante.yaml")
    assert assess(grid, payer("X", revenue="100000")).cents == 40000
    assert assess(grid, payer("X", revenue="620000")).cents == 68200  # 0,11 % × 620 000


def test_the_federation_explains_the_bracket_and_the_cap() -> None:
    explained = assess(example("federation"), payer("X", revenue="80000000")).explain()
    assert f"0,08 % × 80{NNBSP}000{NNBSP}000,00{NBSP}€ = 64{NNBSP}000,00{NBSP}€" in explained
    assert f"plafonné à 52{NNBSP}000,00{NBSP}€" in explained


@pytest.mark.parametrize(
    ("revenue", "value_added", "fee"),
    [
        ("2000000", "500000", 200000),  # 3 000 vs 2 000 → the value added
        ("600000", "450000", 90000),  # 900 vs 1 800 → the revenue
    ],
)
def test_the_confederation_charges_the_lower_of_two_per_mille_rates(
    revenue: str, value_added: str, fee: int
) -> None:
    member = payer("X", revenue=revenue, value_added=value_added)
    assert assess(example("confederation"), member).cents == fee


def test_the_confederation_says_which_figure_is_missing_rather_than_taking_the_other() -> None:
    result = assess(example("confederation"), payer("X", revenue="2000000"))
    assert result.cents is None
    assert [m.text for m in result.missing] == ["valeur ajoutée 2026"]


@pytest.mark.parametrize(
    ("category", "margin", "fee"),
    [
        ("entrepreneur", "20000", 36000 + 270000),  # 30 × 12 + 13,5 % × 20 000
        ("minima_sociaux", "8000", 108000),  # exempt from the fixed part only
        ("entrepreneur", "-500", 36000),  # no margin, the fixed part stays
    ],
)
def test_the_cae_charges_30_euros_a_month_and_13_5_percent_of_gross_margin(
    category: str, margin: str, fee: int
) -> None:
    member = payer("X", category, year=2027, gross_margin=margin)
    assert assess(example("cae"), member).cents == fee


def test_the_cae_explains_the_exemption_of_the_fixed_part() -> None:
    member = payer("X", "minima_sociaux", year=2027, gross_margin="8000")
    explained = assess(example("cae"), member).explain()
    assert "part fixe : exonéré (personne aux minima sociaux)" in explained
    # The words around the rate are the engine's; the figures are what is pinned here.
    assert "13,5 % d" in explained
    assert f"marge brute 2027 (8{NNBSP}000,00{NBSP}€) = 1{NNBSP}080,00{NBSP}€" in explained
