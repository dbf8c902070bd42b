"""Append-only that holds (migration 0009): ordinary SQL cannot rewrite a record. On SQLite,
``INSERT OR REPLACE``, ``REPLACE INTO``, UPSERT, ``INSERT OR IGNORE`` and ``UPDATE OR REPLACE``
are refused before SQLite deletes anything, against the audit log, payments, calls, capital
operations and votes, and a closed demo assembly cannot be re-opened; every table whose rows
are guarded is guarded on that path too (on PostgreSQL: against TRUNCATE), and the migration
comes off and back on. PostgreSQL's TRUNCATE and the application's role:
``test_append_only_role.py``.

The rows attacked are the demo's (votes of its closed assembly, audit entries) and a ledger
written on top of it: calls issued, a payment, a capital subscription.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from alembic import command
from append_only_setup import CLOSED, OPEN, REWRITES, ledger, rows
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import alembic_config

Test = TypeVar("Test", bound=Callable[..., None])
REFUSED = r"ne se remplace pas|plus rien ne change"


def on_sqlite(test: Test) -> Test:
    """A test of SQLite's own statements: the ``[sqlite]`` variant only."""
    marked: Test = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)(test)
    return marked


__all__ = ["ledger"]  # a fixture, imported to be used


# --- SQLite: no delete-and-rewrite ---------------------------------------------------------


@pytest.fixture
def sqlite_ledger(ledger: str) -> Iterator[sqlite3.Connection]:
    """The ledger's SQLite file, opened as anyone holding it would: plain ``sqlite3``, default
    pragmas (``recursive_triggers`` off, so REPLACE used to skip the delete triggers)."""
    connection = sqlite3.connect(make_url(ledger).database or "", isolation_level=None)
    yield connection
    connection.close()


def replaced(connection: sqlite3.Connection, table: str, verb: str, change: dict[str, Any]) -> str:
    """``verb`` (INSERT OR REPLACE, REPLACE, INSERT … ON CONFLICT DO UPDATE, INSERT OR IGNORE)
    of the table's first row with ``change``; the refusal's message."""
    connection.row_factory = sqlite3.Row
    row = dict(connection.execute(f"SELECT * FROM {table} ORDER BY id LIMIT 1").fetchone())
    row.update(change)
    columns = ", ".join(f'"{name}"' for name in row)
    marks = ", ".join(f":{name}" for name in row)
    if verb == "UPSERT":
        sets = ", ".join(f'"{name}" = excluded."{name}"' for name in change)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO UPDATE SET {sets}"
    else:
        sql = f"{verb} INTO {table} ({columns}) VALUES ({marks})"
    with pytest.raises(sqlite3.IntegrityError) as refusal:
        connection.execute(sql, row)
    return str(refusal.value)


@on_sqlite
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE", "UPSERT", "INSERT OR IGNORE"])
@pytest.mark.parametrize("table", list(REWRITES))
def test_insert_or_replace_cannot_rewrite_a_record_of_the_sqlite_file(
    sqlite_ledger: sqlite3.Connection, ledger: str, table: str, verb: str
) -> None:
    before = rows(ledger, table)
    column, value = REWRITES[table]
    message = replaced(sqlite_ledger, table, verb, {column: value})
    assert message.startswith(f"{table} : une ligne de même clé existe déjà (")
    assert rows(ledger, table) == before


@on_sqlite
def test_a_new_row_reusing_a_payments_reference_cannot_push_the_old_one_out(
    sqlite_ledger: sqlite3.Connection, ledger: str
) -> None:
    """A fresh id but the reference of a recorded payment: REPLACE would delete that one."""
    before = rows(ledger, "payments")
    message = replaced(sqlite_ledger, "payments", "INSERT OR REPLACE", {"id": 99, "cents": 1})
    assert "(uq_payments_reference)" in message
    assert rows(ledger, "payments") == before


