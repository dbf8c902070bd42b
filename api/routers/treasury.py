"""The treasurer's paperwork: letters of calls and reminders, reminders due and sent, exports
for the accountant (CSV, XLSX, FEC) and the bank (SEPA), members' SEPA mandates, and the
organisation's bank details. A member may fetch the letters of their own calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from api.ledger_schemas import (
    BankIn,
    BankOut,
    DueReminderOut,
    MandateIn,
    MandateOut,
    OnIn,
    SentRemindersOut,
)
from api.schemas import Day
from api.security import App, CurrentActor
from gouvernance.domain.calls.accounting import FecOptions
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.services.ledger import mandates, treasury
from gouvernance.services.ledger.ledger_views import Document

router = APIRouter(tags=["trésorerie"])

Code = Annotated[str, Path(max_length=20, description="code du membre, ex. M0001")]
CallReference = Annotated[
    str, Path(max_length=24, description="référence de l'appel, ex. AC-2027-0001")
]
LetterFormat = Annotated[
    str, Query(alias="format", max_length=10, description="html (à l'écran) ou pdf (à imprimer)")
]
TableFormat = Annotated[str, Query(alias="format", max_length=10, description="csv ou xlsx")]
On = Annotated[Day | None, Query(description="situation à cette date (défaut : aujourd'hui)")]

JOURNAL_HEADER = "X-Gouvernance-Journal"
_JOURNAL: dict[str, Any] = {
    JOURNAL_HEADER: {
        "description": "tête du journal d'audit à l'export : numéro de l'entrée, espace, "
        "empreinte SHA-256 (64 chiffres hexadécimaux) ; à garder avec le fichier et à vérifier "
        "plus tard (GET /audit/verify?head=…)",
        "schema": {"type": "string", "example": f"1234 {'9f3a5c0d' * 8}"},
    }
}
_LETTER: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "la lettre"}
}
_TABLE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}, treasury.XLSX: {}},
        "description": "le fichier, en pièce jointe (XLSX : la tête du journal d'audit sur la "
        "feuille « Journal »)",
        "headers": _JOURNAL,
    }
}


def document_response(document: Document, *, inline: bool = False) -> Response:
    """The file with its media type; its name in Content-Disposition (RFC 6266); the audit
    log's head, for an accounting export, in ``X-Gouvernance-Journal``."""
    disposition = "inline" if inline else "attachment"
    ascii_name = document.filename.encode("ascii", "replace").decode().replace('"', "_")
    header = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != document.filename:
        header += f"; filename*=UTF-8''{quote(document.filename)}"
    headers = {"Content-Disposition": header}
    if document.journal is not None:
        headers[JOURNAL_HEADER] = document.journal.header
    return Response(content=document.content, media_type=document.media_type, headers=headers)


# --- Letters ---------------------------------------------------------------------------------


@router.get(
    "/calls/batches/{reference}/letters",
    response_class=Response,
    summary="Imprimer les lettres d'appel d'un lot (un seul PDF)",
    responses={200: {"content": {"application/pdf": {}}, "description": "le PDF"}},
)
def batch_letters(
    app: App,
    actor: CurrentActor,
    reference: Annotated[str, Path(max_length=24, description="référence du lot")],
) -> Response:
    return document_response(treasury.batch_letters(app.uows, actor, reference))


@router.get(
    "/calls/{reference}/letter",
    response_class=Response,
    summary="Télécharger la lettre d'un appel (HTML ou PDF)",
    responses=_LETTER,
)
def call_letter(
    app: App, actor: CurrentActor, reference: CallReference, file_format: LetterFormat = "pdf"
) -> Response:
    document = treasury.call_letter(app.uows, actor, reference, file_format)
    return document_response(document, inline=True)


@router.get(
    "/calls/{reference}/reminders/{level}/letter",
    response_class=Response,
    summary="Télécharger la lettre d'une relance envoyée (HTML ou PDF)",
    responses=_LETTER,
)
def reminder_letter(
    app: App,
    actor: CurrentActor,
    reference: CallReference,
    level: Annotated[int, Path(ge=1, le=99, description="échelon de la relance")],
    file_format: LetterFormat = "pdf",
) -> Response:
    document = treasury.reminder_letter(app.uows, actor, reference, level, file_format)
    return document_response(document, inline=True)


# --- Reminders -------------------------------------------------------------------------------


@router.get(
    "/reminders/due", response_model=list[DueReminderOut], summary="Lister les relances à envoyer"
)
def reminders_due(app: App, actor: CurrentActor, on: On = None) -> list[DueReminderOut]:
    return [DueReminderOut.of(r) for r in treasury.reminders_due(app.uows, actor, on)]


@router.post(
    "/reminders/send",
    response_model=SentRemindersOut,
    summary="Envoyer les relances dues (les enregistrer et préparer les lettres)",
)
def send_reminders(
    app: App,
    actor: CurrentActor,
    body: OnIn | None = None,
    idempotency_key: Annotated[
        str | None,
        Header(description="rejouer la même requête avec la même clé n'envoie rien de plus"),
    ] = None,
) -> SentRemindersOut:
    on = body.on if body is not None else None
    sent = treasury.send_reminders(app.uows, actor, on, idempotency_key)
    return SentRemindersOut.of(sent.reminders)


# --- Exports ---------------------------------------------------------------------------------


@router.get(
    "/exports/calls",
    response_class=Response,
    summary="Exporter les appels et leur situation (CSV ou XLSX)",
    responses=_TABLE,
)
def export_calls(
    app: App,
    actor: CurrentActor,
    file_format: TableFormat = "csv",
    fiscal_year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    on: On = None,
) -> Response:
    return document_response(treasury.export_calls(app.uows, actor, file_format, fiscal_year, on))


