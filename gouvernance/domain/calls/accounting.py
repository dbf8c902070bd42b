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

With the allocations, the lines on a member's third-party account (411, 4562) that settle each
other (a call, the payments imputed on it, its credit notes, a refund of what was left) carry
one letter (EcritureLet) and the day the match was complete (DateLet), when they sum to zero in
the file. A fee schedule says whether its fees have a counterpart (``counterpart: true``, 7562)
or not (the default, 7561). On request (``FecOptions``): capital calls and their payment
(4562 / 1012, then 1012 → 1013 when paid), and the part of the fees called for a later year
deferred at the end of the period (487, produits constatés d'avance) and taken back on the first
day of the next one.

The FEC (``render_fec``) follows article A47 A-1 of the livre des procédures fiscales: the 18
columns in order, ``|`` between fields (A47 A-1 allows the tabulation or « | »), dates
AAAAMMJJ, amounts with a decimal comma and no thousands separator, one line per record ended by
CR LF. A47 A-1 (XII) allows three encodings: ASCII, ISO 8859-15 or UTF-8 — EBCDIC is not
allowed. ``encode_fec`` writes UTF-8 without BOM by default, ISO 8859-15 or ASCII on request;
what those lack is transliterated and every substitution is listed (``Substitution``), never
dropped silently.

The file holds only what Gouvernance keeps (calls, credit notes, payments, refunds): it is an
extract of the accounts, named as such (``fec_filename``), never ``SirenFECAAAAMMJJ.txt``, the
name of an organisation's full FEC; ``fec_notice`` writes the description that goes with it.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Payment,
    Refund,
)
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
    fee_income_counterpart: Account | None = None  # 7562: fees with a counterpart
    deferred_income: Account | None = None  # 487: produits constatés d'avance
    capital_paid: Account | None = None  # 1013: capital souscrit appelé, versé

    def income_for(self, counterpart: bool) -> Account:
        """7561 for a fee without counterpart, 7562 with one (``fee_income`` when the plan has
        no separate account, as a SCIC's 706)."""
        if counterpart and self.fee_income_counterpart is not None:
            return self.fee_income_counterpart
        return self.fee_income

    def call_accounts(self, kind: CallKind, counterpart: bool = False) -> tuple[Account, Account]:
        """The (debit, credit) accounts of a call of this kind."""
        if kind is CallKind.FEE:
            return self.receivable, self.income_for(counterpart)
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
    "fee_income_counterpart": (False, "7", "un compte de produits (classe 7)"),
    "deferred_income": (False, "4", "un compte de régularisation (classe 4)"),
    "capital_paid": (False, "1", "un compte de capitaux (classe 1)"),
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
            fee_income_counterpart=accounts["fee_income_counterpart"],
            deferred_income=accounts["deferred_income"],
            capital_paid=accounts["capital_paid"],
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


FEC_ENCODINGS = {"utf-8": "UTF-8", "iso-8859-15": "ISO 8859-15", "ascii": "ASCII"}
_ENCODING_WORDS = {
    "utf8": "utf-8", "latin-9": "iso-8859-15", "latin9": "iso-8859-15",
    "iso8859-15": "iso-8859-15", "iso-8859-15": "iso-8859-15", "us-ascii": "ascii",
}  # fmt: skip


def fec_encoding(text: str) -> str:
    """« utf-8 », « iso-8859-15 » or « ascii », the three encodings A47 A-1 (XII) allows."""
    key = text.strip().lower().replace("_", "-")
    key = _ENCODING_WORDS.get(key, key)
    if key not in FEC_ENCODINGS:
        raise InvalidInput(
            f"encodage du FEC « {text.strip()} » non admis : l'article A47 A-1 (XII) du LPF "
            "admet ASCII, ISO 8859-15 ou UTF-8 (EBCDIC n'est pas admis) ; attendu : "
            + ", ".join(FEC_ENCODINGS),
            field="encoding",
        )
    return key