@on_sqlite
def test_a_closed_demo_assembly_cannot_be_reopened_by_insert_or_replace(
    sqlite_ledger: sqlite3.Connection, ledger: str
) -> None:
    sqlite_ledger.row_factory = sqlite3.Row
    closed = dict(
        sqlite_ledger.execute("SELECT * FROM assemblies WHERE code = ?", (CLOSED,)).fetchone()
    )
    reopened = {**closed, "status": "open", "closed_at": None, "results": None}
    for sql in (
        "INSERT OR REPLACE INTO assemblies ({c}) VALUES ({v})",
        "REPLACE INTO assemblies ({c}) VALUES ({v})",
        "INSERT INTO assemblies ({c}) VALUES ({v}) ON CONFLICT DO UPDATE SET status = 'open'",
    ):
        for row in (reopened, {**reopened, "id": 999}):  # by its id, by its code
            statement = sql.format(c=", ".join(row), v=", ".join(f":{k}" for k in row))
            with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
                sqlite_ledger.execute(statement, row)
    status = sqlite_ledger.execute("SELECT status FROM assemblies WHERE code = ?", (CLOSED,))
    assert status.fetchone()[0] == "closed"
    assert {row["code"]: row["status"] for row in rows(ledger, "assemblies")}[CLOSED] == "closed"


@on_sqlite
@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE OR REPLACE assemblies SET code = '{CLOSED}' WHERE code = '{OPEN}'",
        f"UPDATE OR REPLACE assemblies SET id = 1 WHERE code = '{OPEN}'",
        "UPDATE OR REPLACE assembly_roll SET assembly_id = 1 WHERE assembly_id = 2",
    ],
)
def test_an_open_assembly_cannot_be_moved_onto_a_closed_one_to_push_it_out(
    sqlite_ledger: sqlite3.Connection, ledger: str, statement: str
) -> None:
    before = rows(ledger, "assemblies"), rows(ledger, "assembly_roll")
    with pytest.raises(sqlite3.IntegrityError, match=REFUSED):
        sqlite_ledger.execute(statement)
    assert (rows(ledger, "assemblies"), rows(ledger, "assembly_roll")) == before


@on_sqlite
def test_the_rows_of_an_open_assembly_still_change_as_it_is_held(
    sqlite_ledger: sqlite3.Connection, ledger: str
) -> None:
    """The key triggers fire on a key only: an ordinary update of an open assembly passes."""
    sqlite_ledger.execute(f"UPDATE assemblies SET title = 'AG ordinaire' WHERE code = '{OPEN}'")
    titles = {row["code"]: row["title"] for row in rows(ledger, "assemblies")}
    assert titles[OPEN] == "AG ordinaire"


def guards(url: str) -> dict[str, set[str]]:
    """Each table with a trigger refusing UPDATE or DELETE, and its guards against the other
    paths: key triggers (SQLite), TRUNCATE trigger (PostgreSQL)."""
    engine = make_engine(url)
    postgresql = engine.dialect.name == "postgresql"
    query = (
        "SELECT c.relname, t.tgname, (t.tgtype & 2) <> 0 AND (t.tgtype & 24) <> 0 "
        "FROM pg_trigger t "  # BEFORE UPDATE or DELETE: an AFTER trigger refuses nothing
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        if postgresql
        else "SELECT tbl_name, name, sql LIKE '% BEFORE UPDATE %' OR sql LIKE '% BEFORE DELETE %' "
        "FROM sqlite_master WHERE type = 'trigger'"
    )
    mark = "_no_truncate" if postgresql else "_no_replace_"
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for table, name, refuses_change in connection.execute(text(query)):
            if mark in name:
                found.setdefault(table, set()).add(name)
            elif refuses_change:
                found.setdefault(table, set())
    engine.dispose()
    return found


def test_every_table_whose_rows_are_guarded_is_guarded_against_replace_and_truncate(
    database_url: str,
) -> None:
    found = guards(database_url)
    assert {"audit_log", "payments", "assemblies", "assembly_ballot_box"} <= set(found)
    unguarded = sorted(table for table, names in found.items() if not names)
    assert unguarded == []


# --- Both: the migration comes off and back on ----------------------------------------------


def guard_count(engine: Engine) -> int:
    query = (
        "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_no\\_truncate'"
        if engine.dialect.name == "postgresql"
        else "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE '%no_replace%'"
    )
    with engine.connect() as connection:
        return int(connection.scalar(text(query)) or 0)


def test_the_migration_comes_off_and_back_on_leaving_the_same_guards(database_url: str) -> None:
    engine = make_engine(database_url)
    config = alembic_config(engine)
    installed = guard_count(engine)

    def migrate(step: Callable[[Any, str], None], target: str) -> int:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, target)
        return guard_count(engine)

    try:
        assert migrate(command.downgrade, "0008") == 0
        assert migrate(command.upgrade, "head") == installed > 0
        assert migrate(command.upgrade, "head") == installed  # nothing to do, nothing doubled
    finally:
        migrate(command.upgrade, "head")  # the next tests share a PostgreSQL database
        engine.dispose()
