"""Importing members from files, all or nothing, and exporting them, on every database."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.errors import Forbidden, InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.siren import luhn_complete
from gouvernance.domain.users import Actor, Role
from gouvernance.services.organisation.setup import ensure_default_categories
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members
from gouvernance.services.registry.member_files import (
    export_members,
    export_members_bytes,
    import_members,
    import_members_from_bytes,
)
from gouvernance.services.registry.views import MemberView

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples"
SIREN_A = luhn_complete("12345678")
SIREN_B = luhn_complete("73282932")
SIREN_C = luhn_complete("44306184")
SIREN_D = luhn_complete("51234567")
HEADERS = (
    "code;type;nom;prénom;raison_sociale;siren;catégorie;date_adhésion;date_sortie;"
    "email;téléphone;adresse;code_postal;ville;chiffre_affaires_2025;bénéfice_2025;effectif_2026"
)
GOOD_ROWS = [
    f";morale;;;Ressourcerie des Alpilles;{SIREN_A};producteurs;01/03/2019;;contact@r.example;;;"
    "13210;Saint-Rémy;312 450,00;-1 234,56;8,5",
    ";physique;Durand;Marie;;;bénévoles;2020-01-15;;marie@example.org;06 12 34 56 78;;"
    "13000;Marseille;;;",
    f"ATELIER;morale;;;Atelier vélo;{SIREN_B};producer;15/06/2021;30/06/2025;;;;;;;;",
]
GOOD_CSV = "\n".join([HEADERS, *GOOD_ROWS, ""])


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _all(app: Application, admin: Actor) -> list[MemberView]:
    return list(members.list_members(app.uows, admin, MemberFilter(), limit=500).items)


def _audit_actions(app: Application) -> list[str]:
    with app.uows() as uow:
        return [entry.action for entry in uow.audit.recent(100)]


def test_a_good_csv_file_creates_every_member_with_its_facts(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    result = import_members(app.uows, admin, _write(tmp_path, "membres.csv", GOOD_CSV))
    assert result.created == 3
    assert result.codes == ("M0001", "M0002", "ATELIER")
    ressourcerie = members.get_member(app.uows, admin, "M0001")
    assert (ressourcerie.name, ressourcerie.siren, ressourcerie.category) == (
        "Ressourcerie des Alpilles",
        SIREN_A,
        "producer",
    )
    assert {(f.fiscal_year, f.kind, f.value) for f in ressourcerie.facts} == {
        (2025, FactKind.REVENUE, Decimal("312450.00")),
        (2025, FactKind.PROFIT, Decimal("-1234.56")),
        (2026, FactKind.HEADCOUNT, Decimal("8.50")),
    }
    marie = members.get_member(app.uows, admin, "M0002")
    assert (marie.kind, marie.first_name, marie.joined_on) == (
        PersonKind.NATURAL,
        "Marie",
        date(2020, 1, 15),
    )
    assert marie.facts == ()
    assert members.get_member(app.uows, admin, "ATELIER").left_on == date(2025, 6, 30)


def test_an_import_is_one_audit_entry_naming_the_file(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    import_members(app.uows, admin, _write(tmp_path, "membres.csv", GOOD_CSV))
    with app.uows() as uow:
        [entry] = uow.audit.recent(10)
        assert (entry.action, entry.entity, entry.entity_key) == (
            "membres.importés",
            "import",
            "membres.csv",
        )
        assert entry.detail == '{"nombre": 3}'


def test_a_windows_excel_csv_in_cp1252_imports_with_its_accents(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, "membres.csv", GOOD_CSV, encoding="cp1252")
    import_members(app.uows, admin, path)
    assert members.get_member(app.uows, admin, "M0001").city == "Saint-Rémy"


def test_a_good_xlsx_file_imports_with_excel_dates_and_numbers(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Type",
            "Raison sociale",
            "SIREN",
            "Catégorie",
            "Date d'adhésion",
            "Code postal",
            "Bénéfice 2025",
            "Population 2025",
        ]
    )
    sheet.append(
        [
            "morale",
            "Commune de Mouriès",
            int(SIREN_C),
            "public_body",
            datetime(2021, 6, 15),
            1000,
            1234.56,
            3400,
        ]
    )
    sheet.append(
        [
            "personne morale",
            "Jardins",
            SIREN_D,
            "partenaires et soutiens",
            "01/02/2022",
            "13890",
            -0.1,
            None,
        ]
    )
    path = tmp_path / "membres.xlsx"
    book.save(path)

    result = import_members(app.uows, admin, path)

    assert result.created == 2
    commune = members.get_member(app.uows, admin, result.codes[0])
    assert (commune.siren, commune.joined_on, commune.postal_code) == (
        SIREN_C,
        date(2021, 6, 15),
        "01000",
    )
    assert {(f.kind, f.value) for f in commune.facts} == {
        (FactKind.PROFIT, Decimal("1234.56")),
        (FactKind.POPULATION, Decimal("3400")),
    }
    jardins = members.get_member(app.uows, admin, result.codes[1])
    assert jardins.category == "partner"
    assert [(f.kind, f.value) for f in jardins.facts] == [(FactKind.PROFIT, Decimal("-0.10"))]


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_line(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    text = GOOD_CSV.replace("2020-01-15", "31/02/2026")
    with pytest.raises(InvalidInput) as refused:
        import_members(app.uows, admin, _write(tmp_path, "membres.csv", text))
    assert refused.value.message == "1 ligne(s) en erreur : aucun membre importé"
    assert refused.value.field == "membres.csv"
    assert [(p.line, p.field, p.message) for p in refused.value.problems] == [
        (3, "date_adhésion", "31/02/2026 n'est pas une date valide")
    ]
    assert _all(app, admin) == []
    assert _audit_actions(app) == []


def test_a_file_with_several_bad_rows_imports_nothing_and_reports_every_line(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    members.create_member(
        app.uows,
        admin,
        MemberDraft(PersonKind.LEGAL, "producer", date(2018, 1, 1), name="Déjà là", siren=SIREN_D),
    )
    text = f"""code,type,nom,prénom,raison_sociale,SIREN,catégorie,date_adhésion,bénéfice_2025
