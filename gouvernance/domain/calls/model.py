"""The records of the treasurer's ledger. Every one is written once and never edited.

A batch of calls (« lot d'appels ») is issued from an adopted schedule; each call keeps a
snapshot of what it was computed from. A correction is a credit note (« avoir »), a payment is
spread over calls by allocations (« imputations »): nothing is overwritten, so the balance of a
member at any past date can be recomputed from the records dated up to that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from gouvernance.domain.errors import InvalidInput


class CallKind(StrEnum):
    """What is called: a fee, or the unpaid part of subscribed shares (capital, issue 5)."""

    FEE = "fee"
    CAPITAL = "capital"

    @property
    def label(self) -> str:
        return "cotisation" if self is CallKind.FEE else "libération de parts sociales"

    @property
    def prefix(self) -> str:
        """The reference prefix: AC-2027-0001 (appel de cotisation), AL-… (appel de libération)."""
        return "AC" if self is CallKind.FEE else "AL"


class PaymentMethod(StrEnum):
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CASH = "cash"
    DIRECT_DEBIT = "direct_debit"

    @property
    def label(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    PaymentMethod.TRANSFER: "virement",
    PaymentMethod.CHEQUE: "chèque",
    PaymentMethod.CASH: "espèces",
    PaymentMethod.DIRECT_DEBIT: "prélèvement",
}
_METHOD_WORDS = {
    **{method.value: method for method in PaymentMethod},
    **{label: method for method, label in _METHOD_LABELS.items()},
    "cheque": PaymentMethod.CHEQUE,
    "especes": PaymentMethod.CASH,
    "prelevement": PaymentMethod.DIRECT_DEBIT,
    "vir": PaymentMethod.TRANSFER,
    "chq": PaymentMethod.CHEQUE,
}


def parse_method(text: str, *, field: str = "method") -> PaymentMethod:
    """« virement », « chèque », « espèces », « prélèvement » (or the English identifiers)."""
    found = _METHOD_WORDS.get(text.strip().lower())
    if found is None:
        known = ", ".join(_METHOD_LABELS.values())
        raise InvalidInput(f"moyen de paiement inconnu « {text} » (attendu : {known})", field=field)
    return found


class CallStatus(StrEnum):
    DUE = "due"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    CallStatus.DUE: "à payer",
    CallStatus.PARTLY_PAID: "partiellement payé",
    CallStatus.PAID: "payé",
    CallStatus.OVERDUE: "en retard",
    CallStatus.CANCELLED: "annulé",
}


def reference(prefix: str, year: int, number: int) -> str:
    """« AC-2027-0001 »: four digits at least, more when a year has more than 9 999."""
    return f"{prefix}-{year}-{number:04d}"


@dataclass(eq=False)
class CallBatch:
    """One issuing of calls: what was called, from which adopted rules, by whom."""

    reference: str  # LOT-2027-01
    kind: CallKind
    fiscal_year: int
    source_id: str  # the schedule's id (a fee batch)
    source_label: str
    source_text: str  # the schedule's YAML as it was when issued: later edits change nothing
    source_hash: str  # SHA-256 of source_text
    decision: str  # the assembly decision that adopted the schedule
    issued_on: date
    due_on: date
    issued_by: str
    issued_at: datetime
    call_count: int
    total_cents: int
    # What the letters print about the organisation, frozen at issue (organisation_snapshots).
    organisation_snapshot_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Call:
    """One member's call. ``basis`` is the JSON snapshot of what the amount was computed from
    (a fee: the member's category, dates and figures read by the schedule), so that the
    explanation is the same on every reading, whatever is edited later."""

    reference: str
    batch_id: int
    number: int
    kind: CallKind
    fiscal_year: int
    member_code: str
    member_name: str
    cents: int
    issued_on: date
    due_on: date
    basis: str
    id: int | None = None


# A call about to be issued, as a plain tuple in the order of NEW_CALL_COLUMNS; its batch
# gives the rest (batch, kind, year, dates). A batch may hold 100 000 calls: a mapped ``Call``
# costs twenty times more to build, a named tuple three times more.
NewCall = tuple[str, int, str, str, int, str]
NEW_CALL_COLUMNS = ("reference", "number", "member_code", "member_name", "cents", "basis")


@dataclass(eq=False)
class CreditNote:
    """« Avoir » : reduces what a call asks; the whole amount left cancels it."""

    reference: str  # AV-2027-0001
    call_reference: str
    member_code: str
    cents: int
    reason: str
    issued_on: date
    issued_by: str
    issued_at: datetime
    id: int | None = None


@dataclass(eq=False)
class Payment:
    """Money received from a member; what no call absorbs stays as the member's credit."""

    reference: str  # RG-2027-0001
    member_code: str
    cents: int
    received_on: date
    method: PaymentMethod
    bank_reference: str
    recorded_by: str
    recorded_at: datetime
    note: str = ""
    id: int | None = None


@dataclass(eq=False)
class Refund:
    """« Remboursement » : money paid back to a member out of their credit (an overpayment).
    It draws on the member's payments that no call absorbed; written once, never edited."""

    reference: str  # RB-2027-0001
    member_code: str
    cents: int
    refunded_on: date
    method: PaymentMethod
    bank_reference: str
    reason: str
    recorded_by: str
    recorded_at: datetime
    id: int | None = None


@dataclass(eq=False)
class Allocation:
    """« Imputation » : part of a payment settling a call, from ``on``. Negative: a release
    (a credit note left a call over-paid, the excess goes back to the member's credit)."""

    payment_reference: str
    call_reference: str
    member_code: str
    cents: int
    on: date
    id: int | None = None


@dataclass(eq=False)
class Reminder:
    """A reminder letter sent (or due to be) for a call, at one level of the ladder."""

    call_reference: str
    member_code: str
    level: int
    sent_on: date
    sent_by: str
    organisation_snapshot_id: int | None = None  # what its letter printed, frozen when sent
    id: int | None = None


@dataclass(eq=False)
class Mandate:
    """A SEPA direct-debit mandate a member signed (RUM, IBAN, BIC)."""

    member_code: str
    mandate_id: str
    signed_on: date
    iban: str
    bic: str
    debtor_name: str
    active: bool = True
    id: int | None = None
    # The latest debit the bank gave back under this mandate (« rejet AM04 … »), and the day a
    # reason that forbids using it again suspended it; a new mandate clears both.
    last_return: str = ""
    suspended_on: date | None = None