@router.get(
    "/exports/payments",
    response_class=Response,
    summary="Exporter les paiements et leurs imputations (CSV ou XLSX)",
    responses=_TABLE,
)
def export_payments(app: App, actor: CurrentActor, file_format: TableFormat = "csv") -> Response:
    return document_response(treasury.export_payments(app.uows, actor, file_format))


_FEC_ENCODING = "utf-8 (défaut), iso-8859-15 ou ascii (article A47 A-1 XII ; pas d'EBCDIC)"
_FEC_DEFER = "porter au 487 la part des cotisations appelées pour une période ultérieure"
_FEC_CAPITAL = "inclure les appels et la libération de parts sociales (4562, 1012, 1013)"


@dataclass(frozen=True)
class _FecQuery:
    start: date
    end: date
    options: FecOptions


def _fec_query(
    start: Annotated[Day, Query(description="premier jour de la période")],
    end: Annotated[Day, Query(description="dernier jour de la période")],
    encoding: Annotated[str, Query(description=_FEC_ENCODING)] = "utf-8",
    defer: Annotated[bool, Query(description=_FEC_DEFER)] = False,
    capital: Annotated[bool, Query(description=_FEC_CAPITAL)] = False,
) -> _FecQuery:
    """The period and options of an FEC, the same for the file and for its notice."""
    options = FecOptions(encoding=encoding, defer_next_year=defer, include_capital=capital)
    return _FecQuery(start, end, options)


FecQuery = Annotated[_FecQuery, Depends(_fec_query)]


@router.get(
    "/exports/fec",
    response_class=Response,
    summary="Exporter les écritures comptables d'une période (FEC)",
    responses={
        200: {
            "content": {"text/plain": {}},
            "description": "le FEC, 18 colonnes « | » (la tête du journal d'audit est dans "
            "l'en-tête X-Gouvernance-Journal, jamais dans le fichier)",
            "headers": _JOURNAL,
        }
    },
)
def export_fec(app: App, actor: CurrentActor, query: FecQuery) -> Response:
    return document_response(
        treasury.export_fec(app.uows, actor, query.start, query.end, query.options)
    )


@router.get(
    "/exports/fec/notice",
    response_class=Response,
    summary="Télécharger la notice descriptive du FEC (même période, mêmes options)",
    responses={200: {"content": {"text/plain": {}}, "headers": _JOURNAL}},
)
def export_fec_notice(app: App, actor: CurrentActor, query: FecQuery) -> Response:
    return document_response(
        treasury.export_fec_notice(app.uows, actor, query.start, query.end, query.options)
    )


@router.post(
    "/exports/sepa",
    response_class=Response,
    summary="Exporter les prélèvements SEPA des membres avec un mandat (pain.008)",
    responses={
        200: {
            "content": {"application/xml": {}},
            "description": "le fichier XML (la tête du journal d'audit en commentaire XML)",
            "headers": _JOURNAL,
        }
    },
)
def export_sepa(
    app: App,
    actor: CurrentActor,
    collection_date: Annotated[Day, Query(description="date de prélèvement demandée")],
    batch: Annotated[str | None, Query(max_length=24, description="un seul lot d'appels")] = None,
    schema: Annotated[
        str, Query(max_length=20, description="pain.008.001.08 (par défaut) ou pain.008.001.02")
    ] = "pain.008.001.08",
) -> Response:
    """Chaque prélèvement du fichier est enregistré comme envoyé : un second appel pour les
    mêmes appels de cotisation n'envoie rien (422, « rien à prélever »). La date de
    prélèvement est un jour ouvré TARGET2, deux jours ouvrés après aujourd'hui au moins."""
    return document_response(treasury.export_sepa(app.uows, actor, collection_date, batch, schema))


# --- Mandates and bank details ---------------------------------------------------------------


@router.get(
    "/members/{code}/mandate", response_model=MandateOut, summary="Lire le mandat SEPA d'un membre"
)
def get_mandate(app: App, actor: CurrentActor, code: Code) -> MandateOut:
    return MandateOut.of(mandates.get_mandate(app.uows, actor, code))


@router.put(
    "/members/{code}/mandate",
    response_model=MandateOut,
    summary="Enregistrer (ou remplacer) le mandat SEPA d'un membre",
)
def set_mandate(app: App, actor: CurrentActor, code: Code, body: MandateIn) -> MandateOut:
    view = mandates.set_mandate(
        app.uows,
        actor,
        code,
        mandate_id=body.mandate_id,
        signed_on=body.signed_on,
        iban=body.iban,
        bic=body.bic,
        debtor_name=body.debtor_name,
    )
    return MandateOut.of(view)


@router.delete(
    "/members/{code}/mandate",
    response_model=MandateOut,
    summary="Révoquer le mandat SEPA d'un membre",
)
def revoke_mandate(app: App, actor: CurrentActor, code: Code) -> MandateOut:
    return MandateOut.of(mandates.revoke_mandate(app.uows, actor, code))


@router.get(
    "/organisation/bank",
    response_model=BankOut,
    summary="Lire les coordonnées bancaires de l'organisation",
)
def get_bank(app: App, actor: CurrentActor) -> BankOut:
    return BankOut.of(mandates.get_bank_details(app.uows, actor))


@router.put(
    "/organisation/bank",
    response_model=BankOut,
    summary="Enregistrer les coordonnées bancaires de l'organisation (IBAN, BIC, ICS)",
)
def set_bank(app: App, actor: CurrentActor, body: BankIn) -> BankOut:
    details = mandates.set_bank_details(
        app.uows, actor, iban=body.iban, bic=body.bic, sepa_creditor_id=body.sepa_creditor_id
    )
    return BankOut.of(details)
