"""``POST /surplus/simulations`` through HTTP: the demo statutes chosen (interest 2 %), SAL01
holding 2 shares of 50,00 € fully paid since 1 February 2024; today is 15 June 2025, so the
2024 surplus is allocated at an assembly of 2025 (cap 4,80 %)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.organisation import setup
from gouvernance.services.scic import capital

Headers = dict[str, str]
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def board(
    app: Application,
    own_member_code: str,
    sign_in: Callable[[Role], Headers],
    monkeypatch: pytest.MonkeyPatch,
) -> Headers:
    monkeypatch.setenv(TODAY_VARIABLE, "2025-06-15")
    organisation = Organisation(name="SCIC Essai", legal_form="scic_sas", siren="732829320")
    setup.set_organisation(app.uows, SYSTEM, organisation)
    capital.choose_statutes(app.uows, SYSTEM, "demo-statuts-scic")
    capital.subscribe(app.uows, SYSTEM, own_member_code, 2, Decimal("100.00"), date(2024, 2, 1))
    return sign_in(Role.BOARD)


def _simulate(client: TestClient, headers: Headers, **body: Any) -> Any:
    return client.post("/surplus/simulations", json={"fiscal_year": 2024, **body}, headers=headers)


def test_the_board_simulates_an_allocation_with_amounts_as_text_and_cents(
    client: TestClient, board: Headers
) -> None:
    response = _simulate(client, board, surplus="10 000,03", reserves_before="0")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(line["code"], line["amount"]["cents"]) for line in body["lines"]] == [
        ("legal_reserve", 150001),
        ("statutory_reserve", 425001),
        ("interest", 200),
        ("additional_reserves", 424801),
    ]
    legal = body["lines"][0]
    assert legal["amount"] == {
        "value": "1500.01",
        "cents": 150001,
        "text": f"1{NNBSP}500,01{NBSP}€",
    }
    assert f"= 1{NNBSP}500,0045{NBSP}€, arrondi au centime supérieur" in legal["explanation"]
    assert body["interests"] == [
        {
            "member_code": "SAL01",
            "member_name": "Camille Roux",
            "paid_up": {"value": "100.00", "cents": 10000, "text": f"100,00{NBSP}€"},
            "amount": {"value": "2.00", "cents": 200, "text": f"2,00{NBSP}€"},
        }
    ]
    assert body["totals"]["surplus"]["cents"] == 1000003
    assert body["totals"]["reserves"]["cents"] == 1000003 - 200
    assert body["assembly_date"] == "2025-06-30"
    assert body["interest_rate"] == f"2{NBSP}%"
    assert body["subscribed_capital"]["cents"] == 10000
    assert f"= 4,80{NBSP}%" in body["cap_explanation"]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.SCRUTINEER])
def test_a_member_or_a_scrutineer_may_not_simulate(
    client: TestClient, board: Headers, sign_in: Callable[[Role], Headers], role: Role
) -> None:
    response = _simulate(client, sign_in(role), surplus="1000")
    assert response.status_code == 403
    assert "ne permet pas de simuler" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"surplus": "-2 500,00"}, "surplus", "pas d'excédent à affecter"),
        ({"surplus": "1000", "interest_rate": "5 %"}, "interest_rate", "dépasse le plafond"),
        ({"surplus": "1000", "interest_rate": "deux"}, "interest_rate", "part illisible"),
        ({"surplus": 1000.5}, "surplus", "entre guillemets"),
        ({"surplus": "1000", "assembly_date": "2024-12-01"}, "assembly_date", "après la clôture"),
        ({"surplus": "1000", "public_support": "-1"}, "public_support", "négatif"),
    ],
)
def test_a_refused_simulation_says_why_in_french(
    client: TestClient, board: Headers, body: dict[str, Any], field: str, words: str
) -> None:
    response = _simulate(client, board, **body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert field in (error["field"] or "")
    assert words in error["message"] or any(words in p["message"] for p in error["problems"])


def test_without_the_tmo_of_the_assembly_years_only_a_simulation_without_interest_runs(
    client: TestClient, board: Headers
) -> None:
    refused = _simulate(client, board, fiscal_year=2027, surplus="1000")
    assert refused.status_code == 422
    assert "simulez sans intérêt" in refused.json()["error"]["message"]
    accepted = _simulate(client, board, fiscal_year=2027, surplus="1000", interest_rate="0 %")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["interest_rate"] == "aucun intérêt"
    assert accepted.json()["cap_explanation"] is None


def test_a_simulation_writes_nothing(app: Application, client: TestClient, board: Headers) -> None:
    with app.uows() as uow:
        before = len(uow.audit.recent(1000))
    assert _simulate(client, board, surplus="1000").status_code == 200
    with app.uows() as uow:
        assert len(uow.audit.recent(1000)) == before
