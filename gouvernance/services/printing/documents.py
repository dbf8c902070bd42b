"""The layout every printed document shares: HTML templates, the PDF set-up, French spacing.

Letters, share certificates and the transition report all print with the DejaVu font bundled in
``gouvernance/fonts`` (narrow no-break spaces, « », € and accents on any machine) and a creation
date taken from the document's own date, so that the same document always gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parents[2] / "fonts"
FONT = "DejaVu"

TEMPLATES = Environment(
    loader=PackageLoader("gouvernance", "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

PAGE_WIDTH = 210.0  # A4, millimetres
PAGE_HEIGHT = 297.0
MARGIN = 20.0  # left and right: nothing is printed outside them
CELL_PADDING_X = 1.2  # millimetres, left and right of a table cell's text
CELL_PADDING_Y = 0.3

_BEFORE_PUNCT = re.compile(r" ([:;!?»])")
_AFTER_QUOTE = re.compile(r"« ")


def typo(text: str) -> str:
    """French spacing: no line break before « : ; ! ? » nor after « (no-break spaces)."""
    return _AFTER_QUOTE.sub("«\u00a0", _BEFORE_PUNCT.sub("\u00a0\\1", text))


def new_pdf(
    title: str,
    day: date,
    *,
    author: str | None = None,
    bottom: float = 22,
    footer: str | None = None,
) -> FPDF:
    """An A4 portrait PDF with the bundled fonts, dated ``day`` (hence reproducible bytes).

    With ``footer``, every page ends with « <footer> — page n/N »; letters, which number each
    letter of a batch on its own, pass none and draw their footers themselves.

    fpdf2 is imported here, not at the top, so that commands printing no PDF start without it;
    the drawing helpers pass fpdf2's plain-string forms (``new_x="LMARGIN"``, ``align="R"``),
    which it coerces to the same enum members, instead of importing its enums.
    """
    from gouvernance.services.printing.pdf_document import Document

    pdf = Document(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = footer
    pdf.footer_family = FONT
    pdf.set_creation_date(datetime.combine(day, time(), UTC))
    pdf.set_creator("Gouvernance")
    if author is not None:
        pdf.set_author(author)
    pdf.set_title(title)
    pdf.set_lang("fr-FR")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(left=MARGIN, top=18, right=MARGIN)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    return pdf


def font(pdf: FPDF, size: float, *, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)


def paragraph(
    pdf: FPDF, text: str, *, bold: bool = False, size: float = 10, gap: float = 2.5
) -> None:
    """Left-aligned text (a justified line stretches the spaces around a long word)."""
    font(pdf, size, bold=bold)
    pdf.multi_cell(0, size * 0.48, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def heading(pdf: FPDF, text: str) -> None:
    """A section title, wrapped when long, moved to the next page rather than left alone at
    the bottom."""
    if pdf.will_page_break(20):
        pdf.add_page()
    font(pdf, 11, bold=True)
    pdf.multi_cell(0, 5.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


@dataclass(frozen=True)
class Table:
    """A table of a printed report: the same rows in the HTML template and in the PDF."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # millimetres in the PDF, 170 in all
    note: str = ""
    total: int | None = None  # rows in all, when ``rows`` are only the first (a page's preview)

    @property
    def size(self) -> int:
        """Rows in all: ``total`` when only the first were read, else those of ``rows``."""
        return len(self.rows) if self.total is None else self.total

    @property
    def figures(self) -> tuple[bool, ...]:
        """Per column: True for figures, right-aligned in the PDF and in the HTML."""
        return tuple(align == "RIGHT" for align in column_alignments(self))


def table(pdf: FPDF, grid_table: Table, *, size: float = 7.5, line_height: float = 3.8) -> None:
    """One table under its heading; fpdf2 repeats the header row on each page it spills over.

    Text left-aligned, figures (amounts, counts, percentages) right-aligned; each column at least
    as wide as its longest word, so that a code such as CRAU-FORMATION is never cut."""
    from fpdf.fonts import FontFace

    heading(pdf, grid_table.title)
    font(pdf, size)
    with pdf.table(
        col_widths=_fitted_widths(pdf, grid_table, size),
        width=sum(grid_table.widths),
        align="LEFT",
        line_height=line_height,
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD"),
        text_align=tuple(column_alignments(grid_table)),
        padding=(CELL_PADDING_Y, CELL_PADDING_X),  # a figure never touches the next column
    ) as grid:
        for cells in (grid_table.headers, *grid_table.rows):
            grid.row(list(cells))
    if grid_table.note:
        pdf.ln(1)
        paragraph(pdf, grid_table.note, size=8)
    pdf.ln(2)


_FIGURE = re.compile(
    r"[≈<>]?[\s\u00a0\u202f]*[-+−]?\d[\d\s\u00a0\u202f.,/]*(?:[\s\u00a0\u202f]*[€%])?"
)
_EMPTY_CELLS = {"", "—", "-"}


def column_alignments(grid_table: Table) -> list[str]:
    """« RIGHT » for a column of figures (amounts, counts, shares, percentages), « LEFT »
    otherwise; a column with no figure at all is text."""
    aligns = []
    for column in range(len(grid_table.headers)):
        cells = [row[column].strip() for row in grid_table.rows if len(row) > column]
        filled = [cell for cell in cells if cell not in _EMPTY_CELLS]
        figures = bool(filled) and all(_FIGURE.fullmatch(cell) for cell in filled)
        aligns.append("RIGHT" if figures else "LEFT")
    return aligns


def _fitted_widths(pdf: FPDF, grid_table: Table, size: float) -> tuple[float, ...]:
    """The table's widths, each column widened to its longest word (taken from columns with
    room to spare): fpdf2 cuts a word wider than its cell anywhere, « CRAU-FORMATIO / N »."""
    padding = 2 * CELL_PADDING_X + 0.6
    needed = []
    for column in range(len(grid_table.widths)):
        longest = 0.0
        for position, row in enumerate((grid_table.headers, *grid_table.rows)):
            font(pdf, size, bold=position == 0)
            cell = row[column] if len(row) > column else ""
            for word in cell.split():
                longest = max(longest, pdf.get_string_width(word))
        needed.append(longest + padding)
    font(pdf, size)
    widths = list(grid_table.widths)
    missing = sum(max(n - w, 0) for n, w in zip(needed, widths, strict=True))
    spare = [max(w - n, 0) for n, w in zip(needed, widths, strict=True)]
    if not missing or sum(spare) < missing:
        return tuple(widths)
    share = missing / sum(spare)
    return tuple(
        max(w, n) if n > w else w - s * share for n, w, s in zip(needed, widths, spare, strict=True)
    )
