"""The register of shares in the database: operations are inserted, never updated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gouvernance.domain.scic.capital import CapitalOperation
from gouvernance.persistence.orm import capital_operations


class SqlCapitalRegister:
    """Writers hold ``uow.ledger.lock()``: they read the register, then write after it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, operation: CapitalOperation) -> None:
        self.session.add(operation)
        self.session.flush()

    def operation(self, number: str) -> CapitalOperation | None:
        query = select(CapitalOperation).where(capital_operations.c.number == number)
        return self.session.scalars(query).one_or_none()

    def operations(
        self, *, until: date | None = None, member_code: str | None = None
    ) -> Sequence[CapitalOperation]:
        """In the register's order: by day, then in the order recorded (numbers are text)."""
        query = select(CapitalOperation).order_by(capital_operations.c.day, capital_operations.c.id)
        if until is not None:
            query = query.where(capital_operations.c.day <= until)
        if member_code is not None:
            query = query.where(capital_operations.c.member_code == member_code)
        return self.session.scalars(query).all()
