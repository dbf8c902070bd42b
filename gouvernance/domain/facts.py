"""Dated facts about a member for one fiscal year: revenue, profit, headcount…

Fee rules read them (« bénéfice 2026 de la Ressourcerie ») and must be able to say a fact is
missing rather than silently charging zero; hence ``MissingFact``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import MAX_MAGNITUDE, format_amount, format_number

FIRST_YEAR = 1900
LAST_YEAR = 2100


class FactKind(StrEnum):
    """What a fact measures. Money facts are in euros, exact to the cent.

    The ``in_kind_*`` kinds are contributions in kind a member declares for a year (hours of
    work, days of premises, equipment at its declared value); fee schedules credit them.
    """

    REVENUE = "revenue"
    PROFIT = "profit"
    GROSS_MARGIN = "gross_margin"
    VALUE_ADDED = "value_added"
    HEADCOUNT = "headcount"
    POPULATION = "population"
    IN_KIND_HOURS = "in_kind_hours"
    IN_KIND_PREMISES = "in_kind_premises"
    IN_KIND_EQUIPMENT = "in_kind_equipment"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def with_article(self) -> str:
        """« le bénéfice », « la marge brute », « l'effectif »: French needs the article."""
        label = _LABELS[self]
        if self in _PLURAL:
            return f"les {label}"
        if label[0] in "aeiouyéèh":
            return f"l'{label}"
        return f"{'la' if self in _FEMININE else 'le'} {label}"

    @property
    def of_label(self) -> str:
        """« du bénéfice », « de la marge brute », « de l'effectif »."""
        article = self.with_article
        if article.startswith("le "):
            return "du " + article[3:]
        if article.startswith("les "):
            return "des " + article[4:]
        return "de " + article

    @property
    def is_money(self) -> bool:
        return self in _MONEY

    @property
    def may_be_negative(self) -> bool:
        """A loss, or a negative margin, is a real figure; a negative headcount is a typo."""
        return self in {FactKind.PROFIT, FactKind.GROSS_MARGIN, FactKind.VALUE_ADDED}

    @property
    def places(self) -> int:
        """Decimal places allowed: cents for money, hundredths of a full-time post, whole people."""
        return 0 if self is FactKind.POPULATION else 2

    def render(self, value: Decimal) -> str:
        if self.is_money:
            return format_amount(value)
        return f"{format_number(value)}{_UNITS[self]}"


_LABELS = {
    FactKind.REVENUE: "chiffre d'affaires",
    FactKind.PROFIT: "bénéfice",
    FactKind.GROSS_MARGIN: "marge brute",
    FactKind.VALUE_ADDED: "valeur ajoutée",
    FactKind.HEADCOUNT: "effectif",
    FactKind.POPULATION: "population",
    FactKind.IN_KIND_HOURS: "heures de travail données",
    FactKind.IN_KIND_PREMISES: "jours de mise à disposition de locaux",
    FactKind.IN_KIND_EQUIPMENT: "matériel donné ou prêté (valeur déclarée)",
}
_FEMININE = {FactKind.GROSS_MARGIN, FactKind.VALUE_ADDED, FactKind.POPULATION}
_PLURAL = {FactKind.IN_KIND_HOURS, FactKind.IN_KIND_PREMISES}
_MONEY = {
    FactKind.REVENUE,
    FactKind.PROFIT,
    FactKind.GROSS_MARGIN,
    FactKind.VALUE_ADDED,
    FactKind.IN_KIND_EQUIPMENT,
}
_UNITS = {
    FactKind.HEADCOUNT: " ETP",
    FactKind.POPULATION: " habitants",
    FactKind.IN_KIND_HOURS: " h",
    FactKind.IN_KIND_PREMISES: " jours",
}


def parse_fact_kind(text: str, *, field: str | None = "kind") -> FactKind:
    """A fact kind from its identifier (``profit``) or its French label (« bénéfice »)."""
    wanted = text.strip().lower()
    for kind in FactKind:
        if wanted in (kind.value, kind.label):
            return kind
    known = ", ".join(k.value for k in FactKind)
    raise InvalidInput(f"type de donnée inconnu « {text} » (attendu : {known})", field=field)


@dataclass
class Fact:
    """One figure of one member for one fiscal year (named by its calendar year)."""

    fiscal_year: int
    kind: FactKind
    value: Decimal

    def describe(self) -> str:
        return describe(self.kind, self.fiscal_year, self.value)


@functools.lru_cache(maxsize=8192)
def describe(kind: FactKind, fiscal_year: int, value: Decimal) -> str:
    """« chiffre d'affaires 2026 : 1 262,50 € » (also for a figure read without its record).
    Kept for the figures seen last: formatting a number in French is the dearest part of
    showing a page of the register."""
    return f"{kind.label} {fiscal_year} : {kind.render(value)}"


def check_fact(fiscal_year: int, kind: FactKind, value: Decimal) -> None:
    """Refuse a figure the domain cannot hold: a year out of range, a sign or precision error."""
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise InvalidInput(
            f"exercice {fiscal_year} hors de la plage {FIRST_YEAR}–{LAST_YEAR}",
            field="fiscal_year",
        )
    if not value.is_finite() or abs(value) >= MAX_MAGNITUDE:
        raise InvalidInput(f"{kind.with_article} est hors de portée : « {value} »", field="value")
    if value < 0 and not kind.may_be_negative:
        raise InvalidInput(f"{kind.with_article} ne peut pas être négatif", field="value")
    if value != value.quantize(Decimal(1).scaleb(-kind.places)):
        raise InvalidInput(
            f"{kind.with_article} admet au plus {kind.places} décimale(s) : « {value} »",
            field="value",
        )


class MissingFact(LookupError):
    """A rule needs a figure the member has not given for that year."""

    def __init__(self, member: str, kind: FactKind, fiscal_year: int) -> None:
        self.member = member
        self.kind = kind
        self.fiscal_year = fiscal_year
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"donnée manquante : {self.kind.label} {self.fiscal_year} {of_name(self.member)}"


def of_name(name: str) -> str:
    """« de Crau Formation », but « d'Épicerie paysanne »: French elides before a vowel."""
    return f"d'{name}" if name[:1].lower() in "aeiouyàâéèêëîïôöûü" else f"de {name}"
