"""Ledger rules that reviews asked for, on both databases: no future credit notes, an empty
allocation list keeps the payment as credit, a reminder run replayed with its key gives the
same reminders, an unknown member is named, moments keep their zone."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from ledger_setup import ISSUED_ON, RECEIVED_ON, TREASURER, issue

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import InvalidInput, NotFound
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls, payments, treasury
from gouvernance.services.organisation import setup


def test_a_credit_note_cannot_be_dated_in_the_future(app: Application, registry: list[str]) -> None:
    first = issue(app)
    assert first.created
    with pytest.raises(InvalidInput, match="futur") as refused:
        calls.credit_call(app.uows, TREASURER, "AC-2027-0001", "erreur", on=date(2027, 12, 1))
    assert refused.value.field == "on"


def test_an_empty_allocation_list_keeps_the_whole_payment_as_credit(
    app: Application, registry: list[str]
) -> None:
    issue(app)
    paid = payments.record_payment(
        app.uows, TREASURER, registry[0], 2000, RECEIVED_ON, PaymentMethod.CASH, allocations=[]
    )
    assert (paid.allocations, paid.unallocated) == ((), 2000)
    spread = payments.record_payment(
        app.uows, TREASURER, registry[1], 2000, RECEIVED_ON, PaymentMethod.CASH
    )
    assert [a.cents for a in spread.allocations] == [2000]


def test_applying_the_credit_of_an_unknown_member_is_refused_with_its_code(
    app: Application, registry: list[str]
) -> None:
    with pytest.raises(NotFound, match="ZZZ9"):
        payments.apply_credit(app.uows, TREASURER, "zzz9")


def test_a_reminder_run_replayed_with_its_key_gives_back_the_same_reminders(
    app: Application, registry: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(name="PTCE d'essai", legal_form="association", rna="W133001234", city="Arles"),
    )
    issue(app)
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-05")  # due 15/02 + 15 days = 02/03
    first = treasury.send_reminders(app.uows, TREASURER, idempotency_key="relances-mars")
    again = treasury.send_reminders(app.uows, TREASURER, idempotency_key="relances-mars")
    assert len(first.reminders) == 7  # everybody called, nobody paid
    assert [(r.call.reference, r.level) for r in again.reminders] == [
        (r.call.reference, r.level) for r in first.reminders
    ]
    assert again.letters is not None and again.letters.content.startswith(b"%PDF")
    assert treasury.send_reminders(app.uows, TREASURER).reminders == ()  # nothing more due


def test_a_batch_read_back_keeps_its_issue_moment_in_utc(
    app: Application, registry: list[str]
) -> None:
    issued = issue(app).batch
    read = calls.get_batch(app.uows, TREASURER, issued.reference)
    assert read.issued_at.tzinfo is not None
    assert read.issued_at == issued.issued_at.astimezone(UTC)


def test_a_credit_note_cannot_be_dated_before_a_payment_already_settling_the_call(
    app: Application, registry: list[str]
) -> None:
    issue(app)
    payments.record_payment(
        app.uows, TREASURER, registry[0], 2000, date(2027, 2, 20), PaymentMethod.CASH
    )
    with pytest.raises(InvalidInput, match="20/02/2027") as refused:
        calls.credit_call(app.uows, TREASURER, "AC-2027-0001", "erreur", on=date(2027, 1, 20))
    assert refused.value.field == "on"
    note = calls.credit_call(app.uows, TREASURER, "AC-2027-0001", "erreur", on=date(2027, 2, 21))
    assert note.cents == 2000
    account = payments.member_balance(app.uows, TREASURER, registry[0], on=date(2027, 2, 21))
    assert (account.owed, account.credit) == (-2000, 2000)


def test_credit_is_applied_from_today_at_the_latest_and_never_before_the_money_came(
    app: Application, registry: list[str]
) -> None:
    payments.record_payment(
        app.uows, TREASURER, registry[0], 2000, date(2027, 1, 10), PaymentMethod.CASH
    )  # before any call: all credit
    issue(app)
    with pytest.raises(InvalidInput, match="futur"):
        payments.apply_credit(app.uows, TREASURER, registry[0], on=date(2099, 1, 1))
    (made,) = payments.apply_credit(app.uows, TREASURER, registry[0], on=date(2027, 1, 1))
    assert (made.cents, made.on) == (2000, ISSUED_ON)  # not before the call existed


def test_a_member_code_that_cannot_exist_is_simply_not_found(
    app: Application, registry: list[str]
) -> None:
    for code in ("A\x00B", "X" * 30, "  "):
        with pytest.raises(NotFound):
            payments.member_balance(app.uows, TREASURER, code)


def test_a_scrutineer_may_not_read_the_calls(app: Application, registry: list[str]) -> None:
    from gouvernance.domain.errors import Forbidden
    from gouvernance.domain.users import Actor, Role

    with pytest.raises(Forbidden):
        calls.list_calls(app.uows, Actor("scrutin", Role.SCRUTINEER), calls.CallQuery())


def test_a_direct_debit_file_takes_off_the_members_credit_and_marks_only_first_debits_frst(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gouvernance.services.demo_data.demo import load_demo

    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-01-15")
    monkeypatch.delenv("GOUVERNANCE_RULES_DIR", raising=False)
    load_demo(app.uows)
    calls.issue_calls(
        app.uows,
        TREASURER,
        "demo-bareme-ca",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 3, 31),
        exclude_incomplete=True,
    )
    payments.record_payment(  # 50 € kept as credit: GARRIGUE owes 400 − 50
        app.uows, TREASURER, "GARRIGUE", 5000, date(2027, 1, 15), PaymentMethod.CHEQUE,
        allocations=[],
    )  # fmt: skip
    payments.record_payment(  # MISTRAL was already debited once under its mandate
        app.uows, TREASURER, "MISTRAL", 1000, date(2027, 1, 15), PaymentMethod.DIRECT_DEBIT
    )
    xml = treasury.export_sepa(app.uows, TREASURER, date(2027, 2, 5)).content.decode()
    assert '<InstdAmt Ccy="EUR">350.00</InstdAmt>' in xml
    assert '<InstdAmt Ccy="EUR">1252.50</InstdAmt>' in xml  # 1 262,50 − 10,00 paid
    assert "<CtrlSum>1602.50</CtrlSum>" in xml
    blocks = {kind: xml.count(f"<SeqTp>{kind}</SeqTp>") for kind in ("FRST", "RCUR")}
    assert blocks == {"FRST": 1, "RCUR": 1}  # GARRIGUE first, MISTRAL recurring
