"""General assemblies through HTTP, on the demo (loaded on 22 November 2026).

Most tests hold the association's assembly (``demo-statuts-association``: one member one vote,
two proxies at most, its roll is the active members); one convenes the SCIC (colleges from the
capital register). Accounts: « bureau » convenes, « scrutateur » runs the sitting,
« adherent » is RESSOURCERIE.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.routers import assemblies as assemblies_router
from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Choice
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.assembly import assemblies
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.scic import capital

Headers = dict[str, str]
NBSP = "\u00a0"
ASSOCIATION = {
    "title": "Assemblée générale ordinaire 2026",
    "held_on": "2026-12-12",
    "statutes": "demo-statuts-association",
}
SCRUTINEER = Actor(username="scrutateur", role=Role.SCRUTINEER)


@pytest.fixture
def demo(
    demo_accounts: Callable[[str], Headers], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Headers]:
    """Headers of a demo account (« demo-<name> » is its password), on the day of the demo's
    open assembly (it may not be closed before it is held)."""
    monkeypatch.setenv(TODAY_VARIABLE, "2026-12-12")
    return demo_accounts


@pytest.fixture
def board(demo: Callable[[str], Headers]) -> Headers:
    return demo("bureau")


@pytest.fixture
def scrutineer(demo: Callable[[str], Headers]) -> Headers:
    return demo("scrutateur")


@pytest.fixture
def member(demo: Callable[[str], Headers]) -> Headers:
    return demo("adherent")


@pytest.fixture
def code(client: TestClient, board: Headers) -> str:
    """The association's ordinary assembly, convened by the board."""
    response = client.post("/assemblies", json=ASSOCIATION, headers=board)
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def _post(client: TestClient, headers: Headers, url: str, body: Any, key: str = "") -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(url, json=body, headers={**headers, **extra})


def _attend(client: TestClient, headers: Headers, code: str, member: str, mode: str,
            holder: str | None = None) -> Any:  # fmt: skip
    body = {"member": member, "mode": mode, "holder": holder}
    return _post(client, headers, f"/assemblies/{code}/attendance", body)


def _resolution(client: TestClient, board: Headers, code: str, method: str = "open") -> int:
    body = {"title": "Approbation des comptes 2026", "text": "L'AG approuve.", "method": method}
    response = _post(client, board, f"/assemblies/{code}/resolutions", body)
    assert response.status_code == 201, response.text
    return int(response.json()["number"])


def _vote(client: TestClient, headers: Headers, code: str, number: int, voter: str,
          choice: str, key: str = "") -> Any:  # fmt: skip
    url = f"/assemblies/{code}/resolutions/{number}/ballots"
    return _post(client, headers, url, {"voter": voter, "choice": choice}, key)


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.fixture
def sitting(client: TestClient, code: str, scrutineer: Headers) -> str:
    """RESSOURCERIE and GARRIGUE present, MISTRAL represented by RESSOURCERIE, SAL01 by post."""
    for member, mode, holder in (
        ("RESSOURCERIE", "present", None),
        ("GARRIGUE", "present", None),
        ("MISTRAL", "represented", "RESSOURCERIE"),
        ("SAL01", "postal", None),
    ):
        response = _attend(client, scrutineer, code, member, mode, holder)
        assert response.status_code == 201, response.text
    return code


# --- Convening --------------------------------------------------------------------------------


def test_the_board_convenes_and_a_retry_with_the_same_key_convenes_nothing_more(
    client: TestClient, board: Headers
) -> None:
    before = len(client.get("/assemblies", headers=board).json())
    first = _post(client, board, "/assemblies", ASSOCIATION, "ag-2026")
    again = _post(client, board, "/assemblies", ASSOCIATION, "ag-2026")

    assert (first.status_code, again.status_code) == (201, 200), again.text
    code = first.json()["code"]
    assert code.startswith("AG-2026-") and again.json()["code"] == code
    assert (first.json()["created"], again.json()["created"]) == (True, False)
    listed = client.get("/assemblies", headers=board).json()
    assert len(listed) == before + 1
    assert next((a["status"], a["kind_label"]) for a in listed if a["code"] == code) == (
        "open", "Assemblée générale ordinaire",
    )  # fmt: skip


