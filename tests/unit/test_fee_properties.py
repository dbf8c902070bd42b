"""Properties of the fee engine and of bracket grids, checked with Hypothesis.

Schedules are generated as the documents a YAML file would give (nested dicts and lists of
text), then read by the real parser: ``parse_schedule`` for random fee trees, and
``parse_schedule_text`` (YAML text) for the generated grids. Members are ``Payer`` objects whose
figures pass ``check_fact`` (a loss is possible, a negative headcount is not).

The generators write only documents the parser accepts: rates carry their unit (« 2 % »,
« 1,5 ‰ »), the last bracket of a grid is open, and floors and caps are whole euros when the
schedule rounds to the euro. What the parser refuses is checked separately.

What is checked, in the order of the module:

* a cap is never exceeded and a floor never undercut, on every node of a random fee tree
  (a floor only when the node is not exempt and its figures are present);
* a fee is a whole number of cents, never negative, whatever the prorata, credits, rounding;
  rounding to the euro keeps a fee within its (whole-euro) floor and cap, and a floor or cap in
  cents is refused when the schedule rounds to the euro;
* the same schedule and member always give the same amount and the same explanation, and the
  whole-base fast path (``vector.evaluate``) agrees with ``assess``;
* a member present the whole year pays the full amount under any prorata;
* a monthly fee counts the months of the schedule's period;
* a node is exempt as soon as one condition holds, even if another lacks its figure; a missing
  figure is reported only when no condition holds;
* a member at a loss pays no profit-based part above the floor;
* a marginal grid's amount never decreases when the base grows;
* in a validated grid every value from its start up is in exactly one bracket, and a value
  below its start pays nothing, « sous la première tranche »;
* any grid built with consistent bounds parses; a closed last bracket is refused; moving one
  side of one boundary by one cent, either way, or flipping whether that side includes the
  value, is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from gouvernance.domain.facts import FactKind, check_fact
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Payer, assess, evaluate_node, matches
from gouvernance.domain.fees.schedule import (
    FeeSchedule,
    Node,
    Prorata,
    RuleError,
    parse_schedule,
)
from gouvernance.domain.fees.vector import PayerTable, evaluate
from gouvernance.domain.money import format_amount, from_cents, to_cents

FISCAL_YEAR = 2027
FACTS_YEAR = 2026
PERIOD_START = date(FISCAL_YEAR, 1, 1)
PERIOD_END = date(FISCAL_YEAR, 12, 31)
CATEGORIES = ("producer", "partner", "employee", "beneficiary", "volunteer")
MONEY_BASES = ("revenue", "profit", "gross_margin", "value_added")
UNIT_BASES = ("headcount", "population")
SOURCE = "proprietes.yaml"

# Every test builds, parses and evaluates small documents; drawing a fee tree is what costs the
# most, so the tree-based tests run fewer examples. The whole module stays well under 20 s.
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
trees = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- Writing values as a schedule author would ------------------------------------------------


def money_text(cents: int) -> str:
    """« 1234,56 » : an amount as text, the way the schedules are written."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def bound_value(cents: int) -> str | int:
    """A bracket bound: a whole number of euros may be written bare (``500000``)."""
    return cents // 100 if cents % 100 == 0 else money_text(cents)


def cents_of(bound: str | int) -> int:
    """The cents of a bound written by ``bound_value``."""
    return bound * 100 if isinstance(bound, int) else to_cents(Decimal(bound.replace(",", ".")))


def schedule_document(fee: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "id": "proprietes",
        "label": "Barème généré",
        "fiscal_year": FISCAL_YEAR,
        "facts_year": "N-1",
        "fee": fee,
        **top,
    }


def read(fee: dict[str, Any], **top: Any) -> FeeSchedule:
    return parse_schedule(schedule_document(fee, **top), SOURCE)


# --- Strategies: amounts, rates, conditions ---------------------------------------------------

