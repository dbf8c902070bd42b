"""Bodies of the bank statement endpoints: the import report, the lines and what the treasurer
decides about those that wait. Amounts travel as exact text (« 1262.50 ») next to the French
text a person reads (« 1 262,50 € »)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.ledger_schemas import amount_text
from api.schemas import Strict
from gouvernance.domain.bank.model import Direction, LineKind, LineStatus, StatementFormat
from gouvernance.domain.money import format_cents
from gouvernance.services.bank.views import Candidate, ImportReport, LineView, StatementView

MAX_CALLS = 50


class StatementOut(BaseModel):
    reference: str = Field(description="ex. RLV-2026-0001")
    format: StatementFormat
    format_label: str
    filename: str
    statement_ids: str = Field(description="identifiants des relevés du fichier (Stmt/Id)")
    account_iban: str
    from_date: date | None
    to_date: date | None
    line_count: int = Field(description="lignes du fichier")
    new_line_count: int = Field(description="lignes que cet import a apportées")
    profile: str = Field(description="profil CSV utilisé (vide pour un CAMT.053)")
    imported_by: str
    imported_at: datetime

    @classmethod
    def of(cls, view: StatementView) -> StatementOut:
        return cls(
            reference=view.reference,
            format=view.format,
            format_label=view.format.label,
            filename=view.filename,
            statement_ids=view.statement_ids,
            account_iban=view.account_iban,
            from_date=view.from_date,
            to_date=view.to_date,
            line_count=view.line_count,
            new_line_count=view.new_line_count,
            profile=view.profile,
            imported_by=view.imported_by,
            imported_at=view.imported_at,
        )


class CandidateOut(BaseModel):
    code: str
    name: str
    open_calls: list[str] = Field(description="ses appels encore à payer, le plus ancien d'abord")

    @classmethod
    def of(cls, candidate: Candidate) -> CandidateOut:
        return cls(code=candidate.code, name=candidate.name, open_calls=list(candidate.open_calls))


class LineOut(BaseModel):
    id: int = Field(description="numéro de la ligne (pour la confirmer ou l'écarter)")
    statement: str = Field(description="relevé qui l'a apportée")
    booked_on: date
    amount: str
    amount_text: str
    direction: Direction
    kind: LineKind
    kind_label: str
    status: LineStatus
    status_label: str
    waiting: bool = Field(description="vrai : à confirmer ou sans correspondance")
    bank_reference: str
    remittance: str
    counterparty_name: str
    counterparty_iban: str
    end_to_end_id: str
    return_reason: str = Field(description="code du motif d'un rejet, ex. AM04")
    return_label: str
    match_reason: str = Field(description="pourquoi ce membre, ou pourquoi aucun")
    suggested_member: str | None
    suggested_calls: list[str]
    candidates: list[CandidateOut] = Field(description="membres possibles, la suggestion d'abord")
    member_code: str | None
    member_name: str | None
    payment_reference: str | None = Field(
        description="paiement enregistré (RG-…) ou, pour un rejet, sa contre-passation (RJ-…)"
    )
    reversed_payment: str | None = Field(description="un rejet : le prélèvement qu'il annule")
    resolved_by: str | None
    note: str = Field(description="motif d'une ligne écartée")

    @classmethod
    def of(cls, line: LineView) -> LineOut:
        return cls(
            id=line.id,
            statement=line.statement,
            booked_on=line.booked_on,
            amount=amount_text(line.cents),
            amount_text=format_cents(line.cents),
            direction=line.direction,
            kind=line.kind,
            kind_label=line.kind_label,
            status=line.status,
            status_label=line.status_label,
            waiting=line.waiting,
            bank_reference=line.bank_reference,
            remittance=line.remittance,
            counterparty_name=line.counterparty_name,
            counterparty_iban=line.counterparty_iban,
            end_to_end_id=line.end_to_end_id,
            return_reason=line.return_reason,
            return_label=line.return_label,
            match_reason=line.match_reason,
            suggested_member=line.suggested_member,
            suggested_calls=list(line.suggested_calls),
            candidates=[CandidateOut.of(c) for c in line.candidates],
            member_code=line.member_code,
            member_name=line.member_name,
            payment_reference=line.payment_reference,
            reversed_payment=line.reversed_payment,
            resolved_by=line.resolved_by,
            note=line.note,
        )


class ImportOut(BaseModel):
    created: bool = Field(description="faux : rien de nouveau (relevé déjà importé)")
    summary: str = Field(description="ce que l'import a fait, en une phrase")
    statement: StatementOut | None
    known: int = Field(description="lignes du fichier déjà importées auparavant")
    recorded: list[LineOut]
    already_recorded: list[LineOut]
    returns: list[LineOut]
    to_confirm: list[LineOut]
    unmatched: list[LineOut]
    ignored: list[LineOut]
    skipped: list[str] = Field(description="écritures laissées de côté (non comptabilisées…)")
    notes: list[str]

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        return cls(
            created=report.created,
            summary=report.summary,
            statement=StatementOut.of(report.statement) if report.statement else None,
            known=report.known,
            recorded=[LineOut.of(line) for line in report.recorded],
            already_recorded=[LineOut.of(line) for line in report.already_recorded],
            returns=[LineOut.of(line) for line in report.returns],
            to_confirm=[LineOut.of(line) for line in report.to_confirm],
            unmatched=[LineOut.of(line) for line in report.unmatched],
            ignored=[LineOut.of(line) for line in report.ignored],
            skipped=list(report.skipped),
            notes=list(report.notes),
        )


class ConfirmIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"member": "HUILES-DU-VAL", "calls": ["AC-2027-0004"]}]},
    )

    member: str = Field(min_length=1, max_length=20, description="code du membre qui a payé")
    calls: list[Annotated[str, Field(max_length=24)]] = Field(
        default_factory=list,
        max_length=MAX_CALLS,
        description="appels réglés, dans l'ordre ; aucun : les plus anciens d'abord",
    )


class DismissIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "don, hors cotisations"}]},
    )

    reason: str = Field(min_length=1, max_length=500, description="pourquoi la ligne est écartée")
