"""``/organisation`` through HTTP: read by everyone signed in (the bank details by the roles
that read the ledger), declared and changed field by field by the administrator, every refusal
a French 4xx naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gouvernance.domain.users import Role
from gouvernance.services.organisation import setup

Headers = dict[str, str]
SignIn = Callable[[Role], Headers]

IBAN = "FR76 3000 6000 0112 3456 7890 189"  # Crédit Agricole
ASSOCIATION = {
    "name": "Réseau des Cigales",
    "legal_form": "association",
    "rna": "W133001234",
    "address": "4 chemin des Aires",
    "postal_code": "13990",
    "city": "Arles",
    "iban": IBAN,
    "sepa_creditor_id": "FR72ZZZ123456",
    "president_name": "Mireille Aubanel",
    "president_title": "Présidente",
    "treasurer_name": "Joseph Castagne",
    "treasurer_title": "Trésorier bénévole",
}


def declare(client: TestClient, as_admin: Headers, **changes: Any) -> dict[str, Any]:
    response = client.put("/organisation", json=ASSOCIATION | changes, headers=as_admin)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refusal(response: Any, status: int = 422) -> tuple[str, str | None]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    return error["message"], error["field"]


def test_before_it_is_declared_the_organisation_is_a_404_naming_the_command(
    client: TestClient, as_admin: Headers
) -> None:
    message, field = refusal(client.get("/organisation", headers=as_admin), 404)

    assert message == setup.NO_ORGANISATION
    assert field == "organisation"


def test_reading_the_organisation_needs_to_be_signed_in(client: TestClient) -> None:
    message, _ = refusal(client.get("/organisation"), 401)

    assert message.startswith("authentification requise")


def test_the_administrator_declares_it_and_reads_it_back_whole(
    client: TestClient, as_admin: Headers
) -> None:
    saved = declare(client, as_admin)

    read = client.get("/organisation", headers=as_admin).json()
    assert read == saved
    assert (read["legal_form"], read["legal_form_label"]) == ("association", "association loi 1901")
    assert (read["fiscal_year_start"], read["time_zone"]) == ("1er janvier", "Europe/Paris")
    assert (read["iban"], read["bic"]) == ("FR7630006000011234567890189", "AGRIFRPPXXX")
    assert read["bank_visible"] is True


def test_a_member_reads_who_the_organisation_is_but_not_its_bank_details(
    client: TestClient, as_admin: Headers, sign_in: SignIn
) -> None:
    declare(client, as_admin)

    read = client.get("/organisation", headers=sign_in(Role.MEMBER)).json()
    treasurer = client.get("/organisation", headers=sign_in(Role.TREASURER)).json()

    assert (read["name"], read["president_name"], read["treasurer_title"]) == (
        "Réseau des Cigales", "Mireille Aubanel", "Trésorier bénévole",
    )  # fmt: skip
    assert (read["iban"], read["bic"], read["sepa_creditor_id"], read["bank_visible"]) == (
        None, None, None, False,
    )  # fmt: skip
    assert (treasurer["iban"], treasurer["bank_visible"]) == ("FR7630006000011234567890189", True)


def test_a_partial_body_changes_only_the_fields_it_holds(
    client: TestClient, as_admin: Headers
) -> None:
    declare(client, as_admin)

    changed = client.put(
        "/organisation",
        json={"city": "Tarascon", "fiscal_year_start_day": 1, "fiscal_year_start_month": 7},
        headers=as_admin,
    ).json()

    assert (changed["city"], changed["fiscal_year_start"]) == ("Tarascon", "1er juillet")
    assert (changed["name"], changed["rna"], changed["address"]) == (
        "Réseau des Cigales", "W133001234", "4 chemin des Aires",
    )  # fmt: skip


def test_null_erases_an_optional_field_but_not_the_name(
    client: TestClient, as_admin: Headers
) -> None:
    declare(client, as_admin)

    erased = client.put("/organisation", json={"address": None}, headers=as_admin)
    message, field = refusal(client.put("/organisation", json={"name": None}, headers=as_admin))

    assert erased.status_code == 200 and erased.json()["address"] is None
    assert (message, field) == (
        "le nom de l'organisation est obligatoire : il ne peut pas être vidé", "name",
    )  # fmt: skip


def test_only_the_administrator_may_change_it(
    client: TestClient, as_admin: Headers, sign_in: SignIn
) -> None:
    declare(client, as_admin)

    for role in (Role.TREASURER, Role.BOARD, Role.SCRUTINEER, Role.MEMBER):
        response = client.put("/organisation", json={"name": "X"}, headers=sign_in(role))
        message, _ = refusal(response, 403)
        assert message.startswith(f"le rôle {role.label} ne permet pas de gérer les comptes")
    assert client.get("/organisation", headers=as_admin).json()["name"] == "Réseau des Cigales"


def test_an_unknown_bic_is_refused_naming_the_field_bic(
    client: TestClient, as_admin: Headers
) -> None:
    declare(client, as_admin)

    message, field = refusal(
        client.put("/organisation", json={"bic": "ZZZZFRPP"}, headers=as_admin)
    )

    assert field == "bic"
    assert message.startswith("« ZZZZFRPP » : BIC inconnu")


def test_a_malformed_bic_iban_or_creditor_id_is_refused_in_french_naming_its_field(
    client: TestClient, as_admin: Headers
) -> None:
    declare(client, as_admin)
    cases = {
        "bic": ("AGRI", "« AGRI » n'est pas un BIC valide : longueur incorrecte"),
        "iban": ("FR7630006000011234567890188", "n'est pas un IBAN valide"),
        "sepa_creditor_id": ("FR00ZZZ123456", "clé de contrôle incorrecte"),
    }
    for name, (value, expected) in cases.items():
        message, field = refusal(client.put("/organisation", json={name: value}, headers=as_admin))
        assert (field, expected in message) == (name, True), message


def test_without_a_bic_it_is_derived_from_the_iban(client: TestClient, as_admin: Headers) -> None:
    declare(client, as_admin)

    moved = client.put(
        "/organisation", json={"iban": "FR7142559100000500013M02623"}, headers=as_admin
    ).json()

    assert moved["bic"] == "CCOPFRPPXXX"  # Crédit Coopératif, not the old bank's BIC


def test_an_association_needs_a_siren_or_an_rna_and_a_scic_a_siren(
    client: TestClient, as_admin: Headers
) -> None:
    bare = {"name": "Sans numéro", "legal_form": "association"}
    message, field = refusal(client.put("/organisation", json=bare, headers=as_admin))
    assert (field, message) == (
        "rna",
        "une association est identifiée par son SIREN ou son numéro RNA : indiquez l'un ou l'autre",
    )

    scic = {"name": "SCIC", "legal_form": "scic_sas", "rna": "W133001234"}
    response = client.put("/organisation", json=scic, headers=as_admin)
    problems = [(p["field"], p["message"]) for p in response.json()["error"]["problems"]]
    assert problems == [
        ("siren", "une SCIC SAS est identifiée par son SIREN : indiquez-le"),
        ("rna", "le numéro RNA est celui d'une association : une SCIC n'en a pas (videz-le)"),
    ]

    with_siren = {"name": "SCIC", "legal_form": "SCIC SAS", "siren": "732 829 320"}
    saved = client.put("/organisation", json=with_siren, headers=as_admin)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["legal_form"], saved.json()["siren"]) == ("scic_sas", "732829320")


def test_a_wrong_rna_siren_or_legal_form_is_refused_naming_the_field(
    client: TestClient, as_admin: Headers
) -> None:
    cases = [
        ({"rna": "W12345"}, "rna", "« W12345 » n'est pas un numéro RNA"),
        ({"siren": "732829321"}, "siren", "clé de contrôle incorrecte"),
        ({"legal_form": "SCIC"}, "legal_form", "forme juridique inconnue « SCIC »"),
    ]
    for change, name, expected in cases:
        body = ASSOCIATION | change
        message, field = refusal(client.put("/organisation", json=body, headers=as_admin))
        assert (field, expected in message) == (name, True), message


def test_a_time_zone_that_is_not_an_iana_name_is_refused(
    client: TestClient, as_admin: Headers
) -> None:
    body = ASSOCIATION | {"time_zone": "Paris"}

    message, field = refusal(client.put("/organisation", json=body, headers=as_admin))

    assert field == "time_zone"
    assert message.startswith("fuseau horaire inconnu « Paris » : un nom IANA est attendu")


def test_a_fiscal_year_start_that_is_not_a_day_of_the_year_is_refused(
    client: TestClient, as_admin: Headers
) -> None:
    body = ASSOCIATION | {"fiscal_year_start_day": 29, "fiscal_year_start_month": 2}

    message, field = refusal(client.put("/organisation", json=body, headers=as_admin))

    assert field == "fiscal_year_start_day"
    assert message.startswith("jour de début d'exercice 29 : en février, un jour de 1 à 28")


def test_an_unknown_field_or_a_wrong_type_is_refused_in_french(
    client: TestClient, as_admin: Headers
) -> None:
    unknown = refusal(client.put("/organisation", json={"siret": "1"}, headers=as_admin))
    typed = refusal(
        client.put("/organisation", json={"fiscal_year_start_day": "1"}, headers=as_admin)
    )
    too_long = refusal(client.put("/organisation", json={"city": "x" * 101}, headers=as_admin))

    assert unknown == ("champ inconnu", "siret")
    assert typed == ("un nombre entier est attendu", "fiscal_year_start_day")
    assert too_long == ("texte trop long (au plus 100 caractères)", "city")


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=40),
    st.sampled_from(["association", "scic_sa", "W133001234", "732829320", "AGRIFRPP", IBAN]),
)
FIELDS = [*ASSOCIATION, "siren", "bic", "time_zone", "email", "fiscal_year_start_day",
          "fiscal_year_start_month", "x"]  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_any_organisation_body_gets_an_answer_below_500_with_a_french_message(
    client: TestClient, as_admin: Headers, body: dict[str, Any]
) -> None:
    response = client.put("/organisation", json=body, headers=as_admin)

    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["message"]
