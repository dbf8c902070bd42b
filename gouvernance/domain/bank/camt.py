"""Reading a CAMT.053 statement (ISO 20022 « BankToCustomerStatement »), as French banks deliver
it, versions camt.053.001.02 to .08 and later alike.

The XML comes from outside: it is parsed by the standard library's ElementTree through
``defusedxml``, with DTDs refused outright, so that no entity can expand (« billion laughs »)
nor reach a file or the network. Elements are found by their local name, whatever the
namespace of the version. A file that is not a CAMT.053, or an element that cannot be read, is
refused in French naming the entry and the element; amounts are exact decimals, never floats,
and only euros are taken.

What is kept of each booked entry (``Ntry``): the date, the amount and its direction, the
bank's references (``AcctSvcrRef``, ``NtryRef``), the remittance text (``RmtInf/Ustrd`` and the
structured references), the counterparty's name and IBAN, the end-to-end and mandate
references, the bank transaction code (``Domn/Fmly/SubFmlyCd``) and, for a return, its reason
(``RtrInf/Rsn/Cd``). An entry booked as one batch of several transactions (``TxDtls``), each
with its amount, gives one line per transaction.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

import defusedxml
import defusedxml.ElementTree as SafeET

from gouvernance.domain.bank.model import (
    Direction,
    LineKind,
    ParsedLine,
    ParsedStatement,
    StatementFormat,
    number_occurrences,
    plain,
)
from gouvernance.domain.errors import InvalidInput, Problem

CURRENCY = "EUR"
MAX_TEXT = 500
MAX_NAME = 140
MAX_REFERENCE = 100
MAX_ID = 35
_AMOUNT = re.compile(r"^[0-9]{1,13}(\.[0-9]{1,5})?$")
_NAMESPACE = re.compile(r"camt\.(\d{3})\.001\.(\d{2})")
_OTHER_MESSAGES = {
    "052": "un relevé intrajournalier (camt.052, « BankToCustomerAccountReport »)",
    "054": "un avis de débit ou de crédit (camt.054, « BankToCustomerDebitCreditNotification »)",
}
_OTHER_ROOTS = {
    "BkToCstmrAcctRpt": "052",
    "BkToCstmrDbtCdtNtfctn": "054",
}
# Bank transaction codes (ISO 20022 « Bank Transaction Code », domain PMNT).
DIRECT_DEBIT_FAMILIES = frozenset({"IDDT", "RDDT"})
DIRECT_DEBIT_SUBFAMILIES = frozenset({"ESDD", "BBDD", "PMDD", "OODD"})
RETURN_SUBFAMILIES = frozenset({"UPDD", "PRDD", "RRTN", "RPCR"})
CHEQUE_FAMILIES = frozenset({"RCHQ", "CCHQ"})
CASH_FAMILIES = frozenset({"CNTR"})
_NOT_PROVIDED = frozenset({"NOTPROVIDED", "NONREF"})
_BOOKED = "BOOK"
_PARSE_ERRORS = (
    ("not well-formed", "caractère ou balise invalide"),
    ("mismatched tag", "balise fermante qui ne correspond pas à la balise ouverte"),
    ("no element found", "fichier tronqué : une balise n'est pas refermée"),
    ("unclosed token", "fichier tronqué : une balise n'est pas refermée"),
    ("junk after document element", "du contenu suit la fin du document"),
    ("undefined entity", "entité XML inconnue"),
    ("syntax error", "ce n'est pas du XML"),
)


def _local(tag: str | object) -> str:
    """The element's name without its namespace: ``{urn:…camt.053.001.08}Ntry`` → ``Ntry``."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) == name)


def _child(element: ET.Element | None, path: str) -> ET.Element | None:
    """The first element down ``path`` (local names separated by « / »), or ``None``."""
    current = element
    for name in path.split("/"):
        if current is None:
            return None
        current = next(_children(current, name), None)
    return current


def _all(element: ET.Element | None, path: str) -> list[ET.Element]:
    """Every element down ``path`` (each step may repeat: several NtryDtls, several TxDtls)."""
    found = [element] if element is not None else []
    for name in path.split("/"):
        found = [child for parent in found for child in _children(parent, name)]
    return found


def _text(element: ET.Element | None, path: str, limit: int = MAX_TEXT) -> str:
    node = _child(element, path)
    if node is None or node.text is None:
        return ""
    return plain(node.text, limit)


