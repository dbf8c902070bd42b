"""The surplus allocation of a SCIC, on the law of ``rules/law/`` (cap 4,80 % for 2025).

Worked examples with hand-checked figures, the refusals, and properties over any surplus:
the lines sum to the surplus, the legal minimums are never undercut by rounding, interest never
exceeds its cap nor the pool left after the reserves and the subsidies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import from_cents
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import SurplusPolicy
from gouvernance.domain.scic.surplus import (
    ADDITIONAL_RESERVES,
    INTEREST,
    LEGAL_RESERVE,
    STATUTORY_RESERVE,
    SurplusAllocation,
    allocate_surplus,
)
from gouvernance.services.scic.scic_rules import load_law

NNBSP, NBSP = "\u202f", "\u00a0"
AG_2025 = date(2025, 6, 30)
POLICY = SurplusPolicy(
    legal_reserve=Fraction(15, 100),
    statutory_reserve=Fraction(1, 2),
    interest_rate=Fraction(2, 100),
    ristourne=Fraction(0),
)
LAW = load_law()


def french(text: str) -> str:
    """Ordinary spaces typed here → Babel's: narrow no-break in numbers, no-break before € / %."""
    import re

    text = re.sub(r"(?<=\d) (?=\d)", NNBSP, text)
    return text.replace(" €", f"{NBSP}€").replace(" %", f"{NBSP}%")


def allocation(
    surplus: str,
    *,
    reserves: str = "0",
    capital: str = "1500",
    paid_up: dict[str, str] | None = None,
    subsidies: str = "0",
    rate: Fraction | None = Fraction(2, 100),
    policy: SurplusPolicy = POLICY,
    law: LawBook = LAW,
    day: date = AG_2025,
) -> SurplusAllocation:
    held = {"A": "500", "B": "1000"} if paid_up is None else paid_up
    return allocate_surplus(
        fiscal_year=day.year - 1,
        surplus=Decimal(surplus),
        reserves_before=Decimal(reserves),
        subscribed_capital=Decimal(capital),
        paid_up={code: Decimal(amount) for code, amount in held.items()},
        public_support=Decimal(subsidies),
        interest_rate=rate,
        policy=policy,
        law=law,
        assembly_day=day,
    )


def amounts(result: SurplusAllocation) -> list[str]:
    return [str(line.amount) for line in result.lines]


# --- worked examples ------------------------------------------------------------------------


def test_a_surplus_of_10000_is_allocated_in_the_legal_order_and_sums_to_the_surplus() -> None:
    result = allocation("10000.00")
    # 15 % = 1 500 ; 50 % of 8 500 = 4 250 ; 2 % of 1 500 = 30 ; rest 4 220.
    assert amounts(result) == ["1500.00", "4250.00", "30.00", "4220.00"]
    assert result.total == Decimal("10000.00")
    assert result.impartible_reserves == Decimal("9970.00")
    assert [(p.member_code, str(p.amount)) for p in result.interests] == [
        ("A", "10.00"),
        ("B", "20.00"),
    ]


def test_the_legal_reserve_is_rounded_up_so_that_it_never_falls_below_the_law() -> None:
    line = allocation("10000.03").line(LEGAL_RESERVE)
    assert line.amount == Decimal("1500.01")
    assert line.explanation == french(
        "Réserves (0,00 €) inférieures au capital souscrit (1 500,00 €) : 15 % de l'excédent "
        "de 10 000,03 € = 1 500,0045 €, arrondi au centime supérieur : 1 500,01 € "
        "(minimum légal) — loi n° 47-1775, art. 16"
    )
    assert line.reference == "loi n° 47-1775, art. 16"


