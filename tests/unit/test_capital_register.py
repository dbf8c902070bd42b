"""The register's pure rules: replay, subscriptions, withdrawals, the floor and the public cap."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gouvernance.domain.errors import Conflict, GouvernanceError, InvalidInput
from gouvernance.domain.scic.capital import (
    CapitalFloor,
    CapitalOperation,
    OperationKind,
    PublicBodiesCap,
    Register,
    Subscription,
    Withdrawal,
    add_months,
    add_years,
    check_paying_up,
    check_refund,
    plan_subscription,
    plan_withdrawal,
)

SHARE = 5000  # 50,00 € in cents
FLOOR = CapitalFloor(Fraction(1, 4), "loi n° 47-1775, art. 13")
AT = datetime(2026, 11, 22, tzinfo=UTC)


def _operation(kind: OperationKind, code: str, day: date, **fields: object) -> CapitalOperation:
    values: dict[str, object] = {"shares": 0, "cents": 0, **fields}
    return CapitalOperation(
        number="", kind=kind, member_code=code, day=day, actor="t", recorded_at=AT, **values
    )  # type: ignore[arg-type]


def _subscribe(register: Register, code: str, shares: int, paid: int, day: date) -> None:
    request = Subscription(code, shares, paid, day, SHARE, Fraction(1, 4), 3, 1, "Associés")
    amount, due = plan_subscription(register, request)
    operation = _operation(
        OperationKind.SUBSCRIPTION, code, day, shares=shares, cents=amount, paid_cents=paid,
        due_on=due,
    )  # fmt: skip
    operation.number = f"CAP-{day.year}-{len(register.operations) + 1:04d}"
    register.apply(operation)


def _withdraw(register: Register, code: str, shares: int, day: date, loss: int = 0) -> None:
    request = Withdrawal(code, shares, day, SHARE, loss, 12, 1, "", "Associés")
    nominal, paid, refund, refundable = plan_withdrawal(register, request)
    operation = _operation(
        OperationKind.WITHDRAWAL, code, day, shares=shares, cents=nominal, paid_cents=paid,
        refund_cents=refund, due_on=refundable,
    )  # fmt: skip
    operation.number = f"CAP-{day.year}-{len(register.operations) + 1:04d}"
    after = register.after(operation)
    FLOOR.check(after)
    register.apply(operation)


def test_the_balance_of_a_subscription_made_on_29_february_is_due_on_28_february() -> None:
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_a_refund_delay_in_months_stops_at_the_end_of_a_shorter_month() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 11, 16), 12) == date(2027, 11, 16)


def test_a_subscription_paying_less_than_a_quarter_rounded_up_to_the_cent_is_refused() -> None:
    register = Register()
    # 3 parts = 150 € ; le quart = 37,50 €. 7 parts = 350 € ; le quart = 87,50 €.
    with pytest.raises(InvalidInput, match="soit 37,50"):
        _subscribe(register, "A", 3, 3749, date(2026, 1, 5))
    _subscribe(register, "A", 3, 3750, date(2026, 1, 5))
    assert (register.subscribed, register.paid) == (15000, 3750)


def test_paying_more_than_what_is_still_owed_is_refused() -> None:
    register = Register()
    _subscribe(register, "A", 4, 5000, date(2026, 1, 5))
    check_paying_up(register, "A", 15000)
    with pytest.raises(InvalidInput, match="au plus de 150,00"):
        check_paying_up(register, "A", 15001)
    with pytest.raises(Conflict, match="rien à libérer"):
        check_paying_up(register, "B", 100)


def test_paying_up_settles_the_oldest_subscription_first() -> None:
    register = Register()
    _subscribe(register, "A", 4, 5000, date(2026, 1, 5))  # 150 € due by 05/01/2029
    _subscribe(register, "A", 4, 5000, date(2026, 6, 1))  # 150 € due by 01/06/2029
    register.apply(_operation(OperationKind.PAYING_UP, "A", date(2026, 7, 1), cents=15000))
    holding = register.holding("A")
    assert (holding.unpaid, holding.due_on) == (15000, date(2029, 6, 1))
    assert not holding.late_on(date(2029, 6, 1))
    assert holding.late_on(date(2029, 6, 2))


def test_a_withdrawal_refunds_the_paid_part_less_losses_never_below_zero() -> None:
    register = Register()
    _subscribe(register, "A", 10, 50000, date(2026, 1, 5))
    _subscribe(register, "B", 10, 12500, date(2026, 1, 5))
    request = Withdrawal("B", 4, date(2026, 2, 1), SHARE, 300, 12, 1, "", "Associés")
    # 4 des 10 parts : 4/10 de 125 € libérés = 50 € ; pertes 4 × 3 € = 12 € ; rembourse 38 €.
    assert plan_withdrawal(register, request) == (20000, 5000, 3800, date(2027, 2, 1))
    heavy = Withdrawal("B", 10, date(2026, 2, 1), SHARE, 5000, 12, 1, "", "Associés")
    assert plan_withdrawal(register, heavy)[2] == 0


def test_a_refund_is_refused_before_its_day_and_the_second_time() -> None:
    register = Register()
    _subscribe(register, "A", 10, 50000, date(2026, 1, 5))
    _subscribe(register, "B", 10, 50000, date(2026, 1, 5))
    _withdraw(register, "B", 10, date(2026, 2, 1))
    number = register.operations[-1].number
    with pytest.raises(InvalidInput, match="remboursable à partir du 01/02/2027"):
        check_refund(register, number, date(2027, 1, 31))
    withdrawal = check_refund(register, number, date(2027, 2, 1))
    refund = _operation(
        OperationKind.REFUND, "B", date(2027, 2, 1), cents=withdrawal.refund_cents, related=number
    )
    refund.number = "CAP-2027-0001"
    register.apply(refund)
    with pytest.raises(Conflict, match="déjà été remboursé"):
        check_refund(register, number, date(2027, 3, 1))


def test_public_bodies_over_the_cap_are_refused_unless_the_operation_lowers_their_share() -> None:
    cap = PublicBodiesCap(Fraction(1, 2), "art. 19 septies", frozenset({"COMMUNE"}))
    before = Register()
    _subscribe(before, "A", 10, 50000, date(2026, 1, 5))
    _subscribe(before, "COMMUNE", 10, 50000, date(2026, 1, 5))
    more = before.after(
        _operation(OperationKind.SUBSCRIPTION, "COMMUNE", date(2026, 2, 1), shares=1, cents=SHARE)
    )
    with pytest.raises(Conflict, match="au-delà du maximum de 50"):
        cap.check(before, more)
    cap.check(before, before)  # exactly half: allowed


steps = st.lists(
    st.tuples(
        st.sampled_from(["subscribe", "withdraw"]),
        st.sampled_from(["A", "B", "C"]),
        st.integers(min_value=1, max_value=40),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_no_sequence_of_accepted_operations_ever_breaks_the_floor(
    sequence: list[tuple[str, str, int]],
) -> None:
    register = Register()
    for index, (action, code, shares) in enumerate(sequence):
        day = date.fromordinal(date(2026, 1, 1).toordinal() + index)
        try:
            if action == "subscribe":
                _subscribe(register, code, shares, shares * SHARE, day)
            else:
                _withdraw(register, code, shares, day)
        except GouvernanceError:
            pass
        assert register.subscribed >= register.floor(Fraction(1, 4))
        assert register.subscribed == sum(h.shares for h in register.holdings.values()) * SHARE
        for holding in register.holdings.values():
            assert holding.shares >= 0 and 0 <= holding.paid <= holding.subscribed


def test_a_withdrawal_is_valued_at_the_nominal_subscribed_even_if_the_share_value_changed() -> None:
    register = Register()
    _subscribe(register, "A", 20, 100000, date(2027, 1, 5))  # 20 × 50 € fully paid
    doubled = Withdrawal("A", 10, date(2027, 2, 1), 2 * SHARE, 0, 12, 1, "", "Associés")
    nominal, paid, refund, _ = plan_withdrawal(register, doubled)
    assert (nominal, paid, refund) == (50000, 50000, 50000)


def test_operations_of_one_day_replay_in_number_order_past_ten_thousand() -> None:
    day = date(2027, 3, 1)
    later = _operation(
        OperationKind.SUBSCRIPTION, "B", day, shares=1, cents=SHARE, paid_cents=SHARE
    )
    later.number = "CAP-2027-10000"
    first = _operation(
        OperationKind.SUBSCRIPTION, "B", day, shares=1, cents=SHARE, paid_cents=SHARE
    )
    first.number = "CAP-2027-9999"
    register = Register.replay([later, first])
    assert [o.number for o in register.operations] == ["CAP-2027-9999", "CAP-2027-10000"]
