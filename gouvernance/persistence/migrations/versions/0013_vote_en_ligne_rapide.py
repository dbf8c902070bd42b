"""Vote en ligne à 35 000 votants : index et compteurs pour un bulletin à coût constant.

The live tally (the scrutineers' screen polls it every half second) counted the ballots by a
GROUP BY over ``assembly_votes``: 35 000 rows per resolution read at each poll, and on SQLite
under the write lock every ballot waits for. ``assembly_ballot_totals`` keeps the same counts
as they are cast: one row per resolution, college and choice, the choice ``''`` for a secret
ballot (its row has no choice: the counter says only that the associate took part, which the
vote row says already). The database keeps it, not the application: a trigger after each INSERT
into ``assembly_votes`` (SQLite: per row, an UPSERT; PostgreSQL: per statement, one aggregated
UPSERT from the transition table, so a bulk COPY costs one statement, not one per row). Votes
are never updated nor deleted (migration 0009), so nothing else changes a total.

The attendance sheet gets the same: ``assembly_attendance_totals`` counts the associates signed
per assembly, college and mode (present, remote, postal, represented, blank proxy), kept by
triggers after INSERT, DELETE (a line struck out) and UPDATE of the sheet. The turnout the tally
and its marker read is then a handful of rows, not 35 000.

On PostgreSQL the UPSERT locks the counter row until the commit, and commits queue behind the
audit chain's lock (migration 0008): ballots on the same cell would wait for each other from
their INSERT to their commit. Each cell is therefore split in ``shard``s, one per server
process modulo 64 (``pg_backend_pid() % 64``): a connection runs one transaction at a time,
so two ballots meet on a counter row only when their processes share a shard. Readers add the
shards up (a few hundred rows at most). SQLite has one writer at a time: a single shard, 0.

PostgreSQL also gets ``gv_audit_append(key, entries)``: the audit chain's advisory lock, the read
of the head, the numbering, the digests and the insert of a transaction's entries in one round
trip instead of three (``persistence/audit_log.py``). Every commit waits for that lock, so each
round trip taken while holding it is taken by every writer in turn. The function is VOLATILE:
its SELECT takes a fresh snapshot after the lock is granted, so it sees the head the previous
holder committed. It hashes the canonical form of ``domain/audit.py`` (the JSON array without
spaces, ``to_json`` escaping strings as Python's ``json.dumps(ensure_ascii=False)`` does); the
caller recomputes every digest in Python before committing and refuses a difference.

Existing ballots and attendance lines are counted once by the upgrade. Rerunnable (``IF NOT
EXISTS``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "assembly_ballot_totals"
TRIGGER = "assembly_votes_totals"
FUNCTION = "gv_assembly_ballot_totals"

_BACKFILL = f"""
INSERT INTO {TABLE} (assembly_id, resolution_id, college, choice, shard, ballots)
SELECT assembly_id, resolution_id, college, COALESCE(CAST(choice AS VARCHAR(10)), ''), 0,
       count(*)
FROM assembly_votes GROUP BY assembly_id, resolution_id, college, choice
"""

_SQLITE_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER INSERT ON assembly_votes
BEGIN
    INSERT INTO {TABLE} (assembly_id, resolution_id, college, choice, shard, ballots)
    VALUES (NEW.assembly_id, NEW.resolution_id, NEW.college, COALESCE(NEW.choice, ''), 0, 1)
    ON CONFLICT (resolution_id, college, choice, shard) DO UPDATE SET ballots = ballots + 1;
END
"""

_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (assembly_id, resolution_id, college, choice, shard, ballots)
    SELECT assembly_id, resolution_id, college, COALESCE(choice::text, ''),
           pg_backend_pid() % 64, count(*)
    FROM new_votes GROUP BY 1, 2, 3, 4 ORDER BY 2, 3, 4
    ON CONFLICT (resolution_id, college, choice, shard)
    DO UPDATE SET ballots = {TABLE}.ballots + EXCLUDED.ballots;
    RETURN NULL;
END
$$
"""

_POSTGRES_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER INSERT ON assembly_votes
REFERENCING NEW TABLE AS new_votes FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()
"""


ATTENDANCE = "assembly_attendance_totals"
_ATTENDANCE_BACKFILL = f"""
INSERT INTO {ATTENDANCE} (assembly_id, college, mode, members)
SELECT assembly_id, college, mode, count(*) FROM assembly_attendance
GROUP BY assembly_id, college, mode
"""
_SQLITE_ADD = f"""
    INSERT INTO {ATTENDANCE} (assembly_id, college, mode, members)
    VALUES (NEW.assembly_id, NEW.college, NEW.mode, 1)
    ON CONFLICT (assembly_id, college, mode) DO UPDATE SET members = members + 1;
"""
_SQLITE_REMOVE = f"""
    UPDATE {ATTENDANCE} SET members = members - 1
    WHERE assembly_id = OLD.assembly_id AND college = OLD.college AND mode = OLD.mode;
"""
_SQLITE_ATTENDANCE = (
    f"CREATE TRIGGER IF NOT EXISTS {ATTENDANCE}_insert AFTER INSERT ON assembly_attendance "
    f"BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS {ATTENDANCE}_delete AFTER DELETE ON assembly_attendance "
    f"BEGIN {_SQLITE_REMOVE} END",
    f"CREATE TRIGGER IF NOT EXISTS {ATTENDANCE}_update AFTER UPDATE OF assembly_id, college, "
    f"mode ON assembly_attendance BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
)
_POSTGRES_ADD = f"""
    INSERT INTO {ATTENDANCE} (assembly_id, college, mode, members)
    SELECT assembly_id, college, mode::text, count(*) FROM new_lines
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (assembly_id, college, mode)
    DO UPDATE SET members = {ATTENDANCE}.members + EXCLUDED.members;
"""
_POSTGRES_REMOVE = f"""
    UPDATE {ATTENDANCE} AS t SET members = t.members - o.n
    FROM (SELECT assembly_id, college, mode::text AS mode, count(*) AS n FROM old_lines
          GROUP BY 1, 2, 3) AS o
    WHERE t.assembly_id = o.assembly_id AND t.college = o.college AND t.mode = o.mode;
"""
# (function, trigger event, transition tables, body)
_POSTGRES_ATTENDANCE = (
    ("gv_attendance_totals_insert", "INSERT", "NEW TABLE AS new_lines", _POSTGRES_ADD),
    ("gv_attendance_totals_delete", "DELETE", "OLD TABLE AS old_lines", _POSTGRES_REMOVE),
    (
        "gv_attendance_totals_update",
        "UPDATE",
        "OLD TABLE AS old_lines NEW TABLE AS new_lines",
        _POSTGRES_REMOVE + _POSTGRES_ADD,
    ),
)


