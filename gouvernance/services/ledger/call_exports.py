"""The treasurer's files: calls and payments for a spreadsheet, and SEPA direct debits.

Same conventions as the other exports (``fee_exports``, the member file): CSV with ``;``, a
decimal comma, dates JJ/MM/AAAA and a UTF-8 BOM (Excel then reads the accents), text cells that
Excel cannot take for formulas; in the XLSX, amounts are numbers written from their exact
``Decimal`` (never a float) shown as euros, dates are real dates; a filter, fitted widths and
a totals row under the euros (``spreadsheets.write_table``).

The SEPA file is a pain.008.001.08 direct-debit initiation (pain.008.001.02 on request) built
by ``sepaxml`` and checked against its XSD. Everything is validated first (the organisation's
IBAN, BIC and creditor identifier, each mandate's IBAN and BIC — a BIC no bank carries is
refused —, each amount) so that a bad value comes back as a French message naming the member,
never as a library error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)
from sepaxml import SepaDD
from sepaxml.validation import ValidationError, try_valid_xml

from gouvernance.domain.audit import ChainHead
from gouvernance.domain.calls.ledger import CallState
from gouvernance.domain.calls.model import Allocation, Call, Mandate, Payment, Refund
from gouvernance.domain.calls.sepa import FIRST, RECURRENT, SCHEMA_08, check_schema
from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.money import format_cents, from_cents
from gouvernance.domain.organisation import Organisation
from gouvernance.services.printing import spreadsheets

Value = str | int | Decimal | date | None
CALLS_SHEET = "Appels"
PAYMENTS_SHEET = "Règlements"
JOURNAL_SHEET = "Journal"
_AMOUNT_FORMAT = '#,##0.00 "€"'

# --------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class CallRow:
    reference: str
    batch_reference: str
    member_code: str
    member_name: str
    fiscal_year: int
    kind_label: str
    issued_on: date
    due_on: date
    cents: int
    credited_cents: int
    paid_cents: int
    outstanding_cents: int
    status_label: str
    days_late: int


CALL_HEADERS = [
    "référence", "lot", "code membre", "nom", "exercice", "nature", "émis le", "échéance",
    "montant appelé (€)", "avoirs (€)", "payé (€)", "reste dû (€)", "statut", "jours de retard",
]  # fmt: skip


def call_row(state: CallState, batch_reference: str) -> CallRow:
    """The row of a call as it stands in ``state`` (see ``ledger.call_states``)."""
    call = state.call
    return CallRow(
        reference=call.reference,
        batch_reference=batch_reference,
        member_code=call.member_code,
        member_name=call.member_name,
        fiscal_year=call.fiscal_year,
        kind_label=call.kind.label,
        issued_on=call.issued_on,
        due_on=call.due_on,
        cents=call.cents,
        credited_cents=state.credited,
        paid_cents=state.paid,
        outstanding_cents=state.outstanding,
        status_label=state.status.label,
        days_late=state.days_late,
    )


def _call_values(row: CallRow) -> list[Value]:
    return [
        row.reference,
        row.batch_reference,
        row.member_code,
        row.member_name,
        row.fiscal_year,
        row.kind_label,
        row.issued_on,
        row.due_on,
        from_cents(row.cents),
        from_cents(row.credited_cents),
        from_cents(row.paid_cents),
        from_cents(row.outstanding_cents),
        row.status_label,
        row.days_late,
    ]


@dataclass(frozen=True)
class PaymentRow:
    reference: str
    member_code: str
    member_name: str
    received_on: date
    method_label: str
    bank_reference: str
    cents: int
    allocated_cents: int
    unallocated_cents: int  # the member's credit from this payment
    allocations: str  # « AC-2027-0001 : 120,00 € ; AC-2027-0002 : 30,00 € »


PAYMENT_HEADERS = [
    "référence", "code membre", "nom", "reçu le", "moyen de paiement", "référence bancaire",
    "montant (€)", "imputé (€)", "non imputé, crédit du membre (€)", "imputations",
]  # fmt: skip


def payment_row(
    payment: Payment, allocations: Iterable[Allocation], member_name: str
) -> PaymentRow:
    """The row of a payment; its allocations summed per call (a release nets out)."""
    per_call: dict[str, int] = {}
    for allocation in allocations:
        if allocation.payment_reference == payment.reference:
            key = allocation.call_reference
            per_call[key] = per_call.get(key, 0) + allocation.cents
    allocated = sum(per_call.values())
    return PaymentRow(
        reference=payment.reference,
        member_code=payment.member_code,
        member_name=member_name,
        received_on=payment.received_on,
        method_label=payment.method.label,
        bank_reference=payment.bank_reference,
        cents=payment.cents,
        allocated_cents=allocated,
        unallocated_cents=payment.cents - allocated,
        allocations=allocations_text(per_call.items()),
    )


def refund_row(refund: Refund, member_name: str) -> PaymentRow:
    """A refund among the payments, as money going out: a negative amount taken from the
    member's credit (each row still reads amount = allocated + credit, and the columns add up
    to what was kept and what is still owed back)."""
    why = f" : {refund.reason}" if refund.reason else ""
    return PaymentRow(
        reference=refund.reference,
        member_code=refund.member_code,
        member_name=member_name,
        received_on=refund.refunded_on,
        method_label=refund.method.label,
        bank_reference=refund.bank_reference,
        cents=-refund.cents,
        allocated_cents=0,
        unallocated_cents=-refund.cents,
        allocations=f"remboursement du crédit du membre{why}",
    )


def allocations_text(parts: Iterable[tuple[str, int]]) -> str:
    """« AC-2027-0001 : 120,00 € ; AC-2027-0002 : 30,00 € » (parts at 0 left out)."""
    return " ; ".join(f"{reference} : {format_cents(cents)}" for reference, cents in parts if cents)


def _payment_values(row: PaymentRow) -> list[Value]:
    return [
        row.reference,
        row.member_code,
        row.member_name,
        row.received_on,
        row.method_label,
        row.bank_reference,
        from_cents(row.cents),
        from_cents(row.allocated_cents),
        from_cents(row.unallocated_cents),
        row.allocations,
    ]


# --------------------------------------------------------------------------------------------
# CSV and XLSX


def calls_csv(rows: Sequence[CallRow]) -> bytes:
    return _csv(CALL_HEADERS, [_call_values(row) for row in rows])


def calls_xlsx(rows: Sequence[CallRow], journal: ChainHead | None = None) -> bytes:
    return _xlsx(CALLS_SHEET, CALL_HEADERS, [_call_values(row) for row in rows], journal)


def payments_csv(rows: Sequence[PaymentRow]) -> bytes:
    return _csv(PAYMENT_HEADERS, [_payment_values(row) for row in rows])


def payments_xlsx(rows: Sequence[PaymentRow], journal: ChainHead | None = None) -> bytes:
    return _xlsx(PAYMENTS_SHEET, PAYMENT_HEADERS, [_payment_values(row) for row in rows], journal)


def _csv(headers: list[str], rows: list[list[Value]]) -> bytes:
    """Data only, no line of ours (« No total row »): a spreadsheet or an accounting tool
    imports every line as a record. The audit log's head goes beside the file instead."""
    return spreadsheets.csv_bytes(headers, rows)


