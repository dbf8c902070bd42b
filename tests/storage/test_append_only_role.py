"""Append-only that holds on PostgreSQL (migration 0009, ``gouvernance db roles``): TRUNCATE is
refused even to the owner of the tables, and the application's role, which owns nothing, can
neither empty a table nor disable or drop a trigger nor rewrite a row, while it still opens an
up-to-date base and records payments and ballots; an out-of-date base is migrated by the owner
only. The role is made by the command's service in the per-worker test database
(``<base>_app``), and dropped afterwards.

Only when ``GOUVERNANCE_TEST_DATABASE_URL`` is set: there is no role nor TRUNCATE on SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from typer.testing import CliRunner

if not os.environ.get("GOUVERNANCE_TEST_DATABASE_URL"):
    pytest.skip(
        "PostgreSQL absent (GOUVERNANCE_TEST_DATABASE_URL) : TRUNCATE et rôles non essayés",
        allow_module_level=True,
    )

from alembic import command
from append_only_setup import OPEN, REWRITES, SCRUTINEER, TREASURER, ledger, rows
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import (
    application_role_script,
    bootstrap,
    create_application_role,
)
from gouvernance.cli import app as cli
from gouvernance.domain.assembly.model import Choice
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import InvalidInput, ServiceUnavailable
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import alembic_config
from gouvernance.services.assembly import assemblies
from gouvernance.services.ledger import payments

pytestmark = [
    pytest.mark.postgresql_only,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]


__all__ = ["ledger"]  # a fixture, imported to be used


@pytest.fixture
def owner_engine(ledger: str) -> Iterator[Engine]:
    """The test server's superuser, owner of the tables."""
    engine = make_engine(ledger)
    yield engine
    engine.dispose()


@pytest.fixture
def app_role(owner_engine: Engine, ledger: str) -> Iterator[str]:
    """The application role, made by the command's service; its address (no password: the
    test server trusts local connections)."""
    role = f"{make_url(ledger).database}_app"
    create_application_role(ledger, role, None)
    yield make_url(ledger).set(username=role).render_as_string(hide_password=False)
    with owner_engine.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{role}"'))
        connection.execute(text(f'DROP ROLE "{role}"'))


def refused(url: str, statement: str) -> str:
    engine = make_engine(url)
    try:
        with pytest.raises(DatabaseError) as refusal, engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    return str(refusal.value.orig)


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_log",
        *(f"TRUNCATE {table} CASCADE" for table in REWRITES),
        "TRUNCATE members CASCADE",
        "TRUNCATE assemblies CASCADE",
    ],
)
def test_truncate_is_refused_even_to_the_owner_cascade_or_not(
    owner_engine: Engine, ledger: str, statement: str
) -> None:
    before = {table: len(rows(ledger, table)) for table in REWRITES}
    assert "vidage (TRUNCATE) interdit" in refused(ledger, statement)
    assert {table: len(rows(ledger, table)) for table in REWRITES} == before
    assert all(before.values())


@pytest.mark.parametrize(
    "statement",
    [
        *(f"TRUNCATE {table}" for table in REWRITES),
        "TRUNCATE payments CASCADE",
        "ALTER TABLE payments DISABLE TRIGGER payments_append_only",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP TRIGGER payments_no_truncate ON payments",
        "ALTER TABLE payments OWNER TO CURRENT_USER",
        "SET session_replication_role = replica",
        "UPDATE payments SET cents = 1",
        "DELETE FROM audit_log",
        "DELETE FROM assembly_votes",
        "CREATE TABLE payments_copy (id integer)",
        "CREATE TRIGGER t BEFORE TRUNCATE ON payments EXECUTE FUNCTION append_only_no_truncate()",
    ],
)
def test_the_application_role_can_neither_empty_nor_unguard_nor_rewrite_a_table(
    app_role: str, ledger: str, statement: str
) -> None:
    before = {table: rows(ledger, table) for table in REWRITES}
    message = refused(app_role, statement)
    assert any(
        reason in message
        for reason in (
            "permission denied",
            "must be owner",
            "droit refusé",
            "doit être le propriétaire",
            "modification interdite",
            "ne se modifie pas",
        )
    ), message
    assert {table: rows(ledger, table) for table in REWRITES} == before


