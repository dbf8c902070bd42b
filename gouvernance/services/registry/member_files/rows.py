"""What the cells of one row mean: a member draft, its facts, and every problem, by column.

A row is checked as a whole, like a form: a missing type or date does not stop the other
columns from being checked, it only silences the checks that depend on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.facts import Fact, FactKind, check_fact
from gouvernance.domain.members import Category, MemberDraft, PersonKind, leave_reason_problem
from gouvernance.domain.money import parse_amount, parse_number
from gouvernance.services.registry.member_files.columns import (
    Layout,
    column_letter,
    normalise_label,
    unprotect_text,
)
from gouvernance.services.registry.member_files.reading import Cell, Row

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_PLACEHOLDER_DAY = date(2000, 1, 1)  # stands for a missing date so the other checks still run
_KINDS = {
    "physique": PersonKind.NATURAL,
    "personne_physique": PersonKind.NATURAL,
    "natural": PersonKind.NATURAL,
    "morale": PersonKind.LEGAL,
    "personne_morale": PersonKind.LEGAL,
    "legal": PersonKind.LEGAL,
}
# Draft field → column key (``name`` depends on the columns present, see ``_column_of``).
_DRAFT_COLUMNS = {
    "first_name": "prenom",
    "last_name": "nom",
    "siren": "siren",
    "category": "categorie",
    "code": "code",
    "email": "email",
    "phone": "telephone",
    "address": "adresse",
    "postal_code": "code_postal",
    "city": "ville",
    "left_on": "date_sortie",
}


@dataclass
class ParsedRow:
    """One row read: its draft (normalised; placeholders where a value is missing) and problems."""

    line: int
    draft: MemberDraft
    facts: list[Fact] = field(default_factory=list)
    leave_reason: str | None = None
    problems: list[Problem] = field(default_factory=list)


def category_index(categories: Iterable[Category]) -> dict[str, str]:
    """Normalised code or label → code: « Producteurs » and ``producer`` name the same one."""
    index: dict[str, str] = {}
    for category in categories:
        index[normalise_label(category.label)] = category.code
    for category in categories:
        index[normalise_label(category.code)] = category.code
    return index


def cell_text(cell: Cell) -> str | None:
    """The text of a cell, ``None`` when empty; Excel numbers are written without float noise."""
    if cell is None:
        return None
    if isinstance(cell, str):
        return unprotect_text(cell.strip()) or None
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else str(Decimal(str(cell)))
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    return str(cell)


def cell_date(cell: Cell) -> date | None:
    """A date from JJ/MM/AAAA, AAAA-MM-JJ or an Excel date cell; ``None`` when empty."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = cell_text(cell)
    if text is None:
        return None
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise InvalidInput(f"« {text} » n'est pas une date : écrivez JJ/MM/AAAA (01/03/2026)")
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{text} n'est pas une date valide") from None


def cell_number(cell: Cell, kind: FactKind) -> Decimal | None:
    """A figure, exact: French text (« 48 000,50 ») or an Excel number read through its text."""
    if isinstance(cell, bool):
        raise InvalidInput(f"« {cell} » n'est pas un nombre")
    if isinstance(cell, int | Decimal):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(str(cell))
    text = cell_text(cell)
    if text is None:
        return None
    if not isinstance(cell, str):
        raise InvalidInput(f"« {text} » n'est pas un nombre")
    return parse_amount(text) if kind.is_money else parse_number(text)


def parse_row(layout: Layout, row: Row, categories: Mapping[str, str]) -> ParsedRow:
    """Read and check one row; ``categories`` comes from ``category_index``."""
    cells = _RowCells(layout, row)
    kind = cells.kind()
    category = cells.required_text("categorie", "la catégorie est obligatoire")
    joined = cells.day("date_adhesion")
    if joined is None and cells.blank("date_adhesion") and "date_adhesion" in layout.fields:
        cells.report("date_adhesion", "la date d'adhésion est obligatoire")
    known = categories.get(normalise_label(category), category) if category else None
    draft = cells.draft(kind, known, joined)
    ignored = _unchecked_fields(kind, category, joined)
    for problem in draft.problems(set(categories.values())):
        if problem.field not in ignored:
            cells.report(_column_of(problem.field, layout), problem.message)
    cells.untitled()
    facts, reason = cells.facts(), cells.leave_reason(draft.left_on)
    return ParsedRow(row.line, draft, facts, reason, cells.problems)