@pytest.mark.parametrize("account", ["adherent", "scrutateur", "tresorier"])
def test_only_the_board_and_the_administrator_convene(
    client: TestClient, demo: Callable[[str], Headers], account: str
) -> None:
    before = client.get("/assemblies", headers=demo("bureau")).json()
    response = _post(client, demo(account), "/assemblies", ASSOCIATION)
    assert response.status_code == 403, response.text
    assert _error(response)["message"]
    assert client.get("/assemblies", headers=demo("bureau")).json() == before


def test_the_association_assembly_states_its_rules_in_french(
    client: TestClient, code: str, member: Headers
) -> None:
    shown = client.get(f"/assemblies/{code}", headers=member).json()

    assert shown["statutes"] == "demo-statuts-association"
    assert shown["colleges"] == []
    assert (shown["proxy_limit"], shown["proxy_rule"]) == (2, "au plus 2 pouvoirs par associé")
    assert shown["roll_rule"].startswith("seuls votent les associés à jour")
    assert shown["entitled"] > 0
    assert {a["mode"]: a["count"] for a in shown["attendance"]} == {
        "present": 0, "remote": 0, "postal": 0, "represented": 0, "blank_proxy": 0,
    }  # fmt: skip
    (quorum,) = shown["quorums"]
    assert (quorum["decision_kind"], quorum["required"], quorum["reached"]) == (
        "ordinary", "0", True,
    )  # fmt: skip
    assert quorum["explanation"]


def test_a_scic_assembly_shows_each_college_weight_exact_and_in_french(
    app: Application, client: TestClient, board: Headers
) -> None:
    for member, shares in (("SAL01", 2), ("SAL02", 2), ("SAL03", 2), ("MISTRAL", 20)):
        capital.subscribe(
            app.uows, SYSTEM, member, shares, Decimal(shares * 50), date(2026, 11, 16)
        )
    body = {"title": "Première AG de la SCIC", "held_on": "2027-03-20"}
    created = _post(client, board, "/assemblies", body)
    assert created.status_code == 201, created.text

    shown = created.json()
    weights = {c["code"]: (c["weight"], c["weight_text"]) for c in shown["colleges"]}
    assert weights["salaries"] == ("3/10", f"30{NBSP}%")
    assert weights["usagers"] == ("1/5", f"20{NBSP}%")
    assert shown["entitled"] == 4
    assert shown["empty_college"]
    roll = client.get(f"/assemblies/{shown['code']}/roll", headers=board).json()
    assert {line["member_code"]: line["college"] for line in roll} == {
        "SAL01": "salaries", "SAL02": "salaries", "SAL03": "salaries",
        "MISTRAL": "producteurs",
    }  # fmt: skip


# --- Attendance -------------------------------------------------------------------------------


def test_the_attendance_sheet_shows_proxies_and_an_attendance_already_recorded_is_a_200(
    client: TestClient, sitting: str, scrutineer: Headers, member: Headers
) -> None:
    again = _attend(client, scrutineer, sitting, "GARRIGUE", "present")
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False

    roll = {line["member_code"]: line for line in client.get(
        f"/assemblies/{sitting}/roll", headers=member).json()}  # fmt: skip
    assert roll["RESSOURCERIE"]["proxies_held"] == ["MISTRAL"]
    assert (roll["MISTRAL"]["holder_code"], roll["MISTRAL"]["attendance_label"]) == (
        "RESSOURCERIE", "représenté",
    )  # fmt: skip
    assert roll["SAL02"]["attendance"] is None
    shown = client.get(f"/assemblies/{sitting}", headers=member).json()
    counts = {a["mode"]: a["count"] for a in shown["attendance"]}
    assert (counts["present"], counts["represented"], counts["postal"]) == (2, 1, 1)


