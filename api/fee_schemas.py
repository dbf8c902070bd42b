"""Bodies of the fee endpoints. Amounts travel as exact strings (« 960.00 ») next to the French
text a person reads (« 960,00 € »); a burden as a percentage string with two decimals."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import Strict
from gouvernance.domain.fees.comparison import (
    Cell,
    Change,
    Comparison,
    MemberLine,
    MissingMember,
    Scenario,
    burden_percent,
    decimal_text,
    format_burden,
    format_cents,
    format_difference,
)
from gouvernance.domain.fees.engine import Assessment, Missing
from gouvernance.domain.fees.schedule import FeeSchedule

MAX_SCENARIOS = 26
ScheduleId = str


class ScheduleOut(BaseModel):
    id: str
    label: str
    reference: str = Field(description="la décision ou la source du barème")
    fiscal_year: int = Field(description="exercice de la cotisation")
    facts_year: int = Field(description="exercice des chiffres lus (souvent N-1)")
    source: str = Field(description="fichier, relatif au dossier des règles")
    default: bool = Field(description="comparé quand aucun barème n'est nommé")

    @classmethod
    def of(cls, schedule: FeeSchedule, default: bool) -> ScheduleOut:
        return cls(
            id=schedule.id,
            label=schedule.label,
            reference=schedule.reference,
            fiscal_year=schedule.fiscal_year,
            facts_year=schedule.facts_year,
            source=schedule.source,
            default=default,
        )


class ScheduleDetailOut(ScheduleOut):
    period_start: date
    period_end: date
    prorata: str = Field(description="none, day ou month")
    rounding: str = Field(description="cent ou euro")
    notes: list[str]
    document: str = Field(description="le texte YAML du barème, tel qu'il a été adopté")


class SimulationIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"schedules": ["demo-forfait", "demo-bareme-ca"], "reference": "demo-forfait"}
            ]
        }
    )

    schedules: list[ScheduleId] = Field(
        default_factory=list,
        max_length=MAX_SCENARIOS,
        description="identifiants des barèmes ; vide : les barèmes candidats par défaut",
    )
    reference: ScheduleId | None = Field(
        None, max_length=80, description="barème de référence des écarts (défaut : le premier)"
    )


class MissingOut(BaseModel):
    kind: str = Field(description="type de donnée (revenue, profit…) ou category")
    year: int | None
    text: str = Field(description="ex. « bénéfice 2026 »")

    @classmethod
    def of(cls, missing: Missing) -> MissingOut:
        return cls(kind=missing.kind, year=missing.year, text=missing.text)


class MissingMemberOut(BaseModel):
    code: str
    name: str
    category_label: str
    missing: list[MissingOut]
    text: str

    @classmethod
    def of(cls, member: MissingMember) -> MissingMemberOut:
        return cls(
            code=member.code,
            name=member.name,
            category_label=member.category_label,
            missing=[MissingOut.of(m) for m in member.missing],
            text=member.describe(),
        )


class ChangeOut(BaseModel):
    code: str
    name: str
    reference_amount: str
    amount: str
    difference: str
    difference_text: str

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        return cls(
            code=change.code,
            name=change.name,
            reference_amount=str(decimal_text(change.reference_cents)),
            amount=str(decimal_text(change.cents)),
            difference=str(decimal_text(change.difference)),
            difference_text=format_difference(change.difference),
        )


class ScenarioOut(BaseModel):
    id: str
    label: str
    reference: str = Field(description="la décision ou la source du barème")
    source: str
    fiscal_year: int
    facts_year: int
    is_reference: bool
    total: str = Field(description="total appelé, hors membres sans données")
    total_text: str
    liable: int = Field(description="membres pendant la période du barème")
    charged: int = Field(description="membres appelés (montant > 0)")
    at_zero: int
    missing_count: int
    minimum: str | None
    minimum_text: str
    median: str | None = Field(description="nombre pair : moyenne des deux du milieu, arrondie")
    median_text: str
    maximum: str | None
    maximum_text: str
    missing: list[MissingMemberOut]
    biggest_changes: list[ChangeOut]

    @classmethod
    def of(cls, comparison: Comparison, scenario: Scenario) -> ScenarioOut:
        schedule = scenario.schedule
        return cls(
            id=scenario.id,
            label=scenario.label,
            reference=schedule.reference,
            source=schedule.source,
            fiscal_year=schedule.fiscal_year,
            facts_year=schedule.facts_year,
            is_reference=scenario.id == comparison.reference_id,
            total=str(decimal_text(scenario.total_cents)),
            total_text=format_cents(scenario.total_cents),
            liable=scenario.liable,
            charged=scenario.charged,
            at_zero=scenario.at_zero,
            missing_count=len(scenario.missing),
            minimum=decimal_text(scenario.minimum),
            minimum_text=format_cents(scenario.minimum),
            median=decimal_text(scenario.median),
            median_text=format_cents(scenario.median),
            maximum=decimal_text(scenario.maximum),
            maximum_text=format_cents(scenario.maximum),
            missing=[MissingMemberOut.of(m) for m in scenario.missing],
            biggest_changes=[ChangeOut.of(c) for c in comparison.biggest_changes(scenario.id)],
        )


class CellOut(BaseModel):
    schedule: str
    liable: bool = Field(description="faux : pas membre pendant la période de ce barème")
    amount: str | None
    amount_text: str
    difference: str | None = Field(description="écart avec le barème de référence")
    difference_text: str
    burden_percent: str | None = Field(description="cotisation / chiffre d'affaires, en %")
    burden_text: str
    missing: list[MissingOut]

    @classmethod
    def of(cls, cell: Cell) -> CellOut:
        return cls(
            schedule=cell.schedule_id,
            liable=cell.liable,
            amount=decimal_text(cell.cents),
            amount_text=format_cents(cell.cents),
            difference=decimal_text(cell.difference),
            difference_text=format_difference(cell.difference),
            burden_percent=None if cell.burden is None else str(burden_percent(cell.burden)),
            burden_text=format_burden(cell.burden),
            missing=[MissingOut.of(m) for m in cell.missing],
        )


class MemberLineOut(BaseModel):
    code: str
    name: str
    category: str
    category_label: str
    amounts: list[CellOut] = Field(description="un par barème, dans l'ordre des barèmes")

    @classmethod
    def of(cls, line: MemberLine) -> MemberLineOut:
        return cls(
            code=line.code,
            name=line.name,
            category=line.category,
            category_label=line.category_label,
            amounts=[CellOut.of(cell) for cell in line.cells],
        )


class ComparisonOut(BaseModel):
    reference: str = Field(description="identifiant du barème de référence")
    scenarios: list[ScenarioOut]
    members: list[MemberLineOut]

    @classmethod
    def of(cls, comparison: Comparison) -> ComparisonOut:
        return cls(
            reference=comparison.reference_id,
            scenarios=[ScenarioOut.of(comparison, s) for s in comparison.scenarios],
            members=[MemberLineOut.of(line) for line in comparison.members],
        )


class ExplanationOut(BaseModel):
    schedule: str
    label: str
    liable: bool
    amount: str | None
    amount_text: str
    missing: list[MissingOut]
    lines: list[str] = Field(description="chaque étape du calcul, en français")
    summary: str

    @classmethod
    def of(cls, assessment: Assessment, label: str) -> ExplanationOut:
        return cls(
            schedule=assessment.schedule_id,
            label=label,
            liable=assessment.liable,
            amount=decimal_text(assessment.cents),
            amount_text=format_cents(assessment.cents),
            missing=[MissingOut.of(m) for m in assessment.missing],
            lines=assessment.explain().splitlines(),
            summary=assessment.summary(),
        )


class ExplanationsOut(BaseModel):
    member_code: str
    member_name: str
    explanations: list[ExplanationOut]
