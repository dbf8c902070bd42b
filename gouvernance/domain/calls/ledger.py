"""Where each call stands, and each member's balance, at any date — computed, never stored.

Amounts are integer cents. A call's *net* amount is what it asks minus its credit notes; what
is *paid* is the sum of its allocations; the *outstanding* part is net − paid, never below 0.
A member's balance is everything called minus credit notes minus everything received, plus what
was refunded to them: positive, the member owes it; negative, it is the member's credit (an
overpayment).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallStatus,
    CreditNote,
    Payment,
    Refund,
)
from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.money import format_cents


@dataclass(frozen=True)
class CallState:
    call: Call
    credited: int
    paid: int
    on: date

    @property
    def net(self) -> int:
        return self.call.cents - self.credited

    @property
    def outstanding(self) -> int:
        return max(self.net - self.paid, 0)

    @property
    def overpaid(self) -> int:
        """Allocated beyond the net amount (after a credit note on a paid call)."""
        return max(self.paid - self.net, 0)

    @property
    def status(self) -> CallStatus:
        return call_status(self.net, self.paid, self.call.due_on, self.on)

    @property
    def days_late(self) -> int:
        return days_late(self.outstanding, self.call.due_on, self.on)


def days_late(outstanding: int, due_on: date, on: date) -> int:
    """Days past the due date at the end of ``on`` while something is still owed, else 0."""
    return max((on - due_on).days, 0) if outstanding else 0


def call_status(net: int, paid: int, due_on: date, on: date) -> CallStatus:
    """Where a call stands at the end of day ``on``, from its net amount (called less credit
    notes) and what was allocated to it: the one rule, for a call read whole (``CallState``) or
    as the figures a query summed (``CallFigures``)."""
    if net <= 0:
        return CallStatus.CANCELLED
    if max(net - paid, 0) == 0:
        return CallStatus.PAID
    if on > due_on:
        return CallStatus.OVERDUE
    return CallStatus.PARTLY_PAID if paid > 0 else CallStatus.DUE


class CallFigures(NamedTuple):
    """A call's figures at the end of day ``on``, as one query sums them (credit notes and
    allocations dated by then), without the call's record: the treasurer's lists count,
    filter and total thousands of calls and show a page of them. Built by ``figures``, which
    works out the net, outstanding and status once, by the rules of ``CallState``."""

    id: int
    reference: str
    batch_id: int
    member_code: str
    member_name: str
    cents: int
    due_on: date
    credited: int
    paid: int
    on: date
    net: int
    outstanding: int
    status: CallStatus


def figures(
    id: int,
    reference: str,
    batch_id: int,
    member_code: str,
    member_name: str,
    cents: int,
    due_on: date,
    credited: int,
    paid: int,
    on: date,
) -> CallFigures:
    net = cents - credited
    return CallFigures(
        id, reference, batch_id, member_code, member_name, cents, due_on, credited, paid, on,
        net, max(net - paid, 0), call_status(net, paid, due_on, on),
    )  # fmt: skip


def _totals(
    credits: Iterable[CreditNote], allocations: Iterable[Allocation], on: date
) -> tuple[dict[str, int], dict[str, int]]:
    """Per call reference, what was credited and what was paid by the end of day ``on``."""
    credited: dict[str, int] = {}
    for credit in credits:
        if credit.issued_on <= on:
            credited[credit.call_reference] = credited.get(credit.call_reference, 0) + credit.cents
    paid: dict[str, int] = {}
    for allocation in allocations:
        if allocation.on <= on:
            key = allocation.call_reference
            paid[key] = paid.get(key, 0) + allocation.cents
    return credited, paid


def call_state(
    call: Call, credits: Iterable[CreditNote], allocations: Iterable[Allocation], on: date
) -> CallState:
    """The call as it stood at the end of day ``on`` (records dated after it are ignored)."""
    credited, paid = _totals(credits, allocations, on)
    return CallState(call, credited.get(call.reference, 0), paid.get(call.reference, 0), on)


def call_states(
    calls: Iterable[Call],
    credits: Iterable[CreditNote],
    allocations: Iterable[Allocation],
    on: date,
) -> list[CallState]:
    """``call_state`` of the calls issued by ``on``, in one pass over the credit notes and
    the allocations."""
    credited, paid = _totals(credits, allocations, on)
    return [
        CallState(call, credited.get(call.reference, 0), paid.get(call.reference, 0), on)
        for call in calls
        if call.issued_on <= on
    ]


@dataclass(frozen=True)
class Balance:
    """A member's account at the end of day ``on``."""

    member_code: str
    on: date
    called: int
    credited: int
    received: int
    refunded: int = 0  # paid back out of the member's credit

    @property
    def owed(self) -> int:
        """Positive: the member owes it; negative: the member has that much credit."""
        return self.called - self.credited - self.received + self.refunded

    @property
    def credit(self) -> int:
        return max(-self.owed, 0)


