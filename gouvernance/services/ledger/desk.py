"""The treasurer's desk: the week at a glance, and the calls found the way a treasurer asks
for them (overdue at a date, unpaid, of a category, of a batch, of a member by code or name),
with their totals.

Reads only, in one transaction each; the categories are those the calls were computed with
(frozen in each call's basis), not what the registry says today.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from gouvernance.domain.calls.ledger import CallState, call_states, payment_credits
from gouvernance.domain.calls.model import Call, CallBatch, CallStatus, Payment
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.ledger.calls import (
    MAX_PAGE,
    batch_references,
    check_day,
    clean_reference,
    today,
)
from gouvernance.services.ledger.ledger_views import BatchView, CallView
from gouvernance.services.ports import CallFilter, UnitOfWorkFactory

MAX_SEARCH = 80
RECENT_DAYS = 7


class CallGroup(StrEnum):
    """What the treasurer looks for: late calls, calls still to pay, paid ones, or all."""

    OVERDUE = "overdue"
    UNPAID = "unpaid"  # something still due: to pay, partly paid or late
    PAID = "paid"
    CANCELLED = "cancelled"
    ALL = "all"

    @property
    def label(self) -> str:
        return {
            CallGroup.OVERDUE: "en retard",
            CallGroup.UNPAID: "impayés (à payer, partiellement payés, en retard)",
            CallGroup.PAID: "payés",
            CallGroup.CANCELLED: "annulés",
            CallGroup.ALL: "tous",
        }[self]

    def matches(self, status: CallStatus) -> bool:
        if self is CallGroup.ALL:
            return True
        if self is CallGroup.UNPAID:
            return status in (CallStatus.DUE, CallStatus.PARTLY_PAID, CallStatus.OVERDUE)
        return status.value == self.value


@dataclass(frozen=True)
class CallSearch:
    group: CallGroup = CallGroup.ALL
    on: date | None = None
    category: str | None = None
    batch_reference: str | None = None
    member: str | None = None  # a code or part of a name, any case, accents or not
    fiscal_year: int | None = None


@dataclass(frozen=True)
class CallTotals:
    count: int
    called: int  # net of credit notes
    paid: int
    outstanding: int


@dataclass(frozen=True)
class CallSearchResult:
    items: tuple[CallView, ...]
    total: int
    offset: int
    limit: int
    totals: CallTotals  # of every call found, not only this page
    on: date


def fold(text: str) -> str:
    """Lower case without accents: « Crau », « crau » and « CRAU » find the same members."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _category(call: Call) -> str:
    try:
        found = json.loads(call.basis).get("category")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def find_calls(
    uows: UnitOfWorkFactory,
    actor: Actor,
    search: CallSearch,
    offset: int = 0,
    limit: int = 100,
) -> CallSearchResult:
    """The calls matching ``search`` as they stand at the end of ``search.on`` (default
    today), oldest first, with the totals of all of them."""
    actor.require(Permission.READ_LEDGER)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"la taille de page doit être entre 1 et {MAX_PAGE}", field="limit")
    if offset < 0:
        raise InvalidInput("le décalage ne peut pas être négatif", field="offset")
    on = check_day(search.on or today(), "on")
    wanted = fold(search.member or "")
    if len(wanted) > MAX_SEARCH:
        raise InvalidInput(
            f"recherche trop longue (au plus {MAX_SEARCH} caractères)", field="member"
        )
    batch = clean_reference(search.batch_reference, "batch") if search.batch_reference else None
    with uows() as uow:
        found: Sequence[Call] = uow.ledger.calls(
            CallFilter(fiscal_year=search.fiscal_year, batch_reference=batch)
        )
        if search.category:
            found = [c for c in found if _category(c) == search.category]
        if wanted:
            found = [
                c for c in found if wanted in fold(c.member_code) or wanted in fold(c.member_name)
            ]
        states = [
            s
            for s in call_states(found, uow.ledger.credit_notes(), uow.ledger.allocations(), on)
            if search.group.matches(s.status)
        ]
        names = batch_references(uow)
        page = states[offset : offset + limit]
        return CallSearchResult(
            items=tuple(CallView.of(s, names.get(s.call.batch_id, "")) for s in page),
            total=len(states),
            offset=offset,
            limit=limit,
            totals=_totals(states),
            on=on,
        )


def _totals(states: Sequence[CallState]) -> CallTotals:
    return CallTotals(
        count=len(states),
        called=sum(s.net for s in states),
        paid=sum(min(s.paid, max(s.net, 0)) for s in states),
        outstanding=sum(s.outstanding for s in states),
    )


# --------------------------------------------------------------------------------------------
# The week at a glance


@dataclass(frozen=True)
class BatchSummary:
    batch: BatchView
    called: int  # net of credit notes
    paid: int
    outstanding: int
    paid_count: int  # calls settled in full (or cancelled)


@dataclass(frozen=True)
class DeskSummary:
    on: date
    last_batch: BatchSummary | None
    batch_count: int
    outstanding: int  # still due on every call
    unpaid_count: int
    overdue_count: int
    overdue_cents: int
    received_recently: int  # payments of the last RECENT_DAYS days
    received_recently_count: int
    credit_total: int  # money members paid that no call absorbed nor a refund paid back
    credit_members: int


def week_at_a_glance(uows: UnitOfWorkFactory, actor: Actor, on: date | None = None) -> DeskSummary:
    """Where the ledger stands at the end of ``on`` (default today): the last batch and what
    it brought in, what is still due and what is late, recent payments, members' credit."""
    actor.require(Permission.READ_LEDGER)
    day = check_day(on or today(), "on")
    with uows() as uow:
        batches = uow.ledger.batches()
        every = uow.ledger.calls(CallFilter())
        parts = uow.ledger.allocations()
        states = call_states(every, uow.ledger.credit_notes(), parts, day)
        received = uow.ledger.payments()
        credits = payment_credits(received, parts, uow.ledger.refunds())
        return _summary(day, batches, states, received, credits)


def _summary(
    day: date,
    batches: Sequence[CallBatch],
    states: Sequence[CallState],
    received: Sequence[Payment],
    credits: Mapping[str, int],
) -> DeskSummary:
    """Read inside the unit of work: the records are still bound to its session."""
    last = None
    if batches:
        batch = batches[-1]
        mine = [s for s in states if s.call.batch_id == batch.id]
        totals = _totals(mine)
        last = BatchSummary(
            BatchView.of(batch),
            totals.called,
            totals.paid,
            totals.outstanding,
            sum(1 for s in mine if s.outstanding == 0),
        )
    late = [s for s in states if s.status is CallStatus.OVERDUE]
    since = day - timedelta(days=RECENT_DAYS - 1)
    recent = [p for p in received if since <= p.received_on <= day]
    per_member: dict[str, int] = {}
    for payment in received:
        left = credits.get(payment.reference, 0)
        if left > 0:
            per_member[payment.member_code] = per_member.get(payment.member_code, 0) + left
    return DeskSummary(
        on=day,
        last_batch=last,
        batch_count=len(batches),
        outstanding=sum(s.outstanding for s in states),
        unpaid_count=sum(1 for s in states if s.outstanding > 0),
        overdue_count=len(late),
        overdue_cents=sum(s.outstanding for s in late),
        received_recently=sum(p.cents for p in recent),
        received_recently_count=len(recent),
        credit_total=sum(per_member.values()),
        credit_members=len(per_member),
    )
