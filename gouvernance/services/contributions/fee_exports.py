"""A scenario comparison as a file the board opens in a spreadsheet.

Same conventions as the member files: CSV with ``;``, decimal comma and a UTF-8 BOM (Excel then
reads the accents), text cells that Excel cannot take for formulas. Amounts are written from
their exact ``Decimal`` (never a float): as text « 960,00 » in the CSV, as numbers shown with
two decimals in the XLSX. The CSV holds the member table; the XLSX adds one summary sheet per
scenario (totals, members without data, biggest changes).
"""

from __future__ import annotations

from decimal import Decimal

from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    Scenario,
    burden_percent,
)
from gouvernance.domain.money import from_cents
from gouvernance.services.printing import spreadsheets

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
    return spreadsheets.csv_bytes(member_headers(comparison), member_rows(comparison))


def render_xlsx(comparison: Comparison) -> bytes:
    """One summary sheet per scenario (named after its id), then the member table."""
    book = spreadsheets.new_workbook()
    first = book.active
    names = sheet_names(comparison)
    for position, scenario in enumerate(comparison.scenarios):
        sheet = first if position == 0 else book.create_sheet()
        sheet.title = names[position]
        spreadsheets.write_rows(
            sheet, scenario_rows(comparison, scenario), amount_format=_AMOUNT_FORMAT
        )
        sheet.column_dimensions["A"].width = 42
        sheet.column_dimensions["B"].width = 36
    members = book.create_sheet(MEMBERS_SHEET)
    spreadsheets.write_table(
        members, member_headers(comparison), member_rows(comparison), amount_format=_AMOUNT_FORMAT
    )
    members.freeze_panes = "D2"
    return spreadsheets.saved(book)


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
