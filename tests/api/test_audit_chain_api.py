"""The audit log's hash chain through HTTP: verified by the board and the administrator, and
its head given with every accounting export (header X-Gouvernance-Journal), on the demo with
its 2027 calls issued; today is 15 February 2027."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import openpyxl
import pytest
from fastapi.testclient import TestClient

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.ledger import calls

Headers = dict[str, str]
EXPORTS = [
    ("/exports/calls", {"format": "csv"}),
    ("/exports/calls", {"format": "xlsx"}),
    ("/exports/payments", {"format": "csv"}),
    ("/exports/payments", {"format": "xlsx"}),
    ("/exports/fec", {"start": "2027-01-01", "end": "2027-12-31"}),
    ("/exports/sepa", {"collection_date": "2027-03-05"}),
]


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch, app: Application
) -> Callable[[str], Headers]:
    monkeypatch.setenv(TODAY_VARIABLE, "2027-02-15")
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28), exclude_incomplete=True,
    )  # fmt: skip
    return demo_accounts


def test_the_board_verifies_the_log_and_reads_its_head(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    board = demo("bureau")
    response = client.get("/audit/verify", headers=board)
    assert response.status_code == 200, response.text
    body = response.json()
    [last] = client.get("/audit", params={"limit": 1}, headers=board).json()
    assert (last["number"], last["digest"]) == (body["head"]["number"], body["head"]["digest"])
    assert body["intact"] is True
    assert body["broken"] is None
    assert body["entries"] == body["head"]["number"]
    assert len(body["head"]["digest"]) == 64
    assert body["head"]["text"].startswith("journal n° ")
    assert body["messages"][0].startswith("journal intègre : ")


def test_who_may_not_read_the_log_may_not_verify_it(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    for account in ("tresorier", "adherent"):
        assert client.get("/audit/verify", headers=demo(account)).status_code == 403


@pytest.mark.parametrize(("path", "params"), EXPORTS)
def test_each_accounting_export_gives_the_head_of_the_log_beside_the_file(
    client: TestClient, demo: Callable[[str], Headers], path: str, params: dict[str, str]
) -> None:
    treasurer, admin = demo("tresorier"), demo("admin")  # signing in is logged: first
    send = client.post if path == "/exports/sepa" else client.get  # the SEPA export records
    response = send(path, params=params, headers=treasurer)
    assert response.status_code == 200, response.text
    number, digest = response.headers["X-Gouvernance-Journal"].split(" ")
    verified = client.get("/audit/verify", headers=admin).json()
    assert (int(number), digest) == (verified["head"]["number"], verified["head"]["digest"])
    if params.get("format") == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[1] == "Journal"
        assert book["Journal"]["B3"].value == digest
    if path == "/exports/fec":
        lines = response.content.decode("utf-8").splitlines()
        assert all(line.count("|") == 17 for line in lines)  # nothing but FEC lines
        assert digest not in response.content.decode("utf-8")


def test_a_head_given_with_an_export_still_verifies_after_the_log_went_on(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    treasurer = demo("tresorier")
    fec = client.get("/exports/fec", params=EXPORTS[4][1], headers=treasurer)
    held = fec.headers["X-Gouvernance-Journal"].replace(" ", ":")
    payment = {"member": "MISTRAL", "amount": "100", "received_on": "2027-02-01",
               "method": "virement"}  # fmt: skip
    assert client.post("/payments", json=payment, headers=treasurer).status_code == 201
    response = client.get("/audit/verify", params={"head": held}, headers=demo("admin"))
    body = response.json()
    assert body["intact"] is True
    assert body["head"]["number"] > int(held.split(":")[0])
    assert body["messages"][1].endswith("est toujours dans le journal, avec la même empreinte")
    wrong = client.get("/audit/verify", params={"head": "12:" + "0" * 16}, headers=demo("admin"))
    assert wrong.json()["intact"] is False
    assert "n'a plus l'empreinte imprimée sur le document" in wrong.json()["held_problem"]
    unreadable = client.get("/audit/verify", params={"head": "douze"}, headers=demo("admin"))
    assert unreadable.status_code == 422
    assert unreadable.json()["error"]["field"] == "head"
