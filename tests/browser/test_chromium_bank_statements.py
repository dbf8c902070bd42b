"""The treasurer imports a CAMT.053 statement from the page and confirms a match, in Chromium,
at a desk and on a phone (the sample statement: ``tests/releves_bancaires.py``; the browser
database has the demo's 2027 calls, issued on 1 December 2026)."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium_pages import Visitor
from playwright.sync_api import expect
from releves_bancaires import camt053

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import payments


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_the_treasurer_imports_a_camt_statement_and_confirms_a_match(
    size: str, request: pytest.FixtureRequest, site: Application, tmp_path: Path
) -> None:
    visitor: Visitor = request.getfixturevalue(size)
    page = visitor.page
    statement = tmp_path / "releve-decembre.xml"
    statement.write_bytes(camt053())

    visitor.sign_in("tresorier", then="/tresorerie/releves")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevés bancaires")
    visitor.check(f"tresorier-releves-{size}")

    page.get_by_label("Fichier du relevé").set_input_files(statement)
    with page.expect_navigation():
        page.get_by_role("button", name="Importer le relevé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevé RLV-2026-0001")
    expect(page.get_by_role("heading", name="Paiements enregistrés (3)")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Rejets de prélèvement enregistrés (1)")
    ).to_be_visible()
    assert "AM04 — provision insuffisante" in visitor.text()
    visitor.check(f"tresorier-releve-importe-{size}")

    with page.expect_navigation():
        page.get_by_role("link", name="les rapprocher ou les écarter").click()
    expect(page.get_by_role("heading", name="Lignes en attente (2)")).to_be_visible()
    card = page.get_by_role("article").filter(has_text="LES HUILES DU VALLON")
    member = card.get_by_label("Membre qui a payé")
    expect(member).to_have_value("HUILES-DU-VAL")  # the suggestion comes first, chosen
    card.get_by_label("Appels réglés").fill("AC-2027-0004")
    visitor.check(f"tresorier-releves-attente-{size}")
    with page.expect_navigation():
        card.get_by_role("button", name="Confirmer et enregistrer le paiement").click()
    expect(page.get_by_role("status")).to_contain_text(
        "paiement enregistré pour Les Huiles du Val SAS (RG-2026-0004)"
    )
    expect(page.get_by_role("heading", name="Lignes en attente (1)")).to_be_visible()
    visitor.check(f"tresorier-releves-confirme-{size}")

    (paid,) = payments.list_payments(site.uows, SYSTEM, "HUILES-DU-VAL")
    assert [a.call_reference for a in paid.allocations] == ["AC-2027-0004"]
