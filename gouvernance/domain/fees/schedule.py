"""Fee schedules as data: a closed set of composable mechanisms, validated with their key path.

A schedule is a YAML document (``rules/fees/…``). Its ``fee`` is one *node*: a mapping with
exactly one mechanism key (``amount``, ``monthly``, ``by_category``, ``rate``, ``per_unit``,
``brackets``, ``minimum_of``, ``maximum_of``, ``sum``, ``quote_part``) and optional modifiers
applied in this order: ``exemptions`` (the node is worth 0 for members matching a condition),
``floor`` (plancher), ``cap`` (plafond). ``label`` and ``reference`` say, in French, what the
piece is and which decision adopted it. Schedule-wide: ``prorata`` for members who join or
leave during the year, ``in_kind`` credits, ``rounding``.

Bracket bounds are exact: ``from`` (≥) and ``to`` (<), or ``above`` (>) and ``up_to`` (≤);
a grid with a gap or an overlap at any boundary is refused, boundary value named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Any

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.facts import FactKind
from gouvernance.domain.money import format_amount, format_number, parse_number, round_cents

MONEY_BASES = frozenset(
    {FactKind.REVENUE, FactKind.PROFIT, FactKind.GROSS_MARGIN, FactKind.VALUE_ADDED}
)
UNIT_BASES = frozenset({FactKind.HEADCOUNT, FactKind.POPULATION})
IN_KIND = frozenset({FactKind.IN_KIND_HOURS, FactKind.IN_KIND_PREMISES, FactKind.IN_KIND_EQUIPMENT})
MECHANISMS = (
    "amount", "monthly", "by_category", "rate", "per_unit",
    "brackets", "minimum_of", "maximum_of", "sum", "quote_part",
)  # fmt: skip
COMMON_KEYS = frozenset({"label", "reference", "floor", "cap", "exemptions"})
BASE_NAMES = {
    "revenue": FactKind.REVENUE,
    "profit": FactKind.PROFIT,
    "gross_margin": FactKind.GROSS_MARGIN,
    "value_added": FactKind.VALUE_ADDED,
    "headcount": FactKind.HEADCOUNT,
    "population": FactKind.POPULATION,
}


class RuleError(InvalidInput):
    """A rule document that cannot be used: the file, the key path and the reason."""

    code = "regle_invalide"

    def __init__(self, source: str, path: str, reason: str) -> None:
        super().__init__(f"{source} : {path} : {reason}", field=path)
        self.source = source
        self.path = path
        self.reason = reason
        self.problems = [Problem(reason, path)]

    def __str__(self) -> str:
        return self.message  # the path is already in the message


class Prorata(StrEnum):
    NONE = "none"
    DAY = "day"
    MONTH = "month"


class BracketMode(StrEnum):
    SINGLE = "single"
    MARGINAL = "marginal"


@dataclass(frozen=True)
class Rate:
    """An exact rate (2 % is 1/50), with the text a person wrote to show it back."""

    value: Fraction
    text: str


@dataclass(frozen=True)
class FactRef:
    """« le bénéfice 2026 »: a member fact of a given fiscal year."""

    kind: FactKind
    year: int

    def describe(self) -> str:
        return f"{self.kind.label} {self.year}"

    def of(self) -> str:
        """« du bénéfice 2026 », « de la marge brute 2026 »."""
        return f"{self.kind.of_label} {self.year}"

    def the(self) -> str:
        """« le bénéfice 2026 », « la marge brute 2026 »."""
        return f"{self.kind.with_article} {self.year}"


@dataclass(frozen=True)
class Condition:
    """Who a piece does not apply to: some categories, or a fact below/above a bound."""

    categories: frozenset[str] = frozenset()
    fact: FactRef | None = None
    below: Decimal | None = None
    above: Decimal | None = None
    label: str = ""

    def describe(self) -> str:
        if self.label:
            return self.label
        if self.categories:
            return "catégorie " + ", ".join(sorted(self.categories))
        assert self.fact is not None
        bound = (
            f"sous {self.fact.kind.render(self.below)}"
            if self.below is not None
            else f"au-dessus de {self.fact.kind.render(self.above or Decimal(0))}"
        )
        return f"{self.fact.describe()} {bound}"


@dataclass(frozen=True)
class Bracket:
    """One row of a grid: its bounds, and either a fixed amount or a rate."""

    lower: Decimal
    lower_strict: bool
    upper: Decimal | None
    upper_inclusive: bool
    amount: Decimal | None = None
    rate: Rate | None = None
    label: str = ""

    def contains(self, value: Decimal) -> bool:
        above_lower = value > self.lower if self.lower_strict else value >= self.lower
        if self.upper is None:
            return above_lower
        below_upper = value <= self.upper if self.upper_inclusive else value < self.upper
        return above_lower and below_upper

    def describe(self, kind: FactKind) -> str:
        if self.label:
            return self.label
        low = f"{'plus de' if self.lower_strict else 'à partir de'} {kind.render(self.lower)}"
        if self.upper is None:
            return low
        up_to = "jusqu'à" if self.upper_inclusive else "moins de"
        high = f"{up_to} {kind.render(self.upper)}"
        return f"{low} et {high}"


@dataclass(frozen=True)
class Node:
    """A piece of a fee: one mechanism plus its modifiers."""

    mechanism: str
    label: str = ""
    reference: str = ""
    floor: Decimal | None = None
    cap: Decimal | None = None
    exemptions: tuple[Condition, ...] = ()
    amount: Decimal | None = None
    by_category: tuple[tuple[str, Node], ...] = ()
    default: Node | None = None
    rate: Rate | None = None
    base: FactRef | None = None
    mode: BracketMode = BracketMode.SINGLE
    grid: tuple[Bracket, ...] = ()
    children: tuple[Node, ...] = ()
    path: str = "fee"
    months: int = 12
    pool: str = ""  # a quote-part: the budget it splits (nodes naming one pool share it)

    @property
    def pool_key(self) -> str:
        return self.pool or self.path

    def branch_for(self, category: str) -> Node | None:
        for code, branch in self.by_category:
            if code == category:
                return branch
        return self.default


@dataclass(frozen=True)
class InKindCredit:
    """A contribution in kind credited against the fee at a declared rate."""

    fact: FactRef
    rate: Decimal | None = None
    share: Rate | None = None
    label: str = ""

    def describe_rate(self) -> str:
        if self.share is not None:
            return f"{self.share.text} de la valeur déclarée"
        assert self.rate is not None
        unit = "heure" if self.fact.kind is FactKind.IN_KIND_HOURS else "jour"
        return f"{format_amount(self.rate)} par {unit}"


@dataclass(frozen=True)
class FeeSchedule:
    """One candidate or adopted schedule for one fiscal year."""

    id: str
    label: str
    fiscal_year: int
    period_start: date
    period_end: date
    facts_year: int
    fee: Node
    reference: str = ""
    prorata: Prorata = Prorata.NONE
    in_kind: tuple[InKindCredit, ...] = ()
    rounding: str = "cent"
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    adopted_on: date | None = None  # the assembly's vote: calls are issued only from then on
    adopted_by: str = ""  # « AG extraordinaire du 14 novembre 2026, résolution 2 »
    # Fees with a counterpart (services to the member): 7562, else 7561 (règlement ANC 2018-06).
    counterpart: bool = False

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1


# --------------------------------------------------------------------------------------------
# Parsing

_PERCENT = re.compile(
    r"^\s*(?P<number>[-+]?[0-9\s\u00a0\u202f]*[.,]?[0-9]+)\s*"
    r"(?P<unit>%|‰|pour ?cent|pour ?mille)?\s*$"
)
_FRACTION = re.compile(
    r"^\s*(?P<num>[0-9]+)\s*/\s*(?P<den>[0-9]+)\s*(?P<unit>%|‰|pour ?cent|pour ?mille)?\s*$"
)
_YEAR = re.compile(r"^N\s*(?P<sign>[-+])\s*(?P<delta>\d+)$|^N$")


def parse_rate(raw: object, where: str, source: str) -> Rate:
    """« 2 % », « 0,08 % », « 1,5 ‰ », or an exact fraction « 1/60 » (« 1/3 % »); never
    negative, never above 100 %."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise RuleError(source, where, "un taux s'écrit entre guillemets, ex. « 2 % » ou « 0,5 ‰ »")
    text = str(raw)
    if fraction := _FRACTION.match(text):
        return _fraction_rate(fraction, text, where, source)
    match = _PERCENT.match(text)
    if not match:
        raise RuleError(source, where, f"taux illisible « {text} » (ex. « 2 % », « 0,5 ‰ »)")
    try:
        number = parse_number(match["number"], field=where)
    except InvalidInput as bad:
        raise RuleError(source, where, bad.message) from None
    unit = (match["unit"] or "").replace(" ", "")
    if not unit:
        example = ""
        if 0 < number < 1:
            example = f" ({text} s'écrit « {format_number(number * 100)} % »)"
        raise RuleError(
            source,
            where,
            f"écrivez le taux avec son unité, ex. « 2 % » ou « 1,5 ‰ »{example}",
        )
    divisor = {"%": 100, "pourcent": 100, "‰": 1000, "pourmille": 1000}[unit]
    value = Fraction(number) / divisor
    if value < 0:
        raise RuleError(source, where, f"un taux ne peut pas être négatif (« {text} »)")
    if value > 1:
        raise RuleError(source, where, f"un taux de plus de 100 % est refusé (« {text} »)")
    return Rate(value=value, text=text.strip())


