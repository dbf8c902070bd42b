"""Turning the bytes of a CSV or XLSX file into a header line and numbered rows of cells.

Only the file's mechanics live here (encoding, delimiter, sheet, line numbers); what the cells
mean is ``rows``' business. A CSV row with more cells than headers is reported, not guessed at:
in a comma-delimited file it is almost always an unquoted decimal comma that shifted the row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import PurePath

from gouvernance.domain.errors import InvalidInput, Problem

# What a cell may hold: text from a CSV, or a typed value from an Excel sheet.
Cell = str | int | float | Decimal | date | time | timedelta | None

FORMATS = ("csv", "xlsx")
# A sheet is read line by line up to here (a registry holds far fewer members): a stray cell at
# line 1 048 576 must not make the import walk a million empty lines.
MAX_LINES = 100_000
# Cells read in all, empty ones included: a row costs as many cells as its last column.
MAX_CELLS = 5_000_000
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BEYOND_HEADERS = "une valeur est saisie à droite de la dernière colonne qui a un titre"


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Sheet:
    """The header cells, the data rows, and the rows that could not be split into cells."""

    headers: list[str]
    rows: list[Row]
    problems: list[Problem]


def file_format(filename: str) -> str:
    """``csv`` or ``xlsx`` from the file's suffix; anything else is refused by name."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidInput(
            f"le fichier « {filename} » n'est ni un .csv ni un .xlsx : enregistrez-le dans l'un "
            "de ces deux formats (Excel : « Enregistrer sous » puis « Classeur Excel » ou « CSV »)",
            field=filename,
        )
    return suffix


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The file's header line and rows; an empty file is refused here, once."""
    fmt = file_format(filename)
    if not data.strip():
        sheet = Sheet([], [], [])
    else:
        sheet = read_csv(data, filename) if fmt == "csv" else read_xlsx(data, filename)
    if not any(h.strip() for h in sheet.headers):
        raise InvalidInput(
            f"le fichier « {filename} » est vide : la première ligne doit porter les titres "
            "des colonnes (type, catégorie, date_adhésion…)",
            field=filename,
        )
    if not sheet.rows and not sheet.problems:
        raise InvalidInput(
            f"le fichier « {filename} » ne contient aucun membre : seulement la ligne des titres",
            field=filename,
        )
    return sheet


def decode_text(data: bytes, filename: str) -> str:
    """UTF-8 (BOM stripped) first; Excel on Windows writes cp1252, and latin-1 never fails."""
    if data.startswith(_UTF16_BOMS):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    if "\x00" in text:
        raise InvalidInput(
            f"le fichier « {filename} » n'est pas un fichier texte CSV", field=filename
        )
    return text


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``, whichever the header line uses more (French Excel writes ``;``)."""
    header = text.split("\n", 1)[0]
    return "," if header.count(",") > header.count(";") else ";"


def read_csv(data: bytes, filename: str) -> Sheet:
    text = decode_text(data, filename)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbered: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            numbered.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        raise InvalidInput(
            f"le fichier « {filename} » n'est pas un CSV lisible à la ligne {start} : "
            "un guillemet n'est pas refermé ou une cellule est démesurée",
            field=filename,
        ) from None
    return split_rows(numbered, delimiter)


def split_rows(numbered: list[tuple[int, list[str]]], delimiter: str) -> Sheet:
    """Header, then rows numbered by the line they start on (a quoted cell may span lines)."""
    if not numbered:
        return Sheet([], [], [])
    headers = numbered[0][1]
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in numbered[1:]:
        if not any(c.strip() for c in cells):
            continue
        if problem := misalignment(headers, cells, delimiter):
            problems.append(Problem(problem, None, line))
            continue
        rows.append(Row(line, tuple(cells)))
    return Sheet(headers, rows, problems)


def misalignment(headers: Sequence[str], cells: Sequence[str], delimiter: str) -> str:
    """Why a row with more cells than headers cannot be read, or ``""``.

    Even an empty extra cell counts: « 12,5 » split in two shifts every later cell by one, so
    trusting the row would put values under the wrong headers.
    """
    width, count = len(headers), len(cells)
    if count <= width:
        return ""
    if delimiter == ",":
        hint = (
            "une virgule décimale non protégée ? utilisez le point-virgule comme séparateur "
            "ou mettez le nombre entre guillemets"
        )
    else:
        hint = "un point-virgule dans une cellule ? mettez ce texte entre guillemets"
    return f"{count} cellules pour {width} colonnes : {hint}"


def read_xlsx(data: bytes, filename: str) -> Sheet:
    """The first sheet, values only (a formula gives its last computed result).

    The used range the file declares (``<dimension ref="A1:XFD1048576">``) is not trusted:
    rows are read as they are, each as wide as its last cell, and the reading stops with a
    French refusal past ``MAX_LINES`` lines or ``MAX_CELLS`` cells, so the time spent follows
    what the file really holds.
    """
    import openpyxl  # here, not at the top: only reading an .xlsx needs it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            values = _bounded(sheet.iter_rows(values_only=True), filename)
        finally:
            book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, IndexError):
        raise InvalidInput(
            f"le fichier « {filename} » n'est pas un classeur Excel .xlsx lisible",
            field=filename,
        ) from None
    return _sheet_rows(values)


def _bounded(rows: Iterable[Sequence[Cell]], filename: str) -> list[tuple[Cell, ...]]:
    values: list[tuple[Cell, ...]] = []
    cells = 0
    for line, row in enumerate(rows, start=1):
        cells += len(row)
        if line > MAX_LINES or cells > MAX_CELLS:
            limit = f"{MAX_LINES:,}".replace(",", "\u202f")
            raise InvalidInput(
                f"le fichier « {filename} » va au-delà de {limit} lignes ou porte des cellules "
                "très loin à droite : effacez ce qui traîne sous les membres ou à droite des "
                "colonnes (dans Excel, Ctrl+Fin montre la dernière cellule utilisée)",
                field=filename,
            )
        values.append(tuple(row))
    return values


def _sheet_rows(values: list[tuple[Cell, ...]]) -> Sheet:
    if not values:
        return Sheet([], [], [])
    headers = ["" if v is None else str(v) for v in values[0]]
    while headers and not headers[-1].strip():
        headers.pop()
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in enumerate(values[1:], start=2):
        if all(_blank(c) for c in cells):
            continue
        if any(not _blank(c) for c in cells[len(headers) :]):
            problems.append(Problem(_BEYOND_HEADERS, None, line))
            continue
        rows.append(Row(line, cells))
    return Sheet(headers, rows, problems)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
