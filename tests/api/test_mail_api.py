"""E-mail through HTTP, on the demo, against a real SMTP server on 127.0.0.1 configured by the
environment: the dry run, the run (each server answer in the report), a second run that sends
nothing, a refused connection reported per message and retried, the history, the roles.

AG-2026-02 is the demo's open assembly, AG-2026-01 the closed one; the board (``bureau``) and
the scrutineers send convocations and minutes, the treasurer calls and reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from smtp_loopback import Server, attachments, closed_port, smtp_server

from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE

__all__ = ["closed_port", "smtp_server"]

Headers = dict[str, str]


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    monkeypatch.setenv(TODAY_VARIABLE, "2026-12-01")
    return demo_accounts


def _json(response: Any) -> dict[str, Any]:
    data: dict[str, Any] = response.json()
    return data


def test_the_preview_lists_messages_and_paper_letters_and_sends_nothing(
    client: TestClient,
    demo: Callable[[str], Headers],
    smtp_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_server.environment(monkeypatch)
    response = client.get("/mail/convocation/AG-2026-02/preview", headers=demo("bureau"))
    assert response.status_code == 200, response.text
    body = _json(response)
    assert body["kind"] == "convocation" and body["reference"] == "AG-2026-02"
    assert body["sender"] == "contact@alpilles-reemploi.example"
    first = next(m for m in body["to_send"] if m["member_code"] == "RESSOURCERIE")
    assert first["address"] == "bonjour@secondemain.example"
    assert first["attachment"] == "convocation-AG-2026-02.pdf" and first["status"] is None
    paper = next(p for p in body["paper"] if p["member_code"] == "BEN01")
    assert paper["reason"] == "pas d'adresse électronique"
    assert body["summary"].endswith(f"{len(body['paper'])} lettres papier")
    assert smtp_server.received == []
    assert client.get("/mail/outbox", headers=demo("bureau")).json() == []


def test_sending_reports_each_answer_and_a_second_send_sends_nothing(
    client: TestClient,
    demo: Callable[[str], Headers],
    smtp_server: Server,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_server.environment(monkeypatch)
    scrutineer = demo("scrutateur")
    response = client.post("/mail/pv/AG-2026-01/send", headers=scrutineer)
    assert response.status_code == 200, response.text
    body = _json(response)
    count = len(body["sent"])
    assert count == len(smtp_server.received) > 30 and body["failed"] == []
    assert body["server"] == f"127.0.0.1:{smtp_server.port} (NONE)"
    sent = body["sent"][0]
    assert sent["status"] == "sent" and sent["status_label"] == "envoyé"
    assert sent["server_answer"].startswith("250 2.0.0 Ok: queued as Q")
    assert sent["smtp_code"] == 250 and sent["attachment"] == "pv-AG-2026-01.pdf"
    (pdf,) = attachments(smtp_server.received[0].message)
    assert pdf.get_content_type() == "application/pdf"

    again = _json(client.post("/mail/minutes/AG-2026-01/send", headers=scrutineer))
    assert again["sent"] == [] and len(again["already_sent"]) == count
    assert len(smtp_server.received) == count

    history = client.get(
        "/mail/outbox", params={"kind": "pv", "limit": 5}, headers=scrutineer
    ).json()
    assert len(history) == 5 and {h["status"] for h in history} == {"sent"}


def test_a_refused_connection_is_reported_per_message_then_retried(
    client: TestClient,
    demo: Callable[[str], Headers],
    smtp_server: Server,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smtp_server.environment(monkeypatch)
    monkeypatch.setenv("GOUVERNANCE_SMTP_PORT", str(closed_port))
    board = demo("bureau")
    failed = _json(client.post("/mail/convocation/AG-2026-02/send", headers=board))
    assert failed["sent"] == [] and len(failed["failed"]) > 30
    assert failed["failed"][0]["error"].startswith(
        f"le serveur de courriel 127.0.0.1:{closed_port} refuse la connexion"
    )
    assert failed["failed"][0]["status"] == "failed"
    assert " en échec, " in failed["summary"]

    monkeypatch.setenv("GOUVERNANCE_SMTP_PORT", str(smtp_server.port))
    retried = _json(client.post("/mail/convocation/AG-2026-02/retry", headers=board))
    assert len(retried["sent"]) == len(failed["failed"]) == len(smtp_server.received)


def test_without_a_server_configured_the_error_names_the_variable(
    client: TestClient, demo: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_SMTP_HOST", raising=False)
    response = client.post("/mail/convocation/AG-2026-02/send", headers=demo("bureau"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "GOUVERNANCE_SMTP_HOST"
    assert error["message"].startswith("aucun serveur de courriel n'est configuré")


def test_each_role_sends_only_what_it_is_in_charge_of(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    refused = client.get("/mail/convocation/AG-2026-02/preview", headers=demo("tresorier"))
    assert refused.status_code == 403
    assert "ne permet pas d'envoyer la convocation" in refused.json()["error"]["message"]
    member = client.get("/mail/outbox", headers=demo("adherent"))
    assert member.status_code == 403
    open_minutes = client.get("/mail/pv/AG-2026-02/preview", headers=demo("bureau"))
    assert open_minutes.status_code == 409
    unknown = client.get("/mail/factures/AG-2026-02/preview", headers=demo("bureau"))
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "kind"
