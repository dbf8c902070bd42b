"""Several fee schedules on the same member base, side by side: what the board compares.

Every figure comes from integer cents: a scenario's total is the exact sum of the amounts shown
on its member lines, so the board can add the column by hand and find the same total. Members
whose figures are missing get no amount, are left out of the totals, and are listed with what
is missing (« bénéfice 2026 ») — never counted as zero.

The whole base is evaluated with ``vector.evaluate`` (one ``PayerTable``, built once); the
step-by-step interpreter ``engine.assess`` is called only where a person needs words: the list
of what is missing, and explanations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_percent

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees import vector
from gouvernance.domain.fees.engine import Missing, Payer, assess, euros, mul_round
from gouvernance.domain.fees.quote_part import NO_POOLS, Pools, compute_pools, has_quote_part
from gouvernance.domain.fees.schedule import FactRef, FeeSchedule
from gouvernance.domain.money import LOCALE, from_cents

DEFAULT_TOP = 5
# The French percent pattern (CLDR: no-break space before « % ») with exactly two decimals.
_PERCENT_PATTERN = "#,##0.00\u00a0%"


# --------------------------------------------------------------------------------------------
# Formatting helpers shared by the CLI, the API and the exports


def burden_percent(burden: Fraction) -> Decimal:
    """The burden as a percentage with two decimals, rounded half-up (0,405 % → 0,41 %).

    Rounded here, exactly, because Babel would round half-to-even.
    """
    hundredths = mul_round(1, burden * 100 * 100)
    return Decimal(hundredths).scaleb(-2)


def format_burden(burden: Fraction | None) -> str:
    """« 0,41 % » (French spacing); an empty text when there is no burden to show."""
    if burden is None:
        return ""
    ratio = burden_percent(burden) / 100
    return format_percent(ratio, format=_PERCENT_PATTERN, locale=LOCALE)


def format_difference(cents: int | None) -> str:
    """« +560,00 € », « -120,00 € », « 0,00 € »: the sign always shows which way it moves."""
    if cents is None:
        return ""
    return f"+{euros(cents)}" if cents > 0 else euros(cents)


def format_cents(cents: int | None) -> str:
    return "" if cents is None else euros(cents)


def decimal_text(cents: int | None) -> str | None:
    """« 960.00 »: an amount as exact text for JSON, never a float."""
    return None if cents is None else str(from_cents(cents))


# --------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class MissingMember:
    """A member a scenario cannot charge yet, and the figures it waits for."""

    code: str
    name: str
    category_label: str
    missing: tuple[Missing, ...]

    def describe(self) -> str:
        """« bénéfice 2026 », or several figures separated by commas."""
        return ", ".join(item.text for item in self.missing)


@dataclass(frozen=True)
class Change:
    """How much one member's fee moves from the reference scenario to another one."""

    code: str
    name: str
    reference_cents: int
    cents: int
    difference: int


@dataclass(frozen=True)
class Scenario:
    """One schedule's column: its totals, over the members liable in its period.

    ``charged`` counts members with an amount above zero; ``minimum``, ``median`` and
    ``maximum`` are over those amounts (members at 0 € — exempt categories — would otherwise
    make the median say more about how many beneficiaries there are than about the fee).
    """

    schedule: FeeSchedule
    total_cents: int
    liable: int
    charged: int
    at_zero: int
    missing: tuple[MissingMember, ...]
    minimum: int | None
    median: int | None
    maximum: int | None

    @property
    def id(self) -> str:
        return self.schedule.id

    @property
    def label(self) -> str:
        return self.schedule.label


@dataclass(frozen=True)
class Cell:
    """One member under one scenario.

    ``liable`` is false when the person is not a member during the schedule's period: the
    member is then not in that scenario at all (no amount, no difference). ``cents`` is
    ``None`` when figures are missing (``missing`` says which). ``difference`` is against the
    reference scenario, when both amounts exist. ``burden`` is the amount over the member's
    revenue of the schedule's facts year, exact; ``None`` without a positive revenue.
    """

    schedule_id: str
    liable: bool
    cents: int | None
    missing: tuple[Missing, ...] = ()
    difference: int | None = None
    burden: Fraction | None = None


