"""SQLAlchemy repositories behind the protocols of ``gouvernance.services.ports``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from gouvernance.domain.calls.model import (
    NEW_CALL_COLUMNS,
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Mandate,
    NewCall,
    Payment,
    Refund,
    Reminder,
)
from gouvernance.domain.calls.sepa import DebitReturn, SentDebit, SepaFile
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Payer
from gouvernance.domain.members import Category, Member, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import ApiToken, Role, User
from gouvernance.persistence.orm import (
    allocations,
    api_tokens,
    call_batches,
    calls,
    credit_notes,
    idempotency_keys,
    ledger_sequences,
    mandates,
    members,
    organisation_snapshots,
    payments,
    refunds,
    reminders,
    sepa_debit_returns,
    sepa_debits,
    sepa_files,
    users,
)
from gouvernance.services.ports import CallFilter, MemberFilter, StoredResponse

_GENERATED_CODE = re.compile(r"^M(\d+)$")
_REGISTRY_LOCK = 7_203_001  # an arbitrary, stable advisory-lock key for the member registry
_LEDGER_LOCK = 7_203_002  # the same for the ledger (calls, credit notes, payments)
_ORGANISATION_LOCK = 7_203_003  # the same for the organisation (created once, then updated)
_CALL_COLUMNS = (
    "reference",
    "batch_id",
    "number",
    "kind",
    "fiscal_year",
    "member_code",
    "member_name",
    "cents",
    "issued_on",
    "due_on",
    "basis",
)


LIKE_ESCAPE = "\\"


def like_escaped(text: str) -> str:
    """``text`` searched for as typed: « % » and « _ » are LIKE wildcards, matched literally once
    escaped (and so is the escape character itself), on SQLite as on PostgreSQL."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _lock(session: Session, key: int) -> None:
    """Hold ``key`` until the transaction ends. SQLite's BEGIN IMMEDIATE already serialises
    writers; PostgreSQL takes a transaction-scoped advisory lock."""
    if not _is_sqlite(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


class SqlMemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, member: Member) -> None:
        self.session.add(member)

    @property
    def _is_sqlite(self) -> bool:
        return _is_sqlite(self.session)

    def lock_registry(self) -> None:
        """Serialise creations: generated codes are read then written."""
        _lock(self.session, _REGISTRY_LOCK)

    def get(self, code: str) -> Member | None:
        return self.session.scalars(select(Member).where(members.c.code == code)).one_or_none()

    def get_for_update(self, code: str) -> Member | None:
        query = select(Member).where(members.c.code == code).with_for_update()
        return self.session.scalars(query).one_or_none()

    def by_siren(self, siren: str) -> Member | None:
        return self.session.scalars(select(Member).where(members.c.siren == siren)).one_or_none()

    def codes(self) -> set[str]:
        return set(self.session.scalars(select(members.c.code)))

    def sirens(self) -> set[str]:
        query = select(members.c.siren).where(members.c.siren.is_not(None))
        return {s for s in self.session.scalars(query) if s}

    def next_code(self) -> str:
        """``M0001``, ``M0002``… after the highest generated code already used."""
        numbers = [
            int(m.group(1))
            for code in self.session.scalars(
                select(members.c.code).where(members.c.code.like("M%"))
            )
            if (m := _GENERATED_CODE.match(code))
        ]
        return f"M{max(numbers, default=0) + 1:04d}"

    def search(
        self, filters: MemberFilter, offset: int, limit: int
    ) -> tuple[Sequence[Member], int]:
        query = select(Member)
        if filters.category:
            query = query.where(members.c.category == filters.category)
        if filters.kind:
            query = query.where(members.c.kind == filters.kind)
        if filters.active_on:
            day = filters.active_on
            query = query.where(
                members.c.joined_on <= day,
                or_(members.c.left_on.is_(None), members.c.left_on >= day),
            )
        if not filters.include_former:
            query = query.where(members.c.left_on.is_(None))
        if filters.search:
            fold = func.gv_fold if self._is_sqlite else func.lower
            pattern = f"%{like_escaped(filters.search.casefold())}%"
            query = query.where(
                or_(
                    fold(members.c.name).like(pattern, escape=LIKE_ESCAPE),
                    fold(members.c.last_name).like(pattern, escape=LIKE_ESCAPE),
                    fold(members.c.first_name).like(pattern, escape=LIKE_ESCAPE),
                    fold(members.c.code).like(pattern, escape=LIKE_ESCAPE),
                    members.c.siren.like(pattern, escape=LIKE_ESCAPE),
                )
            )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(
            query.order_by(members.c.code).offset(offset).limit(limit)
        ).all()
        return page, total

    def all(self) -> Sequence[Member]:
        return self.session.scalars(select(Member).order_by(members.c.code)).all()

    def payers(self, facts: set[tuple[FactKind, int]]) -> list[Payer]:
        """Two plain queries (members with their category, then only the figures named), read
        with the driver's cursor: issuing 100 000 calls must not pay for 100 000 ORM records,
        nor for SQLAlchemy's per-value conversions (the values are plain: codes, ISO dates on
        SQLite, integer hundredths)."""
        kinds = {kind.value: kind for kind in FactKind}
        labels = {c.code: c.label for c in self.session.scalars(select(Category))}
        figures: dict[int, dict[tuple[FactKind, int], Decimal]] = {}
        for member_id, kind, year, hundredths in self._fact_rows(facts):
            figures.setdefault(member_id, {})[(kinds[kind], year)] = Decimal(hundredths).scaleb(-2)
        none: dict[tuple[FactKind, int], Decimal] = {}
        # ISO text on SQLite (as SQLAlchemy stores a Date there), a date on PostgreSQL.
        day: Callable[[Any], date] = date.fromisoformat if self._is_sqlite else _same
        found = [
            Payer(
                code,
                name,
                category,
                day(joined),
                None if left is None else day(left),
                figures.get(member_id, none),
                labels.get(category, category),
            )
            for member_id, code, name, category, joined, left in self._raw(
                # The display name (Member.display_name), worked out by the database.
                f"SELECT id, code, CASE WHEN kind = '{PersonKind.LEGAL.value}' THEN name "
                "ELSE trim(first_name || ' ' || last_name) END, category, joined_on, left_on "
                "FROM members"
            )
        ]
        found.sort(key=lambda payer: payer.code)
        return found

    def _fact_rows(self, facts: set[tuple[FactKind, int]]) -> list[tuple[Any, ...]]:
        if not facts:
            return []
        # Enumeration values and integers only: nothing here comes from a person's input.
        pairs = " OR ".join(
            f"(kind = '{kind.value}' AND fiscal_year = {int(year)})" for kind, year in sorted(facts)
        )
        return self._raw(
            f"SELECT member_id, kind, fiscal_year, value FROM member_facts WHERE {pairs}"
        )

    def _raw(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()


def _same(value: date) -> date:
    return value


class SqlCategoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, category: Category) -> None:
        self.session.add(category)

    def get(self, code: str) -> Category | None:
        return self.session.get(Category, code)

    def all(self) -> Sequence[Category]:
        return self.session.scalars(select(Category)).all()


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> None:
        self.session.add(user)

    def get(self, username: str) -> User | None:
        return self.session.scalars(select(User).where(users.c.username == username)).one_or_none()

    def all(self) -> Sequence[User]:
        return self.session.scalars(select(User).order_by(users.c.username)).all()

    def active_admins(self, *, lock: bool = False) -> Sequence[User]:
        query = (
            select(User)
            .where(users.c.role == Role.ADMIN, users.c.active.is_(True))
            .order_by(users.c.username)
        )
        if lock:  # read afresh: another transaction may just have deactivated one of them
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).all()


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> None:
        self.session.add(token)

    def get(self, token_hash: str) -> ApiToken | None:
        query = select(ApiToken).where(api_tokens.c.token_hash == token_hash)
        return self.session.scalars(query).one_or_none()

    def delete(self, token_hash: str) -> bool:
        return self._delete(api_tokens.c.token_hash == token_hash) > 0

    def delete_for_user(self, username: str, *, keep: str | None = None) -> int:
        if keep is None:
            return self._delete(api_tokens.c.username == username)
        return self._delete(
            and_(api_tokens.c.username == username, api_tokens.c.token_hash != keep)
        )

    def delete_expired(self, now: datetime) -> int:
        return self._delete(api_tokens.c.expires_at <= now)

    def live_counts(self, now: datetime) -> Mapping[str, int]:
        query = (
            select(api_tokens.c.username, func.count())
            .where(api_tokens.c.expires_at > now)
            .group_by(api_tokens.c.username)
        )
        return {username: count for username, count in self.session.execute(query)}

    def _delete(self, condition: ColumnElement[bool]) -> int:
        statement = delete(api_tokens).where(condition)
        return cast(CursorResult[Any], self.session.execute(statement)).rowcount


class SqlOrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> Organisation | None:
        return self.session.scalars(select(Organisation).limit(1)).one_or_none()

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)

    def lock(self) -> None:
        """Serialise writers of the organisation: the first one creates the single row."""
        _lock(self.session, _ORGANISATION_LOCK)

    def snapshot(self, content: str) -> int:
        """The id of the snapshot holding ``content``, inserted if new (by digest: the same
        details are stored once; a concurrent insert of the same content is not an error)."""
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        found = self._snapshot_id(digest)
        if found is not None:
            return found
        insert = sqlite_insert if _is_sqlite(self.session) else postgresql_insert
        self.session.execute(
            insert(organisation_snapshots)
            .values(digest=digest, content=content)
            .on_conflict_do_nothing(index_elements=["digest"])
        )
        found = self._snapshot_id(digest)
        assert found is not None
        return found

    def snapshot_content(self, snapshot_id: int) -> str | None:
        return self.session.scalar(
            select(organisation_snapshots.c.content).where(
                organisation_snapshots.c.id == snapshot_id
            )
        )

    def _snapshot_id(self, digest: str) -> int | None:
        return self.session.scalar(
            select(organisation_snapshots.c.id).where(organisation_snapshots.c.digest == digest)
        )


class SqlIdempotencyStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> StoredResponse | None:
        row = self.session.execute(
            select(
                idempotency_keys.c.request_hash,
                idempotency_keys.c.status,
                idempotency_keys.c.response,
            ).where(idempotency_keys.c.key == key)
        ).one_or_none()
        if row is None:
            return None
        return StoredResponse(request_hash=row[0], status=row[1], body=row[2])

    def put(self, key: str, response: StoredResponse) -> None:
        self.session.execute(
            idempotency_keys.insert().values(
                key=key,
                request_hash=response.request_hash,
                status=response.status,
                response=response.body,
                created_at=datetime.now(UTC),
            )
        )


