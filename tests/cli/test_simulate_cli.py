"""``gouvernance simulate`` and ``gouvernance schedules``, run as a board member would."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gouvernance.cli import app
from gouvernance.services.contributions.fees import RULES_VARIABLE

runner = CliRunner()
NBSP, NNBSP = "\u00a0", "\u202f"
LABELS = (
    "Cotisation forfaitaire",
    "Barème par tranches de chiffre d'affaires",
    "Quote-part proportionnelle aux bénéfices",
)


def flat(output: str) -> str:
    """The output with Rich's line wrapping undone (ordinary spaces only)."""
    return re.sub(r" *\n *", " ", output)


@pytest.fixture
def demo_database(database_url: str, demo_loader: Callable[[str], None]) -> list[str]:
    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    return ["--database", database_url]


def test_simulate_on_the_demo_shows_the_three_scenarios_and_their_french_totals(
    demo_database: list[str],
) -> None:
    result = runner.invoke(app, ["simulate", *demo_database])
    assert result.exit_code == 0, result.output
    for label in LABELS:
        assert label in result.output
    for total in ("3 880,00 €", "6 871,40 €", "3 043,20 €"):
        assert total.replace(" ", NNBSP, 1).replace(" €", f"{NBSP}€") in result.output
    assert "Totaux par barème" in result.output
    assert "CRAU-FORMATION" in result.output
    assert "bénéfice 2026" in result.output  # what CRAU-FORMATION lacks
    assert "Plus fortes variations" in result.output


def test_explain_prints_each_step_of_mistrals_fee_for_each_scenario(
    demo_database: list[str],
) -> None:
    result = runner.invoke(app, ["simulate", "--explain", "MISTRAL", *demo_database])
    assert result.exit_code == 0, result.output
    assert f"2 % du bénéfice 2026 (48{NNBSP}000,00{NBSP}€) = 960,00{NBSP}€" in result.output
    assert f"montant fixe 400,00{NBSP}€" in result.output
    for label in LABELS:
        assert label in result.output


def test_explain_says_what_is_missing_for_crau_formation(demo_database: list[str]) -> None:
    result = runner.invoke(
        app, ["simulate", "demo-quote-part", "--explain", "crau-formation", *demo_database]
    )
    assert result.exit_code == 0, result.output
    assert "montant non calculable — manque : bénéfice 2026" in result.output


def test_export_writes_a_csv_and_an_xlsx_file(demo_database: list[str], tmp_path: Path) -> None:
    as_csv, as_xlsx = tmp_path / "comparaison.csv", tmp_path / "comparaison.xlsx"
    ids = ["demo-forfait", "demo-quote-part"]
    for target in (as_csv, as_xlsx):
        result = runner.invoke(app, ["simulate", *ids, "--export", str(target), *demo_database])
        assert result.exit_code == 0, result.output
        assert "Comparaison exportée" in result.output
    rows = list(csv.DictReader(io.StringIO(as_csv.read_text("utf-8-sig")), delimiter=";"))
    assert next(r for r in rows if r["code"] == "MISTRAL")["montant demo-quote-part (€)"] == (
        "960,00"
    )
    assert openpyxl.load_workbook(as_xlsx).sheetnames == [*ids, "Membres"]


def test_the_reference_option_changes_the_scenario_differences_are_taken_against(
    demo_database: list[str],
) -> None:
    result = runner.invoke(
        app, ["simulate", "demo-forfait", "demo-quote-part", "-r", "demo-quote-part",
              *demo_database],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Plus fortes variations par rapport à B" in result.output


def test_an_unknown_schedule_or_export_format_exits_1_in_french(
    demo_database: list[str], tmp_path: Path
) -> None:
    unknown = runner.invoke(app, ["simulate", "demo-forfait", "inconnu", *demo_database])
    assert unknown.exit_code == 1
    assert "aucun barème n'a l'identifiant « inconnu »" in flat(unknown.output)
    pdf = runner.invoke(app, ["simulate", "--export", str(tmp_path / "x.pdf"), *demo_database])
    assert pdf.exit_code == 1
    assert "le fichier doit finir par .csv ou .xlsx" in flat(pdf.output)
    assert not (tmp_path / "x.pdf").exists()


def test_schedules_lists_the_demo_and_the_example_grids() -> None:
    result = runner.invoke(app, ["schedules"])
    assert result.exit_code == 0, result.output
    for schedule_id in (
        "demo-forfait", "exemple-federation", "exemple-confederation", "exemple-quote-part-ptce"
    ):  # fmt: skip
        assert schedule_id in result.output
    assert "7 barème(s) lu(s) sans erreur" in result.output


def test_schedules_exits_1_naming_the_file_and_key_of_a_bad_schedule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "faux.yaml").write_text(
        "id: faux\nlabel: Faux\nfiscal_year: 2027\nfee:\n  amount: 12.5\n", encoding="utf-8"
    )
    monkeypatch.setenv(RULES_VARIABLE, str(tmp_path))
    result = runner.invoke(app, ["schedules"])
    assert result.exit_code == 1
    assert "faux.yaml : fee.amount :" in flat(result.output)
    assert "entre guillemets" in flat(result.output)


def test_simulate_explains_a_producers_quote_part_of_the_ptce_example(
    demo_database: list[str],
) -> None:
    result = runner.invoke(
        app, ["simulate", "exemple-quote-part-ptce", "--explain", "MISTRAL", *demo_database]
    )
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert f"quote-part de 1{NNBSP}000,00{NBSP}€ répartie entre" in text
    assert "de bénéfices, soit" in text
