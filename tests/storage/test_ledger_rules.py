"""Ledger rules that reviews asked for, on both databases: no future credit notes, an empty
allocation list keeps the payment as credit, a reminder run replayed with its key gives the
same reminders, an unknown member is named, moments keep their zone."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import InvalidInput, NotFound
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM
from gouvernance.services import calls, payments, setup, treasury
from tests.storage.test_ledger_concurrency import RECEIVED_ON, TREASURER, _issue


def test_a_credit_note_cannot_be_dated_in_the_future(app: Application, registry: list[str]) -> None:
    first = _issue(app)
    assert first.created
    with pytest.raises(InvalidInput, match="futur") as refused:
        calls.credit_call(app.uows, TREASURER, "AC-2027-0001", "erreur", on=date(2027, 12, 1))
    assert refused.value.field == "on"


def test_an_empty_allocation_list_keeps_the_whole_payment_as_credit(
    app: Application, registry: list[str]
) -> None:
    _issue(app)
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
        app.uows, SYSTEM, Organisation(name="PTCE d'essai", legal_form="association", city="Arles")
    )
    _issue(app)
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
    issued = _issue(app).batch
    read = calls.get_batch(app.uows, TREASURER, issued.reference)
    assert read.issued_at.tzinfo is not None
    assert read.issued_at == issued.issued_at.astimezone(UTC)
