"""Call and reminder letters: what a member reads, in HTML and in PDF.

The HTML is checked for the figures and sentences a member relies on (amount with French spaces,
due date in words, reference, IBAN, explanation) and for escaping; the PDF for being a PDF with
one page group per letter, drawn with the bundled font, and identical for the same letter.
"""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date

import pytest

from gouvernance.domain.calls.reminders import ReminderLevel
from gouvernance.domain.errors import InvalidInput
from gouvernance.services.ledger.letters import (
    LetterData,
    Party,
    PaymentDetails,
    compose,
    render_html,
    render_many_pdf,
    render_pdf,
)

NNBSP = "\u202f"
NBSP = "\u00a0"
AMOUNT = f"1{NNBSP}234,50{NBSP}€"
REMINDER = ReminderLevel(
    level=2,
    after_days=45,
    label="Deuxième relance",
    body="L'appel {reference}, échu le {echeance}, laisse {montant} à régler.",
)


def letter(**changes: object) -> LetterData:
    base = LetterData(
        organisation=Party(
            name="Pôle Alpilles Coopération",
            address_lines=("12 rue des Oliviers", "13990 Vallon-les-Alpilles"),
            siren="123456782",
            email="tresorier@pole-alpilles.fr",
        ),
        member=Party(name="Ressourcerie du Val", address_lines=("3 chemin du Mas",)),
        member_code="M0001",
        call_reference="AC-2027-0001",
        kind_label="cotisation",
        fiscal_year=2027,
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 3, 31),
        amount_cents=123450,
        credited_cents=0,
        paid_cents=0,
        outstanding_cents=123450,
        explanation=(
            "Barème par tranches de chiffre d'affaires",
            "  chiffre d'affaires 2026 : 320 000,00 €",
            "    tranche de 100 000 € à 500 000 € : 400,00 €",
        ),
        payment=PaymentDetails(
            iban="FR7630006000011234567890189",
            bic="AGRIFRPPXXX",
            payee="Pôle Alpilles Coopération",
            reference_to_quote="AC-2027-0001",
        ),
        place="Vallon-les-Alpilles",
        written_on=date(2027, 1, 15),
        batch_decision="AG du 5 décembre 2026, résolution 2",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def reminder_letter() -> LetterData:
    return letter(
        reminder=REMINDER,
        credited_cents=3450,
        paid_cents=20000,
        outstanding_cents=100000,
        written_on=date(2027, 5, 20),
    )


def text_of(page: str) -> str:
    """The HTML as a reader sees it: tags dropped, entities decoded, ASCII spaces collapsed
    (no-break spaces kept: they are what is checked)."""
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", page)))


def page_count(pdf: bytes) -> int:
    return int(re.findall(rb"/Count (\d+)", pdf)[0])


# --- HTML ---------------------------------------------------------------------------------------


def test_the_call_letter_shows_the_amount_with_french_spaces_and_the_due_date_in_words() -> None:
    page = render_html(letter())
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page
    shown = text_of(page)
    assert AMOUNT in shown
    assert "31 mars 2027" in shown
    assert "À Vallon-les-Alpilles, le 15 janvier 2027" in shown
    assert "Objet : appel de cotisation 2027 — AC-2027-0001" in shown


def test_the_call_letter_says_how_to_pay_with_the_iban_and_the_reference_to_quote() -> None:
    shown = text_of(render_html(letter()))
    assert "FR76 3000 6000 0112 3456 7890 189" in shown
    assert "AGRIFRPPXXX" in shown
    assert f"Référence à indiquer dans le libellé{NBSP}: AC-2027-0001" in shown
    assert f"À l'ordre de{NBSP}: Pôle Alpilles Coopération" in shown
    assert "Le trésorier" in shown


def test_the_call_letter_explains_the_amount_line_by_line_with_the_deciding_assembly() -> None:
    page = render_html(letter())
    shown = text_of(page)
    assert "Comment ce montant est calculé" in shown
    assert "Barème par tranches de chiffre d'affaires" in shown
    assert f"chiffre d'affaires 2026{NBSP}: 320 000,00 €" in shown
    assert 'padding-left: 10mm">tranche de 100 000 €' in page  # two levels deep
    assert "AG du 5 décembre 2026, résolution 2" in shown
    assert "SIREN 123\u00a0456\u00a0782" in shown


