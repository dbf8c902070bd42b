"""What the use cases need from storage, as protocols: the service layer never sees SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Literal, Protocol, Self

from gouvernance.domain.assembly.model import (
    Assembly,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Resolution,
    RollEntry,
    Signatory,
    Vote,
)
from gouvernance.domain.assembly.tally import CollegeTurnout, Counts
from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CreditNote,
    Mandate,
    NewCall,
    Payment,
    Reminder,
)
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Payer
from gouvernance.domain.members import Category, Member, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.scic.capital import CapitalOperation
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
    def payers(self, facts: set[tuple[FactKind, int]]) -> list[Payer]:
        """Every member as the fee rules see it, with only the figures named (fast: issuing
        100 000 calls reads the registry once, without building full member records)."""
        ...


@dataclass(frozen=True)
class CallFilter:
    member_code: str | None = None
    fiscal_year: int | None = None
    kind: CallKind | None = None
    batch_reference: str | None = None


class Ledger(Protocol):
    """Calls, credit notes, payments, allocations, reminders and mandates (append-only)."""

    def lock(self) -> None: ...
    def next_numbers(self, name: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers of the sequence ``name``; returns the first.
        Within the caller's transaction, so a rollback leaves no gap."""
        ...

    def add_batch(self, batch: CallBatch) -> None: ...
    def add_calls(self, batch: CallBatch, calls: Sequence[NewCall]) -> None: ...
    def batches(
        self, kind: CallKind | None = None, fiscal_year: int | None = None
    ) -> Sequence[CallBatch]: ...
    def batch(self, reference: str) -> CallBatch | None: ...
    def batch_by_id(self, batch_id: int) -> CallBatch | None: ...
    def called_members(self, kind: CallKind, fiscal_year: int) -> set[str]: ...
    def calls(self, filters: CallFilter) -> Sequence[Call]: ...
    def call(self, reference: str) -> Call | None: ...
    def add_credit_note(self, note: CreditNote) -> None: ...
    def credit_notes(self, member_code: str | None = None) -> Sequence[CreditNote]: ...
    def add_payment(self, payment: Payment) -> None: ...
    def payment(self, reference: str) -> Payment | None: ...
    def payments(self, member_code: str | None = None) -> Sequence[Payment]: ...
    def payment_with_bank_reference(
        self, member_code: str, bank_reference: str
    ) -> Payment | None: ...
    def add_allocation(self, allocation: Allocation) -> None: ...
    def allocations(self, member_code: str | None = None) -> Sequence[Allocation]: ...
    def add_reminder(self, reminder: Reminder) -> None: ...
    def reminders(self, member_code: str | None = None) -> Sequence[Reminder]: ...
    def mandate(self, member_code: str) -> Mandate | None: ...
    def mandates(self) -> Sequence[Mandate]: ...
    def add_mandate(self, mandate: Mandate) -> None: ...


class CapitalRegister(Protocol):
    """The register of shares (append-only); writers hold ``Ledger.lock()``."""

    def add(self, operation: CapitalOperation) -> None: ...
    def operation(self, number: str) -> CapitalOperation | None: ...
    def operations(
        self, *, until: date | None = None, member_code: str | None = None
    ) -> Sequence[CapitalOperation]: ...