@dataclass(frozen=True)
class FecOptions:
    """What the accountant asks for beyond the calls, credit notes, payments and refunds."""

    encoding: str = "utf-8"
    # The part of the fees called for a later period: 487 at the end, taken back at the start.
    defer_next_year: bool = False
    # Capital calls (4562 / 1012) and their payment (411 → 4562, 1012 → 1013).
    include_capital: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoding", fec_encoding(self.encoding))


@dataclass(frozen=True)
class BatchTerms:
    """What the FEC reads in the schedule frozen in a batch: counterpart and period."""

    counterpart: bool
    period_start: date
    period_end: date


def batch_terms(batch: CallBatch) -> BatchTerms:
    """``counterpart`` (default false: 7561) and ``period`` (default the calendar year of the
    fiscal year) of the schedule text the batch was issued from."""
    if batch.kind is not CallKind.FEE or not batch.source_text.strip():
        return BatchTerms(False, date(batch.fiscal_year, 1, 1), date(batch.fiscal_year, 12, 31))
    return _terms_of(batch.source_text, batch.fiscal_year, batch.reference)


@lru_cache(maxsize=256)  # a letter run reads the same batch for each of its letters
def _terms_of(text: str, fiscal_year: int, reference: str) -> BatchTerms:
    terms = BatchTerms(False, date(fiscal_year, 1, 1), date(fiscal_year, 12, 31))
    source = f"lot {reference}"
    data = read_yaml(text, source)
    if not isinstance(data, dict):
        return terms
    counterpart = data.get("counterpart", False)
    if not isinstance(counterpart, bool):
        raise RuleError(source, "counterpart", "attendu : true (avec contrepartie) ou false")
    period = data.get("period")
    start, end = terms.period_start, terms.period_end
    if isinstance(period, dict):
        start = _yaml_day(period.get("start"), start)
        end = _yaml_day(period.get("end"), end)
    return BatchTerms(counterpart, start, end)


def _yaml_day(raw: object, default: date) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            return default
    return default


# An entry: its lines, and the documents it belongs to (for the lettering).
_Entry = tuple[list[FecLine], tuple[str, ...]]


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
    allocations: Iterable[Allocation] = (),
    options: FecOptions | None = None,
) -> list[FecLine]:
    """The entries dated from ``period_start`` to ``period_end`` (both included), sorted by
    date, journal, then number; each balanced, and the whole checked by ``check_balanced``;
    the third-party lines that settle each other lettered (``allocations``).

    ``calls`` must hold every call a credit note of the period refers to (even one issued
    before the period) and every call's batch must be in ``batches``: a gap is a wiring error,
    refused. ``member_names`` names the members who pay without any call listed; otherwise the
    name comes from their calls, and falls back to the member code.
    """
    wanted = options or FecOptions()
    if period_end < period_start:
        raise InvalidInput("la fin de la période précède son début", field="period_end")
    call_list = list(calls)
    terms = {batch.id: batch_terms(batch) for batch in batches}
    names = {call.member_code: call.member_name for call in call_list}
    names.update(member_names or {})
    by_reference = {call.reference: call for call in call_list}
    credit_list = list(credit_notes)
    payment_list = list(payments)
    refund_list = list(refunds)
    parts = [part for part in allocations if part.on <= period_end]

    def within(day: date) -> bool:
        return period_start <= day <= period_end

    def counted(call: Call) -> bool:
        return wanted.include_capital or call.kind is CallKind.FEE

    entries: list[_Entry] = []
    for call in call_list:
        if call.batch_id not in terms:
            raise InvalidInput(
                f"l'appel {call.reference} appartient à un lot absent de l'export", field="batches"
            )
        if within(call.issued_on) and counted(call):
            counterpart = terms[call.batch_id].counterpart
            entries.append((_call_entry(plan, call, counterpart), (call.reference,)))
    for credit in credit_list:
        if not within(credit.issued_on):
            continue
        credited = by_reference.get(credit.call_reference)
        if credited is None:
            raise InvalidInput(
                f"l'avoir {credit.reference} porte sur l'appel {credit.call_reference}, "
                "absent de l'export",
                field="calls",
            )
        if counted(credited):
            counterpart = terms[credited.batch_id].counterpart
            entry = _credit_entry(plan, credit, credited, counterpart)
            entries.append((entry, (credit.reference, credited.reference)))
    for payment in payment_list:
        if within(payment.received_on):
            name = names.get(payment.member_code, payment.member_code)
            entries.append((_payment_entry(plan, payment, name), (payment.reference,)))
    for refund in refund_list:
        if within(refund.refunded_on):
            name = names.get(refund.member_code, refund.member_code)
            entries.append((_refund_entry(plan, refund, name), (refund.reference,)))
    if wanted.include_capital:
        for part in parts:
            paid = by_reference.get(part.call_reference)
            if paid is not None and paid.kind is CallKind.CAPITAL and within(part.on):
                entry = _capital_paid_entry(plan, part, paid)
                entries.append((entry, (part.payment_reference, paid.reference)))
    if wanted.defer_next_year:
        entries += _deferrals(plan, call_list, credit_list, terms, period_start, period_end)
    kept = [entry for entry in entries if entry[0]]
    kept.sort(key=lambda entry: _entry_key(entry[0][0]))
    numbered = _numbered([lines for lines, _ in kept])
    links = _links(parts, credit_list, payment_list, refund_list)
    lines = _lettered(numbered, [documents for _, documents in kept], links)
    check_balanced(lines)
    return lines