def _xlsx(
    title: str, headers: list[str], rows: list[list[Value]], journal: ChainHead | None
) -> bytes:
    """The table on the first sheet (frozen header, filter, widths, totals row); the audit
    log's head, if given, on a second sheet « Journal » (the first sheet stays one table)."""
    book = spreadsheets.new_workbook()
    sheet = book.active
    sheet.title = title
    spreadsheets.write_table(sheet, headers, rows, amount_format=_AMOUNT_FORMAT)
    if journal is not None:
        journal_sheet = book.create_sheet(JOURNAL_SHEET)
        written = journal_rows(journal)
        spreadsheets.write_rows(journal_sheet, written, header=True)
        spreadsheets.fit_widths(journal_sheet, written)
    return spreadsheets.saved(book)


def journal_rows(journal: ChainHead) -> list[list[Value]]:
    """The sheet « Journal »: the head of the audit log when the file was made."""
    return [
        ["Journal d'audit à l'export", ""],
        ["Entrée n°", journal.number],
        ["Empreinte (SHA-256)", journal.digest],
        ["Vérifier", f"gouvernance audit verify --head {journal.number}:{journal.digest[:16]}"],
        [
            "À quoi cela sert",
            f"Si le journal est réécrit après cet export, l'entrée n° {journal.number} n'aura "
            "plus cette empreinte : la vérification le dit.",
        ],
    ]


