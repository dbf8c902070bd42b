"""The transition report through HTTP, on the demo: JSON with amounts as French text and cents
and shares as exact fractions, the French document as HTML and PDF, and who may read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE

Headers = dict[str, str]
URL = "/statutes/demo-statuts-scic/transition"
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    """The demo loaded on 1 January 2027; headers of a demo account (« demo-<name> »)."""
    monkeypatch.setenv(TODAY_VARIABLE, "2027-01-01")
    return demo_accounts


def _get(client: TestClient, headers: Headers, url: str = URL) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_board_reads_the_demo_report_with_exact_amounts_and_shares(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    body = _get(client, demo("bureau"))
    assert body["on"] == "2027-01-01"
    assert body["statutes"]["id"] == "demo-statuts-scic"
    capital = body["capital"]
    assert capital["total"] == {"text": f"10{NNBSP}350,00{NBSP}€", "cents": 1035000}
    assert capital["public_bodies"]["cents"] == 275000
    assert capital["public_share"] == {"text": f"≈{NBSP}26,57{NBSP}%", "fraction": "55/207"}
    assert capital["shares"] == 207
    sizes = {c["code"]: (c["size"], c["effective_weight"]["fraction"]) for c in body["colleges"]}
    assert sizes == {"salaries": (10, "3/10"), "usagers": (21, "1/5"),
                     "producteurs": (5, "3/10"), "partenaires": (7, "1/5")}  # fmt: skip
    vallon = next(m for m in body["members"] if m["code"] == "VALLON")
    assert (vallon["shares"], vallon["amount"]["cents"], vallon["population"]) == (6, 30000, 4800)
    vol02 = next(m for m in body["members"] if m["code"] == "VOL02")
    assert (vol02["college"], vol02["by_override"]) == ("usagers", True)
    assert body["errors"] == 0
    assert all(m["satisfied"] for m in body["mandatory"])


@pytest.mark.parametrize("username", ["admin", "tresorier"])
def test_the_administrator_and_the_treasurer_may_read_it_too(
    client: TestClient, demo: Callable[[str], Headers], username: str
) -> None:
    assert len(_get(client, demo(username))["members"]) == 43


@pytest.mark.parametrize("username", ["adherent", "scrutateur"])
def test_a_member_and_a_scrutineer_are_refused_in_french(
    client: TestClient, demo: Callable[[str], Headers], username: str
) -> None:
    for url in (URL, f"{URL}/document?format=html"):
        response = client.get(url, headers=demo(username))
        assert response.status_code == 403
        assert "ne permet pas" in response.json()["error"]["message"]


def test_unknown_statutes_and_a_bad_format_are_clear_errors(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    board = demo("bureau")
    missing = client.get("/statutes/inconnus/transition", headers=board)
    assert missing.status_code == 404
    assert "statuts inconnus « inconnus »" in missing.json()["error"]["message"]
    bad = client.get(f"{URL}/document?format=docx", headers=board)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "format"


def test_the_report_on_an_earlier_day_leaves_out_members_who_had_not_joined(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    body = _get(client, demo("bureau"), f"{URL}?on=2026-06-30")
    codes = {m["code"] for m in body["members"]}
    assert "HUILES-DU-VAL" not in codes  # joined on 1 July 2026
    assert len(codes) == 42


def test_the_html_document_is_french_escaped_and_ends_with_the_disclaimer(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    response = client.get(f"{URL}/document?format=html", headers=demo("bureau"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "Rapport de transition vers la SCIC — PTCE Alpilles Réemploi" in page
    assert "Situation des membres au 1er janvier 2027" in page
    assert "Collège des structures productrices" in page
    assert f"10{NNBSP}350,00{NBSP}€" in page
    assert "ne vaut pas conseil juridique" in page
    assert "Projet de statuts de la SCIC Alpilles Réemploi" in page
    assert "conseil d&#39;administration" in page  # escaped by Jinja2


def test_the_pdf_document_is_a_pdf_and_the_same_report_gives_the_same_bytes(
    client: TestClient, demo: Callable[[str], Headers]
) -> None:
    board = demo("bureau")
    first = client.get(f"{URL}/document?format=pdf", headers=board)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert (
        "rapport-transition-demo-statuts-scic-2027-01-01.pdf"
        in first.headers["content-disposition"]
    )
    assert client.get(f"{URL}/document", headers=board).content == first.content
