"""« Attestation de parts sociales »: what an associate holds on a day, as PDF and as HTML.

The wording is composed once (``certificate``) into a ``Certificate``; the PDF (fpdf2 with the
DejaVu fonts the letters use) and the HTML only lay it out, so both say the same thing. The
same certificate always gives the same PDF bytes (its creation date is the certificate's day).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.money import format_amount, format_cents, to_cents
from gouvernance.domain.organisation import Signatory
from gouvernance.domain.users import Actor
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWorkFactory
from gouvernance.services.printing.documents import FONT, MARGIN, PAGE_WIDTH, new_pdf
from gouvernance.services.scic import capital

TITLE = "Attestation de parts sociales"
SIGNATURE_LEFT = 110.0  # millimetres: the signature block, right half of the page


@dataclass(frozen=True)
class Certificate:
    organisation: str
    title: str
    associate: str
    facts: tuple[tuple[str, str], ...]  # (label, value), in reading order
    operations: tuple[tuple[str, str, str], ...]  # (number, day, what)
    closing: str
    on: date
    place: str = ""  # the organisation's town: « Fait à Vallon-les-Alpilles, le … »
    signatory: Signatory | None = None  # who signs for the organisation: its president

    @property
    def made(self) -> str:
        where = f"Fait à {self.place}, le" if self.place else "Fait le"
        return f"{where} {long_date(self.on)}."

    @property
    def signed_by(self) -> tuple[str, ...]:
        """« Pour PTCE …, », the name and the title as registered (« Présidente »)."""
        if self.signatory is None:
            return (f"Pour {self.organisation},", "le représentant légal")
        return (f"Pour {self.organisation},", self.signatory.name, self.signatory.title)


def certificate(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str, on: date | None = None
) -> Certificate:
    """The certificate's wording; the associate themselves, the treasurer or the board."""
    view = capital.associate_view(uows, actor, member_code, on)
    with uows() as uow:
        printed = setup.printed(uow, None)
        name = printed.name
    line = view.line
    share = format_cents(to_cents(view.share_value))
    facts = [
        ("Associé", f"{line.name} ({line.code})"),
        ("Catégorie", line.category),
        ("Collège de vote", line.college),
        ("Parts détenues", f"{line.shares} part(s) de {share} de valeur nominale"),
        ("Capital souscrit", format_amount(line.subscribed)),
        ("Capital libéré", format_amount(line.paid_up)),
    ]
    if line.unpaid:
        due = f", au plus tard le {long_date(line.due_on)}" if line.due_on else ""
        facts.append(("Reste à libérer", f"{format_amount(line.unpaid)}{due}"))
    for pending in view.pending_refunds:
        when = f" à partir du {long_date(pending.due_on)}" if pending.due_on else ""
        facts.append(
            (
                "Remboursement en attente",
                f"{format_amount(pending.refund)}{when} ({pending.number})",
            )
        )
    operations = tuple((o.number, f"{o.day:%d/%m/%Y}", o.describe()) for o in view.operations)
    return Certificate(
        organisation=name,
        title=TITLE,
        associate=line.name,
        facts=tuple(facts),
        operations=operations,
        closing=(
            f"{name} atteste que {line.name} détient, à la date du {long_date(view.on)}, "
            f"{line.shares} part(s) sociale(s) inscrite(s) au registre des parts, pour un "
            f"capital souscrit de {format_amount(line.subscribed)} "
            f"dont {format_amount(line.paid_up)} libérés."
        ),
        on=view.on,
        place=printed.city or "",
        signatory=printed.president,
    )


def render_html(content: Certificate) -> str:
    """A complete, printable HTML page; every value is escaped."""
    e = html.escape
    facts = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in content.facts)
    rows = "".join(
        f"<tr><td>{e(n)}</td><td>{e(d)}</td><td>{e(w)}</td></tr>" for n, d, w in content.operations
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{e(content.title)} — {e(content.associate)}</title></head><body>"
        f"<p>{e(content.organisation)}</p><h1>{e(content.title)}</h1>"
        f"<table>{facts}</table><h2>Opérations</h2>"
        f"<table><tr><th>Numéro</th><th>Date</th><th>Opération</th></tr>{rows}</table>"
        f"<p>{e(content.closing)}</p><p>{e(content.made)}</p>"
        f"<p>{'<br>'.join(e(line) for line in content.signed_by)}</p>"
        "<p>Signature :</p></body></html>"
    )


def render_pdf(content: Certificate) -> bytes:
    """The certificate as an A4 PDF; the same certificate always gives the same bytes."""
    pdf = new_pdf(
        f"{content.title} — {content.associate}",
        content.on,
        author=content.organisation,
        footer=f"{content.organisation} — {content.title.lower()} de {content.associate} au "
        f"{content.on:%d/%m/%Y}",
    )
    pdf.add_page()
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 6, content.organisation, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 10, content.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for label, value in content.facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(55, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 6, value, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, "Opérations inscrites au registre", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for number, day, what in content.operations:
        pdf.cell(32, 5, number)
        pdf.cell(22, 5, day)
        pdf.multi_cell(0, 5, what, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, content.closing, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if pdf.will_page_break(6 + 5.5 * len(content.signed_by) + 30):
        pdf.add_page()  # the place, the signatory and the line to sign stay together
    pdf.cell(0, 6, content.made, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for position, line in enumerate(content.signed_by):
        pdf.set_x(SIGNATURE_LEFT)
        pdf.set_font(FONT, "B" if position == 1 else "", 10)
        pdf.multi_cell(0, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)  # room for the hand-written signature, above its line
    line_y = pdf.get_y()
    pdf.line(SIGNATURE_LEFT, line_y, PAGE_WIDTH - MARGIN, line_y)
    pdf.set_x(SIGNATURE_LEFT)
    pdf.set_font(FONT, "", 8)
    pdf.cell(0, 5, "Signature", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
