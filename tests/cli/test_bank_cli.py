"""``gouvernance bank import | lines | confirm | dismiss | statements`` on the demo with its 2027
calls issued, on 12 December 2026 (see ``tests/releves_bancaires.py`` for the sample)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from releves_bancaires import camt053, csv_francais
from typer.testing import CliRunner, Result

from gouvernance.bootstrap import bootstrap
from gouvernance.cli import app
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ledger import calls

runner = CliRunner()


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    monkeypatch.setenv("GOUVERNANCE_OPERATOR", "tresorier")
    demo_loader(database_url)
    application = bootstrap(database_url, migrate=False)
    try:
        calls.issue_calls(
            application.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
            due_on=date(2026, 12, 31), exclude_incomplete=True,
        )  # fmt: skip
    finally:
        application.close()
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return re.sub(r"[\u00a0\u202f]", " ", result.output)


def line_number(output: str, amount: str) -> str:
    found = re.search(rf"^\s*(\d+)\s+\S+\s+{re.escape(amount)}", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def test_a_statement_imported_twice_from_the_terminal_records_each_payment_once(
    db: list[str], tmp_path: Path
) -> None:
    statement = tmp_path / "releve-decembre.xml"
    statement.write_bytes(camt053())
    first = ok("bank", "import", str(statement), *db)
    assert first.startswith(
        "Relevé importé : 3 paiement(s) enregistré(s), 0 déjà enregistré(s), 1 rejet(s) "
        "enregistré(s), 1 à confirmer, 1 sans correspondance, 1 débit(s) ignoré(s)."
    )
    assert "Relevé RLV-2026-0001 (CAMT.053, releve-decembre.xml, du 01/12/2026 au 10/12/2026)" in (
        first
    )
    assert "RG-2026-0001" in first and "RJ-2026-0001" in first
    assert "AM04 — provision insuffisante" in first
    second = ok("bank", "import", str(statement), *db)
    assert second.strip() == (
        "Rien de nouveau : les 7 ligne(s) de ce relevé sont déjà importées (RLV-2026-0001)."
    )
    payments_list = ok("payments", "list", *db)
    assert "Paiements (3)" in payments_list


def test_the_waiting_lines_are_confirmed_or_dismissed_from_the_terminal(
    db: list[str], tmp_path: Path
) -> None:
    statement = tmp_path / "releve.csv"
    statement.write_bytes(csv_francais())
    ok("bank", "import", str(statement), "--profile", "csv-standard", *db)
    waiting = ok("bank", "lines", "--pending", *db)
    assert "Lignes en attente (2)" in waiting
    assert "HUILES-DU-VAL ?" in waiting
    close, unknown = line_number(waiting, "400,00 €"), line_number(waiting, "75,00 €")
    confirmed = ok("bank", "confirm", close, "HUILES-DU-VAL", "--call", "AC-2027-0004", *db)
    assert (
        confirmed.strip()
        == f"Ligne {close} : paiement enregistré pour HUILES-DU-VAL (RG-2026-0004)."
    )
    dismissed = ok("bank", "dismiss", unknown, "--reason", "don hors cotisations", *db)
    assert dismissed.strip() == f"Ligne {unknown} écartée : don hors cotisations."
    assert ok("bank", "lines", "--pending", *db).strip() == "Lignes en attente : aucune."
    assert "RLV-2026-0001" in ok("bank", "statements", *db)


def test_a_bad_statement_is_refused_in_french_and_records_nothing(
    db: list[str], tmp_path: Path
) -> None:
    statement = tmp_path / "releve.csv"
    statement.write_bytes(csv_francais().replace(b"Solde", b"Commentaire"))
    result = run("bank", "import", str(statement), *db)
    assert result.exit_code == 1
    assert "ligne 3, colonne 6 « Commentaire » : colonne inconnue du profil" in result.output
    assert ok("bank", "statements", *db).strip() == "Aucun relevé importé."
    missing = run("bank", "import", str(tmp_path / "absent.xml"), *db)
    assert missing.exit_code == 1 and "fichier introuvable" in missing.output


def test_confirming_a_line_already_settled_is_refused(db: list[str], tmp_path: Path) -> None:
    statement = tmp_path / "releve.xml"
    statement.write_bytes(camt053())
    first = ok("bank", "import", str(statement), *db)
    settled = line_number(first, "1 262,50 €")
    result = run("bank", "confirm", settled, "MISTRAL", *db)
    assert result.exit_code == 1
    assert f"la ligne {settled} n'attend plus rien : paiement enregistré (RG-2026-0001)" in (
        result.output
    )


def test_bank_help_lists_the_statement_commands() -> None:
    result = run("bank", "--help")
    assert result.exit_code == 0
    for command in ("import", "lines", "confirm", "dismiss", "statements", "set", "show"):
        assert command in result.output