small_money = st.integers(min_value=0, max_value=500_000).map(money_text)  # up to 5 000 €
percent = st.integers(min_value=0, max_value=10_000).map(lambda bp: f"{money_text(bp)} %")
per_mille = st.integers(min_value=0, max_value=1_000).map(lambda t: f"{t // 10},{t % 10} ‰")
rates = st.one_of(percent, per_mille)


@st.composite
def floor_and_cap(draw: st.DrawFn, *, whole_euros: bool = False) -> dict[str, str]:
    """Optional ``floor`` and ``cap`` of one node, the floor never above the cap.

    ``whole_euros``: no cents, as a schedule rounded to the euro requires.
    """
    step = 100 if whole_euros else 1
    low, high = sorted(
        step * cents
        for cents in draw(st.lists(st.integers(0, 500_000 // step), min_size=2, max_size=2))
    )
    chosen: dict[str, str] = {}
    if draw(st.booleans()):
        chosen["floor"] = money_text(low)
    if draw(st.booleans()):
        chosen["cap"] = money_text(high)
    return chosen


conditions = st.one_of(
    st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True).map(
        lambda codes: {"category": codes}
    ),
    st.builds(
        lambda base, side, cents: {"base": base, side: money_text(cents)},
        st.sampled_from(MONEY_BASES),
        st.sampled_from(("below", "above")),
        st.integers(0, 10**8),
    ),
    st.builds(
        lambda base, side, count: {"base": base, side: str(count)},
        st.sampled_from(UNIT_BASES),
        st.sampled_from(("below", "above")),
        st.integers(0, 10_000),
    ),
)


# --- Strategies: grids ------------------------------------------------------------------------


@st.composite
def grid_rows(draw: st.DrawFn, *, marginal: bool = False) -> list[dict[str, Any]]:
    """The ``grid`` of a brackets node, consistent at every boundary.

    A boundary is written either « to » then « from » (the value belongs to the upper bracket)
    or « up_to » then « above » (it belongs to the lower one). The grid starts at 0 or at a
    value written with « from » or « above »; the last bracket is open, as the parser requires.
    """
    cuts = sorted(draw(st.lists(st.integers(1, 10**10), min_size=0, max_size=4, unique=True)))
    lower = draw(st.sampled_from(("implicit", "from", "above")))
    if lower == "implicit":
        start = 0
    else:
        start = draw(st.integers(0, cuts[0] - 1)) if cuts else draw(st.integers(0, 10**9))
    rows: list[dict[str, Any]] = [{} for _ in range(len(cuts) + 1)]
    if lower != "implicit":
        rows[0][lower] = bound_value(start)
    for i, cut in enumerate(cuts):
        upper_key, lower_key = draw(st.sampled_from((("to", "from"), ("up_to", "above"))))
        rows[i][upper_key] = bound_value(cut)
        rows[i + 1][lower_key] = bound_value(cut)
    for row in rows:
        if marginal or draw(st.booleans()):
            row["rate"] = draw(rates)
        else:
            row["amount"] = draw(small_money)
    return rows


def brackets(base: str, rows: list[dict[str, Any]], *, marginal: bool = False) -> dict[str, Any]:
    mode = "marginal" if marginal else "single"
    return {"brackets": {"base": base, "mode": mode, "grid": rows}}


def grid_yaml(rows: list[dict[str, Any]], *, marginal: bool = False) -> str:
    """The whole schedule as YAML text, bounds written bare or quoted like a person would."""
    document = schedule_document(brackets("revenue", rows, marginal=marginal))
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


# --- Strategies: fee trees --------------------------------------------------------------------


@st.composite
def grid_leaf(draw: st.DrawFn) -> dict[str, Any]:
    marginal = draw(st.booleans())
    return brackets(
        draw(st.sampled_from(MONEY_BASES)), draw(grid_rows(marginal=marginal)), marginal=marginal
    )


leaves = st.one_of(
    small_money.map(lambda a: {"amount": a}),
    st.integers(0, 50_000).map(lambda c: {"monthly": money_text(c)}),
    st.builds(lambda r, b: {"rate": {"rate": r, "base": b}}, rates, st.sampled_from(MONEY_BASES)),
    st.builds(
        lambda c, b: {"per_unit": {"amount": money_text(c), "base": b}},
        st.integers(0, 10_000),
        st.sampled_from(UNIT_BASES),
    ),
    grid_leaf(),
)


def with_modifiers(
    mechanism: st.SearchStrategy[dict[str, Any]], *, whole_euros: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda node, limits, exemptions: {
            **node,
            **limits,
            **({"exemptions": exemptions} if exemptions else {}),
        },
        mechanism,
        floor_and_cap(whole_euros=whole_euros),
        st.lists(conditions, max_size=2),
    )


def combinations(
    children: st.SearchStrategy[dict[str, Any]], *, whole_euros: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    listed = st.lists(children, min_size=2, max_size=3)
    by_category = st.builds(
        lambda chosen, default: {
            "by_category": {**chosen, **({"default": default} if default is not None else {})}
        },
        st.dictionaries(
            st.sampled_from(CATEGORIES), st.one_of(small_money, children), min_size=1, max_size=3
        ),
        st.one_of(st.none(), small_money, children),
    )
    return with_modifiers(
        st.one_of(
            listed.map(lambda c: {"minimum_of": c}),
            listed.map(lambda c: {"maximum_of": c}),
            listed.map(lambda c: {"sum": c}),
            by_category,
        ),
        whole_euros=whole_euros,
    )


def fee_trees_with(*, whole_euros: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        with_modifiers(leaves, whole_euros=whole_euros),
        lambda children: combinations(children, whole_euros=whole_euros),
        max_leaves=5,
    )


fee_trees = fee_trees_with(whole_euros=False)
# a schedule rounded to the euro refuses a floor or a cap in cents, anywhere in the tree
fee_trees_in_euros = fee_trees_with(whole_euros=True)


# --- Strategies: members ----------------------------------------------------------------------

_FIGURES: dict[FactKind, st.SearchStrategy[Decimal]] = {
    FactKind.REVENUE: st.integers(0, 10**10).map(from_cents),
    FactKind.PROFIT: st.integers(-(10**9), 10**9).map(from_cents),
    FactKind.GROSS_MARGIN: st.integers(-(10**8), 10**9).map(from_cents),
    FactKind.VALUE_ADDED: st.integers(-(10**8), 10**9).map(from_cents),
    FactKind.HEADCOUNT: st.integers(0, 50_000).map(from_cents),
    FactKind.POPULATION: st.integers(0, 2_000_000).map(Decimal),
    FactKind.IN_KIND_HOURS: st.integers(0, 200_000).map(from_cents),
    FactKind.IN_KIND_PREMISES: st.integers(0, 36_500).map(from_cents),
    FactKind.IN_KIND_EQUIPMENT: st.integers(0, 10**7).map(from_cents),
}


@st.composite
def figures(draw: st.DrawFn) -> dict[tuple[FactKind, int], Decimal]:
    """Some of the member's figures for the facts year; each one may be missing."""
    found: dict[tuple[FactKind, int], Decimal] = {}
    for kind, values in _FIGURES.items():
        if draw(st.integers(0, 5)) > 0:  # present five times out of six
            value = draw(values)
            check_fact(FACTS_YEAR, kind, value)
            found[(kind, FACTS_YEAR)] = value
    return found


days = st.integers(-800, 1_200).map(lambda d: PERIOD_START + timedelta(days=d))


@st.composite
def members(draw: st.DrawFn, *, whole_year: bool = False) -> Payer:
    if whole_year:
        joined = PERIOD_START - timedelta(days=draw(st.integers(0, 3_000)))
        left = draw(
            st.one_of(st.none(), st.integers(0, 800).map(lambda d: PERIOD_END + timedelta(d)))
        )
    else:
        joined = draw(days)
        stay = draw(st.one_of(st.none(), st.integers(0, 1_500)))
        left = None if stay is None else joined + timedelta(days=stay)
    return Payer(
        code="M1",
        name="Membre généré",
        category=draw(st.sampled_from(CATEGORIES)),
        joined_on=joined,
        left_on=left,
        facts=draw(figures()),
    )


schedule_options = st.fixed_dictionaries(
    {},
    optional={
        "prorata": st.sampled_from(("none", "day", "month")),
        "rounding": st.sampled_from(("cent", "euro")),
        "in_kind": st.fixed_dictionaries(
            {},
            optional={"hours": small_money, "premises": small_money, "equipment": percent},
        ),
    },
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fee tree and the schedule-wide options, valid together: whole-euro floors and caps
    when the schedule rounds to the euro."""
    options = draw(schedule_options)
    fee = draw(fee_trees_in_euros if options.get("rounding") == "euro" else fee_trees)
    return fee, options


def member_with(kind: FactKind, value: Decimal, name: str = "Membre") -> Payer:
    """A member of long standing whose only figure is ``kind`` for the facts year."""
    return Payer("M1", name, "producer", date(2020, 1, 1), None, {(kind, FACTS_YEAR): value})


def nodes(node: Node) -> Iterator[Node]:
    """The node and every node under it."""
    yield node
    for _, branch in node.by_category:
        yield from nodes(branch)
    if node.default is not None:
        yield from nodes(node.default)
    for child in node.children:
        yield from nodes(child)


def euros(cents: int) -> str:
    """An amount as the explanations write it (« 1 234,56 € », with Babel's spaces)."""
    return format_amount(from_cents(cents))


def number(text: str) -> Decimal:
    """A bound written by ``money_text`` (« 1234,56 ») or as a whole number (« 1234 »)."""
    return Decimal(text.replace(",", "."))


# --- Caps, floors, cents ----------------------------------------------------------------------


@trees
@given(fee=fee_trees, member=members())
def test_no_node_of_a_fee_ever_exceeds_its_cap(fee: dict[str, Any], member: Payer) -> None:
    for node in nodes(read(fee).fee):
        value = evaluate_node(node, member)
        if node.cap is not None and value.cents is not None:
            assert value.cents <= to_cents(node.cap), (node.path, value.step.render())


@trees
@given(fee=fee_trees, member=members())
def test_no_node_that_is_not_exempt_ever_falls_below_its_floor(
    fee: dict[str, Any], member: Payer
) -> None:
    for node in nodes(read(fee).fee):
        if node.floor is None or any(matches(c, member) is not False for c in node.exemptions):
            continue  # exempt, or its exemption needs a missing figure
        value = evaluate_node(node, member)
        if value.cents is not None:
            assert value.cents >= to_cents(node.floor), (node.path, value.step.render())


@trees
@given(document=documents(), member=members())
def test_a_fee_is_always_a_whole_number_of_cents_and_never_negative(
    document: tuple[dict[str, Any], dict[str, Any]], member: Payer
) -> None:
    fee, options = document
    result = assess(read(fee, **options), member)
    if result.cents is None:
        assert result.missing, "no amount and nothing reported missing"
        assert result.amount is None
        return
    assert isinstance(result.cents, int)
    assert result.cents >= 0, result.explain()
    assert result.amount == from_cents(result.cents)
    assert result.amount is not None and result.amount.as_tuple().exponent == -2
    if options.get("rounding") == "euro":
        assert result.cents % 100 == 0, result.explain()


money_leaves = st.one_of(
    st.builds(lambda r, b: {"rate": {"rate": r, "base": b}}, rates, st.sampled_from(MONEY_BASES)),
    grid_leaf(),
)


@fast
@given(
    mechanism=money_leaves,
    limits=floor_and_cap(whole_euros=True),
    member=members(whole_year=True),
)
def test_rounding_to_the_euro_keeps_a_fee_within_its_whole_euro_floor_and_cap(
    mechanism: dict[str, Any], limits: dict[str, str], member: Payer
) -> None:
    schedule = read({**mechanism, **limits}, rounding="euro")
    result = assess(schedule, member)
    assume(result.cents is not None)  # a missing figure: nothing to round
    assert result.cents is not None and result.cents % 100 == 0, result.explain()
    if schedule.fee.cap is not None:
        assert result.cents <= to_cents(schedule.fee.cap), result.explain()
    if schedule.fee.floor is not None:
        assert result.cents >= to_cents(schedule.fee.floor), result.explain()


# where the floor or cap sits, and the key path the refusal names
_PLACES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "fee": lambda node: node,
    "fee.sum[1]": lambda node: {"sum": [{"amount": "10,00"}, node]},
    "fee.by_category.producer": lambda node: {"by_category": {"producer": node, "default": "5"}},
}


@fast
@given(
    key=st.sampled_from(("floor", "cap")),
    cents=st.integers(0, 500_000).filter(lambda c: c % 100 != 0),
    place=st.sampled_from(sorted(_PLACES)),
)
def test_a_floor_or_cap_in_cents_is_refused_when_rounding_to_the_euro(
    key: str, cents: int, place: str
) -> None:
    fee = _PLACES[place]({"rate": {"rate": "2 %", "base": "profit"}, key: money_text(cents)})
    assert isinstance(read(fee), FeeSchedule)  # rounded to the cent, cents are fine
    with pytest.raises(RuleError) as refused:
        read(fee, rounding="euro")
    name = "le plancher" if key == "floor" else "le plafond"
    assert refused.value.path == f"{place}.{key}"
    assert refused.value.reason == (
        f"avec un arrondi à l'euro, {name} doit être un nombre entier d'euros ({euros(cents)})"
    )


def test_the_cap_that_rounding_to_the_euro_used_to_overshoot_is_refused() -> None:
    # 2 % of 48 000 € = 960 €, capped at 800,50 €, then rounded to 801 €: above the cap. Such a
    # cap is now refused; a whole-euro cap is kept after rounding.
    profit = member_with(FactKind.PROFIT, Decimal("48000"), "Mistral SCOP")
    with pytest.raises(RuleError) as refused:
        read({"rate": {"rate": "2 %", "base": "profit"}, "cap": "800,50"}, rounding="euro")
    assert refused.value.path == "fee.cap"
    schedule = read({"rate": {"rate": "2 %", "base": "profit"}, "cap": "800,00"}, rounding="euro")
    assert assess(schedule, profit).cents == 80_000


@trees
@given(document=documents(), member=members())
def test_the_same_schedule_and_member_always_give_the_same_amount_and_explanation(
    document: tuple[dict[str, Any], dict[str, Any]], member: Payer
) -> None:
    fee, options = document
    first = assess(read(fee, **options), member)
    again = assess(read(fee, **options), member)  # parsed anew, not a cached object
    assert (first.cents, first.missing, first.liable) == (again.cents, again.missing, again.liable)
    assert first.explain() == again.explain()
    assert first.summary() == again.summary()


@trees
@given(document=documents(), payers=st.lists(members(), min_size=1, max_size=3))
def test_the_whole_base_evaluation_agrees_with_the_member_by_member_one(
    document: tuple[dict[str, Any], dict[str, Any]], payers: list[Payer]
) -> None:
    fee, options = document
    schedule = read(fee, **options)
    outcome = evaluate(schedule, PayerTable.build(payers))
    expected = [assess(schedule, payer) for payer in payers]
    assert outcome.cents == [r.cents for r in expected]
    assert outcome.liable == [r.liable for r in expected]


# --- Prorata, losses --------------------------------------------------------------------------


@trees
@given(
    fee=fee_trees,
    prorata=st.sampled_from(("day", "month")),
    member=members(whole_year=True),
)
def test_a_member_of_the_whole_year_pays_the_full_amount_under_any_prorata(
    fee: dict[str, Any], prorata: str, member: Payer
) -> None:
    schedule = read(fee, prorata=prorata)
    assert schedule.prorata is Prorata(prorata)
    with_prorata = assess(schedule, member)
    without = assess(replace(schedule, prorata=Prorata.NONE), member)
    assert with_prorata.cents == without.cents
    assert with_prorata.explain() == without.explain()  # no « prorata temporis » line at all


@fast
@given(
    monthly=st.integers(0, 50_000),
    start=st.integers(0, 364).map(lambda d: PERIOD_START + timedelta(days=d)),
    length=st.integers(0, 730),
    prorata=st.sampled_from(("none", "day", "month")),
)
@example(monthly=3_000, start=PERIOD_START, length=180, prorata="none")  # 30 € × 6 mois
def test_a_monthly_fee_counts_the_months_of_the_schedule_period(
    monthly: int, start: date, length: int, prorata: str
) -> None:
    end = start + timedelta(days=length)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    schedule = read({"monthly": money_text(monthly)}, period=period, prorata=prorata)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    member = member_with(FactKind.REVENUE, Decimal(0))  # a member since 2020: the whole period
    result = assess(schedule, member)
    assert result.cents == monthly * months
    assert result.explain() == (
        f"{euros(monthly)} par mois × {months} mois = {euros(monthly * months)}"
    )


def holds(condition: dict[str, Any], member: Payer) -> bool | None:
    """Whether a condition, as written in the document, holds; ``None`` if its figure is missing."""
    if "category" in condition:
        return member.category in condition["category"]
    value = member.facts.get((FactKind(condition["base"]), FACTS_YEAR))
    if value is None:
        return None
    if "below" in condition:
        return value < number(condition["below"])
    return value > number(condition["above"])


@fast
@given(exemptions=st.lists(conditions, min_size=1, max_size=3), member=members(whole_year=True))
@example(
    exemptions=[{"base": "revenue", "below": "10000"}, {"category": ["beneficiary"]}],
    member=Payer("EPICE", "Épicerie paysanne", "beneficiary", date(2019, 3, 1)),
)
def test_a_member_is_exempt_as_soon_as_one_condition_holds(
    exemptions: list[dict[str, Any]], member: Payer
) -> None:
    result = assess(read({"amount": "120,00", "exemptions": exemptions}), member)
    verdicts = [holds(condition, member) for condition in exemptions]
    if True in verdicts:  # even when an earlier condition lacks its figure
        assert (result.cents, result.missing) == (0, ()), result.explain()
        assert result.explain().startswith("exonéré ("), result.explain()
        assert result.explain().endswith(f") → {euros(0)}"), result.explain()
    elif None in verdicts:  # no condition holds, one cannot be decided: its figure is missing
        unknown = exemptions[verdicts.index(None)]
        assert result.cents is None, result.explain()
        assert [(m.kind, m.year) for m in result.missing] == [(unknown["base"], FACTS_YEAR)]
    else:
        assert (result.cents, result.missing) == (12_000, ()), result.explain()
        assert result.explain() == f"montant fixe {euros(12_000)}"


loss_based = st.one_of(
    st.builds(lambda r: {"rate": {"rate": r, "base": "profit"}}, rates),
    grid_rows(marginal=True).map(lambda rows: brackets("profit", rows, marginal=True)),
)


@fast
@given(
    fee=st.builds(lambda node, limits: {**node, **limits}, loss_based, floor_and_cap()),
    loss=st.integers(-(10**9), 0).map(from_cents),
)
def test_a_member_at_a_loss_pays_no_profit_part_only_the_floor(
    fee: dict[str, Any], loss: Decimal
) -> None:
    schedule = read(fee)
    member = member_with(FactKind.PROFIT, loss, "Membre en perte")
    result = assess(schedule, member)
    floor = schedule.fee.floor
    assert result.cents == (0 if floor is None else to_cents(floor)), result.explain()


# --- Grids ------------------------------------------------------------------------------------


def boundary_values(schedule: FeeSchedule) -> list[int]:
    """Every bound of the grid, in cents: the values where a mistake would show."""
    grid = schedule.fee.grid
    return sorted(
        {to_cents(b.lower) for b in grid} | {to_cents(b.upper) for b in grid if b.upper is not None}
    )


@st.composite
def grid_and_values(draw: st.DrawFn, *, marginal: bool) -> tuple[FeeSchedule, list[int]]:
    """A parsed grid and base values around it: random ones and its bounds ± one cent."""
    schedule = read(brackets("profit", draw(grid_rows(marginal=marginal)), marginal=marginal))
    near = [v + d for v in boundary_values(schedule) for d in (-1, 0, 1)]
    anywhere = draw(st.lists(st.integers(-(10**9), 2 * 10**10), max_size=6))
    return schedule, near + anywhere


@fast
@given(case=grid_and_values(marginal=True))
def test_a_marginal_grid_never_charges_less_for_a_larger_base(
    case: tuple[FeeSchedule, list[int]],
) -> None:
    schedule, values = case
    charged = []
    for cents in sorted(values):
        member = member_with(FactKind.PROFIT, from_cents(cents))
        result = assess(schedule, member)
        assert result.cents is not None
        charged.append((cents, result.cents))
    for (low, low_fee), (high, high_fee) in pairwise(charged):
        assert low_fee <= high_fee, (
            f"{from_cents(low)} → {low_fee}, {from_cents(high)} → {high_fee}"
        )


@fast
@given(case=grid_and_values(marginal=False))
def test_every_value_inside_a_valid_grid_is_in_exactly_one_bracket(
    case: tuple[FeeSchedule, list[int]],
) -> None:
    schedule, values = case
    grid = schedule.fee.grid
    first = grid[0]
    assert grid[-1].upper is None  # the parser only accepts an open last bracket
    for cents in values:
        value = from_cents(cents)
        from_start = value > first.lower if first.lower_strict else value >= first.lower
        holding = [i for i, bracket in enumerate(grid) if bracket.contains(value)]
        assert len(holding) == (1 if from_start else 0), (value, holding)
        result = assess(schedule, member_with(FactKind.PROFIT, value))
        if not holding:
            assert result.cents == 0, result.explain()
            assert result.explain() == (
                f"bénéfice 2026 ({euros(cents)}) sous la première tranche → {euros(0)}"
            )
        elif grid[holding[0]].amount is not None:
            assert result.amount == grid[holding[0]].amount, result.explain()


@fast
@given(marginal=st.booleans(), data=st.data())
def test_any_grid_written_with_consistent_bounds_is_accepted_as_written(
    marginal: bool, data: st.DataObject
) -> None:
    rows = data.draw(grid_rows(marginal=marginal))
    schedule = parse_schedule_text(grid_yaml(rows, marginal=marginal), SOURCE)
    grid = schedule.fee.grid
    assert len(grid) == len(rows)
    for row, bracket in zip(rows, grid, strict=True):
        lower = row.get("from", row.get("above", 0))
        upper = row.get("to", row.get("up_to"))
        assert to_cents(bracket.lower) == cents_of(lower)
        assert bracket.lower_strict is ("above" in row)
        if upper is None:
            assert bracket.upper is None
        else:
            assert bracket.upper is not None and to_cents(bracket.upper) == cents_of(upper)
        assert bracket.upper_inclusive is ("up_to" in row)


@fast
@given(rows=grid_rows(), key=st.sampled_from(("to", "up_to")), beyond=st.integers(1, 10**9))
def test_a_grid_whose_last_bracket_is_closed_is_refused(
    rows: list[dict[str, Any]], key: str, beyond: int
) -> None:
    last = rows[-1]
    top = cents_of(last.get("from", last.get("above", 0))) + beyond
    last[key] = bound_value(top)
    with pytest.raises(RuleError) as refused:
        parse_schedule_text(grid_yaml(rows), SOURCE)
    assert refused.value.path == f"fee.brackets.grid[{len(rows) - 1}]"
    assert refused.value.reason == (
        f"la dernière tranche doit rester ouverte : au-delà de {euros(top)}, "
        "aucune tranche ne s'appliquerait"
    )


def _internal_boundaries(rows: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """For each boundary between brackets ``i`` and ``i + 1``: ``(i, upper key, lower key)``."""
    found = []
    for i in range(len(rows) - 1):
        upper = "to" if "to" in rows[i] else "up_to"
        lower = "from" if "from" in rows[i + 1] else "above"
        found.append((i, upper, lower))
    return found


@fast
@given(rows=grid_rows(), data=st.data())
def test_moving_one_side_of_a_boundary_by_one_cent_either_way_is_refused(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    boundaries = _internal_boundaries(rows)
    assume(boundaries)
    i, upper, lower = data.draw(st.sampled_from(boundaries))
    row, key = data.draw(st.sampled_from(((i, upper), (i + 1, lower))))
    shift = data.draw(st.sampled_from((-1, 1)))
    rows[row][key] = money_text(cents_of(rows[row][key]) + shift)
    with pytest.raises(RuleError) as refused:
        parse_schedule_text(grid_yaml(rows), SOURCE)
    assert refused.value.source == SOURCE
    assert refused.value.path.startswith("fee.brackets.grid["), refused.value.path


_OTHER_SIDE = {"to": "up_to", "up_to": "to", "from": "above", "above": "from"}


@fast
@given(rows=grid_rows(), data=st.data())
def test_flipping_whether_one_side_of_a_boundary_includes_the_value_is_refused(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    boundaries = _internal_boundaries(rows)
    assume(boundaries)
    i, upper, lower = data.draw(st.sampled_from(boundaries))
    row, key = data.draw(st.sampled_from(((i, upper), (i + 1, lower))))
    rows[row][_OTHER_SIDE[key]] = rows[row].pop(key)
    with pytest.raises(RuleError) as refused:
        parse_schedule_text(grid_yaml(rows), SOURCE)
    reason = refused.value.reason
    assert reason.startswith(("trou : ", "chevauchement : ")), reason
    assert refused.value.path == f"fee.brackets.grid[{i + 1}]"


# --- Rates, and the grid a former defect was found with ----------------------------------------


@fast
@given(
    written=st.one_of(st.integers(0, 100), st.integers(0, 10_000).map(money_text)),
    quoted=st.booleans(),
)
def test_a_rate_without_its_unit_is_refused_and_accepted_with_it(
    written: int | str, quoted: bool
) -> None:
    raw = str(written) if quoted else written
    with pytest.raises(RuleError) as refused:
        read({"rate": {"rate": raw, "base": "profit"}})
    assert refused.value.path == "fee.rate.rate"
    assert refused.value.reason.startswith(
        "écrivez le taux avec son unité, ex. « 2 % » ou « 1,5 ‰ »"
    )
    if 0 < number(str(written)) < 1:  # a fraction written bare: say what it is in percent
        assert f"({written} s'écrit « " in refused.value.reason
    for unit, divisor in (("%", 100), ("‰", 1000)):
        rate = read({"rate": {"rate": f"{written} {unit}", "base": "profit"}}).fee.rate
        assert rate is not None
        assert rate.value == Fraction(number(str(written))) / divisor
        assert rate.text == f"{written} {unit}"


def test_the_closed_grid_that_left_a_large_member_below_the_first_bracket_is_refused() -> None:
    # With a closed last bracket, 800 000 € of revenue fell outside the grid and was explained
    # as « sous la première tranche ». The grid is now refused; opened, it charges 400 €.
    grid: list[dict[str, Any]] = [
        {"to": "100000", "amount": "150,00"},
        {"from": "100000", "to": "500000", "amount": "400,00"},
    ]
    with pytest.raises(RuleError) as refused:
        read(brackets("revenue", grid))
    assert refused.value.path == "fee.brackets.grid[1]"
    del grid[-1]["to"]
    result = assess(
        read(brackets("revenue", grid)),
        member_with(FactKind.REVENUE, Decimal("800000"), "Mistral SCOP"),
    )
    assert result.amount == Decimal("400.00")
    assert "sous la première tranche" not in result.explain()
