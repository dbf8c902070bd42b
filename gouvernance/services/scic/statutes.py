"""Reading the statutes and the law: list, show, check compliance, legal parameters, the TMO.

Statutes are public to the associates and the law is public: these reads take no ``actor`` and
touch no database (like ``fees.list_schedules``); the API still asks for a signed-in person.
Each call reads the rule files afresh, so an edited draft is checked as it now stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from gouvernance.domain.money import format_amount
from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.compliance import CapitalPicture, ComplianceReport
from gouvernance.domain.scic.law import InterestCap, LawValue, Semester, format_share
from gouvernance.domain.scic.statutes import AssociateCategory, College, Statutes, Weighting
from gouvernance.services import clock
from gouvernance.services.scic import scic_rules

__all__ = [
    "CategoryView",
    "CollegeView",
    "DecisionView",
    "StatutesView",
    "TmoTable",
    "check",
    "interest_cap",
    "law_parameters",
    "list_statutes",
    "show",
    "tmo_table",
]


@dataclass(frozen=True)
class CategoryView:
    code: str
    label: str
    kind: str | None
    kind_label: str
    registry: tuple[str, ...]
    minimum: str  # « 2 parts », or the population formula written out


@dataclass(frozen=True)
class CollegeView:
    code: str
    label: str
    weight: Fraction
    weight_text: str  # « 30 % »
    categories: tuple[str, ...]
    minimum_size: int


@dataclass(frozen=True)
class DecisionView:
    kind: str
    label: str
    reference: str
    origin: str  # « statuts » or « préréglage scic_sas au 14/11/2026 »
    lines: tuple[str, ...]


@dataclass(frozen=True)
class StatutesView:
    """A statutes document as a person reads it, decision rules resolved on ``on``."""

    statutes: Statutes
    on: date
    categories: tuple[CategoryView, ...]
    colleges: tuple[CollegeView, ...]
    weighting: str
    overrides: tuple[tuple[str, str], ...]  # member code, college code
    empty_college: str
    decisions: tuple[DecisionView, ...]
    proxies: str
    capital: tuple[str, ...]
    surplus: tuple[str, ...]


@dataclass(frozen=True)
class TmoTable:
    label: str
    reference: str
    semesters: tuple[Semester, ...]


def list_statutes() -> list[Statutes]:
    """Every statutes document of the statutes folder, by id."""
    return scic_rules.list_statutes()


def show(
    statutes_id: str, on: date | None = None, fiscal_year_start: tuple[int, int] = (1, 1)
) -> StatutesView:
    """The statutes written out in French, the assembly rules as they apply on ``on`` to an
    organisation whose fiscal year starts on ``fiscal_year_start`` (day, month)."""
    day = on or clock.today()
    statutes = scic_rules.load_statutes(statutes_id)
    presets = scic_rules.load_presets()[0].for_fiscal_year(*fiscal_year_start)
    decisions = tuple(
        DecisionView(
            kind,
            rule.label,
            rule.reference,
            "statuts" if kind in statutes.decisions else _preset_origin(statutes, day),
            tuple(rule.describe()),
        )
        for kind, rule in statutes.decision_kinds(day, presets).items()
    )
    empty = statutes.empty_college
    empty_text = empty.policy.label + (f" (« {empty.into} »)" if empty.into else "")
    if empty.text:
        empty_text += f" : {empty.text}"
    return StatutesView(
        statutes=statutes,
        on=day,
        categories=tuple(_category(c) for c in statutes.categories),
        colleges=tuple(_college(c) for c in statutes.colleges),
        weighting="poids selon le capital détenu"
        if statutes.weighting is Weighting.CAPITAL
        else "poids fixés par les statuts",
        overrides=tuple(sorted(statutes.overrides.items())),
        empty_college=empty_text,
        decisions=decisions,
        proxies=statutes.proxies.describe(),
        capital=_capital_lines(statutes),
        surplus=_surplus_lines(statutes),
    )


def check(
    statutes_id: str,
    on: date | None = None,
    capital: CapitalPicture | None = None,
    employees: bool | None = None,
) -> ComplianceReport:
    """The compliance report of the statutes under the law in force on ``on``; ``employees``
    says whether the organisation has employees (``None``: not said, a warning instead)."""
    day = on or clock.today()
    statutes = scic_rules.load_statutes(statutes_id)
    law = scic_rules.load_law()
    presets, _, _ = scic_rules.load_presets()
    findings = compliance.check(statutes, law, presets, day, capital, employees)
    return ComplianceReport(
        statutes_id=statutes.id,
        label=statutes.label,
        legal_form=statutes.legal_form,
        on=day,
        findings=tuple(findings),
        law_values=compliance.law_values(statutes, law, day),
    )


def law_parameters(on: date | None = None) -> list[LawValue]:
    """Every legal parameter in force on ``on`` (those not yet in force are left out)."""
    return scic_rules.load_law().in_force(on or clock.today())


def tmo_table() -> TmoTable:
    law = scic_rules.load_law()
    return TmoTable(
        "Taux moyen de rendement des obligations des sociétés privées (TMO)",
        law.tmo_reference,
        law.semesters,
    )


def interest_cap(assembly_year: int) -> InterestCap:
    """The cap on interest paid on shares at an assembly held in ``assembly_year``."""
    return scic_rules.load_law().interest_cap(assembly_year)


def _preset_origin(statutes: Statutes, on: date) -> str:
    form = statutes.preset or statutes.legal_form
    return f"préréglage {form.label} au {on:%d/%m/%Y}"


def _category(category: AssociateCategory) -> CategoryView:
    minimum = category.minimum
    text = f"{minimum.shares} part(s)"
    if minimum.population is not None:
        text = f"{minimum.population.describe()} (au moins {minimum.shares} part(s))"
    return CategoryView(
        category.code,
        category.label,
        category.kind.value if category.kind else None,
        category.kind.label if category.kind else "catégorie libre",
        tuple(sorted(category.registry)),
        text,
    )


def _college(college: College) -> CollegeView:
    return CollegeView(
        college.code,
        college.label,
        college.weight,
        format_share(college.weight),
        tuple(sorted(college.categories)),
        college.minimum_size,
    )


def _capital_lines(statutes: Statutes) -> tuple[str, ...]:
    if statutes.capital is None:
        return ("pas de capital en parts sociales (association)",)
    rules = statutes.capital
    minimum = (
        f"capital minimal : {format_amount(rules.minimum)}"
        if rules.minimum is not None
        else "capital minimal : non fixé"
    )
    return (
        f"valeur nominale d'une part : {format_amount(rules.share_value)}",
        minimum,
        f"libéré à la souscription : au moins {format_share(rules.paid_at_subscription)}",
        f"solde libéré dans les {rules.paying_delay_years} ans",
        f"remboursement des parts dans les {rules.refund_delay_months} mois",
    )


def _surplus_lines(statutes: Statutes) -> tuple[str, ...]:
    surplus = statutes.surplus
    interest = (
        f"intérêt aux parts : {format_share(surplus.interest_rate)}"
        if surplus.interest_rate is not None
        else "intérêt aux parts : aucun"
    )
    return (
        f"réserve légale : {format_share(surplus.legal_reserve)} des excédents",
        f"réserve statutaire : {format_share(surplus.statutory_reserve)} du reste",
        interest,
        f"ristourne : {format_share(surplus.ristourne)}",
    )
