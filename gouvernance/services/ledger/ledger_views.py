"""Read models of the ledger: frozen copies the API and the CLI show, amounts in cents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from gouvernance.domain.audit import ChainHead
from gouvernance.domain.calls.ledger import Balance, CallFigures, CallState, days_late
from gouvernance.domain.calls.model import (
    Allocation,
    CallBatch,
    CallKind,
    CallStatus,
    CreditNote,
    Payment,
    PaymentMethod,
    Refund,
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
class PlannedCall:
    """A call the batch would issue (preview: nothing is written)."""

    member_code: str
    member_name: str
    category_label: str
    cents: int


class LeftOutReason(StrEnum):
    MISSING = "missing"  # figures the schedule reads are missing
    CALLED = "called"  # already called for this fiscal year
    EXEMPT = "exempt"  # owes nothing under the schedule

    @property
    def label(self) -> str:
        return {
            LeftOutReason.MISSING: "données manquantes",
            LeftOutReason.CALLED: "déjà appelé",
            LeftOutReason.EXEMPT: "exonéré",
        }[self]


@dataclass(frozen=True)
class LeftOut:
    """A member the batch would not call, and why, in French."""

    member_code: str
    member_name: str
    reason: LeftOutReason
    detail: str


@dataclass(frozen=True)
class IssuePreview:
    """What ``issue_calls`` would do with the same request, computed without writing: who is
    called and for how much, who is left out and why, the total; ``blocked`` says why the
    issue would be refused (members without figures and no exclusion asked, nobody to call)."""

    schedule_id: str
    schedule_label: str
    decision: str
    fiscal_year: int
    issued_on: date
    due_on: date
    exclude_incomplete: bool
    calls: tuple[PlannedCall, ...]
    left_out: tuple[LeftOut, ...]
    total_cents: int
    next_batch_reference: str
    existing: tuple[BatchView, ...]  # batches of this year already issued from this schedule
    blocked: str | None

    @property
    def count(self) -> int:
        return len(self.calls)

    def left_out_for(self, reason: LeftOutReason) -> tuple[LeftOut, ...]:
        return tuple(item for item in self.left_out if item.reason is reason)


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

    @classmethod
    def of_figures(
        cls, f: CallFigures, batch_reference: str, kind: CallKind, fiscal_year: int,
        issued_on: date,
    ) -> CallView:  # fmt: skip
        """The same view from a call's summed figures and the few columns they lack (a page
        of a search shows 100 calls: no record read for each)."""
        return cls(
            reference=f.reference,
            batch_reference=batch_reference,
            kind=kind,
            fiscal_year=fiscal_year,
            member_code=f.member_code,
            member_name=f.member_name,
            issued_on=issued_on,
            due_on=f.due_on,
            cents=f.cents,
            credited=f.credited,
            paid=f.paid,
            outstanding=f.outstanding,
            status=f.status,
            days_late=days_late(f.outstanding, f.due_on, f.on),
            on=f.on,
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
    unallocated: int  # what no call absorbed nor a refund paid back: the member's credit from it
    created: bool = True

    @classmethod
    def of(
        cls,
        payment: Payment,
        allocations: tuple[AllocationView, ...],
        *,
        created: bool = True,
        refunded: int = 0,
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
            unallocated=payment.cents - sum(a.cents for a in allocations) - refunded,
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
    # The audit log's head when an accounting file was made, given beside it (an HTTP header,
    # the command's output) by the shells; inside it too where the format allows (XLSX, SEPA).
    journal: ChainHead | None = None


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
    refunded: int = 0  # paid back to the member out of their credit

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
            refunded=balance.refunded,
        )


@dataclass(frozen=True)
class RefundView:
    reference: str
    member_code: str
    cents: int
    refunded_on: date
    method: PaymentMethod
    bank_reference: str
    reason: str
    recorded_by: str
    created: bool = True  # False: the same request was already served

    @classmethod
    def of(cls, refund: Refund, *, created: bool = True) -> RefundView:
        return cls(
            reference=refund.reference,
            member_code=refund.member_code,
            cents=refund.cents,
            refunded_on=refund.refunded_on,
            method=refund.method,
            bank_reference=refund.bank_reference,
            reason=refund.reason,
            recorded_by=refund.recorded_by,
            created=created,
        )
