"""A real association installs Gouvernance and works through the API, without the demo: its
first administrator, its own details, its members from a CSV, its schedule, its calls, a letter,
the FEC and a SEPA file — each document printing the association's own name and bank details."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from gouvernance.bootstrap import Application
from gouvernance.domain.users import Role
from gouvernance.services.access import accounts, operators

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples"
RULES = EXAMPLES / "regles"  # the association's own schedule, as docs/installation.md shows it
VENTOUX = {
    "name": "Pôle Coopératif du Ventoux",
    "legal_form": "association",
    "siren": "443 061 841",
    "rna": "W842001234",
    "address": "12 rue des Tilleuls",
    "postal_code": "84000",
    "city": "Avignon",
    "iban": "FR76 3000 4000 0312 3456 7890 143",
    "sepa_creditor_id": "FR72ZZZ123456",
    "president_name": "Claire Martin",
    "president_title": "Présidente",
    "treasurer_name": "Paul Roux",
    "treasurer_title": "Trésorier bénévole",
}


@pytest.fixture
def ventoux(app: Application, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, dict[str, str]]:
    """A new database, its first administrator (as ``gouvernance users add`` makes it) and the
    association's own fee schedule in its own rules folder."""
    monkeypatch.setenv("GOUVERNANCE_RULES_DIR", str(RULES))
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    first = operators.first_admin(app.uows, "claire")
    assert first is not None
    accounts.add_user(app.uows, first, "claire", "un-long-secret", Role.ADMIN)
    client = TestClient(create_app(app))
    token = client.post("/auth/token", data={"username": "claire", "password": "un-long-secret"})
    assert token.status_code == 200, token.text
    return client, {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_a_new_association_registers_itself_and_issues_its_calls_without_the_demo(
    ventoux: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = ventoux
    missing = client.get("/exports/fec?start=2027-01-01&end=2027-12-31", headers=admin)
    assert missing.status_code == 404
    assert "gouvernance organisation set" in missing.json()["error"]["message"]

    declared = client.put("/organisation", json=VENTOUX, headers=admin)
    assert declared.status_code == 200, declared.text
    assert declared.json()["bic"] == "BNPAFRPP"  # derived from the IBAN

    with (EXAMPLES / "membres.csv").open("rb") as csv:
        imported = client.post(
            "/members/import", files={"file": ("membres.csv", csv, "text/csv")}, headers=admin
        )
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"created": 4, "codes": ["M0001", "M0002", "M0003", "M0004"]}

    issued = client.post(
        "/calls/batches",
        json={"schedule": "ventoux-2027", "due_on": "2027-03-31"},
        headers=admin,
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["batch"]["reference"] == "LOT-2027-01"
    assert issued.json()["batch"]["total_text"] == "465,00\u00a0€"

    letter = client.get("/calls/AC-2027-0001/letter?format=html", headers=admin)
    assert letter.status_code == 200
    for printed in ("Pôle Coopératif du Ventoux", "FR76 3000 4000 0312 3456 7890 143",
                    "BNPAFRPP", "Paul Roux", "Trésorier bénévole", "RNA W842001234"):  # fmt: skip
        assert printed in letter.text, printed
    pdf = client.get("/calls/AC-2027-0001/letter?format=pdf", headers=admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    fec = client.get("/exports/fec?start=2027-01-01&end=2027-12-31", headers=admin)
    assert fec.status_code == 200, fec.text
    assert "443061841-extrait-FEC-20270101-20271231.txt" in fec.headers["content-disposition"]
    header = fec.content.decode("utf-8-sig").splitlines()[0]
    assert len(header.split("|")) == 18

    mandate = client.put(
        "/members/M0001/mandate",
        json={"mandate_id": "VENTOUX-M0001", "signed_on": "2026-12-01",
              "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPMAR"},
        headers=admin,
    )  # fmt: skip
    assert mandate.status_code == 200, mandate.text
    sepa = client.post("/exports/sepa?collection_date=2027-01-11", headers=admin)
    assert sepa.status_code == 200, sepa.text
    assert b"FR72ZZZ123456" in sepa.content
    assert b"Pole Cooperatif du Ventoux" in sepa.content  # the SEPA character set: no accents
    assert b'<InstdAmt Ccy="EUR">150.00</InstdAmt>' in sepa.content


def test_a_member_file_with_errors_is_refused_whole_through_the_api(
    ventoux: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = ventoux
    with (EXAMPLES / "membres-erreurs.csv").open("rb") as csv:
        refused = client.post(
            "/members/import", files={"file": ("membres-erreurs.csv", csv)}, headers=admin
        )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "aucun membre importé" in error["message"]
    assert all(problem["line"] for problem in error["problems"])
    assert client.get("/members", headers=admin).json()["total"] == 0


def test_the_register_is_exported_through_the_api_in_the_import_format(
    ventoux: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = ventoux
    with (EXAMPLES / "membres.csv").open("rb") as csv:
        client.post("/members/import", files={"file": ("membres.csv", csv)}, headers=admin)
    exported = client.get("/members/export?format=csv", headers=admin)
    assert exported.status_code == 200
    assert "registre-des-membres.csv" in exported.headers["content-disposition"]
    assert "Ressourcerie des Alpilles" in exported.content.decode("utf-8-sig")
    wrong = client.get("/members/export?format=pdf", headers=admin)
    assert wrong.status_code == 422
