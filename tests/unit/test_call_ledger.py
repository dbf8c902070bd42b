"""The ledger's arithmetic, without a database: statuses, balances, allocations, bases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gouvernance.domain.calls.issuing import basis_of, payer_from_basis, plan_issue
from gouvernance.domain.calls.ledger import (
    balance,
    call_state,
    call_states,
    call_status,
    credits_left,
    figures,
    oldest_first,
    payment_credits,
    plan_allocations,
)
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallKind,
    CallStatus,
    CreditNote,
    Payment,
    PaymentMethod,
    Refund,
    parse_method,
    reference,
)
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Payer, assess

ISSUED = date(2027, 1, 15)
DUE = date(2027, 3, 31)
NOW = date(2027, 2, 1)


def call(number: int, cents: int, *, due_on: date = DUE, member: str = "M0001") -> Call:
    return Call(
        reference=reference("AC", 2027, number),
        batch_id=1,
        number=number,
        kind=CallKind.FEE,
        fiscal_year=2027,
        member_code=member,
        member_name="Ressourcerie",
        cents=cents,
        issued_on=ISSUED,
        due_on=due_on,
        basis="{}",
    )


def paid(call_: Call, cents: int, on: date = NOW) -> Allocation:
    return Allocation("RG-2027-0001", call_.reference, call_.member_code, cents, on)


def credited(call_: Call, cents: int, on: date = NOW) -> CreditNote:
    return CreditNote(
        "AV-2027-0001", call_.reference, call_.member_code, cents, "erreur", on, "tresorier", NOW
    )


def test_references_have_four_digits_and_grow_past_9999() -> None:
    assert reference("AC", 2027, 1) == "AC-2027-0001"
    assert reference("AC", 2027, 12345) == "AC-2027-12345"


@pytest.mark.parametrize(
    ("word", "method"),
    [
        ("virement", PaymentMethod.TRANSFER),
        ("Chèque", PaymentMethod.CHEQUE),
        ("especes", PaymentMethod.CASH),
        ("prélèvement", PaymentMethod.DIRECT_DEBIT),
        ("direct_debit", PaymentMethod.DIRECT_DEBIT),
    ],
)
def test_a_payment_method_is_read_in_french_or_by_its_identifier(
    word: str, method: PaymentMethod
) -> None:
    assert parse_method(word) is method


def test_an_unknown_payment_method_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="virement, chèque, espèces, prélèvement"):
        parse_method("bitcoin")


def test_a_call_goes_from_due_to_partly_paid_to_paid() -> None:
    c = call(1, 20000)
    assert call_state(c, [], [], NOW).status is CallStatus.DUE
    half = call_state(c, [], [paid(c, 8000)], NOW)
    assert (half.status, half.outstanding) == (CallStatus.PARTLY_PAID, 12000)
    assert call_state(c, [], [paid(c, 8000), paid(c, 12000)], NOW).status is CallStatus.PAID


def test_a_call_is_overdue_the_day_after_its_due_date_not_on_it() -> None:
    c = call(1, 20000)
    assert call_state(c, [], [], DUE).status is CallStatus.DUE
    late = call_state(c, [], [paid(c, 5000)], date(2027, 4, 1))
    assert (late.status, late.days_late) == (CallStatus.OVERDUE, 1)


def test_a_credit_note_for_all_that_is_left_cancels_the_call() -> None:
    c = call(1, 20000)
    assert call_state(c, [credited(c, 20000)], [], NOW).status is CallStatus.CANCELLED
    partial = call_state(c, [credited(c, 5000)], [], NOW)
    assert (partial.status, partial.net, partial.outstanding) == (CallStatus.DUE, 15000, 15000)


def test_records_dated_after_the_day_asked_are_ignored() -> None:
    c = call(1, 20000)
    later = paid(c, 20000, on=date(2027, 5, 1))
    assert call_state(c, [], [later], NOW).status is CallStatus.DUE
    assert call_state(c, [], [later], date(2027, 5, 1)).status is CallStatus.PAID
    assert call_states([c], [], [], date(2027, 1, 1)) == []  # not yet issued


def test_the_balance_is_called_minus_credit_notes_minus_received() -> None:
    c1, c2 = call(1, 20000), call(2, 5000)
    received = [
        Payment("RG-2027-0001", "M0001", 30000, NOW, PaymentMethod.CHEQUE, "", "t", NOW),
    ]
    account = balance("M0001", [c1, c2], [credited(c2, 1000)], received, NOW)
    assert (account.called, account.credited, account.received) == (25000, 1000, 30000)
    assert (account.owed, account.credit) == (-6000, 6000)


def test_a_payment_settles_the_oldest_due_call_first_and_the_rest_is_credit() -> None:
    older, newer = call(2, 10000, due_on=date(2027, 1, 31)), call(1, 10000)
    states = call_states([newer, older], [], [], NOW)
    assert [s.call.reference for s in oldest_first(states)] == ["AC-2027-0002", "AC-2027-0001"]
    assert plan_allocations(15000, states) == [("AC-2027-0002", 10000), ("AC-2027-0001", 5000)]
    assert plan_allocations(25000, states) == [("AC-2027-0002", 10000), ("AC-2027-0001", 10000)]


def test_the_treasurer_may_say_which_calls_a_payment_settles() -> None:
    c1, c2 = call(1, 10000), call(2, 10000)
    states = call_states([c1, c2], [], [], NOW)
    assert plan_allocations(12000, states, [("AC-2027-0002", None), ("AC-2027-0001", 2000)]) == [
        ("AC-2027-0002", 10000),
        ("AC-2027-0001", 2000),
    ]


def test_an_explicit_allocation_names_each_wrong_line() -> None:
    c1 = call(1, 10000)
    states = call_states([c1], [], [paid(c1, 10000)], NOW)
    with pytest.raises(InvalidInput) as refused:
        plan_allocations(5000, states, [("AC-2027-0001", 100), ("AC-2027-0099", 100)])
    assert [p.field for p in refused.value.problems] == ["allocations[0]", "allocations[1]"]
    assert "payé" in refused.value.problems[0].message


def test_an_explicit_allocation_may_not_exceed_the_payment_or_the_call() -> None:
    states = call_states([call(1, 10000)], [], [], NOW)
    with pytest.raises(InvalidInput, match="ne demande plus que 100,00"):
        plan_allocations(50000, states, [("AC-2027-0001", 20000)])
    with pytest.raises(InvalidInput, match="dépassent le paiement"):
        plan_allocations(5000, states, [("AC-2027-0001", 8000)])


@given(
    amount=st.integers(min_value=1, max_value=10**8),
    calls=st.lists(st.integers(min_value=1, max_value=10**7), min_size=0, max_size=8),
)
def test_an_allocation_never_takes_more_than_the_payment_nor_than_a_call_asks(
    amount: int, calls: list[int]
) -> None:
    made = [call(i + 1, cents) for i, cents in enumerate(calls)]
    plan = plan_allocations(amount, call_states(made, [], [], NOW))
    assert sum(part for _, part in plan) == min(amount, sum(calls))
    asked = {c.reference: c.cents for c in made}
    assert all(0 < part <= asked[ref] for ref, part in plan)


NAMES = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")


@given(name=NAMES, label=NAMES, revenue=st.integers(min_value=-(10**12), max_value=10**12))
def test_a_basis_is_valid_json_that_gives_back_the_same_payer(
    name: str, label: str, revenue: int
) -> None:
    payer = Payer(
        code="M0001",
        name=name,
        category="producer",
        joined_on=date(2024, 1, 1),
        left_on=date(2027, 6, 30),
        facts={(FactKind.REVENUE, 2026): Decimal(revenue) / 100, (FactKind.PROFIT, 2026): 1},
        category_label=label,
    )
    text = basis_of(payer, {(FactKind.REVENUE, 2026)})
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True)
    back = payer_from_basis("M0001", text)
    assert (back.name, back.category_label, back.left_on) == (name, label, payer.left_on)
    assert back.facts == {(FactKind.REVENUE, 2026): Decimal(revenue) / 100}  # only what is read


SCHEDULE = """
id: essai
label: Essai
fiscal_year: 2027
adopted: {date: 2026-11-14, decision: AG du 14 novembre 2026}
fee:
  by_category:
    beneficiary: "0,00"
    default:
      rate: {rate: "1 %", base: revenue, year: 2026}