# --------------------------------------------------------------------------------------------
# The lettering


class _Links:
    """Which documents settle each other: a union-find over their references."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.since: dict[str, date] = {}  # the last allocation touching a document

    def root(self, key: str) -> str:
        parent = self.parent.setdefault(key, key)
        while parent != key:
            grand = self.parent.setdefault(parent, parent)
            self.parent[key] = grand
            key, parent = parent, grand
        return key

    def join(self, first: str, second: str) -> None:
        a, b = self.root(first), self.root(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _links(
    parts: Sequence[Allocation],
    credits: Sequence[CreditNote],
    payments: Sequence[Payment],
    refunds: Sequence[Refund],
) -> _Links:
    """A payment with the calls it was imputed on, a credit note with its call, a refund with
    the member's payments that calls did not absorb (the credit it gave back)."""
    links = _Links()
    absorbed: dict[str, int] = {}
    for part in parts:
        links.join(part.payment_reference, part.call_reference)
        for key in (part.payment_reference, part.call_reference):
            links.since[key] = max(links.since.get(key, part.on), part.on)
        absorbed[part.payment_reference] = absorbed.get(part.payment_reference, 0) + part.cents
    for credit in credits:
        links.join(credit.reference, credit.call_reference)
    for refund in refunds:
        for payment in payments:
            left = payment.cents - absorbed.get(payment.reference, 0)
            if payment.member_code == refund.member_code and left > 0:
                links.join(refund.reference, payment.reference)
    return links


