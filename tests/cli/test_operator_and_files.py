"""Who a command acts for, and the files it writes: a named account, never ``cli:root``; a
file that cannot be written is refused in French before any work, never with a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.bootstrap import bootstrap
from gouvernance.domain.users import SYSTEM
from gouvernance.services import audit

runner = CliRunner()


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The demo, on the day its calls can be issued and reminded."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    monkeypatch.setenv("COLUMNS", "160")

    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    return ["--database", database_url]


def run(*args: str) -> Result:
    from gouvernance.cli import app

    return runner.invoke(app, list(args))


def last_entry(database_url: str) -> tuple[str, str]:
    application = bootstrap(database_url, migrate=False)
    try:
        entry = audit.recent(application.uows, SYSTEM, 1)[0]
    finally:
        application.close()
    return entry.actor, entry.action


def test_a_command_without_a_named_account_is_refused_and_lists_the_accounts(
    db: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_OPERATOR")
    result = run("members", "list", *db)
    assert result.exit_code == 1
    assert "précisez au nom de quel compte agir" in result.output
    assert "tresorier" in result.output
    assert "Traceback" not in result.output


def test_a_change_made_from_the_terminal_is_signed_by_the_named_account(
    db: list[str], database_url: str
) -> None:
    issued = run(
        "--as", "tresorier", "calls", "issue", "demo-bareme-ca", "--due", "2026-12-31",
        "--exclude-incomplete", *db,
    )  # fmt: skip
    assert issued.exit_code == 0, issued.output
    assert last_entry(database_url) == ("tresorier", "appels.émis")


def test_the_named_account_role_applies_to_what_the_command_may_do(db: list[str]) -> None:
    refused = run("--as", "adherent", "users", "list", *db)
    assert refused.exit_code == 1
    assert "le rôle adhérent ne permet pas de gérer les comptes" in refused.output
    unknown = run("--as", "personne", "members", "list", *db)
    assert unknown.exit_code == 1
    assert "aucun compte « personne »" in unknown.output
    assert "(option --as)" in unknown.output


def test_the_operator_can_also_come_from_the_environment(
    db: list[str], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_OPERATOR", "bureau")
    result = run("organisation", "show", *db)
    assert result.exit_code == 0, result.output
    assert "Présidente" in result.output


def _issue(db: list[str]) -> None:
    issued = run(
        "calls", "issue", "demo-bareme-ca", "--due", "2026-12-31", "--exclude-incomplete", *db
    )
    assert issued.exit_code == 0, issued.output


# Every option that writes a file, with where its file goes: (command, option, good ending).
WRITERS = [
    (["members", "export"], None, ".csv"),
    (["simulate", "--export"], "--export", ".xlsx"),
    (["calls", "letter", "AC-2027-0001", "--out"], "--out", ".pdf"),
    (["calls", "letters", "LOT-2027-01", "--out"], "--out", ".pdf"),
    (["reminders", "send", "--on", "2027-02-20", "--out"], "--out", ".pdf"),
    (["export", "calls", "--out"], "--out", ".csv"),
    (["export", "payments", "--out"], "--out", ".xlsx"),
    (["export", "fec", "--start", "2027-01-01", "--end", "2027-12-31", "--out"], "--out", ".txt"),
    (["export", "sepa", "--collection-date", "2027-01-10", "--out"], "--out", ".xml"),
    (["capital", "certificate", "MISTRAL", "--output"], "--output", ".pdf"),
    (["transition", "--document"], "--document", ".pdf"),
    (["assemblies", "minutes", "AG-2026-01", "--output"], "--output", ".pdf"),
]
IDS = [" ".join(w for w in command if not w.startswith("-"))[:30] for command, _, _ in WRITERS]


def _where(option: str | None) -> str:
    return f"(option {option})" if option else "(argument FICHIER)"


@pytest.mark.parametrize(("command", "option", "ending"), WRITERS, ids=IDS)
def test_a_file_in_a_missing_folder_is_refused_in_french_naming_the_option(
    db: list[str], tmp_path: Path, command: list[str], option: str | None, ending: str
) -> None:
    _issue(db)
    target = tmp_path / "absent" / f"fichier{ending}"
    result = run(*command, str(target), *db)
    assert result.exit_code == 1, result.output
    assert "n'existe pas" in result.output and _where(option) in result.output
    assert "Traceback" not in result.output and not target.exists()


@pytest.mark.parametrize(("command", "option", "ending"), WRITERS, ids=IDS)
def test_a_file_with_a_wrong_ending_is_refused_in_french_naming_the_option(
    db: list[str], tmp_path: Path, command: list[str], option: str | None, ending: str
) -> None:
    _issue(db)
    target = tmp_path / "fichier.docx"
    result = run(*command, str(target), *db)
    assert result.exit_code == 1, result.output
    assert "fichier.docx" in result.output and _where(option) in result.output
    assert "Traceback" not in result.output and not target.exists()


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["members", "export"], None),
        (["simulate", "--export"], "--export"),
        (["export", "calls", "--out"], "--out"),
        (["capital", "certificate", "MISTRAL", "--output"], "--output"),
        (["assemblies", "minutes", "AG-2026-01", "--output"], "--output"),
    ],
)
def test_a_folder_where_a_file_is_expected_is_refused_in_french(
    db: list[str], tmp_path: Path, command: list[str], option: str | None
) -> None:
    folder = tmp_path / "dossier.csv"
    folder.mkdir()
    result = run(*command, str(folder), *db)
    assert result.exit_code == 1, result.output
    assert "est un dossier" in result.output or "s'écrit en" in result.output
    assert "Traceback" not in result.output


def test_reminders_to_a_missing_folder_record_nothing(
    db: list[str], tmp_path: Path, database_url: str
) -> None:
    _issue(db)
    before = last_entry(database_url)
    result = run(
        "reminders", "send", "--on", "2027-02-20", "--out", str(tmp_path / "x" / "r.pdf"), *db
    )
    assert result.exit_code == 1
    assert last_entry(database_url) == before


def test_simulate_has_a_totals_only_view(db: list[str]) -> None:
    full = run("simulate", *db)
    totals = run("simulate", "--totals", *db)
    assert full.exit_code == totals.exit_code == 0
    assert "Cotisation par membre" in full.output
    assert "Cotisation par membre" not in totals.output
    assert "Totaux par barème" in totals.output
    assert "Données manquantes" in totals.output
    assert json.dumps(totals.output)  # printable as is
