"""The register of shares through HTTP, on the demo (its statutes: 50 € a share, a quarter paid
at subscription, producers 20 shares at least). Amounts as French text; refusals in French."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE

Headers = dict[str, str]
NNBSP, NBSP = "\u202f", "\u00a0"
SUBSCRIPTION = {"member": "RESSOURCERIE", "shares": 20, "paid": "250,00", "on": "2026-11-16"}


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    """The demo loaded on 22 November 2026; headers of a demo account (« demo-<name> »)."""
    monkeypatch.setenv(TODAY_VARIABLE, "2026-11-22")
    return demo_accounts


def _post(client: TestClient, headers: Headers, url: str, body: Any, key: str = "") -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**headers, **extra})


def test_the_treasurer_subscribes_and_a_retry_with_the_same_key_records_nothing_more(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    treasurer = demo("tresorier")
    first = _post(client, treasurer, "/capital/subscriptions", SUBSCRIPTION, "souscription-1")
    again = _post(client, treasurer, "/capital/subscriptions", SUBSCRIPTION, "souscription-1")

    assert (first.status_code, again.status_code) == (201, 200), first.text
    body = first.json()
    assert (body["number"], body["amount"], body["paid"]) == ("CAP-2026-0001", "1000.00", "250.00")
    assert body["amount_text"] == f"1{NNBSP}000,00{NBSP}€"
    assert body["due_on"] == "2029-11-16"
    assert again.json()["created"] is False
    operations = client.get("/capital/operations", headers=treasurer).json()
    assert [o["number"] for o in operations] == ["CAP-2026-0001"]


def test_the_register_and_an_associate_view_give_exact_figures(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    treasurer = demo("tresorier")
    _post(client, treasurer, "/capital/subscriptions", SUBSCRIPTION)
    paid = {"member": "RESSOURCERIE", "amount": "100.00", "on": "2026-11-20"}
    assert _post(client, treasurer, "/capital/payments", paid).status_code == 201

    register = client.get("/capital?on=2026-11-22", headers=demo("bureau")).json()
    assert register["totals"]["subscribed"] == "1000.00"
    assert register["totals"]["paid_up"] == "350.00"
    assert register["totals"]["floor"] == "250.00"
    (line,) = register["associates"]
    assert (line["code"], line["unpaid"], line["college"]) == (
        "RESSOURCERIE", "650.00", "Collège des structures productrices",
    )  # fmt: skip
    mine = client.get("/capital/associates/RESSOURCERIE", headers=demo("adherent")).json()
    assert [o["kind"] for o in mine["operations"]] == ["subscription", "paying_up"]


def test_a_refused_withdrawal_is_a_french_409_and_writes_nothing(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    treasurer = demo("tresorier")
    _post(client, treasurer, "/capital/subscriptions", SUBSCRIPTION)
    withdrawal = {"member": "RESSOURCERIE", "shares": 20, "on": "2026-11-20"}
    response = _post(client, treasurer, "/capital/withdrawals", withdrawal)

    assert response.status_code == 409, response.text
    assert "sous le plancher de 250,00" in response.json()["error"]["message"]
    assert len(client.get("/capital/operations", headers=treasurer).json()) == 1


def test_the_certificate_is_a_pdf_the_associate_may_download(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    _post(client, demo("tresorier"), "/capital/subscriptions", SUBSCRIPTION)
    response = client.get(
        "/capital/associates/RESSOURCERIE/certificate?on=2026-11-22", headers=demo("adherent")
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("adherent", "/capital"),
        ("adherent", "/capital/associates/MISTRAL"),
        ("adherent", "/capital/associates/MISTRAL/certificate"),
        ("scrutateur", "/capital"),
        ("scrutateur", "/capital/associates/RESSOURCERIE"),
    ],
)
def test_members_read_only_their_own_shares_and_the_scrutineer_nothing(
    client: TestClient, demo: Callable[[str], Headers], username: str, url: str
) -> None:
    assert client.get(url, headers=demo(username)).status_code == 403


@pytest.mark.parametrize("username", ["bureau", "adherent", "scrutateur"])
def test_only_the_treasurer_and_the_administrator_write(
    client: TestClient, demo: Callable[[str], Headers], username: str
) -> None:
    response = _post(client, demo(username), "/capital/subscriptions", SUBSCRIPTION)
    assert response.status_code == 403


def test_the_administrator_chooses_the_statutes(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    admin = demo("admin")
    assert client.get("/organisation/statutes", headers=admin).json()["statutes"] == (
        "demo-statuts-scic"
    )
    unknown = client.put("/organisation/statutes", json={"statutes": "aucun"}, headers=admin)
    assert unknown.status_code == 404
    treasurer = client.put(
        "/organisation/statutes", json={"statutes": "demo-statuts-scic"}, headers=demo("tresorier")
    )
    assert treasurer.status_code == 403


def test_a_json_float_amount_is_refused_in_french(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    response = _post(
        client, demo("tresorier"), "/capital/subscriptions", {**SUBSCRIPTION, "paid": 250.0}
    )
    assert response.status_code == 422
