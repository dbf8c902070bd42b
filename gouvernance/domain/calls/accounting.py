"""The accounting side of the ledger: which accounts, which entries, and the FEC file.

The accounts come from a rule document (``rules/calls/comptabilite.yaml``), one plan per legal
form: an association books its fees in 7561 « Cotisations sans contrepartie » (règlement ANC
n° 2018-06), a SCIC in 706 « Prestations de services »; the member's debt is on 411000 with the
member as auxiliary account (CompAuxNum = member code).

Entries, amounts in integer cents:

- a call issued in the period: debit the receivable (auxiliary: the member), credit the income
  (a capital call: 4562 / 1012);
- a credit note: the same two lines reversed;
- a payment received in the period: debit 512, credit the receivable for the *whole* amount,
  allocated or not: what no call absorbs is the member's credit, a credit balance on 411;
- a refund of that credit (an overpayment paid back): debit the receivable (auxiliary: the
  member), credit 512, in the bank journal; the member's credit balance on 411 is cleared.

The FEC (``render_fec``) follows article A47 A-1 of the livre des procédures fiscales: the 18
columns in order, ``|`` between fields, dates AAAAMMJJ, amounts with a decimal comma and no
thousands separator, one line per record ended by CR LF. The text is meant to be written in
UTF-8 (``encode_fec``); A47 A-1 names ASCII, ISO 8859-15 and EBCDIC, so ``encode_fec`` can also
give ISO 8859-15 when an accountant's tool asks for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from gouvernance.domain.calls.model import Call, CallBatch, CallKind, CreditNote, Payment, Refund
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.fees.documents import read_yaml
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.siren import normalise_siren, siren_problem

DEFAULT_PLAN_FILE = Path(__file__).resolve().parents[3] / "rules" / "calls" / "comptabilite.yaml"
DEFAULT_PLAN_SOURCE = "calls/comptabilite.yaml"

ASSOCIATION = "association"
SCIC = "scic"
FORMS = (ASSOCIATION, SCIC)

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)  # fmt: skip
FEC_SEPARATOR = "|"
FEC_LINE_END = "\r\n"


# --------------------------------------------------------------------------------------------
# The account plan


@dataclass(frozen=True)
class Account:
    number: str
    label: str
    reference: str = ""


@dataclass(frozen=True)
class Journal:
    code: str
    label: str
    reference: str = ""


@dataclass(frozen=True)
class AccountPlan:
    """The accounts and journals of one legal form."""

    form: str  # "association" or "scic"
    label: str
    receivable: Account
    fee_income: Account
    bank: Account
    calls_journal: Journal
    bank_journal: Journal
    capital_receivable: Account | None = None
    capital_called: Account | None = None
    source: str = ""

    def call_accounts(self, kind: CallKind) -> tuple[Account, Account]:
        """The (debit, credit) accounts of a call of this kind."""
        if kind is CallKind.FEE:
            return self.receivable, self.fee_income
        if self.capital_receivable is None or self.capital_called is None:
            raise InvalidInput(
                f"le plan de comptes « {self.label} » n'a pas de comptes de capital "
                "(capital_receivable, capital_called) : un appel de libération de parts "
                "sociales ne peut pas y être comptabilisé",
                field="kind",
            )
        return self.capital_receivable, self.capital_called


@dataclass(frozen=True)
class AccountPlans:
    """The rule document: one plan per legal form."""

    label: str
    association: AccountPlan
    scic: AccountPlan
    source: str = ""

    def plan_for(self, legal_form: str) -> AccountPlan:
        return self.association if form_of(legal_form) == ASSOCIATION else self.scic


def form_of(legal_form: str) -> str:
    """« association » (or « Association loi 1901 ») → association; « SCIC SA », « scic_sas »… →
    scic; anything else has no plan."""
    folded = _fold(legal_form)
    if folded.startswith(ASSOCIATION):
        return ASSOCIATION
    if folded.startswith(SCIC):
        return SCIC
    raise InvalidInput(
        f"aucun plan de comptes pour la forme juridique « {legal_form.strip()} » : "
        "attendu une association ou une SCIC (SA, SAS, SARL)",
        field="organisation.legal_form",
    )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_PLAN_KEYS = frozenset({"label", "journals", "forms"})
_JOURNAL_KEYS = frozenset({"code", "label", "reference"})
_FORM_KEYS = frozenset({"label", "accounts"})
_ACCOUNT_KEYS = frozenset({"number", "label", "reference"})
# Each account, whether it is required, and the class its number must belong to.
_ACCOUNTS: dict[str, tuple[bool, str, str]] = {
    "receivable": (True, "4", "un compte de tiers (classe 4)"),
    "fee_income": (True, "7", "un compte de produits (classe 7)"),
    "bank": (True, "5", "un compte financier (classe 5)"),
    "capital_receivable": (False, "4", "un compte de tiers (classe 4)"),
    "capital_called": (False, "1", "un compte de capitaux (classe 1)"),
}
_ACCOUNT_NUMBER = re.compile(r"[1-9][0-9A-Z]{0,19}")
_JOURNAL_CODE = re.compile(r"[A-Z0-9]{1,10}")


def parse_account_plan(document: object, source: str) -> AccountPlans:
    """Build the plans from a parsed YAML document, or raise the first ``RuleError``."""
    reader = _PlanReader(source)
    data = reader.mapping(document, "(document)")
    reader.only(data, "(document)", _PLAN_KEYS)
    journals = reader.mapping(reader.required(data, "journals", "(document)"), "journals")
    reader.only(journals, "journals", frozenset({"calls", "bank"}))
    calls_journal = reader.journal(reader.required(journals, "calls", "journals"), "journals.calls")
    bank_journal = reader.journal(reader.required(journals, "bank", "journals"), "journals.bank")
    if calls_journal.code == bank_journal.code:
        raise RuleError(
            source,
            "journals.bank.code",
            f"code « {bank_journal.code} » déjà pris par journals.calls",
        )
    forms = reader.mapping(reader.required(data, "forms", "(document)"), "forms")
    reader.only(forms, "forms", frozenset(FORMS))
    plans = {
        form: reader.plan(form, reader.required(forms, form, "forms"), calls_journal, bank_journal)
        for form in FORMS
    }
    return AccountPlans(
        label=reader.text(data.get("label"), "label"),
        association=plans[ASSOCIATION],
        scic=plans[SCIC],
        source=source,
    )


@dataclass(frozen=True)
class _PlanReader:
    source: str

    def fail(self, where: str, reason: str) -> RuleError:
        return RuleError(self.source, where, reason)

    def mapping(self, raw: object, where: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.fail(where, "une table de clés est attendue")
        for key in raw:
            if not isinstance(key, str):
                raise self.fail(where, f"clé non textuelle « {key} »")
        return raw

    def only(self, raw: Mapping[str, Any], where: str, allowed: frozenset[str]) -> None:
        for key in raw:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                path = key if where == "(document)" else f"{where}.{key}"
                raise self.fail(path, f"clé inconnue « {key} » (attendu : {known})")

    def required(self, raw: Mapping[str, Any], key: str, where: str) -> object:
        if raw.get(key) is None:
            raise self.fail(
                key if where == "(document)" else f"{where}.{key}", "clé obligatoire absente"
            )
        return raw[key]

    def text(self, raw: object, where: str, *, needed: bool = False) -> str:
        if raw is None or raw == "":
            if needed:
                raise self.fail(where, "un texte non vide est attendu")
            return ""
        if not isinstance(raw, str):
            raise self.fail(where, "un texte est attendu")
        text = raw.strip()
        if needed and not text:
            raise self.fail(where, "un texte non vide est attendu")
        if "|" in text or "\n" in text or "\r" in text:
            raise self.fail(
                where, "ni barre verticale « | » ni retour à la ligne (séparateurs du FEC)"
            )
        return text

    def journal(self, raw: object, where: str) -> Journal:
        data = self.mapping(raw, where)
        self.only(data, where, _JOURNAL_KEYS)
        code = self.text(self.required(data, "code", where), f"{where}.code", needed=True)
        if not _JOURNAL_CODE.fullmatch(code):
            raise self.fail(
                f"{where}.code", f"code journal « {code} » : 1 à 10 majuscules ou chiffres"
            )
        return Journal(
            code=code,
            label=self.text(self.required(data, "label", where), f"{where}.label", needed=True),
            reference=self.text(data.get("reference"), f"{where}.reference"),
        )

    def account(self, raw: object, where: str, first_digit: str, kind: str) -> Account:
        data = self.mapping(raw, where)
        self.only(data, where, _ACCOUNT_KEYS)
        number_raw = self.required(data, "number", where)
        if isinstance(number_raw, int) and not isinstance(number_raw, bool):
            number_raw = str(number_raw)
        number = self.text(number_raw, f"{where}.number", needed=True)
        if not _ACCOUNT_NUMBER.fullmatch(number):
            raise self.fail(
                f"{where}.number",
                f"numéro de compte « {number} » illisible (chiffres, ex. « 411000 »)",
            )
        if not number.startswith(first_digit):
            raise self.fail(f"{where}.number", f"le compte « {number} » devrait être {kind}")
        return Account(
            number=number,
            label=self.text(self.required(data, "label", where), f"{where}.label", needed=True),
            reference=self.text(data.get("reference"), f"{where}.reference"),
        )

    def plan(
        self, form: str, raw: object, calls_journal: Journal, bank_journal: Journal
    ) -> AccountPlan:
        where = f"forms.{form}"
        data = self.mapping(raw, where)
        self.only(data, where, _FORM_KEYS)
        accounts_where = f"{where}.accounts"
        accounts_raw = self.mapping(self.required(data, "accounts", where), accounts_where)
        self.only(accounts_raw, accounts_where, frozenset(_ACCOUNTS))
        accounts: dict[str, Account | None] = {}
        for key, (needed, first_digit, kind) in _ACCOUNTS.items():
            raw_account = accounts_raw.get(key)
            if raw_account is None:
                if needed:
                    raise self.fail(f"{accounts_where}.{key}", "compte obligatoire absent")
                accounts[key] = None
                continue
            accounts[key] = self.account(raw_account, f"{accounts_where}.{key}", first_digit, kind)
        if (accounts["capital_receivable"] is None) != (accounts["capital_called"] is None):
            missing = (
                "capital_called" if accounts["capital_called"] is None else "capital_receivable"
            )
            raise self.fail(
                f"{accounts_where}.{missing}",
                "les comptes de capital vont par paire : capital_receivable et capital_called",
            )
        receivable, fee_income, bank = (
            accounts["receivable"],
            accounts["fee_income"],
            accounts["bank"],
        )
        assert receivable is not None and fee_income is not None and bank is not None
        return AccountPlan(
            form=form,
            label=self.text(data.get("label"), f"{where}.label") or form,
            receivable=receivable,
            fee_income=fee_income,
            bank=bank,
            calls_journal=calls_journal,
            bank_journal=bank_journal,
            capital_receivable=accounts["capital_receivable"],
            capital_called=accounts["capital_called"],
            source=self.source,
        )


def parse_account_plan_text(text: str, source: str) -> AccountPlans:
    return parse_account_plan(read_yaml(text, source), source)


def load_account_plans(path: Path | None = None) -> AccountPlans:
    """The plans of ``path``, by default the repository's ``rules/calls/comptabilite.yaml``."""
    target = path or DEFAULT_PLAN_FILE
    source = DEFAULT_PLAN_SOURCE if path is None else path.name
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(source, "(fichier)", f"lecture impossible : {error}") from None
    return parse_account_plan_text(text, source)


