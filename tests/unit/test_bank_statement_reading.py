"""Bank statements, pure domain: the CAMT.053 reader (every version, and what it refuses), the
CSV reader with its profile, the identity of a line, and the matching rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from releves_bancaires import (
    ENTITY_BOMB,
    GARRIGUE_IBAN,
    GARRIGUE_MANDATE,
    ORG_IBAN,
    SAMPLE,
    VERSIONS,
    camt053,
    csv_francais,
)

from gouvernance.domain.bank.camt import parse_camt053
from gouvernance.domain.bank.csv_statement import CsvProfile, parse_csv, parse_profile_text
from gouvernance.domain.bank.matching import (
    Certainty,
    Directory,
    call_references,
    match_line,
    name_words,
)
from gouvernance.domain.bank.model import (
    Direction,
    LineKind,
    ParsedLine,
    number_occurrences,
    reason_label,
)
from gouvernance.domain.bank.reading import read_statement
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError

PROFILE_FILE = Path(__file__).resolve().parents[2] / "rules" / "banque" / "csv-standard.yaml"


@pytest.fixture(scope="module")
def profile() -> CsvProfile:
    return parse_profile_text(PROFILE_FILE.read_text(encoding="utf-8"), PROFILE_FILE.name)


def essentials(line: ParsedLine) -> tuple[object, ...]:
    return (
        line.booked_on, line.cents, line.direction, line.kind, line.bank_reference,
        line.counterparty_name, line.counterparty_iban, line.end_to_end_id, line.mandate_id,
        line.return_reason,
    )  # fmt: skip


# --- CAMT.053 --------------------------------------------------------------------------------


def test_the_sample_statement_gives_each_movement_with_its_kind_and_exact_amount() -> None:
    statement = parse_camt053(camt053(), "releve.xml")
    assert statement.statement_ids == ("RELEVE-2026-12-10",)
    assert statement.account_ibans == (ORG_IBAN,)
    assert (statement.from_date, statement.to_date) == (date(2026, 12, 1), date(2026, 12, 10))
    kinds = [line.kind for line in statement.lines]
    assert kinds == [
        LineKind.TRANSFER, LineKind.TRANSFER, LineKind.DIRECT_DEBIT, LineKind.TRANSFER,
        LineKind.TRANSFER, LineKind.RETURN, LineKind.OTHER,
    ]  # fmt: skip
    mistral = statement.lines[0]
    assert mistral.cents == 126250 and isinstance(mistral.cents, int)
    assert mistral.direction is Direction.CREDIT
    assert mistral.bank_reference == "BQ-20261203-0001"
    assert mistral.remittance == "COTISATION 2027 AC-2027-0005"
    assert mistral.counterparty_name == "SARL MISTRAL RECYCLAGE"
    assert mistral.bank_code == "PMNT/RCDT/ESCT"
    returned = statement.lines[5]
    assert returned.direction is Direction.DEBIT
    assert (returned.return_reason, returned.end_to_end_id) == ("AM04", "AC-2027-0003")
    assert (returned.mandate_id, returned.counterparty_iban) == (GARRIGUE_MANDATE, GARRIGUE_IBAN)
    assert returned.counterparty_name == "GARRIGUE ENVIRONNEMENT"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_from_02_to_08_reads_the_same_lines(version: str) -> None:
    reference = [essentials(line) for line in parse_camt053(camt053(), "releve.xml").lines]
    read = parse_camt053(camt053(version=version), f"releve-{version}.xml")
    assert [essentials(line) for line in read.lines] == reference


def test_a_statement_without_namespace_is_read_by_its_element_names() -> None:
    read = parse_camt053(camt053(namespace=False), "releve.xml")
    assert len(read.lines) == len(SAMPLE)


def test_an_entry_not_yet_booked_is_left_aside_and_said() -> None:
    pending = replace(SAMPLE[0], status="PDNG", reference="BQ-EN-ATTENTE")
    read = parse_camt053(camt053((pending, SAMPLE[1])), "releve.xml")
    assert [line.bank_reference for line in read.lines] == ["BQ-20261204-0002"]
    assert read.skipped == ("écriture 1 (Ntry) : non comptabilisée (PDNG), laissée de côté",)


def test_a_batch_of_direct_debits_booked_as_one_entry_gives_one_line_per_transaction() -> None:
    document = camt053((SAMPLE[2],)).decode()
    one = document[document.index("<TxDtls>") : document.index("</TxDtls>") + len("</TxDtls>")]
    other = (
        one.replace("40000", "2000")
        .replace(">400.00<", ">20.00<")
        .replace("AC-2027-0003", "AC-2027-0007")
    )
    batch = document.replace(one, one + other).replace(
        '<Amt Ccy="EUR">400.00</Amt><CdtDbtInd>', '<Amt Ccy="EUR">420.00</Amt><CdtDbtInd>', 1
    )
    read = parse_camt053(batch.encode(), "lot.xml")
    assert [(line.cents, line.end_to_end_id) for line in read.lines] == [
        (40000, "AC-2027-0003"),
        (2000, "AC-2027-0007"),
    ]
    assert [line.bank_reference for line in read.lines] == [
        "BQ-20261205-0003/1",
        "BQ-20261205-0003/2",
    ]
    assert {line.kind for line in read.lines} == {LineKind.DIRECT_DEBIT}


def test_a_malformed_xml_is_refused_naming_its_line_and_column() -> None:
    broken = camt053().replace(b"</Ntry>", b"</Entry>", 1)
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(broken, "releve.xml")
    assert refused.value.message.startswith(
        "« releve.xml » n'est pas un fichier XML lisible : ligne "
    )
    assert "balise fermante qui ne correspond pas" in refused.value.message
    assert refused.value.field == "file"


def test_an_xml_that_is_not_a_statement_is_refused_in_french() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(b"<html><body>relev\xc3\xa9</body></html>", "page.xml")
    assert refused.value.message == (
        "« page.xml » n'est pas un relevé CAMT.053 : l'élément racine est « html » et non "
        "« Document »"
    )


def test_a_direct_debit_order_is_not_a_statement() -> None:
    pain = (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02">'
        b"<CstmrDrctDbtInitn/></Document>"
    )
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(pain, "prelevements.xml")
    assert "l'élément Document contient « CstmrDrctDbtInitn » au lieu de BkToCstmrStmt" in (
        refused.value.message
    )


def test_a_camt_054_notification_is_named_as_such() -> None:
    notification = camt053().replace(b"camt.053.001.08", b"camt.054.001.08")
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(notification, "avis.xml")
    assert "c'est un avis de débit ou de crédit (camt.054" in refused.value.message


def test_entity_expansion_is_refused_before_anything_expands() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(ENTITY_BOMB, "bombe.xml")
    assert refused.value.message == (
        "« bombe.xml » déclare une DTD ou des entités XML (<!DOCTYPE>, <!ENTITY>) : refusé par "
        "sécurité, un relevé CAMT.053 n'en a jamais"
    )


def test_an_external_entity_is_refused_too(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("mot de passe", encoding="utf-8")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<Document><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"
    ).encode()
    with pytest.raises(InvalidInput, match="refusé par sécurité"):
        parse_camt053(document, "externe.xml")


def test_an_amount_in_another_currency_is_refused_naming_the_entry_and_element() -> None:
    dollars = camt053((SAMPLE[0],)).replace(b'<Amt Ccy="EUR">', b'<Amt Ccy="USD">', 1)
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(dollars, "releve.xml")
    assert refused.value.message == (
        "« releve.xml » : écriture 1 (Ntry), élément Amt : montant en USD : seuls les montants "
        "en euros (EUR) sont pris"
    )


def test_an_account_kept_in_another_currency_is_refused() -> None:
    pounds = camt053().replace(b"<Ccy>EUR</Ccy>", b"<Ccy>GBP</Ccy>")
    with pytest.raises(
        InvalidInput, match=r"relevé 1 \(Stmt\), élément Acct/Ccy : compte tenu en GBP"
    ):
        parse_camt053(pounds, "releve.xml")


@pytest.mark.parametrize(
    ("written", "why"),
    [("12.345", "plus précis que le centime"), ("1,50", "illisible"), ("-3.00", "illisible"),
     ("1e3", "illisible"), ("", "illisible")],
)  # fmt: skip
def test_an_amount_that_is_not_exact_to_the_cent_is_refused(written: str, why: str) -> None:
    document = camt053((SAMPLE[0],)).replace(b">1262.50<", f">{written}<".encode(), 1)
    with pytest.raises(InvalidInput) as refused:
        parse_camt053(document, "releve.xml")
    assert "écriture 1 (Ntry), élément Amt : montant" in refused.value.message
    assert why in refused.value.message


def test_a_missing_direction_is_refused_naming_the_element() -> None:
    document = camt053((SAMPLE[0],)).replace(b"<CdtDbtInd>CRDT</CdtDbtInd>", b"", 1)
    with pytest.raises(
        InvalidInput, match=r"élément CdtDbtInd : sens absent \(attendu CRDT ou DBIT\)"
    ):
        parse_camt053(document, "releve.xml")


@given(st.integers(min_value=1, max_value=10**13 - 1))
def test_any_amount_is_read_to_the_exact_cent(cents: int) -> None:
    movement = replace(SAMPLE[0], cents=cents)
    (line,) = parse_camt053(camt053((movement,)), "releve.xml").lines
    assert line.cents == cents


# --- Identity of a line ---------------------------------------------------------------------


def test_a_line_with_a_bank_reference_is_identified_by_its_account_and_reference() -> None:
    (line,) = parse_camt053(camt053((SAMPLE[0],)), "releve.xml").lines
    moved = replace(line, remittance="autre texte", position=9)
    assert moved.fingerprint == line.fingerprint
    assert replace(line, account_iban="FR7600000000000000000000000").fingerprint != line.fingerprint
    assert line.payment_reference == "BQ-20261203-0001"


def test_identical_lines_without_reference_are_told_apart_by_their_rank_in_the_file() -> None:
    twice = (replace(SAMPLE[1], reference=None), replace(SAMPLE[1], reference=None))
    first, second = parse_camt053(camt053(twice), "releve.xml").lines
    assert (first.occurrence, second.occurrence) == (1, 2)
    assert first.fingerprint != second.fingerprint
    again = parse_camt053(camt053(twice), "encore.xml").lines
    assert [line.fingerprint for line in again] == [first.fingerprint, second.fingerprint]
    assert first.payment_reference == f"REL-{first.fingerprint[:12].upper()}"


def test_numbering_leaves_lines_with_a_reference_alone() -> None:
    lines = list(parse_camt053(camt053(SAMPLE[:2]), "releve.xml").lines)
    assert number_occurrences(lines + lines) == lines + lines


# --- CSV -------------------------------------------------------------------------------------


def test_a_french_csv_gives_the_same_movements_as_the_camt_statement(profile: CsvProfile) -> None:
    read = parse_csv(csv_francais(), "releve.csv", profile, ORG_IBAN)
    camt = parse_camt053(camt053(), "releve.xml").lines

    def seen(line: ParsedLine) -> tuple[object, ...]:
        return (line.booked_on, line.cents, line.direction, line.kind, line.bank_reference)

    assert [seen(line) for line in read.lines] == [seen(line) for line in camt]
    assert read.lines[5].return_reason == "AM04"
    assert read.lines[0].counterparty_name == "SARL MISTRAL RECYCLAGE"
    assert read.lines[0].position == 4  # the account line and an empty line come first


def test_a_csv_in_utf8_reads_like_one_in_cp1252(profile: CsvProfile) -> None:
    utf8 = parse_csv(csv_francais(encoding="utf-8-sig"), "releve.csv", profile)
    cp1252 = parse_csv(csv_francais(), "releve.csv", profile)
    assert [line.remittance for line in utf8.lines] == [line.remittance for line in cp1252.lines]


def test_an_unknown_csv_column_is_refused_naming_its_line_and_title(profile: CsvProfile) -> None:
    data = "Date;Libellé;Montant;Catégorie client\n03/12/2026;VIR AC-2027-0005;12,00;x\n"
    with pytest.raises(InvalidInput) as refused:
        parse_csv(data.encode(), "releve.csv", profile)
    problem = refused.value.problems[0]
    assert (problem.line, problem.field) == (1, "Catégorie client")
    assert refused.value.message.startswith(
        "« releve.csv » : ligne 1, colonne 4 « Catégorie client » : colonne inconnue du profil "
        "« csv-standard »"
    )


def test_a_csv_without_an_amount_column_is_refused(profile: CsvProfile) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_csv("Date;Libellé;Débit\n03/12/2026;X;1,00\n".encode(), "releve.csv", profile)
    assert "ligne 1 : colonne du montant absente" in refused.value.message


def test_a_csv_without_a_title_line_is_refused_naming_the_first_line(profile: CsvProfile) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_csv(b"03/12/2026;VIR;12,00\n", "releve.csv", profile)
    assert refused.value.message.startswith(
        "« releve.csv » : ligne 1, colonne « 03/12/2026 » : colonne inconnue du profil"
    )


def test_a_csv_separated_by_commas_says_so(profile: CsvProfile) -> None:
    with pytest.raises(InvalidInput, match="semblent séparées par « , »"):
        parse_csv(b"Date,Libelle,Montant\n03/12/2026,VIR,12\n", "releve.csv", profile)


def test_every_bad_cell_is_reported_with_its_line_and_column(profile: CsvProfile) -> None:
    data = "Date;Libellé;Montant\n32/12/2026;A;1,00\n03/12/2026;B;12,3,4\n04/12/2026;C;5,00\n"
    with pytest.raises(InvalidInput) as refused:
        parse_csv(data.encode(), "releve.csv", profile)
    assert [(p.line, p.field) for p in refused.value.problems] == [(2, "Date"), (3, "Montant")]
    assert "« 32/12/2026 » n'est pas une date (attendu JJ/MM/AAAA" in refused.value.message


def test_csv_amounts_are_read_the_french_way(profile: CsvProfile) -> None:
    data = "Date;Libellé;Montant\n03/12/2026;A;1.234,50\n03/12/2026;B;-12,00\n03/12/2026;C;7 €\n"
    read = parse_csv(data.encode(), "releve.csv", profile)
    assert [(line.cents, line.direction) for line in read.lines] == [
        (123450, Direction.CREDIT), (1200, Direction.DEBIT), (700, Direction.CREDIT)
    ]  # fmt: skip


def test_a_profile_that_names_an_unknown_role_is_refused() -> None:
    with pytest.raises(RuleError, match=r"columns\.montant : rôle inconnu"):
        parse_profile_text("id: x\ncolumns:\n  montant: [Montant]\n", "x.yaml")


def test_a_file_that_is_neither_xml_nor_csv_is_refused(profile: CsvProfile) -> None:
    with pytest.raises(InvalidInput, match=r"n'est ni un relevé CAMT\.053"):
        read_statement(b"%PDF-1.4", "releve.pdf", profile)


def test_xml_is_recognised_by_its_content_whatever_its_name(profile: CsvProfile) -> None:
    assert len(read_statement(camt053(), "releve.csv", profile).lines) == len(SAMPLE)


# --- Matching --------------------------------------------------------------------------------

DIRECTORY = Directory(
    names={
        "MISTRAL": "SARL Mistral Recyclage",
        "HUILES": "Les Huiles du Val SAS",
        "ROUX": "Camille Roux",
        "ROUX2": "Camille Roux",
        "ELODIE": "Élodie Perrin",
    },
    ibans={GARRIGUE_IBAN: "GARRIGUE"},
    call_owners={"AC-2027-0005": "MISTRAL", "AC-2027-0004": "HUILES", "AC-2027-0006": "MISTRAL"},
)


@pytest.mark.parametrize(
    "written", ["AC-2027-0005", "ac 2027 0005", "AC2027-0005", "réf:AC-2027-5.", "AC_2027_0005"]
)
def test_a_call_reference_is_found_however_the_bank_wrote_it(written: str) -> None:
    assert call_references(f"COTISATION {written} MERCI") == ["AC-2027-0005"]


def test_a_reference_inside_a_longer_word_is_not_a_call_reference() -> None:
    assert call_references("MAC-2027-0005", "AC-2027-00051234567") == []


def test_references_of_one_member_are_a_certain_match_with_those_calls() -> None:
    found = match_line(["AC-2027-0005 et AC-2027-0006"], "", "", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.CERTAIN, "MISTRAL")
    assert found.call_refs == ("AC-2027-0005", "AC-2027-0006")


def test_references_of_two_members_wait_for_confirmation() -> None:
    found = match_line(["AC-2027-0005 AC-2027-0004"], "", "", DIRECTORY)
    assert found.certainty is Certainty.TO_CONFIRM
    assert found.candidates == ("MISTRAL", "HUILES")


def test_an_unknown_reference_falls_through_to_the_other_rules() -> None:
    found = match_line(["AC-2027-0999"], "", GARRIGUE_IBAN, DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.CERTAIN, "GARRIGUE")


def test_the_iban_of_a_mandate_is_a_certain_match() -> None:
    found = match_line(["VIREMENT"], "X", "fr76 1027 8078 2098 7654 3210 156", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.CERTAIN, "GARRIGUE")


@pytest.mark.parametrize(
    "written", ["MISTRAL RECYCLAGE", "Recyclage Mistral SARL", "MISTRAL-RECYCLAGE"]
)
def test_the_same_name_however_written_is_a_certain_match(written: str) -> None:
    found = match_line([""], written, "", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.CERTAIN, "MISTRAL")


def test_accents_and_civilities_do_not_count_in_a_name() -> None:
    assert name_words("MME PERRIN ELODIE") == name_words("Élodie Perrin")
    found = match_line([""], "MME PERRIN ELODIE", "", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.CERTAIN, "ELODIE")


def test_a_close_name_waits_for_confirmation_with_its_suggestion() -> None:
    found = match_line(["VIREMENT"], "LES HUILES DU VALLON", "", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.TO_CONFIRM, "HUILES")
    assert found.reason.startswith("nom approché : « LES HUILES DU VALLON » ressemble à")


def test_two_members_with_the_same_name_wait_for_confirmation() -> None:
    found = match_line([""], "ROUX CAMILLE", "", DIRECTORY)
    assert found.certainty is Certainty.TO_CONFIRM
    assert found.candidates == ("ROUX", "ROUX2")


def test_a_member_named_in_the_label_is_a_suggestion_only() -> None:
    found = match_line(["VIR SEPA SARL MISTRAL RECYCLAGE COTIS"], "", "", DIRECTORY)
    assert (found.certainty, found.member_code) == (Certainty.TO_CONFIRM, "MISTRAL")


def test_nothing_found_leaves_the_line_unmatched() -> None:
    found = match_line(["DON"], "DUPONT JEAN", "FR7617515900000412345678953", DIRECTORY)
    assert found.certainty is Certainty.NONE and found.member_code is None


def test_a_return_reason_reads_in_french() -> None:
    assert reason_label("am04") == "AM04 — provision insuffisante"
    assert reason_label("MD01") == "MD01 — pas de mandat"
    assert reason_label("ZZ99") == "motif ZZ99"
    assert reason_label("") == "motif non précisé"
