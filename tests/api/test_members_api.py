"""The member endpoints through HTTP: happy paths, roles, and bad input that changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gouvernance.domain.users import Role

Headers = dict[str, str]

RESSOURCERIE: dict[str, Any] = {
    "kind": "legal",
    "category": "producer",
    "joined_on": "2019-03-01",
    "name": "Ressourcerie des Alpilles",
    "siren": "732 829 320",
    "email": "contact@ressourcerie.example",
}
BENEVOLE: dict[str, Any] = {
    "kind": "natural",
    "category": "volunteer",
    "joined_on": "2025-09-01",
    "first_name": "Jeanne",
    "last_name": "Martin",
}


def _codes(client: TestClient, headers: Headers) -> list[str]:
    response = client.get("/members", params={"limit": 500}, headers=headers)
    assert response.status_code == 200, response.text
    return [m["code"] for m in response.json()["items"]]


def _error(response: Any) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def test_an_admin_creates_a_member_and_reads_it_back(client: TestClient, as_admin: Headers) -> None:
    created = client.post("/members", json=RESSOURCERIE, headers=as_admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["siren"] == "732829320"
    assert body["display_name"] == "Ressourcerie des Alpilles"
    again = client.get(f"/members/{body['code']}", headers=as_admin)
    assert {**again.json(), "created": True} == body


def test_a_request_without_a_token_is_refused_in_french_and_creates_nothing(
    client: TestClient, as_admin: Headers
) -> None:
    before = _codes(client, as_admin)
    response = client.post("/members", json=RESSOURCERIE)
    assert response.status_code == 401
    assert "authentification requise" in _error(response)["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert _codes(client, as_admin) == before


def test_an_unknown_token_is_refused(client: TestClient) -> None:
    response = client.get("/members", headers={"Authorization": "Bearer n-importe-quoi"})
    assert response.status_code == 401
    assert "jeton" in _error(response)["message"]


def test_a_wrong_password_gets_no_token(client: TestClient, as_admin: Headers) -> None:
    response = client.post("/auth/token", data={"username": "test-admin", "password": "faux"})
    assert response.status_code == 401
    assert _error(response)["message"] == "identifiant ou mot de passe incorrect"


@pytest.mark.parametrize("role", [Role.BOARD, Role.SCRUTINEER, Role.MEMBER])
def test_a_role_without_write_permission_cannot_create_a_member(
    client: TestClient, sign_in: Callable[[Role], Headers], as_admin: Headers, role: Role
) -> None:
    before = _codes(client, as_admin)
    response = client.post("/members", json=BENEVOLE, headers=sign_in(role))
    assert response.status_code == 403
    assert "ne permet pas" in _error(response)["message"]
    assert _codes(client, as_admin) == before


def test_the_treasurer_may_create_members(
    client: TestClient, sign_in: Callable[[Role], Headers]
) -> None:
    response = client.post("/members", json=BENEVOLE, headers=sign_in(Role.TREASURER))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "martien"}, "kind", "valeur non permise"),
        ({"joined_on": None}, "joined_on", "date"),
        ({"joined_on": "2026-02-31"}, "joined_on", "date au format AAAA-MM-JJ"),
        ({"siren": None}, "siren", "SIREN est obligatoire"),
        ({"siren": "732829321"}, "siren", "clé de contrôle incorrecte"),
        ({"category": "martiens"}, "category", "catégorie inconnue"),
        ({"email": "pas-une-adresse"}, "email", "adresse électronique invalide"),
        ({"couleur": "bleu"}, "couleur", "champ inconnu"),
        ({"left_on": "2027-01-01"}, "left_on", "champ inconnu"),
        ({"joined_on": "0001-01-01"}, "joined_on", "date hors de la plage"),
    ],
)
def test_a_malformed_member_is_refused_with_its_field_and_nothing_is_written(
    client: TestClient, as_admin: Headers, change: dict[str, Any], field: str, message: str
) -> None:
    before = _codes(client, as_admin)
    response = client.post("/members", json={**RESSOURCERIE, **change}, headers=as_admin)
    assert response.status_code == 422, response.text
    error = _error(response)
    assert error["field"] == field
    assert message in error["message"]
    assert _codes(client, as_admin) == before


def test_a_missing_field_is_named_in_french(client: TestClient, as_admin: Headers) -> None:
    body = {k: v for k, v in RESSOURCERIE.items() if k != "joined_on"}
    response = client.post("/members", json=body, headers=as_admin)
    assert response.status_code == 422
    assert _error(response) | {"problems": []} == {
        "code": "donnee_invalide",
        "message": "champ obligatoire",
        "field": "joined_on",
        "problems": [],
    }


def test_a_body_that_is_not_json_is_a_clear_422(client: TestClient, as_admin: Headers) -> None:
    response = client.post(
        "/members",
        content=b"{kind: legal",
        headers={**as_admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "JSON" in _error(response)["message"]


def test_a_duplicate_siren_is_a_conflict_and_the_registry_is_unchanged(
    client: TestClient, as_admin: Headers
) -> None:
    assert client.post("/members", json=RESSOURCERIE, headers=as_admin).status_code == 201
    before = _codes(client, as_admin)
    again = client.post(
        "/members",
        json={**RESSOURCERIE, "name": "Autre nom", "siren": "732829320"},
        headers=as_admin,
    )
    assert again.status_code == 409
    assert _error(again)["field"] == "siren"
    assert "déjà celui de Ressourcerie des Alpilles" in _error(again)["message"]
    assert _codes(client, as_admin) == before


def test_the_same_request_retried_with_its_idempotency_key_creates_one_member(
    client: TestClient, as_admin: Headers
) -> None:
    headers = {**as_admin, "Idempotency-Key": "creation-benevole-1"}
    first = client.post("/members", json=BENEVOLE, headers=headers)
    second = client.post("/members", json=BENEVOLE, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["code"] == second.json()["code"]
    assert _codes(client, as_admin).count(first.json()["code"]) == 1
    assert len(_codes(client, as_admin)) == 2  # the fixture's employee and this volunteer
    reused = client.post("/members", json={**BENEVOLE, "first_name": "Paul"}, headers=headers)
    assert reused.status_code == 409
    assert _error(reused)["field"] == "Idempotency-Key"


def test_a_member_reads_only_their_own_record(
    client: TestClient, as_admin: Headers, sign_in: Callable[[Role], Headers], own_member_code: str
) -> None:
    other = client.post("/members", json=RESSOURCERIE, headers=as_admin).json()["code"]
    member = sign_in(Role.MEMBER)
    assert client.get(f"/members/{own_member_code}", headers=member).status_code == 200
    refused = client.get(f"/members/{other}", headers=member)
    assert refused.status_code == 403
    assert "sa propre fiche" in _error(refused)["message"]
    listing = client.get("/members", headers=member).json()
    assert [m["code"] for m in listing["items"]] == [own_member_code]


def test_the_list_filters_by_category_and_paginates(client: TestClient, as_admin: Headers) -> None:
    for i in range(5):
        body = {**BENEVOLE, "first_name": f"Bénévole {i}", "code": f"BEN{i}"}
        assert client.post("/members", json=body, headers=as_admin).status_code == 201
    page = client.get(
        "/members",
        params={"category": "volunteer", "offset": 2, "limit": 2},
        headers=as_admin,
    ).json()
    assert page["total"] == 5
    assert [m["code"] for m in page["items"]] == ["BEN2", "BEN3"]
    too_big = client.get("/members", params={"limit": 10_000}, headers=as_admin)
    assert too_big.status_code == 422
    assert _error(too_big)["field"] == "limit"


def test_ending_a_membership_keeps_the_record_but_not_among_active_members(
    client: TestClient, as_admin: Headers
) -> None:
    code = client.post("/members", json=BENEVOLE, headers=as_admin).json()["code"]
    ended = client.post(
        f"/members/{code}/end",
        json={"on": "2026-06-30", "reason": "déménagement"},
        headers=as_admin,
    )
    assert ended.status_code == 200
    assert ended.json()["left_on"] == "2026-06-30"
    active = _codes_on(client, as_admin, "2026-07-01")
    assert code not in active
    assert code in _codes_on(client, as_admin, "2026-06-30")
    twice = client.post(
        f"/members/{code}/end", json={"on": "2026-07-30", "reason": "doublon"}, headers=as_admin
    )
    assert twice.status_code == 409


def _codes_on(client: TestClient, headers: Headers, day: str) -> list[str]:
    page = client.get("/members", params={"active_on": day}, headers=headers).json()
    return [m["code"] for m in page["items"]]


def test_a_stale_version_cannot_overwrite_a_newer_edit(
    client: TestClient, as_admin: Headers
) -> None:
    created = client.post("/members", json=BENEVOLE, headers=as_admin).json()
    code, version = created["code"], created["version"]
    first = client.patch(
        f"/members/{code}", json={"city": "Arles", "version": version}, headers=as_admin
    )
    assert first.status_code == 200
    assert first.json()["version"] == version + 1
    stale = client.patch(
        f"/members/{code}", json={"city": "Tarascon", "version": version}, headers=as_admin
    )
    assert stale.status_code == 409
    assert client.get(f"/members/{code}", headers=as_admin).json()["city"] == "Arles"


def test_facts_are_recorded_exactly_from_french_figures(
    client: TestClient, as_admin: Headers
) -> None:
    code = client.post("/members", json=RESSOURCERIE, headers=as_admin).json()["code"]
    response = client.put(
        f"/members/{code}/facts/2026",
        json={"revenue": "1 250 000,50", "profit": "-3 200,00", "headcount": "12,5"},
        headers=as_admin,
    )
    assert response.status_code == 200, response.text
    facts = {f["kind"]: f for f in response.json()["facts"]}
    assert facts["revenue"]["value"] == "1250000.50"
    assert facts["profit"]["value"] == "-3200.00"
    assert facts["headcount"]["label"] == "effectif 2026 : 12,5 ETP"
    assert facts["revenue"]["label"] == "chiffre d'affaires 2026 : 1\u202f250\u202f000,50\u00a0€"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"revenue": "12,345"}, "revenue", "plus de 2 décimales"),
        ({"revenue": "-5"}, "value", "ne peut pas être négatif"),
        ({"headcount": 12.5}, "headcount", "entre guillemets"),
        ({"population": "1 200,5"}, "population", "doit être un nombre entier"),
        ({}, "values", "aucune donnée"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_recorded(
    client: TestClient, as_admin: Headers, body: dict[str, Any], field: str, message: str
) -> None:
    code = client.post("/members", json=RESSOURCERIE, headers=as_admin).json()["code"]
    response = client.put(f"/members/{code}/facts/2026", json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert _error(response)["field"] == field
    assert message in _error(response)["message"]
    assert client.get(f"/members/{code}", headers=as_admin).json()["facts"] == []


def test_an_unknown_member_or_route_is_a_french_404(client: TestClient, as_admin: Headers) -> None:
    missing = client.get("/members/ZZZ", headers=as_admin)
    assert missing.status_code == 404
    assert _error(missing)["message"] == "aucun membre n'a le code ZZZ"
    assert _error(client.get("/nulle-part"))["message"] == "ressource introuvable"


def test_every_write_is_in_the_audit_log_which_the_treasurer_cannot_read(
    client: TestClient, as_admin: Headers, sign_in: Callable[[Role], Headers]
) -> None:
    code = client.post("/members", json=BENEVOLE, headers=as_admin).json()["code"]
    entries = client.get("/audit", headers=as_admin).json()
    assert entries[0]["action"] == "membre.créé"
    assert entries[0]["entity_key"] == code
    assert entries[0]["actor"] == "test-admin"
    assert client.get("/audit", headers=sign_in(Role.TREASURER)).status_code == 403


def test_only_an_admin_adds_accounts_and_roles_are_checked(
    client: TestClient, as_admin: Headers, sign_in: Callable[[Role], Headers]
) -> None:
    body = {"username": "nouvelle", "password": "assez-long", "role": "trésorière"}
    wrong_role = client.post("/users", json=body, headers=as_admin)
    assert wrong_role.status_code == 422
    assert _error(wrong_role)["field"] == "role"
    ok = client.post("/users", json={**body, "role": "treasurer"}, headers=as_admin)
    assert ok.status_code == 201
    refused = client.post(
        "/users", json={**body, "username": "autre", "role": "admin"}, headers=sign_in(Role.BOARD)
    )
    assert refused.status_code == 403


def test_the_openapi_page_is_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/members" in schema["paths"]


@pytest.mark.parametrize("field", ["kind", "category", "joined_on", "first_name", "last_name"])
def test_a_required_field_cannot_be_emptied_with_null(
    client: TestClient, as_admin: Headers, field: str
) -> None:
    code = client.post("/members", json=BENEVOLE, headers=as_admin).json()["code"]
    response = client.patch(f"/members/{code}", json={field: None}, headers=as_admin)
    assert response.status_code == 422, response.text
    assert _error(response) | {"problems": []} == {
        "code": "donnee_invalide",
        "message": "ce champ ne peut pas être vidé (null)",
        "field": field,
        "problems": [],
    }


def test_a_patch_that_changes_nothing_keeps_the_version_and_the_log(
    client: TestClient, as_admin: Headers
) -> None:
    created = client.post("/members", json=BENEVOLE, headers=as_admin).json()
    before = client.get("/audit", headers=as_admin).json()
    same = client.patch(
        f"/members/{created['code']}", json={"first_name": "Jeanne"}, headers=as_admin
    )
    assert same.json()["version"] == created["version"]
    assert client.get("/audit", headers=as_admin).json() == before


def test_the_search_ignores_case_beyond_ascii(client: TestClient, as_admin: Headers) -> None:
    body = {**BENEVOLE, "first_name": "Élodie", "last_name": "Ézanne"}
    code = client.post("/members", json=body, headers=as_admin).json()["code"]
    page = client.get("/members", params={"search": "élodie"}, headers=as_admin).json()
    assert [m["code"] for m in page["items"]] == [code]


def test_an_enum_error_reads_in_french(client: TestClient, as_admin: Headers) -> None:
    response = client.post("/members", json={**BENEVOLE, "kind": "martien"}, headers=as_admin)
    assert _error(response)["message"] == "valeur non permise (attendu : 'natural' ou 'legal')"


def test_a_negative_headcount_is_refused_with_the_right_article(
    client: TestClient, as_admin: Headers
) -> None:
    code = client.post("/members", json=RESSOURCERIE, headers=as_admin).json()["code"]
    response = client.put(f"/members/{code}/facts/2026", json={"headcount": "-2"}, headers=as_admin)
    assert _error(response)["message"] == "l'effectif ne peut pas être négatif"
