"""Ajout seul garanti : INSERT OR REPLACE et TRUNCATE refusés, rôles PostgreSQL sans propriété.

The triggers of 0001–0008 refuse ``UPDATE`` and ``DELETE`` on the records that are only ever
added to (audit log, ledger, capital register, votes, ballot box…) and on an assembly once it
is closed. Two ordinary statements went round them:

- SQLite's ``INSERT OR REPLACE`` (``REPLACE INTO``, ``UPDATE OR REPLACE``) deletes the row
  holding the same key *without firing its delete triggers* (they fire only under
  ``PRAGMA recursive_triggers``, off by default), then inserts the new one: an audit entry
  rewritten, a payment set to 0,01 €, a closed assembly re-opened. Each such table now gets,
  per key (primary key and every unique constraint or index), a ``BEFORE INSERT`` trigger that
  refuses a row whose key is already there; a ``BEFORE`` trigger fires before SQLite resolves
  the conflict, so the row is never deleted. The tables still changed while their assembly is
  open also get a ``BEFORE UPDATE OF <key>`` trigger (``UPDATE OR REPLACE`` onto another row's
  key). An UPSERT (``ON CONFLICT DO UPDATE``) meets the insert trigger first, and the update
  triggers anyway. ``INSERT OR IGNORE`` on an existing key is refused instead of ignored: it
  changed nothing either way. The message names the constraint, so the unit of work still
  explains a lost race in French (``uq_assembly_votes_voter`` → « a déjà voté »). The one
  ``ON CONFLICT DO NOTHING`` of the application on these tables (``organisation_snapshots``,
  by digest) looks the digest up first, and SQLite writers are serialised (``BEGIN
  IMMEDIATE``): it never meets the trigger. ``idempotency_keys`` and ``ledger_sequences``
  change in place: they are not concerned.
- PostgreSQL's ``TRUNCATE`` fires no row trigger: each table gets a ``BEFORE TRUNCATE … FOR EACH
  STATEMENT`` trigger (a ``CASCADE`` from another table fires it too). The application role
  (``gouvernance db roles``) has no TRUNCATE right either, and owns nothing, so it cannot
  disable or drop a trigger. ``session_replication_role = replica`` (superuser only) switches
  these triggers off like the others: the test fixtures empty tables that way.

A table of the lists that does not exist is skipped (0007 was written alongside this one).
Triggers only, no table copy: on SQLite a ``batch_alter_table`` would drop them all. Upgrade and
downgrade can each be run again (``IF NOT EXISTS``, ``IF EXISTS``, ``OR REPLACE``).

The price, on SQLite: any ``BEFORE INSERT`` trigger costs about 3.5 µs of processor per row
inserted, whatever it checks (≈ 0.35 s for 100 000 calls, ``bench/README.md``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Rows only ever added: never updated, never deleted.
APPEND_ONLY = (
    "audit_log",  # 0001
    "call_batches", "calls", "credit_notes", "payments", "allocations", "reminders",  # 0002
    "capital_operations",  # 0003
    "assembly_votes",  # 0004
    "organisation_snapshots",  # 0005
    "refunds",  # 0006
    "assembly_ballot_box", "assembly_vote_closings",  # 0007 (0008 chains audit_log: no table)
)  # fmt: skip
# Changed while their assembly is open, frozen once it is closed; an assembly is never deleted.
FROZEN = (
    "assemblies",
    "assembly_roll",
    "assembly_attendance",
    "assembly_resolutions",
    "assembly_counts",
)
TABLES = APPEND_ONLY + FROZEN

_NO_TRUNCATE = "append_only_no_truncate"


class _Key(NamedTuple):
    """A primary key or unique key of a table, by the name its constraint carries (a named
    tuple: Alembic loads this file outside ``sys.modules``, where a dataclass cannot be made)."""

    name: str
    columns: tuple[str, ...]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _refuse_truncate()
    else:
        _refuse_replace()


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in _present(TABLES):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {_NO_TRUNCATE}()")
        return
    triggers = bind.execute(
        sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
    ).all()
    for table, name in triggers:
        if table in TABLES and name.startswith(f"{table}_no_replace_"):
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _present(tables: tuple[str, ...]) -> list[str]:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    return [table for table in tables if table in existing]


# --- PostgreSQL -----------------------------------------------------------------------------


def _refuse_truncate() -> None:
    op.execute(
        f"CREATE OR REPLACE FUNCTION {_NO_TRUNCATE}() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'table % : vidage (TRUNCATE) interdit, ses lignes ne s''effacent "
        "pas', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
    )
    for table in _present(TABLES):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_NO_TRUNCATE}()"
        )


# --- SQLite ---------------------------------------------------------------------------------


def _refuse_replace() -> None:
    for table in _present(APPEND_ONLY):
        for key in _keys(table):
            _refuse_insert_over(table, key)
    for table in _present(FROZEN):
        for key in _keys(table):
            _refuse_insert_over(table, key)
            _refuse_update_onto(table, key)


def _keys(table: str) -> list[_Key]:
    """The primary key, then each unique constraint and unique index, as SQLite knows them."""
    inspector = sa.inspect(op.get_bind())
    primary = inspector.get_pk_constraint(table)
    keys = [_Key(primary.get("name") or f"pk_{table}", tuple(primary["constrained_columns"]))]
    for unique in inspector.get_unique_constraints(table):
        keys.append(_Key(unique["name"] or f"uq_{table}", tuple(unique["column_names"])))
    for index in inspector.get_indexes(table):
        if index["unique"]:
            columns = tuple(column for column in index["column_names"] if column is not None)
            keys.append(_Key(index["name"] or f"ix_{table}", columns))
    seen: set[tuple[str, ...]] = set()
    distinct = []
    for key in keys:
        if key.columns and key.columns not in seen:
            seen.add(key.columns)
            distinct.append(key)
    return distinct


def _same_key(key: _Key) -> str:
    return " AND ".join(f'"{column}" = NEW."{column}"' for column in key.columns)


def _refuse_insert_over(table: str, key: _Key) -> None:
    """A row whose key is already there: refused before SQLite could delete the old one."""
    message = (
        f"{table} : une ligne de même clé existe déjà ({key.name}) ; ajout seul, une ligne "
        "enregistrée ne se remplace pas"
    )
    op.execute(
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_replace_{key.name}" BEFORE INSERT ON {table} '
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {_same_key(key)}) "
        f"BEGIN SELECT RAISE(ABORT, '{_quoted(message)}'); END"
    )


def _refuse_update_onto(table: str, key: _Key) -> None:
    """``UPDATE OR REPLACE`` moving a row onto another row's key would delete that row."""
    message = (
        f"{table} : une autre ligne porte déjà cette clé ({key.name}) ; elle ne se remplace pas"
    )
    columns = ", ".join(f'"{column}"' for column in key.columns)
    op.execute(
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_replace_update_{key.name}" BEFORE UPDATE OF '
        f"{columns} ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {_same_key(key)} AND rowid <> OLD.rowid) "
        f"BEGIN SELECT RAISE(ABORT, '{_quoted(message)}'); END"
    )


def _quoted(text: str) -> str:
    return text.replace("'", "''")
