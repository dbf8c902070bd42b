"""Journal d'audit chaîné : chaque entrée porte l'empreinte de la précédente.

Two columns on ``audit_log`` itself, ``previous_digest`` and ``digest`` (SHA-256, 64 hex
digits; the canonical form is documented in ``gouvernance/domain/audit.py`` and
docs/architecture.md), rather than a separate ``audit_chain`` table: an entry and its digest
are then one row, written by one INSERT, so there is no entry without its link nor a link
without its entry, verifying reads one table, and no new table needs its own append-only
triggers. The price is paid once, here: the entries already in the log are chained by an
UPDATE, which the append-only triggers of 0001 refuse, so they are lifted for that UPDATE
only, inside this migration's transaction, and put back exactly as they were.

Under SQLite the columns are added with ``ALTER TABLE … ADD COLUMN`` (never a batch: a copy of
the table would drop the triggers), hence with a default (« »), which a row that bypassed the
application would keep — and the chain would show it. Under PostgreSQL the defaults are then
dropped, and so is the id's: ids are given by the application under its lock (head + 1), so
an INSERT that bypasses the chain is refused outright.

The digest is computed below with a frozen copy of the canonical form, so that this migration
gives the same chain whatever the application's code becomes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_PAGE = 5000
_REFUSED = "journal d''audit : modification interdite"
_LOG = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("detail", sa.Text),
    sa.column("previous_digest", sa.String),
    sa.column("digest", sa.String),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name in ("previous_digest", "digest"):
        op.add_column(
            "audit_log", sa.Column(name, sa.String(64), nullable=False, server_default="")
        )
    if postgresql:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
    _chain_existing_entries()
    if postgresql:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        for name in ("previous_digest", "digest"):
            op.alter_column("audit_log", name, server_default=None)
        op.execute("ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT")
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_id_seq')")
        op.execute(
            "SELECT setval('audit_log_id_seq', COALESCE((SELECT max(id) FROM audit_log), 0) + 1, "
            "false)"
        )
    op.drop_column("audit_log", "digest")
    op.drop_column("audit_log", "previous_digest")


def _chain_existing_entries() -> None:
    """Chain the entries already logged, in id order, from the genesis."""
    bind = op.get_bind()
    last_id, previous = 0, GENESIS
    while True:
        rows = bind.execute(
            sa.select(_LOG).where(_LOG.c.id > last_id).order_by(_LOG.c.id).limit(_PAGE)
        ).all()
        if not rows:
            return
        chained = []
        for row in rows:
            digest = _digest(row, previous)
            chained.append({"number": row.id, "chained_to": previous, "sealed": digest})
            last_id, previous = row.id, digest
        bind.execute(
            sa.update(_LOG)
            .where(_LOG.c.id == sa.bindparam("number"))
            .values(previous_digest=sa.bindparam("chained_to"), digest=sa.bindparam("sealed")),
            chained,
        )


def _digest(row: sa.Row[tuple[object, ...]], previous: str) -> str:
    """The canonical form of 2026-12 (``domain/audit.py``), frozen here."""
    moment: datetime = row.at
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    fields = [
        row.id,
        aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        row.actor,
        row.action,
        row.entity,
        row.entity_key,
        row.detail,
        previous,
    ]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