def plan_for(legal_form: str, plans: AccountPlans | None = None) -> AccountPlan:
    """The plan of an organisation's legal form (the default rule file unless ``plans``)."""
    form_of(legal_form)  # refuse an unknown form before reading any file
    return (plans or load_account_plans()).plan_for(legal_form)


# --------------------------------------------------------------------------------------------
# The entries


@dataclass(frozen=True)
class FecLine:
    """One line of the FEC, its 18 fields in the order of article A47 A-1 (``FEC_COLUMNS``).
    Amounts are integer cents; exactly one of ``debit`` and ``credit`` is non-zero."""

    journal_code: str
    journal_lib: str
    ecriture_num: str
    ecriture_date: date
    compte_num: str
    compte_lib: str
    comp_aux_num: str
    comp_aux_lib: str
    piece_ref: str
    piece_date: date
    ecriture_lib: str
    debit: int
    credit: int
    ecriture_let: str
    date_let: date | None
    valid_date: date
    montant_devise: int | None
    idevise: str


class UnbalancedEntries(GouvernanceError):
    """Debits and credits differ: a bug, never the user's input."""

    status = 500
    code = "ecritures_desequilibrees"


def fec_lines(
    plan: AccountPlan,
    batches: Iterable[CallBatch],
    calls: Iterable[Call],
    credit_notes: Iterable[CreditNote],
    payments: Iterable[Payment],
    period_start: date,
    period_end: date,
    *,
    member_names: Mapping[str, str] | None = None,
    refunds: Iterable[Refund] = (),
) -> list[FecLine]:
    """The entries dated from ``period_start`` to ``period_end`` (both included), sorted by
    date, journal, then number; each balanced, and the whole checked by ``check_balanced``.

    ``calls`` must hold every call a credit note of the period refers to (even one issued
    before the period) and every call's batch must be in ``batches``: a gap is a wiring error,
    refused. ``member_names`` names the members who pay without any call listed; otherwise the
    name comes from their calls, and falls back to the member code.
    """
    if period_end < period_start:
        raise InvalidInput("la fin de la période précède son début", field="period_end")
    call_list = list(calls)
    batch_ids = {batch.id for batch in batches}
    names = {call.member_code: call.member_name for call in call_list}
    names.update(member_names or {})
    by_reference = {call.reference: call for call in call_list}

    def within(day: date) -> bool:
        return period_start <= day <= period_end

    entries: list[list[FecLine]] = []
    for call in call_list:
        if call.batch_id not in batch_ids:
            raise InvalidInput(
                f"l'appel {call.reference} appartient à un lot absent de l'export", field="batches"
            )
        if within(call.issued_on):
            entries.append(_call_entry(plan, call))
    for credit in credit_notes:
        if not within(credit.issued_on):
            continue
        credited = by_reference.get(credit.call_reference)
        if credited is None:
            raise InvalidInput(
                f"l'avoir {credit.reference} porte sur l'appel {credit.call_reference}, "
                "absent de l'export",
                field="calls",
            )
        entries.append(_credit_entry(plan, credit, credited))
    for payment in payments:
        if within(payment.received_on):
            name = names.get(payment.member_code, payment.member_code)
            entries.append(_payment_entry(plan, payment, name))
    for refund in refunds:
        if within(refund.refunded_on):
            name = names.get(refund.member_code, refund.member_code)
            entries.append(_refund_entry(plan, refund, name))
    kept = [entry for entry in entries if entry]
    kept.sort(key=lambda entry: _entry_key(entry[0]))
    lines = [line for entry in _numbered(kept) for line in entry]
    check_balanced(lines)
    return lines


