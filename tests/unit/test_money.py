"""Euro amounts: the split among members, rounding to the cent, French writing and reading.

Properties are checked with Hypothesis against an exact reference computed with ``Fraction``;
worked examples pin the numbers a treasurer would check by hand.

What the code does about rounding (checked here, not assumed): ``round_cents`` uses Decimal's
``ROUND_HALF_UP``, which rounds a half *away from zero*: 0,005 → 0,01 and -0,005 → -0,01 (not
-0,00 as a "towards +∞" half-up would give). Amounts are symmetric around zero.

The defects these tests found (« NaN » accepted, ``InvalidOperation`` crashes on « inf » or huge
numbers, a Fraction rounded twice, « -0,00 € ») were fixed in ``money.py`` meanwhile; the tests
at the end of this module pin those fixes.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import (
    CENT,
    Weight,
    allocate,
    format_amount,
    from_cents,
    parse_amount,
    parse_number,
    round_cents,
)

NNBSP = "\u202f"  # espace fine insécable : séparateur des milliers chez Babel fr_FR
NBSP = "\u00a0"  # espace insécable : avant le symbole €

# --- Strategies -------------------------------------------------------------------------------

cents = st.integers(min_value=-(10**11), max_value=10**11)
amounts = cents.map(from_cents)

int_weights = st.integers(min_value=0, max_value=10**6)
decimal_weights = st.decimals(
    min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False
)
fraction_weights = st.fractions(min_value=0, max_value=10**6, max_denominator=1000)
any_weight: st.SearchStrategy[Weight] = st.one_of(int_weights, decimal_weights, fraction_weights)

weight_lists = st.lists(any_weight, min_size=1, max_size=25).filter(
    lambda ws: sum(Fraction(w) for w in ws) > 0
)


def exact_shares(total: Decimal, weights: list[Weight]) -> list[Fraction]:
    """The exact (unrounded) share of each weight, in euros."""
    fractions = [Fraction(w) for w in weights]
    weight_sum = sum(fractions, Fraction(0))
    return [Fraction(total) * w / weight_sum for w in fractions]


def reference_half_up(value: Fraction) -> Fraction:
    """Half away from zero, to the cent, computed exactly."""
    sign = -1 if value < 0 else 1
    return sign * Fraction(math.floor(abs(value) * 100 + Fraction(1, 2)), 100)


def is_whole_cents(amount: Decimal) -> bool:
    return amount.as_tuple().exponent == -2 and amount == amount.quantize(CENT)


# --- allocate: properties ---------------------------------------------------------------------


@given(total=amounts, weights=weight_lists)
def test_the_parts_add_up_exactly_to_the_total(total: Decimal, weights: list[Weight]) -> None:
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == total


@given(weights=weight_lists)
def test_a_zero_total_gives_zero_to_everyone(weights: list[Weight]) -> None:
    assert allocate(Decimal("0.00"), weights) == [Decimal("0.00")] * len(weights)


@given(total=amounts, weights=weight_lists)
def test_every_part_is_a_whole_number_of_cents(total: Decimal, weights: list[Weight]) -> None:
    assert all(is_whole_cents(part) for part in allocate(total, weights))


@given(total=amounts, weights=weight_lists)
def test_every_part_is_less_than_one_cent_away_from_its_exact_share(
    total: Decimal, weights: list[Weight]
) -> None:
    parts = allocate(total, weights)
    for part, exact in zip(parts, exact_shares(total, weights), strict=True):
        assert abs(Fraction(part) - exact) < Fraction(1, 100)


@given(total=amounts, weights=weight_lists)
def test_the_same_input_always_gives_the_same_split(total: Decimal, weights: list[Weight]) -> None:
    assert allocate(total, weights) == allocate(total, list(weights))


@given(total=amounts, weights=weight_lists)
def test_the_type_of_the_weights_does_not_change_the_split(
    total: Decimal, weights: list[Weight]
) -> None:
    as_fractions: list[Weight] = [Fraction(w) for w in weights]
    assert allocate(total, as_fractions) == allocate(total, weights)


@given(
    total=amounts,
    weights=st.lists(int_weights, min_size=1, max_size=25).filter(lambda ws: sum(ws) > 0),
)
def test_int_decimal_and_fraction_weights_of_the_same_value_split_alike(
    total: Decimal, weights: list[int]
) -> None:
    expected = allocate(total, list(weights))
    assert allocate(total, [Decimal(w) for w in weights]) == expected
    assert allocate(total, [Fraction(w) for w in weights]) == expected
    # Thousandths written as Decimal split like the same thousandths as Fraction.
    assert allocate(total, [Decimal(w) / 1000 for w in weights]) == expected
    assert allocate(total, [Fraction(w, 1000) for w in weights]) == expected


@given(total=amounts, weights=weight_lists, factor=st.integers(min_value=1, max_value=1000))
def test_scaling_every_weight_by_the_same_factor_changes_nothing(
    total: Decimal, weights: list[Weight], factor: int
) -> None:
    scaled: list[Weight] = [Fraction(w) * factor for w in weights]
    assert allocate(total, scaled) == allocate(total, weights)


@given(total=amounts, weights=weight_lists)
def test_a_negative_total_is_split_as_the_mirror_of_the_positive_one(
    total: Decimal, weights: list[Weight]
) -> None:
    assert allocate(-total, weights) == [-part for part in allocate(total, weights)]


@given(total=amounts.filter(lambda a: a >= 0), weights=weight_lists)
def test_a_larger_weight_never_gets_a_smaller_part(total: Decimal, weights: list[Weight]) -> None:
    parts = allocate(total, weights)
    for i, wi in enumerate(weights):
        for j, wj in enumerate(weights):
            if Fraction(wi) > Fraction(wj):
                assert parts[i] >= parts[j]


@given(total=amounts, weights=weight_lists)
def test_a_zero_weight_gets_exactly_zero(total: Decimal, weights: list[Weight]) -> None:
    for part, weight in zip(allocate(total, weights), weights, strict=True):
        if Fraction(weight) == 0:
            assert part == 0
            assert not part.is_signed(), "pas de « -0,00 € » pour un poids nul"


@given(
    total=amounts,
    weight=st.one_of(
        st.integers(min_value=1, max_value=10**6),
        st.decimals(min_value=Decimal("0.001"), max_value=10**6, places=3),
        st.fractions(min_value=Fraction(1, 1000), max_value=10**6, max_denominator=1000),
    ),
    count=st.integers(min_value=1, max_value=40),
)
def test_equal_weights_differ_by_at_most_a_cent_and_the_extra_cents_go_first(
    total: Decimal, weight: Weight, count: int
) -> None:
    parts = allocate(total, [weight] * count)
    magnitudes = [abs(p) for p in parts]
    assert max(magnitudes) - min(magnitudes) <= CENT
    assert magnitudes == sorted(magnitudes, reverse=True), "les centimes en plus vont aux premiers"


@given(weights=st.lists(st.integers(min_value=-(10**6), max_value=10**6), min_size=1, max_size=10))
def test_a_negative_weight_is_refused_on_the_weights_field(weights: list[int]) -> None:
    assume(any(w < 0 for w in weights))
    with pytest.raises(InvalidInput) as refused:
        allocate(Decimal("100"), list(weights))
    assert refused.value.field == "weights"
    assert refused.value.message == "un poids de répartition ne peut pas être négatif"


@given(count=st.integers(min_value=0, max_value=10), total=amounts)
def test_weights_that_are_all_zero_or_absent_are_refused_on_the_weights_field(
    count: int, total: Decimal
) -> None:
    zeros: list[Weight] = [0, Decimal(0), Fraction(0)] * count
    with pytest.raises(InvalidInput) as refused:
        allocate(total, zeros)
    assert refused.value.field == "weights"
    assert refused.value.message == "la somme des poids de répartition est nulle"


# --- allocate: worked examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        ("100", [1, 1, 1], ["33.34", "33.33", "33.33"]),
        ("-100", [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        ("1000", [48000, 12000, 0], ["800.00", "200.00", "0.00"]),
        # 100,02 / 4 = 25,005 and 75,015: equal remainders, the cent goes to the larger weight.
        ("100.02", [1, 3], ["25.00", "75.02"]),
        ("100.02", [3, 1], ["75.02", "25.00"]),
        # 0,02 € among three: equal weights and remainders, the cents go to the first ones.
        ("0.02", [1, 1, 1], ["0.01", "0.01", "0.00"]),
        ("10", [1, 1, 1, 1, 1, 1], ["1.67", "1.67", "1.67", "1.67", "1.66", "1.66"]),
        # Mixed weight types: 1/2, 0.25 and 1 → 2/7, 1/7, 4/7 of 1 €.
        ("1", [Fraction(1, 2), Decimal("0.25"), 1], ["0.29", "0.14", "0.57"]),
        # The total is first rounded half-up to the cent: 10,005 € → 10,01 €.
        ("10.005", [1, 1], ["5.01", "5.00"]),
    ],
)
def test_worked_splits_a_treasurer_can_check_by_hand(
    total: str, weights: list[Weight], expected: list[str]
) -> None:
    assert allocate(Decimal(total), weights) == [Decimal(e) for e in expected]


def test_an_empty_list_of_weights_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        allocate(Decimal("10"), [])
    assert refused.value.field == "weights"


# --- round_cents ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), "0.01"),
        (Decimal("-0.005"), "-0.01"),  # ROUND_HALF_UP: half away from zero
        (Decimal("0.015"), "0.02"),
        (Decimal("2.675"), "2.68"),  # the classic float trap (2.675 is 2.67499… as a float)
        (Decimal("1.994"), "1.99"),
        (Decimal("1.995"), "2.00"),
        (Decimal("0.0049999"), "0.00"),
        (Decimal("-0.0049999"), "-0.00"),
        (Decimal("12"), "12.00"),
        (7, "7.00"),
        (Fraction(1, 200), "0.01"),
        (Fraction(-1, 200), "-0.01"),
        (Fraction(1, 3), "0.33"),
        (Fraction(2, 3), "0.67"),
    ],
)
def test_round_cents_rounds_half_away_from_zero(
    value: Decimal | int | Fraction, expected: str
) -> None:
    result = round_cents(value)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@given(
    st.decimals(
        min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
    )
)
def test_round_cents_of_a_decimal_matches_exact_half_up(value: Decimal) -> None:
    result = round_cents(value)
    assert is_whole_cents(result)
    assert Fraction(result) == reference_half_up(Fraction(value))
    assert abs(Fraction(result) - Fraction(value)) <= Fraction(1, 200)


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**40))
def test_round_cents_of_a_fraction_matches_exact_half_up(value: Fraction) -> None:
    assert Fraction(round_cents(value)) == reference_half_up(value)


@given(cents)
def test_round_cents_leaves_whole_cents_unchanged(amount_cents: int) -> None:
    amount = from_cents(amount_cents)
    assert round_cents(amount) == amount


# --- format_amount / parse_amount -------------------------------------------------------------


def test_an_amount_is_written_the_french_way_with_babel_spaces() -> None:
    assert format_amount(Decimal("1234.5")) == f"1{NNBSP}234,50{NBSP}€"


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", f"0,00{NBSP}€"),
        ("0.5", f"0,50{NBSP}€"),
        ("-12.5", f"-12,50{NBSP}€"),
        ("48000", f"48{NNBSP}000,00{NBSP}€"),
        ("1234567.891", f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        ("2.675", f"2,68{NBSP}€"),
    ],
)
def test_worked_amounts_are_written_with_two_decimals(amount: str, written: str) -> None:
    assert format_amount(Decimal(amount)) == written


@settings(deadline=None)
@given(cents)
def test_writing_then_reading_an_amount_gives_it_back(amount_cents: int) -> None:
    amount = from_cents(amount_cents)
    written = format_amount(amount)
    assert parse_amount(written) == amount
    # A person retyping it with ordinary spaces gets the same amount.
    assert parse_amount(written.replace(NNBSP, " ").replace(NBSP, " ")) == amount


@settings(deadline=None)
@given(cents)
def test_a_plain_decimal_text_reads_back_to_the_same_cents(amount_cents: int) -> None:
    amount = from_cents(amount_cents)
    assert parse_amount(str(amount)) == amount
    assert parse_amount(str(amount).replace(".", ",")) == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50 €", "1234.50"),
        (f"1{NNBSP}234,50", "1234.50"),
        (f"1{NBSP}234,50{NBSP}€", "1234.50"),
        ("1234.5", "1234.50"),
        ("48000", "48000.00"),
        ("48 000", "48000.00"),
        ("-12,5", "-12.50"),
        ("  7 € ", "7.00"),
        ("12,5 EUR", "12.50"),
        ("3 euros", "3.00"),
    ],
)
def test_a_treasurer_may_type_an_amount_in_the_usual_french_ways(text: str, expected: str) -> None:
    result = parse_amount(text)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.234,50", "« 1.234,50 » mélange virgule et point : écrivez 1234,50 ou 1 234,50"),
        ("12,345", "« 12,345 » a plus de 2 décimales"),
        ("0,005", "« 0,005 » a plus de 2 décimales"),
        ("abc", "« abc » n'est pas un nombre"),
        ("1 23,4", "« 1 23,4 » n'est pas un nombre"),
        ("", "valeur vide : un nombre est attendu"),
        ("   ", "valeur vide : un nombre est attendu"),
    ],
)
def test_an_ambiguous_or_malformed_amount_is_refused_in_french(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text, field="montant")
    assert refused.value.message == message
    assert refused.value.field == "montant"


def test_a_number_may_have_more_decimals_when_no_limit_is_given() -> None:
    assert parse_number("0,005") == Decimal("0.005")
    with pytest.raises(InvalidInput):
        parse_number("0,005", max_places=2)


# --- Defects found by these tests, fixed since -------------------------------------------------


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1e3", "1e30", "1" + "0" * 30]
)
def test_nan_infinity_exponents_and_huge_numbers_are_refused_not_crashed(text: str) -> None:
    # Reported as a bug (NaN accepted, InvalidOperation crash) and fixed in money.py meanwhile.
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text, field="montant")
    assert refused.value.field == "montant"


def test_a_fraction_just_below_half_a_cent_rounds_down() -> None:
    assert round_cents(Fraction(1, 200) - Fraction(1, 10**40)) == Decimal("0.00")


def test_an_amount_that_rounds_to_zero_is_written_without_a_minus_sign() -> None:
    assert format_amount(Decimal("-0.004")) == f"0,00{NBSP}€"


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_the_fast_euro_format_gives_babels_text_for_any_amount_in_cents(cents: int) -> None:
    from babel.numbers import format_currency

    from gouvernance.domain.money import format_cents

    expected = format_currency(from_cents(cents), "EUR", locale="fr_FR")
    assert format_cents(cents) == expected
    assert format_amount(from_cents(cents)) == expected


def test_a_locale_without_the_fast_format_still_goes_through_babel() -> None:
    from gouvernance.domain.money import format_cents

    assert format_cents(123456, "en_US") == "€1,234.56"
