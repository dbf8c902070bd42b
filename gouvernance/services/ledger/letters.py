"""Call and reminder letters, as printable HTML and as PDF.

The wording is composed once (``compose``) into a ``LetterContent``; the HTML template and the
PDF only lay it out, so that both say exactly the same thing. The PDF is drawn with fpdf2 and the
DejaVu font bundled in ``gouvernance/fonts``: narrow no-break spaces, « », € and accents print on
any machine, and the same letter always gives the same bytes (the creation date is the date the
letter is written).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from gouvernance.domain.calls.reminders import ReminderLevel, long_date
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_cents
from gouvernance.domain.organisation import Signatory
from gouvernance.services.printing.documents import (
    MARGIN,
    PAGE_WIDTH,
    TEMPLATES,
    font,
    heading,
    new_pdf,
    paragraph,
    typo,
)
from gouvernance.services.progress import Progress, silent

if TYPE_CHECKING:
    from fpdf import FPDF

TEMPLATE = "lettre.html"
TREASURER = "Le trésorier"
BOX_LEFT = 27.0  # millimetres: the frame around the amount to pay
BOX_PADDING = 3.0
GAP = 1.8  # millimetres between paragraphs: a reminder holds on one page
WAY_SIZE = 9.0  # points: the lines of a way to pay (transfer, cheque), side by side
WAY_LINE = 4.3  # millimetres
WAY_INDENT = 3.0

__all__ = [
    "LetterContent",
    "LetterData",
    "Party",
    "PaymentDetails",
    "compose",
    "render_html",
    "render_many_pdf",
    "render_pdf",
]


# --------------------------------------------------------------------------------------------
# What a letter is made of


@dataclass(frozen=True)
class Party:
    """The organisation writing, or the member written to."""

    name: str
    address_lines: tuple[str, ...] = ()
    siren: str | None = None
    email: str | None = None
    rna: str | None = None  # an association without SIREN is known by its RNA number


@dataclass(frozen=True)
class PaymentDetails:
    """How to pay: transfer (IBAN, BIC), cheque to the order of ``payee``, or the member's SEPA
    mandate (``direct_debit``: the amount is debited on or after the due date)."""

    iban: str | None
    bic: str | None
    payee: str
    reference_to_quote: str
    direct_debit: bool = False


@dataclass(frozen=True, kw_only=True)
class LetterData:
    """Everything one letter says; ``reminder`` None is the call letter itself."""

    organisation: Party
    member: Party
    member_code: str
    call_reference: str
    kind_label: str
    fiscal_year: int
    issued_on: date
    due_on: date
    amount_cents: int
    credited_cents: int
    paid_cents: int
    outstanding_cents: int
    explanation: tuple[str, ...]
    payment: PaymentDetails
    place: str
    written_on: date
    reminder: ReminderLevel | None = None
    batch_decision: str
    signatory: Signatory | None = None  # the treasurer as the organisation declared them

    def __post_init__(self) -> None:
        """A letter whose figures do not add up would ask a member for a wrong amount."""
        expected = max(self.amount_cents - self.credited_cents - self.paid_cents, 0)
        if self.outstanding_cents != expected:
            stated = format_cents(self.outstanding_cents)
            raise InvalidInput(
                f"lettre {self.call_reference} : le reste dû ({stated}) ne correspond pas à "
                f"appelé − avoirs − réglé ({format_cents(expected)})",
                field="outstanding_cents",
            )


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    total: bool = False


@dataclass(frozen=True)
class Line:
    """An explanation line and its depth (two leading spaces per level)."""

    depth: int
    text: str


@dataclass(frozen=True)
class PaymentWay:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LetterContent:
    """The French text of a letter, in reading order, ready to be laid out."""

    title: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    references: tuple[Row, ...]
    place_date: str
    subject: str
    salutation: str
    opening: tuple[str, ...]
    highlight: tuple[Row, ...]
    amounts: tuple[Row, ...]
    reminder_text: str
    explanation_title: str
    explanation: tuple[Line, ...]
    decision: str
    payment_title: str
    payment_intro: str
    payment: tuple[PaymentWay, ...]
    closing: tuple[str, ...]
    signature: tuple[str, ...]
    footer: str


# --------------------------------------------------------------------------------------------
# The wording


def compose(letter: LetterData) -> LetterContent:
    """The letter's text: the same for the HTML and the PDF."""
    subject = _subject(letter)
    return LetterContent(
        title=subject,
        sender=_sender(letter.organisation),
        recipient=(letter.member.name, *letter.member.address_lines),
        references=_references(letter),
        place_date=_place_date(letter),
        subject=f"Objet : {subject}",
        salutation="Madame, Monsieur,",
        opening=tuple(typo(p) for p in _opening(letter)),
        highlight=_highlight(letter),
        amounts=_amounts(letter),
        reminder_text=typo(_reminder_text(letter)),
        explanation_title="Comment ce montant est calculé",
        # A reminder points to the call letter for the calculation: it holds on one page.
        explanation=() if letter.reminder else tuple(_explanation(letter.explanation)),
        decision=typo(_decision(letter)),
        payment_title="Comment régler",
        payment_intro=typo(_payment_intro(letter)),
        payment=_payment_ways(letter),
        closing=tuple(typo(p) for p in _closing(letter)),
        signature=_signatory_lines(letter),
        footer=f"{letter.organisation.name} — {letter.call_reference}",
    )


