"""Tables for a spreadsheet, written the same way by every export (members, fee comparisons,
calls, payments): CSV with « ; », a BOM and French decimals so that a French Excel opens it
as it is; XLSX with text that stays text (never a formula), amounts as numbers, dates as dates,
and every table made to be read (``write_table``): frozen bold header, a filter, widths that
fit, a totals row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from gouvernance.services.registry.member_files.columns import protect_text

Cell = str | int | Decimal | date | None
DATE_FORMAT = "DD/MM/YYYY"


def csv_text(value: Cell) -> str:
    """« 1234,50 », « 31/03/2027 », text protected against formula injection."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return protect_text(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows([csv_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def fill(cell: Any, value: Cell, *, amount_format: str | None = None) -> None:
    """One typed cell. ``amount_format`` for decimals; without it, a whole decimal shows no
    decimals and any other shows two."""
    if value is None or value == "":
        return
    if isinstance(value, str):
        cell.value = _illegal_characters().sub("", value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        cell.value = value
        if amount_format is not None:
            cell.number_format = amount_format
        else:
            whole = value.as_tuple().exponent == 0
            cell.number_format = "#,##0" if whole else "#,##0.00"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value


def write_rows(
    sheet: Any,
    rows: Iterable[Sequence[Cell]],
    *,
    header: bool = False,
    amount_format: str | None = None,
) -> None:
    """Rows from the sheet's first line; with ``header`` the first is bold and stays in view."""
    for line, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            fill(sheet.cell(row=line, column=column), value, amount_format=amount_format)
    if header:
        from openpyxl.styles import Font

        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"


TOTAL_LABEL = "Total"
_WIDTH_BOUNDS = (8, 60)


def is_amount_header(header: str) -> bool:
    """A column of euros (« montant (€) », « reste dû (€) »): the ones a totals row adds up."""
    return "€" in header


def write_table(
    sheet: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    amount_format: str | None = None,
    totals: Sequence[str] | None = None,
    totals_row: bool = True,
) -> None:
    """A table people like to open: a bold header that stays in view, a filter on every
    column, widths that fit the content, and under the rows a totals row (« Total ») whose
    cells add up the columns ``totals`` names (default: the columns in euros) with
    ``SUBTOTAL(109, …)``, so that the total follows the filter. Without ``totals_row`` (a file
    read back by the import), no row is added under the data."""
    table = [list(row) for row in rows]
    write_rows(sheet, [list(headers), *table], header=True, amount_format=amount_format)
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    last_row = len(table) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{last_row}"
    wanted = set(totals) if totals is not None else {h for h in headers if is_amount_header(h)}
    summed = [column for column, header in enumerate(headers, start=1) if header in wanted]
    footer: list[Cell] = [None] * len(headers)
    if totals_row and summed and table:  # an empty table: nothing to add up
        line = last_row + 1
        label_column = next((c for c in range(1, len(headers) + 1) if c not in summed), None)
        if label_column is not None:
            label = f"{TOTAL_LABEL} ({len(table)} ligne{'s' if len(table) > 1 else ''})"
            footer[label_column - 1] = label
            sheet.cell(row=line, column=label_column, value=label).font = Font(bold=True)
        for column in summed:
            letter = get_column_letter(column)
            cell = sheet.cell(row=line, column=column)
            cell.value = f"=SUBTOTAL(109,{letter}2:{letter}{last_row})"
            cell.number_format = amount_format or "#,##0.00"
            cell.font = Font(bold=True)
    fit_widths(sheet, [list(headers), *table, footer])


def fit_widths(sheet: Any, rows: Sequence[Sequence[Cell]]) -> None:
    """Each column as wide as its longest shown value (between 8 and 60 characters)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for column, value in enumerate(row, start=1):
            widths[column] = max(widths.get(column, 0), _shown_length(value))
    low, high = _WIDTH_BOUNDS
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(high, max(low, width + 2))


def _shown_length(value: Cell) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}") + 2  # « 1 234,50 € »
    return max((len(part) for part in str(value).splitlines()), default=0)


def totals_sheet(
    book: Any,
    title: str,
    source: str,
    headers: Sequence[str],
    row_count: int,
    columns: Sequence[str],
) -> Any:
    """A second sheet that adds up ``columns`` of the sheet ``source`` (a table whose rows must
    stay rows, as the member file the import reads back): one line per column, with its sum."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    rows: list[list[Cell]] = [["colonne", "total"], ["lignes", row_count]]
    write_rows(sheet, rows, header=True)
    for line, name in enumerate(columns, start=3):
        letter = get_column_letter(list(headers).index(name) + 1)
        sheet.cell(row=line, column=1, value=name)
        last = row_count + 1
        formula = f"=SUM('{source}'!{letter}2:{letter}{last})" if row_count else 0
        sheet.cell(row=line, column=2, value=formula).number_format = "#,##0.00"
    fit_widths(sheet, [["colonne", "total"], *([name, "0 000 000,00"] for name in columns)])
    return sheet


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    amount_format: str | None = None,
    totals: Sequence[str] | None = None,
    totals_row: bool = True,
) -> bytes:
    """A one-sheet workbook: the table of ``write_table``."""
    book = new_workbook()
    sheet = book.active
    sheet.title = title
    write_table(
        sheet, headers, rows, amount_format=amount_format, totals=totals, totals_row=totals_row
    )
    return saved(book)


def new_workbook() -> Any:
    """An empty workbook. openpyxl is imported here, not at the top, so that the commands and
    requests that write no spreadsheet start without it."""
    import openpyxl

    return openpyxl.Workbook()


@cache
def _illegal_characters() -> re.Pattern[str]:
    """The control characters an XLSX cell cannot hold (openpyxl's own list), looked up once."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    pattern: re.Pattern[str] = ILLEGAL_CHARACTERS_RE
    return pattern


def saved(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
