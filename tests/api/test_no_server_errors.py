"""Whatever a client sends, the API answers with a French 4xx, never a 500."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gouvernance.bootstrap import Application
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls

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
    assert sign_in.status_code in (401, 422, 429)  # 429: 30 failures from one address


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


# --- The treasurer's ledger ---------------------------------------------------------------------

ledger_values = st.one_of(
    values,
    st.sampled_from(
        ["SAL01", "sal01", "demo-bareme-ca", "demo-forfait", "virement", "chèque", "espèces",
         "12,50", "1 200,00 €", "0.1", "-3", "2026-11-15", "2027-02-28", "AC-2027-0001",
         "LOT-2027-01", "FR7630006000011234567890189", "AGRIFRPP", "FR72ZZZ123456", "html"]
    ),
)  # fmt: skip
allocations = st.lists(
    st.dictionaries(st.sampled_from(["call", "amount", "x"]), ledger_values, max_size=3),
    max_size=3,
)


@pytest.fixture
def ledger(app: Application, as_admin: Headers) -> Headers:
    """SAL01 (the signed-in fixture's employee) called 20 € by the adopted demo schedule."""
    issued = calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 11, 15), due_on=date(2027, 1, 31)
    )
    assert issued.batch.call_count == 1
    return as_admin


payment_fields = st.sampled_from(
    ["member", "amount", "received_on", "method", "bank_reference", "note", "x"]
)


@quick
@given(
    body=st.dictionaries(
        st.sampled_from(["schedule", "issued_on", "due_on", "exclude_incomplete", "x"]),
        ledger_values,
        max_size=5,
    ),
    key=st.one_of(st.none(), st.sampled_from(["k1", "k2", " ", "x" * 101])),
)
def test_any_issue_request_gets_an_answer_below_500(
    client: TestClient, as_admin: Headers, body: dict[str, Any], key: str | None
) -> None:
    headers = as_admin if key is None else {**as_admin, "Idempotency-Key": key}
    response = client.post("/calls/batches", json=body, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["message"]


@quick
@given(
    body=st.dictionaries(payment_fields, ledger_values, max_size=7),
    parts=st.one_of(st.none(), allocations),
)
def test_any_payment_body_gets_an_answer_below_500(
    client: TestClient, ledger: Headers, body: dict[str, Any], parts: list[Any] | None
) -> None:
    payment = body if parts is None else {**body, "allocations": parts}
    response = client.post("/payments", json=payment, headers=ledger)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["message"]


@quick
@given(
    path=st.one_of(st.text(max_size=30), st.sampled_from(["AC-2027-0001", "LOT-2027-01"])),
    body=st.dictionaries(st.sampled_from(["amount", "reason", "on", "x"]), ledger_values),
    fmt=st.one_of(st.text(max_size=12), st.sampled_from(["html", "pdf"])),
    level=st.one_of(st.integers(min_value=-5, max_value=200), st.text(max_size=5)),
)
def test_any_call_path_credit_note_or_letter_gets_an_answer_below_500(
    client: TestClient, ledger: Headers, path: str, body: dict[str, Any], fmt: str, level: Any
) -> None:
    ref = quote(path, safe="")
    credit = client.post(f"/calls/{ref}/credit-notes", json=body, headers=ledger)
    assert credit.status_code < 500, credit.text
    for url in (
        f"/calls/{ref}",
        f"/calls/batches/{ref}",
        f"/calls/batches/{ref}/letters",
        f"/calls/{ref}/letter",
        f"/calls/{ref}/reminders/{quote(str(level), safe='')}/letter",
    ):
        response = client.get(url, params={"format": fmt}, headers=ledger)
        assert response.status_code < 500, (url, response.text)


ledger_params = st.dictionaries(
    st.sampled_from(
        ["member", "fiscal_year", "batch", "status", "on", "offset", "limit", "format",
         "start", "end", "collection_date", "x"]
    ),
    st.one_of(st.text(max_size=12), st.sampled_from(["2027", "2027-03-01", "csv", "xlsx", "due"])),
)  # fmt: skip


@quick
@given(params=ledger_params)
def test_any_ledger_query_or_export_gets_an_answer_below_500(
    client: TestClient, ledger: Headers, params: dict[str, str]
) -> None:
    for url in (
        "/calls",
        "/calls/batches",
        "/payments",
        "/balances",
        "/members/SAL01/balance",
        "/reminders/due",
        "/exports/calls",
        "/exports/payments",
        "/exports/fec",
    ):
        response = client.get(url, params=params, headers=ledger)
        assert response.status_code < 500, (url, response.text)
    response = client.post("/exports/sepa", params=params, headers=ledger)
    assert response.status_code < 500, response.text


@quick
@given(
    code=st.one_of(st.text(max_size=25), st.just("SAL01")),
    body=st.dictionaries(
        st.sampled_from(
            ["mandate_id", "signed_on", "iban", "bic", "debtor_name", "sepa_creditor_id", "on", "x"]
        ),
        ledger_values,
        max_size=6,
    ),
)
def test_any_mandate_bank_credit_or_reminder_request_gets_an_answer_below_500(
    client: TestClient, ledger: Headers, code: str, body: dict[str, Any]
) -> None:
    member = quote(code, safe="")
    for method, url in (
        ("PUT", f"/members/{member}/mandate"),
        ("GET", f"/members/{member}/mandate"),
        ("DELETE", f"/members/{member}/mandate"),
        ("POST", f"/members/{member}/credit/apply"),
        ("PUT", "/organisation/bank"),
        ("POST", "/reminders/send"),
    ):
        response = client.request(method, url, json=body, headers=ledger)
        assert response.status_code < 500, (method, url, response.text)