def test_a_proxy_beyond_the_limit_is_refused_with_the_rule(
    client: TestClient, sitting: str, scrutineer: Headers
) -> None:
    second = _attend(client, scrutineer, sitting, "SAL02", "represented", "RESSOURCERIE")
    assert second.status_code == 201, second.text
    refused = _attend(client, scrutineer, sitting, "SAL03", "represented", "RESSOURCERIE")

    assert refused.status_code in (409, 422), refused.text
    assert "2" in _error(refused)["message"]
    roll = client.get(f"/assemblies/{sitting}/roll", headers=scrutineer).json()
    assert next(r for r in roll if r["member_code"] == "SAL03")["attendance"] is None


def test_a_line_struck_from_the_sheet_is_gone_but_not_once_the_associate_voted(
    client: TestClient, sitting: str, scrutineer: Headers, board: Headers
) -> None:
    number = _resolution(client, board, sitting)
    assert _vote(client, scrutineer, sitting, number, "SAL01", "for").status_code == 201

    struck = client.delete(f"/assemblies/{sitting}/attendance/GARRIGUE", headers=scrutineer)
    refused = client.delete(f"/assemblies/{sitting}/attendance/SAL01", headers=scrutineer)

    assert struck.status_code == 204, struck.text
    assert refused.status_code == 409, refused.text
    roll = client.get(f"/assemblies/{sitting}/roll", headers=scrutineer).json()
    modes = {r["member_code"]: r["attendance"] for r in roll}
    assert (modes["GARRIGUE"], modes["SAL01"]) == (None, "postal")


# --- Ballots ----------------------------------------------------------------------------------


def test_a_member_votes_for_themselves_and_the_proxy_they_hold_and_for_nobody_else(
    client: TestClient, sitting: str, board: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting)

    own = _vote(client, member, sitting, number, "RESSOURCERIE", "pour")
    proxied = _vote(client, member, sitting, number, "MISTRAL", "against")
    other = _vote(client, member, sitting, number, "GARRIGUE", "for")

    assert (own.status_code, proxied.status_code, other.status_code) == (201, 201, 403)
    assert (proxied.json()["voter_code"], proxied.json()["cast_by"]) == (
        "MISTRAL", "RESSOURCERIE",
    )  # fmt: skip
    assert _error(other)["message"]


def test_a_second_ballot_is_a_409_and_a_retry_with_the_same_key_a_200(
    client: TestClient, sitting: str, board: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting)
    first = _vote(client, member, sitting, number, "RESSOURCERIE", "for", "bulletin-1")
    replay = _vote(client, member, sitting, number, "RESSOURCERIE", "for", "bulletin-1")
    second = _vote(client, member, sitting, number, "RESSOURCERIE", "against")

    assert (first.status_code, replay.status_code, second.status_code) == (201, 200, 409)
    assert replay.json()["created"] is False
    assert _error(second)["message"]
    shown = client.get(f"/assemblies/{sitting}", headers=member).json()
    assert shown["resolutions"][0]["ballots"] == 1


def test_a_secret_ballot_receipt_never_says_the_choice(
    client: TestClient, sitting: str, board: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting, method="secret")
    receipt = _vote(client, member, sitting, number, "RESSOURCERIE", "against")

    assert receipt.status_code == 201, receipt.text
    body = receipt.json()
    assert body["secret"] is True
    assert "against" not in receipt.text and "contre" not in receipt.text
    assert "choice" not in body


def test_a_secret_vote_shows_its_participation_until_closed_then_its_result_once(
    client: TestClient, sitting: str, board: Headers, member: Headers, scrutineer: Headers
) -> None:
    number = _resolution(client, board, sitting, method="secret")
    _vote(client, member, sitting, number, "RESSOURCERIE", "against")
    _vote(client, member, sitting, number, "MISTRAL", "for")
    live = client.get(f"/assemblies/{sitting}/tally", headers=board).json()["resolutions"][-1]
    assert (live["outcome"], live["headcount"]["total"]) == ("sealed", 0)
    assert live["explanation"][0].startswith("Vote secret en cours : 2 bulletins reçus ;")

    url = f"/assemblies/{sitting}/resolutions/{number}/close"
    assert client.post(url, headers=member).status_code == 403
    closed = client.post(url, headers=scrutineer)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["vote_closed"], closed.json()["sealed"]) == (True, False)
    result = client.get(f"/assemblies/{sitting}/tally", headers=board).json()["resolutions"][-1]
    assert (result["headcount"]["for"], result["headcount"]["against"]) == (1, 1)

    again = client.post(url, headers=scrutineer)
    late = _vote(client, scrutineer, sitting, number, "GARRIGUE", "for")
    assert (again.status_code, late.status_code) == (409, 409)
    assert _error(late)["message"] == (
        f"le vote sur la résolution n° {number} est clos : plus aucun bulletin ni décompte"
    )


