"""Prélèvements SEPA : envois enregistrés, séquence FRST/RCUR par mandat, retours et rejets.

- ``sepa_files``: each pain.008 file handed over (message id, schema, collection date, content),
  so that it can be fetched again and never made twice;
- ``sepa_debits``: each debit of a file (call, mandate, amount, FRST or RCUR): a call with a
  debit sent and not come back is not debited again;
- ``sepa_debit_returns``: a debit the bank gave back (reject before settlement, return after),
  from a bank statement or entered by hand: it reopens the call;
- ``mandates.last_return``, ``mandates.suspended_on``: the mark a return leaves on a mandate.

The three tables are append-only as those of 0002/0009 are: UPDATE and DELETE refused by
trigger; on SQLite a row over an existing key refused before ``INSERT OR REPLACE`` could delete
it; on PostgreSQL TRUNCATE refused (the function ``append_only_no_truncate`` of 0009). The
columns are added with ``ADD COLUMN`` (no ``batch_alter_table``: on SQLite it would copy the
table and drop its triggers).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("sepa_files", "sepa_debits", "sepa_debit_returns")
# Each table's keys (primary, then unique), by the name the naming convention gives them.
KEYS = {
    "sepa_files": (("pk_sepa_files", ("id",)), ("uq_sepa_files_message_id", ("message_id",))),
    "sepa_debits": (
        ("pk_sepa_debits", ("id",)),
        ("uq_sepa_debits_file_call", ("message_id", "call_reference")),
    ),
    "sepa_debit_returns": (
        ("pk_sepa_debit_returns", ("id",)),
        ("uq_sepa_debit_returns_file_call", ("message_id", "call_reference")),
    ),
}
_REFUSE = "prélèvements SEPA : modification interdite (table {table}), un envoi ne se réécrit pas"


def upgrade() -> None:
    op.create_table(
        "sepa_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(35), nullable=False),
        sa.Column("schema", sa.String(20), nullable=False),
        sa.Column("filename", sa.String(100), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("debit_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_files")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sepa_files_message_id")),
    )
    op.create_table(
        "sepa_debits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(35), nullable=False),
        sa.Column("call_reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("mandate_id", sa.String(35), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("sequence_type", sa.String(4), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["sepa_files.message_id"],
            name=op.f("fk_sepa_debits_message_id_sepa_files"),
        ),
        sa.ForeignKeyConstraint(
            ["call_reference"], ["calls.reference"],
            name=op.f("fk_sepa_debits_call_reference_calls"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_sepa_debits_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_debits")),
        sa.UniqueConstraint(
            "message_id", "call_reference", name=op.f("uq_sepa_debits_file_call")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_sepa_debits_call_reference"), "sepa_debits", ["call_reference"])
    op.create_index(op.f("ix_sepa_debits_member_code"), "sepa_debits", ["member_code"])
    op.create_table(
        "sepa_debit_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(35), nullable=False),
        sa.Column("call_reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("mandate_id", sa.String(35), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reject", "return", name="sepa_return_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("reason_code", sa.String(4), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id", "call_reference"],
            ["sepa_debits.message_id", "sepa_debits.call_reference"],
            name=op.f("fk_sepa_debit_returns_debit"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"],
            name=op.f("fk_sepa_debit_returns_member_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sepa_debit_returns")),
        sa.UniqueConstraint(
            "message_id", "call_reference", name=op.f("uq_sepa_debit_returns_file_call")
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_sepa_debit_returns_member_code"), "sepa_debit_returns", ["member_code"]
    )
    op.add_column(
        "mandates", sa.Column("last_return", sa.String(200), nullable=False, server_default="")
    )
    op.add_column("mandates", sa.Column("suspended_on", sa.Date(), nullable=True))
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION sepa_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'prélèvements SEPA : modification interdite (table %), un envoi "
            "ne se réécrit pas', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sepa_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION append_only_no_truncate()"
            )
        return
    for table in TABLES:
        message = _quoted(_REFUSE.format(table=table))
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        for name, columns in KEYS[table]:
            same = " AND ".join(f'"{column}" = NEW."{column}"' for column in columns)
            refused = _quoted(
                f"{table} : une ligne de même clé existe déjà ({name}) ; ajout seul, une ligne "
                "enregistrée ne se remplace pas"
            )
            op.execute(
                f'CREATE TRIGGER "{table}_no_replace_{name}" BEFORE INSERT ON {table} '
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {same}) "
                f"BEGIN SELECT RAISE(ABORT, '{refused}'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in reversed(TABLES):
        op.drop_table(table)  # its triggers go with it
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS sepa_append_only()")
    op.drop_column("mandates", "suspended_on")
    op.drop_column("mandates", "last_return")


def _quoted(text: str) -> str:
    return text.replace("'", "''")
