"""The ``gouvernance`` command, run as a person would, on a throw-away database."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from gouvernance.cli import app

runner = CliRunner()


def _db(database_url: str) -> list[str]:
    return ["--database", database_url]


def test_init_prepares_the_database_and_says_where(database_url: str) -> None:
    result = runner.invoke(app, ["init", *_db(database_url)])
    assert result.exit_code == 0, result.output
    assert "Base prête" in result.output


def _first_admin(database_url: str, name: str = "admin") -> None:
    """The first account of a new database, created without --as (nobody to act for yet)."""
    created = runner.invoke(
        app, ["users", "add", name, "--password", "un-long-secret", *_db(database_url)]
    )
    assert created.exit_code == 0, created.output


def test_the_first_admin_is_created_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOUVERNANCE_OPERATOR")
    result = runner.invoke(
        app, ["users", "add", "alice", "--role", "admin", "--password", "un-long-secret",
              *_db(database_url)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compte « alice » créé (administrateur)" in result.output
    assert "gouvernance --as alice" in result.output
    anonymous = runner.invoke(
        app, ["users", "add", "bob", "--password", "un-long-secret", *_db(database_url)]
    )
    assert anonymous.exit_code == 1
    assert "précisez au nom de quel compte agir" in anonymous.output
    again = runner.invoke(
        app,
        ["--as", "alice", "users", "add", "alice", "--password", "un-long-secret",
         *_db(database_url)],
    )  # fmt: skip
    assert again.exit_code == 1
    assert "existe déjà" in again.output


def test_an_unknown_role_is_refused_in_french(database_url: str) -> None:
    result = runner.invoke(
        app, ["users", "add", "bob", "--role", "chef", "--password", "un-long-secret",
              *_db(database_url)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "rôle inconnu « chef »" in result.output


def test_a_password_is_asked_without_echo_when_not_given(database_url: str) -> None:
    result = runner.invoke(
        app,
        ["users", "add", "carole", "--role", "admin", *_db(database_url)],
        input="un-long-secret\nun-long-secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "un-long-secret" not in result.output


def test_the_demo_loads_once_and_lists_its_accounts(database_url: str) -> None:
    first = runner.invoke(app, ["demo", *_db(database_url)])
    assert first.exit_code == 0, first.output
    assert "Comptes de démonstration" in first.output
    second = runner.invoke(app, ["demo", *_db(database_url)])
    assert "déjà chargée" in second.output
    listing = runner.invoke(app, ["members", "list", *_db(database_url)])
    assert listing.exit_code == 0
    assert "Membres (" in listing.output


def test_a_bad_import_file_prints_every_bad_line_and_imports_nothing(
    database_url: str, tmp_path: Path
) -> None:
    _first_admin(database_url)
    bad = tmp_path / "membres.csv"
    bad.write_text(
        "type;raison_sociale;siren;catégorie;date_adhésion\n"
        "morale;Recyclerie du Nord;;producer;01/03/2026\n"
        "morale;Atelier Vélo;732829320;martiens;31/02/2026\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["members", "import", str(bad), *_db(database_url)])
    assert result.exit_code == 1
    assert "aucun membre importé" in result.output
    assert "ligne 2" in result.output
    assert "ligne 3" in result.output
    assert "31/02/2026" in result.output
    listing = runner.invoke(app, ["members", "list", *_db(database_url)])
    assert "Membres (0)" in listing.output


def test_an_export_can_be_imported_back_into_an_empty_database(
    database_url: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["demo", *_db(database_url)]).exit_code == 0
    exported = tmp_path / "registre.xlsx"
    result = runner.invoke(app, ["members", "export", str(exported), *_db(database_url)])
    assert result.exit_code == 0, result.output
    assert exported.stat().st_size > 0
    empty = f"sqlite:///{tmp_path / 'vide.sqlite3'}"
    _first_admin(empty)
    imported = runner.invoke(app, ["members", "import", str(exported), "--database", empty])
    assert imported.exit_code == 0, imported.output
    assert "importé(s)" in imported.output


def test_a_bad_database_address_is_a_french_error_not_a_traceback() -> None:
    result = runner.invoke(app, ["init", "--database", "pas-une-adresse://"])
    assert result.exit_code == 1
    assert "adresse de base de données invalide" in result.output
    assert "Traceback" not in result.output


def test_the_demo_refuses_a_database_with_real_accounts(database_url: str) -> None:
    added = runner.invoke(
        app, ["users", "add", "vraie", "--password", "un-long-secret", *_db(database_url)]
    )
    assert added.exit_code == 0
    refused = runner.invoke(app, ["demo", *_db(database_url)])
    assert refused.exit_code == 1
    assert "comptes réels (vraie)" in refused.output
    listing = runner.invoke(app, ["--as", "vraie", "members", "list", *_db(database_url)])
    assert "Membres (0)" in listing.output


def test_a_wrong_postgresql_address_is_french_and_never_prints_its_password() -> None:
    for address in (
        "postgresql://postgres:p%40ss@127.0.0.1:1/x",  # nothing listens on port 1
        "postgresql://postgres:p%40ss@127.0.0.1:5432/base_qui_n_existe_pas",
    ):
        result = runner.invoke(app, ["init", "--database", address])
        assert result.exit_code == 1, result.output
        assert "impossible de se connecter à la base" in result.output
        assert "***" in result.output
        assert "p@ss" not in result.output and "p%40ss" not in result.output
        assert "Traceback" not in result.output


def test_a_sqlite_path_with_a_percent_sign_works(tmp_path: Path) -> None:
    folder = tmp_path / "taux%20"  # a « % » in a path is written %25 in the address
    folder.mkdir()
    address = f"sqlite:///{quote(str(folder))}/base%25.sqlite3"
    result = runner.invoke(app, ["init", "--database", address])
    assert result.exit_code == 0, result.output
    assert (folder / "base%.sqlite3").stat().st_mode & 0o777 == 0o600


def test_serve_runs_one_process_on_a_read_only_database_whatever_was_asked(
    database_url: str, read_only_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gouvernance.cli import setup

    served: list[int] = []
    monkeypatch.setattr(setup, "_serve", lambda *args: served.append(args[3]))
    assert runner.invoke(app, ["init", *_db(database_url)]).exit_code == 0
    result = runner.invoke(app, ["serve", "--database", read_only_url, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert served == [1]
    assert "Base en lecture seule : un seul processus" in " ".join(result.output.split())
    result = runner.invoke(app, ["serve", *_db(database_url), "--workers", "2"])
    assert served == [1, 2] and "2 processus serveurs." in result.output
