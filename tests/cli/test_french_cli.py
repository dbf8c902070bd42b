"""The command speaks French from its first word: help, mistakes, suggestions, option names —
and answers ``--help`` without loading the database, PDF or spreadsheet libraries."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import COMMANDS, app, load
from gouvernance.cli.french import translate

runner = CliRunner()
ENGLISH = re.compile(
    r"\b(Usage|Options:|Commands|Missing|No such|Show this message|Did you mean|Error|"
    r"Invalid value|Try '|required|default:|Aborted|is not a valid|does not exist)\b"
)


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def flat(text: str) -> str:
    """The panel's frame and line breaks removed, to read the message as one line."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", text)


def test_the_help_is_french_from_the_usage_line_to_the_help_option() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Utilisation : gouvernance [OPTIONS] COMMANDE [ARGUMENTS]..." in result.output
    assert "Afficher cette aide et quitter." in result.output
    assert "Trésorerie" in result.output and "Assemblées générales" in result.output
    assert not ENGLISH.search(result.output), result.output


@pytest.mark.parametrize(
    "args",
    [
        ("members", "--help"),
        ("calls", "issue", "--help"),
        ("simulate", "--help"),
        ("assemblies", "vote", "--help"),
        ("users", "add", "--help"),
    ],
)
def test_each_command_help_is_french(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "Utilisation : gouvernance" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_a_mistyped_command_is_named_with_a_french_suggestion() -> None:
    result = run("membres")
    assert result.exit_code == 2
    assert "Pas de commande « membres ». Vouliez-vous dire « members » ?" in flat(result.output)
    assert not ENGLISH.search(result.output), result.output


def test_a_mistyped_sub_command_is_suggested_too() -> None:
    result = run("calls", "isue")
    assert "Pas de commande « isue ». Vouliez-vous dire « issue » ?" in flat(result.output)


def test_a_missing_argument_is_named_in_french() -> None:
    result = run("members", "import")
    assert result.exit_code == 2
    assert "Argument manquant : « FICHIER »." in flat(result.output)
    assert not ENGLISH.search(result.output), result.output


def test_an_unknown_option_and_a_bad_number_are_refused_in_french() -> None:
    unknown = run("members", "list", "--couleur", "bleu")
    assert "Option inconnue : --couleur." in flat(unknown.output)
    bad = run("serve", "--port", "huit-mille")
    assert "Valeur invalide pour « --port » : un nombre entier est attendu." in flat(bad.output)
    for result in (unknown, bad):
        assert not ENGLISH.search(result.output), result.output


def test_an_option_without_its_value_is_refused_in_french() -> None:
    result = run("simulate", "--reference")
    assert "L'option « --reference » attend une valeur." in flat(result.output)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("No such command 'x'.", "Pas de commande « x »."),
        ("Missing option '--on'.", "Option manquante : « --on »."),
        ("Got unexpected extra argument (b)", "Argument(s) en trop : b."),
        (
            "Invalid value for '--to': 'z' is not one of 'a', 'b'.",
            "Valeur invalide pour « --to » : « z » n'est pas permis (choix : « a », « b »).",
        ),
        ("Option '--key' does not take a value.", "L'option « --key » ne prend pas de valeur."),
    ],
)
def test_click_messages_are_translated_whole(english: str, french: str) -> None:
    assert translate(english) == french


def test_a_domain_error_names_the_option_the_person_typed_not_the_api_field(
    database_url: str,
) -> None:
    run("demo", "--database", database_url)
    result = run(
        "assemblies", "attend", "AG-2026-02", "BEN03", "--mode", "représenté",
        "--database", database_url,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "(option --holder)" in result.output, result.output
    assert "champ" not in result.output


def test_every_root_command_listed_in_the_help_is_the_one_that_runs() -> None:
    """The help line of the table is the first line of the command's own help."""
    for entry in COMMANDS:
        command = load(entry)
        assert command.name == entry.name
        first_line = (command.help or "").strip().splitlines()[0].rstrip()
        assert first_line == entry.help, entry.name


def test_the_help_loads_neither_the_database_nor_pdf_spreadsheets_or_the_api() -> None:
    """What makes ``gouvernance --help`` answer in a blink: nothing heavy at import."""
    heavy = ["sqlalchemy", "alembic", "fpdf", "openpyxl", "api", "fastapi", "psycopg", "babel"]
    code = (
        "import sys, json\n"
        "from gouvernance.cli import main\n"
        "sys.argv = ['gouvernance', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
