"""Reading member files: headers, delimiters, encodings, dates and numbers, without a database."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import Category, PersonKind, default_categories
from gouvernance.services.registry.member_files.columns import normalise_label, read_layout
from gouvernance.services.registry.member_files.reading import (
    Row,
    read_csv,
    read_sheet,
    read_xlsx,
    sniff_delimiter,
)
from gouvernance.services.registry.member_files.rows import (
    category_index,
    cell_date,
    cell_number,
    parse_row,
)

HEADERS = (
    "code;type;nom;prénom;raison_sociale;siren;catégorie;date_adhésion;date_sortie;"
    "email;téléphone;adresse;code_postal;ville"
)
CATEGORIES = category_index([*default_categories(), Category("ressourcerie", "Ressourceries")])


def _row(headers: list[str], values: dict[str, str], line: int = 2) -> Row:
    cells = [values.get(h, "") for h in headers]
    return Row(line, tuple(cells))


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["date_adhésion", "Date adhésion", "DATE-ADHESION", " date d'adhésion ", "Date_Adhesion"],
)
def test_a_header_is_recognised_whatever_its_case_accents_and_separators(written: str) -> None:
    layout, problems = read_layout(["type", "catégorie", written])
    assert problems == []
    assert layout.fields["date_adhesion"] == 2
    assert layout.header("date_adhesion") == written.strip()


def test_normalising_a_label_drops_accents_case_and_separators() -> None:
    assert normalise_label("  Prénom ") == "prenom"
    assert normalise_label("Code-Postal") == normalise_label("code postal") == "code_postal"
    assert normalise_label("\ufeffChiffre d'affaires 2026") == "chiffre_d_affaires_2026"


def test_fact_columns_are_read_from_their_name_and_year() -> None:
    layout, problems = read_layout(
        ["type", "catégorie", "date_adhésion", "Bénéfice 2025", "chiffre_affaires_2026"]
    )
    assert problems == []
    assert [(c.kind, c.year, c.header) for c in layout.facts] == [
        (FactKind.PROFIT, 2025, "Bénéfice 2025"),
        (FactKind.REVENUE, 2026, "chiffre_affaires_2026"),
    ]


def test_an_unknown_column_is_reported_once_on_line_one_by_its_written_name() -> None:
    _, problems = read_layout(["type", "catégorie", "date_adhésion", "Couleur préférée"])
    assert len(problems) == 1
    assert problems[0].line == 1
    assert problems[0].field == "Couleur préférée"
    assert "colonne inconnue « Couleur préférée »" in problems[0].message


def test_missing_required_and_repeated_columns_are_reported() -> None:
    _, problems = read_layout(["type", "nom", "Nom", "benefice_1850"])
    messages = [p.message for p in problems]
    assert "la colonne « Nom » apparaît deux fois (colonnes B et C)" in messages
    assert any("1850" in m for m in messages)
    assert "la colonne obligatoire « catégorie » manque" in messages
    assert "la colonne obligatoire « date_adhésion » manque" in messages
    assert {p.line for p in problems} == {1}


# --- delimiters, encodings, misaligned rows ------------------------------------------------


def test_the_delimiter_is_sniffed_from_the_header_line() -> None:
    assert sniff_delimiter("code;type;nom\n,a,b") == ";"
    assert sniff_delimiter("code,type,nom\n;a;b") == ","
    assert sniff_delimiter("code\n1") == ";"


def test_a_comma_decimal_in_a_semicolon_file_stays_in_its_cell() -> None:
    sheet = read_csv(b"type;benefice_2025\nmorale;48 000,50\n", "m.csv")
    assert sheet.problems == []
    assert sheet.rows[0].cells == ("morale", "48 000,50")


def test_an_unquoted_comma_decimal_in_a_comma_file_is_reported_with_its_likely_cause() -> None:
    header = HEADERS.replace(";", ",")
    quoted = ',morale,,,A,,producer,01/01/2020,,,,,,"12,5"'
    bare = ",morale,,,B,,producer,01/01/2020,,,,,,12,5"
    data = f"{header}\n{quoted}\n{bare}\n"
    sheet = read_csv(data.encode(), "m.csv")
    assert len(sheet.rows) == 1
    assert sheet.rows[0].cells[-1] == "12,5"
    [problem] = sheet.problems
    assert problem.line == 3
    assert problem.message.startswith(
        "15 cellules pour 14 colonnes : une virgule décimale non protégée ?"
    )
    assert "point-virgule" in problem.message and "guillemets" in problem.message


def test_a_row_shifted_by_an_empty_extra_cell_is_still_refused() -> None:
    sheet = read_csv(b"type,benefice_2025,ville\nmorale,12,5,\n", "m.csv")
    assert sheet.rows == []
    assert sheet.problems[0].message.startswith("4 cellules pour 3 colonnes")


def test_a_utf8_byte_order_mark_is_stripped_from_the_first_header() -> None:
    sheet = read_csv("\ufeffcode;type\nA1;morale\n".encode(), "m.csv")
    assert sheet.headers == ["code", "type"]


def test_a_windows_cp1252_file_is_read_with_its_accents() -> None:
    sheet = read_csv("type;ville\nmorale;Mouriès – Bouches-du-Rhône\n".encode("cp1252"), "m.csv")
    assert sheet.headers == ["type", "ville"]
    assert sheet.rows[0].cells == ("morale", "Mouriès – Bouches-du-Rhône")


def test_rows_are_numbered_by_their_line_in_the_file() -> None:
    data = 'type;adresse\nmorale;"1 rue A\nBâtiment B"\n\nphysique;2 rue C\n'
    sheet = read_csv(data.encode(), "m.csv")
    assert [r.line for r in sheet.rows] == [2, 5]


def test_an_empty_file_and_a_file_with_only_headers_are_refused_clearly() -> None:
    with pytest.raises(InvalidInput, match="est vide"):
        read_sheet(b"", "vide.csv")
    with pytest.raises(InvalidInput, match="ne contient aucun membre") as refused:
        read_sheet(HEADERS.encode(), "titres.csv")
    assert refused.value.field == "titres.csv"


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match=r"« membres\.xls » n'est ni un \.csv ni un \.xlsx"):
        read_sheet(b"whatever", "membres.xls")


def test_a_broken_xlsx_file_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match=r"« membres\.xlsx » n'est pas un classeur Excel"):
        read_sheet(b"not a zip", "membres.xlsx")


# --- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("01/03/2026", date(2026, 3, 1)),
        ("1/3/2026", date(2026, 3, 1)),
        ("2026-03-01", date(2026, 3, 1)),
        (datetime(2026, 3, 1, 0, 0), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 3, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_day_first_or_iso_or_from_excel(
    cell: str | date | None, expected: date | None
) -> None:
    assert cell_date(cell) == expected


def test_an_impossible_date_is_named_as_such() -> None:
    with pytest.raises(InvalidInput) as refused:
        cell_date("31/02/2026")
    assert refused.value.message == "31/02/2026 n'est pas une date valide"


def test_a_date_in_another_format_is_refused_with_the_expected_format() -> None:
    with pytest.raises(InvalidInput, match="JJ/MM/AAAA"):
        cell_date("mars 2026")


@pytest.mark.parametrize(
    ("cell", "kind", "expected"),
    [
        ("48 000,50", FactKind.REVENUE, Decimal("48000.50")),
        ("48000.5 €", FactKind.REVENUE, Decimal("48000.50")),
        ("-1 234,56", FactKind.PROFIT, Decimal("-1234.56")),
        ("12,5", FactKind.HEADCOUNT, Decimal("12.5")),
        (0.1, FactKind.HEADCOUNT, Decimal("0.1")),
        (3400, FactKind.POPULATION, Decimal(3400)),
        ("", FactKind.REVENUE, None),
        (None, FactKind.REVENUE, None),
    ],
)
def test_figures_are_read_exactly_from_french_text_or_excel_numbers(
    cell: str | float | None, kind: FactKind, expected: Decimal | None
) -> None:
    assert cell_number(cell, kind) == expected


# --- rows ------------------------------------------------------------------------------------


def test_a_legal_person_without_siren_is_reported_under_the_siren_column() -> None:
    headers = HEADERS.split(";")
    layout, _ = read_layout(headers)
    values = {
        "type": "morale",
        "raison_sociale": "Épicerie",
        "catégorie": "Ressourceries",
        "date_adhésion": "01/01/2020",
    }
    parsed = parse_row(layout, _row(headers, values, line=7), CATEGORIES)
    assert [(p.field, p.line, p.message) for p in parsed.problems] == [
        ("siren", 7, "le SIREN est obligatoire pour une personne morale")
    ]
    assert parsed.draft.category == "ressourcerie"


def test_a_row_collects_every_problem_at_once() -> None:
    headers = [*HEADERS.split(";"), "effectif_2025"]
    layout, _ = read_layout(headers)
    values = {
        "type": "physique",
        "nom": "Durand",
        "catégorie": "martiens",
        "date_adhésion": "31/02/2026",
        "email": "marie@@example",
        "effectif_2025": "-3",
    }
    parsed = parse_row(layout, _row(headers, values), CATEGORIES)
    fields = sorted(p.field or "" for p in parsed.problems)
    assert fields == ["catégorie", "date_adhésion", "effectif_2025", "email", "prénom"]


def test_a_missing_type_silences_the_checks_that_depend_on_it() -> None:
    headers = HEADERS.split(";")
    layout, _ = read_layout(headers)
    values = {"raison_sociale": "Épicerie", "catégorie": "producer", "date_adhésion": "01/01/2020"}
    parsed = parse_row(layout, _row(headers, values), CATEGORIES)
    assert [(p.field, p.message) for p in parsed.problems] == [
        ("type", "le type est obligatoire : physique ou morale")
    ]


def test_a_natural_person_reads_its_name_and_an_empty_fact_is_no_figure() -> None:
    headers = [*HEADERS.split(";"), "benefice_2025"]
    layout, _ = read_layout(headers)
    values = {
        "type": "Personne physique",
        "nom": "Durand",
        "prénom": "Marie",
        "catégorie": "bénévoles",
        "date_adhésion": "2019-03-01",
    }
    parsed = parse_row(layout, _row(headers, values), CATEGORIES)
    assert parsed.problems == []
    assert parsed.draft.kind is PersonKind.NATURAL
    assert (parsed.draft.last_name, parsed.draft.first_name) == ("Durand", "Marie")
    assert parsed.draft.category == "volunteer"
    assert parsed.facts == []


def test_a_value_under_an_empty_header_is_reported_rather_than_dropped() -> None:
    headers = ["type", "", "catégorie", "date_adhésion", "raison_sociale", "siren"]
    layout, problems = read_layout(headers)
    assert problems == []
    row = Row(4, ("morale", "oublié", "producer", "01/01/2020", "Épicerie", "732829320"))
    parsed = parse_row(layout, row, CATEGORIES)
    assert [(p.line, p.message) for p in parsed.problems] == [
        (4, "la colonne B n'a pas de titre mais contient « oublié »")
    ]


def test_an_xlsx_sheet_gives_typed_cells_and_numbers_keep_their_leading_zeros() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["type", "nom", "prénom", "catégorie", "date_adhésion", "code_postal", "effectif_2025"]
    )
    sheet.append(["physique", "Durand", "Marie", "volunteer", datetime(2019, 3, 1), 1000, 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_xlsx(buffer.getvalue(), "m.xlsx")
    layout, problems = read_layout(read.headers)
    parsed = parse_row(layout, read.rows[0], CATEGORIES)
    assert problems == [] and parsed.problems == []
    assert parsed.draft.joined_on == date(2019, 3, 1)
    assert parsed.draft.postal_code == "01000"
    assert parsed.facts[0].value == Decimal("12.5")