def test_the_statutory_reserve_is_rounded_up_too() -> None:
    # 0,16 : 15 % = 0,024 → 0,03 ; 50 % of 0,13 = 0,065 → 0,07.
    result = allocation("0.16", rate=None)
    assert amounts(result) == ["0.03", "0.07", "0.00", "0.06"]
    assert french(
        "(0,16 € − 0,03 € = 0,13 €) = 0,065 €, arrondi au centime supérieur : 0,07 €"
    ) in (result.line(STATUTORY_RESERVE).explanation)
    # 10,03 : 1,5045 → 1,51 ; 50 % of 8,52 = 4,26 exactly, not rounded.
    exact = allocation("10.03").line(STATUTORY_RESERVE)
    assert exact.amount == Decimal("4.26")
    assert "arrondi" not in exact.explanation


def test_no_legal_reserve_is_due_once_the_reserves_reach_the_capital() -> None:
    result = allocation("1000.00", reserves="1500.00")
    assert amounts(result) == ["0.00", "500.00", "30.00", "470.00"]
    assert result.line(LEGAL_RESERVE).explanation.startswith(
        french("Les réserves (1 500,00 €) atteignent déjà le capital souscrit (1 500,00 €)")
    )


def test_a_higher_statutory_rate_is_applied_and_said_to_be_above_the_law() -> None:
    policy = replace(POLICY, legal_reserve=Fraction(20, 100))
    line = allocation("1000.00", policy=policy).line(LEGAL_RESERVE)
    assert line.amount == Decimal("200.00")
    assert french("taux des statuts, au-dessus du minimum légal de 15 %") in line.explanation


def test_interest_is_rounded_down_to_the_cent() -> None:
    line = allocation("10000.00", paid_up={"A": "333.33"}).line(INTEREST)
    assert line.amount == Decimal("6.66")  # 2 % × 333,33 = 6,6666
    assert french("= 6,6666 €, arrondi au centime inférieur : 6,66 €") in line.explanation


def test_subsidies_are_excluded_from_the_interest_pool() -> None:
    # 100,03 − 15,01 − 42,51 − 20,00 = 22,51 < 2 % × 1 500 = 30,00.
    result = allocation("100.03", subsidies="20.00")
    assert amounts(result) == ["15.01", "42.51", "22.51", "20.00"]
    assert (
        french("(100,03 € − 15,01 € − 42,51 € − 20,00 € d'aides publiques et associatives")
        in result.line(INTEREST).explanation
    )
    none_left = allocation("100.03", subsidies="90.00")
    assert none_left.line(INTEREST).amount == Decimal("0.00")
    assert none_left.line(ADDITIONAL_RESERVES).amount == Decimal("42.51")


def test_equal_holders_share_a_cent_left_over_in_code_order() -> None:
    held = {"C": "50", "A": "50", "B": "50"}
    result = allocation("0.20", reserves="1000", capital="150", paid_up=held)
    assert result.line(INTEREST).amount == Decimal("0.10")
    assert [(p.member_code, str(p.amount)) for p in result.interests] == [
        ("A", "0.04"),
        ("B", "0.03"),
        ("C", "0.03"),
    ]


