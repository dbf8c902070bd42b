"""Scrutin secret scellé : urne de bulletins chiffrés sans votant, clôture du vote par résolution.

A secret resolution gets a public key (``assembly_resolutions.ballot_key``); each secret ballot
is sealed to it and written to ``assembly_ballot_box`` (college + ciphertext: no voter, no
time). Nothing is counted while the vote is open, so no counter row changes in a voter's
transaction. ``assembly_vote_closings`` records the chair's closing of the vote on one
resolution; the sealed ballots are opened and counted in that same transaction.

Both new tables are append-only, and nothing enters them once the assembly is closed; no
ballot enters a resolution whose vote is closed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEPT = "un bulletin ou une clôture de vote enregistrés ne se modifient ni ne s’effacent"
CLOSED = "assemblée close : plus rien ne change"
VOTE_CLOSED = "le vote sur cette résolution est clos : plus aucun bulletin"
TABLES = ("assembly_ballot_box", "assembly_vote_closings")


def upgrade() -> None:
    # Plain ADD COLUMN on both (a SQLite batch copy would drop the table's triggers).
    op.add_column("assembly_resolutions", sa.Column("ballot_key", sa.String(64)))
    op.create_table(
        "assembly_ballot_box",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("assembly_id", sa.Integer, sa.ForeignKey("assemblies.id"), nullable=False),
        sa.Column(
            "resolution_id", sa.Integer, sa.ForeignKey("assembly_resolutions.id"), nullable=False
        ),
        sa.Column("college", sa.String(40), nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
    )
    op.create_index("ix_assembly_ballot_box_resolution", "assembly_ballot_box", ["resolution_id"])
    op.create_table(
        "assembly_vote_closings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assembly_id", sa.Integer, sa.ForeignKey("assemblies.id"), nullable=False),
        sa.Column(
            "resolution_id", sa.Integer, sa.ForeignKey("assembly_resolutions.id"), nullable=False
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("ballots", sa.Integer, nullable=False),
        sa.UniqueConstraint("resolution_id", name="uq_assembly_vote_closings_resolution"),
    )
    op.create_index("ix_assembly_vote_closings_assembly", "assembly_vote_closings", ["assembly_id"])
    if op.get_bind().dialect.name == "postgresql":
        _triggers_on_postgresql()
    else:
        _triggers_on_sqlite()


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for suffix in ("kept", "kept_delete", "closed", "vote_closed"):
            name = f"{table}_{suffix}"
            op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    op.execute(
        "DROP TRIGGER IF EXISTS assembly_votes_vote_closed"
        + (" ON assembly_votes" if postgresql else "")
    )
    if postgresql:
        for name in ("ballot_box_kept", "ballot_box_closed", "ballot_box_vote_closed"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("assembly_vote_closings")
    op.drop_table("assembly_ballot_box")
    op.drop_column("assembly_resolutions", "ballot_key")


_ASSEMBLY_CLOSED = "(SELECT status FROM assemblies WHERE id = NEW.assembly_id) = 'closed'"
_VOTE_CLOSED = (
    "EXISTS (SELECT 1 FROM assembly_vote_closings c WHERE c.resolution_id = NEW.resolution_id)"
)


def _triggers_on_postgresql() -> None:
    for name, condition, message in (
        ("ballot_box_kept", "TRUE", KEPT),
        ("ballot_box_closed", _ASSEMBLY_CLOSED, CLOSED),
        ("ballot_box_vote_closed", _VOTE_CLOSED, VOTE_CLOSED),
    ):
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; "
            "RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_kept BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ballot_box_kept()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_closed BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ballot_box_closed()"
        )
    for table in ("assembly_ballot_box", "assembly_votes"):
        op.execute(
            f"CREATE TRIGGER {table}_vote_closed BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ballot_box_vote_closed()"
        )


def _triggers_on_sqlite() -> None:
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_kept BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_kept_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_closed BEFORE INSERT ON {table} "
            f"WHEN {_ASSEMBLY_CLOSED} BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END"
        )
    for table in ("assembly_ballot_box", "assembly_votes"):
        op.execute(
            f"CREATE TRIGGER {table}_vote_closed BEFORE INSERT ON {table} "
            f"WHEN {_VOTE_CLOSED} BEGIN SELECT RAISE(ABORT, '{VOTE_CLOSED}'); END"
        )
