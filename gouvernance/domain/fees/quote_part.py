"""The quote-part: a total (a budget) split among members in proportion to a figure of a year.

« Une quote-part proportionnelle aux bénéfices » of 1 000,00 € over four members whose profits
are 30 000, 20 000, 10 000 and −5 000 € gives 500,00, 333,33, 166,67 and 0,00 €: a loss counts
as zero, each part is the exact share of the budget (20 000 / 60 000 = 1/3), and the cents left
over by rounding down go one each to the largest remainders — the parts always sum exactly to the
budget. Unlike every other mechanism, a member's part depends on the whole group: the *pool* of a
``quote_part`` node is every member liable during the schedule's period whose fee reaches that
node (their category's branch, no exemption). The pools are computed here once, over the whole
member base, with Python integers only (no float, no ``int64``), then read by the interpreter
(``engine.assess``) and by the fast path (``vector.evaluate``) alike.

A member of the pool whose figure is missing leaves the denominator unknown: nobody's part can be
computed, and every member of the pool is reported as waiting for that figure, never charged a
part that would change once it arrives.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from gouvernance.domain.facts import FactKind, of_name
from gouvernance.domain.fees.schedule import FactRef, FeeSchedule, Node
from gouvernance.domain.money import to_cents

if TYPE_CHECKING:
    from gouvernance.domain.fees.engine import Payer

MECHANISM = "quote_part"

# « 20 000,00 € sur 60 000,00 € de bénéfices »
PLURALS = {
    FactKind.PROFIT: "bénéfices",
    FactKind.REVENUE: "chiffres d'affaires",
    FactKind.GROSS_MARGIN: "marges brutes",
    FactKind.VALUE_ADDED: "valeurs ajoutées",
}


@dataclass(frozen=True)
class Share:
    """One member's part of one quote-part, with what a person needs to check it by hand.

    ``figure`` is the member's own figure in cents (negative for a loss), ``pool_total`` the sum
    of the figures of the pool counted at zero below zero, ``members`` the size of the pool,
    ``cents`` the part after the largest-remainder rounding."""

    budget: int
    figure: int
    pool_total: int
    members: int
    cents: int
    unit: int = 1  # 1: split to the cent; 100: to the euro (a schedule rounded to the euro)

    @property
    def weight(self) -> int:
        return max(self.figure, 0)

    @property
    def fraction(self) -> Fraction:
        """The exact share of the budget (1/3); zero when nothing is to be split."""
        return Fraction(self.weight, self.pool_total) if self.pool_total else Fraction(0)

    @property
    def exact(self) -> Fraction:
        """The exact part in cents, before rounding (33 333⅓ cents)."""
        return self.budget * self.fraction


@dataclass(frozen=True)
class Pools:
    """Every member's share of every quote-part of one schedule.

    ``shares`` by (pool, member code) — the pool is the node's ``pool`` name, or its key path;
    ``waiting`` by pool: the figures the split waits for, as (member code, text) — a pool with
    one missing figure gives nobody a share."""

    shares: Mapping[tuple[str, str], Share]
    waiting: Mapping[str, tuple[tuple[str, str], ...]]
    computed: frozenset[str]  # the pools computed

    def share(self, pool: str, code: str) -> Share | None:
        return self.shares.get((pool, code))


NO_POOLS = Pools({}, {}, frozenset())


def quote_part_nodes(node: Node) -> Iterator[Node]:
    """The ``quote_part`` nodes of a fee tree, in document order."""
    if node.mechanism == MECHANISM:
        yield node
    for _, branch in node.by_category:
        yield from quote_part_nodes(branch)
    if node.default is not None:
        yield from quote_part_nodes(node.default)
    for child in node.children:
        yield from quote_part_nodes(child)


def has_quote_part(schedule: FeeSchedule) -> bool:
    return next(quote_part_nodes(schedule.fee), None) is not None


def split_cents(budget: int, weights: Sequence[int], unit: int = 1) -> list[int]:
    """Split ``budget`` cents in proportion to ``weights`` (≥ 0, not all 0), by whole ``unit``s.

    Largest remainder, in integers: each part gets the floor of its exact share, then the units
    left over go one each to the largest remainders; ties go to the larger weight, then to the
    earlier position (callers order the members by code). The parts sum exactly to ``budget``.
    """
    if budget < 0 or budget % unit:
        raise ValueError("un budget positif, en unités entières, est attendu")
    if any(weight < 0 for weight in weights):
        raise ValueError("un poids de répartition ne peut pas être négatif")
    total = sum(weights)
    if total == 0:
        raise ValueError("la somme des poids de répartition est nulle")
    units = budget // unit
    floors = [units * weight // total for weight in weights]
    remainders = [units * weight % total for weight in weights]
    leftover = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], -weights[i], i))
    for i in order[:leftover]:
        floors[i] += 1
    return [part * unit for part in floors]


def _reached(node: Node, payer: Payer, found: dict[str, FactRef | None]) -> None:
    """The quote-part nodes the payer's fee reaches: path → ``None``, or the figure an
    exemption needs to tell whether the payer is in the pool at all."""
    from gouvernance.domain.fees.engine import matches

    if node.exemptions:
        unknown: FactRef | None = None
        for condition in node.exemptions:
            holds = matches(condition, payer)
            if holds:
                return
            if holds is None and unknown is None:
                unknown = condition.fact
        if unknown is not None:
            for inner in quote_part_nodes(node):
                found[inner.pool_key] = unknown
            return
    if node.mechanism == MECHANISM:
        found[node.pool_key] = None
    elif node.mechanism == "by_category":
        branch = node.branch_for(payer.category)
        if branch is not None:
            _reached(branch, payer, found)
    for child in node.children:
        _reached(child, payer, found)


def compute_pools(schedule: FeeSchedule, payers: Sequence[Payer]) -> Pools:
    """The shares of every quote-part of ``schedule`` over ``payers`` (the whole member base:
    a complementary batch must not split the budget again among newcomers only)."""
    nodes: dict[str, Node] = {}
    for node in quote_part_nodes(schedule.fee):
        nodes.setdefault(node.pool_key, node)
    if not nodes:
        return NO_POOLS
    from gouvernance.domain.fees.engine import membership_days

    members: dict[str, list[tuple[str, int]]] = {path: [] for path in nodes}
    waiting: dict[str, list[tuple[str, str]]] = {path: [] for path in nodes}
    for payer in sorted(payers, key=lambda p: p.code):
        if membership_days(schedule, payer) == 0:
            continue
        found: dict[str, FactRef | None] = {}
        _reached(schedule.fee, payer, found)
        for path, undecided in found.items():
            node = nodes[path]
            assert node.base is not None
            ref = undecided or node.base
            figure = payer.figure(ref) if undecided is None else None
            if figure is None:
                waiting[path].append((payer.code, f"{ref.describe()} {of_name(payer.name)}"))
                continue
            members[path].append((payer.code, to_cents(figure)))
    shares: dict[tuple[str, str], Share] = {}
    unit = 100 if schedule.rounding == "euro" else 1
    for path, node in nodes.items():
        if waiting[path]:
            continue
        assert node.amount is not None
        budget = to_cents(node.amount)
        weights = [max(cents, 0) for _, cents in members[path]]
        total = sum(weights)
        parts = split_cents(budget, weights, unit) if total else [0] * len(weights)
        for (code, cents), part in zip(members[path], parts, strict=True):
            shares[(path, code)] = Share(budget, cents, total, len(weights), part, unit)
    return Pools(
        shares=shares,
        waiting={path: tuple(items) for path, items in waiting.items() if items},
        computed=frozenset(nodes),
    )


__all__ = [
    "MECHANISM",
    "NO_POOLS",
    "PLURALS",
    "Pools",
    "Share",
    "compute_pools",
    "has_quote_part",
    "quote_part_nodes",
    "split_cents",
]
