"""Treasurers at the same time: one batch, one payment, numbers without holes nor doubles.

Eight requests race on the same ledger, on SQLite and PostgreSQL alike. The ledger lock
serialises them: the first issues (or records), the others find it done.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from ledger_setup import RECEIVED_ON, TREASURER, WRITERS, issue

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import Conflict, GouvernanceError
from gouvernance.services.ledger import calls, payments
from gouvernance.services.ledger.calls import CallQuery
from gouvernance.services.ledger.ledger_views import PaymentView


def _all_calls(app: Application) -> list[calls.CallView]:
    return list(calls.list_calls(app.uows, TREASURER, CallQuery(fiscal_year=2027), 0, 1000).items)


def test_eight_simultaneous_issues_of_the_same_schedule_make_one_batch_without_holes(
    app: Application, registry: list[str]
) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda _: issue(app), range(WRITERS)))

    assert {r.batch.reference for r in results} == {"LOT-2027-01"}
    assert [r.created for r in results].count(True) == 1
    assert len(calls.list_batches(app.uows, TREASURER)) == 1
    issued = _all_calls(app)
    called = registry[:7]  # the beneficiary owes nothing: no call
    assert Counter(c.member_code for c in issued) == Counter(called)
    assert sorted(c.reference for c in issued) == [f"AC-2027-{n:04d}" for n in range(1, 8)]
    # Numbered in member-code order, each with its amount.
    assert [(c.reference, c.member_code, c.cents) for c in issued] == [
        (f"AC-2027-{n:04d}", code, cents)
        for n, (code, cents) in enumerate(
            zip(called, [2000] * 5 + [15000, 120000], strict=True), start=1
        )
    ]
    (batch,) = {r.batch for r in results if r.created}
    assert (batch.call_count, batch.total_cents) == (7, 5 * 2000 + 15000 + 120000)


def test_eight_simultaneous_issues_with_the_same_idempotency_key_make_one_batch(
    app: Application, registry: list[str]
) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda _: issue(app, "lot-cotisations-2027"), range(WRITERS)))

    assert {r.batch.reference for r in results} == {"LOT-2027-01"}
    assert [r.created for r in results].count(True) == 1
    assert [b.reference for b in calls.list_batches(app.uows, TREASURER)] == ["LOT-2027-01"]
    issued = _all_calls(app)
    assert len(issued) == len({c.member_code for c in issued}) == 7
    assert sorted(c.reference for c in issued) == [f"AC-2027-{n:04d}" for n in range(1, 8)]


def test_eight_simultaneous_identical_payments_with_the_same_key_are_recorded_once(
    app: Application, registry: list[str]
) -> None:
    issue(app)
    payer = registry[0]

    def pay(_: int) -> PaymentView:
        return payments.record_payment(
            app.uows,
            TREASURER,
            payer,
            2000,
            RECEIVED_ON,
            PaymentMethod.TRANSFER,
            bank_reference="VIR-2027-0042",
            idempotency_key="paiement-bénévole-0",
        )

    with ThreadPoolExecutor(WRITERS) as pool:
        views = list(pool.map(pay, range(WRITERS)))

    assert {v.reference for v in views} == {"RG-2027-0001"}
    assert [v.created for v in views].count(True) == 1
    recorded = payments.list_payments(app.uows, TREASURER)
    assert [(p.reference, p.member_code, p.cents) for p in recorded] == [
        ("RG-2027-0001", payer, 2000)
    ]
    # Allocated once: the call is paid, not paid eight times over.
    (allocation,) = recorded[0].allocations
    assert (allocation.call_reference, allocation.cents) == ("AC-2027-0001", 2000)
    balance = payments.member_balance(app.uows, TREASURER, payer, date(2027, 3, 1))
    assert [c.status.value for c in balance.calls] == ["paid"]


def test_eight_simultaneous_payments_with_the_same_bank_reference_are_recorded_once(
    app: Application, registry: list[str]
) -> None:
    issue(app)
    payer = registry[5]  # the producer called 150 €

    def pay(_: int) -> str | GouvernanceError:
        try:
            return payments.record_payment(
                app.uows,
                TREASURER,
                payer,
                15000,
                RECEIVED_ON,
                PaymentMethod.CHEQUE,
                bank_reference="CHQ 1234567",
            ).reference
        except GouvernanceError as error:
            return error

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(pay, range(WRITERS)))

    recorded = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, GouvernanceError)]
    assert recorded == ["RG-2027-0001"]
    assert len(refused) == WRITERS - 1
    assert all(isinstance(error, Conflict) for error in refused)
    (message,) = {error.message for error in refused}
    assert message.startswith("ce paiement semble déjà enregistré : RG-2027-0001 du ")
    assert message.endswith("(150,00\u00a0€) porte la même référence bancaire « CHQ 1234567 »")
    assert {error.field for error in refused} == {"bank_reference"}
    assert [p.reference for p in payments.list_payments(app.uows, TREASURER)] == ["RG-2027-0001"]


def test_simultaneous_payments_of_different_members_are_all_recorded_with_distinct_numbers(
    app: Application, registry: list[str]
) -> None:
    issue(app)
    amounts = dict(zip(registry, [2000] * 5 + [15000, 120000, 500], strict=True))

    def pay(code: str) -> PaymentView:
        return payments.record_payment(
            app.uows,
            TREASURER,
            code,
            amounts[code],
            RECEIVED_ON,
            PaymentMethod.TRANSFER,
            bank_reference=f"VIR-{code}",
        )

    with ThreadPoolExecutor(WRITERS) as pool:
        views = list(pool.map(pay, registry))

    assert sorted(v.reference for v in views) == [f"RG-2027-{n:04d}" for n in range(1, 9)]
    recorded = payments.list_payments(app.uows, TREASURER)
    assert {p.member_code: p.cents for p in recorded} == amounts
    assert sorted(p.reference for p in recorded) == [f"RG-2027-{n:04d}" for n in range(1, 9)]
    # Each called member's payment settles their call; the beneficiary's is kept as credit.
    for view in views:
        if view.member_code == registry[7]:
            assert (view.allocations, view.unallocated) == ((), 500)
        else:
            assert [a.cents for a in view.allocations] == [amounts[view.member_code]]
