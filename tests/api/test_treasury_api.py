"""The treasurer's paperwork through HTTP, on the demo organisation with its 2027 calls issued
on 15 January (due 28 February): reminders, exports (CSV, XLSX, FEC, SEPA), mandates and the
organisation's bank details (the demo's, with its mandates of MISTRAL and GARRIGUE). Today is
15 February 2027 unless a test moves it on.

AC-2027-0005 is MISTRAL's call of 1 262,50 €, AC-2027-0006 the RESSOURCERIE's of 648,90 €; the
demo account « adherent » is the RESSOURCERIE's. The first reminder may go 15 days after the
due date, from 15 March 2027.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.accounting import FEC_COLUMNS
from gouvernance.domain.users import SYSTEM
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.ledger import calls

Headers = dict[str, str]
MEMBER_IBAN = "FR1420041010050500013M02606"
DEMO_BANK = {
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
    "sepa_creditor_id": "FR72ZZZ123456",
}
NEW_BANK = {"iban": MEMBER_IBAN, "bic": "PSSTFRPPMON", "sepa_creditor_id": "FR72ZZZ123456"}
MANDATE = {
    "mandate_id": "RUM-2027-0042",
    "signed_on": "2027-01-10",
    "iban": "FR14 2004 1010 0505 0001 3M02 606",
    "bic": "PSSTFRPPMON",
}


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch, app: Application
) -> Callable[[str], Headers]:
    """The demo loaded and its 2027 calls issued; signed-in headers of a demo account."""
    monkeypatch.setenv(TODAY_VARIABLE, "2027-02-15")
    calls.issue_calls(
        app.uows,
        SYSTEM,
        "demo-bareme-ca",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28),
        exclude_incomplete=True,
    )
    return demo_accounts


@pytest.fixture
def treasurer(demo: Callable[[str], Headers]) -> Headers:
    return demo("tresorier")


def _pay(client: TestClient, headers: Headers, member: str, amount: str) -> None:
    body = {"member": member, "amount": amount, "received_on": "2027-02-01", "method": "virement"}
    response = client.post("/payments", json=body, headers=headers)
    assert response.status_code == 201, response.text


def _attachment(response: Any) -> str:
    disposition: str = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split('filename="')[1].rstrip('"')


# --- Reminders --------------------------------------------------------------------------------


def test_no_reminder_is_due_before_the_first_rung_of_the_ladder(
    client: TestClient, treasurer: Headers
) -> None:
    response = client.get("/reminders/due", params={"on": "2027-03-14"}, headers=treasurer)
    assert (response.status_code, response.json()) == (200, [])


def test_reminders_due_are_sent_once_and_each_letter_can_be_fetched(
    client: TestClient,
    treasurer: Headers,
    demo: Callable[[str], Headers],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pay(client, treasurer, "MISTRAL", "1262.50")
    _pay(client, treasurer, "RESSOURCERIE", "600")
    monkeypatch.setenv(TODAY_VARIABLE, "2027-03-20")
    due = client.get("/reminders/due", headers=treasurer)
    assert due.status_code == 200, due.text
    by_call = {r["call"]["reference"]: r for r in due.json()}
    assert len(by_call) == 20  # every call but MISTRAL's, paid
    assert "AC-2027-0005" not in by_call
    ressourcerie = by_call["AC-2027-0006"]
    assert (ressourcerie["level"], ressourcerie["label"]) == (1, "Premier rappel")
    assert ressourcerie["call"]["outstanding"] == "48.90"
    assert ressourcerie["call"]["status"] == "overdue"
    headers = {**treasurer, "Idempotency-Key": "relances-mars"}
    sent = client.post("/reminders/send", json={}, headers=headers)
    assert sent.status_code == 200, sent.text
    assert sent.json()["count"] == 20
    assert "/calls/AC-2027-0006/reminders/1/letter" in sent.json()["letters"]
    again = client.post("/reminders/send", headers=treasurer)
    assert (again.status_code, again.json()["count"]) == (200, 0)
    assert client.get("/reminders/due", headers=treasurer).json() == []
    letter = client.get(
        "/calls/AC-2027-0006/reminders/1/letter", params={"format": "html"}, headers=treasurer
    )
    assert letter.status_code == 200, letter.text
    assert letter.headers["content-type"].startswith("text/html")
    assert "Premier rappel" in letter.text
    assert "48,90" in letter.text
    pdf = client.get("/calls/AC-2027-0006/reminders/1/letter", headers=demo("adherent"))
    assert pdf.content.startswith(b"%PDF")
    detail = client.get("/calls/AC-2027-0006", headers=treasurer).json()
    assert detail["reminders"] == [{"level": 1, "sent_on": "2027-03-20"}]
    not_sent = client.get("/calls/AC-2027-0006/reminders/2/letter", headers=treasurer)
    assert not_sent.status_code == 404


def test_reminders_cannot_be_sent_in_the_future_nor_by_the_board(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    future = client.post("/reminders/send", json={"on": "2027-04-01"}, headers=treasurer)
    assert (future.status_code, _error(future)["field"]) == (422, "on")
    board = client.post("/reminders/send", headers=demo("bureau"))
    assert board.status_code == 403
    assert client.get("/reminders/due", headers=demo("adherent")).status_code == 403


# --- Exports ----------------------------------------------------------------------------------


def test_the_calls_export_as_csv_lists_every_call_with_where_it_stands(
    client: TestClient, treasurer: Headers
) -> None:
    _pay(client, treasurer, "MISTRAL", "1262.50")
    response = client.get(
        "/exports/calls", params={"format": "csv", "fiscal_year": 2027}, headers=treasurer
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert _attachment(response) == "appels-2027.csv"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "référence"
    assert len(rows) == 22
    mistral = next(row for row in rows if row[0] == "AC-2027-0005")
    assert "1262,50" in mistral
    assert "payé" in mistral


def test_the_calls_and_payments_export_as_xlsx(client: TestClient, treasurer: Headers) -> None:
    _pay(client, treasurer, "VALLON", "480")
    response = client.get("/exports/calls", params={"format": "xlsx"}, headers=treasurer)
    assert response.status_code == 200, response.text
    assert _attachment(response) == "appels.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row == 23  # header, 21 calls, totals row
    assert sheet.auto_filter.ref == "A1:N22" and sheet.freeze_panes == "A2"
    payments = client.get("/exports/payments", params={"format": "xlsx"}, headers=treasurer)
    assert payments.status_code == 200
    assert _attachment(payments) == "paiements.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(payments.content)).active
    assert book is not None and book.max_row == 3  # header, VALLON's payment, totals row
    as_csv = client.get("/exports/payments", headers=treasurer)
    assert "VALLON" in as_csv.content.decode("utf-8-sig")
    odd = client.get("/exports/calls", params={"format": "ods"}, headers=treasurer)
    assert (odd.status_code, _error(odd)["field"]) == (422, "format")


def test_the_fec_export_has_the_eighteen_columns_and_balances(
    client: TestClient, treasurer: Headers
) -> None:
    _pay(client, treasurer, "MISTRAL", "1262.50")
    credit = client.post(
        "/calls/AC-2027-0006/credit-notes",
        json={"amount": "48,90", "reason": "arrondi accordé", "on": "2027-02-10"},
        headers=treasurer,
    )
    assert credit.status_code == 201, credit.text
    response = client.get(
        "/exports/fec", params={"start": "2027-01-01", "end": "2027-12-31"}, headers=treasurer
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert _attachment(response).endswith(".txt")
    records = response.content.decode().split("\r\n")
    assert records[-1] == ""
    header, lines = records[0].split("|"), [r.split("|") for r in records[1:-1]]
    assert header == list(FEC_COLUMNS) and len(header) == 18
    assert all(len(line) == 18 for line in lines)
    debit = sum(int(line[11].replace(",", "")) for line in lines)
    credit_total = sum(int(line[12].replace(",", "")) for line in lines)
    assert debit == credit_total == 687140 + 126250 + 4890
    assert "-extrait-FEC-20270101-20271231" in _attachment(response)
    mistral = [line for line in lines if line[6] == "MISTRAL"]
    assert {line[13] for line in mistral} == {"AAA"}  # the call and its payment, lettered
    notice = client.get(
        "/exports/fec/notice",
        params={"start": "2027-01-01", "end": "2027-12-31", "defer": "true"},
        headers=treasurer,
    )
    assert notice.status_code == 200, notice.text
    assert _attachment(notice).endswith("-notice.txt")
    assert "Produits constatés d'avance (487) : oui" in notice.text
    ebcdic = client.get(
        "/exports/fec",
        params={"start": "2027-01-01", "end": "2027-12-31", "encoding": "ebcdic"},
        headers=treasurer,
    )
    assert (ebcdic.status_code, _error(ebcdic)["field"]) == (422, "encoding")
    reversed_period = client.get(
        "/exports/fec", params={"start": "2027-12-31", "end": "2027-01-01"}, headers=treasurer
    )
    assert (reversed_period.status_code, _error(reversed_period)["field"]) == (422, "end")
    missing = client.get("/exports/fec", params={"start": "2027-01-01"}, headers=treasurer)
    assert (missing.status_code, _error(missing)["field"]) == (422, "end")


@pytest.mark.parametrize("path", ["/exports/calls", "/exports/payments"])
def test_a_scrutineer_or_a_member_exports_nothing(
    client: TestClient, demo: Callable[[str], Headers], path: str
) -> None:
    assert client.get(path, headers=demo("scrutateur")).status_code == 403
    assert client.get(path, headers=demo("adherent")).status_code == 403


# --- Bank details, mandates, SEPA -------------------------------------------------------------


def test_the_treasurer_changes_the_bank_details_the_board_reads_them(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    assert client.get("/organisation/bank", headers=demo("bureau")).json() == DEMO_BANK
    spaced = {**NEW_BANK, "iban": "fr14 2004 1010 0505 0001 3m02 606"}
    saved = client.put("/organisation/bank", json=spaced, headers=treasurer)
    assert saved.status_code == 200, saved.text
    assert saved.json() == NEW_BANK
    assert client.get("/organisation/bank", headers=demo("bureau")).json() == NEW_BANK
    assert (
        client.put("/organisation/bank", json=DEMO_BANK, headers=demo("bureau")).status_code == 403
    )
    assert client.get("/organisation/bank", headers=demo("adherent")).status_code == 403
    wrong = client.put(
        "/organisation/bank",
        json={**DEMO_BANK, "iban": "FR7630006000011234567890188"},
        headers=treasurer,
    )
    assert (wrong.status_code, _error(wrong)["field"]) == (422, "iban")
    bad_ics = client.put(
        "/organisation/bank",
        json={**DEMO_BANK, "sepa_creditor_id": "FR73ZZZ123456"},
        headers=treasurer,
    )
    assert (bad_ics.status_code, _error(bad_ics)["field"]) == (422, "sepa_creditor_id")
    assert client.get("/organisation/bank", headers=treasurer).json() == NEW_BANK


def test_a_mandate_is_recorded_read_by_its_member_and_revoked(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    assert client.get("/members/RESSOURCERIE/mandate", headers=treasurer).status_code == 404
    saved = client.put("/members/ressourcerie/mandate", json=MANDATE, headers=treasurer)
    assert saved.status_code == 200, saved.text
    mandate = saved.json()
    assert (mandate["member_code"], mandate["iban"], mandate["active"]) == (
        "RESSOURCERIE",
        MEMBER_IBAN,
        True,
    )
    assert mandate["debtor_name"] == "Ressourcerie La Seconde Main"
    member = demo("adherent")
    assert client.get("/members/RESSOURCERIE/mandate", headers=member).json() == mandate
    assert client.get("/members/MISTRAL/mandate", headers=member).status_code == 403
    assert (
        client.put("/members/RESSOURCERIE/mandate", json=MANDATE, headers=member).status_code == 403
    )
    assert client.delete("/members/RESSOURCERIE/mandate", headers=member).status_code == 403
    revoked = client.delete("/members/RESSOURCERIE/mandate", headers=treasurer)
    assert (revoked.status_code, revoked.json()["active"]) == (200, False)
    assert client.get("/members/RESSOURCERIE/mandate", headers=treasurer).json()["active"] is False
    unknown = client.put("/members/INCONNU/mandate", json=MANDATE, headers=treasurer)
    assert (unknown.status_code, _error(unknown)["field"]) == (404, "member")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"iban": "FR1420041010050500013M02607"}, "iban"),
        ({"bic": "XX"}, "bic"),
        ({"mandate_id": ""}, "mandate_id"),
        ({"mandate_id": "   "}, "mandate_id"),
        ({"signed_on": "2027-06-01"}, "signed_on"),
        ({"mandate_id": "R" * 36}, "mandate_id"),
    ],
)
def test_a_wrong_mandate_is_a_422_naming_the_field(
    client: TestClient, treasurer: Headers, change: dict[str, str], field: str
) -> None:
    response = client.put(
        "/members/RESSOURCERIE/mandate", json={**MANDATE, **change}, headers=treasurer
    )
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert client.get("/members/RESSOURCERIE/mandate", headers=treasurer).status_code == 404


def test_the_sepa_file_debits_what_members_with_a_mandate_still_owe(
    client: TestClient, treasurer: Headers
) -> None:
    _pay(client, treasurer, "MISTRAL", "262.50")
    assert client.put("/members/VALLON/mandate", json=MANDATE, headers=treasurer).status_code == 200
    response = client.post(
        "/exports/sepa",
        params={"collection_date": "2027-03-05", "batch": "LOT-2027-01"},
        headers=treasurer,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    assert _attachment(response).startswith("prelevements-2027-03-05-")
    xml = response.content.decode()
    assert "pain.008.001.08" in xml
    for rum in ("PTCE-ALPILLES-MISTRAL-001", "PTCE-ALPILLES-GARRIGUE-001", "RUM-2027-0042"):
        assert rum in xml
    assert MEMBER_IBAN in xml
    assert ">1000.00<" in xml  # what MISTRAL still owes after paying 262,50 €
    assert "FR72ZZZ123456" in xml
    past = client.post("/exports/sepa", params={"collection_date": "2027-02-01"}, headers=treasurer)
    assert (past.status_code, _error(past)["field"]) == (422, "collection_date")


def test_without_an_active_mandate_there_is_nothing_to_debit(
    client: TestClient, treasurer: Headers, demo: Callable[[str], Headers]
) -> None:
    for code in ("MISTRAL", "GARRIGUE"):
        assert client.delete(f"/members/{code}/mandate", headers=treasurer).status_code == 200
    response = client.post(
        "/exports/sepa", params={"collection_date": "2027-03-05"}, headers=treasurer
    )
    assert (response.status_code, _error(response)["field"]) == (422, "mandates")
    board = client.post(
        "/exports/sepa", params={"collection_date": "2027-03-05"}, headers=demo("bureau")
    )
    assert board.status_code == 403


def test_every_ledger_endpoint_is_documented_under_its_french_tag(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    tagged = [
        (path, operation)
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        if set(operation["tags"]) & {"appels", "paiements", "trésorerie"}
    ]
    # 26 endpoints of the ledger (the FEC's notice included), 2 of refunds (paiements), 6 of
    # bank statements (trésorerie).
    assert len(tagged) == 34
    assert all(operation.get("summary") for _, operation in tagged)
    issue = schema["paths"]["/calls/batches"]["post"]
    assert {"200", "201"} <= set(issue["responses"])
    assert any(p["name"] == "idempotency-key" for p in issue["parameters"])
