"""Totaux courants du registre du capital : aucune lecture du registre entier par opération.

``capital_totals``: one row, the register's running totals (capital subscribed and paid up,
highest capital ever reached and its day, last day of the register) and the id of the last
operation they count. Each subscription, paying up, withdrawal or refund rewrites it under the
ledger lock instead of replaying the whole register. It is not append-only (no trigger of 0003 or
0009): it is derived from ``capital_operations`` and rebuilt from them by the application when
its ``last_operation_id`` is not the register's highest id. This migration fills it from the
operations already there, replayed in the register's order (day, then the order recorded).

``capital_category_totals``: the capital subscribed per registry category, moved by each
subscription and withdrawal, so that the public bodies' part (art. 19 septies) is a sum over a
few categories, not over their associates. A member's category can change (registry edit,
import): a trigger on ``members`` then moves what they hold from the old category to the new
one, whichever path made the change. Filled here by a grouped sum over the register.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capital_totals",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("subscribed_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
        sa.Column("highest_cents", sa.BigInteger(), nullable=False),
        sa.Column("highest_on", sa.Date(), nullable=True),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("last_operation_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capital_totals")),
    )
    op.create_table(
        "capital_category_totals",
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("subscribed_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_capital_category_totals")),
    )
    _fill()
    op.execute(
        "INSERT INTO capital_category_totals (category, subscribed_cents) "
        f"SELECT m.category, sum({_SUBSCRIBED_O}) FROM capital_operations o "
        "JOIN members m ON m.code = o.member_code GROUP BY m.category"
    )
    _category_trigger()


# What an operation adds to the capital subscribed (paying up and refunds: nothing).
_SUBSCRIBED = "CASE kind WHEN 'subscription' THEN cents WHEN 'withdrawal' THEN -cents ELSE 0 END"
_SUBSCRIBED_O = (
    "CASE o.kind WHEN 'subscription' THEN o.cents WHEN 'withdrawal' THEN -o.cents ELSE 0 END"
)
_HELD = (
    f"(SELECT coalesce(sum({_SUBSCRIBED}), 0) FROM capital_operations WHERE member_code = NEW.code)"
)
_MOVE = (
    "INSERT INTO capital_category_totals (category, subscribed_cents) VALUES ({category}, {cents}) "
    "ON CONFLICT (category) DO UPDATE SET "
    "subscribed_cents = capital_category_totals.subscribed_cents + excluded.subscribed_cents"
)
_TRIGGER = "members_category_moves_capital"


def _category_trigger() -> None:
    """When a member changes category, what they hold moves with them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION capital_category_moved() RETURNS trigger AS $$ "
            "DECLARE held bigint; BEGIN "
            f"SELECT coalesce(sum({_SUBSCRIBED}), 0) INTO held FROM capital_operations "
            "WHERE member_code = NEW.code; "
            "IF held <> 0 THEN "
            f"{_MOVE.format(category='OLD.category', cents='-held')}; "
            f"{_MOVE.format(category='NEW.category', cents='held')}; "
            "END IF; RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE OF category ON members FOR EACH ROW "
            "WHEN (OLD.category IS DISTINCT FROM NEW.category) "
            "EXECUTE FUNCTION capital_category_moved()"
        )
        return
    op.execute(
        f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE OF category ON members FOR EACH ROW "
        "WHEN OLD.category <> NEW.category BEGIN "
        f"{_MOVE.format(category='OLD.category', cents=f'-{_HELD}')}; "
        f"{_MOVE.format(category='NEW.category', cents=_HELD)}; "
        "END"
    )


def _fill() -> None:
    """The totals of the operations already recorded, as ``Register.replay`` would give them
    (kept here rather than imported: a migration must not change when the application does)."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, kind, cents, paid_cents, day FROM capital_operations ORDER BY day, id")
    ).all()
    if not rows:
        return
    subscribed = paid = highest = 0
    highest_on: Any = None
    last_day: Any = None
    for _, kind, cents, paid_cents, day in rows:
        if kind == "subscription":
            subscribed, paid = subscribed + cents, paid + paid_cents
        elif kind == "paying_up":
            paid += cents
        elif kind == "withdrawal":
            subscribed, paid = subscribed - cents, paid - paid_cents
        day = date.fromisoformat(day) if isinstance(day, str) else day
        if subscribed > highest:
            highest, highest_on = subscribed, day
        last_day = day if last_day is None else max(last_day, day)
    totals = sa.table(
        "capital_totals",
        sa.column("id", sa.Integer()),
        sa.column("subscribed_cents", sa.BigInteger()),
        sa.column("paid_cents", sa.BigInteger()),
        sa.column("highest_cents", sa.BigInteger()),
        sa.column("highest_on", sa.Date()),
        sa.column("last_day", sa.Date()),
        sa.column("last_operation_id", sa.Integer()),
    )
    connection.execute(
        totals.insert().values(
            id=1,
            subscribed_cents=subscribed,
            paid_cents=paid,
            highest_cents=highest,
            highest_on=highest_on,
            last_day=last_day,
            last_operation_id=max(row[0] for row in rows),
        )
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER} ON members")
        op.execute("DROP FUNCTION IF EXISTS capital_category_moved()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER}")
    op.drop_table("capital_category_totals")
    op.drop_table("capital_totals")