def _numbered(entries: list[list[FecLine]]) -> list[list[FecLine]]:
    """EcritureNum is a continuous sequence per journal, in date order (« CO000001 »), as
    article A47 A-1 asks; the document's own reference (AC-…, AV-…, RG-…) stays in PieceRef."""
    counters: dict[str, int] = {}
    renumbered = []
    for entry in entries:
        journal = entry[0].journal_code
        counters[journal] = counters.get(journal, 0) + 1
        number = f"{journal}{counters[journal]:06d}"
        renumbered.append([replace(line, ecriture_num=number) for line in entry])
    return renumbered


def _entry_key(line: FecLine) -> tuple[date, str, tuple[tuple[int, str], ...]]:
    return line.ecriture_date, line.journal_code, _natural(line.ecriture_num)


_DIGITS = re.compile(r"([0-9]+)")


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """« AC-2027-10000 » after « AC-2027-9999 »: digit runs compare as numbers."""
    return tuple(
        (int(part), "") if _DIGITS.fullmatch(part) else (-1, part)
        for part in _DIGITS.split(text)
        if part
    )


@dataclass(frozen=True)
class _Side:
    account: Account
    aux_code: str = ""
    aux_name: str = ""


def _entry(
    journal: Journal,
    number: str,
    day: date,
    piece: str,
    label: str,
    debit: _Side,
    credit: _Side,
    cents: int,
) -> list[FecLine]:
    """Two lines, debit then credit; a negative amount swaps the sides, zero writes nothing."""
    if cents == 0:
        return []
    if cents < 0:
        debit, credit, cents = credit, debit, -cents

    def line(side: _Side, debit_cents: int, credit_cents: int) -> FecLine:
        return FecLine(
            journal_code=journal.code,
            journal_lib=journal.label,
            ecriture_num=number,
            ecriture_date=day,
            compte_num=side.account.number,
            compte_lib=side.account.label,
            comp_aux_num=side.aux_code,
            comp_aux_lib=side.aux_name,
            piece_ref=piece,
            piece_date=day,
            ecriture_lib=label,
            debit=debit_cents,
            credit=credit_cents,
            ecriture_let="",
            date_let=None,
            valid_date=day,
            montant_devise=None,
            idevise="",
        )

    return [line(debit, cents, 0), line(credit, 0, cents)]


