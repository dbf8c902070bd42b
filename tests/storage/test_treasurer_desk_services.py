"""The treasurer's desk services on both databases: the preview of a batch (computed, never
written), refunds of an overpayment (append-only, audited, idempotent, in the balances, the
FEC and the payments export), and the calls found the way the desk asks for them.

On the demo (PTCE Alpilles Réemploi) on 12 December 2026: barème ``demo-bareme-ca`` adopted on
14 November 2026; CRAU-FORMATION and PAR01 have no 2026 revenue.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services.ledger import calls, desk, payments, refunds, treasury
from gouvernance.services.ledger.ledger_views import LeftOutReason
from gouvernance.services.registry import members

TREASURER = Actor("tresorier", Role.TREASURER)
SCHEDULE = "demo-bareme-ca"
ISSUED_ON = date(2026, 11, 20)
DUE_ON = date(2026, 11, 25)
PAID_ON = date(2026, 12, 1)


@pytest.fixture
def demo(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    return app


def _issue(app: Application) -> None:
    calls.issue_calls(
        app.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip


def _rows(database_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# The preview of a batch


def test_the_preview_says_who_is_called_who_is_left_out_and_why_and_writes_nothing(
    demo: Application, database_url: str
) -> None:
    before = [
        _rows(database_url, f"SELECT count(*) FROM {table}")
        for table in ("audit_log", "ledger_sequences", "call_batches", "calls")
    ]
    preview = calls.preview_issue(
        demo.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON
    )
    missing = {
        item.member_code: item.detail for item in preview.left_out_for(LeftOutReason.MISSING)
    }
    assert missing == {
        "CRAU-FORMATION": "donnée manquante — chiffre d'affaires 2026",
        "PAR01": "donnée manquante — chiffre d'affaires 2026",
    }
    exempt = {item.member_code for item in preview.left_out_for(LeftOutReason.EXEMPT)}
    assert "BEN01" in exempt and len(exempt) == 20
    called = {line.member_code: line.cents for line in preview.calls}
    assert called["MISTRAL"] == 126250
    assert preview.count == len(called) == 21
    assert preview.total_cents == sum(called.values())
    assert preview.next_batch_reference == "LOT-2027-01"
    assert preview.blocked is not None and "2 membre(s) sans les données" in preview.blocked
    after = [
        _rows(database_url, f"SELECT count(*) FROM {table}")
        for table in ("audit_log", "ledger_sequences", "call_batches", "calls")
    ]
    assert after == before and before[2] == [(0,)]


def test_the_batch_issued_after_the_preview_is_the_batch_the_preview_showed(
    demo: Application,
) -> None:
    preview = calls.preview_issue(
        demo.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip
    assert preview.blocked is None
    result = calls.issue_calls(
        demo.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip
    assert result.batch.reference == preview.next_batch_reference
    assert result.batch.call_count == preview.count
    assert result.batch.total_cents == preview.total_cents


def test_after_the_issue_the_preview_names_each_member_already_called_with_their_call(
    demo: Application,
) -> None:
    _issue(demo)
    preview = calls.preview_issue(
        demo.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip
    called = {item.member_code: item.detail for item in preview.left_out_for(LeftOutReason.CALLED)}
    assert len(called) == 21
    assert called["CC-ALPILLES"] == "déjà appelé : AC-2027-0001 (LOT-2027-01)"
    assert preview.count == 0
    assert preview.blocked is not None and "rien de nouveau" in preview.blocked
    assert [b.reference for b in preview.existing] == ["LOT-2027-01"]


def test_once_the_missing_figures_are_recorded_the_preview_shows_a_complementary_batch(
    demo: Application,
) -> None:
    _issue(demo)
    members.record_facts(
        demo.uows, SYSTEM, "CRAU-FORMATION", 2026, {FactKind.REVENUE: Decimal("502000")}
    )
    preview = calls.preview_issue(
        demo.uows, TREASURER, SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip
    assert [line.member_code for line in preview.calls] == ["CRAU-FORMATION"]
    assert preview.next_batch_reference == "LOT-2027-02"
    assert [item.member_code for item in preview.left_out_for(LeftOutReason.MISSING)] == ["PAR01"]


def test_the_preview_refuses_what_the_issue_refuses(demo: Application) -> None:
    with pytest.raises(InvalidInput) as early:
        calls.preview_issue(demo.uows, TREASURER, SCHEDULE, issued_on=DUE_ON, due_on=ISSUED_ON)
    assert early.value.field == "due_on"
    with pytest.raises(InvalidInput) as before_adoption:
        calls.preview_issue(
            demo.uows, TREASURER, SCHEDULE, issued_on=date(2026, 11, 1), due_on=DUE_ON
        )
    assert before_adoption.value.field == "issued_on"
    with pytest.raises(Forbidden):
        calls.preview_issue(
            demo.uows, Actor("bureau", Role.BOARD), SCHEDULE, issued_on=ISSUED_ON, due_on=DUE_ON
        )


# --------------------------------------------------------------------------------------------
# Refunds


def _overpaid(app: Application) -> int:
    """MISTRAL pays 1 500,00 € for a call of 1 262,50 €: 237,50 € of credit."""
    _issue(app)
    payments.record_payment(
        app.uows, TREASURER, "MISTRAL", 150000, PAID_ON, PaymentMethod.TRANSFER,
        bank_reference="VIR-MISTRAL-1",
    )  # fmt: skip
    return 150000 - 126250


def test_a_refund_pays_back_an_overpayment_and_the_member_is_then_square(
    demo: Application, database_url: str
) -> None:
    credit = _overpaid(demo)
    assert refunds.refundable_credit(demo.uows, TREASURER, "MISTRAL") == credit == 23750
    view = refunds.refund_overpayment(
        demo.uows, TREASURER, "mistral", credit, date(2026, 12, 10), PaymentMethod.TRANSFER,
        bank_reference="VIR-RETOUR-1", reason="trop-perçu",
    )  # fmt: skip
    assert (view.reference, view.member_code, view.cents) == ("RB-2026-0001", "MISTRAL", 23750)
    balance = payments.member_balance(demo.uows, TREASURER, "MISTRAL")
    assert (balance.received, balance.refunded, balance.owed, balance.credit) == (
        150000, 23750, 0, 0,
    )  # fmt: skip
    (payment,) = payments.list_payments(demo.uows, TREASURER, "MISTRAL")
    assert payment.unallocated == 0
    assert refunds.refundable_credit(demo.uows, TREASURER, "MISTRAL") == 0
    before = payments.member_balance(demo.uows, TREASURER, "MISTRAL", date(2026, 12, 9))
    assert before.credit == 23750  # the balance at an earlier date does not see it yet
    entry = _rows(
        database_url,
        "SELECT action, entity_key, actor FROM audit_log WHERE action = 'remboursement.enregistré'",
    )
    assert entry == [("remboursement.enregistré", "RB-2026-0001", "tresorier")]


def test_a_refund_larger_than_the_credit_is_refused_and_nothing_is_written(
    demo: Application, database_url: str
) -> None:
    credit = _overpaid(demo)
    with pytest.raises(InvalidInput) as refused:
        refunds.refund_overpayment(
            demo.uows, TREASURER, "MISTRAL", credit + 1, PAID_ON, PaymentMethod.CHEQUE
        )
    assert refused.value.field == "amount"
    assert "dépasse le crédit du membre (237,50" in refused.value.message
    assert _rows(database_url, "SELECT count(*) FROM refunds") == [(0,)]
    view = refunds.refund_overpayment(
        demo.uows, TREASURER, "MISTRAL", credit, PAID_ON, PaymentMethod.CHEQUE
    )
    assert view.reference == "RB-2026-0001"  # the refusal consumed no number


def test_money_cannot_be_refunded_before_it_came_in_nor_to_a_member_who_owes(
    demo: Application,
) -> None:
    _overpaid(demo)
    with pytest.raises(InvalidInput) as too_early:
        refunds.refund_overpayment(
            demo.uows, TREASURER, "MISTRAL", 100, date(2026, 11, 30), PaymentMethod.TRANSFER
        )
    assert too_early.value.field == "amount"
    payments.record_payment(
        demo.uows, TREASURER, "GARRIGUE", 10000, PAID_ON, PaymentMethod.CHEQUE, allocations=[]
    )  # kept as credit, while its call of 400,00 € is unpaid: GARRIGUE owes 300,00 €
    assert refunds.refundable_credit(demo.uows, TREASURER, "GARRIGUE") == 0
    with pytest.raises(InvalidInput):
        refunds.refund_overpayment(
            demo.uows, TREASURER, "GARRIGUE", 100, PAID_ON, PaymentMethod.CHEQUE
        )


def test_a_refund_sent_twice_with_the_same_key_is_recorded_once(
    demo: Application, database_url: str
) -> None:
    _overpaid(demo)
    first, second = (
        refunds.refund_overpayment(
            demo.uows, TREASURER, "MISTRAL", 5000, PAID_ON, PaymentMethod.TRANSFER,
            idempotency_key="remboursement-1",
        )
        for _ in range(2)
    )  # fmt: skip
    assert (first.reference, first.created) == ("RB-2026-0001", True)
    assert (second.reference, second.created) == ("RB-2026-0001", False)
    assert _rows(database_url, "SELECT count(*) FROM refunds") == [(1,)]
    with pytest.raises(Conflict):
        refunds.refund_overpayment(
            demo.uows, TREASURER, "MISTRAL", 6000, PAID_ON, PaymentMethod.TRANSFER,
            idempotency_key="remboursement-1",
        )  # fmt: skip


def test_refunded_credit_is_no_longer_applied_to_the_members_calls(demo: Application) -> None:
    _issue(demo)
    payments.record_payment(
        demo.uows, TREASURER, "SAL01", 5000, PAID_ON, PaymentMethod.CASH, allocations=[]
    )  # 50,00 € kept as credit; the call of 20,00 € still unpaid: 30,00 € of true credit
    assert refunds.refundable_credit(demo.uows, TREASURER, "SAL01") == 3000
    refunds.refund_overpayment(demo.uows, TREASURER, "SAL01", 3000, PAID_ON, PaymentMethod.CASH)
    made = payments.apply_credit(demo.uows, TREASURER, "SAL01")
    assert [(a.call_reference, a.cents) for a in made] == [("AC-2027-0007", 2000)]
    balance = payments.member_balance(demo.uows, TREASURER, "SAL01")
    assert (balance.owed, balance.credit) == (0, 0)
    (payment,) = payments.list_payments(demo.uows, TREASURER, "SAL01")
    assert payment.unallocated == 0


def test_the_fec_books_a_refund_debit_receivable_credit_bank_and_stays_balanced(
    demo: Application,
) -> None:
    _overpaid(demo)
    refunds.refund_overpayment(
        demo.uows, TREASURER, "MISTRAL", 23750, date(2026, 12, 10), PaymentMethod.TRANSFER,
        bank_reference="VIR-RETOUR-1",
    )  # fmt: skip
    document = treasury.export_fec(demo.uows, TREASURER, date(2026, 1, 1), date(2026, 12, 31))
    lines = [line.split("|") for line in document.content.decode().splitlines()[1:]]
    mine = [line for line in lines if line[8] == "RB-2026-0001"]
    assert [(line[0], line[4], line[6], line[11], line[12]) for line in mine] == [
        ("BQ", "411000", "MISTRAL", "237,50", "0,00"),
        ("BQ", "512", "", "0,00", "237,50"),
    ]
    assert mine[0][10].startswith("Remboursement RB-2026-0001 (virement VIR-RETOUR-1)")
    debit = sum(int(line[11].replace(",", "")) for line in lines)
    credit = sum(int(line[12].replace(",", "")) for line in lines)
    assert debit == credit


def test_the_payments_export_shows_a_refund_as_money_going_out(demo: Application) -> None:
    _overpaid(demo)
    refunds.refund_overpayment(
        demo.uows, TREASURER, "MISTRAL", 23750, PAID_ON, PaymentMethod.TRANSFER,
        reason="trop-perçu",
    )  # fmt: skip
    document = treasury.export_payments(demo.uows, TREASURER, "csv")
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig")), delimiter=";"))
    refund = next(row for row in rows if row[0] == "RB-2026-0001")
    assert refund[1] == "MISTRAL"
    assert refund[6:9] == ["-237,50", "0,00", "-237,50"]
    assert refund[9] == "remboursement du crédit du membre : trop-perçu"


def test_the_database_refuses_to_rewrite_or_delete_a_refund(
    demo: Application, database_url: str
) -> None:
    _overpaid(demo)
    refunds.refund_overpayment(demo.uows, TREASURER, "MISTRAL", 100, PAID_ON, PaymentMethod.CASH)
    engine = make_engine(database_url)
    try:
        for statement in ("UPDATE refunds SET cents = 1", "DELETE FROM refunds"):
            with pytest.raises(DatabaseError, match="remboursements"), engine.begin() as db:
                db.execute(text(statement))
    finally:
        engine.dispose()
    assert _rows(database_url, "SELECT cents FROM refunds") == [(100,)]


# --------------------------------------------------------------------------------------------
# The calls as the desk finds them


def test_the_desk_finds_calls_overdue_at_a_date_unpaid_by_category_and_by_member(
    demo: Application,
) -> None:
    _issue(demo)
    payments.record_payment(
        demo.uows, TREASURER, "MISTRAL", 126250, PAID_ON, PaymentMethod.TRANSFER
    )
    before_due = desk.find_calls(
        demo.uows, TREASURER, desk.CallSearch(desk.CallGroup.OVERDUE, on=date(2026, 11, 24))
    )
    assert before_due.total == 0
    late = desk.find_calls(demo.uows, TREASURER, desk.CallSearch(desk.CallGroup.OVERDUE))
    assert late.total == 20 and "MISTRAL" not in {c.member_code for c in late.items}
    producers = desk.find_calls(
        demo.uows, TREASURER, desk.CallSearch(desk.CallGroup.UNPAID, category="producer")
    )
    assert {c.member_code for c in producers.items} == {
        "CRAU-INSERTION", "GARRIGUE", "HUILES-DU-VAL", "RESSOURCERIE",
    }  # fmt: skip
    assert producers.totals.outstanding == 40000 * 3 + 64890
    crau = desk.find_calls(demo.uows, TREASURER, desk.CallSearch(member="crau"))
    assert [c.member_code for c in crau.items] == ["CRAU-INSERTION"]
    paid = desk.find_calls(demo.uows, TREASURER, desk.CallSearch(desk.CallGroup.PAID))
    assert [c.member_code for c in paid.items] == ["MISTRAL"]
    summary = desk.week_at_a_glance(demo.uows, TREASURER)
    assert summary.last_batch is not None
    assert summary.last_batch.paid == 126250
    assert summary.overdue_count == 20
    assert summary.outstanding == summary.last_batch.outstanding
