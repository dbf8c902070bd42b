"""Payments: record what a member paid, spread it over their calls, keep any excess as credit;
balances at any date. A payment recorded twice (same idempotency key, or the same bank
reference for the same member) is recorded once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from gouvernance.domain.calls.ledger import (
    Balance,
    balance,
    call_states,
    credits_left,
    payment_credits,
    plan_allocations,
)
from gouvernance.domain.calls.model import (
    Allocation,
    Payment,
    PaymentMethod,
    reference,
)
from gouvernance.domain.errors import Conflict, InvalidInput, NotFound
from gouvernance.domain.money import MAX_MAGNITUDE, format_cents
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, idempotency
from gouvernance.services.ledger.calls import (
    LAST_DAY,
    batch_references,
    check_day,
    member_key,
    today,
)
from gouvernance.services.ledger.ledger_views import (
    AllocationView,
    BalanceView,
    CallView,
    PaymentView,
)
from gouvernance.services.memo import kept_under, memo
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

MAX_CENTS = int(MAX_MAGNITUDE) * 100 - 1
MAX_TEXT = 100


def record_payment(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    cents: int,
    received_on: date,
    method: PaymentMethod,
    *,
    bank_reference: str = "",
    note: str = "",
    allocations: Sequence[tuple[str, int | None]] | None = None,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Record a payment and allocate it: oldest calls first, or as ``allocations`` say
    (``(call reference, cents or None for what it still asks)``). What is left is credit."""
    actor.require(Permission.RECORD_PAYMENTS)
    _check_payment(cents, received_on)
    bank = _text(bank_reference, "bank_reference")
    comment = _text(note, "note", 500)
    code = member_key(member_code)
    # An empty list is an answer too: keep the whole payment as the member's credit.
    wanted = (
        [(ref.strip().upper(), part) for ref, part in allocations]
        if allocations is not None
        else None
    )
    key = idempotency.optional_key(actor, "payments.record", idempotency_key)
    request = idempotency.fingerprint(
        {"member": code, "cents": cents, "on": received_on, "method": method.value,
         "bank": bank, "note": comment, "allocations": wanted}
    )  # fmt: skip
    with uows() as uow:
        uow.ledger.lock()
        if key and (done := idempotency.replay(uow, key, request)):
            return _payment(uow, done, created=False)
        payment = record_in(uow, actor, code, cents, received_on, method, bank, comment, wanted)
        if key:
            idempotency.remember(uow, key, request, 201, payment.reference)
        view = _payment(uow, payment.reference)
        uow.commit()
    return view


def _check_payment(cents: int, received_on: date) -> None:
    if not 0 < cents <= MAX_CENTS:
        raise InvalidInput("le montant d'un paiement doit être positif", field="amount")
    check_day(received_on, "received_on")
    if received_on > today():
        raise InvalidInput("un paiement ne peut pas être daté du futur", field="received_on")


def record_in(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    cents: int,
    received_on: date,
    method: PaymentMethod,
    bank: str,
    comment: str,
    wanted: Sequence[tuple[str, int | None]] | None,
) -> Payment:
    """``record_payment`` inside the caller's transaction (which holds ``uow.ledger.lock()``):
    a bank statement records all its payments in one transaction. ``code``, ``bank`` and
    ``comment`` are already cleaned; the caller commits."""
    actor.require(Permission.RECORD_PAYMENTS)
    _check_payment(cents, received_on)
    if uow.members.get(code) is None:
        raise NotFound(f"aucun membre n'a le code {code}", field="member")
    if bank and (twin := uow.ledger.payment_with_bank_reference(code, bank)) is not None:
        raise Conflict(
            f"ce paiement semble déjà enregistré : {twin.reference} du "
            f"{twin.received_on:%d/%m/%Y} ({format_cents(twin.cents)}) porte la même "
            f"référence bancaire « {bank} »",
            field="bank_reference",
        )
    number = uow.ledger.next_numbers(f"RG-{received_on.year}", 1)
    payment = Payment(
        reference=reference("RG", received_on.year, number),
        member_code=code,
        cents=cents,
        received_on=received_on,
        method=method,
        bank_reference=bank,
        note=comment,
        recorded_by=actor.username,
        recorded_at=datetime.now(UTC),
    )
    uow.ledger.add_payment(payment)
    uow.flush()
    _allocate(uow, payment, cents, wanted)
    audit.record(
        uow,
        actor,
        "paiement.enregistré",
        "payment",
        payment.reference,
        membre=code,
        montant=format_cents(cents),
        moyen=method.label,
        reference_bancaire=bank,
    )
    return payment


