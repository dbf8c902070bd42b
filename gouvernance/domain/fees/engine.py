"""Evaluating a fee schedule for one member, with a French explanation of every step.

Arithmetic is in integer cents with exact rationals: a rate times a base is rounded half-up to
the cent once, where the explanation shows it, so the amount a person can recompute by hand is
the amount charged. A member whose figures are missing gets no amount and the list of what is
missing, never a silent zero.

Order of operations (the same in ``vector.py``, the fast path for whole member bases):
node = exemptions → mechanism → floor → cap; schedule = fee → prorata → in-kind credit
(never below zero) → rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from babel.numbers import format_decimal

from gouvernance.domain.facts import FactKind, of_name
from gouvernance.domain.fees.quote_part import NO_POOLS, PLURALS, Pools, Share
from gouvernance.domain.fees.schedule import (
    BracketMode,
    Condition,
    FactRef,
    FeeSchedule,
    Node,
    Prorata,
)
from gouvernance.domain.money import LOCALE, format_cents, format_number, from_cents, to_cents


def mul_round(cents: int, factor: Fraction) -> int:
    """``cents × factor`` rounded half-up (away from zero) to a whole cent."""
    exact = cents * factor
    magnitude = (abs(exact) + Fraction(1, 2)).__floor__()
    return -magnitude if exact < 0 else magnitude


def euros(cents: int) -> str:
    return format_cents(cents)


@dataclass(slots=True)
class Payer:
    """A member as the fee rules see it: category, membership dates and dated figures.

    Treated as a value and never changed once built; not ``frozen`` only because issuing a
    batch builds one per member (100 000 of them) and a frozen dataclass is three times slower
    to build."""

    code: str
    name: str
    category: str
    joined_on: date
    left_on: date | None = None
    facts: Mapping[tuple[FactKind, int], Decimal] = field(default_factory=dict)
    category_label: str = ""

    def __post_init__(self) -> None:
        if not self.category_label:
            self.category_label = self.category

    def figure(self, ref: FactRef) -> Decimal | None:
        return self.facts.get((ref.kind, ref.year))


@dataclass(frozen=True)
class Missing:
    """What a rule needed and the member has not given (« bénéfice 2026 »)."""

    kind: str
    year: int | None
    text: str


@dataclass(frozen=True)
class Step:
    """One line of an explanation, with the amount it arrives at and the lines under it."""

    text: str
    cents: int | None = None
    children: tuple[Step, ...] = ()

    def lines(self, depth: int = 0) -> list[str]:
        own = ["  " * depth + self.text]
        for child in self.children:
            own += child.lines(depth + 1)
        return own

    def render(self) -> str:
        return "\n".join(self.lines())


@dataclass(frozen=True)
class Assessment:
    """The fee of one member under one schedule, or what is missing to compute it."""

    schedule_id: str
    member_code: str
    member_name: str
    cents: int | None
    missing: tuple[Missing, ...]
    steps: tuple[Step, ...]
    liable: bool = True

    @property
    def amount(self) -> Decimal | None:
        return None if self.cents is None else from_cents(self.cents)

    def explain(self) -> str:
        """The explanation, one step per line, as a treasurer would write it by hand."""
        return "\n".join(line for step in self.steps for line in step.lines())

    def summary(self) -> str:
        """The explanation on one line: « 2 % du bénéfice … = 960,00 € ; plafonné … »."""
        return " ; ".join(step.text for step in self.steps)


@dataclass(frozen=True)
class _Value:
    cents: int | None
    step: Step
    missing: tuple[Missing, ...] = ()


def _missing(ref: FactRef, payer: Payer) -> _Value:
    what = Missing(kind=ref.kind.value, year=ref.year, text=ref.describe())
    text = f"donnée manquante : {ref.describe()} {of_name(payer.name)}"
    return _Value(None, Step(text), (what,))


def _combine_missing(values: list[_Value]) -> tuple[Missing, ...]:
    seen: dict[Missing, None] = {}
    for value in values:
        for item in value.missing:
            seen[item] = None
    return tuple(seen)


def _label(node: Node, text: str) -> str:
    return f"{node.label} : {text}" if node.label else text


# --------------------------------------------------------------------------------------------
# Mechanisms


def _amount(node: Node, payer: Payer, pools: Pools) -> _Value:
    assert node.amount is not None
    cents = to_cents(node.amount)
    return _Value(cents, Step(_label(node, f"montant fixe {euros(cents)}"), cents))


def _monthly(node: Node, payer: Payer, pools: Pools) -> _Value:
    assert node.amount is not None
    monthly = to_cents(node.amount)
    cents = monthly * node.months
    text = f"{euros(monthly)} par mois × {node.months} mois = {euros(cents)}"
    return _Value(cents, Step(_label(node, text), cents))


def _by_category(node: Node, payer: Payer, pools: Pools) -> _Value:
    branch = node.branch_for(payer.category)
    if branch is None:
        what = Missing(
            kind="category", year=None, text=f"montant pour la catégorie « {payer.category_label} »"
        )
        text = f"aucun montant prévu pour la catégorie « {payer.category_label} »"
        return _Value(None, Step(_label(node, text)), (what,))
    own = any(code == payer.category for code, _ in node.by_category)
    which = f"catégorie « {payer.category_label} »" if own else "autres catégories"
    inner = evaluate_node(branch, payer, pools)
    step = Step(_label(node, f"{which} : {inner.step.text}"), inner.cents, inner.step.children)
    return _Value(inner.cents, step, inner.missing)


def _rate(node: Node, payer: Payer, pools: Pools) -> _Value:
    assert node.base is not None and node.rate is not None
    base = payer.figure(node.base)
    if base is None:
        return _missing(node.base, payer)
    base_cents = to_cents(base)
    shown = f"{node.base.describe()} ({euros(base_cents)})"
    if base_cents <= 0:
        text = f"{shown} : pas de part proportionnelle sur une perte ou un montant nul → {euros(0)}"
        return _Value(0, Step(_label(node, text), 0))
    cents = mul_round(base_cents, node.rate.value)
    text = f"{node.rate.text} {node.base.of()} ({euros(base_cents)}) = {euros(cents)}"
    return _Value(cents, Step(_label(node, text), cents))


def _per_unit(node: Node, payer: Payer, pools: Pools) -> _Value:
    assert node.base is not None and node.amount is not None
    quantity = payer.figure(node.base)
    if quantity is None:
        return _missing(node.base, payer)
    unit = to_cents(node.amount)
    cents = mul_round(unit, Fraction(quantity))
    text = (
        f"{euros(unit)} × {node.base.kind.render(quantity)} "
        f"({node.base.describe()}) = {euros(cents)}"
    )
    return _Value(cents, Step(_label(node, text), cents))


def _brackets(node: Node, payer: Payer, pools: Pools) -> _Value:
    assert node.base is not None
    value = payer.figure(node.base)
    if value is None:
        return _missing(node.base, payer)
    kind = node.base.kind
    shown = f"{node.base.describe()} ({kind.render(value)})"
    if node.mode is BracketMode.MARGINAL:
        return _marginal(node, value, shown)
    for bracket in node.grid:
        if bracket.contains(value):
            where = f"{shown} : tranche « {bracket.describe(kind)} »"
            if bracket.amount is not None:
                cents = to_cents(bracket.amount)
                return _Value(cents, Step(_label(node, f"{where} → {euros(cents)}"), cents))
            assert bracket.rate is not None
            base_cents = to_cents(value)
            cents = mul_round(max(base_cents, 0), bracket.rate.value)
            text = f"{where} → {bracket.rate.text} × {kind.render(value)} = {euros(cents)}"
            return _Value(cents, Step(_label(node, text), cents))
    text = f"{shown} sous la première tranche → {euros(0)}"
    return _Value(0, Step(_label(node, text), 0))


def _marginal(node: Node, value: Decimal, shown: str) -> _Value:
    assert node.base is not None
    kind = node.base.kind
    parts: list[Step] = []
    total = 0
    for bracket in node.grid:
        if value <= bracket.lower:
            break
        top = value if bracket.upper is None else min(value, bracket.upper)
        portion = top - bracket.lower
        assert bracket.rate is not None
        cents = mul_round(to_cents(portion), bracket.rate.value)
        total += cents
        parts.append(
            Step(
                f"{bracket.rate.text} de la part « {bracket.describe(kind)} » "
                f"({kind.render(portion)}) = {euros(cents)}",
                cents,
            )
        )
    text = f"barème marginal sur {node.base.the()} ({kind.render(value)}) = {euros(total)}"
    return _Value(total, Step(_label(node, text), total, tuple(parts)))


def _combination(node: Node, payer: Payer, pools: Pools) -> _Value:
    values = [evaluate_node(child, payer, pools) for child in node.children]
    steps = tuple(v.step for v in values)
    missing = _combine_missing(values)
    words = {
        "minimum_of": "le plus petit des montants suivants",
        "maximum_of": "le plus grand des montants suivants",
        "sum": "la somme des montants suivants",
    }
    if missing:
        return _Value(None, Step(_label(node, f"{words[node.mechanism]} :"), None, steps), missing)
    amounts = [v.cents for v in values if v.cents is not None]
    if node.mechanism == "minimum_of":
        cents = min(amounts)
    elif node.mechanism == "maximum_of":
        cents = max(amounts)
    else:
        cents = sum(amounts)
    text = f"{words[node.mechanism]} → {euros(cents)}"
    return _Value(cents, Step(_label(node, text), cents, steps))


def _quote_part(node: Node, payer: Payer, pools: Pools) -> _Value:
    """The member's part of a budget split over the whole pool (``quote_part.compute_pools``).

    « quote-part de 1 000,00 € répartie entre 4 membres selon le bénéfice 2026 : 20 000,00 € sur
    60 000,00 € de bénéfices, soit 1/3 de 1 000,00 € = 333,33 € »."""
    assert node.base is not None and node.amount is not None
    figure = payer.figure(node.base)
    if figure is None:
        return _missing(node.base, payer)
    pool = node.pool_key
    budget = to_cents(node.amount)
    if pool not in pools.computed:
        what = Missing(
            kind="quote_part",
            year=node.base.year,
            text=f"répartition de la quote-part de {euros(budget)} entre tous les membres",
        )
        text = (
            f"quote-part de {euros(budget)} : elle se répartit entre tous les membres, "
            "calculez-la sur le registre entier"
        )
        return _Value(None, Step(_label(node, text)), (what,))
    others = [text for code, text in pools.waiting.get(pool, ()) if code != payer.code]
    if others:
        missing = tuple(
            Missing(kind="quote_part", year=node.base.year, text=f"{text} (quote-part)")
            for text in others
        )
        text = f"quote-part de {euros(budget)} : la répartition attend {', '.join(others)}"
        return _Value(None, Step(_label(node, text)), missing)
    share = pools.share(pool, payer.code)
    if share is None:  # a payer outside the pool (not a member during the period)
        text = f"quote-part de {euros(budget)} : hors de la répartition → {euros(0)}"
        return _Value(0, Step(_label(node, text), 0))
    return _Value(share.cents, Step(_label(node, explain_share(share, node.base)), share.cents))


def explain_share(share: Share, base: FactRef) -> str:
    """The French explanation of one part, with the figures a person can check by hand."""
    budget = euros(share.budget)
    plural = PLURALS.get(base.kind, base.kind.label)
    head = (
        f"quote-part de {budget} répartie entre {format_number(share.members)} membre"
        f"{'s' if share.members > 1 else ''} selon {base.the()}"
    )
    if share.figure <= 0:
        why = "une perte compte pour zéro" if share.figure < 0 else "rien à répartir sur zéro"
        return f"{head} : {base.describe()} ({euros(share.figure)}), {why} → {euros(0)}"
    if share.pool_total == 0:
        return f"{head} : aucun {base.kind.label} positif, rien à répartir → {euros(0)}"
    fraction = share.fraction
    shown = f"{fraction.numerator}/{fraction.denominator}" if fraction != 1 else "la totalité"
    text = (
        f"{head} : {euros(share.figure)} sur {euros(share.pool_total)} de {plural}, "
        f"soit {shown} de {budget} = {euros(share.cents)}"
    )
    exact = share.exact
    if exact != share.cents:
        unit = "l'euro" if share.unit == 100 else "le centime"
        floor = (exact / share.unit).__floor__() * share.unit
        outcome = (
            f"{euros(floor)} plus {'un euro' if share.unit == 100 else 'un centime'} au plus "
            "fort reste"
            if share.cents > floor
            else f"{euros(floor)}, {unit} restant allant à de plus forts restes"
        )
        text += f" (part exacte {_exact_euros(exact)} : {outcome})"
    return text


def _exact_euros(cents: Fraction) -> str:
    """« 166,6666… € »: an exact part in euros, cut after four decimals with « … » if longer."""
    value = cents / 100
    cut = Fraction((value * 10_000).__floor__(), 10_000)
    number = Decimal(cut.numerator) / Decimal(cut.denominator)
    text = format_decimal(number, format="#,##0.0000", locale=LOCALE)
    return f"{text}{'…' if cut != value else ''}\u00a0€"


_MECHANISMS = {
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


def matches(condition: Condition, payer: Payer) -> bool | None:
    """Whether the condition holds; ``None`` when the figure it reads is missing."""
    if condition.categories:
        return payer.category in condition.categories
    assert condition.fact is not None
    value = payer.figure(condition.fact)
    if value is None:
        return None
    if condition.below is not None:
        return value < condition.below
    return condition.above is not None and value > condition.above


def _exemption(node: Node, payer: Payer) -> _Value | None:
    """Exempt as soon as one condition holds, even if another one lacks its figure."""
    unknown: Condition | None = None
    for condition in node.exemptions:
        holds = matches(condition, payer)
        if holds:
            why = condition.label or (
                f"catégorie « {payer.category_label} »"
                if condition.categories
                else condition.describe()
            )
            return _Value(0, Step(_label(node, f"exonéré ({why}) → {euros(0)}"), 0))
        if holds is None and unknown is None:
            unknown = condition
    if unknown is not None:
        assert unknown.fact is not None
        return _missing(unknown.fact, payer)
    return None


def evaluate_node(node: Node, payer: Payer, pools: Pools = NO_POOLS) -> _Value:
    if node.exemptions and (exempt := _exemption(node, payer)) is not None:
        return exempt
    value = _MECHANISMS[node.mechanism](node, payer, pools)
    if value.cents is None:
        return value
    cents, step = value.cents, value.step
    if node.floor is not None and cents < to_cents(node.floor):
        cents = to_cents(node.floor)
        step = Step(
            f"{step.text} ; porté au plancher de {euros(cents)} → {euros(cents)}",
            cents,
            step.children,
        )
    if node.cap is not None and cents > to_cents(node.cap):
        cents = to_cents(node.cap)
        step = Step(
            f"{step.text} ; plafonné à {euros(cents)} → {euros(cents)}", cents, step.children
        )
    return _Value(cents, step, value.missing)


def membership_days(schedule: FeeSchedule, payer: Payer) -> int:
    """Days of the period during which the payer is a member (the leaving day counts)."""
    start = max(schedule.period_start, payer.joined_on)
    end = min(schedule.period_end, payer.left_on or schedule.period_end)
    return max((end - start).days + 1, 0)


def membership_months(schedule: FeeSchedule, payer: Payer) -> tuple[int, int]:
    """Months of the period started as a member, out of the period's months."""

    def index(day: date) -> int:
        return day.year * 12 + day.month - 1

    total = index(schedule.period_end) - index(schedule.period_start) + 1
    if membership_days(schedule, payer) == 0:
        return 0, total
    start = max(schedule.period_start, payer.joined_on)
    end = min(schedule.period_end, payer.left_on or schedule.period_end)
    return index(end) - index(start) + 1, total