def _decision(letter: LetterData) -> str:
    lines = []
    if letter.reminder is not None:
        issued = long_date(letter.issued_on)
        lines.append(f"Le calcul de ce montant figure dans la lettre d'appel du {issued}.")
    if letter.batch_decision:
        lines.append(f"Décision qui fonde cet appel : {letter.batch_decision}.")
    return " ".join(lines)


def _subject(letter: LetterData) -> str:
    called = f"appel de {letter.kind_label} {letter.fiscal_year} — {letter.call_reference}"
    return f"{letter.reminder.label} — {called}" if letter.reminder else called


def _sender(organisation: Party) -> tuple[str, ...]:
    lines = [organisation.name, *organisation.address_lines]
    if organisation.siren:
        lines.append(f"SIREN {_siren(organisation.siren)}")
    if organisation.rna:
        lines.append(f"RNA {organisation.rna}")
    if organisation.email:
        lines.append(organisation.email)
    return tuple(lines)


def _signatory_lines(letter: LetterData) -> tuple[str, ...]:
    """« Trésorière bénévole », « Jeanne Martin », the organisation; « Le trésorier » when the
    organisation has not named its treasurer."""
    if letter.signatory is None:
        return (TREASURER, letter.organisation.name)
    return (letter.signatory.title, letter.signatory.name, letter.organisation.name)


def _siren(siren: str) -> str:
    """« 123 456 789 »: the way a SIREN is printed."""
    digits = re.sub(r"\D", "", siren)
    if len(digits) != 9:
        return siren
    return "\u00a0".join((digits[:3], digits[3:6], digits[6:]))


def _references(letter: LetterData) -> tuple[Row, ...]:
    return (
        Row("Adhérent", letter.member_code),
        Row("Appel", letter.call_reference),
        Row("Émis le", long_date(letter.issued_on)),
    )


def _place_date(letter: LetterData) -> str:
    written = long_date(letter.written_on)
    place = letter.place.strip()
    return f"À {place}, le {written}" if place else f"Le {written}"


def _opening(letter: LetterData) -> tuple[str, ...]:
    called = f"l'appel de {letter.kind_label} de l'exercice {letter.fiscal_year}"
    if letter.reminder is not None:
        return (
            f"Nous revenons vers vous au sujet de {called} ({letter.call_reference}), arrivé "
            f"à échéance le {long_date(letter.due_on)}. Voici où il en est au "
            f"{long_date(letter.written_on)} :",
        )
    if letter.outstanding_cents == 0:
        return (f"Voici {called}. Il est entièrement réglé : nous vous en remercions.",)
    return (
        f"Veuillez trouver ci-dessous {called}. Nous vous remercions de bien vouloir régler "
        f"la somme de {format_cents(letter.outstanding_cents)} au plus tard le "
        f"{long_date(letter.due_on)}.",
    )