def _text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    return clean_text(value, field, limit)


def _allocate(
    uow: UnitOfWork,
    payment: Payment,
    cents: int,
    wanted: Sequence[tuple[str, int | None]] | None,
) -> None:
    calls = uow.ledger.calls(CallFilter(member_code=payment.member_code))
    states = call_states(
        calls,
        uow.ledger.credit_notes(payment.member_code),
        uow.ledger.allocations(payment.member_code),
        LAST_DAY,
    )
    issued = {c.reference: c.issued_on for c in calls}
    for call_reference, part in plan_allocations(cents, states, wanted):
        day = max(payment.received_on, issued[call_reference])
        uow.ledger.add_allocation(
            Allocation(payment.reference, call_reference, payment.member_code, part, day)
        )
    uow.flush()


def _payment(uow: UnitOfWork, payment_reference: str, *, created: bool = True) -> PaymentView:
    payment = uow.ledger.payment(payment_reference)
    if payment is None:
        raise NotFound(f"aucun paiement n'a la référence {payment_reference}", field="payment")
    member_parts = uow.ledger.allocations(payment.member_code)
    parts = tuple(
        AllocationView.of(a) for a in member_parts if a.payment_reference == payment.reference
    )
    credits = payment_credits(
        uow.ledger.payments(payment.member_code),
        member_parts,
        uow.ledger.refunds(payment.member_code),
    )
    refunded = payment.cents - sum(a.cents for a in parts) - credits[payment.reference]
    return PaymentView.of(payment, parts, created=created, refunded=refunded)


def apply_credit(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str, on: date | None = None
) -> list[AllocationView]:
    """Use a member's credit (payments not yet absorbed) on their calls still due, oldest
    first: after a new batch, last year's overpayment settles this year's call."""
    actor.require(Permission.RECORD_PAYMENTS)
    day = check_day(on or today(), "on")
    if day > today():
        raise InvalidInput("une imputation ne peut pas être datée du futur", field="on")
    code = member_key(member_code)
    with uows() as uow:
        uow.ledger.lock()
        if uow.members.get(code) is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        parts = uow.ledger.allocations(code)
        calls = uow.ledger.calls(CallFilter(member_code=code))
        states = call_states(calls, uow.ledger.credit_notes(code), parts, LAST_DAY)
        issued = {c.reference: c.issued_on for c in calls}
        made: list[Allocation] = []
        received = uow.ledger.payments(code)
        refunded = uow.ledger.refunds(code)
        for payment in received:
            # What refunds already paid back is no longer the member's to use.
            left = payment_credits(received, [*parts, *made], refunded)[payment.reference]
            if left <= 0:
                continue
            for call_reference, part in plan_allocations(left, states):
                # Never before the money arrived, nor before the call existed.
                when = max(day, payment.received_on, issued[call_reference])
                allocation = Allocation(payment.reference, call_reference, code, part, when)
                uow.ledger.add_allocation(allocation)
                made.append(allocation)
            states = call_states(calls, uow.ledger.credit_notes(code), [*parts, *made], LAST_DAY)
        if made:
            uow.flush()
            audit.record(
                uow,
                actor,
                "avoir.imputé",
                "member",
                code,
                imputations=[(a.call_reference, format_cents(a.cents)) for a in made],
            )
        views = [AllocationView.of(a) for a in made]
        uow.commit()
    return views


def list_payments(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str | None = None
) -> list[PaymentView]:
    code = member_key(member_code) if member_code else None
    if code is None:
        actor.require(Permission.READ_LEDGER)
    else:
        actor.require_ledger_access(code)
    with uows() as uow:
        parts: dict[str, list[AllocationView]] = {}
        every_part = uow.ledger.allocations(code)
        for allocation in every_part:
            parts.setdefault(allocation.payment_reference, []).append(AllocationView.of(allocation))
        received = uow.ledger.payments(code)
        credits = payment_credits(received, every_part, uow.ledger.refunds(code))
        views = []
        for payment in received:
            mine = tuple(parts.get(payment.reference, ()))
            refunded = payment.cents - sum(a.cents for a in mine) - credits[payment.reference]
            views.append(PaymentView.of(payment, mine, refunded=refunded))
        return views


