"""The statutes and law endpoints, through HTTP: any signed-in person reads them; a bad rule
file is a 422 naming the file and the key; unknown statutes a 404."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gouvernance.domain.users import Role
from gouvernance.services.scic import scic_rules

Headers = dict[str, str]
DEMO = Path(__file__).resolve().parents[2] / "rules" / "statuts" / "demo" / "scic-alpilles.yaml"


@pytest.fixture
def as_member(sign_in: Callable[[Role], Headers]) -> Headers:
    return sign_in(Role.MEMBER)


def test_a_member_lists_the_statutes(client: TestClient, as_member: Headers) -> None:
    response = client.get("/statutes", headers=as_member)
    assert response.status_code == 200, response.text
    association, demo = response.json()
    assert association["id"] == "demo-statuts-association"
    assert association["legal_form"] == "association"
    assert demo["id"] == "demo-statuts-scic"
    assert (demo["legal_form"], demo["legal_form_label"]) == ("scic_sas", "SCIC SAS")
    assert demo["valid_from"] == "2027-01-01"
    assert demo["source"] == "rules/statuts/demo/scic-alpilles.yaml"


def test_reading_needs_a_signed_in_person(client: TestClient) -> None:
    assert client.get("/statutes").status_code == 401


def test_the_statutes_are_shown_with_rules_resolved_on_a_day(
    client: TestClient, as_member: Headers
) -> None:
    response = client.get(
        "/statutes/demo-statuts-scic", params={"on": "2027-01-01"}, headers=as_member
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(c["code"], c["weight"], c["weight_text"]) for c in body["colleges"]] == [
        ("salaries", "3/10", "30\u00a0%"),
        ("usagers", "1/5", "20\u00a0%"),
        ("producteurs", "3/10", "30\u00a0%"),
        ("partenaires", "1/5", "20\u00a0%"),
    ]
    assert body["overrides"] == {"VOL02": "usagers"}
    ordinary = next(d for d in body["decisions"] if d["kind"] == "ordinary")
    assert ordinary["origin"] == "préréglage SCIC SAS au 01/01/2027"
    assert ordinary["lines"][0] == (
        "1re convocation : quorum 20\u00a0% des associés ; majorité : plus de la moitié "
        "des voix exprimées"
    )
    exclusion = next(d for d in body["decisions"] if d["kind"] == "exclusion")
    assert exclusion["origin"] == "statuts"
    assert body["capital"][0] == "valeur nominale d'une part : 50,00\u00a0€"


def test_the_demo_statutes_are_lawful(client: TestClient, as_admin: Headers) -> None:
    response = client.get(
        "/statutes/demo-statuts-scic/compliance", params={"on": "2027-01-01"}, headers=as_admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["lawful"], body["findings"], body["on"]) == (True, [], "2027-01-01")
    reserve = next(v for v in body["law_values"] if v["key"] == "legal_reserve_rate")
    assert (reserve["value"], reserve["text"]) == ("3/20", "15\u00a0%")


@pytest.mark.parametrize(
    ("employees", "expected"),
    [({}, [("missing_employees_category", "warning")]),
     ({"employees": "true"}, [("missing_employees_category", "error")]),
     ({"employees": "false"}, [])],
)  # fmt: skip
def test_whether_the_organisation_has_employees_decides_if_producers_may_stand_for_them(
    client: TestClient, as_admin: Headers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    employees: dict[str, str], expected: list[tuple[str, str]],
) -> None:  # fmt: skip
    """Statutes with producers and no employee category: lawful only for a SCIC that has no
    employees (loi n° 47-1775, art. 19 septies, since 02/08/2014)."""
    text = DEMO.read_text(encoding="utf-8").replace("kind: employee", "kind: partner")
    (tmp_path / "statuts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    response = client.get(
        "/statutes/demo-statuts-scic/compliance",
        params={"on": "2027-01-01", **employees},
        headers=as_admin,
    )
    assert response.status_code == 200, response.text
    found = [
        (f["code"], f["severity"])
        for f in response.json()["findings"]
        if f["code"] == "missing_employees_category"
    ]
    assert found == expected


def test_unlawful_statutes_give_200_with_the_findings(
    client: TestClient, as_admin: Headers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEMO.read_text(encoding="utf-8").replace(
        'weight: "20 %", categories: [beneficiaires]', 'weight: "8 %", categories: [beneficiaires]'
    )
    (tmp_path / "statuts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    response = client.get(
        "/statutes/demo-statuts-scic/compliance", params={"on": "2027-01-01"}, headers=as_admin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["lawful"] is False
    assert [(f["code"], f["severity"], f["path"]) for f in body["findings"]] == [
        ("college_weights_not_100", "error", "colleges"),
        ("college_weight_below_min", "error", "colleges[1].weight"),
    ]
    assert body["findings"][1]["message"] == (
        "le collège des usagers pèse 8\u00a0%, moins que le minimum de 10\u00a0%"
    )
    assert body["findings"][1]["article"] == "loi n° 47-1775, art. 19 octies"


def test_unknown_statutes_are_a_404(client: TestClient, as_admin: Headers) -> None:
    response = client.get("/statutes/inconnus/compliance", headers=as_admin)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "statuts inconnus « inconnus » (connus : demo-statuts-association, demo-statuts-scic)"
    )


def test_a_bad_statutes_file_is_a_422_naming_the_file_and_the_key(
    client: TestClient, as_admin: Headers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEMO.read_text(encoding="utf-8").replace('weight: "30 %"', 'weight: "30"', 1)
    (tmp_path / "projet.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    response = client.get("/statutes/demo-statuts-scic", headers=as_admin)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "colleges[0].weight"
    where = (tmp_path / "projet.yaml").as_posix()  # where the environment put it
    assert error["message"].startswith(f"{where} : colleges[0].weight : ")


def test_the_law_parameters_on_a_day(client: TestClient, as_member: Headers) -> None:
    response = client.get("/law/parameters", params={"on": "2014-08-01"}, headers=as_member)
    assert response.status_code == 200, response.text
    public = next(v for v in response.json() if v["key"] == "public_bodies_capital_max")
    assert (public["value"], public["text"], public["since"]) == ("1/5", "20\u00a0%", "2001-07-19")


def test_the_tmo_table(client: TestClient, as_member: Headers) -> None:
    response = client.get("/law/tmo", headers=as_member)
    assert response.status_code == 200, response.text
    first = response.json()["semesters"][0]
    assert first == {
        "year": 2012, "half": 1, "label": "1er semestre 2012", "rate": "63/2000",
        "rate_text": "3,15\u00a0%", "derived": False, "note": "",
    }  # fmt: skip


def test_the_2025_interest_cap(client: TestClient, as_member: Headers) -> None:
    response = client.get("/law/interest-cap/2025", headers=as_member)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["rate"], body["rate_text"]) == ("6/125", "4,80\u00a0%")
    assert len(body["semesters"]) == 6
    assert body["explanation"].startswith(
        "Plafond de l'intérêt aux parts pour une assemblée tenue en 2025 : moyenne du TMO"
    )


def test_an_interest_cap_beyond_the_tmo_table_is_a_422(
    client: TestClient, as_member: Headers
) -> None:
    response = client.get("/law/interest-cap/2030", headers=as_member)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "assembly_year"
