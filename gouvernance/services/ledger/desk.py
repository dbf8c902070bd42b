"""The treasurer's desk: the week at a glance, and the calls found the way a treasurer asks
for them (overdue at a date, unpaid, of a category, of a batch, of a member by code or name),
with their totals.

Reads only, in one transaction each; the categories are those the calls were computed with
(frozen in each call's basis), not what the registry says today.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from gouvernance.domain.calls.ledger import CallFigures, credits_left
from gouvernance.domain.calls.model import CallBatch, CallStatus
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
from gouvernance.services.ledger.reminder_rules import load_ladder
from gouvernance.services.ledger.treasury import count_due
from gouvernance.services.memo import kept_under, memo
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

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
    filters = CallFilter(fiscal_year=search.fiscal_year, batch_reference=batch)
    with uows() as uow:
        # The calls found and their totals, kept under the ledger's version like their figures
        # (``call_figures``): each page of a search would otherwise filter and total them all.
        def search_all() -> tuple[Sequence[CallFigures], CallTotals]:
            found = call_figures(uows, uow, filters, on, search.category or None)
            if wanted:
                found = [
                    f
                    for f in found
                    if wanted in fold(f.member_code) or wanted in fold(f.member_name)
                ]
            if search.group is not CallGroup.ALL:
                found = [f for f in found if search.group.matches(f.status)]
            return tuple(found), _totals(found)

        key = (filters, on, search.category or None, wanted, search.group)
        kept = memo(uows, "find_calls", kept=8)
        found, totals = kept_under(kept, uow.ledger.version, key, search_all)
        page = found[offset : offset + limit]
        return CallSearchResult(
            items=page_views(uow, page),
            total=len(found),
            offset=offset,
            limit=limit,
            totals=totals,
            on=on,
        )


def call_figures(
    uows: UnitOfWorkFactory,
    uow: UnitOfWork,
    filters: CallFilter,
    on: date,
    category: str | None = None,
) -> Sequence[CallFigures]:
    """Every call's figures at the end of ``on``, kept under the ledger's version (``memo``):
    the treasurer's overview and call list, opened again and again, cost a few index lookups
    instead of summing 10 000 calls each time; any call, note or allocation recorded moves the
    version. Kept only if the version did not move while the figures were read."""
    kept = memo(uows, "call_figures", kept=4)
    return kept_under(
        kept,
        uow.ledger.version,
        (filters, on, category),
        lambda: tuple(uow.ledger.call_figures(filters, on, category=category)),
    )


def page_views(uow: UnitOfWork, page: Sequence[CallFigures]) -> tuple[CallView, ...]:
    """The views of a page of calls: their figures are those already summed, and only the
    columns they lack (kind, year, issue day) are read, not the calls' records."""
    columns = uow.ledger.call_columns([f.id for f in page])
    names = batch_references(uow) if page else {}
    return tuple(CallView.of_figures(f, names.get(f.batch_id, ""), *columns[f.id]) for f in page)


def _totals(states: Sequence[CallFigures]) -> CallTotals:
    """One pass over the figures: a search may total 100 000 calls."""
    called = paid = outstanding = 0
    for state in states:
        net = state.net
        called += net
        paid += min(state.paid, max(net, 0))
        outstanding += state.outstanding
    return CallTotals(count=len(states), called=called, paid=paid, outstanding=outstanding)


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
    reminders_due: int = 0  # what ``treasury.reminders_due`` lists on that day


def week_at_a_glance(uows: UnitOfWorkFactory, actor: Actor, on: date | None = None) -> DeskSummary:
    """Where the ledger stands at the end of ``on`` (default today): the last batch and what
    it brought in, what is still due and what is late, recent payments, members' credit, and
    how many reminders are due. Every call's figures are summed by the database once, in one
    query, whatever the number of calls, notes and allocations."""
    actor.require(Permission.READ_LEDGER)
    day = check_day(on or today(), "on")
    ladder = load_ladder()
    with uows() as uow:
        batches = uow.ledger.batches()
        # The same for every treasurer until a call, note, allocation, payment, refund or
        # reminder is recorded (the ledger's version, migration 0015): kept under it, since
        # counting the reminders due walks every call (tens of milliseconds at 10 000 calls).
        kept = memo(uows, "week_at_a_glance", kept=4)
        version = uow.ledger.version()
        key = (version, day, ladder, tuple(b.id for b in batches))
        found: DeskSummary | None = kept.get(key)
        if found is not None:
            # The last batch's record as read now (a batch is not append-only).
            last = found.last_batch and replace(found.last_batch, batch=BatchView.of(batches[-1]))
            return replace(found, last_batch=last)
        states = call_figures(uows, uow, CallFilter(), day)
        received = uow.ledger.payment_figures()
        credits = credits_left(
            ((ref, code, cents, used) for ref, code, cents, _, used in received),
            uow.ledger.refunded(),
        )
        summary = _summary(day, batches, states, received, credits)
        summary = replace(summary, reminders_due=count_due(uow, states, ladder))
        if uow.ledger.version() == version:
            kept.put(key, summary)
        return summary


def _summary(
    day: date,
    batches: Sequence[CallBatch],
    states: Sequence[CallFigures],
    received: Sequence[tuple[str, str, int, date, int]],
    credits: Mapping[str, int],
) -> DeskSummary:
    """Read inside the unit of work: the batch records are still bound to its session."""
    last = None
    if batches:
        batch = batches[-1]
        mine = [s for s in states if s.batch_id == batch.id]
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
    recent = [cents for _, _, cents, received_on, _ in received if since <= received_on <= day]
    per_member: dict[str, int] = {}
    for reference, member_code, _, _, _ in received:
        left = credits.get(reference, 0)
        if left > 0:
            per_member[member_code] = per_member.get(member_code, 0) + left
    return DeskSummary(
        on=day,
        last_batch=last,
        batch_count=len(batches),
        outstanding=sum(s.outstanding for s in states),
        unpaid_count=sum(1 for s in states if s.outstanding > 0),
        overdue_count=len(late),
        overdue_cents=sum(s.outstanding for s in late),
        received_recently=sum(recent),
        received_recently_count=len(recent),
        credit_total=sum(per_member.values()),
        credit_members=len(per_member),
    )
