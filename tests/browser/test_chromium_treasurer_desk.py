"""The treasurer's desk in Chromium: a complementary batch issued from its preview, a payment
refused then recorded, the FEC downloaded; the progress page of a background job; the desk on
a phone. Every page is checked (axe, CSP, 360 px) and photographed for the treasurer's guide.

The prepared database has LOT-2027-01 issued on 1 December 2026 without CRAU-FORMATION and
PAR01 (no 2026 revenue); here CRAU-FORMATION's revenue is recorded first, so that the preview
calls it in a complementary batch.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from chromium_pages import Visitor
from playwright.sync_api import expect

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.facts import FactKind
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import payments
from gouvernance.services.progress import Progress
from gouvernance.services.registry import members
from web.jobs import Outcome, jobs_for


def test_the_treasurer_issues_a_batch_from_its_preview_records_a_payment_and_gets_the_fec(
    desk: Visitor, site: Application
) -> None:
    members.record_facts(
        site.uows, SYSTEM, "CRAU-FORMATION", 2026, {FactKind.REVENUE: Decimal("502000")}
    )
    page = desk.page
    desk.sign_in("tresorier", then="/tresorerie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trésorerie")
    expect(page.get_by_text("LOT-2027-01", exact=True)).to_be_visible()
    desk.check("tresorier-accueil")

    page.get_by_role("navigation", name="Trésorerie").get_by_role(
        "link", name="Lots d'appels"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lots d'appels")
    page.get_by_label("Échéance").fill("2027-01-31")
    page.get_by_label("Exclure les membres incomplets").check()
    desk.check("tresorier-lots")
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Aperçu du lot : rien n'est encore émis"
    )
    called = page.get_by_role("table", name="Un appel par membre")
    expect(called.get_by_role("rowheader")).to_have_text(["CRAU-FORMATION", "Total (1 appel)"])
    missing = page.get_by_role("table", name="Membres à qui il manque un chiffre")
    expect(missing).to_contain_text("PAR01")
    expect(missing).to_contain_text("donnée manquante — chiffre d'affaires 2026")
    desk.check("tresorier-apercu")

    page.get_by_role("button", name="Émettre ce lot").click()
    page.wait_for_url("**/tresorerie/lots/LOT-2027-02?*")
    expect(page.get_by_role("status")).to_contain_text("Lot émis : 1 appel")
    desk.check("tresorier-lot")
    page.get_by_role("button", name="Préparer les lettres à imprimer (PDF)").click()
    expect(page.get_by_role("status")).to_have_text("Terminé.")
    desk.check("tresorier-lettres")
    with page.expect_download() as letters:
        page.get_by_role("button", name="Télécharger appels-LOT-2027-02.pdf").click()
    assert letters.value.path().read_bytes().startswith(b"%PDF")

    page.get_by_role("navigation", name="Trésorerie").get_by_role("link", name="Paiements").click()
    page.get_by_role("button", name="Enregistrer un paiement").click()
    page.get_by_label("Code du membre").fill("MISTRAL")
    page.get_by_role("button", name="Continuer").click()
    expect(
        page.get_by_role("heading", level=2, name="SARL Mistral Recyclage (MISTRAL)")
    ).to_be_visible()
    amount = page.get_by_label("Montant reçu")
    amount.fill("12,345")
    page.get_by_label("Référence bancaire").fill("VIR-2026-118")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#erreur-montant")).to_have_text("« 12,345 » a plus de 2 décimales")
    expect(amount).to_have_value("12,345")
    expect(page.get_by_label("Référence bancaire")).to_have_value("VIR-2026-118")
    desk.check("tresorier-paiement-refuse")
    amount.fill("1 262,50")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_role("status")).to_have_text("Paiement RG-2026-0001 enregistré.")
    expect(page.locator(".phrase-solde")).to_have_text("À jour.")
    desk.check("tresorier-compte-membre")

    page.get_by_role("navigation", name="Trésorerie").get_by_role("link", name="Exports").click()
    expect(page.locator("#champ-debut")).to_have_value("2026-01-01")
    desk.check("tresorier-exports")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le FEC").click()
    assert download.value.suggested_filename.endswith("-extrait-FEC-20260101-20261231.txt")
    path = download.value.path()
    content = path.read_text(encoding="utf-8")
    assert content.startswith("JournalCode|JournalLib|EcritureNum")
    assert "|RG-2026-0001|" in content and "|AC-2027-0022|" in content


def test_the_progress_page_follows_a_background_job_to_its_result(
    desk: Visitor, site: Application
) -> None:
    release = threading.Event()

    def slow(progress: Progress) -> Outcome:
        progress(1, 4)
        release.wait(30)
        return Outcome(redirect="/tresorerie/lots")

    desk.sign_in("tresorier", then="/tresorerie")
    job = jobs_for(site).start("tresorier", "Émission du lot d'appels", slow, back="/tresorerie")
    page = desk.page
    desk.open(f"/tresorerie/travaux/{job.id}", "tresorier-travail")
    expect(page.locator("#avancement")).to_have_attribute("value", "25")
    release.set()
    page.wait_for_url("**/tresorerie/lots")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lots d'appels")


def test_the_desk_reads_well_on_a_phone(phone: Visitor, site: Application) -> None:
    payments.record_payment(
        site.uows, SYSTEM, "SAL01", 5000, date(2026, 12, 5), PaymentMethod.TRANSFER
    )  # 50,00 € for a call of 20,00 €: 30,00 € to refund
    phone.sign_in("tresorier", then="/tresorerie")
    phone.check("tresorier-accueil")
    phone.open("/tresorerie/appels?statut=impayes", "tresorier-appels")
    expect(phone.page.get_by_role("table", name="Appels trouvés")).to_be_visible()
    phone.open("/tresorerie/appels/AC-2027-0005", "tresorier-appel")
    phone.open("/tresorerie/soldes", "tresorier-soldes")
    phone.open("/tresorerie/relances?au=2027-01-20", "tresorier-relances")
    phone.open("/tresorerie/paiements/nouveau?membre=GARRIGUE", "tresorier-paiement")
    phone.open("/tresorerie/membres/SAL01/remboursement", "tresorier-remboursement")
    expect(phone.page.get_by_label("Montant remboursé")).to_have_value("30,00")
    phone.open("/tresorerie/lots/LOT-2027-01", "tresorier-lot")
    phone.open("/tresorerie/lots/LOT-2027-01/courriel", "tresorier-courriel")
    phone.open("/tresorerie/exports", "tresorier-exports")
