"""The bank statement endpoints over HTTP, on the demo with its 2027 calls issued, on
12 December 2026 (the sample statement: ``tests/releves_bancaires.py``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from releves_bancaires import camt053, csv_francais

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls

Headers = dict[str, str]
XML = "application/xml"


@pytest.fixture
def demo(
    app: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    return app


@pytest.fixture
def as_(client: TestClient, demo: Application) -> Callable[[str], Headers]:
    """``as_("tresorier")``: the headers of a demo account (password « demo-<name> »)."""

    def headers(username: str) -> Headers:
        response = client.post(
            "/auth/token", data={"username": username, "password": f"demo-{username}"}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return headers


def upload(client: TestClient, headers: Headers, data: bytes, name: str, **form: str) -> Any:
    return client.post(
        "/bank/statements", files={"file": (name, data, XML)}, data=form, headers=headers
    )


def example(client: TestClient, path: str) -> dict[str, Any]:
    """The request body the documentation shows for ``POST path``."""
    spec = client.app.openapi()  # type: ignore[attr-defined]
    schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    found: dict[str, Any] = spec["components"]["schemas"][name]["examples"][0]
    return found


def test_a_statement_uploaded_twice_records_each_payment_once(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    treasurer = as_("tresorier")
    first = upload(client, treasurer, camt053(), "releve-decembre.xml")
    assert first.status_code == 201, first.text
    report = first.json()
    assert report["created"] is True
    assert report["statement"]["reference"] == "RLV-2026-0001"
    assert [line["member_code"] for line in report["recorded"]] == ["MISTRAL", "SAL01", "GARRIGUE"]
    assert report["recorded"][0]["amount"] == "1262.50"
    assert report["recorded"][0]["amount_text"] == "1\u202f262,50\u00a0€"
    (returned,) = report["returns"]
    assert (returned["return_reason"], returned["return_label"]) == (
        "AM04", "AM04 — provision insuffisante"
    )  # fmt: skip
    assert returned["reversed_payment"] == report["recorded"][2]["payment_reference"]
    assert [line["amount"] for line in report["unmatched"]] == ["75.00"]
    assert [line["suggested_member"] for line in report["to_confirm"]] == ["HUILES-DU-VAL"]

    again = upload(client, treasurer, camt053(), "releve-decembre.xml")
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False
    assert again.json()["summary"].startswith("Rien de nouveau : les 7 ligne(s)")
    assert len(client.get("/payments", headers=treasurer).json()) == 3
    assert [s["reference"] for s in client.get("/bank/statements", headers=treasurer).json()] == [
        "RLV-2026-0001"
    ]


def test_the_same_statement_as_a_french_csv(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    treasurer = as_("tresorier")
    response = upload(client, treasurer, csv_francais(), "releve.csv", profile="csv-standard")
    assert response.status_code == 201, response.text
    assert response.json()["statement"]["profile"] == "csv-standard"
    assert len(response.json()["recorded"]) == 3
    assert upload(client, treasurer, csv_francais(), "releve.csv").status_code == 200


def test_the_waiting_lines_are_confirmed_and_dismissed_with_the_documented_bodies(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    treasurer = as_("tresorier")
    upload(client, treasurer, camt053(), "releve.xml")
    waiting = client.get("/bank/lines", params={"pending": "true"}, headers=as_("bureau"))
    assert waiting.status_code == 200, waiting.text
    unknown, close = waiting.json()
    assert close["candidates"] == [
        {"code": "HUILES-DU-VAL", "name": "Les Huiles du Val SAS", "open_calls": ["AC-2027-0004"]}
    ]
    confirm_path = "/bank/lines/{line_id}/confirm"
    confirmed = client.post(
        f"/bank/lines/{close['id']}/confirm", json=example(client, confirm_path), headers=treasurer
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "recorded"
    assert confirmed.json()["member_name"] == "Les Huiles du Val SAS"
    dismiss_path = "/bank/lines/{line_id}/dismiss"
    dismissed = client.post(
        f"/bank/lines/{unknown['id']}/dismiss", json=example(client, dismiss_path),
        headers=treasurer,
    )  # fmt: skip
    assert dismissed.status_code == 200, dismissed.text
    assert (dismissed.json()["status"], dismissed.json()["note"]) == (
        "dismissed", "don, hors cotisations"
    )  # fmt: skip
    assert client.get("/bank/lines?pending=true", headers=treasurer).json() == []
    again = client.post(
        f"/bank/lines/{close['id']}/confirm", json={"member": "HUILES-DU-VAL"}, headers=treasurer
    )
    assert again.status_code == 409
    assert "n'attend plus rien" in again.json()["error"]["message"]
    one = client.get(f"/bank/lines/{close['id']}", headers=treasurer)
    assert one.status_code == 200 and one.json()["payment_reference"] == "RG-2026-0004"


def test_a_file_that_is_not_camt_is_a_422_naming_the_element(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    treasurer = as_("tresorier")
    response = upload(client, treasurer, b"<html><body/></html>", "page.xml")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == (
        "« page.xml » n'est pas un relevé CAMT.053 : l'élément racine est « html » et non "
        "« Document »"
    )
    assert error["field"] == "file"
    assert client.get("/bank/statements", headers=treasurer).json() == []


def test_unknown_csv_columns_are_a_422_naming_the_line_and_column(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    treasurer = as_("tresorier")
    data = csv_francais().replace(b"Solde", b"Commentaire")
    response = upload(client, treasurer, data, "releve.csv")
    assert response.status_code == 422
    (problem,) = response.json()["error"]["problems"]
    assert (problem["line"], problem["field"]) == (3, "Commentaire")
    assert client.get("/payments", headers=treasurer).json() == []


def test_a_member_may_neither_import_nor_read_statements(
    client: TestClient, as_: Callable[[str], Headers]
) -> None:
    member = as_("adherent")
    assert upload(client, member, camt053(), "releve.xml").status_code == 403
    assert client.get("/bank/lines", headers=member).status_code == 403
    board = as_("bureau")
    assert upload(client, board, camt053(), "releve.xml").status_code == 403
    assert client.get("/bank/lines", headers=board).status_code == 200


def test_an_unknown_line_is_a_404(client: TestClient, as_: Callable[[str], Headers]) -> None:
    treasurer = as_("tresorier")
    response = client.post("/bank/lines/42/dismiss", json={"reason": "x"}, headers=treasurer)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "aucune ligne de relevé n'a le numéro 42"
