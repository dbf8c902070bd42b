"""The quote-part on a real registry, on SQLite and PostgreSQL: the board simulates it, a member's
explanation reads the whole registry, the treasurer issues the calls, and each call's letter
explanation gives back its part — « 20 000,00 € sur 60 000,00 € de bénéfices, soit 1/3 ».

Four producers with 2026 profits of 30 000, 20 000, 10 000 and −5 000 € share 1 000,00 €:
500,00 + 333,33 + 166,67 + 0,00 (the left-over cent goes to the largest remainder, 2/3 of a cent).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.siren import luhn_complete
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.contributions import fees
from gouvernance.services.demo_data.demo import load_demo
from gouvernance.services.ledger import calls
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
TREASURER = Actor("tresorier", Role.TREASURER)

RULES = """\
id: quote-part-essai
label: Quote-part de 1 000 € proportionnelle aux bénéfices
adopted:
  date: 2026-11-14
  decision: AG du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
fee:
  by_category:
    producer:
      label: quote-part
      quote_part: {total: "1000,00", base: profit}
    default: "20,00"
"""
PROFITS = ("30000", "20000", "10000", "-5000")


@pytest.fixture
def quote_part(app: Application, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    folder = tmp_path / "regles"
    folder.mkdir()
    (folder / "quote-part.yaml").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("GOUVERNANCE_RULES_DIR", str(folder))
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-01")
    codes = []
    for i, profit in enumerate(PROFITS):
        draft = MemberDraft(
            kind=PersonKind.LEGAL,
            category="producer",
            joined_on=date(2019, 6, 1),
            name=f"Structure {'ABCD'[i]}",
            siren=luhn_complete(f"7328294{i}"),
        )
        code = members.create_member(app.uows, SYSTEM, draft).code
        members.record_facts(app.uows, SYSTEM, code, 2026, {FactKind.PROFIT: Decimal(profit)})
        codes.append(code)
    return codes


def test_the_board_simulates_the_quote_part_and_the_parts_sum_to_the_budget(
    app: Application, quote_part: list[str]
) -> None:
    comparison = fees.simulate(app.uows, BOARD, ["quote-part-essai"])
    assert comparison.scenarios[0].total_cents == 100000
    by_code = {line.code: line.cells[0].cents for line in comparison.members}
    assert [by_code[code] for code in quote_part] == [50000, 33333, 16667, 0]


def test_one_members_explanation_reads_the_whole_registry(
    app: Application, quote_part: list[str]
) -> None:
    (assessment,) = fees.explain(app.uows, BOARD, quote_part[1], ["quote-part-essai"])
    assert assessment.cents == 33333
    assert (
        "20\u202f000,00\xa0€ sur 60\u202f000,00\xa0€ de bénéfices, soit 1/3 de 1\u202f000,00\xa0€ "
        "= 333,33\xa0€" in assessment.summary()
    )


def test_issued_calls_keep_their_part_and_explain_it_from_the_call_alone(
    app: Application, quote_part: list[str]
) -> None:
    result = calls.issue_calls(
        app.uows, TREASURER, "quote-part-essai", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 15),
    )  # fmt: skip
    assert result.batch.call_count == 3
    assert result.exempt == (quote_part[3],)
    page = calls.list_calls(app.uows, TREASURER, calls.CallQuery(fiscal_year=2027))
    amounts = {view.member_code: view.cents for view in page.items}
    assert amounts == {quote_part[0]: 50000, quote_part[1]: 33333, quote_part[2]: 16667}
    assert sum(amounts.values()) == 100000
    # A figure changed after the issue changes nothing in the call nor in its explanation.
    members.record_facts(app.uows, SYSTEM, quote_part[2], 2026, {FactKind.PROFIT: Decimal(1)})
    third = next(view for view in page.items if view.member_code == quote_part[2])
    detail = calls.call_detail(app.uows, TREASURER, third.reference)
    assert "soit 1/6 de 1\u202f000,00\xa0€ = 166,67\xa0€" in detail.summary
    assert "plus un centime au plus fort reste" in detail.summary


def test_the_ptce_example_splits_one_thousand_euros_among_the_demo_producers(
    app: Application,
) -> None:
    load_demo(app.uows)
    comparison = fees.simulate(app.uows, BOARD, ["exemple-quote-part-ptce"])
    scenario = comparison.scenarios[0]
    assert not scenario.missing, [m.describe() for m in scenario.missing]
    producers = [
        line.cells[0].cents or 0 for line in comparison.members if line.category == "producer"
    ]
    assert sum(producers) == 100000
