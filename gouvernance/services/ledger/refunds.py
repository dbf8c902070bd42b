"""Refunds: paying back to a member what they paid too much (their credit).

A refund is a ledger record like a payment, the other way: written once, audited, numbered
``RB-2027-0001``; it lowers the member's credit (``payments.apply_credit`` no longer uses it,
a SEPA file no longer deducts it), counts in their balance, and is booked in the FEC (debit
411, credit 512). It can never exceed the member's credit: a refund is not a loan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from gouvernance.domain.calls.ledger import balance, refundable
from gouvernance.domain.calls.model import PaymentMethod, Refund, reference
from gouvernance.domain.errors import InvalidInput, NotFound
from gouvernance.domain.money import format_cents
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, idempotency
from gouvernance.services.ledger.calls import LAST_DAY, check_day, member_key, today
from gouvernance.services.ledger.ledger_views import RefundView
from gouvernance.services.ledger.payments import MAX_CENTS
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

MAX_TEXT = 100
MAX_REASON = 500


def refund_overpayment(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    cents: int,
    refunded_on: date,
    method: PaymentMethod,
    *,
    bank_reference: str = "",
    reason: str = "",
    idempotency_key: str | None = None,
) -> RefundView:
    """Pay back ``cents`` of a member's credit. Refused beyond the credit, both now and at
    ``refunded_on`` (money cannot go back before it came in); the same key twice records one
    refund."""
    actor.require(Permission.RECORD_PAYMENTS)
    if not 0 < cents <= MAX_CENTS:
        raise InvalidInput("le montant d'un remboursement doit être positif", field="amount")
    check_day(refunded_on, "refunded_on")
    if refunded_on > today():
        raise InvalidInput("un remboursement ne peut pas être daté du futur", field="refunded_on")
    bank = clean_text(bank_reference, "bank_reference", MAX_TEXT)
    why = clean_text(reason, "reason", MAX_REASON)
    code = member_key(member_code)
    key = idempotency.optional_key(actor, "refunds.record", idempotency_key)
    request = idempotency.fingerprint(
        {"member": code, "cents": cents, "on": refunded_on, "method": method.value,
         "bank": bank, "reason": why}
    )  # fmt: skip
    with uows() as uow:
        uow.ledger.lock()
        if key and (done := idempotency.replay(uow, key, request)):
            return _refund(uow, done, created=False)
        if uow.members.get(code) is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        available = _refundable(uow, code, LAST_DAY, refunded_on)
        if cents > available:
            raise InvalidInput(
                f"le remboursement ({format_cents(cents)}) dépasse le crédit du membre "
                f"({format_cents(available)}"
                + (f" au {refunded_on:%d/%m/%Y}" if available else "")
                + ") : on ne rembourse que ce qu'il a payé en trop",
                field="amount",
            )
        number = uow.ledger.next_numbers(f"RB-{refunded_on.year}", 1)
        refund = Refund(
            reference=reference("RB", refunded_on.year, number),
            member_code=code,
            cents=cents,
            refunded_on=refunded_on,
            method=method,
            bank_reference=bank,
            reason=why,
            recorded_by=actor.username,
            recorded_at=datetime.now(UTC),
        )
        uow.ledger.add_refund(refund)
        uow.flush()
        audit.record(
            uow,
            actor,
            "remboursement.enregistré",
            "refund",
            refund.reference,
            membre=code,
            montant=format_cents(cents),
            moyen=method.label,
            reference_bancaire=bank,
            motif=why,
        )
        if key:
            idempotency.remember(uow, key, request, 201, refund.reference)
        view = RefundView.of(refund)
        uow.commit()
    return view


def _refundable(uow: UnitOfWork, code: str, *days: date) -> int:
    """The member's credit at the end of each of ``days`` (records dated after a day do not
    count), the least of them; the member's records are read once for all days."""
    payments = uow.ledger.payments(code)
    allocations = uow.ledger.allocations(code)
    refunds = uow.ledger.refunds(code)
    calls = uow.ledger.calls(CallFilter(member_code=code))
    notes = uow.ledger.credit_notes(code)
    found = []
    for day in days:
        received = [p for p in payments if p.received_on <= day]
        parts = [a for a in allocations if a.on <= day]
        refunded = [r for r in refunds if r.refunded_on <= day]
        state = balance(code, calls, notes, received, day, refunded)
        found.append(refundable(received, parts, refunded, state))
    return min(found)


def _refund(uow: UnitOfWork, refund_reference: str, *, created: bool = True) -> RefundView:
    refund = uow.ledger.refund(refund_reference)
    if refund is None:
        raise NotFound(f"aucun remboursement n'a la référence {refund_reference}", field="refund")
    return RefundView.of(refund, created=created)


def refundable_credit(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str, on: date | None = None
) -> int:
    """What may be refunded to the member today (or at the end of ``on``), in cents."""
    code = member_key(member_code)
    actor.require_ledger_access(code)
    day = check_day(on or today(), "on")
    with uows() as uow:
        if uow.members.display_name(code) is None:  # one column, not the member's record
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        return _refundable(uow, code, LAST_DAY, day)


def list_refunds(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str | None = None
) -> list[RefundView]:
    code = member_key(member_code) if member_code else None
    if code is None:
        actor.require(Permission.READ_LEDGER)
    else:
        actor.require_ledger_access(code)
    with uows() as uow:
        return [RefundView.of(r) for r in uow.ledger.refunds(code)]
