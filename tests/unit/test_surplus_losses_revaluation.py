"""Interest on shares after the 2024 audit: losses brought forward forbid it, the public and
associative support is named as the law names it, and refunds above nominal within the
revaluation reserve are a dated statute option (loi n° 2024-537, « à vérifier »)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.scic.revaluation import refund_above_nominal
from gouvernance.domain.scic.statutes import SurplusPolicy
from gouvernance.domain.scic.surplus import INTEREST, allocate_surplus
from gouvernance.services.scic.scic_rules import load_law

LAW = load_law()
AG_2025 = date(2025, 6, 30)
POLICY = SurplusPolicy(
    legal_reserve=Fraction(15, 100),
    statutory_reserve=Fraction(50, 100),
    interest_rate=Fraction(2, 100),
    ristourne=Fraction(0),
)


def allocation(losses: str, rate: Fraction | None = Fraction(2, 100), support: str = "0") -> object:
    return allocate_surplus(
        fiscal_year=2024,
        surplus=Decimal("10000"),
        reserves_before=Decimal(0),
        subscribed_capital=Decimal(1500),
        paid_up={"A": Decimal(500), "B": Decimal(1000)},
        public_support=Decimal(support),
        policy=POLICY,
        law=LAW,
        assembly_day=AG_2025,
        interest_rate=rate,
        losses_brought_forward=Decimal(losses),
    )


def test_interest_is_refused_while_losses_brought_forward_are_not_absorbed() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation("1200.00")
    assert refused.value.field == "losses_brought_forward"
    assert refused.value.message.startswith(
        "intérêt aux parts refusé : des pertes antérieures de 1\u202f200,00\xa0€ ne sont pas "
        "encore apurées"
    )
    assert "art. 14 et 19 nonies" in refused.value.message


def test_without_interest_losses_brought_forward_do_not_stop_the_allocation() -> None:
    result = allocation("1200.00", rate=Fraction(0))
    assert result.line(INTEREST).amount == Decimal("0.00")  # type: ignore[attr-defined]
    assert result.losses_brought_forward == Decimal("1200.00")  # type: ignore[attr-defined]


def test_absorbed_losses_leave_the_interest_as_it_was() -> None:
    assert allocation("0").line(INTEREST).amount == Decimal("30.00")  # type: ignore[attr-defined]


def test_negative_losses_are_refused_with_their_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation("-1.00")
    assert refused.value.field == "losses_brought_forward"


def test_the_interest_base_names_public_bodies_their_groupements_and_associations() -> None:
    line = allocation("0", support="9990.00").line(INTEREST)  # type: ignore[attr-defined]
    assert (
        "hors subventions, encouragements et autres moyens financiers des collectivités "
        "publiques, de leurs groupements et des associations" in line.explanation
    )
    assert "9\u202f990,00\xa0€ d'aides publiques et associatives" in line.explanation


OPTED_IN = replace(POLICY, revaluation_refunds=True)


def test_a_refund_above_nominal_is_limited_to_the_withdrawn_shares_part_of_the_reserve() -> None:
    # 1 000,00 € of reserve, 10 shares out of 300: 33,333… € → at most 33,33 €.
    refund = refund_above_nominal(
        policy=OPTED_IN, law=LAW, day=date(2025, 3, 1), reserve_cents=100_000,
        shares_withdrawn=10, shares_total=300,
    )  # fmt: skip
    assert (refund.cents, refund.limit_cents) == (3333, 3333)
    assert "× 10 parts retirées / 300 parts = au plus 33,33\xa0€" in refund.explanation
    assert "loi n° 2024-537" in refund.reference
    with pytest.raises(InvalidInput, match="dépasse la limite"):
        refund_above_nominal(
            policy=OPTED_IN, law=LAW, day=date(2025, 3, 1), reserve_cents=100_000,
            shares_withdrawn=10, shares_total=300, asked_cents=3334,
        )  # fmt: skip


def test_a_refund_above_nominal_is_refused_before_15_june_2024() -> None:
    with pytest.raises(InvalidInput) as refused:
        refund_above_nominal(
            policy=OPTED_IN, law=LAW, day=date(2024, 6, 14), reserve_cents=100_000,
            shares_withdrawn=10, shares_total=300,
        )  # fmt: skip
    assert "qu'à partir du 15/06/2024" in refused.value.message
    assert refused.value.field == "surplus.revaluation_refunds"
    assert LAW.value("revaluation_reserve_refunds", date(2024, 6, 15)).confidence == "à vérifier"


def test_a_refund_above_nominal_needs_the_statutes_option() -> None:
    with pytest.raises(InvalidInput) as refused:
        refund_above_nominal(
            policy=POLICY, law=LAW, day=date(2025, 3, 1), reserve_cents=100_000,
            shares_withdrawn=10, shares_total=300,
        )  # fmt: skip
    assert "surplus.revaluation_refunds" in refused.value.message
