"""Bodies of the register of shares. Amounts travel as text (« 12,50 » or « 12.50 ») and come
back both exact (« 12.50 ») and as a French reads them (« 12,50 € »)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from api.schemas import Day, Figure, Strict
from gouvernance.domain.money import format_amount
from gouvernance.domain.scic.capital import OperationKind
from gouvernance.services.scic.capital import (
    AssociateLine,
    AssociateView,
    CapitalTotals,
    OperationView,
    RegisterView,
)


class StatutesIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"statutes": "demo-statuts-scic"}]})

    statutes: str = Field(min_length=1, max_length=60, description="ex. demo-statuts-scic")


class StatutesOut(BaseModel):
    statutes: str | None = Field(description="identifiant des statuts choisis ; null : aucun")
    label: str | None = None


class SubscriptionIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member": "MISTRAL",
                    "shares": 22,
                    "paid": "275,00",
                    "on": "2027-01-15",
                    "note": "Souscription à l'entrée dans la SCIC",
                }
            ]
        }
    )

    member: str = Field(min_length=1, max_length=20, description="code du membre")
    shares: StrictInt = Field(ge=1, le=1_000_000, description="nombre de parts souscrites")
    paid: Figure = Field(description="versé à la souscription, ex. « 12,50 » (le quart au moins)")
    on: Day | None = Field(None, description="date de la souscription (défaut : aujourd'hui)")
    note: str = Field("", max_length=500)


class PayingUpIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"member": "MISTRAL", "amount": "275,00", "on": "2027-01-20", "note": "2e quart"}
            ]
        }
    )

    member: str = Field(min_length=1, max_length=20)
    amount: Figure = Field(description="montant libéré, ex. « 150,00 »")
    on: Day | None = None
    note: str = Field("", max_length=500)


class WithdrawalIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member": "MISTRAL",
                    "shares": 2,
                    "loss_per_share": "0",
                    "on": "2027-01-20",
                    "note": "Retrait partiel accepté par le conseil",
                }
            ]
        }
    )

    member: str = Field(min_length=1, max_length=20)
    shares: StrictInt = Field(ge=1, le=1_000_000)
    loss_per_share: Figure = Field("0", description="perte imputée par part, décidée par l'AG")
    on: Day | None = None
    note: str = Field("", max_length=500)


class RefundIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"withdrawal": "CAP-2027-0003", "on": "2028-01-20", "note": "Virement"}]
        }
    )

    withdrawal: str = Field(min_length=1, max_length=24, description="ex. CAP-2026-0003")
    on: Day | None = None
    note: str = Field("", max_length=500)


class OperationOut(BaseModel):
    number: str = Field(description="ex. CAP-2026-0001")
    kind: OperationKind
    kind_label: str
    member_code: str
    shares: int
    amount: str
    amount_text: str
    paid: str
    refund: str
    day: date
    due_on: date | None
    related: str | None
    description: str
    note: str
    actor: str
    created: bool = Field(description="faux : la même requête avait déjà été enregistrée")

    @classmethod
    def of(cls, view: OperationView) -> OperationOut:
        return cls(
            number=view.number, kind=view.kind, kind_label=view.kind_label,
            member_code=view.member_code, shares=view.shares, amount=str(view.amount),
            amount_text=format_amount(view.amount), paid=str(view.paid), refund=str(view.refund),
            day=view.day, due_on=view.due_on, related=view.related,
            description=view.describe(), note=view.note, actor=view.actor, created=view.created,
        )  # fmt: skip


class AssociateLineOut(BaseModel):
    code: str
    name: str
    category: str
    college: str
    shares: int
    subscribed: str
    paid_up: str
    unpaid: str
    due_on: date | None
    late: bool
    late_label: str

    @classmethod
    def of(cls, line: AssociateLine) -> AssociateLineOut:
        return cls(
            code=line.code, name=line.name, category=line.category, college=line.college,
            shares=line.shares, subscribed=str(line.subscribed), paid_up=str(line.paid_up),
            unpaid=str(line.unpaid), due_on=line.due_on, late=line.late,
            late_label=line.late_label,
        )  # fmt: skip


class TotalsOut(BaseModel):
    subscribed: str
    paid_up: str
    highest: str
    highest_on: date | None
    floor: str
    public_bodies: str

    @classmethod
    def of(cls, totals: CapitalTotals) -> TotalsOut:
        return cls(
            subscribed=str(totals.subscribed), paid_up=str(totals.paid_up),
            highest=str(totals.highest), highest_on=totals.highest_on, floor=str(totals.floor),
            public_bodies=str(totals.public_bodies),
        )  # fmt: skip


class RegisterOut(BaseModel):
    on: date
    statutes: str
    share_value: str
    associates: list[AssociateLineOut]
    totals: TotalsOut
    public_share: str = Field(description="part du capital des collectivités, ex. « 23,08 % »")
    public_max: str
    floor_share: str

    @classmethod
    def of(cls, view: RegisterView) -> RegisterOut:
        return cls(
            on=view.on, statutes=view.statutes_id, share_value=str(view.share_value),
            associates=[AssociateLineOut.of(line) for line in view.lines],
            totals=TotalsOut.of(view.totals), public_share=view.public_share,
            public_max=view.public_max, floor_share=view.floor_share,
        )  # fmt: skip


class AssociateOut(BaseModel):
    on: date
    associate: AssociateLineOut
    share_value: str
    operations: list[OperationOut]
    pending_refunds: list[OperationOut]

    @classmethod
    def of(cls, view: AssociateView) -> AssociateOut:
        return cls(
            on=view.on, associate=AssociateLineOut.of(view.line),
            share_value=str(view.share_value),
            operations=[OperationOut.of(o) for o in view.operations],
            pending_refunds=[OperationOut.of(o) for o in view.pending_refunds],
        )  # fmt: skip