def _prorata(schedule: FeeSchedule, payer: Payer, cents: int) -> tuple[int, Step | None]:
    if schedule.prorata is Prorata.NONE:
        return cents, None
    if schedule.prorata is Prorata.DAY:
        part, whole, unit = membership_days(schedule, payer), schedule.period_days, "jours"
    else:
        (part, whole), unit = membership_months(schedule, payer), "mois"
    if part >= whole:
        return cents, None
    prorated = mul_round(cents, Fraction(part, whole))
    text = (
        f"prorata temporis : membre {part} {unit} sur {whole} → "
        f"{euros(cents)} × {part}/{whole} = {euros(prorated)}"
    )
    return prorated, Step(text, prorated)


def _credits(schedule: FeeSchedule, payer: Payer, cents: int) -> tuple[int, Step | None]:
    parts: list[Step] = []
    credit = 0
    for item in schedule.in_kind:
        quantity = payer.figure(item.fact)
        if not quantity:
            continue
        if item.share is not None:
            value = mul_round(to_cents(quantity), item.share.value)
        else:
            assert item.rate is not None
            value = mul_round(to_cents(item.rate), Fraction(quantity))
        credit += value
        parts.append(
            Step(
                f"{item.fact.kind.label} {item.fact.year} : {item.fact.kind.render(quantity)}, "
                f"{item.describe_rate()} = {euros(value)}",
                value,
            )
        )
    if not parts:
        return cents, None
    after = max(cents - credit, 0)
    text = f"contributions en nature déduites : {euros(credit)} → {euros(after)}"
    if credit > cents:
        text += " (le crédit ne rend pas la cotisation négative)"
    return after, Step(text, after, tuple(parts))


