"""The treasurer's bank statements page (« /tresorerie/releves »), through HTTP: upload, the
import's report, the waiting list with its confirm and dismiss forms, the refusals next to their
field. The demo with its 2027 calls issued on 1 December 2026; the sample statement is
``tests/releves_bancaires.py``."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from navigateur import SignIn, csrf_of
from releves_bancaires import camt053, csv_francais

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.bank import statements
from gouvernance.services.ledger import calls, payments

PAGE = "/tresorerie/releves"


@pytest.fixture
def issued(web_demo: Application) -> Application:
    calls.issue_calls(
        web_demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    return web_demo


@pytest.fixture
def treasurer(issued: Application, sign_in: SignIn) -> TestClient:
    return sign_in("tresorier")


def plain(html: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", html)


def upload(client: TestClient, data: bytes, name: str, **fields: str) -> object:
    token = csrf_of(client.get(PAGE).text)
    return client.post(
        PAGE, data={"csrf": token, **fields}, files={"fichier": (name, data, "application/xml")},
        follow_redirects=False,
    )  # fmt: skip


def waiting_id(app: Application, cents: int) -> int:
    return next(
        line.id for line in statements.pending_lines(app.uows, SYSTEM) if line.cents == cents
    )


def test_the_page_offers_the_upload_form_and_an_empty_waiting_list(treasurer: TestClient) -> None:
    page = treasurer.get(PAGE)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert '<label for="champ-fichier">Fichier du relevé' in page.text
    assert "Lignes en attente (0)" in page.text
    assert '<option value="csv-standard" selected>' in page.text


def test_a_statement_uploaded_twice_records_each_payment_once_and_lists_what_waits(
    treasurer: TestClient, issued: Application
) -> None:
    response = upload(treasurer, camt053(), "releve-decembre.xml")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{PAGE}/RLV-2026-0001"
    report = plain(treasurer.get(f"{PAGE}/RLV-2026-0001").text)
    for said in ("Paiements enregistrés (3)", "Rejets de prélèvement enregistrés (1)",
                 "À confirmer (1)", "Sans correspondance (1)", "Débits ignorés (1)",
                 "AM04 — provision insuffisante", "annule RG-2026-0003", "1 262,50 €",
                 "2 lignes de ce relevé attendent"):  # fmt: skip
        assert said in report, said
    again = upload(treasurer, camt053(), "releve-decembre.xml")
    assert again.status_code == 200
    assert "Rien de nouveau : les 7 ligne(s) de ce relevé sont déjà importées" in again.text
    assert len(payments.list_payments(issued.uows, SYSTEM)) == 3
    page = plain(treasurer.get(PAGE).text)
    assert "Lignes en attente (2)" in page
    assert "DUPONT JEAN" in page
    assert '<optgroup label="Suggestions">' in page
    assert "À payer : HUILES-DU-VAL : AC-2027-0004." in page  # the suggestion's open calls


def test_the_same_movements_as_a_french_csv_through_the_page(
    treasurer: TestClient, issued: Application
) -> None:
    response = upload(treasurer, csv_francais(), "releve.csv", profil="csv-standard")
    assert response.status_code == 303, response.text
    assert len(payments.list_payments(issued.uows, SYSTEM)) == 3
    assert upload(treasurer, csv_francais(), "releve.csv").status_code == 200


def test_a_waiting_line_is_confirmed_with_the_suggested_member(
    treasurer: TestClient, issued: Application
) -> None:
    upload(treasurer, camt053(), "releve.xml")
    line = waiting_id(issued, 40000)
    page = treasurer.get(PAGE)
    assert f'<select id="membre-{line}" name="membre" required>' in page.text
    confirmed = treasurer.post(
        f"{PAGE}/lignes/confirmer",
        data={"csrf": csrf_of(page.text), "ligne": str(line), "membre": "HUILES-DU-VAL",
              "appels": "AC-2027-0004"},
        follow_redirects=False,
    )  # fmt: skip
    assert confirmed.status_code == 303, confirmed.text
    after = treasurer.get(confirmed.headers["location"])
    assert (
        f"Ligne {line} : paiement enregistré pour Les Huiles du Val SAS (RG-2026-0004)."
        in after.text
    )
    assert "Lignes en attente (1)" in after.text


def test_a_call_of_another_member_is_refused_next_to_the_calls_field(
    treasurer: TestClient, issued: Application
) -> None:
    upload(treasurer, camt053(), "releve.xml")
    line = waiting_id(issued, 40000)
    refused = treasurer.post(
        f"{PAGE}/lignes/confirmer",
        data={"csrf": csrf_of(treasurer.get(PAGE).text), "ligne": str(line),
              "membre": "HUILES-DU-VAL", "appels": "AC-2027-0005"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert (
        f'<small id="erreur-appels-{line}" class="erreur" role="alert">l&#39;appel AC-2027-0005 '
        "n&#39;est pas un appel du membre HUILES-DU-VAL</small>"
    ) in refused.text
    assert 'value="AC-2027-0005"' in refused.text  # what was typed is kept
    assert len(payments.list_payments(issued.uows, SYSTEM, "HUILES-DU-VAL")) == 0


def test_dismissing_a_line_needs_a_reason_shown_next_to_its_field(
    treasurer: TestClient, issued: Application
) -> None:
    upload(treasurer, camt053(), "releve.xml")
    line = waiting_id(issued, 7500)
    token = csrf_of(treasurer.get(PAGE).text)
    refused = treasurer.post(
        f"{PAGE}/lignes/ecarter", data={"csrf": token, "ligne": str(line), "motif": " "}
    )
    assert refused.status_code == 422
    assert f'id="erreur-motif-{line}" class="erreur" role="alert">texte obligatoire' in refused.text
    dismissed = treasurer.post(
        f"{PAGE}/lignes/ecarter",
        data={"csrf": token, "ligne": str(line), "motif": "don hors cotisations"},
    )
    assert dismissed.status_code == 200
    assert f"Ligne {line} écartée : don hors cotisations." in dismissed.text


def test_a_file_that_is_not_a_statement_is_refused_next_to_the_file_field(
    treasurer: TestClient, issued: Application
) -> None:
    refused = upload(treasurer, b"<html><body/></html>", "page.xml")
    assert refused.status_code == 422
    assert (
        '<small id="erreur-fichier" class="erreur" role="alert">« page.xml » n&#39;est pas un '
        in (refused.text)
    )
    assert statements.statements(issued.uows, SYSTEM) == []
    unknown = upload(treasurer, csv_francais().replace(b"Solde", b"Commentaire"), "releve.csv")
    assert unknown.status_code == 422
    assert "ligne 3, colonne 6 « Commentaire » : colonne inconnue du profil" in unknown.text


def test_an_upload_without_a_file_asks_for_one(treasurer: TestClient) -> None:
    token = csrf_of(treasurer.get(PAGE).text)
    refused = treasurer.post(PAGE, data={"csrf": token}, files={"autre": ("x", b"", "text/plain")})
    assert refused.status_code == 422
    assert "choisissez le fichier du relevé (.xml ou .csv)" in refused.text


def test_an_upload_without_the_form_proof_records_nothing(
    treasurer: TestClient, issued: Application
) -> None:
    refused = treasurer.post(
        PAGE, data={"csrf": "faux"}, files={"fichier": ("r.xml", camt053(), "application/xml")}
    )
    assert refused.status_code == 403
    assert statements.statements(issued.uows, SYSTEM) == []


@pytest.mark.parametrize("account", ["adherent", "bureau"])
def test_other_roles_get_a_french_refusal(
    issued: Application, sign_in: SignIn, account: str
) -> None:
    page = sign_in(account).get(PAGE)
    assert page.status_code == 403
    assert "les relevés bancaires sont réservés au trésorier et à l&#39;administrateur" in page.text