def test_the_scrutineers_enter_a_show_of_hands_without_colleges_with_a_dash(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers
) -> None:
    number = _resolution(client, board, sitting, method="show_of_hands")
    url = f"/assemblies/{sitting}/resolutions/{number}/counts/-"
    counted = client.put(url, json={"for": 3, "against": 1}, headers=scrutineer)

    assert counted.status_code == 200, counted.text
    assert counted.json()["counted_colleges"] == [""]
    (result,) = client.get(f"/assemblies/{sitting}/tally", headers=board).json()["resolutions"]
    assert (result["headcount"]["for"], result["headcount"]["against"]) == (3, 1)
    assert (result["weighted"], result["outcome"]) == ("3/4", "adopted")
    assert result["weighted_text"] == f"75{NBSP}%"
    assert result["threshold_text"] == f"plus de 50{NBSP}%"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("ballots", {"voter": "RESSOURCERIE", "choice": "peut-être"}, "choice"),
        ("ballots", {"voter": "RESSOURCERIE"}, "choice"),
        ("counts", {"for": "1,5", "against": 0}, "for"),
        ("counts", {"for": 1, "against": -2}, "against"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers,
    url: str, body: dict[str, Any], field: str,
) -> None:  # fmt: skip
    number = _resolution(client, board, sitting, "show_of_hands" if url == "counts" else "open")
    target = f"/assemblies/{sitting}/resolutions/{number}/" + (
        "ballots" if url == "ballots" else "counts/-"
    )
    response = client.request(
        "POST" if url == "ballots" else "PUT", target, json=body, headers=scrutineer
    )
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field


def test_an_unknown_member_is_refused_naming_the_field(
    client: TestClient, code: str, scrutineer: Headers
) -> None:
    response = _attend(client, scrutineer, code, "PERSONNE", "present")
    assert response.status_code in (404, 422), response.text
    assert _error(response)["field"] == "member"


def test_the_attendance_modes_are_accepted_in_french_as_the_cli_accepts_them(
    client: TestClient, code: str, scrutineer: Headers
) -> None:
    for member, mode, holder, expected in (
        ("RESSOURCERIE", "présent", None, "present"),
        ("MISTRAL", "Représenté", "RESSOURCERIE", "represented"),
        ("GARRIGUE", "à distance", None, "remote"),
        ("SAL01", "par correspondance", None, "postal"),
        ("SAL02", "distance", None, "remote"),
        ("SAL03", "correspondance", None, "postal"),
    ):
        response = _attend(client, scrutineer, code, member, mode, holder)
        assert response.status_code == 201, response.text
        assert response.json()["mode"] == expected


def test_a_resolution_method_is_accepted_in_french(
    client: TestClient, code: str, board: Headers
) -> None:
    body = {"title": "Budget 2027", "method": "main levée"}
    resolved = _post(client, board, f"/assemblies/{code}/resolutions", body)
    assert resolved.status_code == 201, resolved.text
    assert resolved.json()["method"] == "show_of_hands"


def test_a_signatory_role_is_accepted_in_french(
    client: TestClient, code: str, scrutineer: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TODAY_VARIABLE, ASSOCIATION["held_on"])  # the day of the assembly
    closed = client.post(f"/assemblies/{code}/close", headers=scrutineer)
    assert closed.status_code == 200, closed.text
    signature = {"role": "secrétaire", "name": "Paul Reynaud"}
    signed = _post(client, scrutineer, f"/assemblies/{code}/signatures", signature)
    assert signed.status_code == 201, signed.text
    assert signed.json()["role"] == "secretary"


