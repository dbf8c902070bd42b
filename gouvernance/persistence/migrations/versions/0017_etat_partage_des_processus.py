"""Ce que les processus du serveur partagent : travaux en arrière-plan, connexions ratées.

Several server processes serve one PostgreSQL database (``gouvernance serve`` starts one per
core there). What one process knew alone must then be in the database:

- ``background_jobs``: a job a page started (issuing a batch, laying out letters, sending
  mail), its progress and what it produced, so that the progress page finds it whichever process
  answers. ``seen_at`` is touched by the process running it: a job nobody touched for minutes
  belonged to a process that stopped. The same request twice is one job (``owner``,
  ``request_key`` unique).
- ``sign_in_failures`` and ``sign_in_locks``: the failed sign-ins of each account and address,
  counted against one budget whichever process saw them.

Working state, not records (the services write their own records and audit entries): rows are
deleted after an hour (jobs) or once their window is over (sign-ins).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "background_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("request_key", sa.String(300)),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("back", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done", sa.BigInteger, nullable=False),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("document", sa.LargeBinary),
        sa.Column("error", sa.Text),
        sa.Column("problems", sa.Text, nullable=False),
        _moment("started_at"),
        _moment("seen_at"),
        _moment("finished_at", nullable=True),
        sa.UniqueConstraint("owner", "request_key", name="uq_background_jobs_request"),
    )
    op.create_index("ix_background_jobs_finished_at", "background_jobs", ["finished_at"])
    for table in ("sign_in_failures", "sign_in_locks"):
        moment = "at" if table == "sign_in_failures" else "until"
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("scope", sa.String(10), nullable=False),
            sa.Column("subject", sa.String(300), nullable=False),
            _moment(moment),
        )
        op.create_index(f"ix_{table}_{moment}", table, [moment])
        op.create_index(f"ix_{table}_subject", table, ["scope", "subject", moment])


def downgrade() -> None:
    op.drop_table("sign_in_locks")
    op.drop_table("sign_in_failures")
    op.drop_table("background_jobs")
