"""A write resumes the register from its running totals and one associate's operations
(``Register.resume``): it must decide and leave exactly what replaying the whole register would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.scic.capital import (
    CapitalFloor,
    CapitalOperation,
    OperationKind,
    PublicBodiesCap,
    Register,
    RegisterTotals,
    Subscription,
    Withdrawal,
    check_paying_up,
    check_refund,
    plan_subscription,
    plan_withdrawal,
)

SHARE = 5000
FLOOR = CapitalFloor(Fraction(1, 4), "loi n° 47-1775, art. 13")
CAP = PublicBodiesCap(Fraction(1, 2), "art. 19 septies", frozenset({"P1", "P2"}))
CODES = ("A", "B", "C", "P1", "P2")
START = date(2026, 1, 5)
AT = datetime(2026, 1, 5, tzinfo=UTC)

Action = tuple[str, int, int, int]  # kind, associate, a count, another

actions = st.lists(
    st.tuples(
        st.sampled_from(["souscription", "souscription", "retrait", "libération", "remboursement"]),
        st.integers(0, len(CODES) - 1),
        st.integers(1, 6),
        st.integers(0, 400),
    ),
    max_size=40,
)


def _operation(kind: OperationKind, code: str, day: date, **fields: object) -> CapitalOperation:
    values: dict[str, object] = {"shares": 0, "cents": 0, **fields}
    return CapitalOperation(
        number="", kind=kind, member_code=code, day=day, actor="t", recorded_at=AT, **values
    )  # type: ignore[arg-type]


def _decide(register: Register, action: Action, day: date, public: int) -> CapitalOperation:
    """The operation an action leads to on ``register``, or the refusal it meets; ``public``:
    the public bodies' capital before it (the service reads it from its running totals)."""
    what, index, count, other = action
    code = CODES[index]
    if what == "souscription":
        paid = count * SHARE if other % 2 else -(-count * SHARE // 4)
        request = Subscription(code, count, paid, day, SHARE, Fraction(1, 4), 3, 1, "Associés")
        amount, due = plan_subscription(register, request)
        operation = _operation(
            OperationKind.SUBSCRIPTION, code, day, shares=count, cents=amount, paid_cents=paid,
            due_on=due,
        )  # fmt: skip
    elif what == "retrait":
        request_out = Withdrawal(code, count, day, SHARE, other % 3 * 100, 12, 1, "", "Associés")
        nominal, paid, refund, refundable = plan_withdrawal(register, request_out)
        operation = _operation(
            OperationKind.WITHDRAWAL, code, day, shares=count, cents=nominal, paid_cents=paid,
            refund_cents=refund, due_on=refundable,
        )  # fmt: skip
    elif what == "libération":
        check_paying_up(register, code, other + 1)
        operation = _operation(OperationKind.PAYING_UP, code, day, cents=other + 1)
    else:
        numbers = sorted(register.withdrawals)
        number = numbers[other % len(numbers)] if numbers else "CAP-2026-9999"
        withdrawal = check_refund(register, number, day + timedelta(days=400))
        operation = _operation(
            OperationKind.REFUND, withdrawal.member_code, day + timedelta(days=400),
            cents=withdrawal.refund_cents, related=number,
        )  # fmt: skip
    after = register.after(operation)
    if operation.kind is OperationKind.WITHDRAWAL:
        FLOOR.check(after)
    if operation.kind in (OperationKind.SUBSCRIPTION, OperationKind.WITHDRAWAL):
        CAP.check_figures(public, register.subscribed, public + _moved(operation), after.subscribed)
    return operation


def _moved(operation: CapitalOperation) -> int:
    """What an operation adds to the public bodies' capital."""
    if operation.member_code not in CAP.members:
        return 0
    sign = {OperationKind.SUBSCRIPTION: 1, OperationKind.WITHDRAWAL: -1}.get(operation.kind, 0)
    return sign * operation.cents


def _outcome(register: Register, action: Action, day: date, public: int) -> CapitalOperation | str:
    try:
        return _decide(register, action, day, public)
    except GouvernanceError as refusal:
        return str(refusal)


@settings(max_examples=150, deadline=None)
@given(actions)
def test_the_running_totals_equal_the_register_replayed_after_any_sequence(
    sequence: list[Action],
) -> None:
    whole = Register()
    totals = RegisterTotals()
    public = 0  # the running total of the public bodies' categories
    recorded: list[CapitalOperation] = []
    day = START
    for number, action in enumerate(sequence, start=1):
        code = CODES[action[1]]
        if action[0] == "remboursement" and whole.withdrawals:
            numbers = sorted(whole.withdrawals)
            code = whole.withdrawals[numbers[action[3] % len(numbers)]].member_code
        resumed = Register.resume(totals, [o for o in recorded if o.member_code == code])
        expected = _outcome(whole, action, day, whole.subscribed_by(set(CAP.members)))
        found = _outcome(resumed, action, day, public)
        if isinstance(expected, str):
            assert found == expected  # the same refusal, in the same words
            continue
        assert isinstance(found, CapitalOperation)
        assert (found.kind, found.cents, found.paid_cents, found.refund_cents, found.due_on) == (
            expected.kind, expected.cents, expected.paid_cents, expected.refund_cents,
            expected.due_on,
        )  # fmt: skip
        found.number = f"CAP-{found.day.year}-{number:04d}"
        day = found.day
        resumed.apply(found)
        whole.apply(found)
        recorded.append(found)
        totals = resumed.totals
        public += _moved(found)
        assert totals == whole.totals
        assert public == whole.subscribed_by(set(CAP.members))
        held, replayed = resumed.holding(found.member_code), whole.holding(found.member_code)
        assert (held.shares, held.subscribed, held.paid, held.due_on) == (
            replayed.shares, replayed.subscribed, replayed.paid, replayed.due_on,
        )  # fmt: skip
    assert Register.replay(recorded).totals == totals
    assert totals.subscribed == sum(h.subscribed for h in whole.holdings.values())
    assert totals.paid == sum(h.paid for h in whole.holdings.values())


def test_a_register_resumed_from_totals_keeps_the_highest_capital_and_its_day() -> None:
    whole = Register()
    for number, (code, shares) in enumerate([("A", 8), ("B", 4)], start=1):
        operation = _operation(
            OperationKind.SUBSCRIPTION, code, START, shares=shares, cents=shares * SHARE,
            paid_cents=shares * SHARE,
        )  # fmt: skip
        operation.number = f"CAP-2026-{number:04d}"
        whole.apply(operation)
    resumed = Register.resume(whole.totals, [o for o in whole.operations if o.member_code == "A"])
    assert (resumed.subscribed, resumed.highest, resumed.highest_on) == (60000, 60000, START)
    assert set(resumed.holdings) == {"A"}