def test_the_statutes_rate_is_the_default_and_none_means_no_interest() -> None:
    default = allocate_surplus(
        fiscal_year=2024, surplus=Decimal("1000.00"), reserves_before=Decimal(0),
        subscribed_capital=Decimal(1500), paid_up={"A": Decimal(1500)},
        public_support=Decimal(0), policy=POLICY, law=LAW, assembly_day=AG_2025,
    )  # fmt: skip
    assert default.interest_rate == Fraction(2, 100)
    assert default.line(INTEREST).amount == Decimal("30.00")
    none = allocation("1000.00", rate=None)
    assert none.line(INTEREST).amount == Decimal("0.00")
    assert all(p.amount == 0 for p in none.interests)


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surplus", "result"), [("-250.00", "une perte"), ("0.00", "un résultat nul")]
)
def test_a_loss_or_a_nil_result_is_refused(surplus: str, result: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation(surplus)
    assert refused.value.message.startswith(
        f"pas d'excédent à affecter : l'exercice présente {result}"
    )
    assert refused.value.field == "surplus"


def test_a_rate_above_the_cap_is_refused_with_the_cap_explained() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation("10000.00", rate=Fraction(5, 100))
    assert refused.value.message.startswith(
        french("le taux d'intérêt demandé (5 %) dépasse le plafond légal de 4,80 %. Plafond")
    )
    assert refused.value.field == "interest_rate"
    assert allocation("10000.00", rate=Fraction(48, 1000)).line(INTEREST).amount == Decimal("72.00")


def test_a_rate_without_a_known_tmo_is_refused_but_no_interest_still_works() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation("1000.00", day=date(2028, 6, 15))
    assert "simulez sans intérêt" in refused.value.message
    assert allocation("1000.00", day=date(2028, 6, 15), rate=Fraction(0)).cap is None


def test_statutes_with_a_ristourne_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocation("1000.00", policy=replace(POLICY, ristourne=Fraction(10, 100)))
    assert refused.value.message == french(
        "les statuts prévoient une ristourne de 10 % des excédents : une SCIC ne peut pas "
        "verser de ristourne (loi n° 47-1775, art. 19 nonies)"
    )


@pytest.mark.parametrize(
    ("field", "options"),
    [
        ("reserves_before", {"reserves": "-1"}),
        ("public_support", {"subsidies": "-0.01"}),
        ("paid_up.A", {"paid_up": {"A": "-5"}}),
        ("surplus", {"surplus": "1.001"}),
    ],
)
def test_negative_or_sub_cent_figures_are_refused(field: str, options: dict[str, object]) -> None:
    surplus = str(options.pop("surplus", "100.00"))
    with pytest.raises(InvalidInput) as refused:
        allocation(surplus, **options)  # type: ignore[arg-type]
    assert refused.value.field == field


# --- properties -----------------------------------------------------------------------------

cents = st.integers(min_value=1, max_value=10**11)
money = st.integers(min_value=0, max_value=10**10).map(from_cents)
rates = st.fractions(min_value=0, max_value=Fraction(48, 1000), max_denominator=10_000)
holdings = st.dictionaries(
    st.sampled_from(["A", "B", "C", "D", "E"]),
    st.integers(min_value=0, max_value=10**9).map(from_cents),
    max_size=5,
)
policies = st.builds(
    SurplusPolicy,
    legal_reserve=st.fractions(min_value=0, max_value=1, max_denominator=1000),
    statutory_reserve=st.fractions(min_value=0, max_value=1, max_denominator=1000),
    interest_rate=st.none(),
    ristourne=st.just(Fraction(0)),
)
properties = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@properties
@given(
    surplus=cents.map(from_cents), reserves=money, capital=money, paid_up=holdings,
    subsidies=money, rate=rates, policy=policies,
)  # fmt: skip
def test_any_allocation_keeps_every_rule(
    surplus: Decimal,
    reserves: Decimal,
    capital: Decimal,
    paid_up: dict[str, Decimal],
    subsidies: Decimal,
    rate: Fraction,
    policy: SurplusPolicy,
) -> None:
    result = allocate_surplus(
        fiscal_year=2024, surplus=surplus, reserves_before=reserves, subscribed_capital=capital,
        paid_up=paid_up, public_support=subsidies, interest_rate=rate, policy=policy, law=LAW,
        assembly_day=AG_2025,
    )  # fmt: skip
    legal, statutory, interest, rest = (line.amount for line in result.lines)
    assert legal + statutory + interest + rest == surplus
    assert all(line.amount >= 0 for line in result.lines)
    if reserves < capital:
        assert Fraction(legal) >= Fraction(15, 100) * Fraction(surplus)
        assert Fraction(legal) >= policy.legal_reserve * Fraction(surplus)
    else:
        assert legal == 0
    assert Fraction(statutory) >= Fraction(1, 2) * Fraction(surplus - legal)
    assert Fraction(interest) <= Fraction(48, 1000) * Fraction(sum(paid_up.values(), Decimal(0)))
    assert interest <= max(Decimal(0), surplus - legal - statutory - subsidies)
    assert sum((p.amount for p in result.interests), Decimal(0)) == interest
    assert all(p.amount >= 0 for p in result.interests)
