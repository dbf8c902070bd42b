"""Writing the registry as a member file that imports back unchanged.

Same headers as the import, French conventions for people who open it in Excel (``;``,
decimal comma, JJ/MM/AAAA, UTF-8 with BOM so Excel detects the accents), and text cells that
Excel cannot mistake for formulas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import Member, PersonKind
from gouvernance.services.printing import spreadsheets
from gouvernance.services.registry.member_files.columns import MEMBER_COLUMNS, fact_header

ExportCell = str | date | Decimal | None
_KIND_ORDER = {kind: position for position, kind in enumerate(FactKind)}
_TYPE_WORDS = {PersonKind.NATURAL: "physique", PersonKind.LEGAL: "morale"}


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[ExportCell]]


def member_table(
    members: Sequence[Member], category_labels: Mapping[str, str] | None = None
) -> Table:
    """One row per member by code (sorted here: collations differ), then one column per fact.
    The category is written by its French label (« producteurs », never ``producer``) when
    ``category_labels`` gives it: the import reads a label as well as a code."""
    labels = category_labels or {}
    members = sorted(members, key=lambda member: member.code)
    fact_keys = sorted(
        {(fact.fiscal_year, fact.kind) for member in members for fact in member.facts},
        key=lambda key: (key[0], _KIND_ORDER[key[1]]),
    )
    headers = [*MEMBER_COLUMNS.values(), *(fact_header(kind, year) for year, kind in fact_keys)]
    rows = [
        [
            *_member_cells(member, labels),
            *(_fact_cell(member, kind, year) for year, kind in fact_keys),
        ]
        for member in members
    ]
    return Table(headers, rows)


def _member_cells(member: Member, labels: Mapping[str, str]) -> list[ExportCell]:
    legal = member.kind is PersonKind.LEGAL
    cells: dict[str, ExportCell] = {
        "code": member.code,
        "type": _TYPE_WORDS[member.kind],
        "nom": None if legal else member.last_name,
        "prenom": None if legal else member.first_name,
        "raison_sociale": member.name if legal else None,
        "siren": member.siren,
        "categorie": labels.get(member.category, member.category),
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
    return spreadsheets.csv_bytes(table.headers, table.rows)


MEMBERS_SHEET = "Membres"
TOTALS_SHEET = "Totaux"


def render_xlsx(table: Table) -> bytes:
    """The members on the first sheet (frozen header, filter, widths) and no row under them:
    the import reads that sheet back. The figures are added up on a second sheet « Totaux »."""
    book = spreadsheets.new_workbook()
    sheet = book.active
    sheet.title = MEMBERS_SHEET
    spreadsheets.write_table(sheet, table.headers, table.rows, totals_row=False)
    figures = table.headers[len(MEMBER_COLUMNS) :]
    spreadsheets.totals_sheet(
        book, TOTALS_SHEET, MEMBERS_SHEET, table.headers, len(table.rows), figures
    )
    return spreadsheets.saved(book)