def _lettered(
    entries: list[list[FecLine]], documents: list[tuple[str, ...]], links: _Links
) -> list[FecLine]:
    """On each third-party account of each member, the lines of documents that settle each
    other and sum to zero in the file share a letter (AAA, AAB… per account) and the date of
    the last of them or of the last allocation between them (DateLet): the day the match was
    complete."""
    for tags in documents:
        for other in tags[1:]:
            links.join(tags[0], other)
    flat = [line for entry in entries for line in entry]
    groups: dict[tuple[str, str, str], list[int]] = {}
    settled: dict[tuple[str, str, str], date] = {}
    position = 0
    for entry, tags in zip(entries, documents, strict=True):
        root = links.root(tags[0])
        for line in entry:
            if line.comp_aux_num:
                key = (root, line.compte_num, line.comp_aux_num)
                groups.setdefault(key, []).append(position)
                for tag in tags:
                    if tag in links.since:
                        settled[key] = max(settled.get(key, links.since[tag]), links.since[tag])
            position += 1
    counters: dict[str, int] = {}
    for key, positions in sorted(groups.items(), key=lambda item: item[1][0]):
        gap = sum(flat[at].debit - flat[at].credit for at in positions)
        if len(positions) < 2 or gap:
            continue
        account = key[1]
        counters[account] = counters.get(account, 0) + 1
        code = letter_code(counters[account])
        day = max(flat[at].ecriture_date for at in positions)
        day = max(day, settled.get(key, day))
        for at in positions:
            flat[at] = replace(flat[at], ecriture_let=code, date_let=day)
    return flat


def letter_code(number: int) -> str:
    """1 → « AAA », 2 → « AAB », 27 → « ABA »: three letters at least, in order."""
    letters = ""
    rest = number - 1
    while rest or len(letters) < 3:
        rest, digit = divmod(rest, 26)
        letters = chr(ord("A") + digit) + letters
    return letters


# --------------------------------------------------------------------------------------------
# Deferred income and capital


def _deferred_cents(cents: int, terms: BatchTerms, after: date) -> int:
    """The part of ``cents`` for the days of the schedule's period after ``after`` (rounded
    half up to the cent): all of it for a period that starts later, none once it is over."""
    total = (terms.period_end - terms.period_start).days + 1
    first = max(terms.period_start, after + timedelta(days=1))
    days = (terms.period_end - first).days + 1
    if days <= 0 or total <= 0:
        return 0
    if days >= total:
        return cents
    return (2 * cents * days + total) // (2 * total)


def _deferrals(
    plan: AccountPlan,
    calls: Sequence[Call],
    credits: Sequence[CreditNote],
    terms: Mapping[int | None, BatchTerms],
    period_start: date,
    period_end: date,
) -> list[_Entry]:
    """At the end of the period, the fees booked so far for days after it go to 487 (debit
    income, credit 487); on its first day, what the end of the previous period deferred comes
    back (debit 487, credit income) — the previous export must have asked for it too."""
    deferred = plan.deferred_income
    if deferred is None:
        raise InvalidInput(
            f"le plan de comptes « {plan.label} » n'a pas de compte de produits constatés "
            f"d'avance : ajoutez forms.{plan.form}.accounts.deferred_income (487) dans "
            f"{plan.source or DEFAULT_PLAN_SOURCE}",
            field="defer_next_year",
        )
    eve = period_start - timedelta(days=1)
    closing: dict[Account, int] = {}
    opening: dict[Account, int] = {}
    for call in calls:
        if call.kind is not CallKind.FEE:
            continue
        batch = terms[call.batch_id]
        income = plan.income_for(batch.counterpart)
        notes = [note for note in credits if note.call_reference == call.reference]
        if call.issued_on <= period_end:
            booked = call.cents - sum(n.cents for n in notes if n.issued_on <= period_end)
            closing[income] = closing.get(income, 0) + _deferred_cents(booked, batch, period_end)
        if call.issued_on <= eve:
            booked = call.cents - sum(n.cents for n in notes if n.issued_on <= eve)
            opening[income] = opening.get(income, 0) + _deferred_cents(booked, batch, eve)
    entries: list[_Entry] = []
    for income, cents in sorted(opening.items(), key=lambda item: item[0].number):
        piece = f"PCA-{eve:%Y%m%d}-R"
        label = f"Reprise des produits constatés d'avance au {eve:%d/%m/%Y} ({income.number})"
        lines = _entry(
            plan.calls_journal, piece, period_start, piece, label,
            _Side(deferred), _Side(income), cents,
        )  # fmt: skip
        entries.append((lines, (piece,)))
    for income, cents in sorted(closing.items(), key=lambda item: item[0].number):
        piece = f"PCA-{period_end:%Y%m%d}"
        label = (
            f"Produits constatés d'avance au {period_end:%d/%m/%Y} : cotisations appelées "
            f"pour une période ultérieure ({income.number})"
        )
        lines = _entry(
            plan.calls_journal, piece, period_end, piece, label,
            _Side(income), _Side(deferred), cents,
        )  # fmt: skip
        entries.append((lines, (f"{piece}-{income.number}",)))
    return entries


