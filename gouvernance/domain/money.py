"""Euro amounts: exact decimals, rounded half-up to the cent, formatted and parsed the French way.

Money never goes through ``float``: amounts are ``Decimal`` in the domain and integer cents in
storage. A total split among members uses the largest-remainder method so that the parts always
add up to the total, to the cent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from gouvernance.domain.errors import InvalidInput

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LOCALE = "fr_FR"

Weight = int | Decimal | Fraction

# No member figure reaches a thousand billion euros; beyond, it is a typo or an attack, and it
# would overflow Decimal's context and the 64-bit integer columns.
MAX_MAGNITUDE = Decimal(10) ** 12

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?=[.,]?[0-9])[0-9 \u00a0\u202f]*([.,][0-9]+)?$")
_CURRENCY = re.compile(r"\s*(€|EUR|euros?)\s*$", re.IGNORECASE)


def round_cents(value: Decimal | int | Fraction) -> Decimal:
    """Round half-up to the cent (the rule for euro amounts, 0,005 € → 0,01 €)."""
    _no_float(value)
    if isinstance(value, Fraction):
        # Exact rational rounding: dividing into a 28-digit Decimal first would round twice.
        cents = (abs(value) * 100 + Fraction(1, 2)).__floor__()
        return from_cents(-cents if value < 0 else cents)
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else ZERO  # never « -0,00 »


def round_cents_up(value: Decimal | int | Fraction) -> Decimal:
    """Round up to the cent, for legal minimums that half-up rounding would undercut."""
    if isinstance(value, Fraction):
        return from_cents((value * 100).__ceil__())
    return Decimal(value).quantize(CENT, rounding=ROUND_CEILING)


def _no_float(value: object) -> None:
    """A float has already lost the cent (1.005 is 1.00499…): refuse it at the door."""
    if isinstance(value, float):
        raise TypeError("un montant ou un poids ne doit jamais être un float : utilisez Decimal")


def to_cents(amount: Decimal) -> int:
    """Integer cents of an amount that is already exact to the cent."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} n'est pas un montant exact au centime")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """The euro amount of a whole number of cents."""
    return (Decimal(cents) / 100).quantize(CENT)


class _CentsFormat:
    """Babel's euro format for one locale, applied to whole cents without Babel's per-call cost.

    The symbols and the pattern (prefix, suffix, grouping) come from Babel's locale data; only
    the digit grouping is Python's own. Issuing 100 000 calls formats half a million amounts, and
    ``format_currency`` spends ~100 µs on each. ``tests/unit/test_money.py`` checks that both
    give the same text for any amount.
    """

    def __init__(self, locale: str) -> None:
        pattern = Locale.parse(locale).currency_formats["standard"]
        symbol = Locale.parse(locale).currency_symbols.get("EUR", "€")
        self.prefix = tuple(part.replace("¤", symbol) for part in pattern.prefix)
        self.suffix = tuple(part.replace("¤", symbol) for part in pattern.suffix)
        self.group = get_group_symbol(locale)
        self.decimal = get_decimal_symbol(locale)
        self.plain = pattern.grouping == (3, 3) and pattern.frac_prec == (2, 2)

    def __call__(self, cents: int) -> str:
        euros, rest = divmod(abs(cents), 100)
        # Python's own grouping by thousands (``plain``: groups of 3), its comma then replaced.
        number = f"{euros:,}".replace(",", self.group) + f"{self.decimal}{rest:02d}"
        side = 1 if cents < 0 else 0
        return f"{self.prefix[side]}{number}{self.suffix[side]}"


_FAST = {LOCALE: _CentsFormat(LOCALE)}


def format_cents(cents: int, locale: str = LOCALE) -> str:
    """« 1 234,50 € » from whole cents."""
    fast = _FAST.get(locale)
    if fast is not None and fast.plain:
        return fast(cents)
    return format_currency(from_cents(cents), "EUR", locale=locale)


def format_amount(amount: Decimal, locale: str = LOCALE) -> str:
    """« 1 234,50 € » — Babel's format, with its narrow no-break spaces."""
    return format_cents(to_cents(round_cents(amount)), locale)


def format_number(value: Decimal | int, locale: str = LOCALE) -> str:
    """A plain number the French way (« 12,5 », « 1 200 »)."""
    return format_decimal(value, locale=parsed_locale(locale))


@cache
def parsed_locale(locale: str = LOCALE) -> Locale:
    """Parsed once: an explained tally formats hundreds of numbers, and Babel would parse the
    locale identifier again for each."""
    return Locale.parse(locale)


def parse_number(text: str, *, field: str | None = None, max_places: int | None = None) -> Decimal:
    """Read a number as a French treasurer types it: « 1 234,50 », « 1234.5 », « -12 ».

    Spaces (ordinary, no-break, narrow no-break) may group thousands; the decimal mark is a comma
    or a dot, never both. More decimals than ``max_places`` is refused rather than rounded.
    """
    raw = text.strip()
    if not raw:
        raise InvalidInput("valeur vide : un nombre est attendu", field=field)
    if "," in raw and "." in raw:
        raise InvalidInput(
            f"« {raw} » mélange virgule et point : écrivez 1234,50 ou 1 234,50", field=field
        )
    if not _PLAIN_NUMBER.match(raw):
        raise InvalidInput(f"« {raw} » n'est pas un nombre", field=field)
    compact = _SPACES.sub("\u202f", raw)
    try:
        value = parse_decimal(compact, locale=LOCALE, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise InvalidInput(f"« {raw} » n'est pas un nombre", field=field) from None
    if abs(value) >= MAX_MAGNITUDE:
        raise InvalidInput(f"« {raw} » est hors de portée (1 000 milliards ou plus)", field=field)
    if max_places is not None and value != value.quantize(Decimal(1).scaleb(-max_places)):
        reason = (
            "doit être un nombre entier" if max_places == 0 else f"a plus de {max_places} décimales"
        )
        raise InvalidInput(f"« {raw} » {reason}", field=field)
    return value


def parse_amount(text: str, *, field: str | None = None) -> Decimal:
    """Read a euro amount (« 1 234,50 € », « 48000 », « 12,5 »), exact to the cent."""
    bare = _CURRENCY.sub("", text.strip())
    return round_cents(parse_number(bare, field=field, max_places=2))


def allocate(total: Decimal, weights: Sequence[Weight]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so that the parts sum exactly to ``total``.

    Largest remainder: each part gets the floor of its exact share in cents, then the cents left
    over go one each to the largest remainders. Ties go to the larger weight, then to the earlier
    position, so the same input always gives the same split.
    """
    total_cents = to_cents(round_cents(total))
    for weight in weights:
        _no_float(weight)
    shares = [Fraction(w) for w in weights]
    if any(w < 0 for w in shares):
        raise InvalidInput("un poids de répartition ne peut pas être négatif", field="weights")
    weight_sum = sum(shares, Fraction(0))
    if weight_sum == 0:
        raise InvalidInput("la somme des poids de répartition est nulle", field="weights")
    sign = -1 if total_cents < 0 else 1
    magnitude = abs(total_cents)
    exact = [magnitude * w / weight_sum for w in shares]
    floors = [int(e) for e in exact]
    leftover = magnitude - sum(floors)
    order = sorted(
        range(len(shares)),
        key=lambda i: (-(exact[i] - floors[i]), -shares[i], i),
    )
    for i in order[:leftover]:
        floors[i] += 1
    return [from_cents(sign * cents) for cents in floors]
