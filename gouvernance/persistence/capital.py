"""The register of shares in the database: operations are inserted, never updated.

Beside them, running totals (migration 0012) that each write moves, so that a subscription or a
withdrawal never reads the whole register: one row for the register (``capital_totals``) and
one per registry category (``capital_category_totals``, also moved by a trigger when a holder
changes category), read with the operations of the one associate concerned (by index). The
register's row names the last operation counted; when that is not the register's highest id
(operations inserted around the service, a restored copy), every total is rebuilt from the
operations once, under the ledger lock.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from gouvernance.domain.members import PersonKind
from gouvernance.domain.scic.capital import (
    Associate,
    CapitalOperation,
    OperationKind,
    Register,
    RegisterTotals,
)
from gouvernance.persistence.orm import (
    capital_category_totals,
    capital_operations,
    capital_totals,
    members,
)

_ROW = 1  # the single row of ``capital_totals``
_ops = capital_operations.c
_by_category = capital_category_totals.c
# What an operation adds to the capital subscribed (paying up and refunds: nothing).
_SUBSCRIBED = case(
    (_ops.kind == OperationKind.SUBSCRIPTION, _ops.cents),
    (_ops.kind == OperationKind.WITHDRAWAL, -_ops.cents),
    else_=0,
)


class SqlCapitalRegister:
    """Writers hold ``uow.ledger.lock()``: they read the register, then write after it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, operation: CapitalOperation, totals: RegisterTotals | None = None) -> None:
        """Insert ``operation``; with ``totals`` (the register's after it, read by ``totals``
        in this transaction), move the running totals too. Without them, the register's row no
        longer names the last operation: every total will be rebuilt."""
        self.session.add(operation)
        self.session.flush()
        if totals is None:
            return
        assert operation.id is not None
        self._store(totals, operation.id)
        moved = {OperationKind.SUBSCRIPTION: 1, OperationKind.WITHDRAWAL: -1}.get(operation.kind)
        if moved:
            self._move(operation.member_code, moved * operation.cents)

    def totals(self) -> RegisterTotals:
        """The register's running totals now; the caller holds the ledger lock."""
        highest = select(func.max(_ops.id)).scalar_subquery()
        row = self.session.execute(
            select(capital_totals, highest.label("last")).where(capital_totals.c.id == _ROW)
        ).first()
        last = (row.last if row is not None else self.session.scalar(select(highest))) or 0
        if row is not None and row.last_operation_id == last:
            return RegisterTotals(
                int(row.subscribed_cents),
                int(row.paid_cents),
                int(row.highest_cents),
                row.highest_on,
                row.last_day,
            )
        return self._rebuild(last)

    def _rebuild(self, last: int) -> RegisterTotals:
        """Every running total from the operations (the register replayed, a grouped sum)."""
        totals = Register.replay(self.operations()).totals
        self._store(totals, last)
        self.session.execute(delete(capital_category_totals))
        grouped = (
            select(members.c.category, func.sum(_SUBSCRIBED))
            .select_from(capital_operations)
            .join(members, members.c.code == _ops.member_code)
            .group_by(members.c.category)
        )
        self.session.execute(
            insert(capital_category_totals).from_select(
                [_by_category.category, _by_category.subscribed_cents], grouped
            )
        )
        return totals

    def _move(self, member_code: str, cents: int) -> None:
        """Add ``cents`` to the capital of the member's category (its row made if missing)."""
        category = select(members.c.category).where(members.c.code == member_code)
        done = self.session.execute(
            update(capital_category_totals)
            .where(_by_category.category == category.scalar_subquery())
            .values(subscribed_cents=_by_category.subscribed_cents + cents)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            self.session.execute(
                insert(capital_category_totals).from_select(
                    [_by_category.category, _by_category.subscribed_cents],
                    category.add_columns(literal(cents)),
                )
            )

    def _store(self, totals: RegisterTotals, last_operation_id: int) -> None:
        values: dict[str, Any] = {
            "subscribed_cents": totals.subscribed,
            "paid_cents": totals.paid,
            "highest_cents": totals.highest,
            "highest_on": totals.highest_on,
            "last_day": totals.last_day,
            "last_operation_id": last_operation_id,
        }
        done = self.session.execute(
            update(capital_totals).where(capital_totals.c.id == _ROW).values(**values)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            self.session.execute(insert(capital_totals).values(id=_ROW, **values))

    def subscribed_by_categories(self, categories: Collection[str]) -> int:
        """Capital subscribed now by the members of these registry categories, from the running
        totals per category (the caller read ``totals`` first: they are up to date)."""
        if not categories:
            return 0
        query = select(func.coalesce(func.sum(_by_category.subscribed_cents), 0)).where(
            _by_category.category.in_(sorted(categories))
        )
        return int(self.session.scalar(query) or 0)

    def associates(self, until: date, *, holding_only: bool = True) -> list[Associate]:
        """Who holds shares at the end of ``until`` (``holding_only=False``: everyone with an
        operation by then), by code, with their name and category: one grouped query over the
        register joined to the registry (an assembly's roll, the register's view)."""
        signed = case(
            (_ops.kind == OperationKind.SUBSCRIPTION, _ops.shares),
            (_ops.kind == OperationKind.WITHDRAWAL, -_ops.shares),
            else_=0,
        )
        held = (
            select(_ops.member_code.label("code"), func.sum(signed).label("shares"))
            .where(_ops.day <= until)
            .group_by(_ops.member_code)
            .subquery()
        )
        name = case(
            (members.c.kind == PersonKind.LEGAL, members.c.name),
            else_=func.trim(members.c.first_name + " " + members.c.last_name),
        )  # ``Member.display_name``, in SQL: no object per associate
        query = (
            select(members.c.code, name, members.c.category, held.c.shares)
            .join(held, held.c.code == members.c.code)
            .order_by(members.c.code)
        )
        if holding_only:
            query = query.where(held.c.shares > 0)
        return [Associate._make(row) for row in self.session.execute(query)]

    def operation(self, number: str) -> CapitalOperation | None:
        query = select(CapitalOperation).where(_ops.number == number)
        return self.session.scalars(query).one_or_none()

    def operations(
        self, *, until: date | None = None, member_code: str | None = None
    ) -> Sequence[CapitalOperation]:
        """In the register's order: by day, then in the order recorded (numbers are text)."""
        query = select(CapitalOperation).order_by(_ops.day, _ops.id)
        if until is not None:
            query = query.where(_ops.day <= until)
        if member_code is not None:
            query = query.where(_ops.member_code == member_code)
        return self.session.scalars(query).all()
