"""Version du grand livre, avancée par la base à chaque écriture comptable.

The treasurer's pages keep their sums and searches under the ledger's version
(``services/memo.py``). Until now that version was the row count and highest id of each ledger
table: on PostgreSQL a ``count(*)`` reads the whole table, 1.5 ms at 10 000 calls and about
15 ms at 100 000, paid by every treasurer's page just to learn that nothing moved. As the
registry's (migration 0014), ``ledger_version`` is one row moved forward by the database itself
after any change to ``calls``, ``credit_notes``, ``allocations``, ``payments``, ``refunds`` and
``reminders``, whichever path made it: reading it is one row, whatever the ledger's size.
SQLite: a trigger per row and per operation; PostgreSQL: one per statement. Ledger writers
already take the ledger lock first (``SqlLedger.lock``), so the counter's row adds no new order
in which locks are taken.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "ledger_version"
WATCHED = ("calls", "credit_notes", "allocations", "payments", "refunds", "reminders")
OPERATIONS = ("INSERT", "UPDATE", "DELETE")
FUNCTION = "gv_ledger_version_bump"
# An UPSERT, as for the registry: a row deleted by hand starts again instead of standing still.
BUMP = (
    f"INSERT INTO {TABLE} (id, version) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET version = {TABLE}.version + 1"
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_version")),
    )
    op.execute(f"INSERT INTO {TABLE} (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_ledger_version AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
        return
    for table in WATCHED:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER {table}_ledger_version_{operation.lower()} "
                f"AFTER {operation} ON {table} BEGIN "
                f"{BUMP}; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_ledger_version ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    else:
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_ledger_version_{operation.lower()}")
    op.drop_table(TABLE)
