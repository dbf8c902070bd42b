"""Read models of the ledger: frozen copies the API and the CLI show, amounts in cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from gouvernance.domain.calls.ledger import Balance, CallState
from gouvernance.domain.calls.model import (
    Allocation,
    CallBatch,
    CallKind,
    CallStatus,
    CreditNote,
    Payment,
    PaymentMethod,
)
from gouvernance.domain.errors import Problem


@dataclass(frozen=True)
class BatchView:
    reference: str
    kind: CallKind
    fiscal_year: int
    schedule_id: str
    schedule_label: str
    schedule_hash: str
    decision: str
    issued_on: date
    due_on: date
    issued_by: str
    issued_at: datetime
    call_count: int
    total_cents: int

    @classmethod
    def of(cls, batch: CallBatch) -> BatchView:
        return cls(
            reference=batch.reference,
            kind=batch.kind,
            fiscal_year=batch.fiscal_year,
            schedule_id=batch.source_id,
            schedule_label=batch.source_label,
            schedule_hash=batch.source_hash,
            decision=batch.decision,
            issued_on=batch.issued_on,
            due_on=batch.due_on,
            issued_by=batch.issued_by,
            issued_at=batch.issued_at,
            call_count=batch.call_count,
            total_cents=batch.total_cents,
        )


@dataclass(frozen=True)
class IssueResult:
    batch: BatchView
    created: bool  # False: the same request was already served (nothing new was issued)
    excluded: tuple[Problem, ...]  # members left out because their figures are missing
    exempt: tuple[str, ...]  # members who owe nothing under the schedule (no call)


@dataclass(frozen=True)
class CallView:
    reference: str
    batch_reference: str
    kind: CallKind
    fiscal_year: int
    member_code: str
    member_name: str
    issued_on: date
    due_on: date
    cents: int
    credited: int
    paid: int
    outstanding: int
    status: CallStatus
    days_late: int
    on: date

    @classmethod
    def of(cls, state: CallState, batch_reference: str) -> CallView:
        call = state.call
        return cls(
            reference=call.reference,
            batch_reference=batch_reference,
            kind=call.kind,
            fiscal_year=call.fiscal_year,
            member_code=call.member_code,
            member_name=call.member_name,
            issued_on=call.issued_on,
            due_on=call.due_on,
            cents=call.cents,
            credited=state.credited,
            paid=state.paid,
            outstanding=state.outstanding,
            status=state.status,
            days_late=state.days_late,
            on=state.on,
        )


@dataclass(frozen=True)
class CreditNoteView:
    reference: str
    call_reference: str
    member_code: str
    cents: int
    reason: str
    issued_on: date
    issued_by: str

    @classmethod
    def of(cls, note: CreditNote) -> CreditNoteView:
        return cls(
            note.reference,
            note.call_reference,
            note.member_code,
            note.cents,
            note.reason,
            note.issued_on,
            note.issued_by,
        )


@dataclass(frozen=True)
class AllocationView:
    payment_reference: str
    call_reference: str
    cents: int
    on: date

    @classmethod
    def of(cls, allocation: Allocation) -> AllocationView:
        return cls(
            allocation.payment_reference,
            allocation.call_reference,
            allocation.cents,
            allocation.on,
        )


@dataclass(frozen=True)
class PaymentView:
    reference: str
    member_code: str
    cents: int
    received_on: date
    method: PaymentMethod
    bank_reference: str
    note: str
    recorded_by: str
    allocations: tuple[AllocationView, ...]
    unallocated: int  # what no call absorbed: the member's credit from this payment
    created: bool = True

    @classmethod
    def of(
        cls, payment: Payment, allocations: tuple[AllocationView, ...], *, created: bool = True
    ) -> PaymentView:
        return cls(
            reference=payment.reference,
            member_code=payment.member_code,
            cents=payment.cents,
            received_on=payment.received_on,
            method=payment.method,
            bank_reference=payment.bank_reference,
            note=payment.note,
            recorded_by=payment.recorded_by,
            allocations=allocations,
            unallocated=payment.cents - sum(a.cents for a in allocations),
            created=created,
        )


@dataclass(frozen=True)
class CallDetail:
    call: CallView
    explanation: tuple[str, ...]
    summary: str
    decision: str
    credit_notes: tuple[CreditNoteView, ...]
    allocations: tuple[AllocationView, ...]
    reminders: tuple[tuple[int, date], ...]  # (level, sent on)


@dataclass(frozen=True)
class Document:
    """A file handed to a person: letters (HTML, PDF), exports (CSV, XLSX, FEC, SEPA XML)."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class DueReminderView:
    call: CallView
    level: int
    label: str
    due_since: date


@dataclass(frozen=True)
class SentReminders:
    reminders: tuple[DueReminderView, ...]
    letters: Document | None  # one PDF with every letter, None when nothing was due


@dataclass(frozen=True)
class BalanceView:
    member_code: str
    member_name: str
    on: date
    called: int
    credited: int
    received: int
    owed: int  # positive: owed by the member; negative: the member's credit
    credit: int
    calls: tuple[CallView, ...]

    @classmethod
    def of(cls, balance: Balance, name: str, calls: tuple[CallView, ...]) -> BalanceView:
        return cls(
            member_code=balance.member_code,
            member_name=name,
            on=balance.on,
            called=balance.called,
            credited=balance.credited,
            received=balance.received,
            owed=balance.owed,
            credit=balance.credit,
            calls=calls,
        )
