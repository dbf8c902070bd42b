"""The treasurer's lists read each call's figures summed by the database (``call_figures``)
instead of every call, credit note and allocation as records: on both databases, on a ledger
with payments in full and in part, an overpayment refunded, credit notes (in part, a
cancellation, one on a paid call), reminders sent and calls late, they give exactly what the
former computation gave (``call_states`` over the records, kept here as the reference): the
same rows in the same order, the same totals, at every date.

On the demo (PTCE Alpilles Réemploi), its 2027 calls issued on 20 November 2026, due on the 25th;
today is 12 December 2026.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.ledger import balance, call_states, payment_credits
from gouvernance.domain.calls.model import Call, CallStatus, PaymentMethod
from gouvernance.domain.calls.reminders import DueReminder, due_reminders
from gouvernance.domain.users import Actor, Role
from gouvernance.services.ledger import calls, desk, payments, refunds, treasury
from gouvernance.services.ledger.calls import batch_references
from gouvernance.services.ledger.ledger_views import BalanceView, BatchView, CallView
from gouvernance.services.ledger.reminder_rules import load_ladder
from gouvernance.services.ports import CallFilter, UnitOfWork

TREASURER = Actor("tresorier", Role.TREASURER)
ISSUED_ON = date(2026, 11, 20)
DUE_ON = date(2026, 11, 25)
TODAY = date(2026, 12, 12)
DAYS = (
    date(2026, 11, 19), DUE_ON - timedelta(days=1), DUE_ON, DUE_ON + timedelta(days=1),
    date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 10), TODAY, date(2027, 1, 15),
    date(2027, 3, 1),
)  # fmt: skip


@pytest.fixture
def ledger(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    """The demo's calls, with every kind of record the figures sum or the rules look at."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", TODAY.isoformat())
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, TREASURER, "demo-bareme-ca", issued_on=ISSUED_ON, due_on=DUE_ON,
        exclude_incomplete=True,
    )  # fmt: skip
    every = calls.list_calls(app.uows, TREASURER, calls.CallQuery(), limit=100).items
    assert len(every) >= 12
    owed = {c.member_code: c for c in every}
    codes = sorted(owed)
    transfer = PaymentMethod.TRANSFER

    def pay(
        code: str, cents: int, day: date, chosen: list[tuple[str, int | None]] | None = None
    ) -> None:
        payments.record_payment(app.uows, TREASURER, code, cents, day, transfer, allocations=chosen)

    def credit(code: str, cents: int | None, day: date) -> None:
        calls.credit_call(
            app.uows, TREASURER, owed[code].reference, "correction", cents=cents, on=day
        )

    a, b, c, d, e, f, g = codes[:7]
    # Paid in full before the due date; paid in part twice (once before, once after it).
    pay(a, owed[a].cents, date(2026, 11, 24))
    pay(b, owed[b].cents // 3, date(2026, 11, 22))
    pay(b, 1000, date(2026, 12, 2))
    # Overpaid, then part of the credit refunded; another overpayment left as credit.
    pay(c, owed[c].cents + 5000, date(2026, 12, 1))
    refunds.refund_overpayment(
        app.uows, TREASURER, c, 3000, date(2026, 12, 3), transfer, reason="trop-perçu"
    )
    pay(d, owed[d].cents + 777, date(2026, 12, 10))
    # Credit notes: part of an unpaid call, a whole call (cancelled), and on a paid call.
    credit(e, owed[e].cents // 2, date(2026, 11, 30))
    credit(f, None, date(2026, 12, 3))
    credit(a, 1500, date(2026, 12, 5))
    # A payment put on a chosen call, in part; the rest left as credit.
    pay(g, 2500, date(2026, 12, 11), [(owed[g].reference, 2000)])
    # The first reminders, sent on 10 December for the calls then late.
    treasury.send_reminders(app.uows, TREASURER, on=date(2026, 12, 10))
    return app


# --------------------------------------------------------------------------------------------
# The former computations, as they were: every record read, each call's state recomputed.


def _category(call: Call) -> str:
    try:
        found = json.loads(call.basis).get("category")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def former_find(
    app: Application, search: desk.CallSearch, offset: int, limit: int
) -> desk.CallSearchResult:
    on = search.on or TODAY
    wanted = desk.fold(search.member or "")
    with app.uows() as uow:
        found = list(
            uow.ledger.calls(
                CallFilter(fiscal_year=search.fiscal_year, batch_reference=search.batch_reference)
            )
        )
        if search.category:
            found = [c for c in found if _category(c) == search.category]
        if wanted:
            found = [
                c
                for c in found
                if wanted in desk.fold(c.member_code) or wanted in desk.fold(c.member_name)
            ]
        states = [
            s
            for s in call_states(found, uow.ledger.credit_notes(), uow.ledger.allocations(), on)
            if search.group.matches(s.status)
        ]
        names = batch_references(uow)
        return desk.CallSearchResult(
            items=tuple(
                CallView.of(s, names.get(s.call.batch_id, ""))
                for s in states[offset : offset + limit]
            ),
            total=len(states),
            offset=offset,
            limit=limit,
            totals=desk.CallTotals(
                count=len(states),
                called=sum(s.net for s in states),
                paid=sum(min(s.paid, max(s.net, 0)) for s in states),
                outstanding=sum(s.outstanding for s in states),
            ),
            on=on,
        )


def _former_due(uow: UnitOfWork, day: date) -> list[DueReminder]:
    states = call_states(
        uow.ledger.calls(CallFilter()), uow.ledger.credit_notes(), uow.ledger.allocations(), day
    )
    sent: dict[str, int] = {}
    last: dict[str, date] = {}
    for reminder in uow.ledger.reminders():
        if reminder.level > sent.get(reminder.call_reference, 0):
            sent[reminder.call_reference] = reminder.level
            last[reminder.call_reference] = reminder.sent_on
    return due_reminders(states, sent, load_ladder(), day, last_sent=last)


def former_summary(app: Application, day: date) -> desk.DeskSummary:
    with app.uows() as uow:
        batches = uow.ledger.batches()
        parts = uow.ledger.allocations()
        states = call_states(uow.ledger.calls(CallFilter()), uow.ledger.credit_notes(), parts, day)
        received = uow.ledger.payments()
        credits = payment_credits(received, parts, uow.ledger.refunds())
        batch = batches[-1]
        mine = [s for s in states if s.call.batch_id == batch.id]
        last = desk.BatchSummary(
            BatchView.of(batch),
            sum(s.net for s in mine),
            sum(min(s.paid, max(s.net, 0)) for s in mine),
            sum(s.outstanding for s in mine),
            sum(1 for s in mine if s.outstanding == 0),
        )
        late = [s for s in states if s.status is CallStatus.OVERDUE]
        since = day - timedelta(days=desk.RECENT_DAYS - 1)
        recent = [p for p in received if since <= p.received_on <= day]
        per_member: dict[str, int] = {}
        for payment in received:
            left = credits.get(payment.reference, 0)
            if left > 0:
                per_member[payment.member_code] = per_member.get(payment.member_code, 0) + left
        return desk.DeskSummary(
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
            reminders_due=len(_former_due(uow, day)),
        )


# --------------------------------------------------------------------------------------------


def test_the_ledger_has_every_status_somewhere(ledger: Application) -> None:
    seen = {
        v.status
        for day in DAYS
        for v in calls.list_calls(ledger.uows, TREASURER, calls.CallQuery(on=day), limit=100).items
    }
    assert seen == set(CallStatus)


@pytest.mark.parametrize("day", DAYS)
def test_the_searches_find_the_same_calls_in_the_same_order_with_the_same_totals(
    ledger: Application, day: date
) -> None:
    searches = [desk.CallSearch(group, on=day) for group in desk.CallGroup] + [
        desk.CallSearch(desk.CallGroup.UNPAID, on=day, category="producer"),
        desk.CallSearch(desk.CallGroup.ALL, on=day, category="nobody"),
        desk.CallSearch(desk.CallGroup.ALL, on=day, member="crau"),
        desk.CallSearch(desk.CallGroup.ALL, on=day, fiscal_year=2027),
        desk.CallSearch(desk.CallGroup.ALL, on=day, fiscal_year=2026),
    ]
    for search in searches:
        for offset, limit in ((0, 100), (0, 3), (4, 5), (50, 10)):
            assert desk.find_calls(ledger.uows, TREASURER, search, offset, limit) == former_find(
                ledger, search, offset, limit
            ), (search, offset, limit)


def test_a_batch_search_finds_the_same_calls(ledger: Application) -> None:
    batch = calls.list_batches(ledger.uows, TREASURER)[-1].reference
    search = desk.CallSearch(batch_reference=batch, on=date(2027, 1, 15))
    assert desk.find_calls(ledger.uows, TREASURER, search) == former_find(ledger, search, 0, 100)


@pytest.mark.parametrize("day", DAYS[1:])
def test_the_week_at_a_glance_and_the_reminders_due_are_the_same(
    ledger: Application, day: date
) -> None:
    summary = desk.week_at_a_glance(ledger.uows, TREASURER, day)
    assert summary == former_summary(ledger, day)
    with ledger.uows() as uow:
        former = list(treasury._views(uow, _former_due(uow, day)))
    assert treasury.reminders_due(ledger.uows, TREASURER, day) == former
    assert summary.reminders_due == len(former)


def test_somewhere_reminders_are_due_and_a_call_is_credited_paid_and_late(
    ledger: Application,
) -> None:
    """The comparisons above are not vacuous."""
    later = desk.week_at_a_glance(ledger.uows, TREASURER, date(2027, 3, 1))
    assert later.reminders_due > 0 and later.overdue_count > 0 and later.credit_total > 0
    assert desk.week_at_a_glance(ledger.uows, TREASURER, TODAY).reminders_due == 0


@pytest.mark.parametrize("day", DAYS)
def test_the_api_list_of_calls_is_the_same(ledger: Application, day: date) -> None:
    with ledger.uows() as uow:
        names = batch_references(uow)
        every = calls.states(uow, CallFilter(), day)
        views = [CallView.of(s, names.get(s.call.batch_id, "")) for s in every]
    for status in [None, *CallStatus]:
        expected = [v for v in views if status is None or v.status is status]
        for offset, limit in ((0, 100), (2, 3)):
            page = calls.list_calls(
                ledger.uows, TREASURER, calls.CallQuery(on=day, status=status), offset, limit
            )
            assert page.total == len(expected)
            assert list(page.items) == expected[offset : offset + limit], (status, offset)


def test_a_member_sees_their_own_calls_the_same_way(ledger: Application) -> None:
    code = calls.list_calls(ledger.uows, TREASURER, calls.CallQuery()).items[1].member_code
    member = replace(TREASURER, username="membre", role=Role.MEMBER, member_code=code)
    for day in DAYS:
        with ledger.uows() as uow:
            names = batch_references(uow)
            mine = calls.states(uow, CallFilter(member_code=code), day)
            expected = [CallView.of(s, names.get(s.call.batch_id, "")) for s in mine]
        found = calls.list_calls(ledger.uows, member, calls.CallQuery(on=day))
        assert list(found.items) == expected


def test_the_payments_page_shows_the_same_newest_payments_and_totals(ledger: Application) -> None:
    """``recent_payments`` (figures summed, the newest read whole) against ``list_payments``
    (every payment and allocation read), sorted and summed as the page did."""
    codes = [None, *sorted({p.member_code for p in payments.list_payments(ledger.uows, TREASURER)})]
    for code in codes:
        every = payments.list_payments(ledger.uows, TREASURER, code)
        newest = sorted(every, key=lambda p: (p.received_on, p.reference), reverse=True)
        for limit in (200, 3, 1):
            found = payments.recent_payments(ledger.uows, TREASURER, code, limit)
            assert found.items == tuple(newest[:limit]), (code, limit)
            assert (found.count, found.total, found.credit) == (
                len(every),
                sum(p.cents for p in every),
                sum(max(p.unallocated, 0) for p in every),
            )
    assert payments.recent_payments(ledger.uows, TREASURER).credit > 0


def former_balances(app: Application, day: date) -> list[BalanceView]:
    """``payments.balances`` as it was: every call, note, payment and refund read."""
    with app.uows() as uow:
        every = uow.ledger.calls(CallFilter())
        notes = uow.ledger.credit_notes()
        received = uow.ledger.payments()
        refunded = uow.ledger.refunds()
        names = {c.member_code: c.member_name for c in every}
        codes = sorted(set(names) | {p.member_code for p in received})
        for code in codes:
            if code not in names and (member := uow.members.get(code)) is not None:
                names[code] = member.display_name
        return [
            BalanceView.of(
                balance(
                    code,
                    [c for c in every if c.member_code == code],
                    [n for n in notes if n.member_code == code],
                    [p for p in received if p.member_code == code],
                    day,
                    [r for r in refunded if r.member_code == code],
                ),
                names.get(code, code),
                (),
            )
            for code in codes
        ]


@pytest.mark.parametrize("day", DAYS)
def test_the_balances_are_the_same_as_from_every_record(ledger: Application, day: date) -> None:
    """``balances`` sums each member's entries in SQL, as the former reading of every record
    did, and as ``member_balance`` does for one member (the calls' detail aside)."""
    found = payments.balances(ledger.uows, TREASURER, day)
    assert found == former_balances(ledger, day)
    assert len(found) >= 12
    if day >= TODAY:
        assert any(b.refunded for b in found) and any(b.credit for b in found)
    for view in found:
        whole = payments.member_balance(ledger.uows, TREASURER, view.member_code, day)
        assert view == replace(whole, calls=()), view.member_code
