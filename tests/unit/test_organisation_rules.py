"""The organisation's rules, without a database: legal forms, SIREN and RNA, fiscal year start,
time zone, signatories, BIC, and what documents print."""

from __future__ import annotations

import pytest
from schwifty import IBAN

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.organisation import (
    UNSET,
    Organisation,
    OrganisationChanges,
    PrintedOrganisation,
    Signatory,
    check_organisation,
    parse_fiscal_year_start,
    parse_legal_form,
)
from gouvernance.domain.scic.decisions import LegalForm
from gouvernance.domain.siren import luhn_complete, siren_problem
from gouvernance.services.organisation import setup


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("association", LegalForm.ASSOCIATION),
        ("Association loi 1901", LegalForm.ASSOCIATION),
        ("scic_sas", LegalForm.SCIC_SAS),
        ("SCIC SAS", LegalForm.SCIC_SAS),
        ("Scic-SARL", LegalForm.SCIC_SARL),
        ("SCIC SA", LegalForm.SCIC_SA),
    ],
)
def test_a_legal_form_is_read_by_its_id_or_its_label(written: str, form: LegalForm) -> None:
    assert parse_legal_form(written) is form


def test_a_scic_without_its_kind_of_company_is_not_a_legal_form() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_legal_form("SCIC")

    assert refused.value.field == "legal_form"
    assert "scic_sa (SCIC SA), scic_sas (SCIC SAS), scic_sarl (SCIC SARL)" in refused.value.message


def test_the_siren_is_checked_by_stdnum_with_la_poste_s_exception() -> None:
    assert siren_problem(luhn_complete("73282932")) is None
    assert siren_problem("356000000") is None  # La Poste: digit sum a multiple of 5
    assert siren_problem("732829321") == (
        "« 732829321 » n'est pas un SIREN valide (clé de contrôle incorrecte)"
    )
    assert siren_problem("7328") == "« 7328 » n'est pas un SIREN : 9 chiffres attendus"


@pytest.mark.parametrize(
    ("rna", "valid"),
    [("W133001234", True), ("W2A1001234", True), ("W13300123", False), ("X133001234", False)],
)
def test_an_rna_number_is_w_and_nine_digits_corsica_included(rna: str, valid: bool) -> None:
    organisation = Organisation(name="Asso", legal_form="association", rna=rna)
    if valid:
        assert check_organisation(organisation).rna == rna
    else:
        with pytest.raises(InvalidInput) as refused:
            check_organisation(organisation)
        assert refused.value.field == "rna"


def test_the_rna_is_written_without_spaces_in_capitals() -> None:
    organisation = Organisation(name="Asso", legal_form="association", rna=" w 133 001 234 ")

    assert check_organisation(organisation).rna == "W133001234"


def test_the_fiscal_year_start_is_read_as_day_and_month() -> None:
    assert parse_fiscal_year_start("01/07") == (1, 7)
    assert parse_fiscal_year_start(" 15 / 4 ") == (15, 4)
    for wrong in ("1er juillet", "31/04", "29/02", "1/13"):
        with pytest.raises(InvalidInput) as refused:
            parse_fiscal_year_start(wrong)
        assert refused.value.field == "fiscal_year_start"


def test_a_signatory_needs_both_a_name_and_a_title() -> None:
    organisation = Organisation(
        name="Asso", legal_form="association", rna="W133001234", president_name="Anne Roux"
    )

    with pytest.raises(InvalidInput) as refused:
        check_organisation(organisation)

    assert refused.value.field == "president_title"
    assert refused.value.message == (
        "le titre de la présidente ou du président est attendu avec son nom"
    )


def test_the_command_line_options_become_a_change_of_the_fields_given_only() -> None:
    changes = setup.organisation_changes(
        {"name": "Cigales", "city": "", "bic": None, "fiscal_year_start": "01/07"}
    )

    assert changes.given() == {
        "name": "Cigales",
        "city": "",
        "fiscal_year_start_day": 1,
        "fiscal_year_start_month": 7,
    }
    assert changes.bic is UNSET


def test_a_change_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        OrganisationChanges.of({"siret": "1"})

    assert (refused.value.field, refused.value.message) == ("siret", "champ inconnu « siret »")


def test_a_known_bic_passes_with_or_without_its_branch_and_an_unknown_one_does_not() -> None:
    assert setup.validate_known_bic("ccop frpp", "bic") == "CCOPFRPP"  # listed as CCOPFRPPXXX
    assert setup.validate_known_bic("AGRIFRPP882", "bic") == "AGRIFRPP882"
    with pytest.raises(InvalidInput) as refused:
        setup.validate_known_bic("ZZZZFRPP", "bic")
    assert refused.value.field == "bic"


def test_the_bic_is_derived_from_a_french_iban() -> None:
    assert setup.derived_bic(IBAN("FR7630006000011234567890189")) == "AGRIFRPPXXX"


def test_what_a_document_prints_comes_back_the_same_from_its_json() -> None:
    printed = PrintedOrganisation(
        name="Réseau des Cigales",
        legal_form="association",
        address="4 chemin des Aires",
        postal_code="13990",
        city="Arles",
        rna="W133001234",
        iban="FR7630006000011234567890189",
        treasurer=Signatory("Joseph Castagne", "Trésorier bénévole"),
    )

    assert PrintedOrganisation.from_json(printed.to_json()) == printed
    assert printed.address_lines == ("4 chemin des Aires", "13990 Arles")
    assert printed.to_json() == PrintedOrganisation.from_json(printed.to_json()).to_json()
