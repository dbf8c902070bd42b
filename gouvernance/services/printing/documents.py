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

_BEFORE_PUNCT = re.compile(r" ([:;!?»])")
_AFTER_QUOTE = re.compile(r"« ")


def typo(text: str) -> str:
    """French spacing: no line break before « : ; ! ? » nor after « (no-break spaces)."""
    return _AFTER_QUOTE.sub("«\u00a0", _BEFORE_PUNCT.sub("\u00a0\\1", text))


def new_pdf(title: str, day: date, *, author: str | None = None, bottom: float = 22) -> FPDF:
    """An A4 portrait PDF with the bundled fonts, dated ``day`` (hence reproducible bytes).

    fpdf2 is imported here, not at the top, so that commands printing no PDF start without it;
    the drawing helpers pass fpdf2's plain-string forms (``new_x="LMARGIN"``, ``align="R"``),
    which it coerces to the same enum members, instead of importing its enums.
    """
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(datetime.combine(day, time(), UTC))
    pdf.set_creator("Gouvernance")
    if author is not None:
        pdf.set_author(author)
    pdf.set_title(title)
    pdf.set_lang("fr-FR")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(left=20, top=18, right=20)
    pdf.set_auto_page_break(auto=True, margin=bottom)
    return pdf


def font(pdf: FPDF, size: float, *, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)


def paragraph(pdf: FPDF, text: str, *, bold: bool = False, size: float = 10) -> None:
    font(pdf, size, bold=bold)
    pdf.multi_cell(0, 4.8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.5)


def heading(pdf: FPDF, text: str) -> None:
    """A section title, moved to the next page rather than left alone at the bottom."""
    if pdf.will_page_break(20):
        pdf.add_page()
    font(pdf, 11, bold=True)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


@dataclass(frozen=True)
class Table:
    """A table of a printed report: the same rows in the HTML template and in the PDF."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # millimetres in the PDF, 170 in all
    note: str = ""


def table(pdf: FPDF, grid_table: Table, *, size: float = 7.5, line_height: float = 3.8) -> None:
    """One table under its heading; fpdf2 repeats the header row on each page it spills over."""
    from fpdf.fonts import FontFace

    heading(pdf, grid_table.title)
    font(pdf, size)
    with pdf.table(
        col_widths=grid_table.widths,
        width=sum(grid_table.widths),
        align="LEFT",
        line_height=line_height,
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD"),
    ) as grid:
        for cells in (grid_table.headers, *grid_table.rows):
            grid.row(list(cells))
    if grid_table.note:
        pdf.ln(1)
        paragraph(pdf, grid_table.note, size=8)
    pdf.ln(2)