def _highlight(letter: LetterData) -> tuple[Row, ...]:
    """The amount and the due date of a call; a reminder shows them in its table instead."""
    if letter.reminder is not None:
        return ()
    return (
        Row("Montant à régler", format_cents(letter.outstanding_cents), total=True),
        Row("Échéance", long_date(letter.due_on)),
    )


def _amounts(letter: LetterData) -> tuple[Row, ...]:
    """Called, credited, paid, still due: always for a reminder, for a call when it changed."""
    reminder = letter.reminder is not None
    if not reminder and not (letter.credited_cents or letter.paid_cents):
        return ()
    rows = [Row("Montant appelé", format_cents(letter.amount_cents))]
    if reminder or letter.credited_cents:
        rows.append(Row("Avoirs déduits", format_cents(letter.credited_cents)))
    if reminder or letter.paid_cents:
        rows.append(Row("Paiements reçus", format_cents(letter.paid_cents)))
    rows.append(Row("Reste dû", format_cents(letter.outstanding_cents), total=True))
    return tuple(rows)


def _reminder_text(letter: LetterData) -> str:
    if letter.reminder is None:
        return ""
    return letter.reminder.text(letter.outstanding_cents, letter.due_on, letter.call_reference)


def _explanation(lines: Sequence[str]) -> Iterator[Line]:
    for line in lines:
        text = line.rstrip()
        if text.strip():
            spaces = len(text) - len(text.lstrip(" "))
            yield Line(depth=spaces // 2, text=typo(text.strip()))


def _payment_intro(letter: LetterData) -> str:
    amount = format_cents(letter.outstanding_cents)
    if letter.outstanding_cents == 0:
        return ""
    if letter.payment.direct_debit and letter.reminder is None:
        return (
            f"Vous avez signé un mandat de prélèvement SEPA : la somme de {amount} sera prélevée "
            f"sur votre compte à l'échéance du {long_date(letter.due_on)} ou peu après. "
            "Vous n'avez rien d'autre à faire."
        )
    ways = "de l'une des façons suivantes" if len(_payment_ways(letter)) > 1 else "ainsi"
    if letter.payment.direct_debit:
        return (
            f"Si le prélèvement prévu n'a pas pu aboutir, vous pouvez régler les {amount} "
            f"restant dus {ways} :"
        )
    return f"Vous pouvez régler les {amount} {ways} :"


def _payment_ways(letter: LetterData) -> tuple[PaymentWay, ...]:
    if letter.outstanding_cents == 0 or (letter.payment.direct_debit and not letter.reminder):
        return ()
    payment = letter.payment
    ways = []
    if payment.iban:
        lines = [f"Bénéficiaire : {payment.payee}", f"IBAN : {_iban(payment.iban)}"]
        if payment.bic:
            lines.append(f"BIC : {payment.bic.strip().upper()}")
        lines.append(f"Référence à indiquer dans le libellé : {payment.reference_to_quote}")
        ways.append(PaymentWay("Par virement", tuple(lines)))
    address = ", ".join((letter.organisation.name, *letter.organisation.address_lines))
    cheque = (
        f"À l'ordre de : {payment.payee}",
        f"Référence à inscrire au dos : {payment.reference_to_quote}",
        f"À adresser à : {address}",
    )
    ways.append(PaymentWay("Par chèque", cheque))
    return tuple(PaymentWay(way.title, tuple(typo(x) for x in way.lines)) for way in ways)


def _iban(iban: str) -> str:
    """Groups of four, as printed on a bank statement."""
    compact = re.sub(r"\s", "", iban).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _closing(letter: LetterData) -> tuple[str, ...]:
    lines = []
    if letter.reminder is not None:
        lines.append("Si vous avez réglé entre-temps, merci de ne pas tenir compte de ce courrier.")
    email = letter.organisation.email
    contact = f" (par courriel : {email})" if email else ""
    lines.append(
        f"Pour toute question ou difficulté, le trésorier se tient à votre disposition{contact}."
    )
    lines.append(
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."
    )
    return tuple(lines)


# --------------------------------------------------------------------------------------------
# HTML


def render_html(letter: LetterData) -> str:
    """A complete, printable HTML page; every value is escaped."""
    return TEMPLATES.get_template(TEMPLATE).render(letter=compose(letter))


# --------------------------------------------------------------------------------------------
# PDF


def render_pdf(letter: LetterData) -> bytes:
    """The letter as an A4 PDF; the same letter always gives the same bytes."""
    return render_many_pdf([letter])


def render_many_pdf(letters: Sequence[LetterData], progress: Progress = silent) -> bytes:
    """One PDF for a whole batch: each letter starts on a new page and numbers its own pages;
    ``progress`` hears how many letters are laid out (the long part of a big batch)."""
    if not letters:
        raise InvalidInput("aucune lettre à imprimer", field="letters")
    pdf = _new_pdf(letters)
    ranges = []
    for done, letter in enumerate(letters, start=1):
        content = compose(letter)
        first = pdf.page + 1
        _draw(pdf, content)
        ranges.append((content.footer, first, pdf.page))
        if done % 50 == 0 or done == len(letters):
            progress(done, len(letters))
    _number_pages(pdf, ranges)
    return bytes(pdf.output())


def _new_pdf(letters: Sequence[LetterData]) -> FPDF:
    title = compose(letters[0]).title if len(letters) == 1 else "Lettres aux adhérents"
    day = max(x.written_on for x in letters)
    # The footer starts 14 mm from the bottom edge: the text may run down to 18 mm.
    return new_pdf(title, day, author=letters[0].organisation.name, bottom=18)


def _draw(pdf: FPDF, content: LetterContent) -> None:
    pdf.add_page()
    _header(pdf, content)
    paragraph(pdf, content.subject, bold=True, gap=GAP)
    paragraph(pdf, content.salutation, gap=GAP)
    for text in content.opening:
        paragraph(pdf, text, gap=GAP)
    _rows(pdf, content.amounts)
    if content.reminder_text:
        paragraph(pdf, content.reminder_text, gap=GAP)
    _highlight_box(pdf, content.highlight)
    _explanation_block(pdf, content)
    _payment_block(pdf, content)
    for text in content.closing:
        paragraph(pdf, text, gap=GAP)
    _signature(pdf, content.signature)


def _header(pdf: FPDF, content: LetterContent) -> None:
    """Sender top left, recipient where a French window envelope shows it."""
    pdf.set_xy(20, 18)
    _lines(pdf, content.sender, width=85, size=9)
    pdf.ln(4)
    for row in content.references:
        pdf.set_x(20)
        font(pdf, 9)
        pdf.cell(22, 4.5, f"{row.label} :")
        font(pdf, 9, bold=True)
        pdf.cell(60, 4.5, row.value, new_x="LMARGIN", new_y="NEXT")
    below_left = pdf.get_y()
    pdf.set_xy(110, 45)
    _lines(pdf, content.recipient, width=80, size=11, x=110)
    pdf.set_y(max(below_left, pdf.get_y(), 72) + 5)
    font(pdf, 10)
    pdf.cell(0, 5, content.place_date, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _lines(pdf: FPDF, lines: Sequence[str], *, width: float, size: float, x: float = 20) -> None:
    for position, line in enumerate(lines):
        pdf.set_x(x)
        font(pdf, size, bold=position == 0)
        pdf.multi_cell(width, size * 0.45, line, align="L", new_x="LMARGIN", new_y="NEXT")


def _rows(pdf: FPDF, rows: Sequence[Row]) -> None:
    if not rows:
        return
    for row in rows:
        font(pdf, 10, bold=row.total)
        pdf.set_x(30)
        pdf.cell(80, 6, row.label, border="T" if row.total else 0)
        pdf.cell(40, 6, row.value, border="T" if row.total else 0, align="R")
        pdf.ln(6)
    pdf.ln(3)


def _highlight_box(pdf: FPDF, rows: Sequence[Row]) -> None:
    """The amount and the due date, framed so that they are seen first: the frame holds the
    labels and the figures with 3 mm to spare on each side."""
    if not rows:
        return
    if pdf.will_page_break(6.5 * len(rows) + 6):
        pdf.add_page()
    top = pdf.get_y()
    for row in rows:
        font(pdf, 11, bold=row.total)
        pdf.set_x(BOX_LEFT + BOX_PADDING)
        pdf.cell(80, 6.5, row.label)
        pdf.cell(40, 6.5, row.value, align="R")
        pdf.ln(6.5)
    pdf.rect(BOX_LEFT, top - 1.5, 80 + 40 + 2 * BOX_PADDING, pdf.get_y() - top + 3)
    pdf.ln(4)


def _explanation_block(pdf: FPDF, content: LetterContent) -> None:
    if content.explanation:
        heading(pdf, content.explanation_title)
        for line in content.explanation:
            pdf.set_x(20 + 5 * line.depth)
            font(pdf, 9)
            pdf.multi_cell(0, 4.2, line.text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if content.decision:
        paragraph(pdf, content.decision, size=9, gap=GAP)


def _payment_block(pdf: FPDF, content: LetterContent) -> None:
    if not content.payment_intro:
        return
    heading(pdf, content.payment_title)
    paragraph(pdf, content.payment_intro, gap=GAP)
    if not content.payment:
        return
    # Side by side (transfer, cheque): a reminder holds on one page with its signature.
    gutter = 6.0
    width = (PAGE_WIDTH - 2 * MARGIN - gutter * (len(content.payment) - 1)) / len(content.payment)
    font(pdf, WAY_SIZE)
    tallest = max(
        sum(_wrapped_lines(pdf, line, width - WAY_INDENT) for line in way.lines)
        for way in content.payment
    )
    if pdf.will_page_break(5 + WAY_LINE * tallest + 2):
        pdf.add_page()
    top = bottom = pdf.get_y()
    for position, way in enumerate(content.payment):
        left = MARGIN + position * (width + gutter)
        pdf.set_xy(left, top)
        font(pdf, 10, bold=True)
        pdf.cell(width, 5, way.title)
        y = top + 5
        for line in way.lines:
            pdf.set_xy(left + WAY_INDENT, y)
            font(pdf, WAY_SIZE)
            pdf.multi_cell(width - WAY_INDENT, WAY_LINE, line, align="L", new_x="LEFT")
            y = pdf.get_y()
        bottom = max(bottom, y)
    pdf.set_xy(MARGIN, bottom + 2)


def _wrapped_lines(pdf: FPDF, text: str, width: float) -> int:
    lines = pdf.multi_cell(width, WAY_LINE, text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return len(lines)


def _signature(pdf: FPDF, lines: Sequence[str]) -> None:
    if pdf.will_page_break(5 * len(lines) + 2):
        pdf.add_page()
    pdf.ln(2)
    for position, line in enumerate(lines):
        font(pdf, 10, bold=position == 0)
        pdf.set_x(110)
        pdf.multi_cell(80, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")


def _number_pages(pdf: FPDF, ranges: Sequence[tuple[str, int, int]]) -> None:
    """« page 1/2 » counted within each letter, drawn once all the pages exist."""
    last = pdf.page
    pdf.set_auto_page_break(auto=False)
    for footer, first, end in ranges:
        for page in range(first, end + 1):
            pdf.page = page
            pdf.set_xy(20, 297 - 14)
            font(pdf, 8)
            text = f"{footer} — page {page - first + 1}/{end - first + 1}"
            pdf.cell(0, 4, text, align="C")
    pdf.page = last
