"""The payment and balance endpoints through HTTP, on the demo organisation with its 2027 calls
issued on 15 January (due 28 February); today is 15 February 2027.

AC-2027-0002 is CRAU-INSERTION's call of 400,00 €, AC-2027-0005 MISTRAL's of 1 262,50 €,
AC-2027-0006 the RESSOURCERIE's of 648,90 € and AC-2027-0007 SAL01's of 20,00 €. The demo
account « adherent » is the RESSOURCERIE's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.ledger import calls

Headers = dict[str, str]
NBSP = "\u00a0"


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _issue(app: Application) -> None:
    calls.issue_calls(
        app.uows,
        SYSTEM,
        "demo-bareme-ca",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28),
        exclude_incomplete=True,
    )


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    """The demo loaded; signed-in headers of a demo account (password « demo-<name> »)."""
    monkeypatch.setenv(TODAY_VARIABLE, "2027-02-15")
    return demo_accounts


@pytest.fixture
def treasurer(app: Application, demo: Callable[[str], Headers]) -> Headers:
    _issue(app)
    return demo("tresorier")


def _pay(client: TestClient, headers: Headers, **body: Any) -> Any:
    payment = {"received_on": "2027-02-01", "method": "virement", **body}
    return client.post("/payments", json=payment, headers=headers)


def _call(client: TestClient, headers: Headers, reference: str) -> dict[str, Any]:
    response = client.get(f"/calls/{reference}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["call"]
    return body


def _balance(client: TestClient, headers: Headers, code: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/members/{code}/balance", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- Recording --------------------------------------------------------------------------------


def test_a_call_paid_in_two_parts_is_partly_paid_then_paid(
    client: TestClient, treasurer: Headers
) -> None:
    first = _pay(client, treasurer, member="crau-insertion", amount="150,50")
    assert first.status_code == 201, first.text
    payment = first.json()
    assert (payment["reference"], payment["member_code"]) == ("RG-2027-0001", "CRAU-INSERTION")
    assert (payment["amount"], payment["amount_text"]) == ("150.50", f"150,50{NBSP}€")
    assert (payment["method"], payment["method_label"], payment["created"]) == (
        "transfer",
        "virement",
        True,
    )
    assert [(a["call"], a["amount"]) for a in payment["allocations"]] == [
        ("AC-2027-0002", "150.50")
    ]
    assert payment["unallocated"] == "0.00"
    call = _call(client, treasurer, "AC-2027-0002")
    assert (call["status"], call["paid"], call["outstanding"]) == (
        "partly_paid",
        "150.50",
        "249.50",
    )
    second = _pay(
        client, treasurer, member="CRAU-INSERTION", amount="249.50", received_on="2027-02-10"
    )
    assert second.status_code == 201, second.text
    call = _call(client, treasurer, "AC-2027-0002")
    assert (call["status"], call["status_label"], call["outstanding"]) == ("paid", "payé", "0.00")
    earlier = client.get(
        "/calls/AC-2027-0002", params={"on": "2027-02-05"}, headers=treasurer
    ).json()
    assert earlier["call"]["status"] == "partly_paid"
    assert [a["payment"] for a in earlier["allocations"]] == ["RG-2027-0001", "RG-2027-0002"]


def test_an_overpayment_stays_as_the_member_s_credit_in_the_balance(
    client: TestClient, treasurer: Headers
) -> None:
    response = _pay(client, treasurer, member="SAL01", amount=50, method="chèque")
    assert response.status_code == 201, response.text
    payment = response.json()
    assert (payment["amount"], payment["unallocated"]) == ("50.00", "30.00")
    assert payment["method"] == "cheque"
    balance = _balance(client, treasurer, "SAL01")
    assert (balance["called"], balance["received"]) == ("20.00", "50.00")
    assert (balance["owed"], balance["credit"]) == ("-30.00", "30.00")
    assert balance["credit_text"] == f"30,00{NBSP}€"
    assert [(c["reference"], c["status"]) for c in balance["calls"]] == [("AC-2027-0007", "paid")]
    before = _balance(client, treasurer, "SAL01", on="2027-01-31")
    assert (before["owed"], before["calls"][0]["status"]) == ("20.00", "due")


def test_a_payment_retried_with_its_idempotency_key_is_recorded_once(
    client: TestClient, treasurer: Headers
) -> None:
    headers = {**treasurer, "Idempotency-Key": "releve-2027-02-01-ligne-4"}
    first = _pay(client, headers, member="MISTRAL", amount="1262.50")
    second = _pay(client, headers, member="MISTRAL", amount="1262.50")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["created"] is False
    assert {**second.json(), "created": True} == first.json()
    listed = client.get("/payments", params={"member": "MISTRAL"}, headers=treasurer).json()
    assert [p["reference"] for p in listed] == [first.json()["reference"]]
    reused = _pay(client, headers, member="MISTRAL", amount="12.50")
    assert (reused.status_code, _error(reused)["field"]) == (409, "Idempotency-Key")


def test_the_same_bank_reference_twice_for_a_member_is_a_409(
    client: TestClient, treasurer: Headers
) -> None:
    first = _pay(client, treasurer, member="MISTRAL", amount="500", bank_reference="VIR 0042")
    assert first.status_code == 201, first.text
    twin = _pay(client, treasurer, member="MISTRAL", amount="500", bank_reference="VIR 0042")
    assert twin.status_code == 409
    assert _error(twin)["field"] == "bank_reference"
    assert "RG-2027-0001" in _error(twin)["message"]
    assert len(client.get("/payments", headers=treasurer).json()) == 1


def test_a_payment_follows_the_allocations_the_treasurer_names(
    client: TestClient, treasurer: Headers
) -> None:
    response = _pay(
        client,
        treasurer,
        member="MISTRAL",
        amount="300",
        allocations=[{"call": "ac-2027-0005", "amount": "100,00"}],
        note="acompte",
    )
    assert response.status_code == 201, response.text
    payment = response.json()
    assert [(a["call"], a["amount"]) for a in payment["allocations"]] == [
        ("AC-2027-0005", "100.00")
    ]
    assert (payment["unallocated"], payment["note"]) == ("200.00", "acompte")
    assert _balance(client, treasurer, "MISTRAL")["credit"] == "0.00"  # owes 962,50 net


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 10.1}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-20"}, "amount"),
        ({"amount": "20,001"}, "amount"),
        ({"amount": "20,5.1"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "10", "method": "bitcoin"}, "method"),
        ({"amount": "10", "received_on": "2027-03-01"}, "received_on"),
        ({"amount": "10", "received_on": "2027-02-30"}, "received_on"),
        ({"amount": "10", "member": "INCONNU"}, "member"),
        ({"amount": "10", "allocations": [{"call": "AC-2027-0005"}]}, "allocations[0]"),
        (
            {"amount": "10", "allocations": [{"call": "AC-2027-0007", "amount": 10.0}]},
            "allocations.0.amount",
        ),
        (
            {"amount": "10", "allocations": [{"call": "AC-2027-0007", "amount": "30"}]},
            "allocations[0]",
        ),
        ({"amount": "10", "colour": "bleu"}, "colour"),
    ],
)
def test_a_wrong_payment_is_refused_naming_the_field_and_records_nothing(
    client: TestClient, treasurer: Headers, body: dict[str, Any], field: str
) -> None:
    response = _pay(client, treasurer, **{"member": "SAL01", **body})
    assert 400 <= response.status_code < 500, response.text
    assert _error(response)["field"] == field
    assert _error(response)["message"]
    assert client.get("/payments", headers=treasurer).json() == []


@pytest.mark.parametrize("username", ["bureau", "scrutateur", "adherent"])
def test_only_the_treasurer_or_an_administrator_records_a_payment(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers], username: str
) -> None:
    response = _pay(client, demo(username), member="RESSOURCERIE", amount="648.90")
    assert response.status_code == 403
    assert client.get("/payments", headers=treasurer).json() == []


# --- Credit -----------------------------------------------------------------------------------


def test_a_payment_received_before_the_call_settles_it_once_the_credit_is_applied(
    app: Application, client: TestClient, demo: Callable[[str], Headers]
) -> None:
    treasurer = demo("tresorier")
    early = _pay(client, treasurer, member="SAL02", amount="20", received_on="2027-01-05")
    assert early.status_code == 201, early.text
    assert early.json()["unallocated"] == "20.00"  # nothing called yet: all credit
    _issue(app)
    assert _call(client, treasurer, "AC-2027-0008")["status"] == "due"
    applied = client.post("/members/SAL02/credit/apply", json={}, headers=treasurer)
    assert applied.status_code == 200, applied.text
    assert [(a["payment"], a["call"], a["amount"], a["on"]) for a in applied.json()] == [
        ("RG-2027-0001", "AC-2027-0008", "20.00", "2027-02-15")
    ]
    assert _call(client, treasurer, "AC-2027-0008")["status"] == "paid"
    again = client.post("/members/SAL02/credit/apply", headers=treasurer)
    assert (again.status_code, again.json()) == (200, [])
    refused = client.post("/members/SAL02/credit/apply", headers=demo("bureau"))
    assert refused.status_code == 403


def test_cancelling_a_paid_call_gives_the_payment_back_as_credit(
    client: TestClient, treasurer: Headers
) -> None:
    assert _pay(client, treasurer, member="SAL01", amount="20").status_code == 201
    cancel = client.post(
        "/calls/AC-2027-0007/credit-notes",
        json={"reason": "salariée sortie avant l'exercice"},
        headers=treasurer,
    )
    assert cancel.status_code == 201, cancel.text
    balance = _balance(client, treasurer, "SAL01")
    assert (balance["owed"], balance["credit"]) == ("-20.00", "20.00")
    assert balance["calls"][0]["status"] == "cancelled"


# --- Balances ---------------------------------------------------------------------------------


def test_a_member_reads_their_own_balance_and_payments_only(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    assert _pay(client, treasurer, member="RESSOURCERIE", amount="600").status_code == 201
    assert _pay(client, treasurer, member="MISTRAL", amount="600").status_code == 201
    member = demo("adherent")
    own = _balance(client, member, "ressourcerie")
    assert (own["member_name"], own["owed"]) == ("Ressourcerie La Seconde Main", "48.90")
    assert own["calls"][0]["status"] == "partly_paid"
    assert client.get("/members/MISTRAL/balance", headers=member).status_code == 403
    mine = client.get("/payments", params={"member": "RESSOURCERIE"}, headers=member)
    assert [p["member_code"] for p in mine.json()] == ["RESSOURCERIE"]
    assert client.get("/payments", headers=member).status_code == 403
    assert client.get("/payments", params={"member": "MISTRAL"}, headers=member).status_code == 403
    assert client.get("/balances", headers=member).status_code == 403


def test_the_board_reads_every_balance_at_a_date(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    assert _pay(client, treasurer, member="VALLON", amount="480").status_code == 201
    response = client.get("/balances", params={"on": "2027-02-15"}, headers=demo("bureau"))
    assert response.status_code == 200, response.text
    listed = {b["member_code"]: b for b in response.json()}
    assert len(listed) == 21
    assert (listed["VALLON"]["owed"], listed["MISTRAL"]["owed"]) == ("0.00", "1262.50")
    assert listed["VALLON"]["calls"] == []
    total = sum(int(b["owed"].replace(".", "")) for b in listed.values())
    assert total == 687140 - 48000
    unknown = client.get("/members/INCONNU/balance", headers=treasurer)
    assert unknown.status_code == 404


def test_an_overpayment_is_refunded_once_and_never_beyond_the_credit(
    client: TestClient, treasurer: Headers
) -> None:
    paid = _pay(client, treasurer, member="SAL01", amount="70,00")  # 20,00 € called
    assert paid.status_code == 201, paid.text
    too_much = client.post(
        "/members/SAL01/refunds",
        json={"amount": "60,00", "refunded_on": "2027-02-05", "method": "virement"},
        headers=treasurer,
    )
    assert too_much.status_code == 422
    body = {"amount": "50,00", "refunded_on": "2027-02-05", "method": "virement",
            "reason": "trop-perçu"}  # fmt: skip
    headers = {**treasurer, "Idempotency-Key": "remb-sal01"}
    first = client.post("/members/SAL01/refunds", json=body, headers=headers)
    again = client.post("/members/SAL01/refunds", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert first.json()["amount_text"] == "50,00\u00a0€"
    balance = client.get("/members/SAL01/balance", headers=treasurer).json()
    assert (balance["refunded"], balance["credit"], balance["owed"]) == ("50.00", "0.00", "0.00")
    assert len(client.get("/members/SAL01/refunds", headers=treasurer).json()) == 1
