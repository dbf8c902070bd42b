"""``gouvernance transition``: the demo's report in the terminal, as JSON and as a document."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY
from gouvernance.services.scic import scic_rules

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "rules" / "statuts" / "demo" / "scic-alpilles.yaml"


def flat(output: str) -> str:
    return re.sub(r"\s+", " ", output.replace("\u202f", " ").replace("\u00a0", " "))


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The demo, on 1 January 2027, in a 120-column terminal."""
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv(TODAY, "2027-01-01")
    loaded = runner.invoke(app, ["demo", "--database", database_url])
    assert loaded.exit_code == 0, loaded.output
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, ["transition", *args])


def test_the_report_prints_members_by_college_colleges_capital_and_findings(
    db: list[str],
) -> None:
    result = run("demo-statuts-scic", *db)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "membres au 01/01/2027" in text
    assert "Collège des usagers (21)" in text
    assert "VOL02 VOL02" not in text
    assert re.search(r"VOL02 Robert Aymard Partenaires et bénévoles \(clause\) 2 100,00 €", text)
    assert "VALLON Commune de Vallon-les-Alpilles Collectivités publiques 6 300,00 €" in text
    assert "capital projeté 10 350,00 €" in text
    assert "part des collectivités ≈ 26,57 %" in text
    assert "Constats (0 erreur(s), 0 avertissement(s))" in text


def test_the_only_statutes_document_is_the_default(db: list[str]) -> None:
    result = run("--on", "01/01/2027", *db)
    assert result.exit_code == 0, result.output
    assert "demo-statuts-scic" in result.output


def test_several_statutes_documents_must_be_named(
    db: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DEMO.read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("id: demo-statuts-scic", "id: autre"), "utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    result = run(*db)
    assert result.exit_code == 1
    assert "précisez les statuts à utiliser (disponibles : autre, demo-statuts-scic)" in flat(
        result.output
    )


def test_json_output_is_the_api_body(db: list[str]) -> None:
    result = run("demo-statuts-scic", "--json", *db)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["capital"]["total"]["cents"] == 1035000
    assert body["capital"]["public_share"]["fraction"] == "55/207"


def test_the_document_is_written_as_pdf_or_html(db: list[str], tmp_path: Path) -> None:
    pdf, html = tmp_path / "rapport.pdf", tmp_path / "rapport.html"
    assert run("demo-statuts-scic", "--document", str(pdf), *db).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert run("--document", str(html), *db).exit_code == 0
    assert "ne vaut pas conseil juridique" in html.read_text(encoding="utf-8")


def test_bad_input_is_refused_in_french_without_a_traceback(db: list[str], tmp_path: Path) -> None:
    wrong = run("demo-statuts-scic", "--document", str(tmp_path / "rapport.docx"), *db)
    assert wrong.exit_code == 1
    assert "le rapport s'écrit en .pdf ou en .html" in wrong.output
    bad_day = run("demo-statuts-scic", "--on", "31/02/2027", *db)
    assert bad_day.exit_code == 1
    assert "date invalide « 31/02/2027 »" in bad_day.output
    unknown = run("inconnus", *db)
    assert unknown.exit_code == 1
    assert "statuts inconnus « inconnus »" in flat(unknown.output)
