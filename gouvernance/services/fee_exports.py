"""A scenario comparison as a file the board opens in a spreadsheet.

Same conventions as the member files: CSV with ``;``, decimal comma and a UTF-8 BOM (Excel then
reads the accents), text cells that Excel cannot take for formulas. Amounts are written from
their exact ``Decimal`` (never a float): as text « 960,00 » in the CSV, as numbers shown with
two decimals in the XLSX. The CSV holds the member table; the XLSX adds one summary sheet per
scenario (totals, members without data, biggest changes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    Scenario,
    burden_percent,
)
from gouvernance.domain.money import from_cents
from gouvernance.services.member_files.columns import protect_text

Value = str | int | Decimal | None
MEMBERS_SHEET = "Membres"
NOT_LIABLE = "pas membre sur la période"
_SHEET_LENGTH = 31  # Excel's limit on a sheet name
_AMOUNT_FORMAT = "#,##0.00"


def _amount(cents: int | None) -> Decimal | None:
    return None if cents is None else from_cents(cents)


# --------------------------------------------------------------------------------------------
# The member table (CSV and the members sheet)


def member_headers(comparison: Comparison) -> list[str]:
    """Code, name, category, then per scenario: amount, difference (not for the reference),
    burden in percent of revenue, what is missing."""
    headers = ["code", "nom", "catégorie"]
    for scenario in comparison.scenarios:
        headers.append(f"montant {scenario.id} (€)")
        if scenario.id != comparison.reference_id:
            headers.append(f"écart {scenario.id} (€)")
        headers += [f"effort {scenario.id} (%)", f"manque {scenario.id}"]
    return headers


def member_rows(comparison: Comparison) -> list[list[Value]]:
    return [_member_row(comparison, line) for line in comparison.members]


def _member_row(comparison: Comparison, line: MemberLine) -> list[Value]:
    row: list[Value] = [line.code, line.name, line.category_label]
    for scenario, cell in zip(comparison.scenarios, line.cells, strict=True):
        row.append(_amount(cell.cents))
        if scenario.id != comparison.reference_id:
            row.append(_amount(cell.difference))
        row += [None if cell.burden is None else burden_percent(cell.burden), _lacking(cell)]
    return row


def _lacking(cell: Cell) -> str | None:
    if not cell.liable:
        return NOT_LIABLE
    return ", ".join(item.text for item in cell.missing) or None


def render_csv(comparison: Comparison) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(member_headers(comparison))
    writer.writerows([_csv_text(value) for value in row] for row in member_rows(comparison))
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return protect_text(value)


# --------------------------------------------------------------------------------------------
# The workbook


def render_xlsx(comparison: Comparison) -> bytes:
    """One summary sheet per scenario (named after its id), then the member table."""
    book = openpyxl.Workbook()
    first = book.active
    names = sheet_names(comparison)
    for position, scenario in enumerate(comparison.scenarios):
        sheet = first if position == 0 else book.create_sheet()
        sheet.title = names[position]
        _write_rows(sheet, scenario_rows(comparison, scenario))
        sheet.column_dimensions["A"].width = 42
        sheet.column_dimensions["B"].width = 36
    members = book.create_sheet(MEMBERS_SHEET)
    _write_rows(members, [member_headers(comparison), *member_rows(comparison)], header=True)
    members.freeze_panes = "D2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_names(comparison: Comparison) -> list[str]:
    """Each scenario's id, cut to Excel's 31 characters and made unique (Excel ignores case)."""
    taken = {MEMBERS_SHEET.casefold()}
    names = []
    for scenario in comparison.scenarios:
        name = scenario.id[:_SHEET_LENGTH]
        number = 2
        while name.casefold() in taken:
            suffix = f"-{number}"
            name = scenario.id[: _SHEET_LENGTH - len(suffix)] + suffix
            number += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def scenario_rows(comparison: Comparison, scenario: Scenario) -> list[list[Value]]:
    """The scenario's summary as label/value lines, then its missing members and changes."""
    schedule = scenario.schedule
    is_reference = scenario.id == comparison.reference_id
    rows: list[list[Value]] = [
        ["Barème", schedule.label],
        ["Identifiant", schedule.id],
        ["Décision", schedule.reference or None],
        ["Fichier", schedule.source],
        ["Exercice", schedule.fiscal_year],
        ["Données lues (exercice)", schedule.facts_year],
        ["Scénario de référence", "oui" if is_reference else f"non ({comparison.reference_id})"],
        ["Total appelé (€)", _amount(scenario.total_cents)],
        ["Membres redevables sur la période", scenario.liable],
        ["Membres appelés (montant > 0)", scenario.charged],
        ["Membres à 0 €", scenario.at_zero],
        ["Membres sans données (hors total)", len(scenario.missing)],
        ["Plus petit montant appelé (€)", _amount(scenario.minimum)],
        ["Montant médian appelé (€)", _amount(scenario.median)],
        ["Plus gros montant appelé (€)", _amount(scenario.maximum)],
        [],
        ["Membres sans données"],
        ["code", "nom", "catégorie", "données manquantes"],
    ]
    rows += [[m.code, m.name, m.category_label, m.describe()] for m in scenario.missing]
    if not is_reference:
        rows += [
            [],
            [f"Plus fortes variations par rapport à {comparison.reference_id}"],
            ["code", "nom", "montant de référence (€)", "montant (€)", "écart (€)"],
        ]
        rows += [
            [c.code, c.name, _amount(c.reference_cents), _amount(c.cents), _amount(c.difference)]
            for c in comparison.biggest_changes(scenario.id)
        ]
    return rows


def _write_rows(sheet: Any, rows: Sequence[Sequence[Value]], *, header: bool = False) -> None:
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            _fill(sheet.cell(row=line, column=column), value)
    if header:
        for cell in sheet[1]:
            cell.font = Font(bold=True)


def _fill(cell: Any, value: Value) -> None:
    """Text stays text (never a formula); amounts are numbers shown with two decimals."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = _AMOUNT_FORMAT
    else:
        cell.value = value