def test_every_value_in_the_html_is_escaped() -> None:
    hostile = Party(name="<script>alert('x')</script>", address_lines=("<b>rue</b>",))
    page = render_html(letter(member=hostile, explanation=("<img src=x onerror=alert(1)>",)))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img" not in page
    assert "&lt;b&gt;rue&lt;/b&gt;" in page


def test_a_member_paying_by_direct_debit_is_told_the_debit_date_and_not_asked_to_transfer() -> None:
    payment = dataclasses.replace(letter().payment, direct_debit=True)
    shown = text_of(render_html(letter(payment=payment)))
    assert "prélèvement SEPA" in shown
    assert f"{AMOUNT} sera prélevée" in shown
    assert "31 mars 2027" in shown
    assert "Par virement" not in shown
    assert "Par chèque" not in shown


def test_the_reminder_letter_shows_called_credited_paid_and_still_due() -> None:
    shown = text_of(render_html(reminder_letter()))
    assert "Objet : Deuxième relance — appel de cotisation 2027 — AC-2027-0001" in shown
    assert f"Montant appelé {AMOUNT}" in shown
    assert f"Avoirs déduits 34,50{NBSP}€" in shown
    assert f"Paiements reçus 200,00{NBSP}€" in shown
    assert f"Reste dû 1{NNBSP}000,00{NBSP}€" in shown


def test_the_reminder_letter_fills_the_ladder_paragraph() -> None:
    shown = text_of(render_html(reminder_letter()))
    expected = f"L'appel AC-2027-0001, échu le 31 mars 2027, laisse 1{NNBSP}000,00{NBSP}€ à régler."
    assert expected in shown
    assert "{montant}" not in shown
    assert "ne pas tenir compte de ce courrier" in shown


def test_a_letter_whose_figures_do_not_add_up_is_refused() -> None:
    with pytest.raises(InvalidInput, match="reste dû"):
        letter(paid_cents=100)


def test_a_fully_paid_call_asks_for_nothing() -> None:
    content = compose(letter(paid_cents=123450, outstanding_cents=0))
    assert content.payment == ()
    assert content.payment_intro == ""
    assert "entièrement réglé" in content.opening[0]


# --- PDF ----------------------------------------------------------------------------------------


def test_the_pdf_is_a_one_page_a4_letter_with_the_bundled_font() -> None:
    pdf = render_pdf(letter())
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 1
    assert b"DejaVu" in pdf
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf


def test_the_same_letter_gives_the_same_pdf_bytes() -> None:
    assert render_pdf(reminder_letter()) == render_pdf(reminder_letter())
    assert render_pdf(letter()) != render_pdf(letter(amount_cents=123451, outstanding_cents=123451))


def test_french_characters_in_every_field_print_without_error() -> None:
    member = Party(name="Œuvre « L'Été » — Café €", address_lines=(f"1{NNBSP}000 chemin",))
    pdf = render_pdf(letter(member=member, place="Saint-Étienne-du-Grès"))
    assert page_count(pdf) == 1


def test_a_batch_prints_each_letter_on_its_own_pages() -> None:
    single = page_count(render_pdf(letter())) + page_count(render_pdf(reminder_letter()))
    batch = render_many_pdf([letter(), reminder_letter(), letter(call_reference="AC-2027-0002")])
    assert page_count(batch) == single + page_count(render_pdf(letter()))


def test_a_long_explanation_flows_onto_a_second_page() -> None:
    lines = tuple(f"  ligne de calcul {n}" for n in range(80))
    assert page_count(render_pdf(letter(explanation=lines))) >= 2


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(InvalidInput):
        render_many_pdf([])


def test_every_rung_of_the_reminder_ladder_holds_on_one_page_with_its_signature() -> None:
    """Issue 17: each reminder took two pages, the second holding only the signature."""
    from gouvernance.domain.organisation import Signatory
    from gouvernance.services.ledger.reminder_rules import load_ladder

    member = Party(
        name="Communauté de communes des Alpilles et de la Montagnette",
        address_lines=("Hôtel de la communauté, 1 allée des Platanes", "13570 Castel-Montagnette"),
    )
    payment = dataclasses.replace(letter().payment, direct_debit=True)
    for level in load_ladder().levels:
        reminder = dataclasses.replace(
            reminder_letter(),
            reminder=level,
            member=member,
            payment=payment,
            signatory=Signatory("Joseph Castagne", "Trésorier bénévole"),
        )
        assert page_count(render_pdf(reminder)) == 1, level.label