class AssemblyStore(Protocol):
    """General assemblies. Writers first take the assembly row with ``get(code, lock=…)``:
    ``"share"`` for attendance, resolutions, ballots and counts, ``"update"`` to close, so that
    nothing lands after a close. Closed assemblies are frozen by triggers as well."""

    def add(self, assembly: Assembly) -> None: ...  # flushed: ``assembly.id`` is set
    def get(
        self, code: str, *, lock: Literal["share", "update"] | None = None
    ) -> Assembly | None: ...
    def all(self) -> Sequence[Assembly]: ...  # newest first (held_on, then id, descending)

    def add_roll(self, entries: Sequence[RollEntry]) -> None: ...  # bulk insert
    def roll(self, assembly_id: int) -> Sequence[RollEntry]: ...  # by member code
    def roll_entry(self, assembly_id: int, member_code: str) -> RollEntry | None: ...

    def add_attendance(self, record: AttendanceRecord) -> None: ...
    def attendance(self, assembly_id: int) -> Sequence[AttendanceRecord]: ...  # by member code
    def attendance_of(self, assembly_id: int, member_code: str) -> AttendanceRecord | None: ...
    def remove_attendance(self, record: AttendanceRecord) -> None: ...
    def proxies_held(self, assembly_id: int, holder_code: str) -> Sequence[str]: ...  # sorted

    def add_resolution(self, resolution: Resolution) -> None: ...  # flushed: id is set
    def resolutions(self, assembly_id: int) -> Sequence[Resolution]: ...  # by number
    def resolution(self, assembly_id: int, number: int) -> Resolution | None: ...

    def add_vote(self, vote: Vote) -> None: ...  # flushed: a second vote raises Conflict
    def has_voted(self, resolution_id: int, voter_code: str) -> bool: ...
    def voted(self, assembly_id: int, voter_code: str) -> bool: ...  # on any resolution
    def votes_recorded(self, assembly_id: int) -> Mapping[int, int]: ...  # resolution id → n
    def votes_of(
        self, assembly_id: int, voter_codes: Sequence[str]
    ) -> Sequence[Vote]: ...  # a member's receipts: their ballots and their proxies'
    def create_counters(self, counters: Sequence[BallotCount]) -> None: ...
    def raise_counter(self, resolution_id: int, college: str, choice: Choice) -> None: ...
    def set_counts(
        self,
        assembly_id: int,
        resolution_id: int,
        college: str,
        counts: Mapping[Choice, int],
        source: CountSource,
    ) -> None: ...  # the five cells of one college, inserted or replaced
    def counted_colleges(self, assembly_id: int) -> Mapping[int, tuple[str, ...]]: ...

    def turnout(self, assembly_id: int) -> Mapping[str, CollegeTurnout]: ...  # GROUP BY college
    def ballot_counts(self, assembly_id: int) -> Mapping[int, Mapping[str, Counts]]: ...

    def add_signature(self, signatory: Signatory) -> None: ...
    def signatures(self, assembly_id: int) -> Sequence[Signatory]: ...


class CategoryRepository(Protocol):
    def add(self, category: Category) -> None: ...
    def get(self, code: str) -> Category | None: ...
    def all(self) -> Sequence[Category]: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, username: str) -> User | None: ...
    def all(self) -> Sequence[User]: ...
    def active_admins(self, *, lock: bool = False) -> Sequence[User]:
        """With ``lock``, the rows are locked (PostgreSQL ``FOR UPDATE``; SQLite's writers are
        serialised already): two admins deactivating each other cannot leave none."""
        ...


class TokenRepository(Protocol):
    """A revoked token is deleted: what is not stored does not authenticate."""

    def add(self, token: ApiToken) -> None: ...
    def get(self, token_hash: str) -> ApiToken | None: ...
    def delete(self, token_hash: str) -> bool: ...  # False when there was no such token
    def delete_for_user(self, username: str, *, keep: str | None = None) -> int:
        """Every token of ``username`` but the one whose hash is ``keep``; how many."""
        ...

    def delete_expired(self, now: datetime) -> int: ...
    def live_counts(self, now: datetime) -> Mapping[str, int]: ...  # username → live tokens


class AuditLog(Protocol):
    def append(self, entry: AuditEntry) -> None: ...
    def recent(self, limit: int) -> Sequence[AuditEntry]: ...


class OrganisationRepository(Protocol):
    def get(self) -> Organisation | None: ...
    def add(self, organisation: Organisation) -> None: ...
    def lock(self) -> None: ...  # serialise writers (the first creates the row)
    def snapshot(self, content: str) -> int: ...  # id of the stored content, inserted if new
    def snapshot_content(self, snapshot_id: int) -> str | None: ...


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
    ledger: Ledger
    capital: CapitalRegister
    assemblies: AssemblyStore

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