def _fraction_rate(match: re.Match[str], text: str, where: str, source: str) -> Rate:
    """« 1/60 » is one sixtieth, exactly; « 1/3 % » one third of one percent."""
    numerator, denominator = int(match["num"]), int(match["den"])
    if denominator == 0:
        raise RuleError(source, where, f"fraction impossible « {text} » : dénominateur nul")
    unit = (match["unit"] or "").replace(" ", "")
    divisor = {"": 1, "%": 100, "pourcent": 100, "‰": 1000, "pourmille": 1000}[unit]
    value = Fraction(numerator, denominator * divisor)
    if value > 1:
        raise RuleError(source, where, f"un taux de plus de 100 % est refusé (« {text} »)")
    return Rate(value=value, text=text.strip())


def parse_money(raw: object, where: str, source: str) -> Decimal:
    """An amount in euros written as text (« 280,00 », « 52000 ») or a whole number."""
    value = _read_number(
        raw,
        where,
        source,
        2,
        unquoted=f"écrivez le montant entre guillemets (« {raw} ») pour qu'il reste exact",
        expected="un montant est attendu (ex. « 280,00 »)",
    )
    if value < 0:
        raise RuleError(source, where, f"un montant ne peut pas être négatif (« {raw} »)")
    return round_cents(value)


