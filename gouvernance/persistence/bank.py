"""Imported bank statements and their lines in the database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gouvernance.domain.bank.model import BankLine, BankStatement, Direction, LineStatus
from gouvernance.persistence.orm import bank_lines, bank_statements

_CHUNK = 500  # identities looked up per query (an IN list stays small on both databases)


class SqlBankBook:
    """Writers hold ``uow.ledger.lock()``: an import reads what is known, then writes lines and
    payments after it, so two imports of the same file at once record it once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_statement(self, statement: BankStatement) -> None:
        self.session.add(statement)
        self.session.flush()

    def statement_by_digest(self, digest: str) -> BankStatement | None:
        query = select(BankStatement).where(bank_statements.c.digest == digest)
        return self.session.scalars(query).one_or_none()

    def statement(self, statement_id: int) -> BankStatement | None:
        return self.session.get(BankStatement, statement_id)

    def statement_by_reference(self, reference: str) -> BankStatement | None:
        query = select(BankStatement).where(bank_statements.c.reference == reference)
        return self.session.scalars(query).one_or_none()

    def statements(self, limit: int) -> Sequence[BankStatement]:
        query = select(BankStatement).order_by(bank_statements.c.id.desc()).limit(limit)
        return self.session.scalars(query).all()

    def known_fingerprints(self, fingerprints: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(fingerprints))
        known: set[str] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = select(bank_lines.c.fingerprint).where(bank_lines.c.fingerprint.in_(chunk))
            known.update(self.session.scalars(query))
        return known

    def add_lines(self, lines: Sequence[BankLine]) -> None:
        self.session.add_all(lines)
        self.session.flush()

    def line(self, line_id: int) -> BankLine | None:
        return self.session.get(BankLine, line_id)

    def line_by_fingerprint(self, fingerprint: str) -> BankLine | None:
        query = select(BankLine).where(bank_lines.c.fingerprint == fingerprint)
        return self.session.scalars(query).one_or_none()

    def lines(
        self,
        *,
        statement_id: int | None = None,
        statuses: Sequence[LineStatus] | None = None,
        limit: int = 1000,
    ) -> Sequence[BankLine]:
        """Oldest booking first, then in the file's order."""
        query = select(BankLine).order_by(
            bank_lines.c.booked_on, bank_lines.c.statement_id, bank_lines.c.position
        )
        if statement_id is not None:
            query = query.where(bank_lines.c.statement_id == statement_id)
        if statuses is not None:
            query = query.where(bank_lines.c.status.in_([s.value for s in statuses]))
        return self.session.scalars(query.limit(limit)).all()

    def count_lines(self, statuses: Sequence[LineStatus]) -> int:
        query = select(func.count()).where(bank_lines.c.status.in_([s.value for s in statuses]))
        return int(self.session.scalar(query) or 0)

    def learned_ibans(self) -> Mapping[str, str]:
        """IBAN → member, from credits the treasurer (or a certain match) settled for exactly
        one member; an IBAN seen for two members teaches nothing."""
        query = (
            select(bank_lines.c.counterparty_iban, bank_lines.c.member_code)
            .where(
                bank_lines.c.counterparty_iban != "",
                bank_lines.c.member_code.is_not(None),
                bank_lines.c.direction == Direction.CREDIT.value,
                bank_lines.c.status.in_(
                    [LineStatus.RECORDED.value, LineStatus.ALREADY_RECORDED.value]
                ),
            )
            .group_by(bank_lines.c.counterparty_iban, bank_lines.c.member_code)
        )
        owners: dict[str, set[str]] = {}
        for iban, member in self.session.execute(query):
            owners.setdefault(iban, set()).add(member)
        return {iban: next(iter(members)) for iban, members in owners.items() if len(members) == 1}

    def reversed_payments(self, payment_references: Iterable[str]) -> set[str]:
        """Which of these payments a recorded return already undid."""
        wanted = list(dict.fromkeys(payment_references))
        if not wanted:
            return set()
        query = (
            select(bank_lines.c.reversed_payment)
            .where(bank_lines.c.reversed_payment.in_(wanted))
            .distinct()
        )
        return {ref for ref in self.session.scalars(query) if ref}
