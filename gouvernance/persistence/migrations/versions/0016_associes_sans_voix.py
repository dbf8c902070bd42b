"""Les associés qui ne votent pas, trouvés sans parcourir la liste d'émargement.

The minutes and their preview list the associates who may not vote (``entitled`` false) of an
assembly, by member code. Usually there are none, or a handful: without an index of their own,
finding them walked every line of the roll (10 000 lines: a few milliseconds on each page of the
minutes, 35 000 at the largest assemblies). A partial index holds only those lines, so finding
them, and counting them for the roll's size, reads only them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEX = "ix_assembly_roll_not_entitled"


def upgrade() -> None:
    op.create_index(
        INDEX, "assembly_roll", ["assembly_id", "member_code"],
        sqlite_where=sa.text("entitled = 0"), postgresql_where=sa.text("entitled = false"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index(INDEX, table_name="assembly_roll")
