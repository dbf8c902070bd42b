"""Reading a bank's CSV export with a named profile (``rules/banque/*.yaml``).

French banks export their statements as CSV with « ; » between cells, a decimal comma, dates
as JJ/MM/AAAA, in UTF-8 or in Windows' cp1252; the column titles differ from one bank to the
next (« Date opération », « Libellé », « Débit », « Crédit »…). A profile says which titles mean
what, which columns are known but useless (the running balance), and which words of a label
mark a direct debit, a cheque, or a returned direct debit. A column the profile does not know
is refused naming its line and title, so that no amount is read from the wrong column; nothing
is recorded from a file with a problem, and every problem is reported at once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from gouvernance.domain.bank.model import (
    RETURN_REASONS,
    Direction,
    LineKind,
    ParsedLine,
    ParsedStatement,
    StatementFormat,
    number_occurrences,
    plain,
)
from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.fees.documents import read_yaml
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.money import parse_amount, to_cents

ROLES = ("date", "value_date", "amount", "debit", "credit", "label", "name", "iban", "reference")
ROLE_LABELS = {
    "date": "date de l'opération",
    "value_date": "date de valeur",
    "amount": "montant",
    "debit": "débit",
    "credit": "crédit",
    "label": "libellé",
    "name": "tiers",
    "iban": "IBAN du tiers",
    "reference": "référence de la banque",
}
KIND_WORDS = ("direct_debit", "cheque", "cash", "return")
MAX_LINES = 100_000
MAX_TEXT = 500
MAX_PROBLEMS = 50
_REASON = re.compile(r"\b(" + "|".join(RETURN_REASONS) + r")\b")


@dataclass(frozen=True)
class CsvProfile:
    """How one bank writes its CSV: separator, decimal mark, date formats, column titles."""

    id: str
    label: str
    delimiter: str
    decimal: str
    date_formats: tuple[str, ...]
    encodings: tuple[str, ...]
    columns: Mapping[str, tuple[str, ...]]  # role → titles, as the bank writes them
    ignored: tuple[str, ...]  # titles known and not read (balance, category…)
    words: Mapping[str, tuple[str, ...]]  # kind → words of a label that mark it
    header_search: int = 10  # lines that may come before the titles (account, period…)
    source: str = ""
    # Where the payer's name is in a label, when no column gives it (« /DE DUPONT JEAN / »).
    name_patterns: tuple[re.Pattern[str], ...] = ()

    def role_of(self, title: str) -> str | None:
        wanted = fold(title)
        for role, titles in self.columns.items():
            if wanted in {fold(t) for t in titles}:
                return role
        return None

    def is_ignored(self, title: str) -> bool:
        return fold(title) in {fold(t) for t in self.ignored}

    def known_titles(self) -> list[str]:
        return [title for titles in self.columns.values() for title in titles]


def fold(text: str) -> str:
    """Accents, case, surrounding quotes and repeated spaces do not count in a title or a word."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().strip(" \"'.:").split())