@pytest.mark.parametrize(
    ("url", "body", "field", "words"),
    [
        ("attendance", {"member": "GARRIGUE", "mode": "ailleurs"}, "mode",
         "represented (représenté), blank_proxy (pouvoir en blanc)"),
        ("attendance", {"member": "GARRIGUE", "mode": 3}, "mode", "present (présent)"),
        ("resolutions", {"title": "Budget", "method": "à l'aveugle"}, "method",
         "open (nominatif), secret (secret), show_of_hands (main levée)"),
        ("ballots", {"voter": "RESSOURCERIE", "choice": "maybe"}, "choice",
         "for (pour), against (contre), abstain (abstention), blank (blanc), null (nul)"),
        ("signatures", {"role": "trésorier", "name": "X"}, "role",
         "president (président), secretary (secrétaire), scrutineer (scrutateur)"),
    ],
)  # fmt: skip
def test_an_unknown_mode_method_choice_or_role_is_a_422_listing_the_french_words(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers,
    url: str, body: dict[str, Any], field: str, words: str,
) -> None:  # fmt: skip
    target = f"/assemblies/{sitting}/{url}"
    if url == "ballots":
        target = f"/assemblies/{sitting}/resolutions/{_resolution(client, board, sitting)}/ballots"
    response = _post(client, board if url == "resolutions" else scrutineer, target, body)

    assert response.status_code == 422, response.text
    error = _error(response)
    assert error["field"] == field
    assert error["message"].startswith("valeur inconnue « ")
    assert words in error["message"]


@pytest.mark.parametrize("counts", [{"for": True}, {"for": "3"}, {"against": 1.0}])
def test_a_count_of_votes_must_be_a_json_integer_and_a_refused_count_counts_nothing(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers,
    counts: dict[str, Any],
) -> None:  # fmt: skip
    number = _resolution(client, board, sitting, method="show_of_hands")
    url = f"/assemblies/{sitting}/resolutions/{number}/counts/-"
    response = client.put(url, json=counts, headers=scrutineer)

    assert response.status_code == 422, response.text
    assert _error(response)["field"] == next(iter(counts))
    assert _error(response)["message"] == "un nombre entier est attendu"
    (shown,) = client.get(f"/assemblies/{sitting}", headers=board).json()["resolutions"]
    assert shown["counted_colleges"] == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"statutes": "statuts-inconnus"}, "statutes"),
        ({"convocation": 2, "previous": "AG-1999-01"}, "previous"),
        ({"convocation": 1, "previous": "AG-1999-01"}, "previous"),
    ],
)
def test_unknown_statutes_or_first_convocation_are_refused_naming_the_body_field(
    client: TestClient, board: Headers, extra: dict[str, Any], field: str
) -> None:
    before = client.get("/assemblies", headers=board).json()
    response = _post(client, board, "/assemblies", {**ASSOCIATION, **extra})

    assert response.status_code in (404, 422), response.text
    error = _error(response)
    assert error["field"] == field
    assert "statutes_id" not in error["message"] and "previous_code" not in error["message"]
    assert client.get("/assemblies", headers=board).json() == before


# --- Tally, closing, minutes ------------------------------------------------------------------


def test_the_tally_of_an_open_assembly_is_for_the_board_and_scrutineers_then_for_all_once_closed(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting)
    _vote(client, member, sitting, number, "RESSOURCERIE", "for")
    _vote(client, member, sitting, number, "MISTRAL", "for")
    _vote(client, scrutineer, sitting, number, "GARRIGUE", "against")
    _vote(client, scrutineer, sitting, number, "SAL01", "abstain")

    assert client.get(f"/assemblies/{sitting}/tally", headers=member).status_code == 403
    live = client.get(f"/assemblies/{sitting}/tally", headers=scrutineer).json()
    assert live["final"] is False
    (result,) = live["resolutions"]
    assert (result["weighted"], result["outcome"], result["outcome_label"]) == (
        "2/3", "adopted", "adoptée",
    )  # fmt: skip
    assert result["weighted_text"] == f"≈{NBSP}66,67{NBSP}%"
    (college,) = result["colleges"]
    assert (college["counts"]["for"], college["counts"]["abstain"], college["base"]) == (2, 1, 3)
    assert college["result"] == "2/3"
    assert result["explanation"]

    closed = client.post(f"/assemblies/{sitting}/close", headers=scrutineer)
    assert closed.status_code == 200, closed.text
    final = client.get(f"/assemblies/{sitting}/tally", headers=member)
    assert final.status_code == 200
    assert final.json()["final"] is True
    assert final.json()["resolutions"][0]["weighted"] == "2/3"