def parse_quantity(raw: object, where: str, source: str, places: int | None = None) -> Decimal:
    return _read_number(
        raw,
        where,
        source,
        places,
        unquoted=f"écrivez ce nombre entre guillemets (« {raw} »)",
        expected="un nombre est attendu",
    )


def _read_number(
    raw: object, where: str, source: str, places: int | None, *, unquoted: str, expected: str
) -> Decimal:
    """YAML turns 0.1 into a float before we see it: only text or whole numbers stay exact."""
    if isinstance(raw, bool | float):
        raise RuleError(source, where, unquoted)
    if not isinstance(raw, str | int):
        raise RuleError(source, where, expected)
    try:
        return parse_number(str(raw).replace("€", "").strip(), field=where, max_places=places)
    except InvalidInput as bad:
        raise RuleError(source, where, bad.message) from None


@dataclass
class _Reader:
    """Walks a YAML mapping, turning each key into a typed value or a located RuleError."""

    source: str
    fiscal_year: int
    facts_year: int
    period_months: int = 12
    pools: dict[str, Node] = field(default_factory=dict)  # quote-parts named by « pool »

    def mapping(self, raw: object, where: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise RuleError(self.source, where, "une table de clés est attendue")
        for key in raw:
            if not isinstance(key, str):
                raise RuleError(self.source, where, f"clé non textuelle « {key} »")
        return raw

    def only(self, raw: dict[str, Any], where: str, allowed: set[str] | frozenset[str]) -> None:
        for key in raw:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                hint = _FRENCH_HINTS.get(key)
                reason = (
                    f"clé inconnue « {key} » : vouliez-vous dire « {hint} » ?"
                    if hint in allowed
                    else f"clé inconnue « {key} » (attendu : {known})"
                )
                raise RuleError(self.source, f"{where}.{key}", reason)

    def text(self, raw: object, where: str) -> str:
        if raw is None:
            return ""
        if not isinstance(raw, str):
            raise RuleError(self.source, where, "un texte est attendu")
        return raw.strip()

    def year(self, raw: object, where: str) -> int:
        """A fiscal year: absolute (2026) or relative to the schedule's (« N-1 »)."""
        if raw is None:
            return self.facts_year
        if isinstance(raw, int) and not isinstance(raw, bool):
            if not 1900 <= raw <= 2100:
                raise RuleError(self.source, where, f"exercice {raw} hors de la plage 1900–2100")
            return raw
        if isinstance(raw, str) and (match := _YEAR.match(raw.strip())):
            delta = int(match["delta"] or 0) * (-1 if match["sign"] == "-" else 1)
            return self.fiscal_year + delta
        raise RuleError(self.source, where, f"exercice illisible « {raw} » (ex. 2026 ou « N-1 »)")

    def fact(self, raw: dict[str, Any], where: str, allowed: frozenset[FactKind]) -> FactRef:
        name = raw.get("base")
        known = ", ".join(k.value for k in sorted(allowed))
        if name is None:
            raise RuleError(
                self.source, f"{where}.base", f"la base est obligatoire (bases possibles : {known})"
            )
        if not isinstance(name, str) or name not in BASE_NAMES:
            raise RuleError(
                self.source,
                f"{where}.base",
                f"base inconnue « {name} » (bases possibles : {known})",
            )
        if BASE_NAMES[name] not in allowed:
            reason = (
                "un taux s'applique à un montant en euros"
                if BASE_NAMES[name] in UNIT_BASES
                else "un montant par unité s'applique à un effectif ou à une population"
            )
            raise RuleError(
                self.source,
                f"{where}.base",
                f"la base « {name} » ne convient pas ici : {reason} (bases possibles : {known})",
            )
        return FactRef(kind=BASE_NAMES[name], year=self.year(raw.get("year"), f"{where}.year"))

    # -- nodes ---------------------------------------------------------------------------------

    def node(self, raw: object, where: str) -> Node:
        data = self.mapping(raw, where)
        found = [key for key in data if key in MECHANISMS]
        for key in data:
            if key not in MECHANISMS and key not in COMMON_KEYS:
                hint = _FRENCH_HINTS.get(key)
                reason = (
                    f"clé inconnue « {key} » : vouliez-vous dire « {hint} » ?"
                    if hint
                    else f"clé inconnue « {key} » (mécanismes : {', '.join(MECHANISMS)} ; "
                    f"modificateurs : {', '.join(sorted(COMMON_KEYS))})"
                )
                raise RuleError(self.source, f"{where}.{key}", reason)
        if len(found) != 1:
            reason = (
                "aucun mécanisme (amount, rate, brackets…)"
                if not found
                else f"un seul mécanisme par élément, trouvé : {', '.join(found)}"
            )
            raise RuleError(self.source, where, reason)
        mechanism = found[0]
        node = Node(
            mechanism=mechanism,
            label=self.text(data.get("label"), f"{where}.label"),
            reference=self.text(data.get("reference"), f"{where}.reference"),
            floor=self.optional_money(data, "floor", where),
            cap=self.optional_money(data, "cap", where),
            exemptions=self.conditions(data.get("exemptions"), f"{where}.exemptions"),
            path=where,
        )
        if node.floor is not None and node.cap is not None and node.floor > node.cap:
            raise RuleError(
                self.source,
                f"{where}.floor",
                f"le plancher ({format_amount(node.floor)}) dépasse le plafond "
                f"({format_amount(node.cap)}) de ce même élément",
            )
        build: Callable[[Node, object, str], Node] = getattr(self, f"_{mechanism}")
        return build(node, data[mechanism], f"{where}.{mechanism}")

    def optional_money(self, data: dict[str, Any], key: str, where: str) -> Decimal | None:
        return (
            None if data.get(key) is None else parse_money(data[key], f"{where}.{key}", self.source)
        )

    def _amount(self, node: Node, raw: object, where: str) -> Node:
        return _with(node, amount=parse_money(raw, where, self.source))

    def _monthly(self, node: Node, raw: object, where: str) -> Node:
        amount = parse_money(raw, where, self.source)
        return _with(node, amount=amount, months=self.period_months)

    def _by_category(self, node: Node, raw: object, where: str) -> Node:
        """Each category gets an amount (« 400,00 ») or a whole sub-rule; ``default`` the rest."""
        data = self.mapping(raw, where)
        if not data:
            raise RuleError(self.source, where, "au moins une catégorie est attendue")
        branches = tuple(
            (code, self.branch(value, f"{where}.{code}"))
            for code, value in data.items()
            if code != "default"
        )
        default = self.branch(data["default"], f"{where}.default") if "default" in data else None
        return _with(node, by_category=branches, default=default)

    def branch(self, raw: object, where: str) -> Node:
        if isinstance(raw, dict):
            return self.node(raw, where)
        return Node(mechanism="amount", amount=parse_money(raw, where, self.source), path=where)

    def _rate(self, node: Node, raw: object, where: str) -> Node:
        data = self.mapping(raw, where)
        self.only(data, where, {"rate", "base", "year"})
        if "rate" not in data:
            raise RuleError(self.source, f"{where}.rate", "le taux est obligatoire")
        return _with(
            node,
            rate=parse_rate(data["rate"], f"{where}.rate", self.source),
            base=self.fact(data, where, MONEY_BASES),
        )

    def _per_unit(self, node: Node, raw: object, where: str) -> Node:
        data = self.mapping(raw, where)
        self.only(data, where, {"amount", "base", "year"})
        if "amount" not in data:
            raise RuleError(self.source, f"{where}.amount", "le montant par unité est obligatoire")
        return _with(
            node,
            amount=parse_money(data["amount"], f"{where}.amount", self.source),
            base=self.fact(data, where, UNIT_BASES),
        )

    def _quote_part(self, node: Node, raw: object, where: str) -> Node:
        """A budget split among the members in proportion to a figure (profit by default…):
        ``{total: "1000,00", base: profit, year: N-1}``. A floor or a cap on it would break
        the sum of the parts, so they are refused here (put them around it, in a ``sum``)."""
        data = self.mapping(raw, where)
        self.only(data, where, {"total", "base", "year", "pool"})
        if "total" not in data:
            raise RuleError(
                self.source, f"{where}.total", "le total à répartir est obligatoire (« 1000,00 »)"
            )
        parent = where.rsplit(".", 1)[0]
        for key, name in (("floor", "un plancher"), ("cap", "un plafond")):
            if getattr(node, key) is not None:
                raise RuleError(
                    self.source,
                    f"{parent}.{key}",
                    f"{name} sur une quote-part romprait la répartition : les parts ne "
                    "totaliseraient plus le budget",
                )
        if "base" not in data:
            data = {**data, "base": "profit"}
        pool = self.text(data.get("pool"), f"{where}.pool")
        built = _with(
            node,
            amount=parse_money(data["total"], f"{where}.total", self.source),
            base=self.fact(data, where, MONEY_BASES),
            pool=pool,
        )
        if pool:
            first = self.pools.setdefault(pool, built)
            if (first.amount, first.base) != (built.amount, built.base):
                raise RuleError(
                    self.source,
                    f"{where}.pool",
                    f"la quote-part « {pool} » est déjà définie en {first.path} avec un autre "
                    "total ou une autre base : une même quote-part a un seul total",
                )
        return built

    def _brackets(self, node: Node, raw: object, where: str) -> Node:
        data = self.mapping(raw, where)
        self.only(data, where, {"base", "year", "mode", "grid"})
        try:
            mode = BracketMode(data.get("mode", "single"))
        except ValueError:
            raise RuleError(
                self.source, f"{where}.mode", "mode inconnu (attendu : single ou marginal)"
            ) from None
        base = self.fact(data, where, MONEY_BASES | UNIT_BASES)
        rows = data.get("grid")
        if not isinstance(rows, list) or not rows:
            raise RuleError(self.source, f"{where}.grid", "une grille de tranches est attendue")
        grid = tuple(
            self.bracket(row, f"{where}.grid[{i}]", mode, base.kind.places)
            for i, row in enumerate(rows)
        )
        check_grid(grid, base.kind, f"{where}.grid", self.source)
        if base.kind not in MONEY_BASES and (
            mode is BracketMode.MARGINAL or any(b.rate for b in grid)
        ):
            raise RuleError(
                self.source,
                f"{where}.grid",
                f"un taux s'applique à une base en euros, pas à {base.kind.with_article} : "
                "donnez un montant par tranche",
            )
        return _with(node, base=base, mode=mode, grid=grid)

    def bracket(self, raw: object, where: str, mode: BracketMode, places: int) -> Bracket:
        data = self.mapping(raw, where)
        self.only(data, where, {"from", "above", "to", "up_to", "amount", "rate", "label"})
        if "from" in data and "above" in data:
            raise RuleError(self.source, where, "« from » ou « above », pas les deux")
        if "to" in data and "up_to" in data:
            raise RuleError(self.source, where, "« to » ou « up_to », pas les deux")
        lower_key = "above" if "above" in data else "from"
        upper_key = "up_to" if "up_to" in data else "to"
        lower = parse_quantity(data.get(lower_key, 0), f"{where}.{lower_key}", self.source, places)
        upper = (
            parse_quantity(data[upper_key], f"{where}.{upper_key}", self.source, places)
            if upper_key in data
            else None
        )
        has_amount, has_rate = "amount" in data, "rate" in data
        if has_amount == has_rate:
            raise RuleError(self.source, where, "chaque tranche a soit un montant, soit un taux")
        if mode is BracketMode.MARGINAL and has_amount:
            raise RuleError(
                self.source, f"{where}.amount", "un barème marginal s'écrit en taux par tranche"
            )
        return Bracket(
            lower=lower,
            lower_strict=lower_key == "above",
            upper=upper,
            upper_inclusive=upper_key == "up_to",
            amount=parse_money(data["amount"], f"{where}.amount", self.source)
            if has_amount
            else None,
            rate=parse_rate(data["rate"], f"{where}.rate", self.source) if has_rate else None,
            label=self.text(data.get("label"), f"{where}.label"),
        )

    def _children(self, node: Node, raw: object, where: str) -> Node:
        if not isinstance(raw, list) or len(raw) < 2:
            raise RuleError(self.source, where, "une liste d'au moins deux éléments est attendue")
        return _with(node, children=tuple(self.node(c, f"{where}[{i}]") for i, c in enumerate(raw)))

    _minimum_of = _maximum_of = _sum = _children

    def conditions(self, raw: object, where: str) -> tuple[Condition, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise RuleError(self.source, where, "une liste de conditions est attendue")
        return tuple(self.condition(c, f"{where}[{i}]") for i, c in enumerate(raw))

    def condition(self, raw: object, where: str) -> Condition:
        data = self.mapping(raw, where)
        self.only(data, where, {"category", "base", "year", "below", "above", "label"})
        label = self.text(data.get("label"), f"{where}.label")
        if "category" in data:
            codes = data["category"]
            codes = [codes] if isinstance(codes, str) else codes
            if (
                not isinstance(codes, list)
                or not codes
                or not all(isinstance(c, str) for c in codes)
            ):
                raise RuleError(self.source, f"{where}.category", "un code ou une liste de codes")
            return Condition(categories=frozenset(codes), label=label)
        if ("below" in data) == ("above" in data):
            raise RuleError(
                self.source, where, "une condition a « category », ou une base avec below/above"
            )
        fact = self.fact(data, where, MONEY_BASES | UNIT_BASES)
        bound = "below" if "below" in data else "above"
        value = parse_quantity(data[bound], f"{where}.{bound}", self.source)
        return Condition(
            fact=fact,
            below=value if bound == "below" else None,
            above=value if bound == "above" else None,
            label=label,
        )

    def in_kind(self, raw: object, where: str) -> tuple[InKindCredit, ...]:
        if raw is None:
            return ()
        data = self.mapping(raw, where)
        names = {"hours": FactKind.IN_KIND_HOURS, "premises": FactKind.IN_KIND_PREMISES,
                 "equipment": FactKind.IN_KIND_EQUIPMENT}  # fmt: skip
        self.only(data, where, set(names) | {"year"})
        year = self.year(data.get("year"), f"{where}.year")
        credits = []
        for name, kind in names.items():
            if name not in data:
                continue
            at = f"{where}.{name}"
            if kind is FactKind.IN_KIND_EQUIPMENT:
                credits.append(
                    InKindCredit(FactRef(kind, year), share=parse_rate(data[name], at, self.source))
                )
            else:
                credits.append(
                    InKindCredit(FactRef(kind, year), rate=parse_money(data[name], at, self.source))
                )
        return tuple(credits)


def _with(node: Node, **changes: Any) -> Node:
    return replace(node, **changes)


def check_grid(grid: tuple[Bracket, ...], kind: FactKind, where: str, source: str) -> None:
    """Brackets follow each other without a gap or an overlap, even at one boundary value,
    and the last one is open: no member may fall outside the grid."""
    if grid[0].lower < 0:
        raise RuleError(
            source,
            f"{where}[0]",
            "une grille commence à 0 ou plus : une perte (montant négatif) tombe sous la "
            "première tranche et ne paie rien",
        )
    for i, bracket in enumerate(grid):
        if bracket.upper is not None and bracket.upper <= bracket.lower:
            raise RuleError(
                source, f"{where}[{i}]", "la limite haute doit dépasser la limite basse"
            )
    for i, (current, following) in enumerate(pairwise(grid)):
        _check_boundary(current, following, kind, f"{where}[{i + 1}]", source, i + 1)
    if grid[-1].upper is not None:
        raise RuleError(
            source,
            f"{where}[{len(grid) - 1}]",
            f"la dernière tranche doit rester ouverte : au-delà de "
            f"{kind.render(grid[-1].upper)}, aucune tranche ne s'appliquerait",
        )


def _check_boundary(
    current: Bracket, following: Bracket, kind: FactKind, at: str, source: str, number: int
) -> None:
    pair = f"les tranches n° {number} et n° {number + 1}"
    if current.upper is None:
        raise RuleError(
            source, at, f"la tranche n° {number} n'a pas de limite haute : rien ne peut la suivre"
        )
    if following.lower > current.upper:
        raise RuleError(
            source,
            at,
            f"trou entre {pair} : de {kind.render(current.upper)} à "
            f"{kind.render(following.lower)}, aucune tranche ne s'applique",
        )
    if following.lower < current.upper:
        raise RuleError(
            source,
            at,
            f"chevauchement entre {pair} : de {kind.render(following.lower)} à "
            f"{kind.render(current.upper)}, deux tranches s'appliquent",
        )
    value = kind.render(current.upper)
    if current.upper_inclusive and not following.lower_strict:
        raise RuleError(
            source,
            at,
            f"chevauchement : {value} appartient aux deux tranches (« up_to » et « from » "
            "incluent tous deux la borne ; écrivez « to » ou « above »)",
        )
    if not current.upper_inclusive and following.lower_strict:
        raise RuleError(
            source,
            at,
            f"trou : {value} n'appartient à aucune tranche (« to » et « above » excluent tous "
            "deux la borne ; écrivez « up_to » ou « from »)",
        )


_FRENCH_HINTS = {
    "plafond": "cap", "plancher": "floor", "montant": "amount", "taux": "rate",
    "tranches": "brackets", "bareme": "brackets", "barème": "brackets", "libelle": "label",
    "libellé": "label", "exonerations": "exemptions", "exonérations": "exemptions",
    "mensuel": "monthly", "par_categorie": "by_category", "somme": "sum",
    "minimum": "minimum_of", "maximum": "maximum_of", "par_unite": "per_unit",
    "quote-part": "quote_part", "quote_parte": "quote_part", "quotepart": "quote_part",
}  # fmt: skip


SCHEDULE_KEYS = frozenset({
    "id", "label", "reference", "fiscal_year", "period", "facts_year", "prorata",
    "in_kind", "rounding", "fee", "notes", "adopted", "counterpart",
})  # fmt: skip


def parse_schedule(document: object, source: str) -> FeeSchedule:
    """Build a schedule from a parsed YAML document, or raise the first ``RuleError``."""
    top = _Reader(source, 0, 0)
    data = top.mapping(document, "(document)")
    top.only(data, "(document)", SCHEDULE_KEYS)
    for required in ("id", "label", "fiscal_year", "fee"):
        if required not in data:
            raise RuleError(source, required, "clé obligatoire absente")
    fiscal_year = data["fiscal_year"]
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool):
        raise RuleError(source, "fiscal_year", "un exercice (année) est attendu, ex. 2027")
    top = _Reader(source, fiscal_year, fiscal_year - 1)
    if not 1900 <= fiscal_year <= 2100:
        raise RuleError(source, "fiscal_year", f"exercice {fiscal_year} hors de la plage 1900–2100")
    reader = _Reader(source, fiscal_year, top.year(data.get("facts_year"), "facts_year"))
    start, end = _period(reader, data.get("period"), fiscal_year)
    reader.period_months = (end.year - start.year) * 12 + end.month - start.month + 1
    try:
        prorata = Prorata(data.get("prorata", "none"))
    except ValueError:
        raise RuleError(source, "prorata", "attendu : none, day ou month") from None
    if data.get("rounding", "cent") not in ("cent", "euro"):
        raise RuleError(source, "rounding", "attendu : cent ou euro")
    identifier = reader.text(data["id"], "id")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,60}", identifier):
        raise RuleError(source, "id", "identifiant : minuscules, chiffres, - ou _")
    notes = data.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise RuleError(source, "notes", "une liste de textes est attendue")
    adopted_on, adopted_by = _adoption(reader, data.get("adopted"))
    counterpart = data.get("counterpart", False)
    if not isinstance(counterpart, bool):
        raise RuleError(
            source,
            "counterpart",
            "attendu : true (cotisation avec contrepartie, compte 7562) ou false (sans "
            "contrepartie, compte 7561, par défaut)",
        )
    fee = reader.node(data["fee"], "fee")
    if data.get("rounding") == "euro":
        _check_whole_euros(fee, source)
    _check_quote_parts(fee, prorata, source)
    return FeeSchedule(
        id=identifier,
        label=reader.text(data["label"], "label"),
        reference=reader.text(data.get("reference"), "reference"),
        fiscal_year=fiscal_year,
        period_start=start,
        period_end=end,
        facts_year=reader.facts_year,
        fee=fee,
        prorata=prorata,
        in_kind=reader.in_kind(data.get("in_kind"), "in_kind"),
        rounding=data.get("rounding", "cent"),
        source=source,
        notes=tuple(notes),
        adopted_on=adopted_on,
        adopted_by=adopted_by,
        counterpart=counterpart,
    )