def _call_label(call: Call) -> str:
    return f"{call.kind.label.capitalize()} {call.fiscal_year} — {call.member_name}"


def _call_entry(plan: AccountPlan, call: Call) -> list[FecLine]:
    receivable, income = plan.call_accounts(call.kind)
    member = _Side(receivable, call.member_code, call.member_name)
    return _entry(
        plan.calls_journal,
        call.reference,
        call.issued_on,
        call.reference,
        _call_label(call),
        member,
        _Side(income),
        call.cents,
    )


def _credit_entry(plan: AccountPlan, credit: CreditNote, call: Call) -> list[FecLine]:
    receivable, income = plan.call_accounts(call.kind)
    member = _Side(receivable, credit.member_code, call.member_name)
    return _entry(
        plan.calls_journal,
        credit.reference,
        credit.issued_on,
        credit.reference,
        f"Avoir {credit.reference} sur {call.reference} — {call.member_name}",
        _Side(income),
        member,
        credit.cents,
    )


def _payment_entry(plan: AccountPlan, payment: Payment, name: str) -> list[FecLine]:
    return _entry(
        plan.bank_journal,
        payment.reference,
        payment.received_on,
        payment.reference,
        f"Règlement {payment.reference} ({payment.method.label}"
        + (f" {payment.bank_reference.strip()}" if payment.bank_reference.strip() else "")
        + f") — {name}",
        _Side(plan.bank),
        _Side(plan.receivable, payment.member_code, name),
        payment.cents,
    )