def balance(
    member_code: str,
    calls: Iterable[Call],
    credits: Iterable[CreditNote],
    payments: Iterable[Payment],
    on: date,
    refunds: Iterable[Refund] = (),
) -> Balance:
    return Balance(
        member_code=member_code,
        on=on,
        called=sum(c.cents for c in calls if c.member_code == member_code and c.issued_on <= on),
        credited=sum(
            c.cents for c in credits if c.member_code == member_code and c.issued_on <= on
        ),
        received=sum(
            p.cents for p in payments if p.member_code == member_code and p.received_on <= on
        ),
        refunded=sum(
            r.cents for r in refunds if r.member_code == member_code and r.refunded_on <= on
        ),
    )


def unallocated(payment: Payment, allocations: Iterable[Allocation]) -> int:
    """What of a payment no call has absorbed: the member's credit from it."""
    used = sum(a.cents for a in allocations if a.payment_reference == payment.reference)
    return payment.cents - used


def payment_credits(
    payments: Iterable[Payment], allocations: Iterable[Allocation], refunds: Iterable[Refund]
) -> dict[str, int]:
    """What each payment still leaves to its member's credit: what no call absorbed, less the
    refunds, which draw on the member's payments in the order they were recorded. Computed,
    never stored: a refund names the member, not the payments it came from."""
    used: dict[str, int] = {}
    for allocation in allocations:
        used[allocation.payment_reference] = (
            used.get(allocation.payment_reference, 0) + allocation.cents
        )
    to_draw: dict[str, int] = {}
    for refund in refunds:
        to_draw[refund.member_code] = to_draw.get(refund.member_code, 0) + refund.cents
    return credits_left(
        ((p.reference, p.member_code, p.cents, used.get(p.reference, 0)) for p in payments),
        to_draw,
    )


def credits_left(
    payments: Iterable[tuple[str, str, int, int]], refunded: Mapping[str, int]
) -> dict[str, int]:
    """``payment_credits`` from sums: (reference, member code, cents, allocated) of each
    payment in the order recorded, and what was refunded to each member."""
    to_draw = dict(refunded)
    credits: dict[str, int] = {}
    for reference, member_code, cents, used in payments:
        left = cents - used
        drawn = min(max(left, 0), to_draw.get(member_code, 0))
        if drawn:
            to_draw[member_code] -= drawn
        credits[reference] = left - drawn
    return credits


def refundable(
    payments: Sequence[Payment],
    allocations: Sequence[Allocation],
    refunds: Sequence[Refund],
    member_balance: Balance,
) -> int:
    """What may be paid back to a member: their credit, both as money no call absorbed (less
    what was refunded already) and as a balance in their favour; the smaller of the two."""
    left = sum(max(c, 0) for c in payment_credits(payments, allocations, refunds).values())
    return max(min(left, member_balance.credit), 0)


def oldest_first(states: Iterable[CallState]) -> list[CallState]:
    """The calls still to pay, oldest due date first, then by reference number."""
    open_calls = [s for s in states if s.outstanding > 0]
    return sorted(open_calls, key=lambda s: (s.call.due_on, s.call.issued_on, s.call.number))


def plan_allocations(
    amount: int,
    states: Sequence[CallState],
    wanted: Sequence[tuple[str, int | None]] | None = None,
) -> list[tuple[str, int]]:
    """How ``amount`` cents settle the member's calls: ``(call reference, cents)`` pairs.

    Without ``wanted``: oldest first, each call up to what it still asks. With ``wanted``, the
    treasurer's order: each named call gets the amount given (``None``: what it still asks, or
    what is left of the payment). A named call that is not the member's, is cancelled or paid, or
    is asked more than it owes is refused with its position. What is left is the member's credit.
    """
    if wanted is None:
        plan: list[tuple[str, int]] = []
        left = amount
        for state in oldest_first(states):
            if left <= 0:
                break
            part = min(left, state.outstanding)
            plan.append((state.call.reference, part))
            left -= part
        return plan
    return _explicit(amount, states, wanted)


def _explicit(
    amount: int, states: Sequence[CallState], wanted: Sequence[tuple[str, int | None]]
) -> list[tuple[str, int]]:
    by_reference = {s.call.reference: s for s in states}
    problems: list[Problem] = []
    plan: list[tuple[str, int]] = []
    left = amount
    seen: set[str] = set()
    for position, (call_reference, cents) in enumerate(wanted):
        field = f"allocations[{position}]"
        state = by_reference.get(call_reference)
        if call_reference in seen:
            problems.append(Problem(f"l'appel {call_reference} est nommé deux fois", field))
            continue
        seen.add(call_reference)
        if state is None:
            problems.append(
                Problem(f"l'appel {call_reference} n'est pas un appel de ce membre", field)
            )
            continue
        if state.outstanding == 0:
            problems.append(
                Problem(
                    f"l'appel {call_reference} est {state.status.label} : rien à imputer", field
                )
            )
            continue
        part = min(state.outstanding, left) if cents is None else cents
        if part <= 0:
            problems.append(Problem("le montant imputé doit être positif", field))
            continue
        if part > state.outstanding:
            problems.append(
                Problem(
                    f"l'appel {call_reference} ne demande plus que {_euros(state.outstanding)}",
                    field,
                )
            )
            continue
        plan.append((call_reference, part))
        left -= part
    if left < 0:
        problems.append(
            Problem(f"les imputations dépassent le paiement de {_euros(-left)}", "allocations")
        )
    if problems:
        raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
    return plan


def _euros(cents: int) -> str:
    return format_cents(cents)