# --------------------------------------------------------------------------------------------
# IBAN, BIC, creditor identifier


def validate_iban(text: str | None, field: str) -> str:
    """The IBAN without spaces, upper case (« FR76 3000 6000 … » → « FR7630006000… »), checked
    with its keys (the IBAN's, and the national one where schwifty knows it: the French RIB)."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("IBAN manquant", field=field)
    try:
        return str(IBAN(raw, validate_bban=True).compact)
    except SchwiftyException as error:
        raise InvalidInput(
            f"« {raw} » n'est pas un IBAN valide : {_why(error)}", field=field
        ) from None


def validate_bic(text: str | None, field: str) -> str:
    """The BIC without spaces, upper case, 8 or 11 characters with a known country."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("BIC manquant", field=field)
    try:
        return str(BIC(raw).compact)
    except SchwiftyException as error:
        raise InvalidInput(
            f"« {raw} » n'est pas un BIC valide : {_why(error)}", field=field
        ) from None


def known_bic(bic: str) -> bool:
    """A well-formed BIC whose bank is in schwifty's registry: the BIC itself, or its head
    office (8 characters, or « XXX » as branch), since the registry lists few branches
    (``ZZZZFRPP`` is well formed but no bank's)."""
    head = bic[:8]
    return any(BIC(code).exists for code in dict.fromkeys((bic, head, f"{head}XXX")))


def _why(error: SchwiftyException) -> str:
    if isinstance(error, InvalidChecksumDigits):
        return "clé de contrôle incorrecte"
    if isinstance(error, InvalidBBANChecksum):
        return "clé RIB (nationale) incorrecte"
    if isinstance(error, InvalidLength):
        return "longueur incorrecte"
    if isinstance(error, InvalidCountryCode):
        return "code pays inconnu"
    return "format incorrect"


_CREDITOR_ID = re.compile(r"([A-Z]{2})([0-9]{2})([A-Z0-9]{3})([A-Z0-9]{1,28})")


