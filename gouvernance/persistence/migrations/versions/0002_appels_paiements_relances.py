"""Appels de cotisation, avoirs, paiements, imputations, relances, mandats SEPA.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("call_batches", "calls", "credit_notes", "payments", "allocations", "reminders")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


KIND = ("fee", "capital")
METHOD = ("transfer", "cheque", "cash", "direct_debit")


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("iban", sa.String(34), nullable=True))
        batch.add_column(sa.Column("bic", sa.String(11), nullable=True))
        batch.add_column(sa.Column("sepa_creditor_id", sa.String(35), nullable=True))
    op.create_table(
        "ledger_sequences",
        sa.Column("name", sa.String(20), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ledger_sequences")),
    )
    op.create_table(
        "call_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("kind", _enum("call_kind", *KIND), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(80), nullable=False),
        sa.Column("source_label", sa.String(200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(300), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("call_count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_batches")),
        sa.UniqueConstraint("reference", name=op.f("uq_call_batches_reference")),
    )
    op.create_index("ix_call_batches_year_kind", "call_batches", ["fiscal_year", "kind"])
    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reference", sa.String(24), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("call_kind", *KIND), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("member_name", sa.String(200), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["call_batches.id"], name=op.f("fk_calls_batch_id_call_batches")
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_calls_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("reference", name=op.f("uq_calls_reference")),
    )
    op.create_index(op.f("ix_calls_batch_id"), "calls", ["batch_id"])
    op.create_index(op.f("ix_calls_member_code"), "calls", ["member_code"])
    op.create_index("ix_calls_year_kind", "calls", ["fiscal_year", "kind"])
    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(24), nullable=False),
        sa.Column("call_reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(80), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_reference"], ["calls.reference"],
            name=op.f("fk_credit_notes_call_reference_calls"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_credit_notes_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("reference", name=op.f("uq_credit_notes_reference")),
    )
    op.create_index(op.f("ix_credit_notes_member_code"), "credit_notes", ["member_code"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("method", _enum("payment_method", *METHOD), nullable=False),
        sa.Column("bank_reference", sa.String(100), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_payments_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_payments_reference")),
    )
    op.create_index(op.f("ix_payments_member_code"), "payments", ["member_code"])
    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_reference", sa.String(24), nullable=False),
        sa.Column("call_reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_reference"], ["payments.reference"],
            name=op.f("fk_allocations_payment_reference_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["call_reference"], ["calls.reference"],
            name=op.f("fk_allocations_call_reference_calls"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_allocations_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
    )
    op.create_index(op.f("ix_allocations_call_reference"), "allocations", ["call_reference"])
    op.create_index(op.f("ix_allocations_member_code"), "allocations", ["member_code"])
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by", sa.String(80), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_reference"], ["calls.reference"],
            name=op.f("fk_reminders_call_reference_calls"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_reminders_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("call_reference", "level", name="uq_reminders_call_level"),
    )
    op.create_index(op.f("ix_reminders_member_code"), "reminders", ["member_code"])
    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("mandate_id", sa.String(35), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("bic", sa.String(11), nullable=False),
        sa.Column("debtor_name", sa.String(70), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_mandates_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
        sa.UniqueConstraint("member_code", name=op.f("uq_mandates_member_code")),
        sa.UniqueConstraint("mandate_id", name=op.f("uq_mandates_mandate_id")),
    )
    _forbid_rewrites()


def _forbid_rewrites() -> None:
    """Issued calls, credit notes, payments, allocations and reminders are never edited: a
    correction is a new record. The database itself refuses UPDATE and DELETE on them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'registre des appels et paiements : modification interdite "
            "(table %), passez par un avoir', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'registre des appels et paiements : modification "
                f"interdite (table {table}), passez par un avoir'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    for table in ("mandates", "reminders", "allocations", "payments", "credit_notes", "calls"):
        op.drop_table(table)
    op.drop_table("call_batches")
    op.drop_table("ledger_sequences")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("sepa_creditor_id")
        batch.drop_column("bic")
        batch.drop_column("iban")