def test_a_closed_assembly_refuses_every_write(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting)
    hands = _resolution(client, board, sitting, method="show_of_hands")
    early = client.post(f"/assemblies/{sitting}/close", headers=scrutineer)
    assert early.status_code == 409 and "saisissez d'abord les voix" in _error(early)["message"]
    counted = client.put(f"/assemblies/{sitting}/resolutions/{hands}/counts/-", json={"for": 3},
                         headers=scrutineer)  # fmt: skip
    assert counted.status_code == 200, counted.text
    assert client.post(f"/assemblies/{sitting}/close", headers=scrutineer).status_code == 200

    refusals = [
        _attend(client, scrutineer, sitting, "SAL02", "present"),
        _post(client, board, f"/assemblies/{sitting}/resolutions", {"title": "Une de plus"}),
        _vote(client, member, sitting, number, "RESSOURCERIE", "for"),
        client.put(f"/assemblies/{sitting}/resolutions/{hands}/counts/-", json={"for": 1},
                   headers=scrutineer),
        client.delete(f"/assemblies/{sitting}/attendance/GARRIGUE", headers=scrutineer),
        client.post(f"/assemblies/{sitting}/close", headers=scrutineer),
    ]  # fmt: skip
    assert [r.status_code for r in refusals] == [409] * 6, [r.text for r in refusals]
    assert all(_error(r)["message"] for r in refusals)
    shown = client.get(f"/assemblies/{sitting}", headers=member).json()
    assert shown["status"] == "closed"
    assert [r["ballots"] for r in shown["resolutions"]] == [0, 0]


def test_the_minutes_are_signed_after_closing_and_printed_as_pdf_and_html(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers, member: Headers
) -> None:
    number = _resolution(client, board, sitting)
    _vote(client, member, sitting, number, "RESSOURCERIE", "for")
    signature = {"role": "president", "name": "Annie Castel"}
    early = _post(client, scrutineer, f"/assemblies/{sitting}/signatures", signature)
    assert early.status_code == 409, early.text

    client.post(f"/assemblies/{sitting}/close", headers=scrutineer)
    signed = _post(client, scrutineer, f"/assemblies/{sitting}/signatures", signature)
    assert signed.status_code == 201, signed.text
    assert signed.json()["role_label"] == "président de séance"

    pdf = client.get(f"/assemblies/{sitting}/minutes", headers=member)
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    page = client.get(f"/assemblies/{sitting}/minutes?format=html", headers=member)
    assert page.headers["content-type"].startswith("text/html")
    assert "Annie Castel" in page.text
    odd = client.get(f"/assemblies/{sitting}/minutes?format=docx", headers=member)
    assert (odd.status_code, _error(odd)["field"]) == (422, "format")


# --- The scrutineers' screen ------------------------------------------------------------------


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_the_live_stream_sends_the_tally_at_once_as_a_server_sent_event(
    client: TestClient, sitting: str, board: Headers, scrutineer: Headers
) -> None:
    _resolution(client, board, sitting)
    response = client.get(f"/assemblies/{sitting}/live?max_events=1", headers=scrutineer)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    ((name, tally),) = _events(response.text)
    assert name == "tally"
    assert (tally["final"], tally["assembly"]["code"]) == (False, sitting)
    assert tally["resolutions"][0]["number"] == 1


@pytest.fixture
def quick_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assemblies_router, "POLL_SECONDS", 0.05)


@pytest.fixture
def later(app: Application) -> Iterator[Callable[[Callable[[], object]], None]]:
    """Run a service call in another thread shortly after the stream has started."""
    timers: list[threading.Timer] = []

    def run(action: Callable[[], object]) -> None:
        timer = threading.Timer(0.3, action)
        timers.append(timer)
        timer.start()

    yield run
    for timer in timers:
        timer.join()


