"""Input an audit found too lenient, refused through HTTP in French, naming the field, writing
nothing: integers read as dates, invisible characters in free text, idempotent member creation
replayed like the other replays, booleans and decimals counted as shares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

Headers = dict[str, str]
DATE_MESSAGE = "une date au format AAAA-MM-JJ est attendue"
BENEVOLE: dict[str, Any] = {
    "kind": "natural",
    "category": "volunteer",
    "joined_on": "2026-01-31",
    "first_name": "Jeanne",
    "last_name": "Martin",
}


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def _problem_fields(response: Any) -> dict[str, str]:
    return {p["field"]: p["message"] for p in _error(response)["problems"]}


def _codes(client: TestClient, headers: Headers) -> list[str]:
    response = client.get("/members", params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return [m["code"] for m in response.json()["items"]]


# --- Dates: only « AAAA-MM-JJ » text -----------------------------------------------------------


def _date_inputs() -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
    """Every date a request carries, found in the OpenAPI document: (method, path, where, key
    path), where is ``query`` or ``body``."""
    schema = create_app().openapi()
    components = schema["components"]["schemas"]

    def dates(node: dict[str, Any], path: tuple[str, ...], seen: frozenset[str]) -> Iterator[
        tuple[str, ...]
    ]:  # fmt: skip
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                yield from dates(components[name], path, seen | {name})
            return
        if node.get("format") == "date":
            yield path
        for combined in ("anyOf", "oneOf", "allOf"):
            for option in node.get(combined, []):
                yield from dates(option, path, seen)
        for name, sub in node.get("properties", {}).items():
            yield from dates(sub, (*path, name), seen)

    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for _ in dates(parameter["schema"], (), frozenset()):
                    yield method.upper(), url, parameter["in"], (parameter["name"],)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                for path in dates(body["schema"], (), frozenset()):
                    yield method.upper(), url, "body", path


DATE_INPUTS = sorted(set(_date_inputs()))


def test_the_date_inputs_found_in_the_openapi_document_cover_bodies_and_queries() -> None:
    places = {(method, url, where, ".".join(path)) for method, url, where, path in DATE_INPUTS}
    assert ("POST", "/members", "body", "joined_on") in places
    assert ("PATCH", "/members/{code}", "body", "joined_on") in places
    assert ("POST", "/payments", "body", "received_on") in places
    assert ("GET", "/members", "query", "active_on") in places
    assert ("GET", "/exports/fec", "query", "start") in places
    assert len(DATE_INPUTS) >= 35


def _filled(url: str) -> str:
    """The path with each parameter filled with something of the right shape."""
    parts = []
    for part in url.split("/"):
        if part.startswith("{"):
            part = "1" if part in ("{fiscal_year}", "{number}", "{level}") else "X1"
        parts.append(part)
    return "/".join(parts)


def _nested(path: tuple[str, ...], value: object) -> dict[str, Any]:
    body: dict[str, Any] = {path[-1]: value}
    for key in reversed(path[:-1]):
        body = {key: body}
    return body


@pytest.mark.parametrize("value", [0, 20240101, 1.5])
@pytest.mark.parametrize(
    ("method", "url", "where", "path"),
    DATE_INPUTS,
    ids=[f"{m} {u} {w}.{'.'.join(p)}" for m, u, w, p in DATE_INPUTS],
)
def test_a_json_number_is_never_read_as_a_date_anywhere_in_the_api(
    client: TestClient,
    as_admin: Headers,
    method: str,
    url: str,
    where: str,
    path: tuple[str, ...],
    value: object,
) -> None:
    if where == "query":
        response = client.request(
            method, _filled(url), params={path[0]: str(value)}, headers=as_admin
        )
    else:
        response = client.request(method, _filled(url), json=_nested(path, value), headers=as_admin)
    assert response.status_code == 422, response.text
    assert _problem_fields(response).get(".".join(path)) == DATE_MESSAGE, response.text


@pytest.mark.parametrize(
    "value", ["0", "86400", "20240101", "2024-01-01T00:00:00", "01/02/2024", "2024-1-1"]
)
def test_a_query_date_that_is_not_written_aaaa_mm_jj_is_refused(
    client: TestClient, as_admin: Headers, value: str
) -> None:
    response = client.get("/members", params={"active_on": value}, headers=as_admin)
    assert response.status_code == 422, response.text
    assert (_error(response)["field"], _error(response)["message"]) == ("active_on", DATE_MESSAGE)


def test_a_member_posted_with_an_integer_date_is_refused_and_nothing_is_written(
    client: TestClient, as_admin: Headers
) -> None:
    before = _codes(client, as_admin)
    for joined_on in (0, 20240101):
        response = client.post("/members", json={**BENEVOLE, "joined_on": joined_on},
                               headers=as_admin)  # fmt: skip
        assert response.status_code == 422, response.text
        assert (_error(response)["field"], _error(response)["message"]) == (
            "joined_on",
            DATE_MESSAGE,
        )
    assert _codes(client, as_admin) == before
    created = client.post("/members", json=BENEVOLE, headers=as_admin)
    assert created.status_code == 201, created.text
    assert created.json()["joined_on"] == "2026-01-31"


def test_a_member_patched_with_an_integer_date_keeps_its_record(
    client: TestClient, as_admin: Headers, own_member_code: str
) -> None:
    before = client.get(f"/members/{own_member_code}", headers=as_admin).json()
    response = client.patch(f"/members/{own_member_code}", json={"joined_on": 0}, headers=as_admin)
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == "joined_on"
    assert client.get(f"/members/{own_member_code}", headers=as_admin).json() == before


def test_an_impossible_day_is_refused_as_a_date(client: TestClient, as_admin: Headers) -> None:
    response = client.post("/members", json={**BENEVOLE, "joined_on": "2026-02-30"},
                           headers=as_admin)  # fmt: skip
    assert response.status_code == 422, response.text
    assert (_error(response)["field"], _error(response)["message"]) == ("joined_on", DATE_MESSAGE)


# --- Free text: no invisible or control characters ------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_name", "Martin\u202enitraM"),
        ("first_name", "Jea\u200bnne"),
        ("address", "1 rue\u2066 des Lilas"),
        ("city", "\ufeffArles"),
        ("last_name", "Mar\u00adtin"),
        ("city", "Arles\u2028Nîmes"),
    ],
)
def test_a_member_name_with_an_invisible_character_is_refused_naming_the_field(
    client: TestClient, as_admin: Headers, field: str, value: str
) -> None:
    before = _codes(client, as_admin)
    response = client.post("/members", json={**BENEVOLE, field: value}, headers=as_admin)
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert "invisible" in _error(response)["message"]
    assert _codes(client, as_admin) == before


def test_french_typographic_spaces_are_accepted_in_names_and_kept_as_typed(
    client: TestClient, as_admin: Headers
) -> None:
    body = {**BENEVOLE, "first_name": "Élodie\u202fPerrin", "address": "12\u00a0rue du Port"}
    response = client.post("/members", json=body, headers=as_admin)
    assert response.status_code == 201, response.text
    assert response.json()["first_name"] == "Élodie\u202fPerrin"
    assert response.json()["address"] == "12\u00a0rue du Port"


def test_a_patch_with_a_right_to_left_override_leaves_the_record_unchanged(
    client: TestClient, as_admin: Headers, own_member_code: str
) -> None:
    before = client.get(f"/members/{own_member_code}", headers=as_admin).json()
    response = client.patch(
        f"/members/{own_member_code}", json={"last_name": "Roux\u202e"}, headers=as_admin
    )
    assert (response.status_code, _error(response)["field"]) == (422, "last_name")
    assert client.get(f"/members/{own_member_code}", headers=as_admin).json() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/categories", {"code": "ressourcerie", "label": "Ressour\u202eceries"}, "label"),
        (
            "/users",
            {"username": "ca\u200bmille", "password": "mot-de-passe-long", "role": "board"},
            "username",
        ),
    ],
)
def test_a_category_label_or_user_name_with_an_invisible_character_is_refused(
    client: TestClient, as_admin: Headers, url: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(url, json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    categories = client.get("/categories", headers=as_admin).json()
    assert "ressourcerie" not in [c["code"] for c in categories]


def test_a_membership_ended_with_a_bidi_override_in_its_reason_is_refused(
    client: TestClient, as_admin: Headers, own_member_code: str
) -> None:
    response = client.post(
        f"/members/{own_member_code}/end",
        json={"on": "2026-01-31", "reason": "démission\u202e"},
        headers=as_admin,
    )
    assert (response.status_code, _error(response)["field"]) == (422, "reason")
    assert client.get(f"/members/{own_member_code}", headers=as_admin).json()["left_on"] is None


RLO = "\u202e"
IBAN = "FR76 1027 8078 2012 3456 7890 172"


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/assemblies", {"title": f"AG 2026{RLO}", "held_on": "2026-06-26"}, "title"),
        ("POST", "/payments", {"bank_reference": f"VIR{RLO}"}, "bank_reference"),
        ("POST", "/payments", {"note": f"reçu{RLO}"}, "note"),
        ("POST", "/capital/payments", {"amount": "10", "note": f"n{RLO}"}, "note"),
        ("POST", "/calls/AC-2026-0001/credit-notes", {"reason": f"erreur{RLO}"}, "reason"),
        ("PUT", "/members/{code}/mandate", {"debtor_name": f"Roux{RLO}"}, "debtor_name"),
    ],
)
def test_every_free_text_path_refuses_a_bidi_override_naming_the_field(
    client: TestClient,
    as_admin: Headers,
    own_member_code: str,
    method: str,
    url: str,
    body: dict[str, Any],
    field: str,
) -> None:
    valid: dict[str, dict[str, Any]] = {
        "/payments": {"member": own_member_code, "amount": "10", "received_on": "2026-01-02",
                      "method": "virement"},
        "/capital/payments": {"member": own_member_code},
        "/members/{code}/mandate": {"mandate_id": "RUM-1", "signed_on": "2026-01-02",
                                    "iban": IBAN, "bic": "CMCIFR2A"},
    }  # fmt: skip
    before = client.get("/audit", headers=as_admin).json()
    response = client.request(
        method,
        url.format(code=own_member_code),
        json={**valid.get(url, {}), **body},
        headers=as_admin,
    )
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert _error(response)["message"] == (
        "caractère invisible ou de contrôle interdit (U+202E, sens d'écriture forcé)"
    )
    assert client.get("/audit", headers=as_admin).json() == before


# --- Idempotent member creation: a replay answers 200, created: false -------------------------


def test_a_member_creation_replayed_with_its_key_answers_200_created_false_with_one_audit_entry(
    client: TestClient, as_admin: Headers
) -> None:
    headers = {**as_admin, "Idempotency-Key": "creation-jeanne"}
    first = client.post("/members", json=BENEVOLE, headers=headers)
    second = client.post("/members", json=BENEVOLE, headers=headers)

    assert (first.status_code, second.status_code) == (201, 200), second.text
    assert (first.json()["created"], second.json()["created"]) == (True, False)
    assert {**second.json(), "created": True} == first.json()
    code = first.json()["code"]
    assert _codes(client, as_admin).count(code) == 1
    entries = client.get("/audit", headers=as_admin).json()
    assert [e["action"] for e in entries if e["entity_key"] == code] == ["membre.créé"]


def test_reading_a_member_does_not_claim_it_was_created(
    client: TestClient, as_admin: Headers, own_member_code: str
) -> None:
    assert "created" not in client.get(f"/members/{own_member_code}", headers=as_admin).json()


# --- Whole numbers on money paths: no booleans, no decimals -----------------------------------


@pytest.mark.parametrize("shares", [True, 20.0, "20"])
def test_shares_given_as_a_boolean_a_decimal_or_text_are_refused_and_nothing_is_recorded(
    client: TestClient, as_admin: Headers, shares: object
) -> None:
    before = client.get("/capital/operations", headers=as_admin).json()
    body = {"member": "RESSOURCERIE", "shares": shares, "paid": "250,00", "on": "2026-11-16"}
    response = client.post("/capital/subscriptions", json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert (_error(response)["field"], _error(response)["message"]) == (
        "shares",
        "un nombre entier est attendu",
    )
    assert client.get("/capital/operations", headers=as_admin).json() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/capital/payments", {"member": "RESSOURCERIE", "amount": 12.5}, "amount"),
        ("/capital/withdrawals", {"member": "RESSOURCERIE", "shares": True}, "shares"),
        (
            "/capital/withdrawals",
            {"member": "RESSOURCERIE", "shares": 1, "loss_per_share": 0.5},
            "loss_per_share",
        ),
        ("/surplus/simulations", {"fiscal_year": 2026.0, "surplus": "1000"}, "fiscal_year"),
        ("/surplus/simulations", {"fiscal_year": 2026, "surplus": 1000.5}, "surplus"),
    ],
)
def test_a_float_or_boolean_on_a_money_path_is_a_422_naming_the_field(
    client: TestClient, as_admin: Headers, url: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(url, json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert field in _problem_fields(response), response.text
