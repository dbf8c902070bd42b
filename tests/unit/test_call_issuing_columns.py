"""Issuing from the registry's columns (``PayerTable.from_columns``, no ``Payer`` per member)
plans exactly what issuing from ``Payer`` objects plans: same calls, amounts, bases, members
missing or exempt — whatever the figures, names, dates, members already called, quote-part."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.calls.issuing import _hundredths_text, plan_issue
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Payer
from gouvernance.domain.fees.schedule import FeeSchedule
from gouvernance.domain.fees.vector import PayerColumns, PayerTable

BRACKETS = """
id: tranches
label: Tranches
fiscal_year: 2027
facts_year: N-1
prorata: month
adopted: {date: 2026-11-14, decision: AG du 14 novembre 2026}
fee:
  by_category:
    producer:
      brackets:
        base: revenue
        mode: single
        grid:
          - {to: "100000", amount: "150,00"}
          - {from: "100000", rate: "0,1 %"}
      floor: "150,00"
      cap: "2000,00"
    public_body: {per_unit: {amount: "0,10", base: population}, floor: "50,00"}
    beneficiary: "0,00"
    default: "20,00"
"""
QUOTE_PART = """
id: quote-part
label: Quote-part
fiscal_year: 2027
facts_year: N-1
adopted: {date: 2026-11-14, decision: AG du 14 novembre 2026}
fee:
  by_category:
    producer: {quote_part: {total: "1000,00", base: profit}}
    default: "20,00"
"""
SCHEDULES = [parse_schedule_text(BRACKETS, "t.yaml"), parse_schedule_text(QUOTE_PART, "q.yaml")]
KEYS = [(FactKind.REVENUE, 2026), (FactKind.POPULATION, 2026), (FactKind.PROFIT, 2026)]
CATEGORIES = ["producer", "public_body", "beneficiary", "employee"]
LABELS = {"producer": "Producteurs", "public_body": "Collectivités", "beneficiary": ""}


@st.composite
def registries(draw: st.DrawFn) -> list[Payer]:
    size = draw(st.integers(min_value=0, max_value=12))
    payers = []
    for number in range(size):
        category = draw(st.sampled_from(CATEGORIES))
        joined = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 900)))
        left = draw(st.none() | st.integers(0, 900).map(lambda d: date(2026, 1, 1) + timedelta(d)))
        facts = {
            key: Decimal(value).scaleb(-2)
            for key in KEYS
            if (value := draw(st.none() | st.integers(-(10**14), 10**14))) is not None
        }
        if draw(st.booleans()):  # beyond the int64 fast path: handed to the interpreter
            facts[KEYS[0]] = Decimal(draw(st.integers(2**62, 2**63 - 1))).scaleb(-2)
        payers.append(
            Payer(
                code=f"M{number:04d}",
                name=draw(st.text(max_size=12)),
                category=category,
                joined_on=joined,
                left_on=left,
                facts=facts,
                category_label=LABELS.get(category, category) or category,
            )
        )
    return payers


def columns_of(payers: list[Payer]) -> PayerColumns:
    """What ``SqlMemberRepository.payer_table`` reads, for these payers."""
    figures: dict[tuple[FactKind, int], tuple[list[int], list[int]]] = {k: ([], []) for k in KEYS}
    for row, payer in enumerate(payers):
        for key, value in payer.facts.items():
            figures[key][0].append(row)
            figures[key][1].append(int(value.scaleb(2)))
    return PayerColumns(
        codes=[p.code for p in payers],
        names=[p.name for p in payers],
        categories=[p.category for p in payers],
        labels=[p.category_label for p in payers],
        joined=[p.joined_on for p in payers],
        left=[p.left_on for p in payers],
        figures=figures,
    )


@settings(max_examples=150, deadline=None)
@given(payers=registries(), schedule=st.sampled_from(SCHEDULES), data=st.data())
def test_the_registry_in_columns_plans_what_the_payers_plan(
    payers: list[Payer], schedule: FeeSchedule, data: st.DataObject
) -> None:
    called = data.draw(st.sets(st.sampled_from([p.code for p in payers]))) if payers else set()
    table = PayerTable.from_columns(columns_of(payers))
    assert table.payers == tuple(payers)
    fast = plan_issue(schedule, table, called)
    slow = plan_issue(schedule, payers, called)
    assert fast.lines == slow.lines
    assert fast.missing == slow.missing
    assert fast.exempt == slow.exempt
    for basis in fast.bases:
        assert basis == json.dumps(json.loads(basis), ensure_ascii=False, sort_keys=True)


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_a_figure_in_hundredths_is_written_as_its_decimal(value: int) -> None:
    assert _hundredths_text(value) == str(Decimal(value).scaleb(-2))


def test_a_table_from_columns_makes_no_payer_until_asked() -> None:
    payer = Payer("M0001", "Ressourcerie", "producer", date(2020, 1, 1), None,
                  {KEYS[0]: Decimal("12345.67")}, "Producteurs")  # fmt: skip
    table = PayerTable.from_columns(columns_of([payer]))
    assert "payers" not in vars(table)
    assert plan_issue(SCHEDULES[0], table, set()).cents == [15000]
    assert "payers" not in vars(table)
    assert table.payer(0) == payer
