"""General assemblies: convene, roll, attendance and proxies, resolutions, ballots, tally, close.

Who does what (``Permission``): the board and the administrator convene and put resolutions
on the agenda (PREPARE_ASSEMBLIES); scrutineers and the administrator record attendance,
paper and postal ballots, show-of-hands counts, close and sign (RUN_ASSEMBLIES); a member
casts their own ballot and those of the associates whose proxy they hold. Everyone signed in
reads an assembly, its roll and attendance; the tally of an assembly still open is for
READ_ASSEMBLY_TALLY (board, scrutineers, admin), everyone reads it once closed.

Every write is one transaction that first locks the assembly row (closing takes it for update,
the others for share), so nothing lands in an assembly after it is closed. A refused write
writes nothing. Writes are audited; a secret ballot's audit entry never holds the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from gouvernance.domain.assembly.model import (
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
    Proposer,
    SignatoryRole,
)
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.assembly.tally import AssemblyTally, QuorumResult
from gouvernance.domain.users import Actor
from gouvernance.services.ports import UnitOfWorkFactory

__all__ = [
    "AssemblySummary",
    "AssemblyView",
    "AttendanceView",
    "BallotReceipt",
    "ResolutionView",
    "RollLine",
    "SignatureView",
    "TallyView",
    "add_resolution",
    "assembly_view",
    "cancel_attendance",
    "cast_ballot",
    "close_assembly",
    "create_assembly",
    "enter_counts",
    "list_assemblies",
    "live_marker",
    "record_attendance",
    "roll_view",
    "sign_minutes",
    "tally",
]


# --------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class AssemblySummary:
    code: str  # « AG-2027-01 »
    title: str
    kind: str  # ordinary, extraordinary
    kind_label: str  # « Assemblée générale ordinaire »
    convocation: int
    held_on: date
    status: AssemblyStatus


@dataclass(frozen=True)
class ResolutionView:
    number: int
    title: str
    text: str
    decision_kind: str
    decision_label: str
    proposer: Proposer
    proposed_by: str | None
    method: Method
    rule: str  # « quorum 20 % des associés ; majorité : plus de la moitié des voix exprimées »
    ballots: int  # individual ballots recorded so far (secret or open); 0 for a show of hands
    counted_colleges: tuple[str, ...]  # show of hands: colleges whose counts are entered


@dataclass(frozen=True)
class SignatureView:
    role: SignatoryRole
    name: str
    signed_at: datetime
    signed_by: str


@dataclass(frozen=True)
class AssemblyView:
    summary: AssemblySummary
    cutoff: date
    statutes_id: str
    statutes_label: str
    previous_code: str | None
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    rules: AssemblyRules
    entitled: int  # associates on the roll entitled to vote
    not_entitled: int  # on the roll but not entitled (fees not up to date…)
    attendance: Mapping[Attendance, int]  # every mode, 0 included
    proxy_limit: int  # proxies one associate may hold at this assembly
    proxy_rule: str  # French
    quorums: tuple[QuorumResult, ...]  # live: the attendance as it stands
    resolutions: tuple[ResolutionView, ...]
    signatures: tuple[SignatureView, ...]


@dataclass(frozen=True)
class RollLine:
    member_code: str
    name: str
    category: str
    college: str  # code, « » without colleges
    college_label: str
    entitled: bool
    reason: str
    attendance: Attendance | None
    holder_code: str | None  # who holds their proxy
    proxies_held: tuple[str, ...]  # codes of the associates they represent


@dataclass(frozen=True)
class AttendanceView:
    member_code: str
    name: str
    college: str
    mode: Attendance
    holder_code: str | None
    proxies_held: int  # for the holder: how many now, of ``proxy_limit``
    proxy_limit: int
    created: bool = True  # False: the same attendance was already recorded


@dataclass(frozen=True)
class BallotReceipt:
    assembly: str
    resolution: int
    voter_code: str
    cast_by: str
    secret: bool
    recorded_at: datetime
    created: bool = True  # False: replayed with the same Idempotency-Key


@dataclass(frozen=True)
class TallyView:
    summary: AssemblySummary
    rules: AssemblyRules
    tally: AssemblyTally
    final: bool  # True once closed: the stored results, which never change
    marker: str  # changes whenever attendance, a ballot or a count changes (live screens)


# --------------------------------------------------------------------------------------------
# Use cases


def create_assembly(
    uows: UnitOfWorkFactory,
    actor: Actor,
    *,
    title: str,
    held_on: date,
    kind: str = "ordinary",
    convocation: int = 1,
    cutoff: date | None = None,
    statutes_id: str | None = None,
    previous_code: str | None = None,
    idempotency_key: str | None = None,
) -> AssemblyView:
    """Convene an assembly: freeze its rules (the statutes named, else the organisation's) and
    its roll at ``cutoff`` (default: ``held_on``). A SCIC's roll is the associates holding
    shares at the cut-off (capital register); an association's is its active members. With
    ``voting_roll.fees_up_to_date``, a member with a call due by the cut-off and unpaid at it
    is on the roll but not entitled, with the reason. A second convocation names the first."""
    raise NotImplementedError


def list_assemblies(uows: UnitOfWorkFactory, actor: Actor) -> list[AssemblySummary]:
    """Every assembly, newest first."""
    raise NotImplementedError


def assembly_view(uows: UnitOfWorkFactory, actor: Actor, code: str) -> AssemblyView:
    raise NotImplementedError


def roll_view(uows: UnitOfWorkFactory, actor: Actor, code: str) -> tuple[RollLine, ...]:
    """The attendance sheet: every associate on the roll, how they attend, proxies held."""
    raise NotImplementedError


def record_attendance(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    member: str,
    mode: Attendance,
    *,
    holder: str | None = None,
) -> AttendanceView:
    """Sign the attendance sheet for ``member``. REPRESENTED needs ``holder``: another entitled
    associate attending in person or remotely, holding fewer proxies than the limit (refused
    with the figures and the rule otherwise); BLANK_PROXY is refused when the statutes do not
    admit blank proxies. Recording the same attendance again changes nothing."""
    raise NotImplementedError


def cancel_attendance(uows: UnitOfWorkFactory, actor: Actor, code: str, member: str) -> None:
    """Strike a line of the sheet entered by mistake: refused once the associate has voted or
    while they hold proxies."""
    raise NotImplementedError


def add_resolution(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    *,
    title: str,
    text: str = "",
    decision_kind: str | None = None,
    proposer: Proposer = Proposer.BOARD,
    proposed_by: str | None = None,
    method: Method = Method.OPEN,
    idempotency_key: str | None = None,
) -> ResolutionView:
    """Put a resolution on the agenda, numbered in order; ``decision_kind`` defaults to the
    assembly's kind and must be one the rules know; ``proposed_by`` (a member code on the
    roll) is required when associates propose it."""
    raise NotImplementedError


def cast_ballot(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    number: int,
    voter: str,
    choice: Choice,
    *,
    idempotency_key: str | None = None,
) -> BallotReceipt:
    """One ballot of ``voter`` on resolution ``number`` (open or secret, not show of hands).

    A member casts for themselves (attending in person, remotely or by post) or for an
    associate whose proxy they hold; a scrutineer enters any paper or postal ballot. A second
    ballot of the same voter is refused (409), concurrently too (unique constraint); a retry
    with the same Idempotency-Key returns the first receipt. Secret: the vote row has no
    choice and the count of (college, choice) is raised by one."""
    raise NotImplementedError


def enter_counts(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    number: int,
    college: str,
    counts: Mapping[Choice, int],
) -> ResolutionView:
    """The scrutineers' counts of one college after a show of hands (replaces an earlier entry
    while the assembly is open, audited). Refused when the total exceeds the associates of that
    college attending in person, remotely, by post or represented (blank proxies are added by
    the tally, not counted by hand)."""
    raise NotImplementedError


def tally(uows: UnitOfWorkFactory, actor: Actor, code: str) -> TallyView:
    """The tally from the database: live while open, the stored results once closed."""
    raise NotImplementedError


def close_assembly(uows: UnitOfWorkFactory, actor: Actor, code: str) -> TallyView:
    """Close: tally, store the results with the assembly; nothing can change afterwards.
    Closing twice is refused (409)."""
    raise NotImplementedError


def sign_minutes(
    uows: UnitOfWorkFactory, actor: Actor, code: str, role: SignatoryRole, name: str
) -> SignatureView:
    """Sign the minutes of a closed assembly (refused while open)."""
    raise NotImplementedError


def live_marker(uows: UnitOfWorkFactory, actor: Actor, code: str) -> str:
    """A cheap token that changes whenever the tally could (for the scrutineers' live screen)."""
    raise NotImplementedError
