"""fpdf2's FPDF with the footer every printed document shares: « <label> — page n/N ».

Its own module, imported only when a PDF is drawn (``documents.new_pdf``): commands printing no
PDF start without fpdf2.
"""

from __future__ import annotations

from fpdf import FPDF

FOOTER_FROM_BOTTOM = 15.0  # millimetres: the top of the « page n/N » line, from the bottom edge
FOOTER_SIZE = 8.0  # points; 6.5 for a label too long for one line at 8
SMALL_FOOTER_SIZE = 6.5


class Document(FPDF):
    """With ``footer_text``, every page ends with « <footer_text> — page n/N », N filled in
    at the end (fpdf2's ``{nb}`` alias); without, no footer (letters draw their own)."""

    footer_text: str | None = None
    footer_family: str = "DejaVu"

    def footer(self) -> None:
        if self.footer_text is None:
            return
        self.set_y(-FOOTER_FROM_BOTTOM)
        page = f" — page {self.page_no()}/{{nb}}"  # {nb}: up to 5 digits once replaced
        room = self.w - self.l_margin - self.r_margin
        label = self.footer_text
        self.set_font(self.footer_family, "", FOOTER_SIZE)
        # One line, whatever the label: smaller type, then the label shortened, never the
        # page number.
        if self.get_string_width(label + page) > room:
            self.set_font(self.footer_family, "", SMALL_FOOTER_SIZE)
        while label and self.get_string_width(label + "…" + page) > room:
            label = label[:-1]
        if label != self.footer_text:
            label = label.rstrip() + "…"
        self.cell(0, 3.5, label + page, align="C")
