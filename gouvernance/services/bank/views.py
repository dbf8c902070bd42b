"""Read models of imported statements: frozen copies the API, the web pages and the CLI show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from gouvernance.domain.bank.model import (
    BankLine,
    BankStatement,
    Direction,
    LineKind,
    LineStatus,
    StatementFormat,
    reason_label,
)


@dataclass(frozen=True)
class StatementView:
    reference: str
    format: StatementFormat
    filename: str
    statement_ids: str
    account_iban: str
    from_date: date | None
    to_date: date | None
    line_count: int
    new_line_count: int
    profile: str
    imported_by: str
    imported_at: datetime

    @classmethod
    def of(cls, statement: BankStatement) -> StatementView:
        return cls(
            reference=statement.reference,
            format=statement.format,
            filename=statement.filename,
            statement_ids=statement.statement_ids,
            account_iban=statement.account_iban,
            from_date=statement.from_date,
            to_date=statement.to_date,
            line_count=statement.line_count,
            new_line_count=statement.new_line_count,
            profile=statement.profile,
            imported_by=statement.imported_by,
            imported_at=statement.imported_at,
        )


@dataclass(frozen=True)
class Candidate:
    """A member a waiting line could belong to, with the calls they still have to pay."""

    code: str
    name: str
    open_calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineView:
    id: int
    statement: str  # the reference of the statement that brought it
    position: int
    booked_on: date
    cents: int
    direction: Direction
    kind: LineKind
    status: LineStatus
    bank_reference: str
    remittance: str
    counterparty_name: str
    counterparty_iban: str
    end_to_end_id: str
    return_reason: str
    match_reason: str
    suggested_member: str | None
    suggested_calls: tuple[str, ...]
    candidates: tuple[Candidate, ...]  # the suggested member first
    member_code: str | None
    member_name: str | None
    payment_reference: str | None  # the payment recorded, or the return's record (RJ-…)
    reversed_payment: str | None
    resolved_by: str | None
    note: str

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def waiting(self) -> bool:
        return self.status.waiting

    @property
    def return_label(self) -> str:
        return reason_label(self.return_reason) if self.kind is LineKind.RETURN else ""

    @property
    def label(self) -> str:
        """What a person recognises the line by: the remittance text and the payer."""
        parts = [part for part in (self.remittance, self.counterparty_name) if part]
        return " — ".join(parts) or self.bank_reference

    @classmethod
    def of(
        cls,
        line: BankLine,
        statement: str,
        names: Mapping[str, str],
        open_calls: Mapping[str, tuple[str, ...]] | None = None,
    ) -> LineView:
        assert line.id is not None
        codes = [line.suggested_member] if line.suggested_member else []
        codes += [c for c in line.candidate_list if c not in codes]
        calls = open_calls or {}
        return cls(
            id=line.id,
            statement=statement,
            position=line.position,
            booked_on=line.booked_on,
            cents=line.cents,
            direction=line.direction,
            kind=line.kind,
            status=line.status,
            bank_reference=line.bank_reference,
            remittance=line.remittance,
            counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban,
            end_to_end_id=line.end_to_end_id,
            return_reason=line.return_reason,
            match_reason=line.match_reason,
            suggested_member=line.suggested_member,
            suggested_calls=tuple(line.suggested_call_list),
            candidates=tuple(
                Candidate(code, names.get(code, code), calls.get(code, ())) for code in codes
            ),
            member_code=line.member_code,
            member_name=names.get(line.member_code) if line.member_code else None,
            payment_reference=line.payment_reference,
            reversed_payment=line.reversed_payment,
            resolved_by=line.resolved_by,
            note=line.note,
        )


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``created`` is false when nothing was new: the same file again, or
    a file whose every line was already imported."""

    statement: StatementView | None
    created: bool
    lines: tuple[LineView, ...]  # the lines this import brought, in the file's order
    known: int  # lines of the file already imported before
    skipped: tuple[str, ...]  # entries left aside (not booked yet, zero)
    notes: tuple[str, ...]  # warnings in French (another account than the organisation's…)

    def _with(self, *statuses: LineStatus) -> tuple[LineView, ...]:
        return tuple(line for line in self.lines if line.status in statuses)

    @property
    def recorded(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.RECORDED)

    @property
    def already_recorded(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.ALREADY_RECORDED)

    @property
    def to_confirm(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.TO_CONFIRM)

    @property
    def unmatched(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.UNMATCHED)

    @property
    def returns(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.RETURNED)

    @property
    def ignored(self) -> tuple[LineView, ...]:
        return self._with(LineStatus.IGNORED)

    @property
    def summary(self) -> str:
        """One French sentence: what was recorded, what waits."""
        if not self.created:
            where = f" ({self.statement.reference})" if self.statement else ""
            return (
                f"Rien de nouveau : les {self.known} ligne(s) de ce relevé sont déjà "
                f"importées{where}."
            )
        parts = [
            f"{len(self.recorded)} paiement(s) enregistré(s)",
            f"{len(self.already_recorded)} déjà enregistré(s)",
            f"{len(self.returns)} rejet(s) enregistré(s)",
            f"{len(self.to_confirm)} à confirmer",
            f"{len(self.unmatched)} sans correspondance",
            f"{len(self.ignored)} débit(s) ignoré(s)",
        ]
        known = f", {self.known} ligne(s) déjà importée(s)" if self.known else ""
        return f"Relevé importé : {', '.join(parts)}{known}."
