"""SQLAlchemy repositories behind the protocols of ``gouvernance.services.ports``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.members import Category, Member
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import ApiToken, User
from gouvernance.persistence.orm import api_tokens, audit_log, idempotency_keys, members, users
from gouvernance.services.ports import MemberFilter, StoredResponse

_GENERATED_CODE = re.compile(r"^M(\d+)$")
_REGISTRY_LOCK = 7_203_001  # an arbitrary, stable advisory-lock key for the member registry


class SqlMemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, member: Member) -> None:
        self.session.add(member)

    @property
    def _is_sqlite(self) -> bool:
        return self.session.get_bind().dialect.name == "sqlite"

    def lock_registry(self) -> None:
        """Serialise creations: generated codes are read then written. SQLite's BEGIN
        IMMEDIATE already does it; PostgreSQL takes a transaction-scoped advisory lock."""
        if not self._is_sqlite:
            self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REGISTRY_LOCK}
            )

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
            pattern = f"%{filters.search.casefold()}%"
            query = query.where(
                or_(
                    fold(members.c.name).like(pattern),
                    fold(members.c.last_name).like(pattern),
                    fold(members.c.first_name).like(pattern),
                    fold(members.c.code).like(pattern),
                    members.c.siren.like(pattern),
                )
            )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(
            query.order_by(members.c.code).offset(offset).limit(limit)
        ).all()
        return page, total

    def all(self) -> Sequence[Member]:
        return self.session.scalars(select(Member).order_by(members.c.code)).all()


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


class SqlTokenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token: ApiToken) -> None:
        self.session.add(token)

    def get(self, token_hash: str) -> ApiToken | None:
        query = select(ApiToken).where(api_tokens.c.token_hash == token_hash)
        return self.session.scalars(query).one_or_none()


class SqlAuditLog:
    """Insert-only: there is deliberately no update or delete here (and triggers forbid them)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def recent(self, limit: int) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(audit_log.c.id.desc()).limit(limit)
        return self.session.scalars(query).all()


class SqlOrganisationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> Organisation | None:
        return self.session.scalars(select(Organisation).limit(1)).one_or_none()

    def add(self, organisation: Organisation) -> None:
        self.session.add(organisation)


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
