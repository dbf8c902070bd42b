"""Version du registre, avancée par la base à chaque changement ; index des avoirs par appel.

The board's simulation reads the whole registry (10 000 members, their figures, the category
labels) and compares the schedules on it: about a second of work whose answer changes only when
the registry or a schedule file does. ``registry_version`` is one row, moved forward by the
database itself after any INSERT, UPDATE or DELETE on ``members``, ``member_facts`` and
``categories``, whichever path made the change (web, API, CLI, import, a hand-made SQL edit): a
comparison cached under the version it was computed at is valid exactly while the version is
the same, in every server process. SQLite: a trigger per row and per operation; PostgreSQL: one
per statement (a CSV import of 100 000 members moves the counter a few times, not 100 000).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "registry_version"
WATCHED = ("members", "member_facts", "categories")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
FUNCTION = "gv_registry_version_bump"
# An UPSERT, not an UPDATE: were the row ever deleted (a copy emptied table by table), the
# version would start again instead of standing still — a version that never moves would let a
# stale comparison be served.
BUMP = (
    f"INSERT INTO {TABLE} (id, version) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1"
)


def upgrade() -> None:
    # The treasurer's overview sums credit notes per call: without this index SQLite built a
    # temporary one at each page.
    op.create_index(op.f("ix_credit_notes_call_reference"), "credit_notes", ["call_reference"])
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_version")),
    )
    op.execute(f"INSERT INTO {TABLE} (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_registry_version AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        return
    for table in WATCHED:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER {table}_registry_version_{operation.lower()} "
                f"AFTER {operation} ON {table} BEGIN "
                f"{BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_registry_version ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    else:
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_registry_version_{operation.lower()}")
    op.drop_table(TABLE)
    op.drop_index(op.f("ix_credit_notes_call_reference"), table_name="credit_notes")
