"""Bodies of the statutes and law endpoints. Shares travel twice: the French text a person reads
(« 4,80 % ») and the exact fraction (« 6/125 »), never a float."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from pydantic import BaseModel, Field

from gouvernance.domain.scic.compliance import ComplianceReport, Finding
from gouvernance.domain.scic.law import InterestCap, LawValue, Semester, format_share
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.services.scic.statutes import StatutesView, TmoTable


def fraction_text(value: Fraction) -> str:
    """``Fraction(6, 125)`` → « 6/125 »; a whole number stays « 1 » or « 0 »."""
    return str(value)


class StatutesOut(BaseModel):
    id: str
    label: str
    reference: str
    legal_form: str = Field(description="association, scic_sa, scic_sas ou scic_sarl")
    legal_form_label: str
    valid_from: date
    source: str = Field(description="fichier, relatif au dossier des règles")

    @classmethod
    def of(cls, statutes: Statutes) -> StatutesOut:
        return cls(
            id=statutes.id,
            label=statutes.label,
            reference=statutes.reference,
            legal_form=statutes.legal_form.value,
            legal_form_label=statutes.legal_form.label,
            valid_from=statutes.valid_from,
            source=statutes.source,
        )


class CategoryOut(BaseModel):
    code: str
    label: str
    kind: str | None
    kind_label: str
    registry: list[str] = Field(description="catégories du registre rangées ici")
    minimum: str = Field(description="souscription minimale, en clair")


class CollegeOut(BaseModel):
    code: str
    label: str
    weight: str = Field(description="poids exact, ex. « 3/10 »")
    weight_text: str = Field(description="poids en clair, ex. « 30 % »")
    categories: list[str]
    minimum_size: int


class DecisionOut(BaseModel):
    kind: str
    label: str
    reference: str
    origin: str = Field(description="« statuts » ou le préréglage appliqué")
    lines: list[str] = Field(description="la règle, convocation par convocation, en français")


class StatutesDetailOut(StatutesOut):
    on: date = Field(description="jour où les règles d'assemblée sont lues")
    categories: list[CategoryOut]
    colleges: list[CollegeOut]
    weighting: str
    overrides: dict[str, str] = Field(description="membre → collège, par exception")
    empty_college: str
    decisions: list[DecisionOut]
    proxies: str
    capital: list[str]
    surplus: list[str]

    @classmethod
    def of_view(cls, view: StatutesView) -> StatutesDetailOut:
        return cls(
            **StatutesOut.of(view.statutes).model_dump(),
            on=view.on,
            categories=[
                CategoryOut(
                    code=c.code,
                    label=c.label,
                    kind=c.kind,
                    kind_label=c.kind_label,
                    registry=list(c.registry),
                    minimum=c.minimum,
                )
                for c in view.categories
            ],
            colleges=[
                CollegeOut(
                    code=c.code,
                    label=c.label,
                    weight=fraction_text(c.weight),
                    weight_text=c.weight_text,
                    categories=list(c.categories),
                    minimum_size=c.minimum_size,
                )
                for c in view.colleges
            ],
            weighting=view.weighting,
            overrides=dict(view.overrides),
            empty_college=view.empty_college,
            decisions=[
                DecisionOut(
                    kind=d.kind,
                    label=d.label,
                    reference=d.reference,
                    origin=d.origin,
                    lines=list(d.lines),
                )
                for d in view.decisions
            ],
            proxies=view.proxies,
            capital=list(view.capital),
            surplus=list(view.surplus),
        )


class FindingOut(BaseModel):
    severity: str = Field(description="error ou warning")
    severity_label: str = Field(description="erreur ou avertissement")
    code: str
    message: str
    article: str
    path: str = Field(description="clé du document des statuts en cause")

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls(
            severity=finding.severity.value,
            severity_label=finding.severity.label,
            code=finding.code,
            message=finding.message,
            article=finding.article,
            path=finding.path,
        )


class LawValueOut(BaseModel):
    key: str
    label: str
    reference: str
    verified: bool = Field(description="valeur lue sur une copie du texte officiel")
    confidence: str = Field(description="« vérifié », « probable » ou « à vérifier »")
    since: date = Field(description="en vigueur depuis")
    text: str = Field(description="la valeur en clair, ex. « 15 % », « 18 500,00 € »")
    value: str = Field(description="la valeur exacte : fraction, montant ou nombre")

    @classmethod
    def of(cls, value: LawValue) -> LawValueOut:
        if value.share is not None:
            exact = fraction_text(value.share)
        elif value.euros is not None:
            exact = f"{value.euros:.2f}"
        else:
            exact = str(value.count)
        return cls(
            key=value.key,
            label=value.label,
            reference=value.reference,
            verified=value.verified,
            confidence=value.confidence,
            since=value.since,
            text=value.text,
            value=exact,
        )


class ComplianceOut(BaseModel):
    statutes_id: str
    label: str
    legal_form: str
    on: date
    lawful: bool = Field(description="aucune erreur (des avertissements peuvent rester)")
    errors: int
    warnings: int
    findings: list[FindingOut]
    law_values: list[LawValueOut] = Field(description="les valeurs légales appliquées")

    @classmethod
    def of(cls, report: ComplianceReport) -> ComplianceOut:
        return cls(
            statutes_id=report.statutes_id,
            label=report.label,
            legal_form=report.legal_form.value,
            on=report.on,
            lawful=report.lawful,
            errors=report.errors,
            warnings=report.warnings,
            findings=[FindingOut.of(f) for f in report.findings],
            law_values=[LawValueOut.of(v) for v in report.law_values],
        )


class SemesterOut(BaseModel):
    year: int
    half: int = Field(description="1 = janvier–juin, 2 = juillet–décembre")
    label: str
    rate: str = Field(description="taux exact, ex. « 53/4000 »")
    rate_text: str = Field(description="taux en clair, ex. « 1,325 % »")
    derived: bool = Field(description="taux déduit, pas lu sur l'avis du Journal officiel")
    note: str

    @classmethod
    def of(cls, semester: Semester) -> SemesterOut:
        return cls(
            year=semester.year,
            half=semester.half,
            label=semester.label,
            rate=fraction_text(semester.rate),
            rate_text=format_share(semester.rate),
            derived=semester.derived,
            note=semester.note,
        )


class TmoOut(BaseModel):
    label: str
    reference: str
    semesters: list[SemesterOut]

    @classmethod
    def of(cls, table: TmoTable) -> TmoOut:
        return cls(
            label=table.label,
            reference=table.reference,
            semesters=[SemesterOut.of(s) for s in table.semesters],
        )


class InterestCapOut(BaseModel):
    assembly_year: int
    rate: str = Field(description="plafond exact, ex. « 6/125 »")
    rate_text: str = Field(description="plafond en clair, ex. « 4,80 % »")
    average: str
    average_text: str
    margin: str
    margin_text: str
    reference: str
    explanation: str
    semesters: list[SemesterOut]

    @classmethod
    def of(cls, cap: InterestCap) -> InterestCapOut:
        return cls(
            assembly_year=cap.assembly_year,
            rate=fraction_text(cap.rate),
            rate_text=format_share(cap.rate),
            average=fraction_text(cap.average),
            average_text=format_share(cap.average),
            margin=fraction_text(cap.margin),
            margin_text=format_share(cap.margin),
            reference=cap.reference,
            explanation=cap.explain(),
            semesters=[SemesterOut.of(s) for s in cap.semesters],
        )