def _capital_paid_entry(plan: AccountPlan, part: Allocation, call: Call) -> list[FecLine]:
    """A payment imputed on a capital call: from the member's account to 4562 (debit 411,
    credit 4562), and the capital called becomes paid (debit 1012, credit 1013)."""
    receivable, called, paid = plan.capital_receivable, plan.capital_called, plan.capital_paid
    if receivable is None or called is None or paid is None:
        raise InvalidInput(
            f"le plan de comptes « {plan.label} » n'a pas les comptes du capital versé : "
            f"ajoutez forms.{plan.form}.accounts.capital_paid (1013) dans "
            f"{plan.source or DEFAULT_PLAN_SOURCE}",
            field="include_capital",
        )
    member = call.member_code
    number = f"{part.payment_reference}/{call.reference}"
    label = f"Libération de parts : {part.payment_reference} imputé sur {call.reference}"
    label += f" — {call.member_name}"
    return _entry(
        plan.calls_journal, number, part.on, part.payment_reference, label,
        _Side(plan.receivable, member, call.member_name),
        _Side(receivable, member, call.member_name), part.cents,
    ) + _entry(
        plan.calls_journal, number, part.on, part.payment_reference, label,
        _Side(called), _Side(paid), part.cents,
    )  # fmt: skip


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


def _call_entry(plan: AccountPlan, call: Call, counterpart: bool = False) -> list[FecLine]:
    receivable, income = plan.call_accounts(call.kind, counterpart)
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


def _credit_entry(
    plan: AccountPlan, credit: CreditNote, call: Call, counterpart: bool = False
) -> list[FecLine]:
    receivable, income = plan.call_accounts(call.kind, counterpart)
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


@dataclass(frozen=True)
class Substitution:
    """A character the chosen encoding lacks, what was written instead, and how many times."""

    character: str
    replacement: str
    count: int

    @property
    def text(self) -> str:
        code = f"U+{ord(self.character):04X}"
        return f"« {self.character} » ({code}) → « {self.replacement} » : {self.count} fois"


def encode_fec_reporting(
    text: str, encoding: str = "utf-8"
) -> tuple[bytes, tuple[Substitution, ...]]:
    """The file's bytes and the substitutions made: UTF-8 without BOM by default (nothing to
    replace); ISO 8859-15 or ASCII on request, where each missing character is transliterated
    (typographic signs to their plain equivalent, « ő » → « o », « Ł » → « L », « € » → « EUR »
    in ASCII) and listed, « ? » only when no transliteration exists — listed too."""
    key = fec_encoding(encoding)
    if key == "utf-8":
        return text.encode("utf-8"), ()
    try:
        return text.encode(key), ()
    except UnicodeEncodeError:
        pass
    counts: dict[tuple[str, str], int] = {}
    written: list[str] = []
    for char in text:
        if _fits(char, key):
            written.append(char)
            continue
        replacement = _transliterated(char, key)
        counts[(char, replacement)] = counts.get((char, replacement), 0) + 1
        written.append(replacement)
    substitutions = tuple(
        Substitution(char, replacement, count)
        for (char, replacement), count in sorted(counts.items())
    )
    return "".join(written).encode(key), substitutions


def encode_fec(text: str, encoding: str = "utf-8") -> bytes:
    """The file's bytes (see ``encode_fec_reporting`` for what is replaced)."""
    return encode_fec_reporting(text, encoding)[0]


