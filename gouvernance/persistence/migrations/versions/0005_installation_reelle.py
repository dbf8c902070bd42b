"""Installation réelle : organisation complète (RNA, exercice, signataires, fuseau), comptes
(désactivation, révocation des jetons, tentatives de connexion).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _upgrade_organisation()
    _upgrade_accounts()


def downgrade() -> None:
    _downgrade_accounts()
    _downgrade_organisation()


# --- organisation ---------------------------------------------------------------------------


_SIGNED = ("call_batches", "reminders", "assemblies")  # documents that print the organisation
_SNAPSHOT_KEPT = "organisation imprimée sur un document émis : modification interdite"
# Legal forms written freely before 0005, mapped onto the closed list (others stay as they
# are: the next change of the organisation asks for a known form).
_LEGAL_FORMS = {
    "association": "association", "association loi 1901": "association",
    "scic sa": "scic_sa", "scic_sa": "scic_sa", "scic sas": "scic_sas", "scic_sas": "scic_sas",
    "scic sarl": "scic_sarl", "scic_sarl": "scic_sarl",
}  # fmt: skip


def _upgrade_organisation() -> None:
    """RNA, fiscal year start, time zone and signatories on the organisation; the details each
    issued document printed (``organisation_snapshots``, never rewritten), pointed to by call
    batches, reminders and closed assemblies.

    The three columns pointing to a snapshot are added with ``ALTER TABLE … ADD COLUMN`` even on
    SQLite: a batch (copy of the table) would drop the append-only and closing triggers."""
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("rna", sa.String(10), nullable=True))
        batch.add_column(
            sa.Column("fiscal_year_start_day", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column("fiscal_year_start_month", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column("time_zone", sa.String(64), nullable=False, server_default="Europe/Paris")
        )
        batch.add_column(sa.Column("president_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("president_title", sa.String(100), nullable=True))
        batch.add_column(sa.Column("treasurer_name", sa.String(200), nullable=True))
        batch.add_column(sa.Column("treasurer_title", sa.String(100), nullable=True))
    for written, form in _LEGAL_FORMS.items():
        op.execute(
            sa.text("UPDATE organisation SET legal_form = :form WHERE lower(legal_form) = :written")
            .bindparams(form=form, written=written)
        )
    op.create_table(
        "organisation_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_snapshots")),
        sa.UniqueConstraint("digest", name=op.f("uq_organisation_snapshots_digest")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in _SIGNED:
        fk = f"fk_{table}_organisation_snapshot_id_organisation_snapshots"
        if postgresql:
            op.add_column(
                table,
                sa.Column(
                    "organisation_snapshot_id",
                    sa.Integer(),
                    sa.ForeignKey("organisation_snapshots.id", name=op.f(fk)),
                    nullable=True,
                ),
            )
        else:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN organisation_snapshot_id INTEGER "
                f"CONSTRAINT {fk} REFERENCES organisation_snapshots (id)"
            )
    if postgresql:
        op.execute(
            "CREATE FUNCTION organisation_snapshot_kept() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{_SNAPSHOT_KEPT}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER organisation_snapshots_append_only BEFORE UPDATE OR DELETE ON "
            "organisation_snapshots FOR EACH ROW EXECUTE FUNCTION organisation_snapshot_kept()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER organisation_snapshots_no_{event.lower()} BEFORE {event} ON "
            f"organisation_snapshots BEGIN SELECT RAISE(ABORT, '{_SNAPSHOT_KEPT}'); END"
        )


def _downgrade_organisation() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute(
            "DROP TRIGGER IF EXISTS organisation_snapshots_append_only ON organisation_snapshots"
        )
        op.execute("DROP FUNCTION IF EXISTS organisation_snapshot_kept()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS organisation_snapshots_no_{event}")
    for table in _SIGNED:  # ALTER TABLE … DROP COLUMN on both: no copy, the triggers stay
        op.execute(f"ALTER TABLE {table} DROP COLUMN organisation_snapshot_id")
    op.drop_table("organisation_snapshots")
    with op.batch_alter_table("organisation") as batch:
        for column in ("treasurer_title", "treasurer_name", "president_title", "president_name",
                       "time_zone", "fiscal_year_start_month", "fiscal_year_start_day", "rna"):  # fmt: skip
            batch.drop_column(column)


# --- comptes ----------------------------------------------------------------------------------


def _upgrade_accounts() -> None:
    """Tokens are looked up by user (revoke all, sign-out on deactivation) and by expiry (purge).

    A revoked token is deleted, not flagged: no ``revoked_at`` column, see docs/comptes.md."""
    op.create_index(op.f("ix_api_tokens_username"), "api_tokens", ["username"])
    op.create_index(op.f("ix_api_tokens_expires_at"), "api_tokens", ["expires_at"])


def _downgrade_accounts() -> None:
    op.drop_index(op.f("ix_api_tokens_expires_at"), table_name="api_tokens")
    op.drop_index(op.f("ix_api_tokens_username"), table_name="api_tokens")