def assess(schedule: FeeSchedule, payer: Payer, pools: Pools = NO_POOLS) -> Assessment:
    """The fee of ``payer`` under ``schedule``, explained step by step.

    A schedule with a quote-part needs ``pools`` (``quote_part.compute_pools`` over the whole
    member base); without them, the quote-part is reported as missing, never guessed."""

    def result(
        cents: int | None, missing: tuple[Missing, ...], steps: list[Step], liable: bool = True
    ) -> Assessment:
        return Assessment(schedule.id, payer.code, payer.name, cents, missing, tuple(steps), liable)

    if membership_days(schedule, payer) == 0:
        step = Step(f"pas membre pendant l'exercice {schedule.fiscal_year} → {euros(0)}", 0)
        return result(0, (), [step], liable=False)
    value = evaluate_node(schedule.fee, payer, pools)
    if value.cents is None:
        return result(None, value.missing, [value.step])
    steps = [value.step]
    cents = value.cents
    for stage in (_prorata, _credits):
        cents, extra = stage(schedule, payer, cents)
        if extra is not None:
            steps.append(extra)
    if schedule.rounding == "euro" and cents % 100:
        rounded = mul_round(cents, Fraction(1, 100)) * 100
        steps.append(Step(f"arrondi à l'euro : {euros(cents)} → {euros(rounded)}", rounded))
        cents = rounded
    return result(cents, value.missing, steps)
