"""Writing the registry as a member file that imports back unchanged.

Same headers as the import, French conventions for people who open it in Excel (``;``,
decimal comma, JJ/MM/AAAA, UTF-8 with BOM so Excel detects the accents), and text cells that
Excel cannot mistake for formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import Member, PersonKind
from gouvernance.services.member_files.columns import MEMBER_COLUMNS, fact_header, protect_text

ExportCell = str | date | Decimal | None
_KIND_ORDER = {kind: position for position, kind in enumerate(FactKind)}
_TYPE_WORDS = {PersonKind.NATURAL: "physique", PersonKind.LEGAL: "morale"}


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[ExportCell]]


def member_table(members: Sequence[Member]) -> Table:
    """One row per member by code (sorted here: collations differ), then one column per fact."""
    members = sorted(members, key=lambda member: member.code)
    fact_keys = sorted(
        {(fact.fiscal_year, fact.kind) for member in members for fact in member.facts},
        key=lambda key: (key[0], _KIND_ORDER[key[1]]),
    )
    headers = [*MEMBER_COLUMNS.values(), *(fact_header(kind, year) for year, kind in fact_keys)]
    rows = [
        [*_member_cells(member), *(_fact_cell(member, kind, year) for year, kind in fact_keys)]
        for member in members
    ]
    return Table(headers, rows)


def _member_cells(member: Member) -> list[ExportCell]:
    legal = member.kind is PersonKind.LEGAL
    cells: dict[str, ExportCell] = {
        "code": member.code,
        "type": _TYPE_WORDS[member.kind],
        "nom": None if legal else member.last_name,
        "prenom": None if legal else member.first_name,
        "raison_sociale": member.name if legal else None,
        "siren": member.siren,
        "categorie": member.category,
        "date_adhesion": member.joined_on,
        "date_sortie": member.left_on,
        "motif_sortie": member.leave_reason,
        "email": member.email,
        "telephone": member.phone,
        "adresse": member.address,
        "code_postal": member.postal_code,
        "ville": member.city,
    }
    return [cells[key] for key in MEMBER_COLUMNS]


def _fact_cell(member: Member, kind: FactKind, year: int) -> Decimal | None:
    """The figure at the precision the import accepts (storage keeps hundredths for all)."""
    if not member.has_fact(kind, year):
        return None
    return member.fact(kind, year).quantize(Decimal(1).scaleb(-kind.places))


def render_csv(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(table.headers)
    writer.writerows([_csv_text(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(cell: ExportCell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return f"{cell:%d/%m/%Y}"
    if isinstance(cell, Decimal):
        return str(cell).replace(".", ",")
    return protect_text(cell)


def render_xlsx(table: Table) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Membres"
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for line, row in enumerate(table.rows, start=2):
        for column, value in enumerate(row, start=1):
            _fill(sheet.cell(row=line, column=column), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(cell: Any, value: ExportCell) -> None:
    """Typed cells: text stays text (never a formula), dates and figures are real Excel values."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.value = value
        exponent = value.as_tuple().exponent
        cell.number_format = "#,##0" if exponent == 0 else "#,##0.00"
    else:
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