def _adoption(reader: _Reader, raw: object) -> tuple[date | None, str]:
    """``adopted: {date: 2026-11-14, decision: "AG du 14 novembre 2026, résolution 2"}``
    (not ``on:``, which YAML reads as the boolean true)."""
    if raw is None:
        return None, ""
    data = reader.mapping(raw, "adopted")
    reader.only(data, "adopted", {"date", "decision"})
    day = _day(reader, data.get("date"), "adopted.date")
    decision = reader.text(data.get("decision"), "adopted.decision")
    if not decision:
        raise RuleError(
            reader.source, "adopted.decision", "nommez la décision (AG, date, résolution)"
        )
    return day, decision


def _day(reader: _Reader, value: object, where: str) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise RuleError(reader.source, where, f"date invalide « {value} »") from None
    if not isinstance(value, date):
        raise RuleError(reader.source, where, "une date AAAA-MM-JJ est attendue")
    return value


def _check_quote_parts(node: Node, prorata: Prorata, source: str) -> None:
    """A quote-part splits a total among the members: a prorata would shrink some parts after
    the split, and the parts would no longer sum to the total."""
    if node.mechanism == "quote_part" and prorata is not Prorata.NONE:
        raise RuleError(
            source,
            "prorata",
            f"la quote-part de {node.path} répartit un total entre les membres : un prorata "
            "temporis romprait la somme des parts (écrivez « prorata: none »)",
        )
    branches = [b for _, b in node.by_category] + ([node.default] if node.default else [])
    for child in (*node.children, *branches):
        _check_quote_parts(child, prorata, source)