def validate_creditor_id(text: str | None, field: str) -> str:
    """The SEPA creditor identifier (ICS, « FR72ZZZ123456 »): country, two check digits (ISO 7064
    mod 97-10 on the national part, the business code left out), business code, national id."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidInput("identifiant créancier SEPA (ICS) manquant", field=field)
    compact = re.sub(r"\s+", "", raw).upper()
    match = _CREDITOR_ID.fullmatch(compact)
    if match is None or len(compact) > 35:
        raise InvalidInput(
            f"« {raw} » n'est pas un identifiant créancier SEPA (ex. FR72ZZZ123456)", field=field
        )
    country, check, _business, national = match.groups()
    digits = "".join(str(int(char, 36)) for char in f"{national}{country}00")
    if 98 - int(digits) % 97 != int(check):
        raise InvalidInput(
            f"« {raw} » n'est pas un identifiant créancier SEPA valide : "
            "clé de contrôle incorrecte",
            field=field,
        )
    return compact


# --------------------------------------------------------------------------------------------
# SEPA direct debits

SEPA_SCHEMA = SCHEMA_08  # what banks ask now; SCHEMA_02 (pain.008.001.02) still on request
# The EPC's restricted Latin set for identifiers (references, mandate ids, message ids).
_SEPA_ID = re.compile(r"[A-Za-z0-9/?:().,'+ -]{1,35}")
MAX_DEBIT_CENTS = 99_999_999_999  # the EPC's ceiling per transaction, 999 999 999,99 €


@dataclass(frozen=True)
class SepaDebit:
    """One collection: a member's call debited under their mandate."""

    member_code: str
    debtor_name: str
    iban: str
    bic: str  # may be empty: inside the SEPA area the IBAN is enough (« NOTPROVIDED »)
    mandate_id: str  # RUM, référence unique du mandat
    mandate_signed_on: date
    cents: int
    call_reference: str  # the end-to-end id the bank gives back on a reject
    description: str  # « Cotisation 2027 AC-2027-0001 »
    first: bool = False  # FRST for a mandate never used yet, else RCUR

    @property
    def sequence_type(self) -> str:
        return FIRST if self.first else RECURRENT


def sepa_debit(mandate: Mandate, call: Call, cents: int, *, first: bool = False) -> SepaDebit:
    """The debit of ``cents`` (what the call still asks) under the member's mandate."""
    return SepaDebit(
        member_code=mandate.member_code,
        debtor_name=mandate.debtor_name,
        iban=mandate.iban,
        bic=mandate.bic,
        mandate_id=mandate.mandate_id,
        mandate_signed_on=mandate.signed_on,
        cents=cents,
        call_reference=call.reference,
        description=f"{call.kind.label.capitalize()} {call.fiscal_year} {call.reference}",
        first=first,
    )


@dataclass(frozen=True)
class _Creditor:
    name: str
    iban: str
    bic: str
    creditor_id: str


def sepa_direct_debit(
    organisation: Organisation,
    debits: Sequence[SepaDebit],
    collection_date: date,
    message_id: str,
    *,
    created_at: datetime | None = None,
    journal: ChainHead | None = None,
    schema: str = SEPA_SCHEMA,
) -> bytes:
    """The pain.008 file of ``debits`` (``schema``: .08 by default, or .02), collected on
    ``collection_date``.

    One payment block per sequence type (FRST, RCUR). The file is deterministic: the message id
    is ``message_id``, each block's id is ``message_id`` followed by « -1 », « -2 »…, and the
    creation time is ``created_at`` (now, to the second, when not given). Names and texts are
    transliterated to the SEPA character set by sepaxml (« Société » → « Societe »).

    With ``journal``, the audit log's head is written in an XML comment before the root
    element: the file stays valid against the schema, and a bank ignores comments.
    """
    schema = check_schema(schema)
    problems: list[Problem] = []
    creditor = _creditor(organisation, problems)
    message = message_id.strip()
    if not _SEPA_ID.fullmatch(message):
        problems.append(
            Problem(
                f"identifiant de message « {message_id} » : 1 à 35 caractères parmi lettres, "
                "chiffres, espace et / - ? : ( ) . , ' +",
                "message_id",
            )
        )
    if not debits:
        problems.append(Problem("aucun prélèvement à émettre", "debits"))
    checked = [_checked_debit(debit, collection_date, problems) for debit in debits]
    seen: set[str] = set()
    for debit in debits:
        if debit.call_reference in seen:
            problems.append(
                Problem(
                    f"l'appel {debit.call_reference} est prélevé deux fois dans le même fichier",
                    f"debits[{debit.call_reference}]",
                )
            )
        seen.add(debit.call_reference)
    if problems or creditor is None:
        first = problems[0]
        raise InvalidInput(first.message, field=first.field, problems=problems)

    sepa = SepaDD(
        {
            "name": creditor.name,
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "batch": True,
            "creditor_id": creditor.creditor_id,
            "currency": "EUR",
        },
        schema=schema,
    )
    for debit in checked:
        payment: dict[str, Any] = {
            "name": debit.debtor_name,
            "IBAN": debit.iban,
            "amount": debit.cents,  # sepaxml takes integer cents
            "type": debit.sequence_type,
            "collection_date": collection_date,
            "mandate_id": debit.mandate_id,
            "mandate_date": debit.mandate_signed_on,
            "description": debit.description,
            "endtoend_id": debit.call_reference,
        }
        if debit.bic:
            payment["BIC"] = debit.bic
        sepa.add_payment(payment)
    built: bytes = sepa.export(validate=False)
    out = _stamp(built, message, created_at or datetime.now().replace(microsecond=0))
    if journal is not None:
        out = _with_journal(out, journal)
    try:
        try_valid_xml(out, schema)
    except ValidationError as error:
        detail = error.__cause__ or error
        raise InvalidInput(
            f"le fichier SEPA n'est pas conforme au schéma {schema} : {detail}",
            field="debits",
        ) from None
    return out


