"""Bureau du trésorier et de l'assemblée : courriels envoyés (boîte d'envoi), relevés bancaires
(CAMT.053, CSV) et leurs lignes, remboursements de trop-perçus.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _upgrade_mail()
    _upgrade_bank()
    _upgrade_refunds()


def downgrade() -> None:
    _downgrade_refunds()
    _downgrade_bank()
    _downgrade_mail()


# --- courriels ------------------------------------------------------------------------------


_MAIL_KINDS = ("calls", "reminders", "convocation", "minutes")
_MAIL_STATUSES = ("pending", "sending", "sent", "failed")


def _upgrade_mail() -> None:
    """The outbox: one row per e-mail to a member, written before it leaves, then marked sent
    (with the server's answer) or failed (with the reason). Rows are updated as attempts go, so
    no append-only trigger; kind + reference + member + document is unique (never sent twice).
    The server's address and credentials live in the configuration, never here."""
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum(*_MAIL_KINDS, name="mail_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("document", sa.String(60), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("recipient_name", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("attachment", sa.String(120), nullable=False),
        sa.Column("message_id", sa.String(250), nullable=False),
        sa.Column(
            "status", sa.Enum(*_MAIL_STATUSES, name="mail_status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_by", sa.String(80), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("server_answer", sa.Text(), nullable=True),
        sa.Column("smtp_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_mail_outbox_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint(
            "kind", "reference", "member_code", "document", name="uq_mail_outbox_message"
        ),
    )
    op.create_index(op.f("ix_mail_outbox_member_code"), "mail_outbox", ["member_code"])
    op.create_index("ix_mail_outbox_kind_reference", "mail_outbox", ["kind", "reference"])


def _downgrade_mail() -> None:
    op.drop_index("ix_mail_outbox_kind_reference", table_name="mail_outbox")
    op.drop_index(op.f("ix_mail_outbox_member_code"), table_name="mail_outbox")
    op.drop_table("mail_outbox")


# --- relevés bancaires ------------------------------------------------------------------------


_STATEMENT_FORMATS = ("camt053", "csv")
_LINE_DIRECTIONS = ("credit", "debit")
_LINE_KINDS = ("transfer", "direct_debit", "cheque", "cash", "return", "other")
_LINE_STATUSES = (
    "recorded", "already_recorded", "to_confirm", "unmatched", "returned", "dismissed", "ignored",
)  # fmt: skip


def _bank_enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _upgrade_bank() -> None:
    """Imported statements (one row per file: the same bytes again find it) and their lines,
    each kept once by its identity (``fingerprint``: the account and the bank's reference, or a
    digest of the line when the bank gives none). A line's status moves on as the treasurer
    confirms or dismisses it, so no append-only trigger; the payments and returns it leads to
    are ledger records, append-only as ever."""
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(24), nullable=False),
        sa.Column("format", _bank_enum("statement_format", *_STATEMENT_FORMATS), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("statement_ids", sa.String(300), nullable=False),
        sa.Column("account_iban", sa.String(34), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("new_line_count", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(80), nullable=False),
        sa.Column("imported_by", sa.String(80), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
        sa.UniqueConstraint("reference", name=op.f("uq_bank_statements_reference")),
        sa.UniqueConstraint("digest", name=op.f("uq_bank_statements_digest")),
    )
    op.create_table(
        "bank_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account_iban", sa.String(34), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("value_on", sa.Date(), nullable=True),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("direction", _bank_enum("line_direction", *_LINE_DIRECTIONS), nullable=False),
        sa.Column("kind", _bank_enum("line_kind", *_LINE_KINDS), nullable=False),
        sa.Column("status", _bank_enum("line_status", *_LINE_STATUSES), nullable=False),
        sa.Column("bank_reference", sa.String(100), nullable=False),
        sa.Column("remittance", sa.String(500), nullable=False),
        sa.Column("counterparty_name", sa.String(140), nullable=False),
        sa.Column("counterparty_iban", sa.String(34), nullable=False),
        sa.Column("end_to_end_id", sa.String(35), nullable=False),
        sa.Column("mandate_id", sa.String(35), nullable=False),
        sa.Column("bank_code", sa.String(40), nullable=False),
        sa.Column("return_reason", sa.String(4), nullable=False),
        sa.Column("match_reason", sa.String(300), nullable=False),
        sa.Column("suggested_member", sa.String(20), nullable=True),
        sa.Column("suggested_calls", sa.String(300), nullable=False),
        sa.Column("candidates", sa.String(200), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=True),
        sa.Column("payment_reference", sa.String(24), nullable=True),
        sa.Column("reversed_payment", sa.String(24), nullable=True),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["bank_statements.id"],
            name=op.f("fk_bank_lines_statement_id_bank_statements"),
        ),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_bank_lines_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_lines")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_bank_lines_fingerprint")),
    )  # fmt: skip
    op.create_index(op.f("ix_bank_lines_statement_id"), "bank_lines", ["statement_id"])
    op.create_index(op.f("ix_bank_lines_status"), "bank_lines", ["status"])
    op.create_index(op.f("ix_bank_lines_counterparty_iban"), "bank_lines", ["counterparty_iban"])
    op.create_index(op.f("ix_bank_lines_reversed_payment"), "bank_lines", ["reversed_payment"])


def _downgrade_bank() -> None:
    op.drop_index(op.f("ix_bank_lines_reversed_payment"), table_name="bank_lines")
    op.drop_index(op.f("ix_bank_lines_counterparty_iban"), table_name="bank_lines")
    op.drop_index(op.f("ix_bank_lines_status"), table_name="bank_lines")
    op.drop_index(op.f("ix_bank_lines_statement_id"), table_name="bank_lines")
    op.drop_table("bank_lines")
    op.drop_table("bank_statements")


# --- remboursements ---------------------------------------------------------------------------


_REFUND_KEPT = "remboursements : modification interdite, enregistrez une nouvelle opération"


def _upgrade_refunds() -> None:
    """Money paid back to a member out of their credit (an overpayment): a ledger record like a
    payment, written once; the database refuses UPDATE and DELETE on it."""
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(24), nullable=False),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "transfer", "cheque", "cash", "direct_debit",
                name="payment_method", native_enum=False, length=32,
            ),
            nullable=False,
        ),
        sa.Column("bank_reference", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["members.code"], name=op.f("fk_refunds_member_code_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("reference", name=op.f("uq_refunds_reference")),
    )  # fmt: skip
    op.create_index(op.f("ix_refunds_member_code"), "refunds", ["member_code"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refunds_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_REFUND_KEPT}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER refunds_append_only BEFORE UPDATE OR DELETE ON refunds "
            "FOR EACH ROW EXECUTE FUNCTION refunds_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER refunds_no_{event.lower()} BEFORE {event} ON refunds "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUND_KEPT}'); END"
        )


def _downgrade_refunds() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS refunds_append_only ON refunds")
        op.execute("DROP FUNCTION IF EXISTS refunds_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS refunds_no_{event}")
    op.drop_index(op.f("ix_refunds_member_code"), table_name="refunds")
    op.drop_table("refunds")
