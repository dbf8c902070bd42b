"""The verification file through the API, on the demo: any signed-in member downloads it once
the assembly is closed (409 while open), and ``POST /assemblies/verify`` answers what the
command prints, for the file as published and for a file with one count changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from gouvernance.domain.assembly.publication import canonical

Headers = dict[str, str]


@pytest.fixture
def member(demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch) -> Headers:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    return demo_accounts("adherent")


def download(client: TestClient, headers: Headers) -> bytes:
    response = client.get("/assemblies/AG-2026-01/publication", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == (
        'attachment; filename="verification-AG-2026-01.json"'
    )
    return response.content


def test_a_member_downloads_the_file_of_the_closed_assembly(
    client: TestClient, member: Headers
) -> None:
    content = download(client, member)
    assert content == download(client, member)
    assert json.loads(content)["assembly"]["code"] == "AG-2026-01"


def test_the_file_of_an_open_assembly_is_refused_with_409_in_french(
    client: TestClient, member: Headers
) -> None:
    response = client.get("/assemblies/AG-2026-02/publication", headers=member)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "l'assemblée AG-2026-02 est encore ouverte : le fichier de vérification est publié à sa "
        "clôture"
    )


def test_the_file_is_for_signed_in_accounts_only(client: TestClient, member: Headers) -> None:
    assert client.get("/assemblies/AG-2026-01/publication").status_code == 401


def test_posting_the_file_answers_conforming_with_the_lines_of_the_command(
    client: TestClient, member: Headers
) -> None:
    content = download(client, member)
    receipt = json.loads(content)["resolutions"][1]["receipts"][0]
    response = client.post(
        "/assemblies/verify",
        files={"file": ("verification-AG-2026-01.json", content, "application/json")},
        params={"receipt": receipt.lower()},
        headers=member,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforming"] is True
    assert body["findings"] == []
    assert body["verdict"] == (
        "conforme : les 3 résolutions recalculées correspondent au procès-verbal"
    )
    assert body["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert body["resolutions"] == 3
    assert body["receipt"] == {
        "receipt": receipt,
        "counted": True,
        "line": f"reçu {receipt} : compté pour la résolution n° 2 (parmi 39 reçus)",
    }
    assert body["lines"][-1] == body["receipt"]["line"]


def test_posting_a_file_with_one_count_changed_names_the_resolution(
    client: TestClient, member: Headers
) -> None:
    document = json.loads(download(client, member))
    document["resolutions"][2]["counts"][""]["against"] += 1
    response = client.post(
        "/assemblies/verify",
        files={"file": ("change.json", canonical(document), "application/json")},
        headers=member,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conforming"] is False
    assert body["verdict"] == "non conforme : 2 écarts entre le document et le recalcul"
    assert body["findings"][0].startswith("résolution n° 3, Ensemble des associés : 40 voix")
    assert body["findings"][1].startswith(
        "résolution n° 3 : le document dit adoptée (Ensemble des associés : 37 pour, 1 contre"
    )
    assert body["receipt"] is None


def test_posting_something_else_is_refused_with_422_in_french(
    client: TestClient, member: Headers
) -> None:
    response = client.post(
        "/assemblies/verify", files={"file": ("x.json", b"[1, 2", "application/json")},
        headers=member,
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "donnee_invalide",
        "message": "document illisible : ce fichier n'est pas du JSON en UTF-8",
        "field": "file",
        "problems": [],
    }