def _refund_entry(plan: AccountPlan, refund: Refund, name: str) -> list[FecLine]:
    return _entry(
        plan.bank_journal,
        refund.reference,
        refund.refunded_on,
        refund.reference,
        f"Remboursement {refund.reference} ({refund.method.label}"
        + (f" {refund.bank_reference.strip()}" if refund.bank_reference.strip() else "")
        + f") — {name}",
        _Side(plan.receivable, refund.member_code, name),
        _Side(plan.bank),
        refund.cents,
    )


def check_balanced(lines: Sequence[FecLine]) -> None:
    """Each entry, and the whole, has as much debit as credit; raises ``UnbalancedEntries``."""
    per_entry: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.journal_code, line.ecriture_num)
        per_entry[key] = per_entry.get(key, 0) + line.debit - line.credit
    wrong = [f"{journal} {number}" for (journal, number), gap in per_entry.items() if gap]
    total_debit = sum(line.debit for line in lines)
    total_credit = sum(line.credit for line in lines)
    if wrong or total_debit != total_credit:
        detail = f" (écritures : {', '.join(wrong[:5])})" if wrong else ""
        raise UnbalancedEntries(
            f"écritures déséquilibrées : débit {fec_amount(total_debit)}, "
            f"crédit {fec_amount(total_credit)}{detail}"
        )


# --------------------------------------------------------------------------------------------
# The file


def fec_amount(cents: int) -> str:
    """« 1234,50 », « 0,00 », « -12,00 »: decimal comma, no thousands separator."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros},{rest:02d}"


def fec_date(day: date | None) -> str:
    return "" if day is None else f"{day:%Y%m%d}"


_FORBIDDEN = re.compile(r"[|\r\n\t\v\f\x85\u2028\u2029]")


def fec_text(text: str) -> str:
    """A field never holds the separator nor a line break: each becomes a space."""
    return _FORBIDDEN.sub(" ", text)


def fec_cells(line: FecLine) -> list[str]:
    """The 18 fields as written, in the order of ``FEC_COLUMNS``."""
    cells: list[str] = []
    for item in fields(line):
        value = getattr(line, item.name)
        if item.name in ("debit", "credit", "montant_devise"):
            cells.append("" if value is None else fec_amount(value))
        elif isinstance(value, date) or value is None:
            cells.append(fec_date(value))
        else:
            cells.append(fec_text(str(value)))
    return cells


def render_fec(lines: Iterable[FecLine]) -> str:
    """The header of the 18 names, then one record per line; ``|`` between fields, CR LF after
    each record (the last one included)."""
    records = [FEC_SEPARATOR.join(FEC_COLUMNS)]
    records += [FEC_SEPARATOR.join(fec_cells(line)) for line in lines]
    return "".join(record + FEC_LINE_END for record in records)


_LATIN9_FALLBACKS = str.maketrans({
    "—": "-", "–": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
})  # fmt: skip


def encode_fec(text: str, encoding: str = "utf-8") -> bytes:
    """The file's bytes: UTF-8 without BOM by default; ``"iso-8859-15"`` replaces the usual
    typographic signs by their plain equivalent and any other missing character by « ? »."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        return text.encode("utf-8")
    return text.translate(_LATIN9_FALLBACKS).encode(encoding, errors="replace")


def fec_filename(siren: str | None, closing_date: date) -> str:
    """« 123456782FEC20271231.txt »: the SIREN, « FEC », the closing date of the year."""
    if siren is None or not siren.strip():
        raise InvalidInput(
            "le nom du fichier FEC exige le SIREN de l'organisation : un administrateur le "
            "déclare avec « gouvernance organisation set --siren … » (ou PUT /organisation)",
            field="organisation.siren",
        )
    number = normalise_siren(siren)
    if reason := siren_problem(number):
        raise InvalidInput(reason, field="organisation.siren")
    return f"{number}FEC{closing_date:%Y%m%d}.txt"
