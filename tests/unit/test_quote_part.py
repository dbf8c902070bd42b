"""The quote-part: a budget split among the members in proportion to their profit.

The split is exact (integers, largest remainder), the interpreter and the fast path read the same
split, a complementary batch never splits the budget again among newcomers, and an issued call
explains its part from its own basis.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.calls.issuing import explain_call, plan_issue, pools_from_basis
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.comparison import compare
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.quote_part import compute_pools, split_cents
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.fees.vector import PayerTable, evaluate

SCHEDULE = """
id: quote-part
label: Quote-part de 1 000 €
fiscal_year: 2027
facts_year: N-1
adopted: {date: 2026-11-14, decision: "AG du 14 novembre 2026, résolution 2"}
fee:
  by_category:
    producer: &quote_part
      quote_part: {total: "1000,00", base: profit, pool: benefices}
    partner: *quote_part
    beneficiary: "0,00"
    default: "20,00"
"""


def member(code: str, profit: str | None, category: str = "producer") -> Payer:
    facts = {} if profit is None else {(FactKind.PROFIT, 2026): Decimal(profit)}
    return Payer(code, f"Membre {code}", category, date(2020, 1, 1), facts=facts)


FOUR = [
    member("A", "30000"),
    member("B", "20000", "partner"),
    member("C", "10000"),
    member("D", "-5000"),
    member("P", None, "volunteer"),
]


def test_four_members_one_at_a_loss_share_exactly_one_thousand_euros() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    pools = compute_pools(schedule, FOUR)
    amounts = {p.code: assess(schedule, p, pools).cents for p in FOUR}
    assert amounts == {"A": 50000, "B": 33333, "C": 16667, "D": 0, "P": 2000}
    assert amounts["A"] + amounts["B"] + amounts["C"] + amounts["D"] == 100000


def test_the_fast_path_gives_the_interpreters_amounts_for_a_quote_part() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    pools = compute_pools(schedule, FOUR)
    fast = evaluate(schedule, PayerTable.build(FOUR))
    assert fast.cents == [assess(schedule, p, pools).cents for p in FOUR]


def test_the_simulator_totals_the_budget_and_lists_the_whole_group_when_a_profit_is_missing() -> (
    None
):
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    complete = compare([schedule], FOUR).scenarios[0]
    assert complete.total_cents == 100000 + 2000
    waiting = compare([schedule], [*FOUR, member("E", None)]).scenarios[0]
    assert [m.code for m in waiting.missing] == ["A", "B", "C", "D", "E"]
    assert waiting.missing[0].describe() == "bénéfice 2026 de Membre E (quote-part)"
    assert waiting.total_cents == 2000  # only the volunteer's fixed amount


def test_without_the_whole_group_the_quote_part_is_reported_missing_never_guessed() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    alone = assess(schedule, FOUR[0])
    assert alone.cents is None
    assert (
        alone.missing[0].text
        == "répartition de la quote-part de 1\u202f000,00\xa0€ entre tous les membres"
    )


def test_a_complementary_batch_does_not_split_the_budget_again_among_the_newcomers() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    plan = plan_issue(schedule, FOUR, already_called={"A", "B", "P"})
    assert [(code, cents) for code, _, cents, _ in plan.lines] == [("C", 16667)]
    assert [p.code for p in plan.exempt] == ["D"]


def test_an_issued_call_explains_its_part_from_its_basis_alone() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    lines = plan_issue(schedule, FOUR, set()).lines
    code, _, cents, basis = next(line for line in lines if line[0] == "C")
    data = json.loads(basis)
    assert basis == json.dumps(data, ensure_ascii=False, sort_keys=True)
    assert data["quote_parts"] == {"benefices": [100000, 1000000, 6000000, 4, 16667, 1]}
    assert pools_from_basis(code, basis).share("benefices", "C") is not None
    explained = explain_call(schedule, code, basis, cents)
    assert (
        "10\u202f000,00\xa0€ sur 60\u202f000,00\xa0€ de bénéfices, soit 1/6" in explained.explain()
    )


def test_a_schedule_rounded_to_the_euro_splits_whole_euros() -> None:
    text = SCHEDULE.replace("facts_year: N-1", "facts_year: N-1\nrounding: euro")
    schedule = parse_schedule_text(text, "quote-part.yaml")
    pools = compute_pools(schedule, FOUR)
    amounts = [assess(schedule, p, pools).cents for p in FOUR[:4]]
    assert amounts == [50000, 33300, 16700, 0]


def test_a_group_where_nobody_made_a_profit_pays_nothing_and_says_so() -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    losses = [member("A", "-1"), member("B", "0", "partner")]
    pools = compute_pools(schedule, losses)
    result = assess(schedule, losses[1], pools)
    assert result.cents == 0
    assert "rien à répartir" in result.explain()


def test_two_quote_parts_with_one_pool_name_but_different_totals_are_refused() -> None:
    text = SCHEDULE.replace(
        "partner: *quote_part", 'partner: {quote_part: {total: "5,00", pool: benefices}}'
    )
    with pytest.raises(RuleError) as refused:
        parse_schedule_text(text, "quote-part.yaml")
    assert refused.value.path == "fee.by_category.partner.quote_part.pool"
    assert "une même quote-part a un seul total" in refused.value.reason


@pytest.mark.parametrize(
    ("written", "value"),
    [("1/60", Fraction(1, 60)), ("1/3 %", Fraction(1, 300)), (" 2 / 7 ‰", Fraction(2, 7000))],
)
def test_a_rate_may_be_written_as_an_exact_fraction(written: str, value: Fraction) -> None:
    fee = f'rate: {{rate: "{written}", base: profit}}'
    text = f"id: x\nlabel: X\nfiscal_year: 2027\nfee:\n  {fee}\n"
    assert parse_schedule_text(text, "x.yaml").fee.rate.value == value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "reason"),
    [("1/0", "dénominateur nul"), ("3/2", "plus de 100 %")],
)
def test_an_impossible_fraction_is_refused_with_its_key(written: str, reason: str) -> None:
    text = (
        f'id: x\nlabel: X\nfiscal_year: 2027\nfee:\n  rate: {{rate: "{written}", base: profit}}\n'
    )
    with pytest.raises(RuleError) as refused:
        parse_schedule_text(text, "x.yaml")
    assert refused.value.path == "fee.rate.rate"
    assert reason in refused.value.reason


@settings(max_examples=60, deadline=None)
@given(
    budget=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=0, max_value=10**11), min_size=1, max_size=30).filter(
        any
    ),
    unit=st.sampled_from([1, 100]),
)
def test_the_parts_sum_exactly_to_the_budget(budget: int, weights: list[int], unit: int) -> None:
    budget -= budget % unit
    parts = split_cents(budget, weights, unit)
    assert sum(parts) == budget
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert part % unit == 0
        # each part is within one unit of its exact share, and a zero weight gets nothing
        assert abs(Fraction(part) - Fraction(budget * weight, total)) < unit
        assert weight or part == 0


@settings(max_examples=30, deadline=None)
@given(
    profits=st.lists(
        st.integers(min_value=-(10**9), max_value=10**11), min_size=1, max_size=12
    ).filter(lambda values: any(v > 0 for v in values))
)
def test_any_registry_pays_exactly_the_budget_and_both_paths_agree(profits: list[int]) -> None:
    schedule = parse_schedule_text(SCHEDULE, "quote-part.yaml")
    payers = [
        member(f"M{i:03d}", str(Decimal(cents) / 100), "producer" if i % 2 else "partner")
        for i, cents in enumerate(profits)
    ]
    pools = compute_pools(schedule, payers)
    slow = [assess(schedule, p, pools).cents for p in payers]
    assert evaluate(schedule, PayerTable.build(payers)).cents == slow
    assert sum(c or 0 for c in slow) == 100000
    assert all(c == 0 for c, profit in zip(slow, profits, strict=True) if profit <= 0)
