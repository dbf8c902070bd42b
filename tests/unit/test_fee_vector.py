"""The fast path (``vector.evaluate``) gives, for every payer, exactly what the interpreter gives.

The interpreter (``engine.assess``) is the reference. Hypothesis writes random schedules the way
a person writes the YAML — every mechanism and modifier, nested, with prorata, in-kind credits
and rounding — and random payers (joining and leaving around the period, figures absent,
negative, on the bracket bounds, or near a hundred billion euros so that products overflow 64
bits), then compares the two paths payer by payer. Worked examples pin the demo schedules and
the bracket bounds at 500 000 €.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.schedule import FeeSchedule, Node, parse_schedule
from gouvernance.domain.fees.vector import PayerTable, evaluate

DEMO = Path(__file__).resolve().parents[2] / "rules" / "fees" / "demo"

CATEGORIES = ("producer", "partner", "public_body", "beneficiary", "person")
PAYER_CATEGORIES = (*CATEGORIES, "unlisted")  # « unlisted » has a branch only through default
MONEY_BASES = ("revenue", "profit", "gross_margin", "value_added")
UNIT_BASES = ("headcount", "population")
CENT = Decimal("0.01")
FISCAL_YEAR = 2027  # facts_year N-1: the figures of 2026, and of 2025 for « year: N-2 »

Document = dict[str, Any]


def euros(cents: int) -> str:
    """Cents written the way a treasurer types them: « 1234,56 »."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def written(value: Decimal) -> str:
    return format(value, "f")


# --- Strategies: shared values ------------------------------------------------------------------
# Bracket bounds, condition bounds and payer figures are drawn from the same few values (give or
# take a cent), so that figures fall exactly on bounds often enough to test « from » vs « above ».

MONEY_POOL = [Decimal(v) for v in ("0", "20", "-1000", "100000", "250000.50", "500000", "1000000")]
UNIT_POOL = {
    "headcount": [Decimal(v) for v in ("0", "1", "2.5", "10", "20")],
    "population": [Decimal(v) for v in ("0", "20", "1000", "5000")],
}
STEP = {"headcount": Decimal("0.01"), "population": Decimal(1)}


