"""Evaluating schedules over a whole member base at once (the board's simulations).

Contract: ``evaluate(schedule, table).cents[i] == assess(schedule, table.payers[i]).cents`` for
every payer, always — the interpreter in ``engine.py`` is the reference, this is the fast path.
Build the ``PayerTable`` once and reuse it for every schedule compared.

How. ``PayerTable.build`` does the per-payer Python work once: category codes, membership dates
as day and month numbers, every declared figure sorted by (fact, year); each (fact, year) a rule
reads becomes, on first use, a column of whole hundredths (cents for money, hundredths of a post
for a headcount) with a presence mask, kept for the next schedules. Issuing calls reads the
registry straight into these columns instead (``PayerTable.from_columns``: figures already in
hundredths, no ``Payer`` per member until one is asked for). ``evaluate`` walks the
schedule's tree once; each node gives a *column*: the cents of every payer and the mask of those
whose figures are missing. The order of operations is the interpreter's (node = exemptions →
mechanism → floor → cap; schedule = fee → prorata → in-kind credit → rounding).

Exactness. Nothing on the money path is a float: amounts are ``int64``, a rate is an exact
fraction ``num/den`` applied as ``(2·|x|·num + den) // (2·den)`` with the sign put back — the
half-up-away-from-zero rounding of ``mul_round``. Every column keeps its values below 2**62 in
magnitude, so adding two of them never overflows. Beyond that:

- a product that could overflow ``int64`` is computed, for those rows only, with Python integers
  (``mul_round`` itself);
- a row whose amount does not fit below 2**62, or that reads a figure which is not a whole
  number of hundredths (a ``Payer`` built by hand with 0,001), is handed back to the interpreter,
  which gives the exact answer — or raises exactly where it would have raised.

Both happen only for amounts no member base holds (thousands of billions of euros, rates written
with a dozen decimals); the common case stays entirely in ``int64`` arrays.

The quote-part (a budget split over the whole group) is not computed with arrays: its split by
largest remainder is done once, exactly, with Python integers (``quote_part.compute_pools``, the
very pools the interpreter reads), and this path only places each member's part in a column.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property, reduce
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Payer, assess, mul_round
from gouvernance.domain.fees.quote_part import NO_POOLS, Pools, compute_pools, has_quote_part
from gouvernance.domain.fees.schedule import (
    BracketMode,
    Condition,
    FactRef,
    FeeSchedule,
    Node,
    Prorata,
)
from gouvernance.domain.money import to_cents

Int64s: TypeAlias = npt.NDArray[np.int64]
Bools: TypeAlias = npt.NDArray[np.bool_]

INT64_MAX = int(np.iinfo(np.int64).max)
# Every column stays strictly below this magnitude: the sum of two columns fits in an int64.
LIMIT = 1 << 62
# A bracket bound used in a subtraction stays below this one: bound − value fits in an int64.
BOUND_LIMIT = 1 << 61


# --------------------------------------------------------------------------------------------
# The payers, as arrays


@dataclass(frozen=True)
class FactColumn:
    """One (fact, year) for every payer, in hundredths; 0 where absent or irregular.

    ``irregular`` marks figures present but outside the integer model (more than two decimals,
    not finite, or beyond 2**62 hundredths): a schedule reading them hands those rows back to the
    interpreter.
    """

    hundredths: Int64s
    present: Bools
    irregular: Bools


FactKey: TypeAlias = tuple[FactKind, int]
Figures: TypeAlias = tuple[list[int], list[Decimal]]  # the rows declaring a fact, their values


@dataclass(frozen=True)
class PayerColumns:
    """The members as columns, in the registry's order: what a ``PayerTable`` and the calls'
    bases are built from when the registry is read straight from the database — issuing a batch
    of 100 000 calls would spend more on 100 000 ``Payer`` objects than on inserting the calls.

    ``labels`` is each row's category label (as ``Payer.category_label``: the code when the
    category has none); ``figures`` holds, for each (fact, year) read, the rows declaring it and
    their values in whole hundredths (as stored)."""

    codes: Sequence[str]
    names: Sequence[str]
    categories: Sequence[str]
    labels: Sequence[str]
    joined: Sequence[date]
    left: Sequence[date | None]
    figures: Mapping[FactKey, tuple[Sequence[int], Sequence[int]]]

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: Sequence[int]) -> PayerColumns:
        """Only ``rows``, in that order."""
        position = {row: new for new, row in enumerate(rows)}
        figures: dict[FactKey, tuple[Sequence[int], Sequence[int]]] = {}
        for key, (at, values) in self.figures.items():
            kept = [(position[row], value) for row, value in zip(at, values, strict=True)
                    if row in position]  # fmt: skip
            figures[key] = ([row for row, _ in kept], [value for _, value in kept])
        return PayerColumns(
            codes=[self.codes[row] for row in rows],
            names=[self.names[row] for row in rows],
            categories=[self.categories[row] for row in rows],
            labels=[self.labels[row] for row in rows],
            joined=[self.joined[row] for row in rows],
            left=[self.left[row] for row in rows],
            figures=figures,
        )


@dataclass(frozen=True, eq=False)
class PayerTable:
    """The payers in a fixed order, prepared once for many schedules.

    Built from ``Payer`` objects (``build``: the simulations) or straight from the registry's
    columns (``from_columns``: issuing calls); then ``payers`` are made on first use only, and
    ``payer(row)`` makes one (a member whose figures are missing, handed to the interpreter)."""

    category: Int64s  # index of each payer's category in ``categories``
    categories: Mapping[str, int]
    joined_day: Int64s  # date.toordinal()
    left_day: Int64s  # date.toordinal(), date.max for a member who has not left
    joined_month: Int64s  # year × 12 + month − 1, the interpreter's month index
    left_month: Int64s
    figures: Mapping[FactKey, Figures]  # every declared figure, as given (``build``)
    given: tuple[Payer, ...] | None = None  # ``build``
    registry: PayerColumns | None = None  # ``from_columns``
    _columns: dict[FactKey, FactColumn] = field(default_factory=dict, repr=False)
    _periods: dict[tuple[date, date], Membership] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, payers: Sequence[Payer]) -> PayerTable:
        ordered = tuple(payers)
        categories: dict[str, int] = {}
        codes = [categories.setdefault(p.category, len(categories)) for p in ordered]
        joined = _day_numbers([p.joined_on for p in ordered])
        left = _day_numbers([p.left_on or date.max for p in ordered])
        return cls(
            category=np.array(codes, dtype=np.int64),
            categories=categories,
            joined_day=joined,
            left_day=left,
            joined_month=_month_numbers(joined),
            left_month=_month_numbers(left),
            figures=_sort_figures(ordered),
            given=ordered,
        )

    @classmethod
    def from_columns(cls, columns: PayerColumns) -> PayerTable:
        """The table of the registry's columns, without a ``Payer`` per member: the figures
        are whole hundredths already, each becomes its column at once."""
        categories = {code: index for index, code in enumerate(dict.fromkeys(columns.categories))}
        size = len(columns)
        codes = np.fromiter(map(categories.__getitem__, columns.categories), np.int64, size)
        joined = _shared_day_numbers(columns.joined)
        left = _shared_day_numbers(columns.left)
        table = cls(
            category=codes,
            categories=categories,
            joined_day=joined,
            left_day=left,
            joined_month=_month_numbers(joined),
            left_month=_month_numbers(left),
            figures={},
            registry=columns,
        )
        for key, (rows, values) in columns.figures.items():
            table._columns[key] = _whole_column(size, rows, values)
        return table

    @cached_property
    def payers(self) -> tuple[Payer, ...]:
        if self.given is not None:
            return self.given
        return tuple(self.payer(row) for row in range(len(self)))

    @cached_property
    def codes(self) -> Sequence[str]:
        if self.registry is not None:
            return self.registry.codes
        return [payer.code for payer in self.payers]

    @cached_property
    def names(self) -> Sequence[str]:
        if self.registry is not None:
            return self.registry.names
        return [payer.name for payer in self.payers]

    @cached_property
    def labels(self) -> Sequence[str]:
        """Each payer's category label."""
        if self.registry is not None:
            return self.registry.labels
        return [payer.category_label for payer in self.payers]

    def payer(self, row: int) -> Payer:
        """The payer of one row (made from the columns when the table was built from them)."""
        if self.given is not None:
            return self.given[row]
        columns = self.registry
        assert columns is not None
        facts = {
            key: Decimal(value).scaleb(-2)
            for key, found in self._by_row.items()
            if (value := found.get(row)) is not None
        }
        return Payer(
            columns.codes[row],
            columns.names[row],
            columns.categories[row],
            columns.joined[row],
            columns.left[row],
            facts,
            columns.labels[row],
        )

    @cached_property
    def _by_row(self) -> dict[FactKey, dict[int, int]]:
        assert self.registry is not None
        return {
            key: dict(zip(rows, values, strict=True))
            for key, (rows, values) in self.registry.figures.items()
        }

    def take(self, rows: Sequence[int]) -> PayerTable:
        """A table of only ``rows`` (the members still to call), in that order."""
        if self.registry is not None:
            return PayerTable.from_columns(self.registry.take(rows))
        return PayerTable.build([self.payers[row] for row in rows])

    def __len__(self) -> int:
        return len(self.category)

    def facts(self, ref: FactRef) -> FactColumn:
        """The column of one (fact, year), converted to hundredths on first use, then kept."""
        key = (ref.kind, ref.year)
        column = self._columns.get(key)
        if column is None:
            rows, values = self.figures.get(key, ([], []))
            column = self._columns[key] = _column(len(self), rows, values)
        return column

    def membership(self, start: date, end: date) -> Membership:
        """Days and months of membership in a period (kept: schedules often share it)."""
        known = self._periods.get((start, end))
        if known is None:
            known = self._periods[(start, end)] = Membership.count(self, start, end)
        return known


