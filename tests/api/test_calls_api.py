"""The call endpoints through HTTP, on the demo organisation: issuing the adopted 2027 schedule,
reading batches and calls, credit notes, letters, and who may do what.

The demo's adopted schedule (demo-bareme-ca) calls 21 members for 6 871,40 € when CRAU-FORMATION
and PAR01, who lack their 2026 revenue, are left out; calls are numbered by member code, so
AC-2027-0005 is MISTRAL's (1 262,50 €) and AC-2027-0006 the RESSOURCERIE's (648,90 €). The demo
account « adherent » is the RESSOURCERIE's. Today is 15 February 2027, before the due date.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE

Headers = dict[str, str]
NBSP = "\u00a0"
ISSUE = {
    "schedule": "demo-bareme-ca",
    "issued_on": "2027-01-15",
    "due_on": "2027-02-28",
    "exclude_incomplete": True,
}


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    """The demo loaded; signed-in headers of a demo account (password « demo-<name> »)."""
    monkeypatch.setenv(TODAY_VARIABLE, "2027-02-15")
    return demo_accounts


@pytest.fixture
def treasurer(demo: Callable[[str], Headers]) -> Headers:
    return demo("tresorier")


@pytest.fixture
def issued(client: TestClient, treasurer: Headers) -> dict[str, Any]:
    response = client.post("/calls/batches", json=ISSUE, headers=treasurer)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _call(client: TestClient, headers: Headers, reference: str) -> dict[str, Any]:
    response = client.get(f"/calls/{reference}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- Issuing ----------------------------------------------------------------------------------


def test_the_treasurer_issues_the_adopted_schedule_and_a_replay_returns_the_same_batch(
    client: TestClient, treasurer: Headers
) -> None:
    headers = {**treasurer, "Idempotency-Key": "appels-2027"}
    first = client.post("/calls/batches", json=ISSUE, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    batch = body["batch"]
    assert body["created"] is True
    assert (batch["reference"], batch["call_count"], batch["fiscal_year"]) == (
        "LOT-2027-01",
        21,
        2027,
    )
    assert (batch["total"], batch["total_text"]) == ("6871.40", f"6\u202f871,40{NBSP}€")
    assert batch["decision"] == "AG extraordinaire du 14 novembre 2026, résolution 2"
    assert [p["field"] for p in body["excluded"]] == ["members[CRAU-FORMATION]", "members[PAR01]"]
    assert len(body["exempt"]) == 20 and "BEN01" in body["exempt"]
    replay = client.post("/calls/batches", json=ISSUE, headers=headers)
    assert replay.status_code == 200, replay.text
    assert replay.json()["created"] is False
    assert replay.json()["batch"] == batch
    again = client.post("/calls/batches", json=ISSUE, headers=treasurer)  # no key: all called
    assert (again.status_code, again.json()["batch"]["reference"]) == (200, "LOT-2027-01")
    listed = client.get("/calls/batches", params={"fiscal_year": 2027}, headers=treasurer)
    assert [b["reference"] for b in listed.json()] == ["LOT-2027-01"]
    calls = client.get("/calls", params={"limit": 1000}, headers=treasurer).json()
    assert calls["total"] == 21


def test_an_issue_is_refused_while_members_lack_figures_naming_each_one(
    client: TestClient, treasurer: Headers
) -> None:
    response = client.post(
        "/calls/batches", json={**ISSUE, "exclude_incomplete": False}, headers=treasurer
    )
    assert response.status_code == 422
    error = _error(response)
    assert error["field"] == "members"
    fields = [p["field"] for p in error["problems"]]
    assert fields == ["members[CRAU-FORMATION]", "members[PAR01]"]
    assert "chiffre d'affaires 2026" in error["problems"][0]["message"]
    assert client.get("/calls/batches", headers=treasurer).json() == []


def test_a_schedule_the_assembly_has_not_adopted_is_refused_naming_the_field(
    client: TestClient, treasurer: Headers
) -> None:
    response = client.post(
        "/calls/batches", json={**ISSUE, "schedule": "demo-forfait"}, headers=treasurer
    )
    assert response.status_code == 422
    assert _error(response)["field"] == "schedule"
    assert "n'est pas adopté" in _error(response)["message"]
    unknown = client.post(
        "/calls/batches", json={**ISSUE, "schedule": "inconnu"}, headers=treasurer
    )
    assert unknown.status_code == 404


def test_a_due_date_before_the_issue_date_or_a_missing_one_is_a_422(
    client: TestClient, treasurer: Headers
) -> None:
    early = client.post("/calls/batches", json={**ISSUE, "due_on": "2027-01-01"}, headers=treasurer)
    assert (early.status_code, _error(early)["field"]) == (422, "due_on")
    missing = client.post("/calls/batches", json={"schedule": "demo-bareme-ca"}, headers=treasurer)
    assert (missing.status_code, _error(missing)["field"]) == (422, "due_on")
    assert _error(missing)["message"] == "champ obligatoire"


@pytest.mark.parametrize("username", ["scrutateur", "bureau", "adherent"])
def test_only_the_treasurer_or_an_administrator_issues_calls(
    client: TestClient, demo: Callable[[str], Headers], username: str
) -> None:
    response = client.post("/calls/batches", json=ISSUE, headers=demo(username))
    assert response.status_code == 403
    assert "ne permet pas de" in _error(response)["message"]
    assert client.get("/calls/batches", headers=demo("tresorier")).json() == []


def test_issuing_needs_a_signed_in_person(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    response = client.post("/calls/batches", json=ISSUE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


# --- Reading ----------------------------------------------------------------------------------


def test_a_batch_is_read_by_its_reference_and_an_unknown_one_is_a_404(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    board = demo("bureau")
    read = client.get("/calls/batches/lot-2027-01", headers=board)
    assert read.status_code == 200, read.text
    assert read.json() == issued["batch"]
    missing = client.get("/calls/batches/LOT-2031-07", headers=board)
    assert missing.status_code == 404
    assert "LOT-2031-07" in _error(missing)["message"]


def test_the_board_filters_the_calls_by_member_status_batch_and_year(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    board = demo("bureau")
    mistral = client.get("/calls", params={"member": "mistral"}, headers=board).json()
    assert [c["reference"] for c in mistral["items"]] == ["AC-2027-0005"]
    call = mistral["items"][0]
    assert (call["amount"], call["outstanding"], call["status"]) == ("1262.50", "1262.50", "due")
    assert call["status_label"] == "à payer"
    assert call["batch"] == "LOT-2027-01"
    due = client.get("/calls", params={"status": "due", "batch": "LOT-2027-01"}, headers=board)
    assert due.json()["total"] == 21
    assert client.get("/calls", params={"fiscal_year": 2026}, headers=board).json()["total"] == 0
    page = client.get("/calls", params={"offset": 20, "limit": 5}, headers=board).json()
    assert (page["total"], [c["member_code"] for c in page["items"]]) == (21, ["VOL04"])
    late = client.get("/calls", params={"on": "2027-03-15", "status": "overdue"}, headers=board)
    assert late.json()["total"] == 21
    assert late.json()["items"][0]["days_late"] == 15
    before = client.get("/calls", params={"on": "2027-01-14"}, headers=board).json()
    assert before["total"] == 0  # not issued yet on that day


def test_a_call_is_explained_step_by_step_with_the_decision_that_adopted_its_schedule(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    detail = _call(client, demo("bureau"), "ac-2027-0001")
    assert detail["call"]["member_code"] == "CC-ALPILLES"
    assert detail["call"]["amount_text"] == f"3\u202f000,00{NBSP}€"
    assert "plafonné à 3\u202f000,00" in detail["explanation"][0]
    assert "population 2026" in detail["summary"]
    assert detail["decision"] == "AG extraordinaire du 14 novembre 2026, résolution 2"
    assert (detail["credit_notes"], detail["allocations"], detail["reminders"]) == ([], [], [])


def test_an_unknown_call_is_a_404_and_a_bad_query_a_422_naming_the_parameter(
    client: TestClient, issued: dict[str, Any], treasurer: Headers
) -> None:
    missing = client.get("/calls/AC-2027-9999", headers=treasurer)
    assert missing.status_code == 404
    assert "AC-2027-9999" in _error(missing)["message"]
    bad_status = client.get("/calls", params={"status": "perdu"}, headers=treasurer)
    assert (bad_status.status_code, _error(bad_status)["field"]) == (422, "status")
    bad_day = client.get("/calls", params={"on": "2027-02-30"}, headers=treasurer)
    assert (bad_day.status_code, _error(bad_day)["field"]) == (422, "on")
    far = client.get("/calls/AC-2027-0001", params={"on": "1999-12-31"}, headers=treasurer)
    assert (far.status_code, _error(far)["field"]) == (422, "on")


def test_a_member_account_sees_only_its_own_calls(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    member = demo("adherent")  # the RESSOURCERIE's account
    listed = client.get("/calls", headers=member).json()
    assert [c["reference"] for c in listed["items"]] == ["AC-2027-0006"]
    assert listed["items"][0]["amount"] == "648.90"
    assert _call(client, member, "AC-2027-0006")["call"]["member_code"] == "RESSOURCERIE"
    other = client.get("/calls/AC-2027-0005", headers=member)
    assert other.status_code == 403
    assert "propres appels" in _error(other)["message"]
    asked = client.get("/calls", params={"member": "MISTRAL"}, headers=member)
    assert asked.status_code == 403
    assert client.get("/calls/batches", headers=member).status_code == 403


def test_a_scrutineer_reads_no_calls(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    scrutineer = demo("scrutateur")
    assert client.get("/calls/AC-2027-0001", headers=scrutineer).status_code == 403
    assert client.get("/calls/batches", headers=scrutineer).status_code == 403


# --- Credit notes -----------------------------------------------------------------------------


def test_a_partial_credit_note_then_a_cancellation_leave_the_call_cancelled(
    client: TestClient, issued: dict[str, Any], treasurer: Headers
) -> None:
    partial = client.post(
        "/calls/AC-2027-0005/credit-notes",
        json={"amount": "262,50", "reason": "chiffre d'affaires 2026 corrigé", "on": "2027-02-01"},
        headers=treasurer,
    )
    assert partial.status_code == 201, partial.text
    note = partial.json()
    assert (note["reference"], note["call"], note["amount"]) == (
        "AV-2027-0001",
        "AC-2027-0005",
        "262.50",
    )
    assert note["issued_by"] == "tresorier"
    assert _call(client, treasurer, "AC-2027-0005")["call"]["outstanding"] == "1000.00"
    cancel = client.post(
        "/calls/AC-2027-0005/credit-notes",
        json={"reason": "membre radié avant l'exercice"},
        headers=treasurer,
    )
    assert cancel.status_code == 201, cancel.text
    assert (cancel.json()["amount"], cancel.json()["issued_on"]) == ("1000.00", "2027-02-15")
    detail = _call(client, treasurer, "AC-2027-0005")
    assert (detail["call"]["status"], detail["call"]["status_label"]) == ("cancelled", "annulé")
    assert (detail["call"]["credited"], detail["call"]["outstanding"]) == ("1262.50", "0.00")
    assert [n["reference"] for n in detail["credit_notes"]] == ["AV-2027-0001", "AV-2027-0002"]
    again = client.post(
        "/calls/AC-2027-0005/credit-notes", json={"reason": "encore"}, headers=treasurer
    )
    assert again.status_code == 409
    assert "déjà annulé" in _error(again)["message"]


def test_a_credit_note_replayed_with_its_key_is_issued_once(
    client: TestClient, issued: dict[str, Any], treasurer: Headers
) -> None:
    headers = {**treasurer, "Idempotency-Key": "avoir-mistral"}
    body = {"amount": "100", "reason": "geste commercial"}
    first = client.post("/calls/AC-2027-0005/credit-notes", json=body, headers=headers)
    second = client.post("/calls/AC-2027-0005/credit-notes", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert _call(client, treasurer, "AC-2027-0005")["call"]["credited"] == "100.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "2000", "reason": "trop"}, "amount"),
        ({"amount": "-5", "reason": "négatif"}, "amount"),
        ({"amount": "10,005", "reason": "trois décimales"}, "amount"),
        ({"amount": 10.5, "reason": "nombre JSON décimal"}, "amount"),
        ({"amount": "10"}, "reason"),
        ({"amount": "10", "reason": "   "}, "reason"),
        ({"reason": "avant l'appel", "on": "2027-01-01"}, "on"),
    ],
)
def test_a_wrong_credit_note_is_a_422_naming_the_field_and_changes_nothing(
    client: TestClient,
    issued: dict[str, Any],
    treasurer: Headers,
    body: dict[str, Any],
    field: str,
) -> None:
    response = client.post("/calls/AC-2027-0005/credit-notes", json=body, headers=treasurer)
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert _call(client, treasurer, "AC-2027-0005")["credit_notes"] == []


def test_the_board_may_not_issue_a_credit_note(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    response = client.post(
        "/calls/AC-2027-0005/credit-notes", json={"reason": "essai"}, headers=demo("bureau")
    )
    assert response.status_code == 403
    assert _call(client, demo("bureau"), "AC-2027-0005")["call"]["status"] == "due"


# --- Letters ----------------------------------------------------------------------------------


def test_a_call_letter_is_html_with_the_amount_or_a_pdf(
    client: TestClient, issued: dict[str, Any], treasurer: Headers
) -> None:
    html = client.get("/calls/AC-2027-0006/letter", params={"format": "html"}, headers=treasurer)
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert "648,90" in html.text
    assert "AC-2027-0006" in html.text
    assert 'filename="appel-AC-2027-0006.html"' in html.headers["content-disposition"]
    pdf = client.get("/calls/AC-2027-0006/letter", params={"format": "pdf"}, headers=treasurer)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    odd = client.get("/calls/AC-2027-0006/letter", params={"format": "docx"}, headers=treasurer)
    assert (odd.status_code, _error(odd)["field"]) == (422, "format")


def test_a_member_fetches_the_letter_of_their_own_call_only(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    member = demo("adherent")
    own = client.get("/calls/AC-2027-0006/letter", params={"format": "html"}, headers=member)
    assert own.status_code == 200
    assert "Ressourcerie La Seconde Main" in own.text
    other = client.get("/calls/AC-2027-0005/letter", headers=member)
    assert other.status_code == 403
    assert client.get("/calls/batches/LOT-2027-01/letters", headers=member).status_code == 403


def test_the_letters_of_a_batch_come_as_one_pdf(
    client: TestClient, issued: dict[str, Any], demo: Callable[[str], Headers]
) -> None:
    response = client.get("/calls/batches/LOT-2027-01/letters", headers=demo("bureau"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="appels-LOT-2027-01.pdf"'
    missing = client.get("/calls/batches/LOT-2030-01/letters", headers=demo("bureau"))
    assert missing.status_code == 404
