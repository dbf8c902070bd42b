"""What the use cases need from storage, as protocols: the service layer never sees SQLAlchemy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Protocol, Self

from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.members import Category, Member, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import ApiToken, User


@dataclass(frozen=True)
class MemberFilter:
    """The filters of the member list; ``None`` means "do not filter on this"."""

    category: str | None = None
    kind: PersonKind | None = None
    active_on: date | None = None
    search: str | None = None
    include_former: bool = True


class MemberRepository(Protocol):
    def lock_registry(self) -> None: ...
    def add(self, member: Member) -> None: ...
    def get(self, code: str) -> Member | None: ...
    def get_for_update(self, code: str) -> Member | None: ...
    def by_siren(self, siren: str) -> Member | None: ...
    def codes(self) -> set[str]: ...
    def sirens(self) -> set[str]: ...
    def next_code(self) -> str: ...
    def search(
        self, filters: MemberFilter, offset: int, limit: int
    ) -> tuple[Sequence[Member], int]: ...
    def all(self) -> Sequence[Member]: ...


class CategoryRepository(Protocol):
    def add(self, category: Category) -> None: ...
    def get(self, code: str) -> Category | None: ...
    def all(self) -> Sequence[Category]: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, username: str) -> User | None: ...
    def all(self) -> Sequence[User]: ...


class TokenRepository(Protocol):
    def add(self, token: ApiToken) -> None: ...
    def get(self, token_hash: str) -> ApiToken | None: ...


class AuditLog(Protocol):
    def append(self, entry: AuditEntry) -> None: ...
    def recent(self, limit: int) -> Sequence[AuditEntry]: ...


class OrganisationRepository(Protocol):
    def get(self) -> Organisation | None: ...
    def add(self, organisation: Organisation) -> None: ...


@dataclass(frozen=True)
class StoredResponse:
    request_hash: str
    status: int
    body: str


class IdempotencyStore(Protocol):
    def get(self, key: str) -> StoredResponse | None: ...
    def put(self, key: str, response: StoredResponse) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: everything done inside ``with uow:`` is committed together or not at all."""

    members: MemberRepository
    categories: CategoryRepository
    users: UserRepository
    tokens: TokenRepository
    audit: AuditLog
    organisation: OrganisationRepository
    idempotency: IdempotencyStore

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def flush(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