def parse_profile_text(text: str, source: str) -> CsvProfile:
    """A profile from its YAML; a mistake names the file and the key."""
    document = read_yaml(text, source)
    if not isinstance(document, dict):
        raise RuleError(source, "(document)", "un profil CSV est un dictionnaire YAML")
    profile_id = _required_text(document, "id", source)
    columns_raw = document.get("columns")
    if not isinstance(columns_raw, dict):
        raise RuleError(source, "columns", "dictionnaire rôle → titres de colonnes attendu")
    columns: dict[str, tuple[str, ...]] = {}
    for role, titles in columns_raw.items():
        if role not in ROLES:
            raise RuleError(source, f"columns.{role}", f"rôle inconnu (rôles : {', '.join(ROLES)})")
        columns[str(role)] = _texts(titles, f"columns.{role}", source)
    if "date" not in columns or "label" not in columns:
        raise RuleError(source, "columns", "les rôles « date » et « label » sont obligatoires")
    if "amount" not in columns and not {"debit", "credit"} <= set(columns):
        raise RuleError(
            source,
            "columns",
            "il faut un rôle « amount », ou les deux rôles « debit » et « credit »",
        )
    words_raw = document.get("words") or {}
    if not isinstance(words_raw, dict):
        raise RuleError(source, "words", "dictionnaire sorte → mots attendu")
    words: dict[str, tuple[str, ...]] = {}
    for kind, found in words_raw.items():
        if kind not in KIND_WORDS:
            raise RuleError(source, f"words.{kind}", f"sorte inconnue ({', '.join(KIND_WORDS)})")
        words[str(kind)] = _texts(found, f"words.{kind}", source)
    delimiter = str(document.get("delimiter", ";"))
    if delimiter not in (";", ",", "\t", "|"):
        raise RuleError(source, "delimiter", "séparateur « ; », « , », « | » ou tabulation")
    decimal = str(document.get("decimal", ","))
    if decimal not in (",", "."):
        raise RuleError(source, "decimal", "séparateur décimal « , » ou « . »")
    formats = _texts(document.get("date_formats", ["%d/%m/%Y"]), "date_formats", source)
    encodings = _texts(document.get("encodings", ["utf-8", "cp1252"]), "encodings", source)
    for encoding in encodings:
        try:
            "".encode(encoding)
        except LookupError:
            raise RuleError(source, "encodings", f"encodage inconnu « {encoding} »") from None
    patterns: list[re.Pattern[str]] = []
    for index, raw in enumerate(
        _texts(document.get("name_patterns", []), "name_patterns", source)
        if document.get("name_patterns")
        else ()
    ):
        try:
            pattern = re.compile(raw, re.IGNORECASE)
        except re.error as error:
            raise RuleError(
                source, f"name_patterns[{index}]", f"expression illisible : {error}"
            ) from None
        if "name" not in pattern.groupindex:
            raise RuleError(source, f"name_patterns[{index}]", "le groupe (?P<name>…) manque")
        patterns.append(pattern)
    search = document.get("header_search", 10)
    if not isinstance(search, int) or not 1 <= search <= 50:
        raise RuleError(source, "header_search", "un nombre de lignes entre 1 et 50")
    return CsvProfile(
        id=profile_id,
        label=str(document.get("label", profile_id)),
        delimiter=delimiter,
        decimal=decimal,
        date_formats=formats,
        encodings=encodings,
        columns=columns,
        ignored=_texts(document.get("ignored", []), "ignored", source),
        words=words,
        header_search=search,
        source=source,
        name_patterns=tuple(patterns),
    )


