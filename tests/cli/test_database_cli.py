"""``gouvernance db roles``: the application role's statements for a DBA (``--print``, without
connecting), and a French refusal where there are no roles. The command run on PostgreSQL, as
the owner, is tried in ``tests/storage/test_append_only_role.py``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from gouvernance.bootstrap import APPLICATION_ROLE
from gouvernance.cli import app
from gouvernance.cli.database import DEFAULT_ROLE

runner = CliRunner()
# Nothing listens on port 1: --print must not try to connect.
NOWHERE = "postgresql://gouvernance@127.0.0.1:1/registre"


def test_print_writes_the_statements_for_a_dba_without_connecting() -> None:
    result = runner.invoke(app, ["db", "roles", "--print", "--database", NOWHERE])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("-- Rôle applicatif « gouvernance_app »")
    assert "-- Mot de passe : dans psql, \\password gouvernance_app" in lines
    statements = [line for line in lines if not line.startswith("--")]
    assert all(statement.endswith(";") for statement in statements)
    assert 'GRANT CONNECT ON DATABASE "registre" TO "gouvernance_app";' in statements
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO '
        '"gouvernance_app";'
    ) in statements
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE "gouvernance" IN SCHEMA "public" REVOKE TRUNCATE, '
        'REFERENCES, TRIGGER ON TABLES FROM "gouvernance_app";'
    ) in statements
    grants = [statement for statement in statements if " GRANT " in f" {statement}"]
    assert len(grants) == 6
    assert [g for g in grants if any(w in g for w in ("TRUNCATE", "TRIGGER", "REFERENCES"))] == []
    assert "OWNER" not in result.output


def test_a_password_given_is_written_as_a_quoted_literal() -> None:
    result = runner.invoke(
        app,
        ["db", "roles", "--print", "--role", "registre_app", "--password", "l'été",
         "--database", NOWHERE],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert """ALTER ROLE "registre_app" LOGIN PASSWORD 'l''été';""" in result.output
    assert "\\password" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--database", "sqlite:///registre.sqlite3"], "les rôles n'existent que sous PostgreSQL"),
        (["--role", "Gouvernance-App", "--database", NOWHERE], "nom de rôle invalide"),
        (["--database", "postgresql://gouvernance@127.0.0.1:1"], "ne nomme pas de base"),
    ],
)
def test_db_roles_refuses_in_french_what_it_cannot_do(arguments: list[str], message: str) -> None:
    result = runner.invoke(app, ["db", "roles", "--print", *arguments])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_the_default_role_of_the_command_is_the_one_of_the_bootstrap() -> None:
    assert DEFAULT_ROLE == APPLICATION_ROLE == "gouvernance_app"