def _check_whole_euros(node: Node, source: str) -> None:
    """Rounding to the euro would undercut a floor or overshoot a cap set in cents."""
    whole = node.amount is None or node.amount == node.amount.to_integral_value()
    if node.mechanism == "quote_part" and not whole:
        raise RuleError(
            source,
            f"{node.path}.quote_part.total",
            f"avec un arrondi à l'euro, le total d'une quote-part est un nombre entier "
            f"d'euros ({format_amount(node.amount or Decimal(0))})",
        )
    for key, name in (("floor", "le plancher"), ("cap", "le plafond")):
        value = getattr(node, key)
        if value is not None and value != value.to_integral_value():
            raise RuleError(
                source,
                f"{node.path}.{key}",
                f"avec un arrondi à l'euro, {name} doit être un nombre entier d'euros "
                f"({format_amount(value)})",
            )
    branches = [b for _, b in node.by_category] + ([node.default] if node.default else [])
    for child in (*node.children, *branches):
        _check_whole_euros(child, source)


def _period(reader: _Reader, raw: object, fiscal_year: int) -> tuple[date, date]:
    if raw is None:
        return date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
    data = reader.mapping(raw, "period")
    reader.only(data, "period", {"start", "end"})
    days = [_day(reader, data.get(key), f"period.{key}") for key in ("start", "end")]
    if days[1] < days[0]:
        raise RuleError(reader.source, "period.end", "la fin de période précède son début")
    return days[0], days[1]
