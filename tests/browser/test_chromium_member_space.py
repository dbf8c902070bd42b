"""The members' space on a phone: my record, my balance, the explanation of a call."""

from __future__ import annotations

from chromium_pages import Visitor
from playwright.sync_api import expect

from gouvernance.bootstrap import Application
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import payments


def _plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_member_reads_their_balance_and_the_explanation_of_a_call_on_a_phone(
    phone: Visitor, site: Application
) -> None:
    balance = payments.member_balance(site.uows, SYSTEM, "RESSOURCERIE")
    (call,) = balance.calls
    owed = _plain(format_cents(balance.owed))
    assert balance.owed > 0

    phone.sign_in("adherent", then="/mon-espace")
    expect(phone.page.get_by_role("heading", level=1)).to_contain_text(
        "Ressourcerie La Seconde Main"
    )
    phone.check("adherent-mon-espace")

    phone.page.get_by_role("link", name="Mes appels, mes paiements et mon solde").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Mes appels et mon solde")
    assert f"Vous devez {owed}." in phone.text()
    phone.check("adherent-mes-appels")

    phone.page.get_by_role("link", name=call.reference).click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(f"Appel {call.reference}")
    explanation = phone.page.get_by_role("region", name="Le calcul, pas à pas")
    expect(explanation.get_by_role("listitem").first).to_contain_text("chiffre d'affaires 2026")
    assert f"Montant appelé : {_plain(format_cents(call.cents))}" in _plain(
        explanation.inner_text()
    )
    phone.check("adherent-appel-explication")


def test_the_members_space_says_why_there_is_no_share_certificate_yet(phone: Visitor) -> None:
    phone.sign_in("adherent", then="/mon-espace")
    remark = phone.page.get_by_text("Attestation de parts sociales :")
    expect(remark).to_be_visible()
    certificate = phone.page.get_by_role("link", name="Mon attestation de parts sociales (PDF)")
    expect(certificate).to_have_count(0)
    phone.open("/mon-espace/attestation.pdf", "adherent-attestation", status=404)


def test_a_member_changes_their_details_after_a_refusal_shown_next_to_the_field(
    phone: Visitor,
) -> None:
    page = phone.page
    phone.sign_in("adherent", then="/mon-espace")
    postal_code = page.get_by_label("Code postal")
    postal_code.fill("13 99")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    expect(postal_code).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#erreur-postal_code")).to_contain_text("code postal invalide")
    expect(postal_code).to_have_value("13 99")
    phone.check("adherent-coordonnees-refusees")
    postal_code.fill("13990")
    page.get_by_label("Téléphone").fill("04 90 00 00 00")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer mes coordonnées").click()
    expect(page.get_by_role("status")).to_have_text("Vos coordonnées sont enregistrées.")
    expect(page.get_by_label("Téléphone")).to_have_value("04 90 00 00 00")
    phone.check("adherent-coordonnees-enregistrees")