def _postgres_attendance() -> None:
    for function, event, tables, body in _POSTGRES_ATTENDANCE:
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body} RETURN NULL; END $$"
        )
        trigger = f"{ATTENDANCE}_{event.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON assembly_attendance")
        op.execute(
            f"CREATE TRIGGER {trigger} AFTER {event} ON assembly_attendance "
            f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


_POSTGRES_APPEND = """
CREATE OR REPLACE FUNCTION gv_audit_append(lock_key bigint, entries jsonb)
RETURNS TABLE (entry_id bigint, entry_previous text, entry_digest text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head_id bigint;
    head_digest text;
    item jsonb;
    canonical text;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT id, digest INTO head_id, head_digest FROM audit_log ORDER BY id DESC LIMIT 1;
    IF head_id IS NULL THEN
        head_id := 0;
        head_digest := repeat('0', 64);
    END IF;
    FOR item IN SELECT value FROM jsonb_array_elements(entries) WITH ORDINALITY ORDER BY ordinality
    LOOP
        head_id := head_id + 1;
        canonical := '[' || head_id || ',' || to_json(item->>'at_text')::text
            || ',' || to_json(item->>'actor')::text || ',' || to_json(item->>'action')::text
            || ',' || to_json(item->>'entity')::text || ',' || to_json(item->>'entity_key')::text
            || ',' || to_json(item->>'detail')::text || ',' || to_json(head_digest)::text || ']';
        entry_id := head_id;
        entry_previous := head_digest;
        entry_digest := encode(sha256(convert_to(canonical, 'UTF8')), 'hex');
        INSERT INTO audit_log (id, at, actor, action, entity, entity_key, detail,
                               previous_digest, digest)
        VALUES (head_id, (item->>'at_text')::timestamptz, item->>'actor', item->>'action',
                item->>'entity', item->>'entity_key', item->>'detail', head_digest,
                entry_digest);
        RETURN NEXT;
        head_digest := entry_digest;
    END LOOP;
END
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table(TABLE):
        op.create_table(
            TABLE,
            sa.Column("assembly_id", sa.Integer, sa.ForeignKey("assemblies.id"), nullable=False),
            sa.Column(
                "resolution_id",
                sa.Integer,
                sa.ForeignKey("assembly_resolutions.id"),
                nullable=False,
            ),
            sa.Column("college", sa.String(40), nullable=False),
            sa.Column("choice", sa.String(10), nullable=False),
            sa.Column("shard", sa.SmallInteger, nullable=False),
            sa.Column("ballots", sa.Integer, nullable=False),
            sa.PrimaryKeyConstraint(
                "resolution_id", "college", "choice", "shard", name="pk_assembly_ballot_totals"
            ),
        )
        op.create_index("ix_assembly_ballot_totals_assembly", TABLE, ["assembly_id"])
        op.execute(_BACKFILL)
    if not sa.inspect(bind).has_table(ATTENDANCE):
        op.create_table(
            ATTENDANCE,
            sa.Column("assembly_id", sa.Integer, sa.ForeignKey("assemblies.id"), nullable=False),
            sa.Column("college", sa.String(40), nullable=False),
            sa.Column("mode", sa.String(32), nullable=False),
            sa.Column("members", sa.Integer, nullable=False),
            sa.PrimaryKeyConstraint(
                "assembly_id", "college", "mode", name="pk_assembly_attendance_totals"
            ),
        )
        op.execute(_ATTENDANCE_BACKFILL)
    if bind.dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON assembly_votes")
        op.execute(_POSTGRES_TRIGGER)
        op.execute(_POSTGRES_APPEND)
        _postgres_attendance()
    else:
        op.execute(_SQLITE_TRIGGER)
        for trigger in _SQLITE_ATTENDANCE:
            op.execute(trigger)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON assembly_votes")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
        op.execute("DROP FUNCTION IF EXISTS gv_audit_append(bigint, jsonb)")
        for function, event, _, _ in _POSTGRES_ATTENDANCE:
            op.execute(
                f"DROP TRIGGER IF EXISTS {ATTENDANCE}_{event.lower()} ON assembly_attendance"
            )
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {ATTENDANCE}_{event}")
    if sa.inspect(bind).has_table(ATTENDANCE):
        op.drop_table(ATTENDANCE)
    if sa.inspect(bind).has_table(TABLE):
        op.drop_index("ix_assembly_ballot_totals_assembly", table_name=TABLE)
        op.drop_table(TABLE)
