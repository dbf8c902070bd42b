"""``gouvernance statutes …`` and ``gouvernance law …``, as a person runs them: rule files only,
no database; ``statutes check`` exits 1 on an error finding, 0 otherwise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.cli import shell as cli_shell
from gouvernance.services.scic import scic_rules

runner = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "rules" / "statuts" / "demo" / "scic-alpilles.yaml"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200-column console: Rich fixes the width at import when COLUMNS is set then, so the
    environment variable alone is not enough when another test imported the CLI first."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(cli_shell.console, "_width", 200)


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def flat(output: str) -> str:
    return re.sub(r" *\n *", " ", output).replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def unlawful(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo statutes with a 5 % ristourne and an interest rate of 5 %."""
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace('ristourne: "0 %"', 'ristourne: "5 %"').replace(
        'interest_rate: "2 %"', 'interest_rate: "5 %"'
    )
    (tmp_path / "statuts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))


def test_statutes_list_shows_the_demo() -> None:
    result = run("statutes", "list")
    assert result.exit_code == 0, result.output
    assert "demo-statuts-scic" in result.output
    assert "SCIC SAS" in result.output and "01/01/2027" in result.output


def test_statutes_show_writes_the_colleges_and_the_rules_of_the_day() -> None:
    result = run("statutes", "show", "demo-statuts-scic", "--on", "14/11/2026")
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    usagers = next(li for li in result.output.splitlines() if "Collège des usagers" in li)
    assert "20\u00a0%" in usagers and "beneficiaires" in usagers
    assert "préréglage SCIC SAS au 14/11/2026" in text
    assert "1re convocation : quorum 20 % des associés ; majorité : plus de la moitié" in text
    assert "Exception : VOL02 → collège usagers" in text


def test_lawful_statutes_check_exits_0() -> None:
    result = run("statutes", "check", "demo-statuts-scic", "--on", "2027-01-01")
    assert result.exit_code == 0, result.output
    assert "Conformes : aucun constat." in result.output


def test_unlawful_statutes_check_exits_1_with_a_table(unlawful: None) -> None:
    result = run("statutes", "check", "demo-statuts-scic", "--on", "2025-06-30")
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    for heading in ("gravité", "constat", "article", "clé"):
        assert heading in text
    assert "erreur" in text and "surplus.ristourne" in text and "art. 19 nonies" in text
    assert "avertissement" in text and "surplus.interest_rate" in text
    assert "Statuts non conformes : 1 erreur(s), 1 avertissement(s)." in text


def test_statutes_check_in_json(unlawful: None) -> None:
    result = run("statutes", "check", "demo-statuts-scic", "--on", "2025-06-30", "--json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["lawful"] is False
    assert [(f["severity"], f["code"]) for f in body["findings"]] == [
        ("error", "ristourne_planned"),
        ("warning", "interest_rate_above_cap"),
    ]


def test_a_warning_alone_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = DEMO.read_text(encoding="utf-8").replace('interest_rate: "2 %"', 'interest_rate: "5 %"')
    (tmp_path / "statuts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    result = run("statutes", "check", "demo-statuts-scic", "--on", "2025-06-30")
    assert result.exit_code == 0, result.output
    assert "0 erreur(s), 1 avertissement(s)" in flat(result.output)


def test_unknown_statutes_are_refused_in_french() -> None:
    result = run("statutes", "check", "inconnus")
    assert result.exit_code == 1
    assert "statuts inconnus « inconnus »" in result.output


def test_a_bad_day_is_refused_in_french() -> None:
    result = run("statutes", "check", "demo-statuts-scic", "--on", "demain")
    assert result.exit_code == 1
    assert "date invalide « demain »" in result.output


def test_law_params_on_a_day() -> None:
    result = run("law", "params", "--on", "2014-08-01")
    assert result.exit_code == 0, result.output
    line = next(li for li in result.output.splitlines() if "public_bodies_capital_max" in li)
    assert "20 %" in flat(line) and "19/07/2001" in line


def test_law_tmo_lists_the_semesters() -> None:
    result = run("law", "tmo")
    assert result.exit_code == 0, result.output
    assert "1er semestre 2012" in result.output and "3,15" in result.output


def test_law_cap_explains_the_2025_cap() -> None:
    result = run("law", "cap", "2025")
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert text.startswith("4,80 %")
    assert "moyenne du TMO des années 2022 à 2024" in text
    assert "= 2,80 %, majorée de 2 % = 4,80 %" in text


@pytest.fixture
def sa_statutes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo statutes as a SCIC SA valid from 2015, following the SA preset."""
    text = DEMO.read_text(encoding="utf-8").replace("legal_form: scic_sas", "legal_form: scic_sa")
    text = re.sub(r"valid_from: \S+", "valid_from: 2015-01-01", text)
    text = text.replace("preset: scic_sas", "preset: scic_sa")
    (tmp_path / "statuts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))


@pytest.mark.usefixtures("sa_statutes")
def test_statutes_show_applies_the_2019_switch_of_the_fiscal_year_given() -> None:
    # closing on 30 June: the first closing after 19/07/2019 is 30/06/2020
    result = run(
        "statutes", "show", "demo-statuts-scic", "--on", "16/12/2019", "--exercice", "01/07"
    )
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "ici l'exercice ouvert le 01/07 et clos le 30/06/2020" in text
    assert "tenue avant cette clôture, suit l'ancienne règle" in text
    calendar = flat(run("statutes", "show", "demo-statuts-scic", "--on", "15/06/2020").output)
    assert "clos le 31/12/2019" in calendar and "suit la nouvelle règle" in calendar


def test_statutes_show_refuses_a_fiscal_year_start_that_is_not_a_day() -> None:
    result = run("statutes", "show", "demo-statuts-scic", "--exercice", "31/02")
    assert result.exit_code != 0
    assert "exercice" in flat(result.output)
