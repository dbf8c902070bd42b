"""The fee endpoints through HTTP: schedules, simulations, exports, explanations, and refusals.

The registry here is small enough to check by hand: SAL01 (an employee, the member account's own
record) and MISTRAL (a producer with a 2026 profit of 48 000 €).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services.contributions.fees import RULES_VARIABLE
from gouvernance.services.registry import members

Headers = dict[str, str]
NBSP, NNBSP = "\u00a0", "\u202f"
PAIR = ["demo-forfait", "demo-quote-part"]


@pytest.fixture
def mistral(app: Application) -> str:
    draft = MemberDraft(
        kind=PersonKind.LEGAL,
        category="producer",
        joined_on=date(2017, 9, 15),
        name="SARL Mistral Recyclage",
        siren="831204763",
        code="MISTRAL",
    )
    members.create_member(app.uows, SYSTEM, draft)
    values = {FactKind.REVENUE: Decimal("1262500"), FactKind.PROFIT: Decimal("48000")}
    members.record_facts(app.uows, SYSTEM, "MISTRAL", 2026, values)
    return "MISTRAL"


@pytest.fixture
def as_board(sign_in: Callable[[Role], Headers], mistral: str) -> Headers:
    return sign_in(Role.BOARD)


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _simulate(client: TestClient, headers: Headers, **body: Any) -> Any:
    return client.post("/fees/simulations", json={"schedules": PAIR, **body}, headers=headers)


# --- Schedules --------------------------------------------------------------------------------


def test_a_signed_in_member_lists_the_schedules_with_their_file_and_decision(
    client: TestClient, sign_in: Callable[[Role], Headers]
) -> None:
    response = client.get("/fees/schedules", headers=sign_in(Role.MEMBER))
    assert response.status_code == 200, response.text
    listed = {s["id"]: s for s in response.json()}
    forfait = listed["demo-forfait"]
    assert forfait["source"] == "demo/1-forfait.yaml"
    assert (forfait["fiscal_year"], forfait["facts_year"], forfait["default"]) == (2027, 2026, True)
    assert forfait["reference"].startswith("Proposition du bureau")
    assert listed["exemple-federation"]["default"] is False


def test_a_schedule_is_read_with_the_yaml_text_that_was_adopted(
    client: TestClient, as_admin: Headers
) -> None:
    response = client.get("/fees/schedules/demo-quote-part", headers=as_admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["prorata"], body["period_start"]) == ("month", "2027-01-01")
    assert 'rate: {rate: "2 %", base: profit}' in body["document"]


def test_an_unknown_schedule_is_a_404_naming_it(client: TestClient, as_board: Headers) -> None:
    read = client.get("/fees/schedules/inconnu", headers=as_board)
    assert read.status_code == 404
    assert "« inconnu »" in _error(read)["message"]
    simulated = client.post(
        "/fees/simulations", json={"schedules": ["demo-forfait", "inconnu"]}, headers=as_board
    )
    assert simulated.status_code == 404
    assert "aucun barème n'a l'identifiant « inconnu »" in _error(simulated)["message"]


def test_the_schedules_need_a_signed_in_person(client: TestClient) -> None:
    assert client.get("/fees/schedules").status_code == 401


# --- Simulations ------------------------------------------------------------------------------


def test_the_board_compares_schedules_with_exact_amounts_and_french_texts(
    client: TestClient, as_board: Headers
) -> None:
    response = _simulate(client, as_board)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["reference"] == "demo-forfait"
    flat, share = body["scenarios"]
    assert (flat["total"], flat["total_text"]) == ("420.00", f"420,00{NBSP}€")  # 400 + 20
    assert (share["total"], share["charged"]) == ("980.00", 2)  # 960 + 20
    assert (share["minimum"], share["median"], share["maximum"]) == ("20.00", "490.00", "960.00")
    assert share["biggest_changes"][0]["difference_text"] == f"+560,00{NBSP}€"
    mistral = next(m for m in body["members"] if m["code"] == "MISTRAL")
    assert mistral["category_label"] == "producteurs"
    cell = mistral["amounts"][1]
    assert (cell["amount"], cell["difference"], cell["burden_percent"]) == (
        "960.00",
        "560.00",
        "0.08",
    )
    assert cell["burden_text"] == f"0,08{NBSP}%"


def test_a_member_without_the_figures_gets_no_amount_and_the_missing_list(
    client: TestClient, as_board: Headers, app: Application
) -> None:
    draft = MemberDraft(
        kind=PersonKind.LEGAL,
        category="partner",
        joined_on=date(2019, 2, 4),
        name="Crau Formation",
        siren="449721356",
        code="CRAU-FORMATION",
    )
    members.create_member(app.uows, SYSTEM, draft)
    share = _simulate(client, as_board).json()["scenarios"][1]
    assert share["missing_count"] == 1
    assert share["missing"][0]["code"] == "CRAU-FORMATION"
    assert share["missing"][0]["missing"] == [
        {"kind": "profit", "year": 2026, "text": "bénéfice 2026"}
    ]
    assert share["total"] == "980.00"  # unchanged: left out, not counted as zero


def test_without_schedules_the_default_scenarios_are_compared(
    client: TestClient, as_board: Headers
) -> None:
    response = client.post("/fees/simulations", json={}, headers=as_board)
    assert response.status_code == 200, response.text
    ids = [s["id"] for s in response.json()["scenarios"]]
    assert ids == ["demo-forfait", "demo-bareme-ca", "demo-quote-part"]


def test_a_reference_outside_the_comparison_is_a_422(client: TestClient, as_board: Headers) -> None:
    response = _simulate(client, as_board, reference="demo-bareme-ca")
    assert response.status_code == 422
    assert _error(response)["field"] == "reference"


@pytest.mark.parametrize("role", [Role.BOARD, Role.TREASURER, Role.ADMIN])
def test_board_treasurer_and_admin_may_simulate(
    client: TestClient, sign_in: Callable[[Role], Headers], mistral: str, role: Role
) -> None:
    assert _simulate(client, sign_in(role)).status_code == 200


@pytest.mark.parametrize("role", [Role.MEMBER, Role.SCRUTINEER])
def test_a_member_or_a_scrutineer_may_not_simulate_nor_export(
    client: TestClient, sign_in: Callable[[Role], Headers], role: Role
) -> None:
    headers = sign_in(role)
    response = _simulate(client, headers)
    assert response.status_code == 403
    assert "ne permet pas de simuler les barèmes de cotisation" in _error(response)["message"]
    exported = client.get("/fees/simulations/export", params={"format": "csv"}, headers=headers)
    assert exported.status_code == 403


# --- Exports ----------------------------------------------------------------------------------


def test_the_csv_export_is_a_download_that_reads_back(
    client: TestClient, as_board: Headers
) -> None:
    response = client.get(
        "/fees/simulations/export",
        params={"schedules": PAIR, "format": "csv"},
        headers=as_board,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "comparaison-cotisations.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    mistral = next(row for row in rows if row["code"] == "MISTRAL")
    assert mistral["montant demo-quote-part (€)"] == "960,00"


def test_the_xlsx_export_opens_with_one_sheet_per_scenario_and_the_members(
    client: TestClient, as_board: Headers
) -> None:
    response = client.get(
        "/fees/simulations/export",
        params={"schedules": PAIR, "format": "xlsx", "reference": "demo-quote-part"},
        headers=as_board,
    )
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [*PAIR, "Membres"]
    assert book["Membres"]["A1"].value == "code"


def test_an_unknown_export_format_is_refused_in_french(
    client: TestClient, as_board: Headers
) -> None:
    response = client.get("/fees/simulations/export", params={"format": "pdf"}, headers=as_board)
    assert response.status_code == 422
    assert _error(response)["message"] == "format d'export inconnu « pdf » : csv ou xlsx"


# --- Explanations -----------------------------------------------------------------------------


def test_a_member_reads_the_explanation_of_their_own_fee(
    client: TestClient, sign_in: Callable[[Role], Headers]
) -> None:
    response = client.get(
        "/fees/explanations/sal01", params={"schedules": PAIR}, headers=sign_in(Role.MEMBER)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["member_code"], body["member_name"]) == ("SAL01", "Camille Roux")
    first = body["explanations"][0]
    assert (first["schedule"], first["label"], first["amount"]) == (
        "demo-forfait",
        "Cotisation forfaitaire",
        "20.00",
    )
    assert first["lines"] == [f"autres catégories : montant fixe 20,00{NBSP}€"]


def test_a_member_may_not_read_another_members_explanation(
    client: TestClient, sign_in: Callable[[Role], Headers], mistral: str
) -> None:
    response = client.get("/fees/explanations/MISTRAL", headers=sign_in(Role.MEMBER))
    assert response.status_code == 403
    assert "sa propre cotisation" in _error(response)["message"]


def test_the_board_reads_each_step_of_mistrals_fee(client: TestClient, as_board: Headers) -> None:
    response = client.get(
        "/fees/explanations/MISTRAL", params={"schedules": ["demo-quote-part"]}, headers=as_board
    )
    (explanation,) = response.json()["explanations"]
    assert explanation["amount_text"] == f"960,00{NBSP}€"
    assert (
        f"2 % du bénéfice 2026 (48{NNBSP}000,00{NBSP}€) = 960,00{NBSP}€" in explanation["lines"][0]
    )


# --- A bad rule file --------------------------------------------------------------------------


def test_a_bad_rule_file_is_a_422_naming_the_file_and_the_key(
    client: TestClient, as_board: Headers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "casse.yaml").write_text(
        'id: casse\nlabel: Cassé\nfiscal_year: 2027\nfee:\n  rate: {rate: "2 %", base: profits}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(RULES_VARIABLE, str(tmp_path))
    for response in (
        client.get("/fees/schedules", headers=as_board),
        client.post("/fees/simulations", json={"schedules": ["casse"]}, headers=as_board),
    ):
        assert response.status_code == 422
        error = _error(response)
        assert error["code"] == "regle_invalide"
        assert error["field"] == "fee.rate.base"
        assert error["message"].startswith("casse.yaml : fee.rate.base : base inconnue « profits »")


def test_a_category_unknown_to_the_registry_is_a_422_naming_the_key_path(
    client: TestClient, as_board: Headers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xyz.yaml").write_text(
        'id: xyz\nlabel: Coquille\nfiscal_year: 2027\nfee:\n  by_category:\n    xyz: "10,00"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(RULES_VARIABLE, str(tmp_path))
    response = client.post("/fees/simulations", json={"schedules": ["xyz"]}, headers=as_board)
    assert response.status_code == 422
    assert _error(response)["field"] == "fee.by_category.xyz"
    assert (
        "xyz.yaml : fee.by_category.xyz : catégorie « xyz » inconnue"
        in (_error(response)["message"])
    )
