"""Tables for a spreadsheet, written the same way by every export (members, fee comparisons,
calls, payments): CSV with « ; », a BOM and French decimals so that a French Excel opens it
as it is; XLSX with text that stays text (never a formula), amounts as numbers, dates as dates.
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


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    amount_format: str | None = None,
) -> bytes:
    """A one-sheet workbook: a bold header row, then the rows."""
    book = new_workbook()
    sheet = book.active
    sheet.title = title
    write_rows(sheet, [list(headers), *rows], header=True, amount_format=amount_format)
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