def _fits(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _transliterated(char: str, encoding: str) -> str:
    from text_unidecode import unidecode

    decomposed = unicodedata.normalize("NFKD", char)
    candidates = (
        char.translate(_LATIN9_FALLBACKS),
        "".join(c for c in decomposed if not unicodedata.combining(c)),
        unidecode(char).strip() or "",
    )
    for candidate in candidates:
        candidate = fec_text(candidate)
        if candidate and candidate != char and _fits(candidate, encoding):
            return candidate
    return "?"


EXTRACT_WORD = "extrait"


def fec_filename(siren: str | None, period_start: date, period_end: date) -> str:
    """« 732829320-extrait-FEC-20270101-20271231.txt »: the SIREN, then « extrait » and the
    period. Gouvernance keeps only the calls, credit notes, payments and refunds: its file is
    an extract of the accounts and must not take the name of an organisation's full FEC
    (« SirenFECAAAAMMJJ.txt », article A47 A-1), which only the accounting software makes."""
    if siren is None or not siren.strip():
        raise InvalidInput(
            "le nom du fichier FEC exige le SIREN de l'organisation : un administrateur le "
            "déclare avec « gouvernance organisation set --siren … » (ou PUT /organisation)",
            field="organisation.siren",
        )
    number = normalise_siren(siren)
    if reason := siren_problem(number):
        raise InvalidInput(reason, field="organisation.siren")
    return f"{number}-{EXTRACT_WORD}-FEC-{period_start:%Y%m%d}-{period_end:%Y%m%d}.txt"


def fec_notice_filename(fec_name: str) -> str:
    """The description note beside the file: « …-20271231-notice.txt »."""
    stem = fec_name.removesuffix(".txt")
    return f"{stem}-notice.txt"


@dataclass(frozen=True)
class FecContext:
    """What the description note says about where the file comes from."""

    filename: str
    organisation: str
    siren: str
    period_start: date
    period_end: date
    made_on: date
    journal: str = ""  # the audit log's head at the export (« n° 42, empreinte … »)


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", "\u202f") + f",{rest:02d} €"


def fec_notice(
    context: FecContext,
    plan: AccountPlan,
    lines: Sequence[FecLine],
    options: FecOptions,
    substitutions: Sequence[Substitution] = (),
) -> str:
    """The « notice descriptive » that goes with the file: what it holds and what it does not,
    its format, the accounts and journals used, the totals, the lettering, the options."""
    period = f"du {context.period_start:%d/%m/%Y} au {context.period_end:%d/%m/%Y}"
    debit = sum(line.debit for line in lines)
    credit = sum(line.credit for line in lines)
    entries: dict[str, set[str]] = {}
    journals: dict[str, str] = {}
    accounts: dict[str, tuple[str, int]] = {}
    lettered: dict[str, set[str]] = {}
    for line in lines:
        entries.setdefault(line.journal_code, set()).add(line.ecriture_num)
        journals[line.journal_code] = line.journal_lib
        label, count = accounts.get(line.compte_num, (line.compte_lib, 0))
        accounts[line.compte_num] = (label, count + 1)
        if line.ecriture_let:
            lettered.setdefault(line.compte_num, set()).add(line.ecriture_let)
    lettered_lines = sum(1 for line in lines if line.ecriture_let)
    encoding = FEC_ENCODINGS[options.encoding]
    out = [
        f"Notice descriptive du fichier {context.filename}",
        "",
        f"Organisation : {context.organisation} (SIREN {normalise_siren(context.siren)})",
        f"Période : {period}",
        f"Établi le {context.made_on:%d/%m/%Y} par Gouvernance.",
        "",
        "Nature du fichier",
        "  Extrait des écritures tenues par Gouvernance : appels de cotisation, avoirs, "
        "règlements reçus des membres et remboursements"
        + (", appels et libération de parts sociales" if options.include_capital else "")
        + ". Ce n'est pas le fichier des écritures comptables complet de l'organisation "
        "(article L47 A du LPF) : il s'intègre dans sa comptabilité, qui seule produit le FEC "
        "nommé « SIRENFECAAAAMMJJ.txt ».",
        "",
        "Format (article A47 A-1 du LPF)",
        "  18 colonnes dans l'ordre réglementaire, première ligne = noms des colonnes ; "
        "séparateur « | » ; fin de ligne CR LF ; dates AAAAMMJJ ; montants avec une virgule "
        f"décimale, sans séparateur de milliers ; encodage {encoding}"
        + (" sans BOM" if options.encoding == "utf-8" else "")
        + ". EcritureNum : une suite continue par journal, dans l'ordre des dates ; PieceRef : "
        "la référence du document (AC-… appel, AV-… avoir, RG-… règlement, RB-…/RJ-… "
        "remboursement ou rejet).",
        "",
        f"Plan de comptes : {plan.label} ({plan.source or DEFAULT_PLAN_SOURCE})",
    ]
    for number, (label, count) in sorted(accounts.items()):
        out.append(f"  {number} {label} : {count} ligne{'s' if count > 1 else ''}")
    out += ["", "Journaux"]
    for code, label in sorted(journals.items()):
        count = len(entries[code])
        out.append(f"  {code} {label} : {count} écriture{'s' if count > 1 else ''}")
    out += [
        "",
        f"Totaux : {len(lines)} lignes ; débit {_euros(debit)}, crédit {_euros(credit)}"
        + (" (équilibré)" if debit == credit else " (DÉSÉQUILIBRÉ)"),
        "",
        "Lettrage (EcritureLet, DateLet)",
        "  Sur les comptes de tiers, par membre (CompAuxNum = code du membre) : un appel, les "
        "règlements imputés dessus, ses avoirs et les remboursements du crédit restant portent "
        "la même lettre quand leurs lignes s'annulent dans ce fichier ; DateLet est la date de "
        "la dernière d'entre elles. Un appel payé en partie, ou réglé par une pièce hors de la "
        "période, reste non lettré.",
        f"  {lettered_lines} lignes lettrées, "
        + (
            ", ".join(f"{n} : {len(codes)} lettre(s)" for n, codes in sorted(lettered.items()))
            or "aucune lettre"
        )
        + ".",
        "",
        "Options",
        "  Cotisations : 7561 « sans contrepartie » sauf barème déclaré « avec contrepartie » "
        "(clé counterpart, 7562), règlement ANC n° 2018-06.",
        "  Produits constatés d'avance (487) : "
        + (
            "oui ; la part des cotisations appelées pour une période postérieure au "
            f"{context.period_end:%d/%m/%Y} est portée au 487 à cette date et reprise le "
            "premier jour de la période suivante (la reprise au début de ce fichier suppose "
            "que l'export précédent portait la même option)."
            if options.defer_next_year
            else "non demandés (les cotisations sont en produits à la date de l'appel)."
        ),
        "  Capital (4562, 1012, 1013) : "
        + (
            "inclus : appels de libération débit 4562 / crédit 1012 ; à l'imputation d'un "
            "règlement, débit 411 / crédit 4562 et débit 1012 / crédit 1013."
            if options.include_capital
            else "non inclus (un règlement imputé sur des parts reste au 411 : à reclasser)."
        ),
    ]
    if substitutions:
        out += ["", f"Caractères translittérés pour l'encodage {encoding}"]
        out += [f"  {item.text}" for item in substitutions]
    if context.journal:
        out += [
            "",
            f"Journal d'audit de Gouvernance à l'export : {context.journal} (hors du FEC, "
            "qui ne contient que des écritures).",
        ]
    wrapped = [
        textwrap.fill(line, width=96, subsequent_indent="  ", break_long_words=False)
        if len(line) > 96
        else line
        for line in out
    ]
    return "\n".join(wrapped) + "\n"