@dataclass(frozen=True)
class MemberLine:
    """One member across every scenario, in the scenarios' order."""

    code: str
    name: str
    category: str
    category_label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Comparison:
    """Scenarios side by side: summaries, one line per member, the biggest changes."""

    scenarios: tuple[Scenario, ...]
    reference_id: str
    members: tuple[MemberLine, ...]
    changes: tuple[tuple[Change, ...], ...]

    def index(self, schedule_id: str) -> int:
        for position, scenario in enumerate(self.scenarios):
            if scenario.id == schedule_id:
                return position
        raise KeyError(schedule_id)

    @property
    def reference(self) -> Scenario:
        return self.scenarios[self.index(self.reference_id)]

    def biggest_changes(self, schedule_id: str) -> tuple[Change, ...]:
        """The members whose fee moves most from the reference (none for the reference)."""
        return self.changes[self.index(schedule_id)]


# --------------------------------------------------------------------------------------------
# Statistics


def median_cents(amounts: Sequence[int]) -> int | None:
    """The median amount; for an even count, the mean of the two middle amounts rounded half-up
    to the cent (away from zero), so it is always an amount a person can charge."""
    if not amounts:
        return None
    ordered = sorted(amounts)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return mul_round(ordered[middle - 1] + ordered[middle], Fraction(1, 2))


def burden(cents: int | None, payer: Payer, facts_year: int) -> Fraction | None:
    """Fee over the member's revenue of the year the schedule reads; none without revenue."""
    if cents is None:
        return None
    revenue = payer.figure(FactRef(FactKind.REVENUE, facts_year))
    if revenue is None or revenue <= 0:
        return None
    return Fraction(cents, 100) / Fraction(revenue)


# --------------------------------------------------------------------------------------------
# The comparison