def _required_text(document: Mapping[str, Any], key: str, source: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(source, key, "texte obligatoire")
    return value.strip()


def _texts(value: object, path: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleError(source, path, "liste de textes attendue")
    return tuple(v.strip() for v in value)


# --- The file ---------------------------------------------------------------------------------


def decode(data: bytes, profile: CsvProfile, filename: str) -> str:
    """The text in the first of the profile's encodings that reads it (BOM removed)."""
    for encoding in profile.encodings:
        try:
            text = data.decode("utf-8-sig" if fold(encoding) in ("utf-8", "utf8") else encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise InvalidInput(
        f"« {filename} » n'est pas un fichier texte lisible en {', '.join(profile.encodings)} "
        f"(profil « {profile.id} »)",
        field="file",
    )


def parse_csv(
    data: bytes, filename: str, profile: CsvProfile, account_iban: str = ""
) -> ParsedStatement:
    """Every movement of the file; all its problems at once, each with its line and column."""
    text = decode(data, profile, filename)
    rows = _rows(text, profile, filename)
    header_index = _header_index(rows, profile)
    if header_index is None:
        _no_header(rows, profile, filename)
    assert header_index is not None
    header_line, titles = rows[header_index]
    layout = _layout(header_line, titles, profile, filename)
    problems: list[Problem] = []
    lines: list[ParsedLine] = []
    for line_number, cells in rows[header_index + 1 :]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(problems) >= MAX_PROBLEMS:
            break
        parsed = _row(line_number, cells, titles, layout, profile, account_iban, problems)
        if parsed is not None:
            lines.append(parsed)
    if problems:
        first = problems[0]
        raise InvalidInput(
            f"« {filename} » : {first.message}"
            + (f" (et {len(problems) - 1} autre(s) problème(s))" if len(problems) > 1 else ""),
            field=first.field,
            problems=problems,
        )
    booked = [line.booked_on for line in lines]
    return ParsedStatement(
        format=StatementFormat.CSV,
        statement_ids=(),
        account_ibans=(account_iban,) if account_iban else (),
        from_date=min(booked) if booked else None,
        to_date=max(booked) if booked else None,
        lines=tuple(number_occurrences(lines)),
    )


def _rows(text: str, profile: CsvProfile, filename: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=profile.delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
            if len(rows) > MAX_LINES:
                raise InvalidInput(
                    f"« {filename} » a plus de {MAX_LINES} lignes : découpez le relevé par mois",
                    field="file",
                )
    except csv.Error:
        raise InvalidInput(
            f"« {filename} », ligne {start} : CSV illisible (guillemet non refermé ?)",
            field="file",
            problems=[Problem("CSV illisible (guillemet non refermé ?)", "file", start)],
        ) from None
    if not rows:
        raise InvalidInput(f"« {filename} » est vide", field="file")
    return rows


def _header_index(rows: list[tuple[int, list[str]]], profile: CsvProfile) -> int | None:
    """The titles' line: the first of the first lines that holds a date column's title."""
    for index, (_, cells) in enumerate(rows[: profile.header_search]):
        if any(profile.role_of(cell) == "date" for cell in cells if cell.strip()):
            return index
    return None


def _no_header(rows: list[tuple[int, list[str]]], profile: CsvProfile, filename: str) -> None:
    line, cells = rows[0]
    shown = next((cell.strip() for cell in cells if cell.strip()), "")
    hint = ""
    first = profile.delimiter
    raw = profile.delimiter.join(cells)
    for other in (";", ",", "\t"):
        if other != first and raw.count(other) > raw.count(first):
            hint = (
                f" ; les cellules semblent séparées par « {other} » et non par « {first} » "
                "comme le profil l'attend"
            )
            break
    dates = ", ".join(f"« {t} »" for t in profile.columns["date"][:3])
    message = (
        f"ligne {line}, colonne « {shown[:60]} » : colonne inconnue du profil « {profile.id} » "
        f"— aucune ligne de titres avec une date ({dates}…) dans les {profile.header_search} "
        f"premières lignes{hint}"
    )
    raise InvalidInput(
        f"« {filename} » : {message}", field=shown[:60] or "file",
        problems=[Problem(message, shown[:60] or "file", line)],
    )  # fmt: skip


@dataclass(frozen=True)
class _Layout:
    positions: Mapping[str, int]  # role → column index


def _layout(line: int, titles: Sequence[str], profile: CsvProfile, filename: str) -> _Layout:
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, title in enumerate(titles):
        if not title.strip() or profile.is_ignored(title):
            continue
        role = profile.role_of(title)
        if role is None:
            known = ", ".join(f"« {t} »" for t in profile.known_titles()[:12])
            problems.append(
                Problem(
                    f"ligne {line}, colonne {index + 1} « {title.strip()} » : colonne inconnue "
                    f"du profil « {profile.id} » (colonnes connues : {known}…) ; ajoutez ce titre "
                    f"au profil ({profile.source or profile.id}, clé columns ou ignored)",
                    title.strip(),
                    line,
                )
            )
        elif role in positions:
            problems.append(
                Problem(
                    f"ligne {line}, colonne {index + 1} « {title.strip()} » : deux colonnes "
                    f"disent la même chose ({ROLE_LABELS[role]})",
                    title.strip(),
                    line,
                )
            )
        else:
            positions[role] = index
    missing = [role for role in ("date", "label") if role not in positions]
    if "amount" not in positions and not {"debit", "credit"} <= set(positions):
        missing.append("amount")
    for role in missing:
        titles_wanted = [*profile.columns.get(role, ())][:3]
        if role == "amount":
            debit_credit = [
                *profile.columns.get("debit", ())[:1],
                *profile.columns.get("credit", ())[:1],
            ]
            if len(debit_credit) == 2:
                titles_wanted.append(" et ".join(f"« {t} »" for t in debit_credit))
        wanted = " ou ".join(t if t.startswith("«") else f"« {t} »" for t in titles_wanted)
        problems.append(
            Problem(
                f"ligne {line} : colonne du {ROLE_LABELS[role]} absente (attendu {wanted})",
                role,
                line,
            )
        )
    if problems:
        raise InvalidInput(f"« {filename} » : {problems[0].message}", field=problems[0].field,
                           problems=problems)  # fmt: skip
    return _Layout(positions)


def _cell(cells: Sequence[str], layout: _Layout, role: str) -> str:
    index = layout.positions.get(role)
    if index is None or index >= len(cells):
        return ""
    return plain(cells[index], MAX_TEXT)


def _row(
    line: int,
    cells: list[str],
    titles: Sequence[str],
    layout: _Layout,
    profile: CsvProfile,
    account_iban: str,
    problems: list[Problem],
) -> ParsedLine | None:
    def title(role: str) -> str:
        return titles[layout.positions[role]].strip()

    def refuse(role: str, message: str) -> None:
        problems.append(Problem(f"ligne {line}, colonne « {title(role)} » : {message}",
                                title(role), line))  # fmt: skip

    if len(cells) > len(titles) and any(c.strip() for c in cells[len(titles) :]):
        problems.append(
            Problem(
                f"ligne {line} : {len(cells)} cellules pour {len(titles)} colonnes (une virgule "
                "décimale sans guillemets dans un fichier séparé par des virgules ?)",
                "file",
                line,
            )
        )
        return None
    booked_raw = _cell(cells, layout, "date")
    amount = _signed_cents(line, cells, layout, profile, refuse)
    if not booked_raw:
        if amount is not None and amount != 0:
            refuse("date", "date absente")
        return None  # a line of totals or a blank line under the titles
    booked_on = _parse_date(booked_raw, profile)
    if booked_on is None:
        refuse("date", f"« {booked_raw[:40]} » n'est pas une date ({_formats(profile)})")
    value_on = None
    if "value_date" in layout.positions and (raw := _cell(cells, layout, "value_date")):
        value_on = _parse_date(raw, profile)
        if value_on is None:
            refuse("value_date", f"« {raw[:40]} » n'est pas une date ({_formats(profile)})")
    if booked_on is None or amount is None or amount == 0:
        return None
    direction = Direction.CREDIT if amount > 0 else Direction.DEBIT
    label = _cell(cells, layout, "label")[:MAX_TEXT]
    kind = _kind(direction, label, profile)
    return ParsedLine(
        position=line,
        where=f"ligne {line}",
        account_iban=account_iban,
        booked_on=booked_on,
        value_on=value_on,
        cents=abs(amount),
        direction=direction,
        kind=kind,
        bank_reference=_cell(cells, layout, "reference")[:100],
        remittance=label,
        counterparty_name=(_cell(cells, layout, "name") or _name_in(label, profile))[:140],
        counterparty_iban="".join(_cell(cells, layout, "iban").split()).upper()[:34],
        return_reason=_reason(label) if kind is LineKind.RETURN else "",
    )


def _formats(profile: CsvProfile) -> str:
    shown = {"%d/%m/%Y": "JJ/MM/AAAA", "%d/%m/%y": "JJ/MM/AA", "%Y-%m-%d": "AAAA-MM-JJ",
             "%d.%m.%Y": "JJ.MM.AAAA", "%d-%m-%Y": "JJ-MM-AAAA"}  # fmt: skip
    return "attendu " + " ou ".join(shown.get(f, f) for f in profile.date_formats)


def _parse_date(raw: str, profile: CsvProfile) -> date | None:
    for pattern in profile.date_formats:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def _amount(raw: str, profile: CsvProfile, role: str) -> int:
    """Exact cents of « 1 234,50 », « -12,00 », « 1.234,50 » (dots group thousands when the
    profile's decimal mark is a comma), « 45,00 € »."""
    text = raw.strip()
    if profile.decimal == "," and "," in text and "." in text:
        text = text.replace(".", "")
    elif profile.decimal == "." and "," in text and "." in text:
        text = text.replace(",", "")
    return to_cents(parse_amount(text, field=role))


def _signed_cents(
    line: int, cells: list[str], layout: _Layout, profile: CsvProfile, refuse: Any
) -> int | None:
    """Positive for money in, negative for money out; ``None`` when unreadable (refused)."""
    try:
        if "amount" in layout.positions:
            raw = _cell(cells, layout, "amount")
            return _amount(raw, profile, "amount") if raw else 0
        debit_raw = _cell(cells, layout, "debit")
        credit_raw = _cell(cells, layout, "credit")
        debit = abs(_amount(debit_raw, profile, "debit")) if debit_raw else 0
        credit = abs(_amount(credit_raw, profile, "credit")) if credit_raw else 0
    except InvalidInput as error:
        role = error.field or "amount"
        refuse(role, f"{error.message.rstrip('.')} : ce n'est pas un montant")
        return None
    if debit and credit:
        refuse("debit", "un débit et un crédit sur la même ligne")
        return None
    return credit - debit


def _words(label: str) -> str:
    return f" {' '.join(re.split(r'[^0-9a-z]+', fold(label)))} "


def _has(label_words: str, words: Sequence[str]) -> bool:
    return any(f" {' '.join(re.split(r'[^0-9a-z]+', fold(word)))} " in label_words
               for word in words)  # fmt: skip


def _kind(direction: Direction, label: str, profile: CsvProfile) -> LineKind:
    found = _words(label)
    if direction is Direction.DEBIT:
        return LineKind.RETURN if _has(found, profile.words.get("return", ())) else LineKind.OTHER
    if _has(found, profile.words.get("return", ())):
        return LineKind.OTHER  # a credit « retour » undoes a debit: not a member's payment
    for kind, line_kind in (("direct_debit", LineKind.DIRECT_DEBIT), ("cheque", LineKind.CHEQUE),
                            ("cash", LineKind.CASH)):  # fmt: skip
        if _has(found, profile.words.get(kind, ())):
            return line_kind
    return LineKind.TRANSFER


def _name_in(label: str, profile: CsvProfile) -> str:
    for pattern in profile.name_patterns:
        found = pattern.search(label)
        if found and found.group("name").strip():
            return " ".join(found.group("name").split())
    return ""


def _reason(label: str) -> str:
    found = _REASON.search(label.upper())
    return found.group(1) if found else ""