"""


def payer(code: str, category: str = "producer", revenue: str | None = "10000") -> Payer:
    facts = {} if revenue is None else {(FactKind.REVENUE, 2026): Decimal(revenue)}
    return Payer(code, f"Membre {code}", category, date(2020, 1, 1), facts=facts)


def test_issuing_calls_the_liable_lists_the_missing_and_leaves_out_the_exempt_and_called() -> None:
    schedule = parse_schedule_text(SCHEDULE, "essai.yaml")
    gone = Payer("GONE", "Parti", "producer", date(2020, 1, 1), date(2026, 6, 30))
    payers = [
        payer("A"),
        payer("B", revenue=None),
        payer("C", category="beneficiary"),
        payer("D"),
        gone,
    ]
    plan = plan_issue(schedule, payers, already_called={"D"})
    assert [(code, cents) for code, _, cents, _ in plan.lines] == [("A", 10000)]
    assert [a.member_code for a in plan.missing] == ["B"]
    assert [p.code for p in plan.exempt] == ["C"]
    assert plan.total == 10000
    assert schedule.adopted_on == date(2026, 11, 14)


def test_the_explanation_rebuilt_from_the_basis_is_the_one_of_the_day_of_issue() -> None:
    schedule = parse_schedule_text(SCHEDULE, "essai.yaml")
    member = payer("A", revenue="12345.67")
    ((code, name, cents, basis),) = plan_issue(schedule, [member], set()).lines
    rebuilt = assess(schedule, payer_from_basis(code, basis))
    assert rebuilt.cents == cents == 12346
    assert (code, name) == ("A", "Membre A")
    assert rebuilt.explain() == assess(schedule, member).explain()


def _status_as_it_was(net: int, paid: int, due_on: date, on: date) -> CallStatus:
    """``CallState.status`` before the rule became ``call_status``, word for word."""
    outstanding = max(net - paid, 0)
    if net <= 0:
        return CallStatus.CANCELLED
    if outstanding == 0:
        return CallStatus.PAID
    if on > due_on:
        return CallStatus.OVERDUE
    return CallStatus.PARTLY_PAID if paid > 0 else CallStatus.DUE


AMOUNTS = st.integers(min_value=0, max_value=10**9)
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))


@given(
    cents=AMOUNTS,
    credits=st.lists(st.tuples(st.integers(min_value=1, max_value=10**8), DAYS), max_size=3),
    allocations=st.lists(st.tuples(st.integers(min_value=1, max_value=10**8), DAYS), max_size=4),
    due_on=DAYS,
    on=DAYS,
)
def test_the_figures_a_query_sums_give_the_state_of_the_call_read_whole(
    cents: int,
    credits: list[tuple[int, date]],
    allocations: list[tuple[int, date]],
    due_on: date,
    on: date,
) -> None:
    """The treasurer's lists read ``CallFigures`` (credit notes and allocations summed by the
    database up to ``on``): same net, outstanding, status as ``call_state`` over the records."""
    the_call = call(1, cents, due_on=due_on)
    notes = [credited(the_call, c, day) for c, day in credits]
    parts = [paid(the_call, c, day) for c, day in allocations]
    state = call_state(the_call, notes, parts, on)
    found = figures(
        1, the_call.reference, 1, "M0001", "Ressourcerie", cents, due_on,
        sum(c for c, day in credits if day <= on), sum(c for c, day in allocations if day <= on),
        on,
    )  # fmt: skip
    assert (found.net, found.outstanding, found.paid) == (state.net, state.outstanding, state.paid)
    assert found.status is state.status is call_status(state.net, state.paid, due_on, on)
    assert state.status is _status_as_it_was(state.net, state.paid, due_on, on)


@given(
    payments=st.lists(
        st.tuples(st.sampled_from(["A", "B"]), st.integers(1, 10**6), st.integers(0, 10**6)),
        max_size=6,
    ),
    refunded=st.dictionaries(st.sampled_from(["A", "B"]), st.integers(1, 10**6)),
)
def test_credits_from_sums_are_the_credits_from_records(
    payments: list[tuple[str, int, int]], refunded: dict[str, int]
) -> None:
    """The desk's home sums each payment's allocations in SQL: ``credits_left`` on those sums
    is ``payment_credits`` on the records."""
    moment = datetime(2027, 2, 1, tzinfo=UTC)
    transfer = PaymentMethod.TRANSFER
    records = [
        Payment(f"RG-2027-{n:04d}", code, cents, NOW, transfer, "", "t", moment)
        for n, (code, cents, _) in enumerate(payments)
    ]
    parts = [
        Allocation(p.reference, "AC-2027-0001", p.member_code, used, NOW)
        for p, (_, _, used) in zip(records, payments, strict=True)
        if used
    ]
    backs = [
        Refund(f"RB-2027-{n:04d}", code, cents, NOW, transfer, "", "", "t", moment)
        for n, (code, cents) in enumerate(refunded.items())
    ]
    sums = [
        (p.reference, p.member_code, p.cents, used)
        for p, (_, _, used) in zip(records, payments, strict=True)
    ]
    assert credits_left(sums, refunded) == payment_credits(records, parts, backs)