def _creditor(organisation: Organisation, problems: list[Problem]) -> _Creditor | None:
    found: dict[str, str] = {}
    required = (
        ("iban", "l'IBAN de l'organisation", validate_iban),
        ("bic", "le BIC de l'organisation", validate_bic),
        ("sepa_creditor_id", "l'identifiant créancier SEPA (ICS) de l'organisation", None),
    )
    for name, what, check in required:
        field = f"organisation.{name}"
        value = (getattr(organisation, name) or "").strip()
        if not value:
            problems.append(Problem(f"{what} est requis pour un prélèvement SEPA", field))
            continue
        try:
            found[name] = (check or validate_creditor_id)(value, field)
        except InvalidInput as bad:
            problems.append(Problem(bad.message, field))
    if "iban" in found and not IBAN(found["iban"]).in_sepa_zone:
        problems.append(
            Problem("l'IBAN de l'organisation est hors de la zone SEPA", "organisation.iban")
        )
    if not organisation.name.strip():
        problems.append(Problem("le nom de l'organisation est requis", "organisation.name"))
    if len(found) < len(required):
        return None
    return _Creditor(
        organisation.name.strip(), found["iban"], found["bic"], found["sepa_creditor_id"]
    )


def _checked_debit(debit: SepaDebit, collection_date: date, problems: list[Problem]) -> SepaDebit:
    """The debit with its IBAN and BIC normalised; each problem added, named by member."""
    where = f"mandates[{debit.member_code}]"
    iban, bic = debit.iban, debit.bic.strip()
    try:
        iban = validate_iban(debit.iban, f"{where}.iban")
        if not IBAN(iban).in_sepa_zone:
            problems.append(
                Problem(f"{debit.member_code} : IBAN hors de la zone SEPA", f"{where}.iban")
            )
    except InvalidInput as bad:
        problems.append(Problem(f"{debit.member_code} : {bad.message}", bad.field))
    if bic:
        try:
            bic = validate_bic(bic, f"{where}.bic")
            if not known_bic(bic):
                problems.append(
                    Problem(
                        f"{debit.member_code} : BIC « {bic} » inconnu, aucune banque ne porte ce "
                        "code dans le registre des BIC (vérifiez le relevé d'identité bancaire)",
                        f"{where}.bic",
                    )
                )
        except InvalidInput as bad:
            problems.append(Problem(f"{debit.member_code} : {bad.message}", bad.field))
    if not _SEPA_ID.fullmatch(debit.mandate_id.strip()):
        problems.append(
            Problem(
                f"{debit.member_code} : référence de mandat « {debit.mandate_id} » invalide "
                "(1 à 35 caractères parmi lettres, chiffres, espace et / - ? : ( ) . , ' +)",
                f"{where}.mandate_id",
            )
        )
    if debit.mandate_signed_on > collection_date:
        problems.append(
            Problem(
                f"{debit.member_code} : le mandat {debit.mandate_id} est signé le "
                f"{debit.mandate_signed_on:%d/%m/%Y}, après la date de prélèvement",
                f"{where}.signed_on",
            )
        )
    if not debit.debtor_name.strip():
        problems.append(
            Problem(f"{debit.member_code} : nom du débiteur manquant", f"{where}.debtor_name")
        )
    if not _SEPA_ID.fullmatch(debit.call_reference):
        problems.append(
            Problem(
                f"référence d'appel « {debit.call_reference} » inutilisable comme identifiant "
                "de bout en bout SEPA",
                f"debits[{debit.call_reference}]",
            )
        )
    if isinstance(debit.cents, bool) or not isinstance(debit.cents, int) or debit.cents <= 0:
        problems.append(
            Problem(
                f"{debit.member_code} : le montant prélevé doit être positif "
                f"(appel {debit.call_reference})",
                f"debits[{debit.call_reference}].amount",
            )
        )
    elif debit.cents > MAX_DEBIT_CENTS:
        problems.append(
            Problem(
                f"{debit.member_code} : un prélèvement SEPA ne dépasse pas 999 999 999,99 € "
                f"(appel {debit.call_reference})",
                f"debits[{debit.call_reference}].amount",
            )
        )
    return SepaDebit(
        member_code=debit.member_code,
        debtor_name=debit.debtor_name.strip(),
        iban=iban,
        bic=bic,
        mandate_id=debit.mandate_id.strip(),
        mandate_signed_on=debit.mandate_signed_on,
        cents=debit.cents,
        call_reference=debit.call_reference,
        description=debit.description,
        first=debit.first,
    )


