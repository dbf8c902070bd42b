"""From an adopted schedule to calls: who is called, for how much, and on what basis.

Amounts come from the fast path (``fees.vector``, equal to the interpreter by contract). Each
call keeps its *basis*: the member's category, membership dates and the figures the schedule
read, as JSON. With the schedule's text kept on the batch, the step-by-step explanation of any
call is recomputed from these two frozen inputs, and checked against the amount stored: later
edits of the rules or of the member's figures change nothing in an issued call. (Rendering
100 000 explanations as text at issue time would cost several seconds; the basis costs little.)

A quote-part (a budget split over the whole group) is split over every member of the registry,
those already called included — a complementary batch never splits the budget again among the
newcomers — and each call's basis keeps the member's share (budget, the group's total, its size,
the part), so that its explanation is recomputed without the other members' figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from json.encoder import encode_basestring
from typing import TypeVar

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Assessment, Payer, assess
from gouvernance.domain.fees.quote_part import (
    NO_POOLS,
    Pools,
    Share,
    compute_pools,
    has_quote_part,
)
from gouvernance.domain.fees.schedule import FeeSchedule, Node
from gouvernance.domain.fees.vector import PayerTable, evaluate

FactKey = tuple[FactKind, int]
T = TypeVar("T")


def _node_refs(node: Node) -> Iterator[FactKey]:
    if node.base is not None:
        yield node.base.kind, node.base.year
    for condition in node.exemptions:
        if condition.fact is not None:
            yield condition.fact.kind, condition.fact.year
    for _, branch in node.by_category:
        yield from _node_refs(branch)
    if node.default is not None:
        yield from _node_refs(node.default)
    for child in node.children:
        yield from _node_refs(child)


def fact_refs(schedule: FeeSchedule) -> set[FactKey]:
    """Every (figure, year) the schedule may read, in-kind contributions included."""
    found = set(_node_refs(schedule.fee))
    found.update((credit.fact.kind, credit.fact.year) for credit in schedule.in_kind)
    return found


def basis_of(payer: Payer, refs: Set[FactKey], pools: Pools = NO_POOLS) -> str:
    """The JSON snapshot of what the fee of ``payer`` is computed from.

    Written by hand (strings escaped by ``json``'s own encoder) because ``json.dumps`` of a
    dict costs ~15 µs, a sixth of the time of issuing a call; ``payer_from_basis`` reads it
    back with ``json.loads``, and the tests check both agree with ``json.dumps``.
    """
    return _basis(payer, _keys(refs), pools)


def _keys(refs: Set[FactKey]) -> list[tuple[FactKey, str]]:
    """Each (figure, year) read, sorted, with its JSON key written once for all members."""
    return [((kind, year), f'"{kind.value}:{year}": "') for kind, year in sorted(refs)]


def _basis(payer: Payer, keys: Sequence[tuple[FactKey, str]], pools: Pools = NO_POOLS) -> str:
    facts = payer.facts
    figures = ", ".join(
        [label + str(value) + '"' for key, label in keys if (value := facts.get(key)) is not None]
    )
    left = f'"{payer.left_on.isoformat()}"' if payer.left_on else "null"
    return (
        f"{_category(payer.category, payer.category_label)}"
        f'"facts": {{{figures}}}, '
        f'"joined_on": "{payer.joined_on.isoformat()}", '
        f'"left_on": {left}, '
        f'"name": {_text(payer.name)}{_shares(payer.code, pools)}}}'
    )


def _shares(code: str, pools: Pools) -> str:
    """``, "quote_parts": {pool: [budget, figure, total, members, cents, unit]}`` (cents), or
    nothing for a schedule without a quote-part."""
    if not pools.computed:
        return ""
    found = {
        pool: [share.budget, share.figure, share.pool_total, share.members, share.cents, share.unit]
        for pool in sorted(pools.computed)
        if (share := pools.share(pool, code)) is not None
    }
    return f", {_text('quote_parts')}: {json.dumps(found, ensure_ascii=False, sort_keys=True)}"


def pools_from_basis(code: str, basis: str) -> Pools:
    """The member's quote-part shares kept in a call's basis (none for other schedules)."""
    saved = json.loads(basis).get("quote_parts")
    if saved is None:
        return NO_POOLS
    shares = {(pool, code): Share(*(int(v) for v in values)) for pool, values in saved.items()}
    return Pools(shares=shares, waiting={}, computed=frozenset(saved))


@lru_cache(maxsize=256)
def _category(code: str, label: str) -> str:
    """The opening of a basis, the same for every member of a category."""
    return f'{{"category": {_text(code)}, "category_label": {_text(label)}, '


_text = encode_basestring  # a JSON string literal, non-ASCII kept as is


def payer_from_basis(code: str, basis: str) -> Payer:
    data = json.loads(basis)
    facts: dict[FactKey, Decimal] = {}
    for key, value in data["facts"].items():
        kind, year = key.split(":")
        facts[(FactKind(kind), int(year))] = Decimal(value)
    return Payer(
        code=code,
        name=data["name"],
        category=data["category"],
        joined_on=date.fromisoformat(data["joined_on"]),
        left_on=date.fromisoformat(data["left_on"]) if data["left_on"] else None,
        facts=facts,
        category_label=data["category_label"],
    )


def explain_call(schedule: FeeSchedule, code: str, basis: str, cents: int) -> Assessment:
    """The step-by-step explanation of an issued call, from its frozen inputs."""
    assessment = assess(schedule, payer_from_basis(code, basis), pools_from_basis(code, basis))
    if assessment.cents != cents:
        raise InvalidInput(
            f"l'explication de l'appel de {code} ne redonne pas son montant : l'appel fait foi",
            field="basis",
        )
    return assessment


# One call to issue: (member code, member name, cents, basis) — a plain tuple, a batch holds
# up to 100 000 of them.
Line = tuple[str, str, int, str]


@dataclass(frozen=True)
class IssuePlan:
    """The calls to issue, as columns (one entry per call, in the registry's order: member
    code, name, cents and basis), then the members left out."""

    codes: Sequence[str]
    names: Sequence[str]
    cents: Sequence[int]
    bases: Sequence[str]
    missing: tuple[Assessment, ...]  # members whose figures are missing: no amount
    exempt: tuple[Payer, ...]  # members who owe nothing under the schedule (0,00 €)

    def __len__(self) -> int:
        return len(self.cents)

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(zip(self.codes, self.names, self.cents, self.bases, strict=True))

    @property
    def total(self) -> int:
        return sum(self.cents)


def plan_issue(
    schedule: FeeSchedule, payers: Sequence[Payer] | PayerTable, already_called: Set[str]
) -> IssuePlan:
    """Who the schedule calls among ``payers`` (members during its period, not yet called).

    ``payers`` is best a table read straight from the registry (``PayerTable.from_columns``):
    then no ``Payer`` is made, but for the members whose figures are missing or who owe
    nothing."""
    everyone = payers if isinstance(payers, PayerTable) else PayerTable.build(payers)
    pools = compute_pools(schedule, everyone.payers) if has_quote_part(schedule) else NO_POOLS
    table = everyone
    if already_called:
        kept = [row for row, code in enumerate(everyone.codes) if code not in already_called]
        if len(kept) < len(everyone):
            table = everyone.take(kept)
    result = evaluate(schedule, table, pools)
    rows: list[int] = []
    cents: list[int] = []
    missing: list[Assessment] = []
    exempt: list[Payer] = []
    for row, (amount, liable) in enumerate(zip(result.cents, result.liable, strict=True)):
        if not liable:
            continue
        if amount is None:
            missing.append(assess(schedule, table.payer(row), pools))
        elif amount <= 0:
            exempt.append(table.payer(row))
        else:
            rows.append(row)
            cents.append(amount)
    codes, names = table.codes, table.names
    return IssuePlan(
        codes=[codes[row] for row in rows],
        names=[names[row] for row in rows],
        cents=cents,
        bases=_bases(table, rows, _keys(fact_refs(schedule)), pools),
        missing=tuple(missing),
        exempt=tuple(exempt),
    )


def _bases(
    table: PayerTable, rows: Sequence[int], keys: Sequence[tuple[FactKey, str]], pools: Pools
) -> list[str]:
    """The basis of each row called, exactly as ``_basis`` writes it. From the registry's
    columns, column by column: each piece shared by many members (a category, a date) is
    written once, the others in C-level ``map`` calls, and the rows are joined last."""
    registry = table.registry
    if registry is None:
        payers = table.payers
        return [_basis(payers[row], keys, pools) for row in rows]
    everyone = len(rows) == len(registry)  # rows are then 0, 1, 2…: no selection needed

    def column(values: Sequence[T]) -> Sequence[T]:
        return values if everyone else list(map(values.__getitem__, rows))

    figures = [""] * len(registry)
    for key, label in keys:
        at, values = registry.figures.get(key, ((), ()))
        pieces = [
            f'{label}{value // 100}.{value % 100:02d}"' if value >= 0  # _hundredths_text, inline
            else f'{label}{_hundredths_text(value)}"'
            for value in values
        ]  # fmt: skip
        for row, piece in zip(at, pieces, strict=True):
            figures[row] = f"{figures[row]}, {piece}" if figures[row] else piece
    pairs = set(zip(registry.categories, registry.labels, strict=True))
    prefix = {pair: _category(*pair) for pair in pairs}
    joined = {day: f'"joined_on": "{day.isoformat()}", "left_on": ' for day in set(registry.joined)}
    left = {day: f'"{day.isoformat()}"' if day else "null" for day in set(registry.left)}
    codes = column(registry.codes)
    shares = [_shares(code, pools) for code in codes] if pools.computed else repeat("")
    return [
        f'{start}"facts": {{{facts}}}, {since}{until}, "name": {name}{share}}}'
        for start, facts, since, until, name, share in zip(
            map(
                prefix.__getitem__,
                zip(column(registry.categories), column(registry.labels), strict=True),
            ),
            column(figures),
            map(joined.__getitem__, column(registry.joined)),
            map(left.__getitem__, column(registry.left)),
            map(_text, column(registry.names)),
            shares,
            strict=False,  # ``shares`` may be an endless repeat
        )
    ]


def _hundredths_text(value: int) -> str:
    """``str(Decimal(value).scaleb(-2))`` — the figure as ``Payer.facts`` holds it, read from
    the registry — written without a Decimal."""
    whole, part = divmod(abs(value), 100)
    return f"{'-' if value < 0 else ''}{whole}.{part:02d}"


def missing_problems(plan: IssuePlan) -> list[Problem]:
    """One problem per member whose figures are missing, naming what is missing."""
    return [
        Problem(
            f"{a.member_name} ({a.member_code}) : donnée manquante — "
            + ", ".join(m.text for m in a.missing),
            f"members[{a.member_code}]",
        )
        for a in plan.missing
    ]


__all__ = [
    "IssuePlan",
    "Line",
    "basis_of",
    "explain_call",
    "fact_refs",
    "missing_problems",
    "payer_from_basis",
    "plan_issue",
    "pools_from_basis",
]
