"""A bank statement as read from a file, and as kept once imported.

Amounts are integer cents, always positive: the direction (credit, debit) says which way the
money went. A line's *identity* (``fingerprint``) is what makes a statement imported twice
record nothing twice: the account and the bank's own reference of the line (AcctSvcrRef, the
entry reference, the CSV's reference column), or, when the bank gives none, a digest of its
date, direction, amount, text and counterparty, numbered when the same file holds identical
lines (the second 20,00 € transfer of the same person on the same day is not the first).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from gouvernance.domain.calls.model import PaymentMethod

_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def plain(text: str | None, limit: int) -> str:
    """A text from a bank's file as it may be recorded: control and invisible characters (see
    ``domain.text``) become spaces, runs of spaces one space, at most ``limit`` characters."""
    if not text:
        return ""
    visible = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in text)
    return " ".join(visible.split())[:limit]


class StatementFormat(StrEnum):
    CAMT053 = "camt053"
    CSV = "csv"

    @property
    def label(self) -> str:
        return "CAMT.053" if self is StatementFormat.CAMT053 else "CSV"


class Direction(StrEnum):
    CREDIT = "credit"  # money in
    DEBIT = "debit"  # money out

    @property
    def label(self) -> str:
        return "crédit" if self is Direction.CREDIT else "débit"


class LineKind(StrEnum):
    """What a line is for the treasurer: a member may have paid, a direct debit came back,
    or it is none of the ledger's business (bank fees, suppliers)."""

    TRANSFER = "transfer"  # a credit transfer received
    DIRECT_DEBIT = "direct_debit"  # a direct debit collected (SEPA)
    CHEQUE = "cheque"  # cheques paid in
    CASH = "cash"  # cash paid in
    RETURN = "return"  # a direct debit returned or rejected (R-transaction)
    OTHER = "other"  # any other debit, or a credit that reverses a debit

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def method(self) -> PaymentMethod:
        """How the member paid, when the line is a payment."""
        return _KIND_METHODS.get(self, PaymentMethod.TRANSFER)


_KIND_LABELS = {
    LineKind.TRANSFER: "virement reçu",
    LineKind.DIRECT_DEBIT: "prélèvement encaissé",
    LineKind.CHEQUE: "remise de chèques",
    LineKind.CASH: "versement d'espèces",
    LineKind.RETURN: "rejet de prélèvement",
    LineKind.OTHER: "autre opération",
}
_KIND_METHODS = {
    LineKind.DIRECT_DEBIT: PaymentMethod.DIRECT_DEBIT,
    LineKind.CHEQUE: PaymentMethod.CHEQUE,
    LineKind.CASH: PaymentMethod.CASH,
}


class LineStatus(StrEnum):
    """Where a stored line stands. Waiting: ``to_confirm`` and ``unmatched``."""

    RECORDED = "recorded"  # its payment was recorded by the import or on confirmation
    ALREADY_RECORDED = "already_recorded"  # a payment with its bank reference existed already
    TO_CONFIRM = "to_confirm"  # a member is suggested, the treasurer decides
    UNMATCHED = "unmatched"  # nothing found: waits in the list
    RETURNED = "returned"  # a return, recorded as the reversal of the payment it undoes
    DISMISSED = "dismissed"  # set aside by the treasurer, with a reason
    IGNORED = "ignored"  # not a member's payment (a debit that is not a return)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def waiting(self) -> bool:
        return self in (LineStatus.TO_CONFIRM, LineStatus.UNMATCHED)


_STATUS_LABELS = {
    LineStatus.RECORDED: "paiement enregistré",
    LineStatus.ALREADY_RECORDED: "paiement déjà enregistré",
    LineStatus.TO_CONFIRM: "à confirmer",
    LineStatus.UNMATCHED: "sans correspondance",
    LineStatus.RETURNED: "rejet enregistré",
    LineStatus.DISMISSED: "écartée",
    LineStatus.IGNORED: "ignorée",
}

# Reason codes of SEPA R-transactions (returns, rejects, refunds) as the EPC lists them, with
# what the treasurer tells the member.
RETURN_REASONS = {
    "AC01": "numéro de compte (IBAN) incorrect",
    "AC04": "compte clôturé",
    "AC06": "compte bloqué",
    "AC13": "compte de particulier non autorisé",
    "AG01": "opération interdite sur ce compte",
    "AG02": "code d'opération incorrect",
    "AM04": "provision insuffisante",
    "AM05": "opération en double",
    "BE05": "créancier non reconnu",
    "CNOR": "banque du créancier injoignable",
    "DNOR": "banque du débiteur injoignable",
    "DUPL": "paiement en double",
    "FF01": "format du fichier invalide",
    "FOCR": "retour après une demande d'annulation",
    "FRAD": "fraude",
    "MD01": "pas de mandat",
    "MD02": "mandat incomplet ou erroné",
    "MD06": "remboursement demandé par le débiteur",
    "MD07": "débiteur décédé",
    "MS02": "refus du débiteur",
    "MS03": "motif non communiqué",
    "RC01": "BIC incorrect",
    "RR01": "identification du débiteur manquante (motif réglementaire)",
    "RR02": "nom ou adresse du débiteur manquant (motif réglementaire)",
    "RR03": "nom ou adresse du créancier manquant (motif réglementaire)",
    "RR04": "motif réglementaire",
    "SL01": "service particulier de la banque du débiteur",
    "TECH": "problème technique",
}