class _Refusal(Exception):
    def __init__(self, where: str, element: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.element = element
        self.message = message


def parse_camt053(data: bytes, filename: str) -> ParsedStatement:
    """Every booked entry of every statement (``Stmt``) in the file, in order."""
    root = _parse_xml(data, filename)
    statement = _statement_root(root, filename)
    lines: list[ParsedLine] = []
    skipped: list[str] = []
    ids: list[str] = []
    ibans: list[str] = []
    starts: list[date] = []
    ends: list[date] = []
    statements = list(_children(statement, "Stmt"))
    entries = 0
    if not statements:
        raise InvalidInput(
            f"« {filename} » : élément BkToCstmrStmt sans aucun relevé (Stmt)", field="file"
        )
    try:
        for number, stmt in enumerate(statements, start=1):
            where = f"relevé {number} (Stmt)"
            ids.append(_text(stmt, "Id", MAX_REFERENCE))
            iban = _account(stmt, where)
            ibans.append(iban)
            for path, target in (("FrToDt/FrDtTm", starts), ("FrToDt/ToDtTm", ends)):
                node = _child(stmt, path)
                if node is not None:
                    target.append(_date(node, where, path))
            for entry in _children(stmt, "Ntry"):
                entries += 1
                _entry(entry, entries, iban, lines, skipped)
    except _Refusal as refusal:
        message = f"« {filename} » : {refusal.where}, élément {refusal.element} : {refusal.message}"
        raise InvalidInput(
            message, field="file", problems=[Problem(message, refusal.element)]
        ) from None
    booked = [line.booked_on for line in lines]
    return ParsedStatement(
        format=StatementFormat.CAMT053,
        statement_ids=tuple(i for i in ids if i),
        account_ibans=tuple(dict.fromkeys(i for i in ibans if i)),
        from_date=min(starts) if starts else (min(booked) if booked else None),
        to_date=max(ends) if ends else (max(booked) if booked else None),
        lines=tuple(number_occurrences(lines)),
        skipped=tuple(skipped),
    )


def _parse_xml(data: bytes, filename: str) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise InvalidInput(
            f"« {filename} » déclare une DTD ou des entités XML (<!DOCTYPE>, <!ENTITY>) : "
            "refusé par sécurité, un relevé CAMT.053 n'en a jamais",
            field="file",
        ) from None
    except ET.ParseError as error:
        line, column = error.position
        raw = str(error)
        reason = next((fr for en, fr in _PARSE_ERRORS if en in raw), "XML mal formé")
        raise InvalidInput(
            f"« {filename} » n'est pas un fichier XML lisible : ligne {line}, colonne "
            f"{column + 1} : {reason}",
            field="file",
            problems=[Problem(reason, "file", line)],
        ) from None
    return root


def _statement_root(root: ET.Element, filename: str) -> ET.Element:
    """``Document/BkToCstmrStmt``, or a French refusal saying what the file is instead."""
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    version = _NAMESPACE.search(namespace)
    not_camt = f"« {filename} » n'est pas un relevé CAMT.053"
    if version is not None and version.group(1) != "053":
        kind = _OTHER_MESSAGES.get(version.group(1), f"un message camt.{version.group(1)}")
        raise InvalidInput(
            f"{not_camt} : c'est {kind} ; demandez à la banque le relevé de fin de journée "
            "(camt.053)",
            field="file",
        )
    if _local(tag) != "Document":
        raise InvalidInput(
            f"{not_camt} : l'élément racine est « {_local(tag)} » et non « Document »",
            field="file",
        )
    body = _child(root, "BkToCstmrStmt")
    if body is None:
        found = [_local(child.tag) for child in root]
        other = next((_OTHER_ROOTS[name] for name in found if name in _OTHER_ROOTS), None)
        if other is not None:
            raise InvalidInput(f"{not_camt} : c'est {_OTHER_MESSAGES[other]}", field="file")
        shown = f"« {found[0]} »" if found else "aucun élément"
        raise InvalidInput(
            f"{not_camt} : l'élément Document contient {shown} au lieu de BkToCstmrStmt",
            field="file",
        )
    return body


def _account(stmt: ET.Element, where: str) -> str:
    currency = _text(stmt, "Acct/Ccy")
    if currency and currency.upper() != CURRENCY:
        raise _Refusal(
            where,
            "Acct/Ccy",
            f"compte tenu en {currency} : seuls les relevés en euros (EUR) sont pris",
        )
    iban = _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id")
    return _compact(iban)[:34]


def _compact(iban: str) -> str:
    return "".join(iban.split()).upper()


def _date(node: ET.Element, where: str, element: str) -> date:
    raw = (node.text or "").strip()
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise _Refusal(
            where, element, f"date « {raw[:40]} » illisible (attendu AAAA-MM-JJ)"
        ) from None


def _day(element: ET.Element, path: str, where: str) -> date | None:
    """``BookgDt``/``ValDt`` hold a ``Dt`` or a ``DtTm``: the day either way."""
    for inner in ("Dt", "DtTm"):
        node = _child(element, f"{path}/{inner}")
        if node is not None:
            return _date(node, where, f"{path}/{inner}")
    return None


def _amount(node: ET.Element | None, where: str, element: str) -> int:
    """Cents of an ``Amt`` element, refused unless in euros and exact to the cent."""
    if node is None:
        raise _Refusal(where, element, "montant absent")
    currency = (node.get("Ccy") or "").strip().upper()
    if currency and currency != CURRENCY:
        raise _Refusal(
            where, element, f"montant en {currency} : seuls les montants en euros (EUR) sont pris"
        )
    raw = (node.text or "").strip()
    if not _AMOUNT.match(raw):
        raise _Refusal(where, element, f"montant « {raw[:40]} » illisible (attendu 1234.50)")
    try:
        value = Decimal(raw) * 100
    except InvalidOperation:  # pragma: no cover - the pattern already refused it
        raise _Refusal(where, element, f"montant « {raw[:40]} » illisible") from None
    if value != value.to_integral_value():
        raise _Refusal(where, element, f"montant « {raw} » plus précis que le centime")
    return int(value)


def _entry(
    entry: ET.Element, position: int, iban: str, lines: list[ParsedLine], skipped: list[str]
) -> None:
    where = f"écriture {position} (Ntry)"
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if status and status.upper() != _BOOKED:
        skipped.append(f"{where} : non comptabilisée ({status}), laissée de côté")
        return
    cents = _amount(_child(entry, "Amt"), where, "Amt")
    direction = _direction(_text(entry, "CdtDbtInd"), where, "CdtDbtInd")
    booked_on = _day(entry, "BookgDt", where) or _day(entry, "ValDt", where)
    if booked_on is None:
        raise _Refusal(where, "BookgDt", "date de comptabilisation absente")
    value_on = _day(entry, "ValDt", where)
    reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    reference = _text(entry, "AcctSvcrRef", MAX_REFERENCE) or _text(entry, "NtryRef", MAX_REFERENCE)
    entry_code = _bank_code(entry)
    extra = _text(entry, "AddtlNtryInf")
    details = _all(entry, "NtryDtls/TxDtls")
    if cents == 0:
        skipped.append(f"{where} : montant nul, laissée de côté")
        return
    amounts = [_transaction_amount(tx, where) for tx in details]
    if len(details) > 1 and all(a is not None for a in amounts):
        for index, (tx, amount) in enumerate(zip(details, amounts, strict=True), start=1):
            assert amount is not None
            tx_where = f"{where}, opération {index} (TxDtls)"
            own = _text(tx, "Refs/AcctSvcrRef", MAX_REFERENCE)
            lines.append(
                _line(
                    tx, position, tx_where, iban, booked_on, value_on, amount,
                    _tx_direction(tx, direction, tx_where), reversal,
                    own or (f"{reference}/{index}" if reference else ""),
                    entry_code, extra,
                )
            )  # fmt: skip
        return
    first = details[0] if details else None
    lines.append(
        _line(
            first, position, where, iban, booked_on, value_on, cents, direction, reversal,
            reference, entry_code, extra, others=details[1:],
        )
    )  # fmt: skip


def _direction(raw: str, where: str, element: str) -> Direction:
    if raw == "CRDT":
        return Direction.CREDIT
    if raw == "DBIT":
        return Direction.DEBIT
    shown = f"« {raw[:20]} » inconnu" if raw else "absent"
    raise _Refusal(where, element, f"sens {shown} (attendu CRDT ou DBIT)")


def _tx_direction(tx: ET.Element, default: Direction, where: str) -> Direction:
    raw = _text(tx, "CdtDbtInd")
    return _direction(raw, where, "TxDtls/CdtDbtInd") if raw else default


def _transaction_amount(tx: ET.Element, where: str) -> int | None:
    """A transaction's own amount: ``Amt`` (.04 and later) or ``AmtDtls/TxAmt/Amt`` (.02)."""
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        node = _child(tx, path)
        if node is not None:
            return _amount(node, where, f"TxDtls/{path}")
    return None


def _bank_code(element: ET.Element | None) -> tuple[str, str, str, str]:
    """(domain, family, sub-family, proprietary code) of ``BkTxCd``."""
    code = _child(element, "BkTxCd")
    return (
        _text(code, "Domn/Cd", 4).upper(),
        _text(code, "Domn/Fmly/Cd", 4).upper(),
        _text(code, "Domn/Fmly/SubFmlyCd", 4).upper(),
        _text(code, "Prtry/Cd", 35),
    )


def _line(
    tx: ET.Element | None,
    position: int,
    where: str,
    iban: str,
    booked_on: date,
    value_on: date | None,
    cents: int,
    direction: Direction,
    reversal: bool,
    reference: str,
    entry_code: tuple[str, str, str, str],
    extra: str,
    others: list[ET.Element] | None = None,
) -> ParsedLine:
    tx_code = _bank_code(tx)
    domain, family, sub, proprietary = tx_code if any(tx_code) else entry_code
    reason = _text(tx, "RtrInf/Rsn/Cd", 4).upper() or _text(tx, "RtrInf/Rsn/Prtry", 4).upper()
    kind = classify(direction, reversal, family, sub, reason)
    counterparty = _counterparty(tx, direction, kind)
    texts = [_remittance(tx), *(_remittance(other) for other in others or [])]
    texts += [_text(tx, "AddtlTxInf"), extra]
    remittance = " / ".join(dict.fromkeys(t for t in texts if t))[:MAX_TEXT]
    end_to_end = _text(tx, "Refs/EndToEndId", MAX_ID)
    code = "/".join(part for part in (domain, family, sub) if part) or proprietary
    return ParsedLine(
        position=position,
        where=where,
        account_iban=iban,
        booked_on=booked_on,
        value_on=value_on,
        cents=cents,
        direction=direction,
        kind=kind,
        bank_reference=reference,
        remittance=remittance,
        counterparty_name=counterparty[0],
        counterparty_iban=counterparty[1],
        end_to_end_id="" if end_to_end.upper() in _NOT_PROVIDED else end_to_end,
        mandate_id=_text(tx, "Refs/MndtId", MAX_ID)
        or _text(tx, "RltdRmtInf/MndtId", MAX_ID)
        or _text(tx, "RmtInf/Strd/MndtId", MAX_ID),
        bank_code=code[:40],
        return_reason=reason,
    )


def classify(direction: Direction, reversal: bool, family: str, sub: str, reason: str) -> LineKind:
    """What a movement is, from its direction and its ISO bank transaction code.

    A debit is a return (R-transaction) when it carries a return reason, the reversal
    indicator, or a return sub-family (UPDD unpaid direct debit, PRDD, RRTN, RPCR); any other
    debit is none of the ledger's business. A credit marked as a reversal undoes a debit."""
    if direction is Direction.DEBIT:
        if reason or reversal or sub in RETURN_SUBFAMILIES:
            return LineKind.RETURN
        return LineKind.OTHER
    if reversal:
        return LineKind.OTHER
    if family in DIRECT_DEBIT_FAMILIES or sub in DIRECT_DEBIT_SUBFAMILIES:
        return LineKind.DIRECT_DEBIT
    if family in CHEQUE_FAMILIES:
        return LineKind.CHEQUE
    if family in CASH_FAMILIES:
        return LineKind.CASH
    return LineKind.TRANSFER


def _party_name(parties: ET.Element | None, role: str) -> str:
    # .02 to .07: Dbtr/Nm; .08 and later: Dbtr/Pty/Nm.
    return _text(parties, f"{role}/Nm", MAX_NAME) or _text(parties, f"{role}/Pty/Nm", MAX_NAME)


def _counterparty(tx: ET.Element | None, direction: Direction, kind: LineKind) -> tuple[str, str]:
    """(name, IBAN) of whoever paid in, or of the member whose direct debit came back."""
    parties = _child(tx, "RltdPties")
    if parties is None:
        return "", ""
    roles: tuple[str, ...] = ("Dbtr", "UltmtDbtr")
    if direction is Direction.DEBIT:
        roles = ("Dbtr", "UltmtDbtr", "Cdtr") if kind is LineKind.RETURN else ("Cdtr", "UltmtCdtr")
    name = next((n for role in roles if (n := _party_name(parties, role))), "")
    account = "DbtrAcct" if roles[0] == "Dbtr" else "CdtrAcct"
    iban = _text(parties, f"{account}/Id/IBAN")
    return name, _compact(iban)[:34]


def _remittance(tx: ET.Element | None) -> str:
    """The unstructured lines (``Ustrd``), then the structured references (``Strd``)."""
    if tx is None:
        return ""
    parts = [plain(node.text, MAX_TEXT) for node in _all(tx, "RmtInf/Ustrd")]
    for structured in _all(tx, "RmtInf/Strd"):
        parts += [
            _text(structured, "CdtrRefInf/Ref"),
            _text(structured, "RfrdDocInf/Nb"),
            _text(structured, "AddtlRmtInf"),
        ]
    return " ".join(part for part in parts if part)
