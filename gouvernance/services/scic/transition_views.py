"""The transition report as JSON, for the API and ``gouvernance transition --json``. Amounts
travel as French text and whole cents, shares as French text and an exact fraction (« 55/207 »),
never as floats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel, Field

from gouvernance.domain.money import format_amount, to_cents
from gouvernance.domain.scic.compliance import Finding
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.transition import (
    CapitalProjection,
    CategoryStatus,
    CollegeStatus,
    MandatoryCheck,
    Placement,
    capital_summary,
)
from gouvernance.services.scic.transition import TransitionResult


class AmountOut(BaseModel):
    text: str = Field(description="montant en français, ex. « 10 350,00 € »")
    cents: int = Field(description="le même montant en centimes")

    @classmethod
    def of(cls, amount: Decimal) -> AmountOut:
        return cls(text=format_amount(amount), cents=to_cents(amount))


class ShareOut(BaseModel):
    text: str = Field(description="part en français, ex. « 26,5700 % »")
    fraction: str = Field(description="fraction exacte, ex. « 55/207 »")

    @classmethod
    def of(cls, share: Fraction) -> ShareOut:
        return cls(text=format_share(share), fraction=f"{share.numerator}/{share.denominator}")


class StatutesRefOut(BaseModel):
    id: str
    label: str
    reference: str
    source: str


class PlacementOut(BaseModel):
    code: str
    name: str
    registry_category: str
    category: str | None = Field(description="code de la catégorie des statuts ; null : non classé")
    category_label: str
    college: str | None
    college_label: str
    by_override: bool = Field(description="collège fixé nommément par les statuts")
    public_body: bool
    population: int | None
    population_year: int | None
    minimum_rule: str
    shares: int | None = Field(description="null : minimum incalculable (population, catégorie)")
    amount: AmountOut | None

    @classmethod
    def of(cls, p: Placement) -> PlacementOut:
        return cls(
            code=p.code, name=p.name, registry_category=p.registry_category,
            category=p.category_code, category_label=p.category_label,
            college=p.college_code, college_label=p.college_label, by_override=p.by_override,
            public_body=p.public_body,
            population=None if p.population is None else int(p.population),
            population_year=p.population_year, minimum_rule=p.minimum_rule, shares=p.shares,
            amount=None if p.amount is None else AmountOut.of(p.amount),
        )  # fmt: skip


class CategoryOut(BaseModel):
    code: str
    label: str
    kind: str | None
    members: int
    mandatory: bool

    @classmethod
    def of(cls, c: CategoryStatus) -> CategoryOut:
        kind = c.kind.value if c.kind else None
        return cls(code=c.code, label=c.label, kind=kind, members=c.members, mandatory=c.mandatory)


class MandatoryOut(BaseModel):
    kind: str
    kind_label: str
    category_label: str | None = Field(description="null : les statuts n'ont pas cette catégorie")
    members: int
    satisfied: bool

    @classmethod
    def of(cls, m: MandatoryCheck) -> MandatoryOut:
        return cls(
            kind=m.kind.value, kind_label=m.kind.label, category_label=m.category_label,
            members=m.members, satisfied=m.satisfied,
        )  # fmt: skip


class CollegeOut(BaseModel):
    code: str
    label: str
    weight: ShareOut
    minimum_size: int
    size: int
    formed: bool
    effective_weight: ShareOut | None = Field(description="null : la clause des statuts décide")
    outcome: str

    @classmethod
    def of(cls, c: CollegeStatus) -> CollegeOut:
        effective = None if c.effective_weight is None else ShareOut.of(c.effective_weight)
        return cls(
            code=c.code, label=c.label, weight=ShareOut.of(c.weight),
            minimum_size=c.minimum_size, size=c.size, formed=c.formed,
            effective_weight=effective, outcome=c.outcome,
        )  # fmt: skip


class CapitalOut(BaseModel):
    share_value: AmountOut
    shares: int
    total: AmountOut
    public_bodies: AmountOut
    public_share: ShareOut | None
    public_max: ShareOut
    incomplete: list[str] = Field(description="membres dont le minimum est inconnu")
    summary: str

    @classmethod
    def of(cls, c: CapitalProjection) -> CapitalOut:
        return cls(
            share_value=AmountOut.of(c.share_value), shares=c.shares,
            total=AmountOut.of(c.total), public_bodies=AmountOut.of(c.public_bodies),
            public_share=None if c.public_share is None else ShareOut.of(c.public_share),
            public_max=ShareOut.of(c.public_max), incomplete=list(c.incomplete),
            summary=capital_summary(c),
        )  # fmt: skip


class FindingOut(BaseModel):
    severity: str
    severity_label: str
    code: str
    message: str
    article: str
    path: str

    @classmethod
    def of(cls, f: Finding) -> FindingOut:
        return cls(
            severity=f.severity.value, severity_label=f.severity.label, code=f.code,
            message=f.message, article=f.article, path=f.path,
        )  # fmt: skip


class TransitionOut(BaseModel):
    organisation: str
    on: date
    statutes: StatutesRefOut
    members: list[PlacementOut]
    categories: list[CategoryOut]
    mandatory: list[MandatoryOut]
    colleges: list[CollegeOut]
    empty_college_policy: str
    capital: CapitalOut
    errors: int
    warnings: int
    findings: list[FindingOut]

    @classmethod
    def of(cls, result: TransitionResult) -> TransitionOut:
        r = result.report
        s = r.statutes
        return cls(
            organisation=result.organisation,
            on=r.on,
            statutes=StatutesRefOut(id=s.id, label=s.label, reference=s.reference, source=s.source),
            members=[PlacementOut.of(p) for p in r.members],
            categories=[CategoryOut.of(c) for c in r.categories],
            mandatory=[MandatoryOut.of(m) for m in r.mandatory],
            colleges=[CollegeOut.of(c) for c in r.colleges],
            empty_college_policy=r.policy_text,
            capital=CapitalOut.of(r.capital),
            errors=len(r.errors),
            warnings=len(r.warnings),
            findings=[FindingOut.of(f) for f in r.findings],
        )