def _stamp(document: bytes, message_id: str, created_at: datetime) -> bytes:
    """Replace what sepaxml draws at random or from the clock (message id, creation time, block
    ids) by the given values, so that the same input gives the same file.

    The values are written into sepaxml's own output, whose serialisation stays untouched; they
    are safe as XML text (``_SEPA_ID`` excludes ``&`` and ``<``). Each tag must occur as sepaxml
    writes it (one MsgId, one CreDtTm, one PmtInfId per block), else the change is refused.
    """
    text = document.decode("utf-8")
    blocks = iter(range(1, text.count("<PmtInfId>") + 1))

    def block_id(_: re.Match[str]) -> str:
        suffix = f"-{next(blocks)}"
        return f"<PmtInfId>{message_id[: 35 - len(suffix)]}{suffix}</PmtInfId>"

    replacements: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
        ("MsgId", lambda _: f"<MsgId>{message_id}</MsgId>"),
        ("CreDtTm", lambda _: f"<CreDtTm>{created_at:%Y-%m-%dT%H:%M:%S}</CreDtTm>"),
        ("PmtInfId", block_id),
    )
    for tag, replace in replacements:
        text, count = re.subn(f"<{tag}>[^<]*</{tag}>", replace, text)
        if count == 0 or (tag != "PmtInfId" and count != 1):
            raise RuntimeError(f"sortie de sepaxml inattendue : balise {tag} trouvée {count} fois")
    return text.encode("utf-8")


def _with_journal(document: bytes, journal: ChainHead) -> bytes:
    """The head as an XML comment after the declaration, in ASCII (the SEPA character set)."""
    comment = (
        f"<!-- Gouvernance, journal d'audit a l'export : entree n. {journal.number}, "
        f"empreinte {journal.digest} -->"
    ).encode("ascii")
    declaration = document.find(b"?>") + 2 if document.startswith(b"<?xml") else 0
    rest = document[declaration:].lstrip(b"\n")
    return document[:declaration] + b"\n" + comment + b"\n" + rest
