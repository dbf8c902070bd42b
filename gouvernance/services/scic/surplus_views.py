"""The surplus allocation as JSON, the same for the API and ``gouvernance surplus --json``.

Amounts go out three ways: exact text (« 12345.67 »), integer cents and the French text a
person reads (« 12 345,67 € »)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from gouvernance.domain.money import format_amount, to_cents
from gouvernance.domain.scic.surplus import AllocationLine
from gouvernance.services.scic.surplus import InterestView, SurplusView


class Money(BaseModel):
    value: str = Field(description="texte exact, ex. « 1500.00 »")
    cents: int
    text: str = Field(description="ex. « 1 500,00 € »")

    @classmethod
    def of(cls, amount: Decimal) -> Money:
        return cls(value=str(amount), cents=to_cents(amount), text=format_amount(amount))


class LineOut(BaseModel):
    code: str = Field(description="legal_reserve, statutory_reserve, interest, additional_reserves")
    label: str
    amount: Money
    explanation: str
    reference: str

    @classmethod
    def of(cls, line: AllocationLine) -> LineOut:
        return cls(
            code=line.code,
            label=line.label,
            amount=Money.of(line.amount),
            explanation=line.explanation,
            reference=line.reference,
        )


class InterestOut(BaseModel):
    member_code: str
    member_name: str
    paid_up: Money = Field(description="capital libéré au 31 décembre de l'exercice")
    amount: Money

    @classmethod
    def of(cls, part: InterestView) -> InterestOut:
        return cls(
            member_code=part.member_code,
            member_name=part.member_name,
            paid_up=Money.of(part.paid_up),
            amount=Money.of(part.amount),
        )


class TotalsOut(BaseModel):
    surplus: Money = Field(description="la somme exacte des lignes")
    reserves: Money = Field(description="dotations aux réserves impartageables")
    interest: Money
    reserves_after: Money = Field(description="réserves après affectation")


class SimulationOut(BaseModel):
    fiscal_year: int
    assembly_date: date
    statutes: str
    statutes_label: str
    interest_rate: str = Field(description="« 2 % », ou « aucun intérêt »")
    reserves_before: Money
    public_support: Money = Field(
        description="subventions, encouragements et autres moyens financiers des collectivités "
        "publiques, de leurs groupements et des associations (hors base de l'intérêt)"
    )
    losses_brought_forward: Money = Field(description="pertes antérieures non apurées")
    subscribed_capital: Money = Field(description="capital souscrit au 31 décembre")
    paid_up_capital: Money = Field(description="capital libéré au 31 décembre")
    lines: list[LineOut]
    interests: list[InterestOut]
    totals: TotalsOut
    cap_explanation: str | None = Field(description="le plafond légal de l'intérêt, expliqué")

    @classmethod
    def of(cls, view: SurplusView) -> SimulationOut:
        result = view.allocation
        return cls(
            fiscal_year=result.fiscal_year,
            assembly_date=result.assembly_day,
            statutes=view.statutes_id,
            statutes_label=view.statutes_label,
            interest_rate=view.rate_text,
            reserves_before=Money.of(result.reserves_before),
            public_support=Money.of(result.public_support),
            losses_brought_forward=Money.of(result.losses_brought_forward),
            subscribed_capital=Money.of(result.subscribed_capital),
            paid_up_capital=Money.of(result.paid_up_total),
            lines=[LineOut.of(line) for line in result.lines],
            interests=[InterestOut.of(part) for part in view.interests],
            totals=TotalsOut(
                surplus=Money.of(result.total),
                reserves=Money.of(result.impartible_reserves),
                interest=Money.of(result.interest_total),
                reserves_after=Money.of(result.reserves_after),
            ),
            cap_explanation=view.cap_explanation,
        )