def compare(
    schedules: Sequence[FeeSchedule],
    payers: Sequence[Payer] | vector.PayerTable,
    reference_id: str | None = None,
    *,
    top: int = DEFAULT_TOP,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Evaluate every schedule on the same payers and put the results side by side.

    ``reference_id`` (default: the first schedule) is the scenario differences are taken
    against; ``top`` is how many biggest changes to keep per scenario (ties broken by member
    code, so the same input always gives the same list). ``progress`` hears (member-schedule
    amounts computed, all of them) after each schedule and once the lines are built.
    """
    reference = _check(schedules, reference_id)
    table = payers if isinstance(payers, vector.PayerTable) else vector.PayerTable.build(payers)
    members = len(table)
    total = members * (len(schedules) + 1)
    columns = []
    for schedule in schedules:
        columns.append(_column(schedule, table))
        if progress is not None:
            progress(members * len(columns), total)
    ref_column = columns[[s.id for s in schedules].index(reference)]
    lines = _member_lines(schedules, table, columns, ref_column)
    if progress is not None:
        progress(total, total)
    scenarios = tuple(_scenario(s, c, table) for s, c in zip(schedules, columns, strict=True))
    changes = tuple(
        () if schedule.id == reference else _biggest(lines, position, top)
        for position, schedule in enumerate(schedules)
    )
    return Comparison(scenarios, reference, lines, changes)


def _check(schedules: Sequence[FeeSchedule], reference_id: str | None) -> str:
    """At least one schedule, each once, and a reference among them."""
    if not schedules:
        raise InvalidInput("choisissez au moins un barème à comparer", field="schedules")
    seen: set[str] = set()
    for schedule in schedules:
        if schedule.id in seen:
            raise InvalidInput(
                f"le barème « {schedule.id} » est demandé deux fois", field="schedules"
            )
        seen.add(schedule.id)
    if reference_id is None:
        return schedules[0].id
    if reference_id not in seen:
        raise InvalidInput(
            f"le barème de référence « {reference_id} » ne fait pas partie de la comparaison "
            f"({', '.join(s.id for s in schedules)})",
            field="reference",
        )
    return reference_id


@dataclass(frozen=True)
class _Column:
    """One schedule evaluated over the table: amounts and liability, in table order."""

    cents: tuple[int | None, ...]
    liable: tuple[bool, ...]
    missing: dict[int, tuple[Missing, ...]]


def _column(schedule: FeeSchedule, table: vector.PayerTable) -> _Column:
    """The fast path for amounts; the interpreter only for the members with missing figures.
    A quote-part is split once over the whole table, and both paths read that split."""
    pools = compute_pools(schedule, table.payers) if has_quote_part(schedule) else NO_POOLS
    evaluation = vector.evaluate(schedule, table, pools)
    if len(evaluation.cents) != len(table) or len(evaluation.liable) != len(table):
        raise ValueError(f"évaluation incomplète du barème {schedule.id}")
    # ``int()``: whatever integer type the fast path uses, totals are Python integers.
    cents = tuple(None if c is None else int(c) for c in evaluation.cents)
    liable = tuple(bool(flag) for flag in evaluation.liable)
    rows = [
        i
        for i, (amount, flag) in enumerate(zip(cents, liable, strict=True))
        if flag and amount is None
    ]
    return _Column(cents, liable, _missing_items(schedule, table, pools, rows))


def _missing_items(
    schedule: FeeSchedule, table: vector.PayerTable, pools: Pools, rows: Sequence[int]
) -> dict[int, tuple[Missing, ...]]:
    """What each of ``rows`` misses, from the interpreter (``table.payer(i)``: a table read
    straight from the registry makes only these payers).

    What is missing depends only on the member's category (code and label), on the figures the
    schedule reads, and, for a quote-part, on the member's code when the split waits for this
    member or gives them a part: members alike in all that share one interpretation (thousands
    of persons without figures, on a real registry). A figure outside the integer model is
    always interpreted on its own."""
    refs = sorted(_fact_refs(schedule))
    figures = [table.facts(FactRef(kind, year)) for kind, year in refs]
    hundredths = [column.hundredths.tolist() for column in figures]
    present = [column.present.tolist() for column in figures]
    irregular = [column.irregular.tolist() for column in figures]
    categories = _category_codes(table)
    named = {code for entries in pools.waiting.values() for code, _ in entries}
    named.update(code for _, code in pools.shares)
    known: dict[tuple[object, ...], tuple[Missing, ...]] = {}
    found: dict[int, tuple[Missing, ...]] = {}
    for i in rows:
        code = table.codes[i]
        if any(column[i] for column in irregular):
            found[i] = assess(schedule, table.payer(i), pools).missing
            continue
        key = (
            categories[i],
            table.labels[i],
            code if code in named else None,
            *(
                values[i] if flags[i] else None
                for values, flags in zip(hundredths, present, strict=True)
            ),
        )
        items = known.get(key)
        if items is None:
            items = known[key] = assess(schedule, table.payer(i), pools).missing
        found[i] = items
    return found


def _fact_refs(schedule: FeeSchedule) -> set[tuple[FactKind, int]]:
    """Every (figure, year) the schedule reads: its nodes' bases and exemption conditions,
    and its contributions in kind."""
    found: set[tuple[FactKind, int]] = set()
    nodes = [schedule.fee]
    while nodes:
        node = nodes.pop()
        if node.base is not None:
            found.add((node.base.kind, node.base.year))
        found.update(
            (condition.fact.kind, condition.fact.year)
            for condition in node.exemptions
            if condition.fact is not None
        )
        nodes.extend(branch for _, branch in node.by_category)
        if node.default is not None:
            nodes.append(node.default)
        nodes.extend(node.children)
    found.update((credit.fact.kind, credit.fact.year) for credit in schedule.in_kind)
    return found


def _burdens(
    schedule: FeeSchedule, table: vector.PayerTable, cents: Sequence[int | None]
) -> list[Fraction | None]:
    """``burden`` of every row, read from the table's revenue column (whole hundredths ``h``:
    the burden is exactly ``cents / h``); a revenue outside the integer model goes through
    ``burden`` itself, so the figures are always the same."""
    revenue = table.facts(FactRef(FactKind.REVENUE, schedule.facts_year))
    hundredths = revenue.hundredths.tolist()
    present = revenue.present.tolist()
    irregular = revenue.irregular.tolist()
    found: list[Fraction | None] = []
    for i, amount in enumerate(cents):
        if amount is None:
            found.append(None)
        elif irregular[i]:
            found.append(burden(amount, table.payer(i), schedule.facts_year))
        elif present[i] and hundredths[i] > 0:
            found.append(Fraction(amount, hundredths[i]))
        else:
            found.append(None)
    return found


def _category_codes(table: vector.PayerTable) -> list[str]:
    """Each row's category code, from the table's columns (no ``Payer`` made)."""
    codes = list(table.categories)  # insertion order is the index order
    return [codes[index] for index in table.category.tolist()]


def _member_lines(
    schedules: Sequence[FeeSchedule],
    table: vector.PayerTable,
    columns: Sequence[_Column],
    reference: _Column,
) -> tuple[MemberLine, ...]:
    """One line per member liable in at least one scenario, by code.

    Read from the table's columns (codes, names, categories, revenue), never from a ``Payer``
    per member: a table read straight from the registry makes payers only when asked."""
    codes, names, labels = table.codes, table.names, table.labels
    categories = _category_codes(table)
    burdens = [
        _burdens(schedule, table, column.cents)
        for schedule, column in zip(schedules, columns, strict=True)
    ]
    lines = []
    for i in range(len(table)):
        if not any(column.liable[i] for column in columns):
            continue
        cells = tuple(
            _cell(schedule, column, reference, i, shares[i])
            for schedule, column, shares in zip(schedules, columns, burdens, strict=True)
        )
        lines.append(MemberLine(codes[i], names[i], categories[i], labels[i], cells))
    return tuple(sorted(lines, key=lambda line: line.code))


def _cell(
    schedule: FeeSchedule, column: _Column, reference: _Column, i: int, share: Fraction | None
) -> Cell:
    if not column.liable[i]:
        return Cell(schedule.id, liable=False, cents=None)
    cents = column.cents[i]
    ref_cents = reference.cents[i] if reference.liable[i] else None
    difference = None if cents is None or ref_cents is None else cents - ref_cents
    return Cell(
        schedule.id,
        liable=True,
        cents=cents,
        missing=column.missing.get(i, ()),
        difference=difference,
        burden=share,
    )


def _scenario(schedule: FeeSchedule, column: _Column, table: vector.PayerTable) -> Scenario:
    """Totals over the liable members with an amount; the others are counted as missing."""
    amounts = [
        cents
        for cents, flag in zip(column.cents, column.liable, strict=True)
        if flag and cents is not None
    ]
    charged = [cents for cents in amounts if cents > 0]
    missing = tuple(
        sorted(
            (
                MissingMember(table.codes[i], table.names[i], table.labels[i], items)
                for i, items in column.missing.items()
            ),
            key=lambda member: member.code,
        )
    )
    return Scenario(
        schedule=schedule,
        total_cents=sum(amounts),
        liable=sum(column.liable),
        charged=len(charged),
        at_zero=len(amounts) - len(charged),
        missing=missing,
        minimum=min(charged, default=None),
        median=median_cents(charged),
        maximum=max(charged, default=None),
    )


def _biggest(lines: Sequence[MemberLine], position: int, top: int) -> tuple[Change, ...]:
    """The ``top`` largest absolute differences (zero changes left out), ties by code."""
    found = []
    for line in lines:
        cell = line.cells[position]
        if cell.difference is None or cell.difference == 0 or cell.cents is None:
            continue
        found.append(
            Change(line.code, line.name, cell.cents - cell.difference, cell.cents, cell.difference)
        )
    found.sort(key=lambda change: (-abs(change.difference), change.code))
    return tuple(found[: max(top, 0)])
