"""SQLAlchemy repositories behind the protocols of ``gouvernance.services.ports``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import islice
from operator import itemgetter, lt
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Select,
    String,
    and_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from gouvernance.domain.calls.ledger import CallFigures, figures
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
from gouvernance.domain.facts import FactKind, describe
from gouvernance.domain.members import Category, Member, PersonKind, display_name
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import Actor, ApiToken, Role, User
from gouvernance.persistence import orm
from gouvernance.persistence.database import plain_text, postgresql_search_key
from gouvernance.persistence.orm import (
    allocations,
    api_tokens,
    call_batches,
    calls,
    credit_notes,
    idempotency_keys,
    ledger_sequences,
    mandates,
    member_facts,
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
from gouvernance.services.registry.views import FactView, MemberView, fact_order

if TYPE_CHECKING:  # numpy is loaded by the fee paths only, not by every start
    from gouvernance.domain.fees.vector import PayerTable

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


# The expression PostgreSQL's index ix_members_search holds (migration 0011).
_SEARCH_KEY: ColumnElement[str] = literal_column(f"({postgresql_search_key()})", String)


# A member's view and its figures, one row per figure (or one without), in the order
# ``_member_view`` reads them: built once, narrowed per read.
_MEMBER_COLUMNS = (
    members.c.id, members.c.code, members.c.kind, members.c.name, members.c.first_name,
    members.c.last_name, members.c.category, members.c.joined_on, members.c.siren,
    members.c.email, members.c.phone, members.c.address, members.c.postal_code, members.c.city,
    members.c.left_on, members.c.leave_reason, members.c.version,
)  # fmt: skip
_MEMBER_WIDTH = len(_MEMBER_COLUMNS)
_VIEW_ROWS = (
    select(*_MEMBER_COLUMNS, member_facts.c.fiscal_year, member_facts.c.kind, member_facts.c.value)
    .select_from(members.outerjoin(member_facts, member_facts.c.member_id == members.c.id))
    .order_by(members.c.code)
)
_ONE_VIEW = _VIEW_ROWS.where(members.c.code == bindparam("code"))


def _member_view(row: tuple[Any, ...], facts: list[FactView]) -> MemberView:
    (_id, code, kind, name, first, last, category, joined, siren, email, phone, address,
     postal_code, city, left_on, reason, version) = row  # fmt: skip
    return MemberView(
        code=code, kind=kind, display_name=display_name(kind, name, first, last),
        category=category, joined_on=joined, name=name, first_name=first, last_name=last,
        siren=siren, email=email, phone=phone, address=address, postal_code=postal_code,
        city=city, left_on=left_on, leave_reason=reason, version=version,
        facts=tuple(sorted(facts, key=fact_order)),
    )  # fmt: skip


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
        conditions = self._conditions(filters)
        total = self._count(conditions)
        page = self.session.scalars(
            select(Member).where(*conditions).order_by(members.c.code).offset(offset).limit(limit)
        ).all()
        return page, total

    def search_views(
        self, filters: MemberFilter, offset: int, limit: int
    ) -> tuple[Sequence[MemberView], int]:
        """Plain rows made into views: no ORM record, nor one for each figure (a page of 50
        members costs a third of what loading them does)."""
        conditions = self._conditions(filters)
        total = self._count(conditions)
        page = select(members.c.id).where(*conditions).order_by(members.c.code)
        chosen = _VIEW_ROWS.where(members.c.id.in_(page.offset(offset).limit(limit)))
        return self._views(chosen, {}), total

    def view(self, code: str) -> MemberView | None:
        found = self._views(_ONE_VIEW, {"code": code})
        return found[0] if found else None

    def display_name(self, code: str) -> str | None:
        query = select(
            members.c.kind, members.c.name, members.c.first_name, members.c.last_name
        ).where(members.c.code == code)
        row = self.session.connection().execute(query).first()
        return None if row is None else display_name(*row)

    def _conditions(self, filters: MemberFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if filters.category:
            conditions.append(members.c.category == filters.category)
        if filters.kind:
            conditions.append(members.c.kind == filters.kind)
        if filters.active_on:
            day = filters.active_on
            conditions.append(members.c.joined_on <= day)
            conditions.append(or_(members.c.left_on.is_(None), members.c.left_on >= day))
        if not filters.include_former:
            conditions.append(members.c.left_on.is_(None))
        if filters.search:
            conditions.append(self._found_by(filters.search))
        return conditions

    def _count(self, conditions: list[ColumnElement[bool]]) -> int:
        query = select(func.count()).select_from(members).where(*conditions)
        return self.session.connection().execute(query).scalar() or 0  # no ORM path: a count

    def _views(self, query: Select[Any], values: dict[str, Any]) -> list[MemberView]:
        """Members and their figures from one statement (``_VIEW_ROWS`` narrowed), read by
        position: a read of the register is one round trip."""
        views: list[MemberView] = []
        member: tuple[Any, ...] = ()
        facts: list[FactView] = []
        for row in self.session.connection().execute(query, values).all():
            if row[1] != (member[1] if member else None):
                if member:
                    views.append(_member_view(member, facts))
                member, facts = tuple(row[:_MEMBER_WIDTH]), []
            year, kind, value = row[_MEMBER_WIDTH:]
            if year is not None:
                facts.append(FactView(year, kind, value, describe(kind, year, value)))
        if member:
            views.append(_member_view(member, facts))
        return views

    def _found_by(self, search: str) -> ColumnElement[bool]:
        """Members whose name (company, first or last), code or SIREN contains ``search``,
        accents and capitals aside, through the index of migration 0011: trigrams of the
        folded key (GIN, pg_trgm) on PostgreSQL, the FTS5 trigram table ``members_search`` on
        SQLite. Neither reads the whole table for a term of three letters or more."""
        term = plain_text(search)
        if not self._is_sqlite:
            return _SEARCH_KEY.like(f"%{like_escaped(term)}%", escape=LIKE_ESCAPE)
        if any(wildcard in term for wildcard in (LIKE_ESCAPE, "%", "_")):
            # FTS5 hands LIKE … ESCAPE to no index: rare, and still right.
            found = text("SELECT rowid FROM members_search WHERE key LIKE :term ESCAPE '\\'")
            term = like_escaped(term)
        else:
            found = text("SELECT rowid FROM members_search WHERE key LIKE :term")
        return members.c.id.in_(found.bindparams(term=f"%{term}%").columns(rowid=members.c.id.type))

    def all(self) -> Sequence[Member]:
        return self.session.scalars(select(Member).order_by(members.c.code)).all()

    def registry_version(self) -> int | None:
        """The registry's version (migration 0014), moved forward by the database itself at any
        change to members, their figures or the categories; None if its row is missing."""
        query = select(orm.registry_version.c.version).where(orm.registry_version.c.id == 1)
        found = self.session.connection().execute(query).scalar_one_or_none()
        return None if found is None else int(found)

    def payer_table(self, facts: set[tuple[FactKind, int]]) -> PayerTable:
        """Two plain queries (members with their category, by code, then only the figures
        named), read with the driver's cursor straight into the columns of a ``PayerTable``:
        issuing 100 000 calls must pay neither for 100 000 ORM records nor for a ``Payer``
        each, nor for SQLAlchemy's per-value conversions (the values are plain: codes, ISO
        dates on SQLite, integer hundredths)."""
        from gouvernance.domain.fees.vector import PayerColumns, PayerTable

        labels = {c.code: c.label for c in self.session.scalars(select(Category))}
        rows = self._raw(
            # The display name (Member.display_name), worked out by the database.
            f"SELECT id, code, CASE WHEN kind = '{PersonKind.LEGAL.value}' THEN name "
            "ELSE trim(first_name || ' ' || last_name) END, category, joined_on, left_on "
            "FROM members ORDER BY code"
        )
        # By code in Python's order (code points), as the calls are numbered: SQLite's binary
        # order is that one, PostgreSQL's collation (read through the index) most often too;
        # else sorted here (``COLLATE "C"`` would bypass the index: a sort on disk, slower).
        codes = list(map(itemgetter(1), rows))
        if not all(map(lt, codes, islice(codes, 1, None))):
            rows.sort(key=itemgetter(1))
        # One column at a time: zip(*rows) would hold an iterator per row, 100 000 objects
        # for the garbage collector to go through.
        ids, codes, names, categories, joined, left = (
            list(map(itemgetter(column), rows)) for column in range(6)
        )  # codes again: they may have been sorted
        if self._is_sqlite:  # ISO text, as SQLAlchemy stores a Date there: few distinct days
            days: dict[str | None, date | None] = {None: None}
            days.update((iso, date.fromisoformat(iso)) for iso in {*joined, *left} if iso)
            joined = list(map(days.__getitem__, joined))
            left = list(map(days.__getitem__, left))
        row_of = dict(zip(ids, range(len(ids)), strict=True))
        figures: dict[tuple[str, int], tuple[list[int], list[int]]] = {
            (kind.value, year): ([], []) for kind, year in facts
        }
        for member_id, kind, year, hundredths in self._fact_rows(facts):
            at, values = figures[kind, year]
            at.append(row_of[member_id])
            values.append(hundredths)
        label_of = {code: labels.get(code) or code for code in set(categories)}
        return PayerTable.from_columns(
            PayerColumns(
                codes=codes,
                names=names,
                categories=categories,
                labels=[label_of[code] for code in categories],
                joined=joined,
                left=left,
                figures={(FactKind(kind), year): found for (kind, year), found in figures.items()},
            )
        )

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


class SqlCategoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, category: Category) -> None:
        self.session.add(category)

    def get(self, code: str) -> Category | None:
        return self.session.get(Category, code)

    def all(self) -> Sequence[Category]:
        return self.session.scalars(select(Category)).all()

    def labels(self) -> Mapping[str, str]:
        query = select(orm.categories.c.code, orm.categories.c.label)
        return {code: label for code, label in self.session.connection().execute(query)}


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


_HOLDER = (
    select(
        api_tokens.c.expires_at, users.c.username, users.c.role, users.c.member_code, users.c.active
    )
    .join_from(api_tokens, users, api_tokens.c.username == users.c.username)
    .where(api_tokens.c.token_hash == bindparam("token_hash"))
)


_BATCH_REFERENCES = select(call_batches.c.id, call_batches.c.reference)


def token_holder(connection: Connection, token_hash: str) -> tuple[datetime, Actor, bool] | None:
    """The token's expiry, its account as an actor, and whether the account is active: one
    plain query (no ORM object), since every authenticated request asks it."""
    row = connection.execute(_HOLDER, {"token_hash": token_hash}).first()
    if row is None:
        return None
    expires_at, username, role, member_code, active = row
    return expires_at, Actor(username=username, role=role, member_code=member_code), active


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> None:
        self.session.add(token)

    def get(self, token_hash: str) -> ApiToken | None:
        query = select(ApiToken).where(api_tokens.c.token_hash == token_hash)
        return self.session.scalars(query).one_or_none()

    def holder(self, token_hash: str) -> tuple[datetime, Actor, bool] | None:
        return token_holder(self.session.connection(), token_hash)

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


_LEDGER_TABLES = ("calls", "credit_notes", "allocations", "payments", "refunds")
_MEMBER_ENTRIES = select(
    members.c.kind,
    members.c.name,
    members.c.first_name,
    members.c.last_name,
    *(
        select(table.c.member_code)
        .where(table.c.member_code == members.c.code)
        .exists()
        .label(table.name)
        for table in (calls, credit_notes, allocations, payments, refunds)
    ),
).where(members.c.code == bindparam("code"))


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

    def add_calls(self, batch: CallBatch, new: Iterable[NewCall]) -> None:
        """Straight to the driver's cursor: executemany on SQLite, COPY on PostgreSQL (the ORM
        would spend most of the time building objects it never needs again). ``new`` may be
        an iterator: the rows are then never all held at once."""
        self.session.flush()
        driver = self.session.connection().connection.driver_connection
        assert driver is not None
        if self._is_sqlite:
            # What the whole batch shares is written once into the statement (our own values:
            # an id, an enumeration, a year, ISO dates as SQLAlchemy stores them on SQLite),
            # so that each row is the NewCall tuple itself, passed as it is.
            shared = (
                f"{int(batch.id or 0)}, '{batch.kind.value}', {int(batch.fiscal_year)}, "
                f"'{batch.issued_on.isoformat()}', '{batch.due_on.isoformat()}'"
            )
            cursor = driver.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO calls ({', '.join(NEW_CALL_COLUMNS)}, batch_id, kind, "
                    f"fiscal_year, issued_on, due_on) "
                    f"VALUES ({', '.join('?' for _ in NEW_CALL_COLUMNS)}, {shared})",
                    new,
                )
            finally:
                cursor.close()
            return
        names = ", ".join(_CALL_COLUMNS)
        # Read once: each is a mapped attribute, costly to read 100 000 times.
        batch_id, kind, year = batch.id, batch.kind.value, batch.fiscal_year
        issued_on, due_on = batch.issued_on, batch.due_on
        with driver.cursor() as cursor, cursor.copy(f"COPY calls ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for ref, number, code, name, cents, basis in new:
                write(
                    (ref, batch_id, number, kind, year, code, name, cents, issued_on, due_on, basis)
                )

    def member_entries(self, member_code: str) -> tuple[str, frozenset[str]] | None:
        """The member's display name and which of their ledger tables hold a row (« calls »,
        « credit_notes », « allocations », « payments », « refunds »), by one indexed query;
        None for an unknown member. A balance then reads only the tables that count."""
        row = self.session.connection().execute(_MEMBER_ENTRIES, {"code": member_code}).first()
        if row is None:
            return None
        held = frozenset(name for name, found in zip(_LEDGER_TABLES, row[4:], strict=True) if found)
        return display_name(*row[:4]), held

    def batches(
        self, kind: CallKind | None = None, fiscal_year: int | None = None
    ) -> Sequence[CallBatch]:
        query = select(CallBatch).order_by(call_batches.c.id)
        if kind is not None:
            query = query.where(call_batches.c.kind == kind)
        if fiscal_year is not None:
            query = query.where(call_batches.c.fiscal_year == fiscal_year)
        return self.session.scalars(query).all()

    def batch_references(self) -> dict[int, str]:
        """Each batch's reference by id, two plain columns (a batch record holds the text of its
        schedule: every balance names its calls' batches)."""
        rows = self.session.connection().execute(_BATCH_REFERENCES)
        return {batch_id: reference for batch_id, reference in rows}

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
        query = _calls_filtered(select(Call), filters)
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

    def version(self) -> tuple[int, ...]:
        """Where the ledger stands: its counter, moved forward by the database after any change
        to its six tables (migration 0015) — one row to read, whatever the ledger's size (a
        ``count(*)`` of each table read them whole on PostgreSQL)."""
        query = select(orm.ledger_version.c.version).where(orm.ledger_version.c.id == 1)
        found = self.session.connection().execute(query).scalar_one_or_none()
        return (-1,) if found is None else (int(found),)

    def call_figures(
        self, filters: CallFilter, on: date, *, category: str | None = None
    ) -> Sequence[CallFigures]:
        """One query: the calls' columns with their credit notes and allocations dated by
        ``on`` summed per call (GROUP BY), not a record per call, note or allocation."""
        credited = (
            select(credit_notes.c.call_reference, func.sum(credit_notes.c.cents).label("cents"))
            .where(credit_notes.c.issued_on <= on)
            .group_by(credit_notes.c.call_reference)
            .subquery()
        )
        paid = (
            select(allocations.c.call_reference, func.sum(allocations.c.cents).label("cents"))
            .where(allocations.c.on <= on)
            .group_by(allocations.c.call_reference)
            .subquery()
        )
        columns: list[Any] = [
            calls.c.id,
            calls.c.reference,
            calls.c.batch_id,
            calls.c.member_code,
            calls.c.member_name,
            calls.c.cents,
            calls.c.due_on,
            func.coalesce(credited.c.cents, 0),
            func.coalesce(paid.c.cents, 0),
        ]
        if category is not None:
            columns.append(calls.c.basis)
        query = (
            select(*columns)
            .outerjoin(credited, credited.c.call_reference == calls.c.reference)
            .outerjoin(paid, paid.c.call_reference == calls.c.reference)
            .where(calls.c.issued_on <= on)
        )
        query = _calls_filtered(query, filters)
        if category is not None and category.isascii() and '"' not in category:
            # A first sieve (a basis naming the category somewhere); the JSON decides below.
            query = query.where(
                calls.c.basis.like(f'%"{like_escaped(category)}"%', escape=LIKE_ESCAPE)
            )
        rows = self.session.execute(query.order_by(calls.c.id)).all()
        if category is None:
            return [
                figures(i, r, b, m, n, int(c), d, int(cr), int(p), on)
                for i, r, b, m, n, c, d, cr, p in rows
            ]
        return [
            figures(i, r, b, m, n, int(c), d, int(cr), int(p), on)
            for i, r, b, m, n, c, d, cr, p, basis in rows
            if _basis_category(basis) == category
        ]

    def calls_by_id(self, ids: Sequence[int]) -> Sequence[Call]:
        found: dict[int | None, Call] = {}
        for start in range(0, len(ids), 5000):  # within SQLite's limit of bound parameters
            chunk = ids[start : start + 5000]
            found.update(
                (c.id, c) for c in self.session.scalars(select(Call).where(calls.c.id.in_(chunk)))
            )
        return [found[i] for i in ids if i in found]

    def call_columns(self, ids: Sequence[int]) -> Mapping[int, tuple[CallKind, int, date]]:
        """The kind, fiscal year and issue day of the calls of these ids, as plain columns: what
        a view of a page of ``call_figures`` needs besides the figures, without a record each."""
        found: dict[int, tuple[CallKind, int, date]] = {}
        query = select(calls.c.id, calls.c.kind, calls.c.fiscal_year, calls.c.issued_on)
        for start in range(0, len(ids), 5000):  # within SQLite's limit of bound parameters
            chunk = ids[start : start + 5000]
            for id_, kind, year, issued in self.session.execute(query.where(calls.c.id.in_(chunk))):
                found[id_] = (CallKind(kind), int(year), issued)
        return found

    def payment_figures(
        self, member_code: str | None = None
    ) -> Sequence[tuple[str, str, int, date, int]]:
        used = (
            select(allocations.c.payment_reference, func.sum(allocations.c.cents).label("cents"))
            .group_by(allocations.c.payment_reference)
            .subquery()
        )
        query = (
            select(
                payments.c.reference,
                payments.c.member_code,
                payments.c.cents,
                payments.c.received_on,
                func.coalesce(used.c.cents, 0),
            )
            .outerjoin(used, used.c.payment_reference == payments.c.reference)
            .order_by(payments.c.id)
        )
        if member_code is not None:
            query = query.where(payments.c.member_code == member_code)
        return [(r, m, int(c), d, int(u)) for r, m, c, d, u in self.session.execute(query)]

    def payments_with_allocations(
        self, references: Sequence[str]
    ) -> Sequence[tuple[Payment, Sequence[Allocation]]]:
        """Two queries, whatever the number of payments: a page of ``payment_figures``."""
        if not references:
            return []
        found = {
            p.reference: p
            for p in self.session.scalars(
                select(Payment).where(payments.c.reference.in_(references))
            )
        }
        parts: dict[str, list[Allocation]] = {}
        query = (
            select(Allocation)
            .where(allocations.c.payment_reference.in_(references))
            .order_by(allocations.c.id)
        )
        for allocation in self.session.scalars(query):
            parts.setdefault(allocation.payment_reference, []).append(allocation)
        return [(found[r], parts.get(r, [])) for r in references if r in found]

    def refunded(self) -> Mapping[str, int]:
        query = select(refunds.c.member_code, func.sum(refunds.c.cents)).group_by(
            refunds.c.member_code
        )
        return {code: int(cents) for code, cents in self.session.execute(query)}

    def last_reminders(self) -> Mapping[str, tuple[int, date]]:
        highest = (
            select(reminders.c.call_reference, func.max(reminders.c.level).label("level"))
            .group_by(reminders.c.call_reference)
            .subquery()
        )
        query = select(reminders.c.call_reference, reminders.c.level, reminders.c.sent_on).join(
            highest,
            and_(
                highest.c.call_reference == reminders.c.call_reference,
                highest.c.level == reminders.c.level,
            ),
        )
        return {ref: (int(level), sent_on) for ref, level, sent_on in self.session.execute(query)}

    def member_totals(self, on: date) -> Mapping[str, tuple[str | None, int, int, int, int]]:
        """For every member with a call or a payment (of any date): the name on their latest
        call (None without one), and what was called, credited, received and refunded by the
        end of ``on``; one GROUP BY per table, no record per entry."""

        def summed(table: Any, day: Any) -> dict[str, int]:
            query = (
                select(table.c.member_code, func.sum(table.c.cents))
                .where(day <= on)
                .group_by(table.c.member_code)
            )
            return {code: int(cents) for code, cents in self.session.execute(query)}

        latest = select(func.max(calls.c.id).label("id")).group_by(calls.c.member_code).subquery()
        names = dict(
            self.session.execute(
                select(calls.c.member_code, calls.c.member_name).join(
                    latest, latest.c.id == calls.c.id
                )
            ).all()
        )
        payers = set(self.session.scalars(select(payments.c.member_code).distinct()))
        called = summed(calls, calls.c.issued_on)
        credited = summed(credit_notes, credit_notes.c.issued_on)
        received = summed(payments, payments.c.received_on)
        refunded = summed(refunds, refunds.c.refunded_on)
        return {
            code: (
                names.get(code),
                called.get(code, 0),
                credited.get(code, 0),
                received.get(code, 0),
                refunded.get(code, 0),
            )
            for code in set(names) | payers
        }


def _basis_category(basis: str) -> str:
    """The category a call's basis names ("" if none): what ``desk`` filters calls by."""
    try:
        found = json.loads(basis).get("category")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def _calls_filtered(query: Select[Any], filters: CallFilter) -> Select[Any]:
    """``query`` over ``calls`` narrowed to the member, year, kind and batch ``filters`` name."""
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
    return query