def hundredths(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


def near(pool: list[Decimal], step: Decimal) -> st.SearchStrategy[Decimal]:
    """A value of the pool, or one step either side of it."""
    return st.builds(lambda v, d: v + d * step, st.sampled_from(pool), st.sampled_from([-1, 0, 1]))


MONEY_BOUNDS = st.sampled_from(MONEY_POOL)
HEADCOUNT_BOUNDS = st.sampled_from(UNIT_POOL["headcount"])
POPULATION_BOUNDS = st.sampled_from(UNIT_POOL["population"])


def bound_values(base: str) -> st.SearchStrategy[Decimal]:
    """Bounds as the parser accepts them in a grid: cents, hundredths of a post, whole people."""
    if base == "population":
        return st.one_of(POPULATION_BOUNDS, POPULATION_BOUNDS, st.integers(0, 10**7).map(Decimal))
    if base == "headcount":
        return st.one_of(HEADCOUNT_BOUNDS, HEADCOUNT_BOUNDS, hundredths(0, 10**6))
    return st.one_of(MONEY_BOUNDS, MONEY_BOUNDS, hundredths(-(10**6), 10**11))


SUB_CENT = st.sampled_from([Decimal("-0.005"), Decimal("0.001"), Decimal("0.009")])


def condition_bounds(base: str) -> st.SearchStrategy[Decimal]:
    """A condition compares with any decimal bound, even in fractions of a cent — some next to
    the shared values, so that a figure lands on the cent just beyond."""
    return st.one_of(
        bound_values(base),
        st.builds(lambda v, d: v + d, MONEY_BOUNDS, SUB_CENT),
        st.integers(-(10**6), 10**9).map(lambda m: Decimal(m).scaleb(-3)),
    )


# --- Strategies: schedules ----------------------------------------------------------------------

amount_cents = st.one_of(
    st.sampled_from([0, 1, 50, 2000, 10000, 15000, 40000, 150000, 300000]),
    st.integers(0, 10**8),
    st.integers(10**12, 10**14 - 1),  # ten billion euros and more: products leave 64 bits
)
amounts = amount_cents.map(euros)


def percent(digits: int) -> st.SearchStrategy[str]:
    """A rate between 0 and 100 % written with ``digits`` decimals (up to 12: huge fractions)."""
    return st.integers(0, 100 * 10**digits).map(
        lambda n: written(Decimal(n).scaleb(-digits)).replace(".", ",") + " %"
    )


rates = st.one_of(
    st.sampled_from(["2 %", "0,1 %", "1,5 ‰", "100 %", "0 %", "12,5 %", "0,123456789 %"]),
    st.integers(0, 12).flatmap(percent),
)
years = st.sampled_from([None, None, "N-1", "N-2", 2026])


def with_year(spec: Document, year: object) -> Document:
    return spec if year is None else {**spec, "year": year}


@st.composite
def grids(draw: st.DrawFn, base: str, marginal: bool) -> list[Document]:
    """A contiguous grid from 0 or more, its last bracket open: each bound « to / from » or
    « up_to / above »."""
    size = draw(st.integers(1, 4))
    bounds = bound_values(base).map(abs)  # a grid starts at 0 or more
    cuts = sorted(draw(st.lists(bounds, min_size=size, max_size=size, unique=True)))
    rows: list[Document] = []
    for i in range(size):
        row: Document = {}
        if i == 0:
            first = draw(st.sampled_from(["from", "above", "omitted"]))
            if first != "omitted" or cuts[0] != 0:
                row["above" if first == "above" else "from"] = written(cuts[0])
        else:
            row["above" if "up_to" in rows[-1] else "from"] = written(cuts[i])
        if i < size - 1:
            row[draw(st.sampled_from(["to", "up_to"]))] = written(cuts[i + 1])
        if marginal or (base in MONEY_BASES and draw(st.booleans())):
            row["rate"] = draw(rates)
        else:
            row["amount"] = draw(amounts)
        rows.append(row)
    return rows


@st.composite
def conditions(draw: st.DrawFn) -> Document:
    if draw(st.booleans()):
        codes = draw(
            st.lists(st.sampled_from(PAYER_CATEGORIES), min_size=1, max_size=2, unique=True)
        )
        return {"category": codes[0] if len(codes) == 1 else codes}
    base = draw(any_bases)
    side = draw(st.sampled_from(["below", "above"]))
    return with_year({"base": base, side: written(draw(condition_bounds(base)))}, draw(years))


SIMPLE = ["amount", "monthly", "rate", "per_unit", "brackets", "brackets"]
NESTED = ["by_category", "minimum_of", "maximum_of", "sum"]
MECHANISM_CHOICES = [
    # the fee itself is more often a composition, as in real schedules; the tree stops at 3 levels
    st.sampled_from(SIMPLE + NESTED * 2 + ["by_category"]),
    st.sampled_from(SIMPLE + NESTED),
    st.sampled_from(SIMPLE),
]
money_bases = st.sampled_from(MONEY_BASES)
unit_bases = st.sampled_from(UNIT_BASES)
any_bases = st.sampled_from(MONEY_BASES + UNIT_BASES)
sometimes_amounts = st.one_of(st.none(), st.none(), amount_cents)
sometimes_whole_euros = st.one_of(st.none(), st.none(), amount_cents.map(lambda c: c // 100 * 100))


@st.composite
def nodes(draw: st.DrawFn, whole_euros: bool, depth: int = 0) -> Document:
    """One node of the fee tree, every mechanism reachable, nested up to three levels.

    With rounding to the euro, the parser wants floors and caps in whole euros.
    """
    mechanism = draw(MECHANISM_CHOICES[min(depth, 2)])
    spec: object
    if mechanism in ("amount", "monthly"):
        spec = draw(amounts)
    elif mechanism == "rate":
        base = draw(money_bases)
        spec = with_year({"rate": draw(rates), "base": base}, draw(years))
    elif mechanism == "per_unit":
        base = draw(unit_bases)
        spec = with_year({"amount": draw(amounts), "base": base}, draw(years))
    elif mechanism == "brackets":
        base = draw(any_bases)
        marginal = base in MONEY_BASES and draw(st.booleans())
        grid = draw(grids(base, marginal))
        mode = "marginal" if marginal else "single"
        spec = with_year({"base": base, "mode": mode, "grid": grid}, draw(years))
    elif mechanism == "by_category":
        codes = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=4, unique=True))
        spec = {
            code: draw(st.one_of(amounts, nodes(whole_euros, depth + 1)))
            for code in [*codes, *(["default"] if draw(st.booleans()) else [])]
        }
    else:
        spec = draw(st.lists(nodes(whole_euros, depth + 1), min_size=2, max_size=3))
    node: Document = {mechanism: spec}
    sometimes = sometimes_whole_euros if whole_euros else sometimes_amounts
    floor, cap = draw(sometimes), draw(sometimes)
    if floor is not None and cap is not None and floor > cap:
        floor, cap = cap, floor
    if floor is not None:
        node["floor"] = euros(floor)
    if cap is not None:
        node["cap"] = euros(cap)
    if draw(st.integers(0, 3)) == 0:
        node["exemptions"] = draw(st.lists(conditions(), min_size=1, max_size=3))
    return node


@st.composite
def schedules(draw: st.DrawFn) -> FeeSchedule:
    rounding = draw(st.sampled_from(["cent", "euro"]))
    document: Document = {
        "id": "test",
        "label": "Barème d'essai",
        "fiscal_year": FISCAL_YEAR,
        "facts_year": "N-1",
        "prorata": draw(st.sampled_from(["none", "day", "month"])),
        "rounding": rounding,
        "fee": draw(nodes(whole_euros=rounding == "euro")),
    }
    period = draw(
        st.sampled_from([None, None, ("2026-07-01", "2027-06-30"), ("1901-01-01", "2099-12-31")])
    )
    if period is not None:
        document["period"] = {"start": period[0], "end": period[1]}
    if draw(st.booleans()):
        credits = draw(
            st.fixed_dictionaries(
                {}, optional={"hours": amounts, "premises": amounts, "equipment": rates}
            )
        )
        if credits:
            document["in_kind"] = credits
    return parse_schedule(document, "test.yaml")


# --- Strategies: payers -------------------------------------------------------------------------

money_figures = st.one_of(
    near(MONEY_POOL, Decimal("0.01")),
    MONEY_BOUNDS.map(abs),  # exactly on a bound (grids use the absolute values)
    MONEY_BOUNDS,
    st.sampled_from(["99999999999.99", "100000000000", "999999999999.99"]).map(Decimal),
    hundredths(-(10**7), 10**9),
    hundredths(-(10**7), -1),  # a loss
    hundredths(10**12, 10**14 - 1),  # ten billion to a thousand billion euros
)
FIGURES: dict[FactKind, st.SearchStrategy[Decimal]] = {
    FactKind.REVENUE: money_figures,
    FactKind.PROFIT: money_figures,
    FactKind.GROSS_MARGIN: money_figures,
    FactKind.VALUE_ADDED: money_figures,
    FactKind.HEADCOUNT: st.one_of(
        near(UNIT_POOL["headcount"], STEP["headcount"]),
        hundredths(0, 10**5),
        hundredths(-500, 0),  # not a valid fact, but the interpreter takes it: so must we
        hundredths(0, 10**13),
    ),
    FactKind.POPULATION: st.one_of(
        near(UNIT_POOL["population"], STEP["population"]),
        st.integers(0, 10**6).map(Decimal),
        st.integers(10**10, 10**11).map(Decimal),
    ),
    FactKind.IN_KIND_HOURS: st.one_of(
        st.just(Decimal(0)), hundredths(0, 10**5), hundredths(-100, 100)
    ),
    FactKind.IN_KIND_PREMISES: hundredths(0, 400),
    FactKind.IN_KIND_EQUIPMENT: st.one_of(hundredths(0, 10**8), hundredths(0, 10**14 - 1)),
}
FACT_KEYS = [(kind, 2026) for kind in FactKind] + [
    (kind, 2025) for kind in FactKind if kind.value in MONEY_BASES + UNIT_BASES
]

membership_dates = st.one_of(
    st.just(date(2020, 1, 1)),
    st.dates(date(2026, 6, 1), date(2027, 12, 31)),
    st.dates(date(2025, 6, 1), date(2028, 6, 30)),
)


leaving_dates = st.one_of(st.none(), st.none(), st.dates(date(2026, 6, 1), date(2028, 6, 30)))
absent_facts = st.sets(st.sampled_from(FACT_KEYS), max_size=4)
payer_categories = st.sampled_from(PAYER_CATEGORIES)


@st.composite
def payers(draw: st.DrawFn, figures: dict[FactKind, st.SearchStrategy[Decimal]] = FIGURES) -> Payer:
    absent = draw(absent_facts)
    facts = {key: draw(figures[key[0]]) for key in FACT_KEYS if key not in absent}
    category = draw(payer_categories)
    code = f"m{len(facts)}"
    return Payer(code, code, category, draw(membership_dates), draw(leaving_dates), facts)


member_bases = st.lists(payers(), min_size=3, max_size=12)


def bounds_of(node: Node) -> set[Decimal]:
    """Every bracket and condition bound in a fee tree."""
    found = {c.below if c.below is not None else c.above for c in node.exemptions}
    for bracket in node.grid:
        found |= {bracket.lower} | ({bracket.upper} if bracket.upper is not None else set())
    for child in (*node.children, *(b for _, b in node.by_category), node.default):
        if child is not None:
            found |= bounds_of(child)
    return {b for b in found if b is not None}


@st.composite
def cases(
    draw: st.DrawFn, figures: dict[FactKind, st.SearchStrategy[Decimal]] = FIGURES
) -> tuple[FeeSchedule, list[Payer]]:
    """A schedule, then payers whose figures often sit on its own bounds (rounded to the cent
    both ways), or a cent away."""
    schedule = draw(schedules())
    cents = {
        b.quantize(CENT, r) for b in bounds_of(schedule.fee) for r in (ROUND_FLOOR, ROUND_CEILING)
    }
    around = sorted({c + d for c in cents for d in (-CENT, 0, CENT)})
    if around:
        on_bounds = st.sampled_from(around)
        figures = {kind: st.one_of(f, on_bounds, on_bounds) for kind, f in figures.items()}
    return schedule, draw(st.lists(payers(figures), min_size=3, max_size=12))


@st.composite
def bound_cases(draw: st.DrawFn) -> tuple[FeeSchedule, list[Payer]]:
    """A grid at the top of the fee (maybe with exemptions), and payers whose one figure sits on
    its bounds or a cent away: where « from » and « above », « to » and « up_to » differ."""
    base = draw(any_bases)
    marginal = base in MONEY_BASES and draw(st.booleans())
    fee: Document = {"brackets": {"base": base, "mode": "marginal" if marginal else "single"}}
    fee["brackets"]["grid"] = draw(grids(base, marginal))
    if draw(st.booleans()):
        side = draw(st.sampled_from(["below", "above"]))
        fee["exemptions"] = [{"base": base, side: written(draw(condition_bounds(base)))}]
    schedule = schedule_of(fee)
    edges = {
        b.quantize(CENT, r) for b in bounds_of(schedule.fee) for r in (ROUND_FLOOR, ROUND_CEILING)
    }
    figures = st.sampled_from(sorted({e + d for e in edges for d in (-CENT, 0, CENT)}))
    values = draw(st.lists(figures, min_size=1, max_size=12))
    kind = FactKind(base)
    return schedule, [
        Payer(f"m{i}", "Membre", "producer", date(2020, 1, 1), None, {(kind, 2026): value})
        for i, value in enumerate(values)
    ]


thousandths = st.integers(-(10**6), 10**9).map(lambda m: Decimal(m).scaleb(-3))
odd_forms = st.sampled_from(["1E+2", "5E+1", "-0", "0E-5", "0.10", "NaN", "-Infinity"]).map(Decimal)
ODD_FIGURES = {
    kind: st.one_of(figures, thousandths, odd_forms) for kind, figures in FIGURES.items()
}


# --- Comparing the two paths --------------------------------------------------------------------


def outcome(compute: Callable[[], Any]) -> Any:
    """The result, or the kind of error raised: an error must be the same in both paths."""
    try:
        return compute()
    except (ValueError, ArithmeticError) as error:
        return type(error)


def assert_same(schedule: FeeSchedule, members: list[Payer], *, errors: bool = False) -> None:
    """Same cents and liability for every payer; with ``errors``, the interpreter may refuse a
    figure it cannot read — then the fast path must refuse it too, with the same error."""
    table = PayerTable.build(members)
    fast = outcome(lambda: evaluate(schedule, table))
    reference = outcome(lambda: [assess(schedule, payer) for payer in members])
    if isinstance(reference, type):
        assert errors, f"the interpreter raised {reference.__name__} on ordinary figures"
        assert fast is reference
        return
    assert fast.cents == [r.cents for r in reference]
    assert fast.liable == [r.liable for r in reference]


PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(case=cases())
def test_the_fast_path_charges_every_payer_what_the_interpreter_charges(
    case: tuple[FeeSchedule, list[Payer]],
) -> None:
    assert_same(*case)


@settings(PROPERTY, max_examples=200)
@given(case=bound_cases())
def test_a_figure_on_a_bound_falls_where_the_interpreter_puts_it(
    case: tuple[FeeSchedule, list[Payer]],
) -> None:
    assert_same(*case)


@settings(PROPERTY, max_examples=60)
@given(case=cases(ODD_FIGURES))
def test_a_figure_in_thousandths_or_an_odd_form_gets_the_interpreters_answer_or_error(
    case: tuple[FeeSchedule, list[Payer]],
) -> None:
    assert_same(*case, errors=True)


@settings(PROPERTY, max_examples=40)
@given(schedule=schedules(), members=member_bases)
def test_one_table_serves_many_schedules_in_any_order(
    schedule: FeeSchedule, members: list[Payer]
) -> None:
    table = PayerTable.build(members)
    demo = load_demo()
    for each in [schedule, *demo, schedule]:
        assert evaluate(each, table).cents == [assess(each, p).cents for p in members]
    assert len(table) == len(members)
    assert table.payers == tuple(members)


# --- Examples -----------------------------------------------------------------------------------


def load_demo() -> list[FeeSchedule]:
    return [
        parse_schedule(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        for path in sorted(DEMO.glob("*.yaml"))
    ]


def member(
    category: str = "producer",
    joined: date = date(2020, 1, 1),
    left: date | None = None,
    **figures: str,
) -> Payer:
    facts = {(FactKind(kind), 2026): Decimal(value) for kind, value in figures.items()}
    return Payer(f"m{len(figures)}", "Membre", category, joined, left, facts)


def fees(schedule: FeeSchedule, members: list[Payer]) -> list[int | None]:
    """The fast path's cents, after checking they are the interpreter's."""
    assert_same(schedule, members)
    return evaluate(schedule, PayerTable.build(members)).cents


def test_the_three_demo_schedules_agree_on_a_varied_member_base() -> None:
    members = [
        member(revenue="480000", profit="48000", population="12000"),
        member("partner", revenue="99999.99", profit="-3000"),
        member("partner", revenue="500000", profit="120000", in_kind_hours="40"),
        member("public_body", population="35000"),
        member("public_body"),
        member("beneficiary"),
        member("person", joined=date(2027, 4, 15)),
        member("producer", joined=date(2027, 3, 1), left=date(2027, 9, 30), revenue="2500000.55"),
        member("producer", left=date(2026, 12, 31), revenue="1000000"),
        member("producer", profit="99999999999.99", revenue="99999999999.99"),
        member("unlisted"),
    ]
    for schedule in load_demo():
        assert_same(schedule, members)


def test_a_non_member_owes_nothing_even_without_figures() -> None:
    [schedule] = [s for s in load_demo() if s.id == "demo-bareme-ca"]
    gone = member(left=date(2026, 12, 31))
    table = PayerTable.build([gone])
    assert evaluate(schedule, table).cents == [0]
    assert evaluate(schedule, table).liable == [False]
    assert assess(schedule, gone).cents == 0


def schedule_of(fee: Document, **options: object) -> FeeSchedule:
    document = {"id": "t", "label": "t", "fiscal_year": FISCAL_YEAR, "fee": fee, **options}
    return parse_schedule(document, "t.yaml")


def single_grid(lower_key: str, upper_key: str) -> FeeSchedule:
    grid = [
        {upper_key: "500000", "amount": "100,00"},
        {lower_key: "500000", "amount": "200,00"},
    ]
    fee = {"brackets": {"base": "revenue", "grid": grid}}
    return schedule_of(fee)


AROUND_500000 = [member(revenue=v) for v in ("499999.99", "500000", "500000.01")]


def test_500000_belongs_to_the_upper_bracket_with_to_and_from() -> None:
    assert fees(single_grid("from", "to"), AROUND_500000) == [10000, 20000, 20000]


def test_500000_belongs_to_the_lower_bracket_with_up_to_and_above() -> None:
    assert fees(single_grid("above", "up_to"), AROUND_500000) == [10000, 10000, 20000]


def test_a_value_below_the_first_bracket_is_worth_nothing() -> None:
    grid = [
        {"above": "0", "to": "500000", "amount": "50,00"},
        {"from": "500000", "rate": "1 %"},
    ]
    schedule = schedule_of({"brackets": {"base": "profit", "grid": grid}})
    members = [member(profit=v) for v in ("-10", "0", "0.01", "500000", "600000.01")]
    assert fees(schedule, members) == [0, 0, 5000, 500000, 600000]


def test_a_loss_gives_no_proportional_part() -> None:
    schedule = schedule_of({"rate": {"rate": "2 %", "base": "profit"}})
    members = [member(profit=v) for v in ("-5000", "-0.01", "0", "0.25", "0.24")]
    assert fees(schedule, members) == [0, 0, 0, 1, 0]


def test_a_marginal_grid_rounds_each_part_on_its_own_at_the_500000_bound() -> None:
    fee = {
        "brackets": {
            "base": "revenue",
            "mode": "marginal",
            "grid": [{"to": "500000", "rate": "0,1 %"}, {"from": "500000", "rate": "0,05 %"}],
        }
    }
    schedule = schedule_of(fee)
    members = [member(revenue=v) for v in ("499999.99", "500000", "500000.01", "500010.01", "-5")]
    # 499 999,99 × 0,1 % = 500,00 (499,99999 rounded); 10,01 × 0,05 % = 0,005 → 0,01.
    assert fees(schedule, members) == [50000, 50000, 50000, 50001, 0]


def test_products_beyond_64_bits_are_computed_exactly() -> None:
    fee = {
        "sum": [
            {"rate": {"rate": "0,123456789123 %", "base": "revenue"}},
            {"per_unit": {"amount": "999999999,99", "base": "population"}},
        ]
    }
    schedule = schedule_of(fee, prorata="day")
    members = [
        member(revenue="999999999999.99", population="0"),
        member(revenue="99999999999.99", population="99999999999", joined=date(2027, 5, 5)),
        member(revenue="1234.56", population="3"),
    ]
    cents = fees(schedule, members)
    assert cents[1] is not None and cents[1] > 2**63  # 10**22 cents: beyond int64, still exact


def test_an_exemption_that_holds_wins_over_a_condition_lacking_its_figure() -> None:
    fee = {
        "rate": {"rate": "2 %", "base": "profit"},
        "exemptions": [{"base": "revenue", "below": "1000"}, {"category": "beneficiary"}],
        "floor": "100,00",
    }
    members = [
        member("beneficiary"),  # no revenue, but a beneficiary: exempt
        member(revenue="999.99"),  # exempt, the missing profit does not count
        member(revenue="1000"),  # not exempt, profit missing
        member(profit="10"),  # revenue missing: cannot tell
        member(revenue="5000", profit="-20"),  # a loss: 0, then the floor
    ]
    assert fees(schedule_of(fee), members) == [0, 0, None, None, 10000]


def test_a_condition_bound_in_fractions_of_a_cent_is_compared_exactly() -> None:
    figures = ("1000", "1000.01")
    above = schedule_of(
        {"amount": "50,00", "exemptions": [{"base": "revenue", "above": "1000.005"}]}
    )
    below = schedule_of(
        {"amount": "50,00", "exemptions": [{"base": "revenue", "below": "1000.005"}]}
    )
    assert fees(above, [member(revenue=v) for v in figures]) == [5000, 0]
    assert fees(below, [member(revenue=v) for v in figures]) == [0, 5000]


def test_a_fixed_category_amount_still_gets_its_floor_and_cap() -> None:
    fee = {
        "by_category": {
            "producer": {"amount": "10,00", "floor": "20,00"},
            "partner": {"monthly": "100,00", "cap": "1000,00"},
            "default": {"amount": "30,00", "floor": "25,00", "cap": "28,00"},
        }
    }
    members = [member("producer"), member("partner"), member("person")]
    assert fees(schedule_of(fee), members) == [2000, 100000, 2800]


def test_a_monthly_amount_counts_the_months_of_the_period() -> None:
    period = {"start": "2027-01-01", "end": "2027-06-30"}
    schedule = schedule_of({"monthly": "10,00"}, period=period, prorata="month")
    members = [member(), member(joined=date(2027, 6, 30)), member(joined=date(2027, 7, 1))]
    assert fees(schedule, members) == [6000, 1000, 0]


def test_a_negative_quantity_gives_a_negative_fee_rounded_away_from_zero() -> None:
    schedule = schedule_of(
        {"per_unit": {"amount": "10,00", "base": "headcount"}}, prorata="day", rounding="euro"
    )
    members = [
        member(headcount="-2.55"),
        member(headcount="-2.55", joined=date(2027, 7, 1)),
        member(headcount="-2.55", in_kind_hours="0"),
    ]
    # −25,50 € → −26 € ; −25,50 × 184/365 = −12,854… → −12,85 → −13 €.
    assert fees(schedule, members) == [-2600, -1300, -2600]
    credited = schedule_of(
        {"per_unit": {"amount": "10,00", "base": "headcount"}}, in_kind={"hours": "15,00"}
    )
    # A declared contribution brings the fee back to 0 at least; a zero one is not declared.
    assert fees(credited, members) == [-2550, -2550, -2550]
    assert fees(credited, [member(headcount="-2.55", in_kind_hours="0.01")]) == [0]


def test_in_kind_credits_never_make_the_fee_negative() -> None:
    schedule = schedule_of(
        {"amount": "300,00"}, in_kind={"hours": "15,00", "equipment": "50 %"}, rounding="euro"
    )
    members = [
        member(in_kind_hours="12.5"),
        member(in_kind_hours="100"),
        member(in_kind_equipment="0.01"),
        member(in_kind_hours="0"),
        member(in_kind_equipment="101.01"),
    ]
    assert fees(schedule, members) == [11300, 0, 30000, 30000, 24900]


@pytest.mark.parametrize("prorata", ["day", "month"])
def test_prorata_counts_the_days_or_months_of_membership(prorata: str) -> None:
    schedule = schedule_of({"amount": "365,00"}, prorata=prorata)
    members = [
        member(joined=date(2027, 7, 1)),
        member(left=date(2027, 1, 31)),
        member(joined=date(2027, 12, 31)),
        member(joined=date(2027, 1, 1)),
        member(joined=date(2028, 1, 1)),
    ]
    expected = {"day": [18400, 3100, 100, 36500, 0], "month": [18250, 3042, 3042, 36500, 0]}
    assert fees(schedule, members) == expected[prorata]
