"""The transition report: today's members placed into the planned SCIC statutes.

Before the extraordinary assembly votes the transformation (loi 47-1775, art. 28 bis), the board
needs to see each current member in a category and a college, which colleges would be formed,
what the minimum subscriptions would bring as capital, and what the law or the statutes would
object to. Nothing is guessed: a member whose registry category the statutes do not map is
« non classé », and a commune without a known population has no minimum, only a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import Member, ScicKind
from gouvernance.domain.money import format_amount, format_number, round_cents
from gouvernance.domain.scic import compliance
from gouvernance.domain.scic.compliance import CapitalPicture, Finding, Severity
from gouvernance.domain.scic.decisions import AssemblyPresets
from gouvernance.domain.scic.law import LawBook, format_share
from gouvernance.domain.scic.statutes import (
    AssociateCategory,
    College,
    EmptyCollegePolicy,
    Statutes,
)

UNCLASSIFIED = "non classé"
CAPITAL_LABEL = "capital projeté aux souscriptions minimales"


@dataclass(frozen=True)
class Placement:
    """One current member, as the statutes would place them."""

    code: str
    name: str
    registry_category: str
    category_code: str | None
    category_label: str  # « non classé » when the statutes do not map the registry category
    college_code: str | None
    college_label: str
    by_override: bool  # the college comes from a per-member clause, not from the category
    public_body: bool
    population: Decimal | None
    population_year: int | None
    minimum_rule: str  # « 2 parts », « 2 parts jusqu'à 1 000 habitants, puis … »
    shares: int | None  # None: the minimum cannot be computed (unmapped, population unknown)
    amount: Decimal | None


@dataclass(frozen=True)
class CategoryStatus:
    code: str
    label: str
    kind: ScicKind | None
    members: int
    mandatory: bool


@dataclass(frozen=True)
class MandatoryCheck:
    """A category the law requires (art. 19 septies) and whether current members fill it."""

    kind: ScicKind
    category_label: str | None  # None: the statutes have no such category
    members: int

    @property
    def satisfied(self) -> bool:
        return self.category_label is not None and self.members > 0


@dataclass(frozen=True)
class CollegeStatus:
    code: str
    label: str
    weight: Fraction
    minimum_size: int
    size: int
    effective_weight: Fraction | None  # after the empty-college policy; None: the statutes say
    outcome: str  # French: what the policy does to this college

    @property
    def formed(self) -> bool:
        return self.size >= self.minimum_size


@dataclass(frozen=True)
class CapitalProjection:
    share_value: Decimal
    shares: int
    total: Decimal
    public_bodies: Decimal
    public_share: Fraction | None  # None when the total is zero
    public_max: Fraction
    incomplete: tuple[str, ...]  # codes of members whose minimum is unknown

    @property
    def public_share_text(self) -> str:
        return "—" if self.public_share is None else format_share(self.public_share)


@dataclass(frozen=True)
class TransitionReport:
    statutes: Statutes
    on: date
    members: tuple[Placement, ...]
    categories: tuple[CategoryStatus, ...]
    mandatory: tuple[MandatoryCheck, ...]
    colleges: tuple[CollegeStatus, ...]
    policy_text: str
    capital: CapitalProjection
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def placement(self, code: str) -> Placement | None:
        return next((p for p in self.members if p.code == code), None)

    def college(self, code: str) -> CollegeStatus | None:
        return next((c for c in self.colleges if c.code == code), None)


def build_report(
    statutes: Statutes,
    members: Iterable[Member],
    law: LawBook,
    presets: AssemblyPresets,
    on: date,
) -> TransitionReport:
    """Place every current member, size the colleges, project the capital, gather findings."""
    current = sorted((m for m in members if m.is_member_on(on)), key=lambda m: m.code)
    placements = tuple(_place(statutes, member, on) for member in current)
    required = set(mandatory_kinds(statutes))
    categories = tuple(_category_status(c, placements, required) for c in statutes.categories)
    mandatory = _mandatory(statutes, categories)
    colleges = _colleges(statutes, placements)
    capital = _capital(statutes, placements, law, on)
    findings = [
        *_placement_findings(placements, statutes),
        *_mandatory_findings(mandatory, law),
        *_college_findings(statutes, colleges, law, on),
    ]
    picture = CapitalPicture(capital.total, capital.public_bodies, _capital_label(capital))
    checked = compliance.check(statutes, law, presets, on, capital=picture)
    ordered = sorted([*checked, *findings], key=lambda f: f.severity is not Severity.ERROR)
    return TransitionReport(
        statutes=statutes,
        on=on,
        members=placements,
        categories=categories,
        mandatory=mandatory,
        colleges=colleges,
        policy_text=policy_text(statutes),
        capital=capital,
        findings=tuple(ordered),
    )


# --- placing members ------------------------------------------------------------------------


def _place(statutes: Statutes, member: Member, on: date) -> Placement:
    category = statutes.category_for(member.category)
    college = statutes.college_for(member.code, category)
    population, year = latest_population(member, on)
    shares = _minimum_shares(category, population)
    amount = None if shares is None else round_cents(shares * statutes.capital_rules().share_value)
    return Placement(
        code=member.code,
        name=member.display_name,
        registry_category=member.category,
        category_code=category.code if category else None,
        category_label=category.label if category else UNCLASSIFIED,
        college_code=college.code if college else None,
        college_label=college.label if college else "—",
        by_override=member.code in statutes.overrides,
        public_body=category is not None and category.kind is ScicKind.PUBLIC_BODY,
        population=population,
        population_year=year,
        minimum_rule=_minimum_rule(category),
        shares=shares,
        amount=amount,
    )


def latest_population(member: Member, on: date) -> tuple[Decimal | None, int | None]:
    """The population of the latest fiscal year (up to ``on``'s) for which one is recorded."""
    known = [f for f in member.facts if f.kind is FactKind.POPULATION and f.fiscal_year <= on.year]
    if not known:
        return None, None
    latest = max(known, key=lambda f: f.fiscal_year)
    return latest.value, latest.fiscal_year


def _minimum_shares(category: AssociateCategory | None, population: Decimal | None) -> int | None:
    if category is None:
        return None
    return category.minimum.for_population(population)


def _minimum_rule(category: AssociateCategory | None) -> str:
    if category is None:
        return "—"
    minimum = category.minimum
    if minimum.population is not None:
        return minimum.population.describe()
    return f"{minimum.shares} part{'s' if minimum.shares > 1 else ''}"


def _placement_findings(placements: Sequence[Placement], statutes: Statutes) -> list[Finding]:
    found = []
    for p in placements:
        if p.category_code is None:
            found.append(
                Finding(
                    Severity.WARNING,
                    "member_without_category",
                    f"{p.name} ({p.code}) : sa catégorie du registre « {p.registry_category} » "
                    "n'est rangée dans aucune catégorie des statuts (non classé)",
                    "",
                    "categories",
                )
            )
        elif p.college_code is None and statutes.colleges:
            found.append(
                Finding(
                    Severity.WARNING,
                    "member_without_college",
                    f"{p.name} ({p.code}) : la catégorie « {p.category_label} » n'appartient "
                    "à aucun collège",
                    "",
                    "colleges",
                )
            )
        if p.category_code is not None and p.shares is None:
            found.append(
                Finding(
                    Severity.WARNING,
                    "missing_population",
                    f"{p.name} ({p.code}) : population inconnue au registre, la souscription "
                    f"minimale ({p.minimum_rule}) ne peut pas être calculée",
                    "",
                    f"categories.{p.category_code}.minimum_subscription",
                )
            )
    return found


# --- categories -----------------------------------------------------------------------------


def _category_status(
    category: AssociateCategory, placements: Sequence[Placement], mandatory: set[ScicKind]
) -> CategoryStatus:
    members = sum(1 for p in placements if p.category_code == category.code)
    return CategoryStatus(
        category.code, category.label, category.kind, members, category.kind in mandatory
    )


def mandatory_kinds(statutes: Statutes) -> tuple[ScicKind, ScicKind]:
    """Employees, or producers when the statutes have no employee category; and beneficiaries."""
    has_employees = any(c.kind is ScicKind.EMPLOYEE for c in statutes.categories)
    workers = ScicKind.EMPLOYEE if has_employees else ScicKind.PRODUCER
    return workers, ScicKind.BENEFICIARY


def _mandatory(
    statutes: Statutes, categories: Sequence[CategoryStatus]
) -> tuple[MandatoryCheck, ...]:
    checks = []
    for kind in mandatory_kinds(statutes):
        of_kind = [c for c in categories if c.kind is kind]
        if not of_kind:
            checks.append(MandatoryCheck(kind, None, 0))
        else:
            label = ", ".join(c.label for c in of_kind)
            checks.append(MandatoryCheck(kind, label, sum(c.members for c in of_kind)))
    return tuple(checks)


def _mandatory_findings(checks: Sequence[MandatoryCheck], law: LawBook) -> list[Finding]:
    """A mandatory category nobody fills; one the statutes lack is ``compliance.check``'s to say."""
    article = law.reference("categories_min")
    return [
        Finding(
            Severity.ERROR,
            "mandatory_category_empty",
            f"aucun membre actuel ne tombe dans la catégorie « {check.category_label} » "
            f"({check.kind.label}), obligatoire dans une SCIC",
            article,
            "categories",
        )
        for check in checks
        if check.category_label is not None and not check.members
    ]


# --- colleges -------------------------------------------------------------------------------


def policy_text(statutes: Statutes) -> str:
    rule = statutes.empty_college
    if rule.policy is EmptyCollegePolicy.MERGE and rule.into:
        into = statutes.college(rule.into)
        return f"{rule.policy.label} : « {into.label if into else rule.into} »"
    if rule.policy is EmptyCollegePolicy.STATUTES:
        return f"{rule.policy.label} : « {rule.text} »"
    return rule.policy.label


def _colleges(statutes: Statutes, placements: Sequence[Placement]) -> tuple[CollegeStatus, ...]:
    sizes = {
        c.code: sum(1 for p in placements if p.college_code == c.code) for c in statutes.colleges
    }
    formed = [c for c in statutes.colleges if sizes[c.code] >= c.minimum_size]
    weights = effective_weights(statutes, {c.code for c in formed})
    return tuple(
        CollegeStatus(
            code=c.code,
            label=c.label,
            weight=c.weight,
            minimum_size=c.minimum_size,
            size=sizes[c.code],
            effective_weight=None if weights is None else weights.get(c.code, Fraction(0)),
            outcome=_outcome(statutes, c, sizes[c.code]),
        )
        for c in statutes.colleges
    )


def effective_weights(statutes: Statutes, formed: set[str]) -> dict[str, Fraction] | None:
    """Each college's weight once the empty-college policy applies; None: the statutes' clause.

    ``redistribute``: the formed colleges share the whole, pro rata of their weights.
    ``merge``: the named college takes the weight of every college not formed.
    """
    rule = statutes.empty_college
    colleges = statutes.colleges
    if rule.policy is EmptyCollegePolicy.STATUTES:
        return None
    if len(formed) == len(colleges):
        return {c.code: c.weight for c in colleges}
    if rule.policy is EmptyCollegePolicy.MERGE and rule.into is not None:
        weights = {c.code: c.weight if c.code in formed else Fraction(0) for c in colleges}
        weights[rule.into] += sum((c.weight for c in colleges if c.code not in formed), Fraction(0))
        return weights
    kept = sum((c.weight for c in colleges if c.code in formed), Fraction(0))
    if not kept:
        return {c.code: Fraction(0) for c in colleges}
    return {c.code: c.weight / kept if c.code in formed else Fraction(0) for c in colleges}


def _outcome(statutes: Statutes, college: College, size: int) -> str:
    if size >= college.minimum_size:
        return "formé"
    rule = statutes.empty_college
    lack = f"{size} membre(s) pour un minimum de {college.minimum_size}"
    if rule.policy is EmptyCollegePolicy.REDISTRIBUTE:
        return f"non formé ({lack}) : son poids est redistribué aux collèges formés"
    if rule.policy is EmptyCollegePolicy.MERGE:
        into = statutes.college(rule.into or "")
        return f"non formé ({lack}) : fusionné dans « {into.label if into else rule.into} »"
    return f"non formé ({lack}) : les statuts disent « {rule.text} »"


def _college_findings(
    statutes: Statutes, colleges: Sequence[CollegeStatus], law: LawBook, on: date
) -> list[Finding]:
    found = []
    for index, college in enumerate(colleges):
        if not college.formed:
            found.append(
                Finding(
                    Severity.WARNING,
                    "college_below_minimum_size",
                    f"le « {college.label} » compte {college.size} membre(s), moins que les "
                    f"{college.minimum_size} prévus par les statuts : {college.outcome}",
                    "",
                    f"colleges[{index}].minimum_size",
                )
            )
    formed = sum(1 for c in colleges if c.formed)
    if colleges and formed < len(colleges):
        minimum = law.count("colleges_min", on)
        if formed < minimum:
            found.append(
                Finding(
                    Severity.WARNING,
                    "too_few_colleges_formed",
                    f"{formed} collège(s) formé(s) sur {len(colleges)}, moins que les {minimum} "
                    "qu'exige la loi pour voter par collèges",
                    law.reference("colleges_min"),
                    "colleges",
                )
            )
        found += _effective_weight_findings(colleges, law, on)
    return found


def _effective_weight_findings(
    colleges: Sequence[CollegeStatus], law: LawBook, on: date
) -> list[Finding]:
    low, high = law.share("college_weight_min", on), law.share("college_weight_max", on)
    found = []
    for index, college in enumerate(colleges):
        weight = college.effective_weight
        if weight is None or not college.formed or low <= weight <= high:
            continue
        bound = (
            f"moins que {format_share(low)}" if weight < low else f"plus que {format_share(high)}"
        )
        found.append(
            Finding(
                Severity.WARNING,
                "effective_weight_out_of_bounds",
                f"une fois la règle du collège vide appliquée, le « {college.label} » pèserait "
                f"{format_share(weight)}, {bound}",
                law.reference("college_weight_max"),
                f"colleges[{index}].weight",
            )
        )
    return found


# --- capital --------------------------------------------------------------------------------


def _capital(
    statutes: Statutes, placements: Sequence[Placement], law: LawBook, on: date
) -> CapitalProjection:
    counted = [p for p in placements if p.amount is not None and p.shares is not None]
    total = sum((p.amount for p in counted if p.amount is not None), Decimal(0))
    public = sum((p.amount for p in counted if p.public_body and p.amount is not None), Decimal(0))
    share = Fraction(public) / Fraction(total) if total else None
    return CapitalProjection(
        share_value=statutes.capital_rules().share_value,
        shares=sum(p.shares for p in counted if p.shares is not None),
        total=total,
        public_bodies=public,
        public_share=share,
        public_max=law.share("public_bodies_capital_max", on),
        incomplete=tuple(p.code for p in placements if p.shares is None),
    )


def _capital_label(capital: CapitalProjection) -> str:
    if not capital.incomplete:
        return CAPITAL_LABEL
    return f"{CAPITAL_LABEL}, sans {len(capital.incomplete)} membre(s) au minimum inconnu"


def capital_summary(capital: CapitalProjection) -> str:
    """« 207 parts de 50,00 €, soit 10 350,00 € ; collectivités 2 750,00 € (26,5700 %) »."""
    text = (
        f"{format_number(capital.shares)} parts de {format_amount(capital.share_value)}, soit "
        f"{format_amount(capital.total)} ; collectivités territoriales "
        f"{format_amount(capital.public_bodies)} ({capital.public_share_text}, plafond légal "
        f"{format_share(capital.public_max)})"
    )
    if capital.incomplete:
        text += f" ; sans {', '.join(capital.incomplete)} (minimum inconnu)"
    return text