def test_the_application_role_opens_the_base_and_records_a_payment_and_a_ballot(
    app_role: str, ledger: str
) -> None:
    application = bootstrap(app_role)  # up to date: reading the revision is all it does
    try:
        paid = payments.record_payment(
            application.uows, TREASURER, "GARRIGUE", 5000, date(2026, 12, 10), PaymentMethod.CHEQUE
        )
        receipt = assemblies.cast_ballot(
            application.uows, SCRUTINEER, OPEN, 1, "RESSOURCERIE", Choice.FOR
        )
    finally:
        application.close()
    assert paid.reference in {row["reference"] for row in rows(ledger, "payments")}
    assert receipt.voter_code == "RESSOURCERIE"


def test_the_application_role_has_rows_only_and_making_it_again_changes_nothing(
    app_role: str, ledger: str, owner_engine: Engine
) -> None:
    role = make_url(app_role).username
    again = create_application_role(ledger, role or "", None)
    assert not again.created
    with owner_engine.connect() as connection:
        rights = connection.execute(
            text(
                "SELECT privilege_type, count(*) FROM information_schema.role_table_grants "
                "WHERE grantee = :role GROUP BY privilege_type"
            ),
            {"role": role},
        ).all()
        tables = connection.scalar(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        )
        owned = connection.scalar(
            text(
                "SELECT count(*) FROM pg_class "
                "WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = :role)"
            ),
            {"role": role},
        )
        attributes = connection.execute(
            text(
                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolcanlogin "
                "FROM pg_roles WHERE rolname = :role"
            ),
            {"role": role},
        ).one()
    assert dict(rights) == {right: tables for right in ("SELECT", "INSERT", "UPDATE", "DELETE")}
    assert owned == 0
    assert tuple(attributes) == (False, False, False, False, True)


def test_the_owner_is_refused_as_application_role(owner_engine: Engine, ledger: str) -> None:
    with pytest.raises(InvalidInput, match="propriétaire des tables"):
        create_application_role(ledger, make_url(ledger).username or "", None)


def test_the_printed_statements_run_by_hand_give_the_same_role(
    owner_engine: Engine, ledger: str
) -> None:
    role = f"{make_url(ledger).database}_dba"
    script = application_role_script(ledger, role, "m'passe")
    try:
        with owner_engine.begin() as connection:
            for line in script:
                if not line.startswith("--"):
                    connection.exec_driver_sql(line)
        url = make_url(ledger).set(username=role, password="m'passe")
        assert "must be owner" in refused(
            url.render_as_string(hide_password=False), "ALTER TABLE payments DISABLE TRIGGER ALL"
        )
    finally:
        with owner_engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))


def test_an_out_of_date_base_is_migrated_by_the_owner_and_never_by_the_application_role(
    app_role: str, ledger: str, owner_engine: Engine
) -> None:
    config = alembic_config(owner_engine)
    with owner_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    try:
        with pytest.raises(ServiceUnavailable, match="GOUVERNANCE_DATABASE_OWNER_URL"):
            bootstrap(app_role)
        bootstrap(app_role, owner=ledger).close()
        assert "vidage (TRUNCATE) interdit" in refused(ledger, "TRUNCATE audit_log")
    finally:
        with owner_engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def test_the_command_creates_the_role_then_only_puts_its_rights_back(
    owner_engine: Engine, ledger: str
) -> None:
    role = f"{make_url(ledger).database}_cli"
    command_line = [
        "db",
        "roles",
        "--role",
        role,
        "--password",
        "s%c'ret-XYZ",
        "--database",
        ledger,
    ]
    try:
        first = CliRunner().invoke(cli, command_line)
        again = CliRunner().invoke(cli, command_line)
    finally:
        with owner_engine.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    assert first.exit_code == 0, first.output
    assert f"Rôle applicatif « {role} » créé" in first.output
    assert f"ALTER ROLE \"{role}\" LOGIN PASSWORD '***';" in first.output
    assert "ret-XYZ" not in first.output + again.output
    assert f"GOUVERNANCE_DATABASE_URL=postgresql://{role}:***@127.0.0.1:5432/" in first.output
    assert again.exit_code == 0, again.output
    assert "déjà présent, droits remis à jour" in again.output