@dataclass(frozen=True)
class Membership:
    """Per payer, the days of a period during which they are a member, and the months started
    as a member, out of the period's ``period_months`` — as ``engine.membership_days`` and
    ``engine.membership_months`` count them."""

    days: Int64s
    months: Int64s
    period_months: int

    @classmethod
    def count(cls, table: PayerTable, start: date, end: date) -> Membership:
        def index(day: date) -> int:
            return day.year * 12 + day.month - 1

        first_day = np.maximum(table.joined_day, start.toordinal())
        last_day = np.minimum(table.left_day, end.toordinal())
        days = np.maximum(last_day - first_day + 1, 0)
        first = np.maximum(table.joined_month, index(start))
        last = np.minimum(table.left_month, index(end))
        months = np.where(days > 0, last - first + 1, 0)
        return cls(days, months, index(end) - index(start) + 1)


def _sort_figures(payers: tuple[Payer, ...]) -> dict[FactKey, Figures]:
    """One pass over every payer's figures, sorted by (fact, year) — three times cheaper than
    looking each (fact, year) up in every payer. Values stay Decimals until a rule reads them."""
    figures: dict[FactKey, Figures] = {}
    for row, payer in enumerate(payers):
        for key, value in payer.facts.items():
            if value is None:
                continue
            column = figures.get(key)
            if column is None:
                column = figures[key] = ([], [])
            column[0].append(row)
            column[1].append(value)
    return figures