,morale,,,Atelier vélo,{SIREN_A},producer,01/03/2019,"1 500,00"
,morale,,,Garage,,producer,01/01/2020,
,morale,,,Garage bis,{SIREN_A},producer,01/01/2020,
,physique,Durand,Marie,,,martiens,01/01/2020,
,physique,Petit,Jean,,,volunteer,31/02/2026,
,morale,,,Jardins,{SIREN_B},producer,01/01/2020,12,5
,morale,,,Homonyme,{SIREN_D},producer,01/01/2020,
,physique,Roux,Lucie,,,volunteer,01/01/2020,
"""
    with pytest.raises(InvalidInput) as refused:
        import_members(app.uows, admin, _write(tmp_path, "adherents.csv", text))

    assert refused.value.message == "6 ligne(s) en erreur : aucun membre importé"
    reported = {(p.line, p.field): p.message for p in refused.value.problems}
    assert reported == {
        (3, "SIREN"): "le SIREN est obligatoire pour une personne morale",
        (4, "SIREN"): f"le SIREN {SIREN_A} figure déjà ligne 2",
        (5, "catégorie"): reported[5, "catégorie"],
        (6, "date_adhésion"): "31/02/2026 n'est pas une date valide",
        (7, None): "10 cellules pour 9 colonnes : une virgule décimale non protégée ? utilisez "
        "le point-virgule comme séparateur ou mettez le nombre entre guillemets",
        (8, "SIREN"): f"le SIREN {SIREN_D} est déjà celui de Déjà là (M0001)",
    }
    assert reported[5, "catégorie"].startswith("catégorie inconnue « martiens »")
    assert [p.line for p in refused.value.problems] == [3, 4, 5, 6, 7, 8]
    assert [m.code for m in _all(app, admin)] == ["M0001"]
    assert _audit_actions(app) == ["membre.créé"]


def test_a_code_given_twice_or_already_used_is_reported(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    import_members(app.uows, admin, _write(tmp_path, "premier.csv", GOOD_CSV))
    text = f"""{HEADERS}
