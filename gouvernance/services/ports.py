"""What the use cases need from storage, as protocols: the service layer never sees SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Protocol, Self

from gouvernance.domain.assembly.model import (
    Assembly,
    Attendance,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Resolution,
    RollDraft,
    RollEntry,
    SealedBallot,
    Signatory,
    Vote,
    VoteClosing,
)
from gouvernance.domain.assembly.tally import CollegeTurnout, Counts
from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.bank.model import BankLine, BankStatement, LineStatus
from gouvernance.domain.calls.ledger import CallFigures
from gouvernance.domain.calls.model import (
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
from gouvernance.domain.mail import MailKind, OutboxMessage
from gouvernance.domain.members import Category, Member, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.scic.capital import Associate, CapitalOperation, RegisterTotals
from gouvernance.domain.users import Actor, ApiToken, User
from gouvernance.services.registry.views import MemberView

if TYPE_CHECKING:  # numpy: loaded by the fee paths only
    from gouvernance.domain.fees.vector import PayerTable


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
    def search_views(
        self, filters: MemberFilter, offset: int, limit: int
    ) -> tuple[Sequence[MemberView], int]:
        """As ``search``, read straight into views, without a member record each: the pages
        of the register are the most asked reads."""
        ...

    def view(self, code: str) -> MemberView | None:
        """One member as a view (``get`` without the record), or None."""
        ...

    def display_name(self, code: str) -> str | None:
        """The member's name as shown (``Member.display_name``), or None: no such member."""
        ...

    def all(self) -> Sequence[Member]: ...

    def registry_version(self) -> int | None:
        """Moved forward at any change to members, their figures or the categories."""
        ...

    def payer_table(self, facts: set[tuple[FactKind, int]]) -> PayerTable:
        """Every member as the fee rules see it, by code, with only the figures named (fast:
        issuing 100 000 calls reads the registry once, straight into the table's columns,
        without a member record nor a ``Payer`` each)."""
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
    def version(self) -> tuple[int, ...]:
        """Moved by any call, credit note, allocation, payment, refund or reminder recorded
        (a counter the database moves, migration 0015)."""
        ...

    def next_numbers(self, name: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers of the sequence ``name``; returns the first.
        Within the caller's transaction, so a rollback leaves no gap."""
        ...

    def add_batch(self, batch: CallBatch) -> None: ...
    def add_calls(self, batch: CallBatch, calls: Iterable[NewCall]) -> None: ...
    def batches(
        self, kind: CallKind | None = None, fiscal_year: int | None = None
    ) -> Sequence[CallBatch]: ...
    def batch(self, reference: str) -> CallBatch | None: ...
    def batch_references(self) -> dict[int, str]: ...
    def batch_by_id(self, batch_id: int) -> CallBatch | None: ...
    def called_members(self, kind: CallKind, fiscal_year: int) -> set[str]: ...
    def calls(self, filters: CallFilter) -> Sequence[Call]: ...
    def call(self, reference: str) -> Call | None: ...
    def member_entries(self, member_code: str) -> tuple[str, frozenset[str]] | None:
        """The member's display name and the ledger tables holding a row of theirs."""
        ...

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
    def add_refund(self, refund: Refund) -> None: ...
    def refund(self, reference: str) -> Refund | None: ...
    def refunds(self, member_code: str | None = None) -> Sequence[Refund]: ...
    def add_reminder(self, reminder: Reminder) -> None: ...
    def reminders(self, member_code: str | None = None) -> Sequence[Reminder]: ...
    def mandate(self, member_code: str) -> Mandate | None: ...
    def mandates(self) -> Sequence[Mandate]: ...
    def add_mandate(self, mandate: Mandate) -> None: ...
    def add_sepa_file(self, file: SepaFile, debits: Sequence[SentDebit]) -> None:
        """A pain.008 file handed over and each of its debits, recorded as sent."""
        ...

    def sepa_files(self) -> Sequence[SepaFile]: ...
    def sepa_file(self, message_id: str) -> SepaFile | None: ...
    def sent_debits(
        self, member_code: str | None = None, message_id: str | None = None
    ) -> Sequence[SentDebit]: ...
    def add_debit_return(self, debit_return: DebitReturn) -> None: ...
    def debit_returns(self, member_code: str | None = None) -> Sequence[DebitReturn]: ...
    def call_figures(
        self, filters: CallFilter, on: date, *, category: str | None = None
    ) -> Sequence[CallFigures]:
        """The calls issued by ``on`` matching ``filters`` (and whose basis names the category
        ``category``), with what was credited and allocated by ``on`` summed by the database,
        in the order of ``calls``: no record per call, per credit note nor per allocation."""
        ...

    def calls_by_id(self, ids: Sequence[int]) -> Sequence[Call]:
        """The calls of these ids (a page of ``call_figures``), in that order."""
        ...

    def call_columns(self, ids: Sequence[int]) -> Mapping[int, tuple[CallKind, int, date]]:
        """Kind, fiscal year and issue day of the calls of these ids, by id (plain columns)."""
        ...

    def payment_figures(
        self, member_code: str | None = None
    ) -> Sequence[tuple[str, str, int, date, int]]:
        """(reference, member code, cents, received on, allocated) of every payment (of the
        member), in the order recorded, the allocations summed by the database."""
        ...

    def payments_with_allocations(
        self, references: Sequence[str]
    ) -> Sequence[tuple[Payment, Sequence[Allocation]]]:
        """These payments (in that order) with their allocations, in the order recorded."""
        ...

    def refunded(self) -> Mapping[str, int]:
        """What was refunded to each member, in all."""
        ...

    def last_reminders(self) -> Mapping[str, tuple[int, date]]:
        """For each call reminded, the highest level sent and the day it was sent."""
        ...

    def member_totals(self, on: date) -> Mapping[str, tuple[str | None, int, int, int, int]]:
        """For each member with a call or a payment: the name on their latest call (None
        without one), and what was called, credited, received and refunded by ``on``."""
        ...


class CapitalRegister(Protocol):
    """The register of shares (append-only); writers hold ``Ledger.lock()``. Its running
    totals let a write read neither the whole register nor every associate."""

    def add(self, operation: CapitalOperation, totals: RegisterTotals | None = None) -> None: ...
    def totals(self) -> RegisterTotals: ...  # now; rebuilt from the operations when stale
    def subscribed_by_categories(self, categories: Collection[str]) -> int: ...  # indexed sum
    def associates(  # holding shares at the end of ``until``, by code
        self, until: date, *, holding_only: bool = True
    ) -> list[Associate]: ...
    def operation(self, number: str) -> CapitalOperation | None: ...
    def operations(
        self, *, until: date | None = None, member_code: str | None = None
    ) -> Sequence[CapitalOperation]: ...


@dataclass(frozen=True)
class RollQuery:
    """A page of an assembly's roll, as the door asks for it: a name or code typed (case and
    common French accents ignored), and who has signed the sheet or not."""

    search: str | None = None
    signed: bool | None = None  # True: on the attendance sheet; False: not yet; None: all
    holders: bool = False  # only the entitled attending in person or remotely (proxy holders)


@dataclass(frozen=True)
class SheetLine:
    """A line of an assembly's roll with its attendance (``mode`` None: not signed), read as
    plain columns: the minutes list those who signed and those who may not vote, never the
    whole roll as mapped objects."""

    member_code: str
    name: str
    category: str
    college: str
    entitled: bool
    reason: str
    mode: Attendance | None
    holder_code: str | None


@dataclass(frozen=True)
class VoterStanding:
    """What casting a ballot checks about the voter, read in one indexed query: the roll line,
    the attendance line (None: not signed), a ballot already on this resolution, and whether
    the vote on it is closed."""

    name: str
    entitled: bool
    reason: str
    mode: Attendance | None
    holder_code: str | None
    college: str | None
    voted: bool
    closed: bool


class AssemblyStore(Protocol):
    """General assemblies. Writers first take the assembly row with ``get(code, lock=…)``:
    ``"share"`` for attendance, resolutions, ballots and counts, ``"update"`` to close, so that
    nothing lands after a close. Closed assemblies are frozen by triggers as well."""

    def add(self, assembly: Assembly) -> None: ...  # flushed: ``assembly.id`` is set
    def get(
        self, code: str, *, lock: Literal["share", "update"] | None = None
    ) -> Assembly | None: ...
    def all(self) -> Sequence[Assembly]: ...  # newest first (held_on, then id, descending)

    def add_roll(self, entries: Sequence[RollEntry | RollDraft]) -> None: ...  # bulk insert
    def roll(self, assembly_id: int) -> Sequence[RollEntry]: ...  # by member code
    def roll_entry(self, assembly_id: int, member_code: str) -> RollEntry | None: ...
    def roll_size(self, assembly_id: int) -> int: ...  # entitled or not
    # (member code, college, entitled) of every line, by member code: plain columns
    def roll_keys(self, assembly_id: int) -> Sequence[tuple[str, str, bool]]: ...
    # The lines on the attendance sheet and those not entitled (the first ``limit`` of each)
    def sheet_lines(self, assembly_id: int, limit: int | None = None) -> Sequence[SheetLine]: ...
    # (represented associate, holder) of every proxy, by member code
    def proxies(self, assembly_id: int) -> Sequence[tuple[str, str]]: ...

    def add_attendance(self, record: AttendanceRecord) -> None: ...
    def attendance(self, assembly_id: int) -> Sequence[AttendanceRecord]: ...  # by member code
    def attendance_of(self, assembly_id: int, member_code: str) -> AttendanceRecord | None: ...
    def remove_attendance(self, record: AttendanceRecord) -> None: ...
    def proxies_held(self, assembly_id: int, holder_code: str) -> Sequence[str]: ...  # sorted
    def proxy_counts(
        self, assembly_id: int, holder_codes: Sequence[str]
    ) -> Mapping[str, int]: ...  # how many proxies each of these holds (absent: none)
    def roll_page(
        self, assembly_id: int, query: RollQuery, offset: int, limit: int
    ) -> tuple[Sequence[RollEntry], int]: ...  # by member code; and how many match in all
    def holders(
        self, assembly_id: int, limit: int
    ) -> Sequence[tuple[str, str]]: ...  # (code, name) of who may hold a proxy, by code
    def attendance_around(
        self, assembly_id: int, member_codes: Sequence[str]
    ) -> Sequence[AttendanceRecord]: ...  # these associates' lines and those they hold
    def attendance_by_mode(self, assembly_id: int) -> Mapping[Attendance, int]: ...  # GROUP BY

    def add_resolution(self, resolution: Resolution) -> None: ...  # flushed: id is set
    def resolutions(self, assembly_id: int) -> Sequence[Resolution]: ...  # by number
    def resolution(self, assembly_id: int, number: int) -> Resolution | None: ...

    def add_vote(self, vote: Vote) -> None: ...  # flushed: a second vote raises Conflict
    def add_votes(self, votes: Sequence[Vote]) -> None: ...  # one statement, same Conflict
    def has_voted(self, resolution_id: int, voter_code: str) -> bool: ...
    def voter_standing(
        self, assembly_id: int, resolution_id: int, voter_code: str
    ) -> VoterStanding | None: ...  # None: not on the roll
    def voter_standings(
        self, assembly_id: int, resolution_id: int, voter_codes: Sequence[str]
    ) -> dict[str, VoterStanding]: ...  # the voters on the roll, in one query
    def voted(self, assembly_id: int, voter_code: str) -> bool: ...  # on any resolution
    def votes_recorded(self, assembly_id: int) -> Mapping[int, int]: ...  # resolution id → n
    def votes_of(
        self, assembly_id: int, voter_codes: Sequence[str]
    ) -> Sequence[Vote]: ...  # a member's receipts: their ballots and their proxies'
    # Every ballot's (resolution id, voter, cast by, recorded at): what its receipt is computed
    # from, never the choice (the verification file of a closed assembly lists them all).
    def receipt_stamps(self, assembly_id: int) -> Sequence[tuple[int, str, str, datetime]]: ...
    def add_sealed_ballot(self, ballot: SealedBallot) -> None: ...
    def sealed_ballots(self, resolution_id: int) -> Sequence[SealedBallot]: ...
    def add_vote_closing(self, closing: VoteClosing) -> None: ...  # twice: Conflict
    def vote_closings(self, assembly_id: int) -> Mapping[int, VoteClosing]: ...  # by resolution
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
    def labels(self) -> Mapping[str, str]:
        """Each category's label by its code (plain rows: what a read for a person needs)."""
        ...


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
    def holder(self, token_hash: str) -> tuple[datetime, Actor, bool] | None:
        """The token's expiry, its account's actor and whether that account is active."""
        ...

    def delete(self, token_hash: str) -> bool: ...  # False when there was no such token
    def delete_for_user(self, username: str, *, keep: str | None = None) -> int:
        """Every token of ``username`` but the one whose hash is ``keep``; how many."""
        ...

    def delete_expired(self, now: datetime) -> int: ...
    def live_counts(self, now: datetime) -> Mapping[str, int]: ...  # username → live tokens


class AuditLog(Protocol):
    """Append-only and chained: an entry is numbered and gets its digest when the transaction
    commits (``domain/audit.py``); reading the log first writes this transaction's entries."""

    def append(self, entry: AuditEntry) -> None: ...
    def recent(self, limit: int) -> Sequence[AuditEntry]: ...  # newest first
    def head(self) -> AuditEntry | None: ...  # the last entry (None: empty log)
    def entry(self, number: int) -> AuditEntry | None: ...
    def chain(self, after: int, limit: int) -> Sequence[AuditEntry]:
        """Up to ``limit`` entries numbered above ``after``, in order."""
        ...

    def first(self, action: str, entity: str, key: str) -> AuditEntry | None:
        """The earliest entry recording ``action`` on that record."""
        ...


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


@dataclass
class JobRow:
    """A background job as the processes share it (``web/jobs.py`` makes and reads it):
    ``outcome`` is JSON, ``document`` the bytes of the file it produced, ``problems`` a JSON
    list; ``seen_at`` is touched by the process that runs it while it runs."""

    id: str
    owner: str
    request_key: str | None
    title: str
    back: str
    state: str
    done: int
    total: int
    started_at: datetime
    seen_at: datetime
    outcome: str | None = None
    document: bytes | None = None
    error: str | None = None
    problems: str = "[]"
    finished_at: datetime | None = None


class JobBoard(Protocol):
    """The background jobs of every server process (migration 0017)."""

    def add(self, row: JobRow) -> None: ...
    def get(self, job_id: str) -> JobRow | None: ...
    def by_request(self, owner: str, request_key: str) -> JobRow | None: ...
    def progress(self, job_id: str, done: int, total: int, seen_at: datetime) -> None: ...
    def touch(self, job_ids: Collection[str], seen_at: datetime) -> None: ...
    def finish(self, row: JobRow) -> None: ...  # state, outcome, document, error, finished_at
    def forget_finished_before(self, moment: datetime) -> None: ...


class FailedSignIns(Protocol):
    """The failed sign-ins of every server process (migration 0017): each failure, each lock,
    under a scope (« compte », « adresse ») and a subject (the account, the address). Counters
    hold ``lock()``: two failures at once must not both count themselves under the budget."""

    def lock(self) -> None: ...

    def lock_end(self, subjects: Collection[tuple[str, str]], now: datetime) -> datetime | None:
        """The latest end of a lock still running on one of ``subjects``."""
        ...

    def add_failure(self, scope: str, subject: str, at: datetime) -> None: ...
    def failures_since(self, scope: str, subject: str, since: datetime) -> int: ...
    def clear(self, scope: str, subject: str) -> None: ...  # its failures only
    def add_lock(self, scope: str, subject: str, until: datetime) -> None: ...
    def forget_before(self, failures: datetime, locks: datetime) -> None: ...


class MailOutbox(Protocol):
    """E-mail to members: one row per message, written before it leaves. Runs that pick the
    messages to send hold ``lock()`` (two runs at once never pick the same message)."""

    def lock(self) -> None: ...
    def add(self, message: OutboxMessage) -> None: ...  # flushed: ``message.id`` is set
    def get(self, message_id: int) -> OutboxMessage | None: ...
    def messages(self, kind: MailKind, reference: str) -> Sequence[OutboxMessage]: ...  # by id
    def history(
        self, kind: MailKind | None, reference: str | None, limit: int
    ) -> Sequence[OutboxMessage]: ...  # newest first; ``reference`` also matches the document


class BankBook(Protocol):
    """Imported bank statements and their lines; writers hold ``Ledger.lock()``."""

    def add_statement(self, statement: BankStatement) -> None: ...  # flushed: id is set
    def statement_by_digest(self, digest: str) -> BankStatement | None: ...
    def statement(self, statement_id: int) -> BankStatement | None: ...
    def statement_by_reference(self, reference: str) -> BankStatement | None: ...
    def statements(self, limit: int) -> Sequence[BankStatement]: ...  # newest first
    def known_fingerprints(self, fingerprints: Iterable[str]) -> set[str]: ...
    def add_lines(self, lines: Sequence[BankLine]) -> None: ...  # flushed: ids are set
    def line(self, line_id: int) -> BankLine | None: ...
    def line_by_fingerprint(self, fingerprint: str) -> BankLine | None: ...
    def lines(
        self,
        *,
        statement_id: int | None = None,
        statuses: Sequence[LineStatus] | None = None,
        limit: int = 1000,
    ) -> Sequence[BankLine]: ...  # oldest booking first, then in the file's order
    def count_lines(self, statuses: Sequence[LineStatus]) -> int: ...
    def learned_ibans(self) -> Mapping[str, str]: ...  # IBAN → member, from settled credits
    def reversed_payments(self, payment_references: Iterable[str]) -> set[str]: ...


class BallotKeys(Protocol):
    """The private keys of secret resolutions, outside the database (persistence/ballot_keys)."""

    def create(self) -> str: ...  # a new key pair; returns the public key (base64)
    def private(self, public: str) -> bytes | None: ...  # None: not here (destroyed, lost)
    def destroy(self, public: str) -> None: ...
    def holds(self, public: str) -> bool: ...


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
    mail: MailOutbox
    bank: BankBook
    jobs: JobBoard
    sign_ins: FailedSignIns
    ballot_keys: BallotKeys

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
    def savepoint(self) -> AbstractContextManager[None]: ...


class TransactionAborted(Exception):
    """Raised by ``UnitOfWork.savepoint`` when the failure inside cost the whole transaction
    (a database fault, not a refusal): ``error`` is the original, for every caller of a batch."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...

    def token_holder(self, token_hash: str) -> tuple[datetime, Actor, bool] | None:
        """``TokenRepository.holder`` in one statement outside any unit of work (each
        authenticated request asks it); None also when the database could not answer: the
        caller then asks again in a unit of work, which explains the failure."""
        ...