@pytest.mark.usefixtures("quick_poll")
def test_the_live_stream_sends_the_tally_again_when_a_ballot_arrives(
    app: Application, client: TestClient, sitting: str, board: Headers, scrutineer: Headers,
    later: Callable[[Callable[[], object]], None],
) -> None:  # fmt: skip
    number = _resolution(client, board, sitting)
    later(
        lambda: assemblies.cast_ballot(app.uows, SCRUTINEER, sitting, number, "SAL01", Choice.FOR)
    )
    response = client.get(f"/assemblies/{sitting}/live?max_events=2", headers=scrutineer)

    first, second = _events(response.text)
    assert first[1]["resolutions"][0]["headcount"]["for"] == 0
    assert second[1]["resolutions"][0]["headcount"]["for"] == 1
    assert first[1]["marker"] != second[1]["marker"]


@pytest.mark.usefixtures("quick_poll")
def test_the_live_stream_ends_with_the_final_tally_when_the_assembly_closes(
    app: Application, client: TestClient, sitting: str, board: Headers, scrutineer: Headers,
    later: Callable[[Callable[[], object]], None],
) -> None:  # fmt: skip
    _resolution(client, board, sitting)
    later(lambda: assemblies.close_assembly(app.uows, SCRUTINEER, sitting))
    # Bounded, so that a close refused fails the test instead of streaming forever.
    response = client.get(f"/assemblies/{sitting}/live?max_events=3", headers=scrutineer)

    assert [tally["final"] for _, tally in _events(response.text)] == [False, True]


def test_the_live_stream_is_forbidden_to_a_member_while_open_and_needs_a_token(
    client: TestClient, sitting: str, member: Headers
) -> None:
    assert client.get(f"/assemblies/{sitting}/live", headers=member).status_code == 403
    assert client.get(f"/assemblies/{sitting}/live").status_code == 401
    unknown = client.get("/assemblies/AG-1999-01/live?max_events=1", headers=member)
    assert unknown.status_code in (403, 404)


def test_the_screen_is_a_self_contained_french_page_that_signs_in_without_a_token_in_the_url(
    client: TestClient, code: str
) -> None:
    page = client.get(f"/assemblies/{code}/screen")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    assert "Écran des scrutateurs" in page.text
    assert 'fetch("live"' in page.text and "Authorization" in page.text
    assert "token=" not in page.text
    assert "src=" not in page.text and "<link" not in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy


# --- Never a 500 ------------------------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["RESSOURCERIE", "MISTRAL", "-", "AG-2026-01", "for", "pour", "2027-13-01"]),
)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
quick = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FIELDS = ["title", "held_on", "kind", "convocation", "cutoff", "statutes", "previous", "member",
          "mode", "holder", "text", "decision_kind", "proposer", "proposed_by", "method",
          "voter", "choice", "for", "against", "role", "name", "x"]  # fmt: skip


@quick
@given(
    body=st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
    segment=texts,
    number=st.one_of(st.integers(-3, 3), texts),
)
def test_any_assembly_request_gets_an_answer_below_500(
    client: TestClient, sitting: str, board: Headers, body: dict[str, Any], segment: str,
    number: Any,
) -> None:  # fmt: skip
    part, n = quote(segment, safe=""), quote(str(number), safe="")
    for method, url in (
        ("POST", "/assemblies"),
        ("GET", f"/assemblies/{part}"),
        ("POST", f"/assemblies/{sitting}/attendance"),
        ("DELETE", f"/assemblies/{sitting}/attendance/{part}"),
        ("POST", f"/assemblies/{sitting}/resolutions"),
        ("POST", f"/assemblies/{sitting}/resolutions/{n}/ballots"),
        ("PUT", f"/assemblies/{sitting}/resolutions/{n}/counts/{part}"),
        ("GET", f"/assemblies/{part}/tally"),
        ("GET", f"/assemblies/{part}/live?max_events=1"),
        ("POST", f"/assemblies/{part}/signatures"),
        ("GET", f"/assemblies/{part}/minutes?format={part}"),
    ):
        response = client.request(method, url, json=body, headers=board)
        assert response.status_code < 500, (method, url, response.text)
