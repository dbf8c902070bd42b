"""Answers kept under a version of what they read (``services/memo.py``).

The board's simulation is computed once per registry version: asked again, the same comparison
comes back without the registry being read; any change to a member, a figure or a category
moves the version (database triggers, migration 0014) and gives a fresh comparison. The
treasurer's figures per call are kept under the ledger's version (its counter, moved by the
database, migration 0015): a payment or a credit note recorded shows at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.facts import FactKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.contributions import fees
from gouvernance.services.demo_data.demo import load_demo
from gouvernance.services.ledger import calls, desk, payments
from gouvernance.services.ports import CallFilter
from gouvernance.services.registry import members

IDS = ["demo-forfait", "demo-bareme-ca"]
BOARD = Actor("bureau", Role.BOARD)


@pytest.fixture
def demo(app: Application) -> Application:
    load_demo(app.uows)
    return app


def version(app: Application) -> int:
    with app.uows() as uow:
        found = uow.members.registry_version()
    assert found is not None
    return found


def test_the_same_simulation_asked_twice_is_the_very_same_comparison(demo: Application) -> None:
    first = fees.simulate(demo.uows, BOARD, IDS)
    again = fees.simulate(demo.uows, BOARD, IDS)
    assert again is first
    assert fees.simulate(demo.uows, BOARD, IDS, reference_id="demo-bareme-ca") is not first


def test_a_figure_recorded_moves_the_version_and_the_totals_follow(demo: Application) -> None:
    before = fees.simulate(demo.uows, BOARD, IDS)
    moved_from = version(demo)
    producer = next(line.code for line in before.members if line.cells[1].cents not in (None, 0))
    members.record_facts(
        demo.uows, SYSTEM, producer, 2026, {FactKind.REVENUE: Decimal("987654321.00")}
    )
    assert version(demo) > moved_from
    after = fees.simulate(demo.uows, BOARD, IDS)
    assert after is not before
    fresh = fees._read_table(demo.uows, fees.load_schedules(IDS))  # what a cold read gives
    assert fresh[2] == version(demo)
    assert (
        after.scenarios[1].total_cents
        == fees.compare(fees.load_schedules(IDS), fresh[1], None).scenarios[1].total_cents
    )


def test_every_change_to_the_registry_moves_its_version(demo: Application) -> None:
    seen = [version(demo)]
    code = demo_member_code(demo)
    members.update_member(demo.uows, SYSTEM, code, {"city": "Carpentras"})
    seen.append(version(demo))
    members.record_facts(demo.uows, SYSTEM, code, 2025, {FactKind.REVENUE: Decimal("1000")})
    seen.append(version(demo))
    members.end_membership(demo.uows, SYSTEM, code, on=date(2027, 6, 30), reason="départ")
    seen.append(version(demo))
    assert seen == sorted(set(seen)), seen


def test_every_write_to_the_ledger_moves_its_version(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls issued, a payment and its allocations, a credit note: the database moves the
    counter the treasurer's kept sums are checked against (migration 0015)."""

    def ledger_version() -> tuple[int, ...]:
        with demo.uows() as uow:
            return uow.ledger.version()

    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-20")
    seen = [ledger_version()]
    calls.issue_calls(
        demo.uows, TREASURER, "demo-bareme-ca", issued_on=date(2026, 11, 16),
        due_on=date(2026, 12, 15), exclude_incomplete=True,
    )  # fmt: skip
    seen.append(ledger_version())
    owed = desk.find_calls(demo.uows, TREASURER, desk.CallSearch(on=date(2026, 12, 20))).items
    payments.record_payment(
        demo.uows, TREASURER, owed[0].member_code, 1234, date(2026, 12, 1),
        PaymentMethod.TRANSFER,
    )  # fmt: skip
    seen.append(ledger_version())
    calls.credit_call(demo.uows, TREASURER, owed[1].reference, "correction", on=date(2026, 12, 20))
    seen.append(ledger_version())
    assert seen == sorted(set(seen)), seen


def demo_member_code(app: Application) -> str:
    with app.uows() as uow:
        return sorted(member.code for member in uow.members.all())[0]


TREASURER = Actor("tresorier", Role.TREASURER)


def test_the_treasurers_overview_follows_each_payment_and_credit_note(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-20")
    calls.issue_calls(
        demo.uows, TREASURER, "demo-bareme-ca", issued_on=date(2026, 11, 16),
        due_on=date(2026, 12, 15), exclude_incomplete=True,
    )  # fmt: skip
    day = date(2026, 12, 20)
    search = desk.CallSearch(on=day)
    first = desk.find_calls(demo.uows, TREASURER, search)
    assert desk.find_calls(demo.uows, TREASURER, search).totals == first.totals
    with demo.uows() as uow:
        kept = desk.call_figures(demo.uows, uow, CallFilter(), day)
        assert desk.call_figures(demo.uows, uow, CallFilter(), day) is kept
    owed = first.items[0]
    payments.record_payment(
        demo.uows, TREASURER, owed.member_code, 1234, date(2026, 12, 1), PaymentMethod.TRANSFER
    )
    paid = desk.find_calls(demo.uows, TREASURER, search)
    assert paid.totals != first.totals
    calls.credit_call(demo.uows, TREASURER, first.items[1].reference, "correction", on=day)
    credited = desk.find_calls(demo.uows, TREASURER, search)
    assert credited.totals != paid.totals
    summary = desk.week_at_a_glance(demo.uows, TREASURER, day)
    assert desk.week_at_a_glance(demo.uows, TREASURER, day) == summary


def test_twenty_board_members_asking_at_once_read_the_registry_once(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    original = fees._read_table

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fees, "_read_table", counted)
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: fees.simulate(demo.uows, BOARD, IDS), range(20)))
    assert len(reads) == 1
    assert all(answer is answers[0] for answer in answers)