class SqlLedger:
    """The treasurer's records. Calls are inserted in bulk (one batch may hold 100 000)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _is_sqlite(self) -> bool:
        return _is_sqlite(self.session)

    def lock(self) -> None:
        """Serialise ledger writers (issuing, payments, credit notes): they read then write."""
        _lock(self.session, _LEDGER_LOCK)

    def next_numbers(self, name: str, count: int) -> int:
        last = self.session.scalar(
            select(ledger_sequences.c.last).where(ledger_sequences.c.name == name).with_for_update()
        )
        if last is None:
            self.session.execute(ledger_sequences.insert().values(name=name, last=count))
            return 1
        self.session.execute(
            ledger_sequences.update()
            .where(ledger_sequences.c.name == name)
            .values(last=last + count)
        )
        return int(last) + 1

    def add_batch(self, batch: CallBatch) -> None:
        self.session.add(batch)
        self.session.flush()

    def add_calls(self, batch: CallBatch, new: Sequence[NewCall]) -> None:
        """Straight to the driver: executemany on SQLite, COPY on PostgreSQL (the ORM would
        spend most of the time building objects it never needs again)."""
        if not new:
            return
        self.session.flush()
        connection = self.session.connection()
        if self._is_sqlite:
            # What the whole batch shares is written once into the statement (our own values:
            # an id, an enumeration, a year, ISO dates as SQLAlchemy stores them on SQLite),
            # so that each row is the NewCall tuple itself, passed as it is.
            shared = (
                f"{int(batch.id or 0)}, '{batch.kind.value}', {int(batch.fiscal_year)}, "
                f"'{batch.issued_on.isoformat()}', '{batch.due_on.isoformat()}'"
            )
            connection.exec_driver_sql(
                f"INSERT INTO calls ({', '.join(NEW_CALL_COLUMNS)}, batch_id, kind, fiscal_year, "
                f"issued_on, due_on) VALUES ({', '.join('?' for _ in NEW_CALL_COLUMNS)}, {shared})",
                new,
            )
            return
        names = ", ".join(_CALL_COLUMNS)
        shared_values = (batch.kind.value, batch.fiscal_year)
        driver = connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(f"COPY calls ({names}) FROM STDIN") as copy:
            for ref, number, code, name, cents, basis in new:
                copy.write_row(
                    (ref, batch.id, number, *shared_values, code, name, cents,
                     batch.issued_on, batch.due_on, basis)
                )  # fmt: skip

    def batches(
        self, kind: CallKind | None = None, fiscal_year: int | None = None
    ) -> Sequence[CallBatch]:
        query = select(CallBatch).order_by(call_batches.c.id)
        if kind is not None:
            query = query.where(call_batches.c.kind == kind)
        if fiscal_year is not None:
            query = query.where(call_batches.c.fiscal_year == fiscal_year)
        return self.session.scalars(query).all()

    def batch(self, reference: str) -> CallBatch | None:
        query = select(CallBatch).where(call_batches.c.reference == reference)
        return self.session.scalars(query).one_or_none()

    def batch_by_id(self, batch_id: int) -> CallBatch | None:
        return self.session.get(CallBatch, batch_id)

    def called_members(self, kind: CallKind, fiscal_year: int) -> set[str]:
        query = select(calls.c.member_code).where(
            calls.c.kind == kind, calls.c.fiscal_year == fiscal_year
        )
        return set(self.session.scalars(query))

    def calls(self, filters: CallFilter) -> Sequence[Call]:
        query = select(Call)
        if filters.member_code is not None:
            query = query.where(calls.c.member_code == filters.member_code)
        if filters.fiscal_year is not None:
            query = query.where(calls.c.fiscal_year == filters.fiscal_year)
        if filters.kind is not None:
            query = query.where(calls.c.kind == filters.kind)
        if filters.batch_reference is not None:
            query = query.join(call_batches, call_batches.c.id == calls.c.batch_id).where(
                call_batches.c.reference == filters.batch_reference
            )
        return self.session.scalars(query.order_by(calls.c.id)).all()

    def call(self, reference: str) -> Call | None:
        return self.session.scalars(
            select(Call).where(calls.c.reference == reference)
        ).one_or_none()

    def add_credit_note(self, note: CreditNote) -> None:
        self.session.add(note)

    def credit_notes(self, member_code: str | None = None) -> Sequence[CreditNote]:
        query = select(CreditNote).order_by(credit_notes.c.id)
        if member_code is not None:
            query = query.where(credit_notes.c.member_code == member_code)
        return self.session.scalars(query).all()

    def add_payment(self, payment: Payment) -> None:
        self.session.add(payment)

    def payment(self, reference: str) -> Payment | None:
        query = select(Payment).where(payments.c.reference == reference)
        return self.session.scalars(query).one_or_none()

    def payments(self, member_code: str | None = None) -> Sequence[Payment]:
        query = select(Payment).order_by(payments.c.id)
        if member_code is not None:
            query = query.where(payments.c.member_code == member_code)
        return self.session.scalars(query).all()

    def payment_with_bank_reference(self, member_code: str, bank_reference: str) -> Payment | None:
        query = select(Payment).where(
            and_(
                payments.c.member_code == member_code,
                payments.c.bank_reference == bank_reference,
            )
        )
        return self.session.scalars(query.limit(1)).one_or_none()

    def add_allocation(self, allocation: Allocation) -> None:
        self.session.add(allocation)

    def allocations(self, member_code: str | None = None) -> Sequence[Allocation]:
        query = select(Allocation).order_by(allocations.c.id)
        if member_code is not None:
            query = query.where(allocations.c.member_code == member_code)
        return self.session.scalars(query).all()

    def add_refund(self, refund: Refund) -> None:
        self.session.add(refund)

    def refund(self, reference: str) -> Refund | None:
        query = select(Refund).where(refunds.c.reference == reference)
        return self.session.scalars(query).one_or_none()

    def refunds(self, member_code: str | None = None) -> Sequence[Refund]:
        query = select(Refund).order_by(refunds.c.id)
        if member_code is not None:
            query = query.where(refunds.c.member_code == member_code)
        return self.session.scalars(query).all()

    def add_reminder(self, reminder: Reminder) -> None:
        self.session.add(reminder)

    def reminders(self, member_code: str | None = None) -> Sequence[Reminder]:
        query = select(Reminder).order_by(reminders.c.id)
        if member_code is not None:
            query = query.where(reminders.c.member_code == member_code)
        return self.session.scalars(query).all()

    def mandate(self, member_code: str) -> Mandate | None:
        query = select(Mandate).where(mandates.c.member_code == member_code)
        return self.session.scalars(query).one_or_none()

    def mandates(self) -> Sequence[Mandate]:
        return self.session.scalars(select(Mandate).order_by(mandates.c.member_code)).all()

    def add_mandate(self, mandate: Mandate) -> None:
        self.session.add(mandate)

    def add_sepa_file(self, file: SepaFile, debits: Sequence[SentDebit]) -> None:
        self.session.add(file)
        self.session.flush()
        self.session.add_all(debits)

    def sepa_files(self) -> Sequence[SepaFile]:
        return self.session.scalars(select(SepaFile).order_by(sepa_files.c.id)).all()

    def sepa_file(self, message_id: str) -> SepaFile | None:
        query = select(SepaFile).where(sepa_files.c.message_id == message_id)
        return self.session.scalars(query).one_or_none()

    def sent_debits(
        self, member_code: str | None = None, message_id: str | None = None
    ) -> Sequence[SentDebit]:
        query = select(SentDebit).order_by(sepa_debits.c.id)
        if member_code is not None:
            query = query.where(sepa_debits.c.member_code == member_code)
        if message_id is not None:
            query = query.where(sepa_debits.c.message_id == message_id)
        return self.session.scalars(query).all()

    def add_debit_return(self, debit_return: DebitReturn) -> None:
        self.session.add(debit_return)

    def debit_returns(self, member_code: str | None = None) -> Sequence[DebitReturn]:
        query = select(DebitReturn).order_by(sepa_debit_returns.c.id)
        if member_code is not None:
            query = query.where(sepa_debit_returns.c.member_code == member_code)
        return self.session.scalars(query).all()
