"""The members' space through HTTP: the demo member `adherent` (RESSOURCERIE) reads their
record and changes only their contact details, reads their calls, payments and balance, the
explanation of an amount and its letter, and never another member's account."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient
from navigateur import SignIn, csrf_of

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import SYSTEM
from gouvernance.services import audit
from gouvernance.services.ledger import calls, payments
from gouvernance.services.registry import members
from gouvernance.services.scic import capital

OWN_CALL = "AC-2027-0006"  # RESSOURCERIE's call in the demo batch: 648,90 €


@pytest.fixture
def issued(web_demo: Application) -> Application:
    """The demo's 2027 calls, issued on 1 December 2026, due on the 31st (the demo itself
    issues none)."""
    calls.issue_calls(
        web_demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    return web_demo


def _text(html: str) -> str:
    """The page as a person reads it: entities decoded, tags and runs of spaces collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _another_members_call(app: Application) -> str:
    found = calls.list_calls(app.uows, SYSTEM, calls.CallQuery(member_code="MISTRAL"))
    return found.items[0].reference


def _audit_count(app: Application) -> int:
    return len(audit.recent(app.uows, SYSTEM, 1000))


def _post_details(client: TestClient, **fields: str) -> tuple[int, str, str]:
    page = client.get("/mon-espace")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    data = {"csrf": csrf_of(page.text), "version": version.group(1)} | fields
    response = client.post("/mon-espace", data=data, follow_redirects=False)
    return response.status_code, response.text, response.headers.get("location", "")


def test_a_member_sees_their_record_and_a_form_for_the_details_they_may_change(
    sign_in: SignIn,
) -> None:
    page = sign_in("adherent").get("/mon-espace")
    assert page.status_code == 200
    text = _text(page.text)
    assert "RESSOURCERIE" in text and "Ressourcerie La Seconde Main" in text
    assert "793458126" in text and "producteurs" in text and "01/03/2016" in text
    assert "bonjour@secondemain.example" in text and "Vallon-les-Alpilles" in text
    for name in ("email", "phone", "address", "postal_code", "city"):
        assert f'name="{name}"' in page.text
    assert 'name="name"' not in page.text and 'name="siren"' not in page.text
    assert 'href="/mon-espace/pouvoirs"' in page.text and 'href="/mon-espace/appels"' in page.text


def test_a_member_sees_their_calls_their_balance_and_a_sentence_saying_what_they_owe(
    sign_in: SignIn, issued: Application
) -> None:
    page = sign_in("adherent").get("/mon-espace/appels")
    assert page.status_code == 200
    text = _text(page.text)
    assert OWN_CALL in text and f'href="/mon-espace/appels/{OWN_CALL}"' in page.text
    assert f"Vous devez {format_cents(64890)}." in text
    assert "31/12/2026" in text and "à payer" in text
    assert "Aucun paiement" in text
    other = _another_members_call(issued)
    assert other not in text and "Mistral" not in text


def test_a_payment_shows_its_method_in_french_and_what_is_left_becomes_credit(
    sign_in: SignIn, issued: Application
) -> None:
    payments.record_payment(
        issued.uows, SYSTEM, "RESSOURCERIE", 70000, date(2026, 12, 10), PaymentMethod.CHEQUE
    )
    text = _text(sign_in("adherent").get("/mon-espace/appels").text)
    assert f"Vous avez un crédit de {format_cents(5110)}." in text
    assert "chèque" in text and "10/12/2026" in text
    assert f"{OWN_CALL} : {format_cents(64890)}" in text
    assert "payé" in text