def reason_label(code: str) -> str:
    """« AM04 — provision insuffisante »; an unknown code is shown as it came."""
    if not code:
        return "motif non précisé"
    label = RETURN_REASONS.get(code.upper())
    return f"{code.upper()} — {label}" if label else f"motif {code.upper()}"


@dataclass(frozen=True)
class ParsedLine:
    """One movement of the account, as the file says it."""

    position: int  # 1, 2, 3… in the file's order
    where: str  # « écriture 3 (Ntry) », « ligne 7 »: how a message points at it
    account_iban: str
    booked_on: date
    cents: int  # > 0
    direction: Direction
    kind: LineKind
    bank_reference: str = ""  # AcctSvcrRef, NtryRef, the CSV's reference column
    remittance: str = ""  # Ustrd, Strd references, the CSV's label
    counterparty_name: str = ""
    counterparty_iban: str = ""
    end_to_end_id: str = ""
    mandate_id: str = ""
    bank_code: str = ""  # « PMNT/RCDT/ESCT », or the bank's proprietary code
    return_reason: str = ""  # « AM04 »
    value_on: date | None = None
    occurrence: int = 1  # the n-th line of the file with the same content and no reference

    @property
    def fingerprint(self) -> str:
        """The line's identity (SHA-256 hex): the same line in another import is the same."""
        if self.bank_reference:
            material = f"ref|{self.account_iban}|{self.bank_reference}"
        else:
            material = f"sans-ref|{self.account_iban}|{self.content_key}#{self.occurrence}"
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    @property
    def content_key(self) -> str:
        return "|".join(
            (
                self.booked_on.isoformat(),
                self.direction.value,
                str(self.cents),
                " ".join(self.remittance.split()),
                " ".join(self.counterparty_name.split()),
                self.counterparty_iban,
                self.end_to_end_id,
            )
        )

    @property
    def payment_reference(self) -> str:
        """The bank reference a payment recorded from this line carries: the bank's own, or
        « REL- » and the start of the line's identity when the bank gives none."""
        return self.bank_reference or f"REL-{self.fingerprint[:12].upper()}"


@dataclass(frozen=True)
class ParsedStatement:
    """A whole file: its lines in order, and what was left aside (entries not yet booked)."""

    format: StatementFormat
    statement_ids: tuple[str, ...]  # Stmt/Id of each statement in the file
    account_ibans: tuple[str, ...]
    from_date: date | None
    to_date: date | None
    lines: tuple[ParsedLine, ...]
    skipped: tuple[str, ...] = ()  # French notes: « écriture 4 : non comptabilisée (PDNG) »


def number_occurrences(lines: list[ParsedLine]) -> list[ParsedLine]:
    """Number the lines without a bank reference that are alike within one file."""
    seen: dict[str, int] = {}
    numbered: list[ParsedLine] = []
    for line in lines:
        if line.bank_reference:
            numbered.append(line)
            continue
        count = seen.get(line.content_key, 0) + 1
        seen[line.content_key] = count
        numbered.append(line if count == 1 else replace(line, occurrence=count))
    return numbered


# --- What is kept once imported --------------------------------------------------------------


@dataclass(eq=False)
class BankStatement:
    """One imported file. The same bytes imported again find this record and add nothing."""

    reference: str  # RB-2027-0001
    format: StatementFormat
    filename: str
    digest: str  # SHA-256 of the file's bytes
    statement_ids: str  # the file's Stmt/Id, comma-separated
    account_iban: str
    from_date: date | None
    to_date: date | None
    line_count: int  # lines in the file
    new_line_count: int  # lines this import brought (the others were already known)
    imported_by: str
    imported_at: datetime
    profile: str = ""  # the CSV profile used
    id: int | None = None


@dataclass(eq=False)
class BankLine:
    """A line of a statement, kept once (by ``fingerprint``) whatever imports bring it again.

    ``status`` moves on as the treasurer works (to confirm → recorded, or dismissed); the
    ledger's records it leads to (payments, returns) are never edited."""

    statement_id: int
    fingerprint: str
    position: int
    account_iban: str
    booked_on: date
    cents: int
    direction: Direction
    kind: LineKind
    bank_reference: str  # the payment's bank reference (``ParsedLine.payment_reference``)
    remittance: str
    counterparty_name: str
    counterparty_iban: str
    end_to_end_id: str
    mandate_id: str
    bank_code: str
    return_reason: str
    status: LineStatus
    value_on: date | None = None
    match_reason: str = ""  # why this member (French), or why nothing was found
    suggested_member: str | None = None
    suggested_calls: str = ""  # call references, comma-separated
    candidates: str = ""  # other members that could fit, comma-separated
    member_code: str | None = None  # once decided
    payment_reference: str | None = None  # the payment recorded (a return: the reversal)
    reversed_payment: str | None = None  # a return: the direct-debit payment it undoes
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    note: str = ""  # a dismissal's reason
    id: int | None = None

    @property
    def suggested_call_list(self) -> list[str]:
        return [ref for ref in self.suggested_calls.split(",") if ref]

    @property
    def candidate_list(self) -> list[str]:
        return [code for code in self.candidates.split(",") if code]