ATELIER;physique;Nom;Prénom;;;volunteer;01/01/2020;;;;;;;;;
dup;physique;Nom;Prénom;;;volunteer;01/01/2020;;;;;;;;;
DUP;physique;Nom;Prénom;;;volunteer;01/01/2020;;;;;;;;;
"""
    with pytest.raises(InvalidInput) as refused:
        import_members(app.uows, admin, _write(tmp_path, "second.csv", text))
    assert [(p.line, p.field, p.message) for p in refused.value.problems] == [
        (2, "code", "le code ATELIER est déjà attribué à un autre membre"),
        (4, "code", "le code DUP figure déjà ligne 3"),
    ]


def test_generated_codes_follow_the_existing_ones_and_skip_codes_given_in_the_file(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    members.create_member(
        app.uows,
        admin,
        MemberDraft(
            PersonKind.NATURAL, "volunteer", date(2020, 1, 1), first_name="A", last_name="B"
        ),
    )
    text = f"""{HEADERS}
;physique;Nom;Un;;;volunteer;01/01/2020;;;;;;;;;
M0003;physique;Nom;Deux;;;volunteer;01/01/2020;;;;;;;;;
;physique;Nom;Trois;;;volunteer;01/01/2020;;;;;;;;;
"""
    result = import_members(app.uows, admin, _write(tmp_path, "membres.csv", text))
    assert result.codes == ("M0002", "M0003", "M0004")


def test_an_empty_file_is_refused_and_nothing_is_written(app: Application, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="ne contient aucun membre"):
        import_members_from_bytes(app.uows, admin, HEADERS.encode(), "membres.csv")
    with pytest.raises(InvalidInput, match="est vide"):
        import_members_from_bytes(app.uows, admin, b"", "membres.xlsx")
    blank = io.BytesIO()
    openpyxl.Workbook().save(blank)
    with pytest.raises(InvalidInput, match="est vide"):
        import_members_from_bytes(app.uows, admin, blank.getvalue(), "membres.xlsx")
    assert _audit_actions(app) == []


def test_a_missing_file_is_refused_by_name(app: Application, admin: Actor, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="fichier introuvable"):
        import_members(app.uows, admin, tmp_path / "absent.csv")


def test_a_member_account_may_neither_import_nor_export(app: Application, tmp_path: Path) -> None:
    member = Actor(username="adherent", role=Role.MEMBER)
    with pytest.raises(Forbidden):
        import_members_from_bytes(app.uows, member, GOOD_CSV.encode(), "membres.csv")
    with pytest.raises(Forbidden):
        export_members(app.uows, member, tmp_path / "export.csv")
    scrutineer = Actor(username="scrutateur", role=Role.SCRUTINEER)
    with pytest.raises(Forbidden):
        import_members_from_bytes(app.uows, scrutineer, GOOD_CSV.encode(), "membres.csv")
    assert export_members_bytes(app.uows, scrutineer, "csv").startswith(b"\xef\xbb\xbfcode;")


def test_the_csv_export_uses_french_conventions(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    import_members(app.uows, admin, _write(tmp_path, "membres.csv", GOOD_CSV))
    path = tmp_path / "export.csv"
    assert export_members(app.uows, admin, path) == 3
    lines = path.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "code;type;nom;prénom;raison_sociale;siren;catégorie;date_adhésion;date_sortie;"
        "motif_sortie;email;téléphone;adresse;code_postal;ville;"
        "chiffre_affaires_2025;bénéfice_2025;effectif_2026"
    )
    assert [line.split(";")[0] for line in lines[1:]] == ["ATELIER", "M0001", "M0002"]
    ressourcerie = dict(zip(lines[0].split(";"), lines[2].split(";"), strict=True))
    assert ressourcerie["date_adhésion"] == "01/03/2019"
    assert ressourcerie["bénéfice_2025"] == "-1234,56"
    assert ressourcerie["effectif_2026"] == "8,50"


def test_a_text_excel_would_run_as_a_formula_is_exported_harmlessly_and_imports_back(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    draft = MemberDraft(
        PersonKind.NATURAL, "volunteer", date(2020, 1, 1), first_name="=1+1", last_name="@B"
    )
    members.create_member(app.uows, admin, draft)
    csv_bytes = export_members_bytes(app.uows, admin, "csv")
    assert ";'@B;'=1+1;" in csv_bytes.decode("utf-8-sig")
    xlsx = tmp_path / "export.xlsx"
    export_members(app.uows, admin, xlsx)
    sheet = openpyxl.load_workbook(xlsx).active
    assert (sheet["C2"].value, sheet["D2"].data_type, sheet["D2"].value) == ("@B", "s", "=1+1")


def test_the_xlsx_export_opens_with_the_import_headers_and_typed_cells(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    import_members(app.uows, admin, _write(tmp_path, "membres.csv", GOOD_CSV))
    path = tmp_path / "export.xlsx"
    assert export_members(app.uows, admin, path) == 3
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0] == (
        "code",
        "type",
        "nom",
        "prénom",
        "raison_sociale",
        "siren",
        "catégorie",
        "date_adhésion",
        "date_sortie",
        "motif_sortie",
        "email",
        "téléphone",
        "adresse",
        "code_postal",
        "ville",
        "chiffre_affaires_2025",
        "bénéfice_2025",
        "effectif_2026",
    )
    ressourcerie = dict(zip(rows[0], rows[2], strict=True))
    assert ressourcerie["date_adhésion"] == datetime(2019, 3, 1)
    assert ressourcerie["siren"] == SIREN_A
    assert ressourcerie["bénéfice_2025"] == pytest.approx(-1234.56)
    assert len(rows) == 4


def test_an_unknown_export_format_is_refused(
    app: Application, admin: Actor, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match=r"ni un \.csv ni un \.xlsx"):
        export_members(app.uows, admin, tmp_path / "export.ods")
    with pytest.raises(InvalidInput, match="format d'export inconnu"):
        export_members_bytes(app.uows, admin, "pdf")


@pytest.fixture
def source(sqlite_template: Path, tmp_path: Path, admin: Actor) -> Iterator[Application]:
    """A second database, filled through the ordinary use cases, to export from."""
    target = tmp_path / "source.sqlite3"
    shutil.copyfile(sqlite_template, target)
    application = bootstrap(f"sqlite:///{target}", migrate=False)
    ensure_default_categories(application.uows)
    legal = MemberDraft(
        PersonKind.LEGAL,
        "producer",
        date(2019, 3, 1),
        name="Ressourcerie",
        siren=SIREN_A,
        email="r@example.org",
        postal_code="01000",
        city="Bourg",
    )
    natural = MemberDraft(
        PersonKind.NATURAL,
        "volunteer",
        date(2020, 1, 15),
        first_name="Marie",
        last_name="Durand",
        phone="+33 6 12 34 56 78",
        code="BENEVOLE-1",
    )
    commune = MemberDraft(
        PersonKind.LEGAL,
        "public_body",
        date(2021, 6, 1),
        name="Commune",
        siren=SIREN_C,
        address='Place; de la "Mairie"',
    )
    created = [members.create_member(application.uows, admin, d) for d in (legal, natural, commune)]
    members.record_facts(
        application.uows,
        admin,
        created[0].code,
        2025,
        {FactKind.PROFIT: Decimal("-1234.56"), FactKind.HEADCOUNT: Decimal("12.5")},
    )
    members.record_facts(
        application.uows,
        admin,
        created[2].code,
        2026,
        {FactKind.POPULATION: Decimal(3400), FactKind.REVENUE: Decimal("0.10")},
    )
    members.end_membership(application.uows, admin, created[1].code, date(2025, 6, 30), "départ")
    yield application
    application.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimported_into_an_empty_database_recreates_the_same_members(
    source: Application, app: Application, admin: Actor, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"export.{fmt}"
    assert export_members(source.uows, admin, path) == 3

    result = import_members(app.uows, admin, path)

    assert result.created == 3

    def comparable(views: list[MemberView]) -> list[MemberView]:
        return [replace(v, version=0) for v in views]

    assert comparable(_all(app, admin)) == comparable(_all(source, admin))
    if fmt == "csv":
        assert export_members_bytes(app.uows, admin, "csv") == path.read_bytes()


def test_the_documentation_examples_behave_as_documented(app: Application, admin: Actor) -> None:
    assert import_members(app.uows, admin, EXAMPLES / "membres.csv").created == 4
    with pytest.raises(InvalidInput) as refused:
        import_members(app.uows, admin, EXAMPLES / "membres-erreurs.csv")
    assert sorted({p.line for p in refused.value.problems if p.line}) == [3, 4, 5, 6, 7, 8, 9]
    assert len(_all(app, admin)) == 4