def _unchecked_fields(
    kind: PersonKind | None, category: str | None, joined: date | None
) -> set[str]:
    """The draft checks a missing value would only repeat or get wrong."""
    ignored: set[str] = set()
    if kind is None:
        ignored |= {"name", "first_name", "last_name", "siren"}
    if category is None:
        ignored.add("category")
    if joined is None:
        ignored.add("left_on")
    return ignored


def _column_of(draft_field: str | None, layout: Layout) -> str:
    if draft_field == "name":
        in_file = "raison_sociale" in layout.fields or "nom" not in layout.fields
        return "raison_sociale" if in_file else "nom"
    return _DRAFT_COLUMNS.get(draft_field or "", "code")


@dataclass
class _RowCells:
    """The cells of one row by column key, and the problems found in them."""

    layout: Layout
    row: Row
    problems: list[Problem] = field(default_factory=list)

    def raw(self, key: str) -> Cell:
        index = self.layout.fields.get(key)
        if index is None or index >= len(self.row.cells):
            return None
        return self.row.cells[index]

    def blank(self, key: str) -> bool:
        return cell_text(self.raw(key)) is None

    def text(self, key: str) -> str | None:
        return cell_text(self.raw(key))

    def report(self, key: str, message: str) -> None:
        self.problems.append(Problem(message, self.layout.header(key), self.row.line))

    def required_text(self, key: str, missing: str) -> str | None:
        text = self.text(key)
        if text is None and key in self.layout.fields:
            self.report(key, missing)
        return text

    def day(self, key: str) -> date | None:
        try:
            return cell_date(self.raw(key))
        except InvalidInput as refused:
            self.report(key, refused.message)
            return None

    def digits(self, key: str, width: int) -> str | None:
        """Postal codes and phones typed as Excel numbers lost their leading zero: restore it."""
        raw = self.raw(key)
        text = cell_text(raw)
        if text is not None and isinstance(raw, int | float) and text.isdigit():
            return text.zfill(width)
        return text

    def kind(self) -> PersonKind | None:
        text = self.required_text("type", "le type est obligatoire : physique ou morale")
        if text is None:
            return None
        kind = _KINDS.get(normalise_label(text))
        if kind is None:
            self.report("type", f"type inconnu « {text} » : écrivez physique ou morale")
        return kind

    def draft(
        self, kind: PersonKind | None, category: str | None, joined: date | None
    ) -> MemberDraft:
        legal = kind is not PersonKind.NATURAL
        return MemberDraft(
            kind=kind or PersonKind.LEGAL,
            category=category or "",
            joined_on=joined or _PLACEHOLDER_DAY,
            name=(self.text("raison_sociale") or self.text("nom") or "") if legal else "",
            first_name=self.text("prenom") or "",
            last_name=self.text("nom") or "",
            siren=self.text("siren"),
            code=self.text("code"),
            email=self.text("email"),
            phone=self.digits("telephone", 10),
            address=self.text("adresse"),
            postal_code=self.digits("code_postal", 5),
            city=self.text("ville"),
            left_on=self.day("date_sortie"),
        ).normalised()

    def facts(self) -> list[Fact]:
        """The figures given; an empty cell is no figure (not zero)."""
        found: list[Fact] = []
        for column in self.layout.facts:
            cell = self.row.cells[column.index] if column.index < len(self.row.cells) else None
            try:
                value = cell_number(cell, column.kind)
                if value is not None:
                    check_fact(column.year, column.kind, value)
                    found.append(Fact(column.year, column.kind, value))
            except InvalidInput as refused:
                self.problems.append(Problem(refused.message, column.header, self.row.line))
        return found

    def untitled(self) -> None:
        """A value under an empty header would be lost: say so rather than drop it."""
        for index in self.layout.untitled:
            text = cell_text(self.row.cells[index]) if index < len(self.row.cells) else None
            if text is not None:
                letter = column_letter(index + 1)
                message = f"la colonne {letter} n'a pas de titre mais contient « {text} »"
                self.problems.append(Problem(message, None, self.row.line))

    def leave_reason(self, left_on: date | None) -> str | None:
        reason = self.text("motif_sortie")
        if reason is not None and left_on is None and self.blank("date_sortie"):
            self.report("motif_sortie", "un motif de sortie sans date de sortie")
        if reason is not None and (problem := leave_reason_problem(reason)):
            self.report("motif_sortie", problem)
        return reason
