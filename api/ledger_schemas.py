"""Bodies of the treasurer's endpoints: calls, credit notes, payments, balances, reminders,
mandates. As for fees, an amount travels as exact text (« 960.00 ») next to the French text a
person reads (« 960,00 € »). An amount sent is text (« 120,50 », « 120.50 », « 1 200 € ») or a
whole JSON number; a JSON decimal is refused, since it would already be a float."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import Day, Figure, Strict
from gouvernance.domain.calls.model import CallKind, CallStatus, PaymentMethod, parse_method
from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.money import format_cents, from_cents, parse_amount, to_cents
from gouvernance.services.ledger.ledger_views import (
    AllocationView,
    BalanceView,
    BatchView,
    CallDetail,
    CallView,
    CreditNoteView,
    DueReminderView,
    IssueResult,
    PaymentView,
    RefundView,
)
from gouvernance.services.ledger.mandates import BankDetails, MandateView

MAX_ALLOCATIONS = 1000
Reference = str


def amount_text(cents: int) -> str:
    """« 960.00 »: exact text for JSON, never a float."""
    return str(from_cents(cents))


def amount_of(raw: str, field: str) -> Decimal:
    """An amount typed the French or the English way (« 120,50 », « 120.50 »), to the cent."""
    if len(raw) > 40:
        raise InvalidInput("montant trop long", field=field)
    return parse_amount(raw, field=field)


def cents_of(raw: str, field: str) -> int:
    """Whole cents of an amount typed the French or the English way."""
    return to_cents(amount_of(raw, field))


# --- Issuing ---------------------------------------------------------------------------------


class IssueIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "schedule": "demo-bareme-ca",
                    "issued_on": "2027-01-15",
                    "due_on": "2027-02-28",
                    "exclude_incomplete": True,
                }
            ]
        }
    )

    schedule: str = Field(
        min_length=1, max_length=80, description="identifiant du barème adopté, ex. demo-bareme-ca"
    )
    issued_on: Day | None = Field(None, description="date d'émission (défaut : aujourd'hui)")
    due_on: Day = Field(description="date d'échéance des appels")
    exclude_incomplete: bool = Field(
        False,
        description="émettre sans les membres dont les données manquent (ils sont nommés)",
    )


class BatchOut(BaseModel):
    reference: str = Field(description="ex. LOT-2027-01")
    kind: CallKind
    fiscal_year: int
    schedule_id: str
    schedule_label: str
    schedule_hash: str = Field(description="empreinte SHA-256 du barème tel qu'émis")
    decision: str = Field(description="la décision d'assemblée qui a adopté le barème")
    issued_on: date
    due_on: date
    issued_by: str
    issued_at: datetime
    call_count: int
    total: str
    total_text: str

    @classmethod
    def of(cls, batch: BatchView) -> BatchOut:
        return cls(
            reference=batch.reference,
            kind=batch.kind,
            fiscal_year=batch.fiscal_year,
            schedule_id=batch.schedule_id,
            schedule_label=batch.schedule_label,
            schedule_hash=batch.schedule_hash,
            decision=batch.decision,
            issued_on=batch.issued_on,
            due_on=batch.due_on,
            issued_by=batch.issued_by,
            issued_at=batch.issued_at,  # always in UTC (persistence.types.UtcDateTime)
            call_count=batch.call_count,
            total=amount_text(batch.total_cents),
            total_text=format_cents(batch.total_cents),
        )


class ProblemOut(BaseModel):
    message: str
    field: str | None

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(message=problem.message, field=problem.field)


class IssueOut(BaseModel):
    batch: BatchOut
    created: bool = Field(description="faux : la même demande avait déjà été servie")
    excluded: list[ProblemOut] = Field(description="membres laissés de côté, données manquantes")
    exempt: list[str] = Field(description="codes des membres qui ne doivent rien (pas d'appel)")

    @classmethod
    def of(cls, result: IssueResult) -> IssueOut:
        return cls(
            batch=BatchOut.of(result.batch),
            created=result.created,
            excluded=[ProblemOut.of(p) for p in result.excluded],
            exempt=list(result.exempt),
        )


# --- Calls -----------------------------------------------------------------------------------


class CallOut(BaseModel):
    reference: str = Field(description="ex. AC-2027-0001")
    batch: str
    kind: CallKind
    fiscal_year: int
    member_code: str
    member_name: str
    issued_on: date
    due_on: date
    amount: str = Field(description="montant appelé")
    amount_text: str
    credited: str = Field(description="total des avoirs")
    paid: str = Field(description="total imputé")
    outstanding: str = Field(description="reste à payer")
    outstanding_text: str
    status: CallStatus
    status_label: str
    days_late: int
    on: date = Field(description="la date à laquelle la situation est lue")

    @classmethod
    def of(cls, call: CallView) -> CallOut:
        return cls(
            reference=call.reference,
            batch=call.batch_reference,
            kind=call.kind,
            fiscal_year=call.fiscal_year,
            member_code=call.member_code,
            member_name=call.member_name,
            issued_on=call.issued_on,
            due_on=call.due_on,
            amount=amount_text(call.cents),
            amount_text=format_cents(call.cents),
            credited=amount_text(call.credited),
            paid=amount_text(call.paid),
            outstanding=amount_text(call.outstanding),
            outstanding_text=format_cents(call.outstanding),
            status=call.status,
            status_label=call.status.label,
            days_late=call.days_late,
            on=call.on,
        )


class CallPage(BaseModel):
    items: list[CallOut]
    total: int
    offset: int
    limit: int


class CreditNoteIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amount": "48,90",
                    "reason": "Chiffre d'affaires 2026 corrigé après l'arrêté des comptes",
                    "on": "2027-01-20",
                }
            ]
        }
    )

    amount: Figure | None = Field(
        None, description="montant de l'avoir ; absent : annule tout ce que l'appel demande encore"
    )
    reason: str = Field(min_length=1, max_length=500, description="motif, obligatoire")
    on: Day | None = Field(None, description="date de l'avoir (défaut : aujourd'hui)")

    def cents(self) -> int | None:
        return None if self.amount is None else cents_of(self.amount, "amount")


class CreditNoteOut(BaseModel):
    reference: str = Field(description="ex. AV-2027-0001")
    call: str
    member_code: str
    amount: str
    amount_text: str
    reason: str
    issued_on: date
    issued_by: str

    @classmethod
    def of(cls, note: CreditNoteView) -> CreditNoteOut:
        return cls(
            reference=note.reference,
            call=note.call_reference,
            member_code=note.member_code,
            amount=amount_text(note.cents),
            amount_text=format_cents(note.cents),
            reason=note.reason,
            issued_on=note.issued_on,
            issued_by=note.issued_by,
        )


class AllocationOut(BaseModel):
    payment: str
    call: str
    amount: str = Field(description="négatif : rendu au crédit du membre après un avoir")
    amount_text: str
    on: date

    @classmethod
    def of(cls, allocation: AllocationView) -> AllocationOut:
        return cls(
            payment=allocation.payment_reference,
            call=allocation.call_reference,
            amount=amount_text(allocation.cents),
            amount_text=format_cents(allocation.cents),
            on=allocation.on,
        )


class ReminderOut(BaseModel):
    level: int
    sent_on: date


class CallDetailOut(BaseModel):
    call: CallOut
    explanation: list[str] = Field(description="chaque étape du calcul, en français")
    summary: str
    decision: str
    credit_notes: list[CreditNoteOut]
    allocations: list[AllocationOut]
    reminders: list[ReminderOut]

    @classmethod
    def of(cls, detail: CallDetail) -> CallDetailOut:
        return cls(
            call=CallOut.of(detail.call),
            explanation=list(detail.explanation),
            summary=detail.summary,
            decision=detail.decision,
            credit_notes=[CreditNoteOut.of(n) for n in detail.credit_notes],
            allocations=[AllocationOut.of(a) for a in detail.allocations],
            reminders=[ReminderOut(level=level, sent_on=day) for level, day in detail.reminders],
        )


# --- Payments --------------------------------------------------------------------------------


class AllocationIn(Strict):
    call: Reference = Field(min_length=1, max_length=24, description="référence de l'appel")
    amount: Figure | None = Field(None, description="absent : ce que l'appel demande encore")


class PaymentIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "member": "MISTRAL",
                    "amount": "1 262,50",
                    "received_on": "2027-01-20",
                    "method": "virement",
                    "bank_reference": "VIR SEPA MISTRAL RECYCLAGE AC-2027-0005",
                    "note": "Cotisation 2027",
                    "allocations": [{"call": "AC-2027-0005", "amount": "1 262,50"}],
                }
            ]
        }
    )

    member: str = Field(min_length=1, max_length=20, description="code du membre")
    amount: Figure = Field(description="montant reçu, ex. « 120,50 » ou « 120.50 »")
    received_on: Day = Field(description="date de réception (pas dans le futur)")
    method: str = Field(
        min_length=1, max_length=20, description="virement, chèque, espèces ou prélèvement"
    )
    bank_reference: str = Field("", max_length=100, description="référence du relevé bancaire")
    note: str = Field("", max_length=500)
    allocations: list[AllocationIn] | None = Field(
        None,
        max_length=MAX_ALLOCATIONS,
        description="imputations voulues ; absent : les appels les plus anciens d'abord",
    )

    def cents(self) -> int:
        return cents_of(self.amount, "amount")

    def payment_method(self) -> PaymentMethod:
        return parse_method(self.method, field="method")

    def wanted(self) -> list[tuple[str, int | None]] | None:
        if self.allocations is None:
            return None
        return [
            (
                part.call,
                None
                if part.amount is None
                else cents_of(part.amount, f"allocations[{position}].amount"),
            )
            for position, part in enumerate(self.allocations)
        ]


class PaymentOut(BaseModel):
    reference: str = Field(description="ex. RG-2027-0001")
    member_code: str
    amount: str
    amount_text: str
    received_on: date
    method: PaymentMethod
    method_label: str
    bank_reference: str
    note: str
    recorded_by: str
    allocations: list[AllocationOut]
    unallocated: str = Field(description="ce qu'aucun appel n'a absorbé : crédit du membre")
    unallocated_text: str
    created: bool = Field(description="faux : le même paiement avait déjà été enregistré")

    @classmethod
    def of(cls, payment: PaymentView) -> PaymentOut:
        return cls(
            reference=payment.reference,
            member_code=payment.member_code,
            amount=amount_text(payment.cents),
            amount_text=format_cents(payment.cents),
            received_on=payment.received_on,
            method=payment.method,
            method_label=payment.method.label,
            bank_reference=payment.bank_reference,
            note=payment.note,
            recorded_by=payment.recorded_by,
            allocations=[AllocationOut.of(a) for a in payment.allocations],
            unallocated=amount_text(payment.unallocated),
            unallocated_text=format_cents(payment.unallocated),
            created=payment.created,
        )


class OnIn(Strict):
    model_config = ConfigDict(json_schema_extra={"examples": [{"on": "2027-01-20"}]})

    on: Day | None = Field(None, description="date de l'opération (défaut : aujourd'hui)")


class BalanceOut(BaseModel):
    member_code: str
    member_name: str
    on: date
    called: str = Field(description="total appelé")
    credited: str = Field(description="total des avoirs")
    received: str = Field(description="total reçu")
    refunded: str = Field(description="total remboursé au membre sur son crédit")
    owed: str = Field(description="positif : dû par le membre ; négatif : son crédit")
    owed_text: str
    credit: str = Field(description="crédit du membre (trop-perçu), 0.00 sinon")
    credit_text: str
    calls: list[CallOut]

    @classmethod
    def of(cls, balance: BalanceView) -> BalanceOut:
        return cls(
            member_code=balance.member_code,
            member_name=balance.member_name,
            on=balance.on,
            called=amount_text(balance.called),
            credited=amount_text(balance.credited),
            received=amount_text(balance.received),
            refunded=amount_text(balance.refunded),
            owed=amount_text(balance.owed),
            owed_text=format_cents(balance.owed),
            credit=amount_text(balance.credit),
            credit_text=format_cents(balance.credit),
            calls=[CallOut.of(c) for c in balance.calls],
        )


# --- Reminders, mandates, bank details -------------------------------------------------------


class DueReminderOut(BaseModel):
    call: CallOut
    level: int = Field(description="échelon de relance (1, 2, 3…)")
    label: str
    due_since: date

    @classmethod
    def of(cls, reminder: DueReminderView) -> DueReminderOut:
        return cls(
            call=CallOut.of(reminder.call),
            level=reminder.level,
            label=reminder.label,
            due_since=reminder.due_since,
        )


class SentRemindersOut(BaseModel):
    count: int = Field(description="relances enregistrées comme envoyées (0 : rien n'était dû)")
    reminders: list[DueReminderOut]
    letters: list[str] = Field(description="le chemin de la lettre de chaque relance envoyée")

    @classmethod
    def of(cls, reminders: Sequence[DueReminderView]) -> SentRemindersOut:
        return cls(
            count=len(reminders),
            reminders=[DueReminderOut.of(r) for r in reminders],
            letters=[f"/calls/{r.call.reference}/reminders/{r.level}/letter" for r in reminders],
        )


class MandateIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mandate_id": "PTCE-ALPILLES-MISTRAL-002",
                    "signed_on": "2027-01-05",
                    "iban": "FR76 1027 8078 2012 3456 7890 172",
                    "bic": "CMCIFR2A",
                    "debtor_name": "SARL Mistral Recyclage",
                }
            ]
        }
    )

    mandate_id: str = Field(
        min_length=1, max_length=35, description="référence unique de mandat (RUM)"
    )
    signed_on: Day
    iban: str = Field(min_length=1, max_length=50)
    bic: str = Field(min_length=1, max_length=20)
    debtor_name: str | None = Field(None, max_length=70, description="défaut : le nom du membre")


class MandateOut(BaseModel):
    member_code: str
    mandate_id: str
    signed_on: date
    iban: str
    bic: str
    debtor_name: str
    active: bool
    last_return: str = Field(
        default="", description="le dernier prélèvement rendu par la banque sous ce mandat"
    )
    suspended_on: date | None = Field(
        default=None, description="suspendu par un retour qui interdit de s'en resservir"
    )

    @classmethod
    def of(cls, mandate: MandateView) -> MandateOut:
        return cls(
            member_code=mandate.member_code,
            mandate_id=mandate.mandate_id,
            signed_on=mandate.signed_on,
            iban=mandate.iban,
            bic=mandate.bic,
            debtor_name=mandate.debtor_name,
            active=mandate.active,
            last_return=mandate.last_return,
            suspended_on=mandate.suspended_on,
        )


class BankIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "iban": "FR76 3000 6000 0112 3456 7890 189",
                    "bic": "AGRIFRPP",
                    "sepa_creditor_id": "FR72ZZZ123456",
                }
            ]
        }
    )

    iban: str | None = Field(None, max_length=50, description="où les membres paient par virement")
    bic: str | None = Field(None, max_length=20)
    sepa_creditor_id: str | None = Field(
        None, max_length=35, description="identifiant créancier SEPA (ICS), pour les prélèvements"
    )


class BankOut(BaseModel):
    iban: str | None
    bic: str | None
    sepa_creditor_id: str | None

    @classmethod
    def of(cls, details: BankDetails) -> BankOut:
        return cls(iban=details.iban, bic=details.bic, sepa_creditor_id=details.sepa_creditor_id)


class RefundIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "amount": "50,00",
                    "refunded_on": "2027-02-01",
                    "method": "virement",
                    "bank_reference": "VIR REMB GARRIGUE",
                    "reason": "Trop-perçu sur la cotisation 2027",
                }
            ]
        }
    )

    amount: Figure = Field(description="montant remboursé, au plus le crédit du membre")
    refunded_on: Day = Field(description="date du remboursement (pas dans le futur)")
    method: str = Field(
        min_length=1, max_length=20, description="virement, chèque, espèces ou prélèvement"
    )
    bank_reference: str = Field(
        "", max_length=100, description="référence du virement ou du chèque"
    )
    reason: str = Field("", max_length=500, description="motif, gardé au journal")

    def cents(self) -> int:
        return cents_of(self.amount, "amount")

    def payment_method(self) -> PaymentMethod:
        return parse_method(self.method, field="method")


class RefundOut(BaseModel):
    reference: str = Field(description="ex. RB-2027-0001")
    member_code: str
    amount: str
    amount_text: str
    refunded_on: date
    method: PaymentMethod
    bank_reference: str
    reason: str
    recorded_by: str
    created: bool

    @classmethod
    def of(cls, view: RefundView) -> RefundOut:
        return cls(
            reference=view.reference, member_code=view.member_code,
            amount=amount_text(view.cents), amount_text=format_cents(view.cents),
            refunded_on=view.refunded_on, method=view.method,
            bank_reference=view.bank_reference, reason=view.reason,
            recorded_by=view.recorded_by, created=view.created,
        )  # fmt: skip