def member_balance(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str, on: date | None = None
) -> BalanceView:
    """What a member owes (or is owed) at the end of day ``on``, with each call's status."""
    code = member_key(member_code)
    actor.require_ledger_access(code)
    day = check_day(on or today(), "on")
    with uows() as uow:
        # The name (not the record and its figures) and which ledger tables to read: one query.
        entries = uow.ledger.member_entries(code)
        if entries is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        return _balance(uow, code, entries[0], day, entries[1])


def _balance(uow: UnitOfWork, code: str, name: str, day: date, held: frozenset[str]) -> BalanceView:
    """``held``: the ledger tables with a row of the member's (``Ledger.member_entries``);
    the others are not read (a member with one call: 3 queries instead of 7)."""
    ledger = uow.ledger
    calls = ledger.calls(CallFilter(member_code=code)) if "calls" in held else ()
    notes = ledger.credit_notes(code) if "credit_notes" in held else ()
    names = batch_references(uow) if calls else {}
    allocated = ledger.allocations(code) if "allocations" in held else ()
    states = call_states(calls, notes, allocated, day)
    views = tuple(CallView.of(s, names.get(s.call.batch_id, "")) for s in states)
    received = ledger.payments(code) if "payments" in held else ()
    refunded = ledger.refunds(code) if "refunds" in held else ()
    found = balance(code, calls, notes, received, day, refunded)
    return BalanceView.of(found, name, views)


def balances(uows: UnitOfWorkFactory, actor: Actor, on: date | None = None) -> list[BalanceView]:
    """Every member with something in the ledger, at the end of day ``on`` (without the
    detail of each call: see ``member_balance``)."""
    actor.require(Permission.READ_LEDGER)
    day = check_day(on or today(), "on")
    with uows() as uow:
        totals = uow.ledger.member_totals(day)
        views = []
        for code in sorted(totals):
            name, called, credited, received, refunded = totals[code]
            if name is None:
                member = uow.members.get(code)
                name = member.display_name if member is not None else code
            found = Balance(code, day, called, credited, received, refunded)
            views.append(BalanceView.of(found, name, ()))
        return views


@dataclass(frozen=True)
class RecentPayments:
    """The newest payments, and the count, sum and credit left of all of them."""

    items: tuple[PaymentView, ...]  # newest first (day received, then reference)
    count: int
    total: int
    credit: int  # what no call absorbed nor a refund paid back, over every payment


def recent_payments(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str | None = None, limit: int = 200
) -> RecentPayments:
    """``list_payments`` as the treasurer's page shows it: the payments' figures summed by
    the database, only the ``limit`` newest read whole with their allocations."""
    code = member_key(member_code) if member_code else None
    if code is None:
        actor.require(Permission.READ_LEDGER)
    else:
        actor.require_ledger_access(code)
    with uows() as uow:
        # Summing reads every payment of the ledger: kept under the ledger's version (migration
        # 0015), which every payment, allocation, refund and call moves.
        kept = memo(uows, "recent_payments", kept=8)
        return kept_under(
            kept, uow.ledger.version, (code, limit), lambda: _recent(uow, code, limit)
        )


def _recent(uow: UnitOfWork, code: str | None, limit: int) -> RecentPayments:
    figures = uow.ledger.payment_figures(code)
    credits = credits_left(
        ((ref, member, cents, used) for ref, member, cents, _, used in figures),
        uow.ledger.refunded(),
    )
    newest = sorted(figures, key=lambda f: (f[3], f[0]), reverse=True)[:limit]
    views = []
    for payment, parts in uow.ledger.payments_with_allocations([f[0] for f in newest]):
        mine = tuple(AllocationView.of(a) for a in parts)
        refunded = payment.cents - sum(a.cents for a in mine) - credits[payment.reference]
        views.append(PaymentView.of(payment, mine, refunded=refunded))
    return RecentPayments(
        items=tuple(views),
        count=len(figures),
        total=sum(f[2] for f in figures),
        credit=sum(max(left, 0) for left in credits.values()),
    )