def test_an_overdue_call_is_highlighted_with_its_days_of_lateness(
    sign_in: SignIn, issued: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-01-15")
    page = sign_in("adherent").get("/mon-espace/appels")
    assert 'class="en-retard"' in page.text and 'class="badge retard"' in page.text
    assert "15 jours de retard" in _text(page.text)


def test_a_credit_note_on_a_call_is_listed_with_its_reason(
    sign_in: SignIn, issued: Application
) -> None:
    calls.credit_call(issued.uows, SYSTEM, OWN_CALL, "chiffre d'affaires corrigé", cents=10000)
    text = _text(sign_in("adherent").get("/mon-espace/appels").text)
    assert "chiffre d'affaires corrigé" in text
    assert f"Vous devez {format_cents(54890)}." in text


def test_a_member_with_nothing_called_is_told_they_are_up_to_date(sign_in: SignIn) -> None:
    text = _text(sign_in("adherent").get("/mon-espace/appels").text)
    assert "Vous êtes à jour." in text and "Aucun appel" in text


def test_the_amount_of_a_call_is_explained_step_by_step_with_its_letter(
    sign_in: SignIn, issued: Application
) -> None:
    page = sign_in("adherent").get(f"/mon-espace/appels/{OWN_CALL}")
    assert page.status_code == 200
    text = _text(page.text)
    assert "chiffre d'affaires 2026" in text and "0,1 %" in text
    assert f"= {format_cents(64890)}" in text
    assert "AG extraordinaire du 14 novembre 2026, résolution 2" in text
    assert f'href="/mon-espace/appels/{OWN_CALL}/lettre.pdf"' in page.text


def test_a_member_downloads_the_letter_of_their_call_as_a_pdf(
    sign_in: SignIn, issued: Application
) -> None:
    letter = sign_in("adherent").get(f"/mon-espace/appels/{OWN_CALL.lower()}/lettre.pdf")
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert f'filename="appel-{OWN_CALL}.pdf"' in letter.headers["content-disposition"]


def test_a_member_cannot_see_another_members_call_nor_its_letter(
    sign_in: SignIn, issued: Application
) -> None:
    client = sign_in("adherent")
    other = _another_members_call(issued)
    for path in (f"/mon-espace/appels/{other}", f"/mon-espace/appels/{other}/lettre.pdf"):
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert "aucun de vos appels n'a la référence" in unescape(refused.text)
        assert "Mistral" not in refused.text and "%PDF" not in refused.text
    unknown = client.get("/mon-espace/appels/AC-2027-9999")
    assert unknown.status_code == 404
    assert "aucun de vos appels n'a la référence" in unescape(unknown.text)


def test_a_member_changes_their_email_which_is_audited_and_bumps_the_version(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    before = members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE")
    status, _, location = _post_details(
        client, email="Contact@SecondeMain.example", phone=before.phone or "",
        address=before.address or "", postal_code=before.postal_code or "",
        city=before.city or "",
    )  # fmt: skip
    assert (status, location) == (303, "/mon-espace?enregistre=1")
    after = members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE")
    assert after.email == "contact@secondemain.example"
    assert after.version == before.version + 1
    assert (after.name, after.phone) == (before.name, before.phone)
    entry = audit.recent(web_demo.uows, SYSTEM, 1)[0]
    assert (entry.action, entry.actor, entry.entity_key) == (
        "membre.coordonnées", "adherent", "RESSOURCERIE",
    )  # fmt: skip
    assert "contact@secondemain.example" in entry.detail
    page = client.get(location)
    assert "Vos coordonnées sont enregistrées." in page.text
    assert 'value="contact@secondemain.example"' in page.text


def test_a_bad_email_is_refused_next_to_its_field_keeping_what_was_typed_and_writing_nothing(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    before = members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE")
    written = _audit_count(web_demo)
    status, html, _ = _post_details(client, email="pas-une-adresse", city="Saint-Rémy")
    assert status == 422
    error = re.search(r'<small id="erreur-email"[^>]*>([^<]+)</small>', html)
    assert error is not None and "adresse électronique invalide" in unescape(error.group(1))
    assert 'aria-invalid="true" aria-describedby="erreur-email"' in html
    assert 'value="pas-une-adresse"' in html and 'value="Saint-Rémy"' in html
    assert members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE") == before
    assert _audit_count(web_demo) == written


def test_a_crafted_post_cannot_change_the_members_name(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    before = members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE")
    written = _audit_count(web_demo)
    status, html, _ = _post_details(
        client, name="Une autre raison sociale", email="autre@exemple.example"
    )
    assert status == 403
    assert "la raison sociale ne se modifie pas ici" in unescape(html)
    assert 'value="autre@exemple.example"' in html
    assert members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE") == before
    assert _audit_count(web_demo) == written


def test_a_form_read_before_another_change_is_refused_rather_than_overwriting_it(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    page = client.get("/mon-espace")
    members.update_member(web_demo.uows, SYSTEM, "RESSOURCERIE", {"phone": "04 90 99 99 99"})
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    refused = client.post(
        "/mon-espace",
        data={"csrf": csrf_of(page.text), "version": version.group(1), "phone": "06 00 00 00 00"},
    )
    assert refused.status_code == 409
    assert "modifiée entre-temps" in unescape(refused.text)
    assert members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE").phone == "04 90 99 99 99"


def test_a_post_of_the_details_without_the_csrf_proof_is_refused(
    sign_in: SignIn, web_demo: Application
) -> None:
    client = sign_in("adherent")
    before = members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE")
    refused = client.post("/mon-espace", data={"email": "pirate@exemple.example", "version": "1"})
    assert refused.status_code == 403
    assert "rien n'a été enregistré" in unescape(refused.text)
    assert members.get_member(web_demo.uows, SYSTEM, "RESSOURCERIE") == before


def test_a_staff_account_without_a_member_record_is_told_this_space_is_for_members(
    sign_in: SignIn,
) -> None:
    client = sign_in("tresorier")
    for path in ("/mon-espace", "/mon-espace/appels", "/mon-espace/attestation.pdf"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "Espace réservé aux adhérents" in page.text
        assert 'href="/conseil/simulation"' in page.text and 'href="/assemblees"' in page.text


def test_a_member_without_shares_is_told_why_there_is_no_certificate(sign_in: SignIn) -> None:
    client = sign_in("adherent")
    home = client.get("/mon-espace")
    assert 'href="/mon-espace/attestation.pdf"' not in home.text
    assert "aucune part sociale n'est inscrite à votre nom" in unescape(home.text)
    page = client.get("/mon-espace/attestation.pdf")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "aucune part sociale n'est inscrite à votre nom" in unescape(page.text)


def test_an_associate_holding_shares_downloads_their_certificate(
    sign_in: SignIn, web_demo: Application
) -> None:
    capital.subscribe(
        web_demo.uows, SYSTEM, "RESSOURCERIE", 20, Decimal("250.00"), date(2026, 12, 12)
    )
    client = sign_in("adherent")
    assert 'href="/mon-espace/attestation.pdf"' in client.get("/mon-espace").text
    pdf = client.get("/mon-espace/attestation.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attestation-parts-RESSOURCERIE-2026-12-12.pdf" in pdf.headers["content-disposition"]


def test_every_page_of_the_space_has_one_heading_and_captioned_scrolling_tables(
    sign_in: SignIn, issued: Application
) -> None:
    payments.record_payment(
        issued.uows, SYSTEM, "RESSOURCERIE", 10000, date(2026, 12, 10), PaymentMethod.TRANSFER
    )
    client = sign_in("adherent")
    for path in ("/mon-espace", "/mon-espace/appels", f"/mon-espace/appels/{OWN_CALL}"):
        html = client.get(path).text
        assert html.count("<h1") == 1, path
        tables = html.count("<table")
        assert tables == html.count('<div class="tableau-defilant" tabindex="0" role="region"'), (
            path
        )
        assert tables == html.count("<caption id="), path
        assert 'style="' not in html and "<script>" not in html, path
