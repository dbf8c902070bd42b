"""``gouvernance audit`` and ``gouvernance audit verify`` as the board or the administrator
types them: the journal read, the chain verified on the demo, the first broken link named with
exit code 1, a head printed on a document checked again."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.persistence.database import make_engine

runner = CliRunner()


@pytest.fixture
def db(database_url: str, demo_loader: Callable[[str], None]) -> list[str]:
    demo_loader(database_url)
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def flat(output: str) -> str:
    """The output with Rich's wrapping undone and Babel's no-break spaces made ordinary."""
    return re.sub(r" *\n *", " ", output).replace("\u202f", " ").replace("\u00a0", " ")


def head(database_url: str) -> tuple[int, str]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, digest FROM audit_log ORDER BY id DESC LIMIT 1")
        ).one()
    engine.dispose()
    return row.id, row.digest


def edit_with_the_triggers_off(database_url: str, statement: str) -> None:
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        ).fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
        connection.execute(statement)
        connection.close()
        return
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(statement))
    engine.dispose()


def test_the_demo_log_verifies_and_names_its_head(db: list[str], database_url: str) -> None:
    number, digest = head(database_url)
    result = run("audit", "verify", *db)
    assert result.exit_code == 0, result.output
    shown = f"{number:,}".replace(",", " ")  # 207, or « 1 207 » with a (narrow) space
    assert flat(result.output).strip() == (
        f"journal intègre : {shown} entrées, tête n° {shown}, empreinte {digest[:16]}…"
    )


def test_an_entry_edited_with_the_triggers_off_is_named_and_the_exit_code_is_1(
    db: list[str], database_url: str
) -> None:
    edit_with_the_triggers_off(database_url, "UPDATE audit_log SET detail = '{}' WHERE id = 42")
    result = run("audit", "verify", *db)
    assert result.exit_code == 1
    assert "l'entrée n° 42 ne correspond plus à son empreinte : modifiée après coup" in flat(
        result.output
    )
    assert "Traceback" not in result.output


def test_a_deleted_entry_is_named(db: list[str], database_url: str) -> None:
    edit_with_the_triggers_off(database_url, "DELETE FROM audit_log WHERE id IN (7, 8)")
    result = run("audit", "verify", *db)
    assert result.exit_code == 1
    assert "les entrées n° 7 à 8 manquent : supprimées après coup" in flat(result.output)


def test_a_head_printed_on_an_export_is_checked_again_later(
    db: list[str], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-02-15")
    exported = run("export", "payments", "--out", str(tmp_path / "paiements.csv"), *db)
    assert exported.exit_code == 0, exported.output
    number, digest = head(database_url)
    said = flat(exported.output)
    assert f"Tête du journal d'audit à l'export : journal n° {number}, empreinte " in said
    assert f"gouvernance audit verify --head {number}:{digest[:16]}" in said
    kept = run("audit", "verify", "--head", f"{number}:{digest[:16]}", *db)
    assert kept.exit_code == 0, kept.output
    assert "imprimée sur le document est toujours dans le journal" in flat(kept.output)
    forged = run("audit", "verify", "--head", f"{number}:{'0' * 16}", *db)
    assert forged.exit_code == 1
    assert (
        f"l'entrée n° {number} n'a plus l'empreinte imprimée sur le document : le journal a été "
        "réécrit depuis" in flat(forged.output)
    )
    typo = run("audit", "verify", "--head", "n° douze", *db)
    assert typo.exit_code == 1
    assert "n'est pas une tête de journal" in flat(typo.output)
    assert "option --head" in flat(typo.output)


def test_the_journal_still_reads_without_a_sub_command_with_its_numbers(db: list[str]) -> None:
    result = run("audit", "--limit", "2", *db)
    assert result.exit_code == 0, result.output
    assert "Journal d'audit (2 dernière(s) entrée(s))" in result.output
    assert "N°" in result.output
    assert "démo.chargée" in flat(result.output)


def test_the_database_may_be_named_before_the_sub_command(db: list[str], database_url: str) -> None:
    result = run("audit", "--database", database_url, "verify")
    assert result.exit_code == 0, result.output
    assert "journal intègre" in result.output


def test_an_account_that_may_not_read_the_log_may_not_verify_it(db: list[str]) -> None:
    result = run("--as", "tresorier", "audit", "verify", *db)
    assert result.exit_code == 1
    assert "Erreur" in result.output
