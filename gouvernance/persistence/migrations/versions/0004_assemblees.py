"""Assemblées générales : liste d'émargement, présences, résolutions, votes, décomptes, signatures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The tables of an assembly frozen once it is closed (signatures come after closing).
FROZEN = (
    "assembly_roll",
    "assembly_attendance",
    "assembly_resolutions",
    "assembly_votes",
    "assembly_counts",
)
CLOSED = "assemblée close : plus rien ne change"
VOTE_KEPT = "un vote enregistré ne se modifie pas"
KEPT = "une assemblée convoquée ne se supprime pas"

STATUS = ("open", "closed")
MODE = ("present", "remote", "postal", "represented", "blank_proxy")
PROPOSER = ("board", "associates")
METHOD = ("open", "secret", "show_of_hands")
CHOICE = ("for", "against", "abstain", "blank", "null")
SOURCE = ("secret", "hands")
ROLE = ("president", "secretary", "scrutineer")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _assembly_id(table: str) -> list[sa.SchemaItem]:
    """The column naming the assembly, and its foreign key."""
    return [
        sa.Column("assembly_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assembly_id"], ["assemblies.id"], name=op.f(f"fk_{table}_assembly_id_assemblies")
        ),
    ]


def _resolution_id(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resolution_id"],
            ["assembly_resolutions.id"],
            name=op.f(f"fk_{table}_resolution_id_assembly_resolutions"),
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "assemblies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("convocation", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("statutes_id", sa.String(60), nullable=False),
        sa.Column("statutes_digest", sa.String(64), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("status", _enum("assembly_status", *STATUS), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("previous_code", sa.String(20), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(80), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("roll_entitled", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assemblies")),
        sa.UniqueConstraint("code", name=op.f("uq_assemblies_code")),
    )
    op.create_table(
        "assembly_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        *_assembly_id("assembly_roll"),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("college", sa.String(40), nullable=False),
        sa.Column("entitled", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_roll")),
        sa.UniqueConstraint("assembly_id", "member_code", name="uq_assembly_roll_member"),
    )
    op.create_index(
        "ix_assembly_roll_college", "assembly_roll", ["assembly_id", "college", "entitled"]
    )
    op.create_table(
        "assembly_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        *_assembly_id("assembly_attendance"),
        sa.Column("member_code", sa.String(20), nullable=False),
        sa.Column("college", sa.String(40), nullable=False),
        sa.Column("mode", _enum("attendance_mode", *MODE), nullable=False),
        sa.Column("holder_code", sa.String(20), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_attendance")),
        sa.UniqueConstraint("assembly_id", "member_code", name="uq_assembly_attendance_member"),
    )
    op.create_index(
        "ix_assembly_attendance_holder", "assembly_attendance", ["assembly_id", "holder_code"]
    )
    op.create_index(
        "ix_assembly_attendance_college", "assembly_attendance", ["assembly_id", "college", "mode"]
    )
    op.create_table(
        "assembly_resolutions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_assembly_id("assembly_resolutions"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decision_kind", sa.String(40), nullable=False),
        sa.Column("proposer", _enum("resolution_proposer", *PROPOSER), nullable=False),
        sa.Column("proposed_by", sa.String(20), nullable=True),
        sa.Column("method", _enum("ballot_method", *METHOD), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_resolutions")),
        sa.UniqueConstraint("assembly_id", "number", name="uq_assembly_resolutions_number"),
    )
    op.create_table(
        "assembly_votes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        *_assembly_id("assembly_votes"),
        *_resolution_id("assembly_votes"),
        sa.Column("voter_code", sa.String(20), nullable=False),
        sa.Column("cast_by", sa.String(20), nullable=False),
        sa.Column("college", sa.String(40), nullable=False),
        sa.Column("choice", _enum("ballot_choice", *CHOICE), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_votes")),
        sa.UniqueConstraint("resolution_id", "voter_code", name="uq_assembly_votes_voter"),
    )
    op.create_index(
        "ix_assembly_votes_tally",
        "assembly_votes",
        ["assembly_id", "resolution_id", "college", "choice"],
    )
    op.create_table(
        "assembly_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_assembly_id("assembly_counts"),
        *_resolution_id("assembly_counts"),
        sa.Column("college", sa.String(40), nullable=False),
        sa.Column("choice", _enum("ballot_choice", *CHOICE), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source", _enum("ballot_count_source", *SOURCE), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_counts")),
        sa.UniqueConstraint("resolution_id", "college", "choice", name="uq_assembly_counts_cell"),
    )
    op.create_index("ix_assembly_counts_assembly", "assembly_counts", ["assembly_id"])
    op.create_table(
        "assembly_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        *_assembly_id("assembly_signatures"),
        sa.Column("role", _enum("signatory_role", *ROLE), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assembly_signatures")),
        sa.UniqueConstraint("assembly_id", "role", "name", name="uq_assembly_signatures_signatory"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _freeze_on_postgresql()
    else:
        _freeze_on_sqlite()


def _freeze_on_postgresql() -> None:
    """Per statement for the children (a roll of 35 000 rows is checked once, not per row)."""
    closed = (
        "IF EXISTS (SELECT 1 FROM {rows} r JOIN assemblies a ON a.id = r.assembly_id "
        f"WHERE a.status = 'closed') THEN RAISE EXCEPTION '{CLOSED}'; END IF;"
    )
    op.execute(  # nested IFs: a transition table the event lacks must never be planned
        "CREATE FUNCTION assembly_frozen_rows() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'DELETE' THEN {closed.format(rows='new_rows')} END IF; "
        f"IF TG_OP <> 'INSERT' THEN {closed.format(rows='old_rows')} END IF; "
        "RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    for table in FROZEN:
        for event, referencing in transitions.items():
            op.execute(
                f"CREATE TRIGGER {table}_frozen_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                "EXECUTE FUNCTION assembly_frozen_rows()"
            )
    for name, message in (("assembly_closed", CLOSED), ("assembly_kept", KEPT),
                          ("assembly_vote_kept", VOTE_KEPT)):  # fmt: skip
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql"
        )
    op.execute(
        "CREATE TRIGGER assemblies_closed_no_update BEFORE UPDATE ON assemblies FOR EACH ROW "
        "WHEN (OLD.status = 'closed') EXECUTE FUNCTION assembly_closed()"
    )
    op.execute(
        "CREATE TRIGGER assemblies_no_delete BEFORE DELETE ON assemblies FOR EACH ROW "
        "EXECUTE FUNCTION assembly_kept()"
    )
    op.execute(
        "CREATE TRIGGER assembly_votes_append_only BEFORE UPDATE OR DELETE ON assembly_votes "
        "FOR EACH ROW EXECUTE FUNCTION assembly_vote_kept()"
    )


def _freeze_on_sqlite() -> None:
    closed = "(SELECT status FROM assemblies WHERE id = {row}.assembly_id) = 'closed'"
    conditions = {
        "INSERT": closed.format(row="NEW"),
        "UPDATE": f"{closed.format(row='OLD')} OR {closed.format(row='NEW')}",
        "DELETE": closed.format(row="OLD"),
    }
    for table in FROZEN:
        for event, condition in conditions.items():
            op.execute(
                f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END"
            )
    op.execute(
        "CREATE TRIGGER assemblies_closed_no_update BEFORE UPDATE ON assemblies "
        f"WHEN OLD.status = 'closed' BEGIN SELECT RAISE(ABORT, '{CLOSED}'); END"
    )
    op.execute(
        "CREATE TRIGGER assemblies_no_delete BEFORE DELETE ON assemblies "
        f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END"
    )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER assembly_votes_no_{event.lower()} BEFORE {event} ON assembly_votes "
            f"BEGIN SELECT RAISE(ABORT, '{VOTE_KEPT}'); END"
        )


def _drop_triggers() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    names = [
        (f"{table}_frozen_{event}", table)
        for table in FROZEN
        for event in ("insert", "update", "delete")
    ]
    names += [("assemblies_closed_no_update", "assemblies"), ("assemblies_no_delete", "assemblies")]
    if postgresql:
        names.append(("assembly_votes_append_only", "assembly_votes"))
    else:
        names += [(f"assembly_votes_no_{e}", "assembly_votes") for e in ("update", "delete")]
    for name, table in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in ("assembly_frozen_rows", "assembly_closed", "assembly_kept",
                         "assembly_vote_kept"):  # fmt: skip
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")


def downgrade() -> None:
    _drop_triggers()
    op.drop_table("assembly_signatures")
    op.drop_index("ix_assembly_counts_assembly", table_name="assembly_counts")
    op.drop_table("assembly_counts")
    op.drop_index("ix_assembly_votes_tally", table_name="assembly_votes")
    op.drop_table("assembly_votes")
    op.drop_table("assembly_resolutions")
    op.drop_index("ix_assembly_attendance_college", table_name="assembly_attendance")
    op.drop_index("ix_assembly_attendance_holder", table_name="assembly_attendance")
    op.drop_table("assembly_attendance")
    op.drop_index("ix_assembly_roll_college", table_name="assembly_roll")
    op.drop_table("assembly_roll")
    op.drop_table("assemblies")
