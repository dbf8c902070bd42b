"""Whatever a client sends, the API answers with a French 4xx, never a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

Headers = dict[str, str]

FIELDS = [
    "kind", "category", "joined_on", "name", "first_name", "last_name", "siren", "code",
    "email", "phone", "address", "postal_code", "city", "left_on", "extra",
]  # fmt: skip
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["legal", "natural", "producer", "2026-02-31", "2026-01-01", "732829320"]),
    st.lists(st.integers(), max_size=2),
)
bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
quick = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(body=bodies)
def test_any_member_body_gets_an_answer_below_500_with_a_french_message(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.post("/members", json=body, headers=as_admin)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["message"]


@quick
@given(body=st.dictionaries(st.sampled_from(["revenue", "profit", "headcount", "x"]), values))
def test_any_facts_body_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.put("/members/SAL01/facts/2026", json=body, headers=as_admin)
    assert response.status_code < 500, response.text


@quick
@given(
    params=st.dictionaries(
        st.sampled_from(["category", "kind", "active_on", "search", "offset", "limit", "x"]),
        st.text(max_size=12),
    )
)
def test_any_list_query_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, params: dict[str, str]
) -> None:
    response = client.get("/members", params=params, headers=as_admin)
    assert response.status_code < 500, response.text


def test_control_characters_are_refused_before_they_reach_the_database(
    client: TestClient, as_admin: Headers
) -> None:
    body = {"kind": "legal", "category": "producer", "joined_on": "2026-01-01"}
    response = client.post(
        "/members", json={**body, "name": "Nul\x00part", "siren": "732829320"}, headers=as_admin
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "name"
    listing = client.get("/members", params={"search": "a\x00b"}, headers=as_admin)
    assert listing.status_code == 422
    assert listing.json()["error"]["field"] == "search"


patch_fields = st.sampled_from(
    ["kind", "category", "joined_on", "name", "first_name", "last_name", "siren", "email",
     "postal_code", "city", "version", "code", "left_on"]
)  # fmt: skip


@quick
@given(body=st.dictionaries(patch_fields, values, max_size=5))
def test_any_patch_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.patch("/members/SAL01", json=body, headers=as_admin)
    assert response.status_code < 500, response.text


@quick
@given(
    body=st.dictionaries(
        st.sampled_from(["username", "password", "role", "member_code", "x"]), values, max_size=5
    )
)
def test_any_new_account_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.post("/users", json=body, headers=as_admin)
    assert response.status_code < 500, response.text


@quick
@given(
    body=st.dictionaries(st.sampled_from(["code", "label", "scic_kind", "x"]), values, max_size=4),
    path=st.text(max_size=25),
)
def test_any_category_or_member_path_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any], path: str
) -> None:
    assert client.post("/categories", json=body, headers=as_admin).status_code < 500
    assert client.get(f"/members/{quote(path, safe='')}", headers=as_admin).status_code < 500
    sign_in = client.post("/auth/token", data={"username": path, "password": path})
    assert sign_in.status_code in (401, 422)


@pytest.mark.parametrize("offset", ["99999999999999999999", "-1", "1000000001"])
def test_an_offset_out_of_range_is_a_422(
    client: TestClient, as_admin: Headers, offset: str
) -> None:
    response = client.get("/members", params={"offset": offset}, headers=as_admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "offset"


schedule_ids = st.one_of(
    st.sampled_from(["demo-forfait", "demo-bareme-ca", "demo-quote-part", "exemple-federation"]),
    st.text(max_size=20),
)


@quick
@given(
    body=st.dictionaries(
        st.sampled_from(["schedules", "reference", "x"]),
        st.one_of(values, st.lists(schedule_ids, max_size=4), schedule_ids),
        max_size=3,
    )
)
def test_any_simulation_request_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.post("/fees/simulations", json=body, headers=as_admin)
    assert response.status_code < 500, response.text


@quick
@given(
    code=st.text(max_size=25),
    ids=st.lists(schedule_ids, max_size=3),
    fmt=st.sampled_from(["csv", "xlsx", "pdf", ""]),
)
def test_any_explanation_or_export_query_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, code: str, ids: list[str], fmt: str
) -> None:
    explained = client.get(
        f"/fees/explanations/{quote(code, safe='')}", params={"schedules": ids}, headers=as_admin
    )
    assert explained.status_code < 500, explained.text
    exported = client.get(
        "/fees/simulations/export", params={"schedules": ids, "format": fmt}, headers=as_admin
    )
    assert exported.status_code < 500, exported.text