UNIX_EPOCH = date(1970, 1, 1).toordinal()


def _day_numbers(days: list[date]) -> Int64s:
    return np.fromiter((d.toordinal() for d in days), dtype=np.int64, count=len(days))


def _shared_day_numbers(days: Sequence[date | None]) -> Int64s:
    """Day numbers of a registry column (``None``: date.max): members share few dates, each
    distinct one is converted once."""
    numbers = {day: (day or date.max).toordinal() for day in set(days)}
    return np.fromiter(map(numbers.__getitem__, days), dtype=np.int64, count=len(days))


def _month_numbers(day_numbers: Int64s) -> Int64s:
    """year × 12 + month − 1 of each day, through numpy's calendar (datetime64 is an integer
    count of days or months since 1970: no float involved)."""
    days = (day_numbers - UNIX_EPOCH).astype("datetime64[D]")
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _hundredths(value: Decimal) -> int | None:
    """The figure in whole hundredths, or ``None`` when the integer model cannot hold it exactly.

    ``as_integer_ratio`` is exact whatever the Decimal context (a product ``value * 100`` would
    round past 28 digits).
    """
    if not value.is_finite():
        return None
    numerator, denominator = value.as_integer_ratio()
    if 100 % denominator:
        return None
    whole = numerator * (100 // denominator)
    return whole if -LIMIT < whole < LIMIT else None


def _column(size: int, rows: list[int], values: list[Decimal]) -> FactColumn:
    """The figures declared at ``rows``, as one column of whole hundredths."""
    present = np.zeros(size, dtype=np.bool_)
    present[rows] = True
    hundredths = np.zeros(size, dtype=np.int64)
    irregular = np.zeros(size, dtype=np.bool_)
    wholes = _plain_hundredths(values)
    if wholes is not None:
        hundredths[rows] = wholes
        return FactColumn(hundredths, present, irregular)
    for row, value in zip(rows, values, strict=True):  # a column holding an irregular figure
        whole = _hundredths(value)
        if whole is None:
            irregular[row] = True
        else:
            hundredths[row] = whole
    return FactColumn(hundredths, present, irregular)


def _whole_column(size: int, rows: Sequence[int], values: Sequence[int]) -> FactColumn:
    """Figures given in whole hundredths: only a magnitude beyond 2**62 is irregular."""
    present = np.zeros(size, dtype=np.bool_)
    present[list(rows)] = True
    hundredths = np.zeros(size, dtype=np.int64)
    irregular = np.zeros(size, dtype=np.bool_)
    if values and max(values) < LIMIT and min(values) > -LIMIT:
        hundredths[list(rows)] = values
        return FactColumn(hundredths, present, irregular)
    for row, value in zip(rows, values, strict=True):
        if -LIMIT < value < LIMIT:
            hundredths[row] = value
        else:
            irregular[row] = True
    return FactColumn(hundredths, present, irregular)


def _plain_hundredths(values: list[Decimal]) -> list[int] | None:
    """Whole hundredths of a column of ordinary figures in C-level loops (``map`` and one
    comprehension), or ``None`` as soon as one figure needs ``_hundredths``' care: NaN, a
    thousandth, a magnitude beyond 2**62 hundredths. ``LIMIT`` marks a figure that is not a
    whole number of hundredths, so that the magnitude check catches both."""
    try:
        ratios = list(map(Decimal.as_integer_ratio, values))
    except (ValueError, OverflowError):  # NaN or an infinity
        return None
    wholes = [n * (100 // d) if 100 % d == 0 else LIMIT for n, d in ratios]
    if wholes and (max(wholes) >= LIMIT or min(wholes) <= -LIMIT):
        return None
    return wholes


# --------------------------------------------------------------------------------------------
# Exact integer helpers


def _clamp(cents: int) -> int:
    """A constant brought within ±2**62: against values below 2**62 in magnitude, comparisons,
    ``minimum`` and ``maximum`` are unchanged, and a result reaching the bound is handed back."""
    return max(-LIMIT, min(LIMIT, cents))


def _floor_hundredths(bound: Decimal) -> int:
    return _clamp(math.floor(Fraction(bound) * 100))


def _ceil_hundredths(bound: Decimal) -> int:
    return _clamp(math.ceil(Fraction(bound) * 100))


def _greater(values: Int64s, bound: Decimal, *, or_equal: bool) -> Bools:
    """``value > bound`` (or ``≥``) exactly, for whole hundredths against any decimal bound:
    x > b ⇔ x > ⌊100b⌋ and x ≥ b ⇔ x ≥ ⌈100b⌉ for an integer x."""
    if or_equal:
        return values >= _ceil_hundredths(bound)
    return values > _floor_hundredths(bound)


def _less(values: Int64s, bound: Decimal, *, or_equal: bool) -> Bools:
    """``value < bound`` (or ``≤``) exactly: x < b ⇔ x < ⌈100b⌉ and x ≤ b ⇔ x ≤ ⌊100b⌋."""
    if or_equal:
        return values <= _floor_hundredths(bound)
    return values < _ceil_hundredths(bound)


def _exact_hundredths(bound: Decimal) -> int | None:
    """A bound that is a whole number of cents (and small enough to subtract), else ``None``."""
    scaled = Fraction(bound) * 100
    if scaled.denominator != 1 or abs(scaled.numerator) >= BOUND_LIMIT:
        return None
    return scaled.numerator


def _within(values: Int64s, bound: int) -> bool:
    """Whether every |value| ≤ bound (two reductions, no temporary array)."""
    return values.size == 0 or (int(values.max()) <= bound and int(values.min()) >= -bound)


def _half_up(product: Int64s, den: int) -> Int64s:
    """``product / den`` rounded half away from zero; |product|·2 + den must fit in int64."""
    magnitude = (2 * np.abs(product) + den) // (2 * den)
    return np.where(product < 0, -magnitude, magnitude)


# --------------------------------------------------------------------------------------------
# One schedule over one table


@dataclass(frozen=True)
class _Column:
    """A node's value for every payer: cents (meaningless where missing) and the missing mask."""

    cents: Int64s
    missing: Bools


class _Run:
    """One schedule over one table: reads the figures, and collects the rows that must go back
    to the interpreter (irregular figures, amounts beyond 2**62)."""

    def __init__(self, table: PayerTable, pools: Pools = NO_POOLS) -> None:
        self.table = table
        self.size = len(table)
        self.handoff = np.zeros(self.size, dtype=np.bool_)
        self.pools = pools

    def figure(self, ref: FactRef) -> FactColumn:
        column = self.table.facts(ref)
        self.handoff |= column.irregular
        return column

    def hand_off(self, rows: Bools) -> None:
        self.handoff |= rows

    def nothing_missing(self) -> Bools:
        return np.zeros(self.size, dtype=np.bool_)

    def constant(self, cents: int) -> Int64s:
        return self.guard(np.full(self.size, _clamp(cents), dtype=np.int64))

    def guard(self, cents: Int64s) -> Int64s:
        """Keep the invariant |cents| < 2**62: rows reaching it go to the interpreter."""
        if _within(cents, LIMIT - 1):
            return cents
        beyond = np.abs(cents) >= LIMIT
        self.handoff |= beyond
        return np.where(beyond, 0, cents)

    def scale(self, values: Int64s, num: int | Int64s, den: int, num_bound: int) -> Int64s:
        """``values × num / den`` rounded half-up away from zero, exactly like ``mul_round``:
        ``(2·|x|·num + den) // (2·den)``, the sign put back.

        ``num_bound`` bounds ``|num|``. Rows where ``2·|value|·num_bound + den`` could pass the
        int64 range are computed one by one with Python integers; in practice there are none.
        """
        assert den > 0 and num_bound >= 0
        if 2 * (num_bound + den) > INT64_MAX:  # the rate alone leaves no room in 64 bits
            return self._scale_exactly(values, num, den, values != 0, np.zeros_like(values))
        headroom = (INT64_MAX - den) // (2 * num_bound) if num_bound else INT64_MAX
        if _within(values, headroom):  # the usual case: every product fits
            if isinstance(num, int) and num >= 0 and (values.size == 0 or values.min() >= 0):
                result: Int64s = (values * (2 * num) + den) // (2 * den)
            else:
                result = _half_up(values * num, den)
            # A factor of at most 1 (a rate, a prorata) cannot make a value grow.
            return result if num_bound <= den else self.guard(result)
        risky = np.abs(values) > headroom
        fitting: Int64s = np.where(risky, 0, values)
        result = _half_up(fitting * num, den)
        return self._scale_exactly(values, num, den, risky, result)

    def _scale_exactly(
        self, values: Int64s, num: int | Int64s, den: int, rows: Bools, result: Int64s
    ) -> Int64s:
        """The overflow fallback: ``mul_round`` on Python integers for the given rows; a result
        beyond 2**62 hands its row to the interpreter."""
        for row in np.flatnonzero(rows).tolist():
            factor = num if isinstance(num, int) else int(num[row])
            exact = mul_round(int(values[row]), Fraction(factor, den))
            if abs(exact) < LIMIT:
                result[row] = exact
            else:
                self.handoff[row] = True
                result[row] = 0
        return self.guard(result)


# --------------------------------------------------------------------------------------------
# Mechanisms (same names and order as engine.py)


def _amount(run: _Run, node: Node) -> _Column:
    assert node.amount is not None
    return _Column(run.constant(to_cents(node.amount)), run.nothing_missing())


def _monthly(run: _Run, node: Node) -> _Column:
    assert node.amount is not None
    return _Column(run.constant(to_cents(node.amount) * node.months), run.nothing_missing())


def _by_category(run: _Run, node: Node) -> _Column:
    """Each payer takes its category's branch (the first listed), else ``default``, else it is
    missing (« aucun montant prévu pour la catégorie »).

    A lookup table gives each payer its branch in one pass; branches that are plain amounts
    are then read from a second table, and only the others are evaluated (for all payers, then
    selected: a few array passes, no per-payer work).
    """
    branch_of = np.full(len(run.table.categories), -1, dtype=np.int64)
    branches: list[Node] = []
    for code, branch in node.by_category:
        index = run.table.categories.get(code)
        if index is not None and branch_of[index] < 0:
            branch_of[index] = len(branches)
            branches.append(branch)
    if node.default is not None:
        branch_of[branch_of < 0] = len(branches)
        branches.append(node.default)
    choice = branch_of[run.table.category]  # -1: no branch for this category
    fixed = [_fixed_amount(branch) for branch in branches]
    # The extra last entry is read by the payers without a branch (index −1), who are missing.
    cents: Int64s = np.array([*(0 if c is None else c for c in fixed), 0], dtype=np.int64)[choice]
    missing = choice < 0
    for number, (branch, amount) in enumerate(zip(branches, fixed, strict=True)):
        if amount is not None:
            continue
        rows = choice == number
        if rows.any():
            value = _evaluate(run, branch)
            cents = np.where(rows, value.cents, cents)
            missing = np.where(rows, value.missing, missing)
    return _Column(cents, missing)


def _fixed_amount(node: Node) -> int | None:
    """The cents of a branch that is the same for every payer (an amount, or a monthly amount,
    without exemptions), floor then cap applied; ``None`` for any other branch."""
    if node.exemptions or node.mechanism not in ("amount", "monthly"):
        return None
    assert node.amount is not None
    cents = to_cents(node.amount) * (node.months if node.mechanism == "monthly" else 1)
    if node.floor is not None:
        cents = max(cents, to_cents(node.floor))
    if node.cap is not None:
        cents = min(cents, to_cents(node.cap))
    return cents if abs(cents) < LIMIT else None


def _rate(run: _Run, node: Node) -> _Column:
    """A negative or zero base gives 0 before any floor: ``max(base, 0)`` then the rate."""
    assert node.base is not None and node.rate is not None
    base = run.figure(node.base)
    rate = node.rate.value
    cents = run.scale(
        np.maximum(base.hundredths, 0), rate.numerator, rate.denominator, rate.numerator
    )
    return _Column(cents, ~base.present)


def _per_unit(run: _Run, node: Node) -> _Column:
    """Unit amount × quantity; quantities are in hundredths (12,5 ETP = 1250), hence ``/100``."""
    assert node.base is not None and node.amount is not None
    quantity = run.figure(node.base)
    unit = to_cents(node.amount)
    cents = run.scale(quantity.hundredths, unit, 100, abs(unit))
    return _Column(cents, ~quantity.present)


def _brackets(run: _Run, node: Node) -> _Column:
    assert node.base is not None
    figure = run.figure(node.base)
    if node.mode is BracketMode.MARGINAL:
        return _Column(_marginal(run, node, figure), ~figure.present)
    value = figure.hundredths
    inside: list[Bools] = []
    amounts: list[Int64s] = []
    for bracket in node.grid:
        above_lower = _greater(value, bracket.lower, or_equal=not bracket.lower_strict)
        if bracket.upper is not None:
            above_lower &= _less(value, bracket.upper, or_equal=bracket.upper_inclusive)
        inside.append(above_lower)
        if bracket.amount is not None:
            amounts.append(run.constant(to_cents(bracket.amount)))
        else:
            assert bracket.rate is not None
            rate = bracket.rate.value
            base = np.maximum(value, 0)
            amounts.append(run.scale(base, rate.numerator, rate.denominator, rate.numerator))
    # The first bracket that contains the value wins; none (below the first) is worth 0.
    cents: Int64s = np.select(inside, amounts, 0)
    return _Column(cents, ~figure.present)


def _marginal(run: _Run, node: Node, figure: FactColumn) -> Int64s:
    """Each bracket the value passes contributes its own part, rounded on its own, then summed.

    The parser keeps bounds to whole cents; a grid built otherwise (a bound in fractions of a
    cent) makes the interpreter's ``to_cents`` of the part refuse, so those rows go back to it.
    """
    value = figure.hundredths
    total = np.zeros(run.size, dtype=np.int64)
    alive = np.ones(run.size, dtype=np.bool_)  # the interpreter stops at the first lower ≥ value
    for bracket in node.grid:
        assert bracket.rate is not None
        alive &= _greater(value, bracket.lower, or_equal=False)
        lower = _exact_hundredths(bracket.lower)
        upper = None if bracket.upper is None else _exact_hundredths(bracket.upper)
        if lower is None or (bracket.upper is not None and upper is None):
            run.hand_off(alive & figure.present)
            continue
        top = value if upper is None else np.minimum(value, upper)
        portion = np.where(alive, top - lower, 0)
        rate = bracket.rate.value
        part = run.scale(portion, rate.numerator, rate.denominator, rate.numerator)
        total = run.guard(total + part)
    return total


def _combination(run: _Run, node: Node) -> _Column:
    """Any child missing makes the whole missing; otherwise the smallest, largest or sum."""
    values = [_evaluate(run, child) for child in node.children]
    missing = reduce(np.logical_or, [v.missing for v in values])
    if node.mechanism == "minimum_of":
        cents = reduce(np.minimum, [v.cents for v in values])
    elif node.mechanism == "maximum_of":
        cents = reduce(np.maximum, [v.cents for v in values])
    else:
        cents = reduce(lambda a, b: run.guard(a + b), [v.cents for v in values])
    return _Column(cents, missing)


def _quote_part(run: _Run, node: Node) -> _Column:
    """Each member's part, read from the pools computed exactly beforehand; the whole pool is
    missing while one of its figures is, and a member without its own figure too."""
    assert node.base is not None
    figure = run.figure(node.base)
    pool = node.pool_key
    cents = np.zeros(run.size, dtype=np.int64)
    if pool not in run.pools.computed or pool in run.pools.waiting:
        return _Column(cents, np.ones(run.size, dtype=np.bool_))
    for row, code in enumerate(run.table.codes):
        share = run.pools.share(pool, code)
        if share is not None:
            cents[row] = share.cents
    return _Column(cents, ~figure.present)


_MECHANISMS: dict[str, Callable[[_Run, Node], _Column]] = {
    "amount": _amount,
    "monthly": _monthly,
    "by_category": _by_category,
    "rate": _rate,
    "per_unit": _per_unit,
    "brackets": _brackets,
    "minimum_of": _combination,
    "maximum_of": _combination,
    "sum": _combination,
    "quote_part": _quote_part,
}


# --------------------------------------------------------------------------------------------
# Modifiers and the schedule


def _matches(run: _Run, condition: Condition) -> tuple[Bools, Bools]:
    """Whether the condition holds, and where it cannot be told (its figure is missing)."""
    if condition.categories:
        known = [run.table.categories[c] for c in condition.categories if c in run.table.categories]
        return np.isin(run.table.category, known), run.nothing_missing()
    assert condition.fact is not None
    figure = run.figure(condition.fact)
    if condition.below is not None:
        holds = _less(figure.hundredths, condition.below, or_equal=False)
    elif condition.above is not None:
        holds = _greater(figure.hundredths, condition.above, or_equal=False)
    else:
        holds = run.nothing_missing()
    return holds & figure.present, ~figure.present


def _exempt(run: _Run, node: Node, value: _Column) -> _Column:
    """Worth 0 (no floor) as soon as one condition holds, even if another one lacks its figure
    — then the mechanism's own missing figures do not count either; otherwise missing if one
    condition cannot be told; otherwise the node's own value."""
    exempt = np.zeros(run.size, dtype=np.bool_)
    unknown = np.zeros(run.size, dtype=np.bool_)
    for condition in node.exemptions:
        holds, absent = _matches(run, condition)
        exempt |= holds
        unknown |= absent
    missing = np.where(exempt, False, unknown | value.missing)
    return _Column(np.where(exempt, 0, value.cents), missing)


def _evaluate(run: _Run, node: Node) -> _Column:
    """exemptions → mechanism → floor → cap, as ``engine.evaluate_node``."""
    value = _MECHANISMS[node.mechanism](run, node)
    cents = value.cents
    if node.floor is not None:
        cents = run.guard(np.maximum(cents, _clamp(to_cents(node.floor))))
    if node.cap is not None:
        cents = run.guard(np.minimum(cents, _clamp(to_cents(node.cap))))
    value = _Column(cents, value.missing)
    return _exempt(run, node, value) if node.exemptions else value


def _prorata(run: _Run, schedule: FeeSchedule, cents: Int64s, part: Int64s, whole: int) -> Int64s:
    """``mul_round(cents, part/whole)``; a full period (part = whole) leaves cents unchanged."""
    if schedule.prorata is Prorata.NONE:
        return cents
    return np.where(part >= whole, cents, run.scale(cents, part, whole, whole))


def _credits(run: _Run, schedule: FeeSchedule, cents: Int64s) -> Int64s:
    """In-kind credits: each declared (non-zero) quantity is valued and rounded on its own; the
    total is deducted, and as soon as one is declared the fee is never below 0."""
    if not schedule.in_kind:
        return cents
    credit = np.zeros(run.size, dtype=np.int64)
    declared = np.zeros(run.size, dtype=np.bool_)
    for item in schedule.in_kind:
        figure = run.figure(item.fact)
        given = figure.present & (figure.hundredths != 0)
        if item.share is not None:  # equipment: a share of the declared value (in cents)
            share = item.share.value
            value = run.scale(
                figure.hundredths, share.numerator, share.denominator, share.numerator
            )
        else:  # hours or days: rate × quantity, the quantity in hundredths
            assert item.rate is not None
            rate = to_cents(item.rate)
            value = run.scale(figure.hundredths, rate, 100, abs(rate))
        credit = run.guard(credit + np.where(given, value, 0))
        declared |= given
    after = run.guard(np.maximum(cents - credit, 0))
    return np.where(declared, after, cents)


def _round_to_euro(run: _Run, cents: Int64s) -> Int64s:
    return run.guard(run.scale(cents, 1, 100, 1) * 100)


@dataclass(frozen=True)
class Evaluation:
    """Per payer, in table order: the fee in cents (``None`` when figures are missing) and
    whether the payer is a member during the schedule's period at all."""

    cents: list[int | None]
    liable: list[bool]


def evaluate(schedule: FeeSchedule, table: PayerTable, pools: Pools | None = None) -> Evaluation:
    """Every payer's fee under ``schedule``: fee → prorata → in-kind credit → rounding.

    A quote-part is split over ``pools`` if given (issuing: the whole registry, not only the
    members still to call), else over the table's payers."""
    if pools is None:
        pools = compute_pools(schedule, table.payers) if has_quote_part(schedule) else NO_POOLS
    run = _Run(table, pools)
    member = table.membership(schedule.period_start, schedule.period_end)
    liable = member.days > 0
    fee = _evaluate(run, schedule.fee)
    if schedule.prorata is Prorata.DAY:
        cents = _prorata(run, schedule, fee.cents, member.days, schedule.period_days)
    else:
        cents = _prorata(run, schedule, fee.cents, member.months, member.period_months)
    cents = _credits(run, schedule, cents)
    if schedule.rounding == "euro":
        cents = _round_to_euro(run, cents)
    # A non-member owes nothing and nothing is missing for them; the interpreter is not asked.
    result = np.where(liable, cents, 0).astype(object)
    result[fee.missing & liable] = None
    for row in np.flatnonzero(run.handoff & liable).tolist():
        result[row] = assess(schedule, table.payer(row), pools).cents
    return Evaluation(cents=result.tolist(), liable=liable.tolist())
