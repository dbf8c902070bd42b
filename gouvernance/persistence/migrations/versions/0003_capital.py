"""Registre des parts sociales (capital de la SCIC) et statuts choisis par l'organisation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KINDS = ("subscription", "paying_up", "withdrawal", "refund")


def upgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("statutes_id", sa.String(60), nullable=True))
    op.create_table(
        "capital_operations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="capital_operation_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("refund_cents", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("related", sa.String(24), nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["members.code"],
            name=op.f("fk_capital_operations_member_code_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capital_operations")),
        sa.UniqueConstraint("number", name=op.f("uq_capital_operations_number")),
    )
    op.create_index(
        op.f("ix_capital_operations_member_code"), "capital_operations", ["member_code"]
    )
    op.create_index(op.f("ix_capital_operations_day"), "capital_operations", ["day"])
    _forbid_rewrites()


def _forbid_rewrites() -> None:
    """An operation of the register is never edited: a mistake is corrected by a new one."""
    message = "registre des parts sociales : modification interdite, enregistrez une opération"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION capital_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER capital_operations_append_only BEFORE UPDATE OR DELETE ON "
            "capital_operations FOR EACH ROW EXECUTE FUNCTION capital_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER capital_operations_no_{event.lower()} BEFORE {event} ON "
            f"capital_operations BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS capital_operations_append_only ON capital_operations")
        op.execute("DROP FUNCTION IF EXISTS capital_append_only()")
    op.drop_table("capital_operations")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("statutes_id")
