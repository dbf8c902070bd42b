"""What an assembly records: its roll, who attends and how, resolutions, ballots, signatures.

Plain dataclasses, mapped onto tables by the persistence layer. A secret ballot is two facts
kept apart on purpose: a ``Vote`` row saying that an associate voted (``choice`` is ``None``)
and a ``BallotCount`` counter raised by one; nothing stored links the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class AssemblyStatus(StrEnum):
    OPEN = "open"  # roll frozen; attendance, resolutions, ballots and counts accepted
    CLOSED = "closed"  # immutable: the results are stored, the minutes can be signed

    @property
    def label(self) -> str:
        return "ouverte" if self is AssemblyStatus.OPEN else "close"


class Attendance(StrEnum):
    PRESENT = "present"
    REMOTE = "remote"  # votes from afar during the assembly (visioconférence, vote en ligne)
    POSTAL = "postal"  # a postal voting form, received before the assembly
    REPRESENTED = "represented"  # a proxy to another associate, who votes for them
    BLANK_PROXY = "blank_proxy"  # a proxy without a holder's name: voted by the statutes' rule

    @property
    def label(self) -> str:
        return {
            "present": "présent",
            "remote": "à distance",
            "postal": "par correspondance",
            "represented": "représenté",
            "blank_proxy": "pouvoir en blanc",
        }[self.value]

    @property
    def votes_in_person(self) -> bool:
        """Casts their own ballots (a represented associate's are cast by the holder)."""
        return self in (Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL)

    @property
    def may_hold_proxies(self) -> bool:
        return self in (Attendance.PRESENT, Attendance.REMOTE)


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    BLANK = "blank"
    NULL = "null"

    @property
    def label(self) -> str:
        return {
            "for": "pour",
            "against": "contre",
            "abstain": "abstention",
            "blank": "blanc",
            "null": "nul",
        }[self.value]


class Method(StrEnum):
    OPEN = "open"  # individual ballots, each linked to its associate
    SECRET = "secret"  # individual ballots, the store never links associate and choice
    SHOW_OF_HANDS = "show_of_hands"  # counts per college entered by the scrutineers

    @property
    def label(self) -> str:
        return {
            "open": "vote nominatif",
            "secret": "vote à bulletin secret",
            "show_of_hands": "vote à main levée",
        }[self.value]


class Proposer(StrEnum):
    BOARD = "board"
    ASSOCIATES = "associates"

    @property
    def label(self) -> str:
        return "le conseil" if self is Proposer.BOARD else "des associés"


class SignatoryRole(StrEnum):
    PRESIDENT = "president"
    SECRETARY = "secretary"
    SCRUTINEER = "scrutineer"

    @property
    def label(self) -> str:
        return {"president": "président de séance", "secretary": "secrétaire",
                "scrutineer": "scrutateur"}[self.value]  # fmt: skip


class CountSource(StrEnum):
    SECRET = "secret"  # secret ballots, counted when the vote is closed
    HANDS = "hands"  # entered by the scrutineers after a show of hands


NO_COLLEGE = ""  # the college code of every associate when the statutes have no colleges


@dataclass
class Assembly:
    code: str  # « AG-2027-01 »
    title: str
    kind: str  # the decision kind of the assembly: ordinary, extraordinary
    convocation: int  # 1 or 2
    held_on: date
    cutoff: date  # the roll is the associates entitled to vote at the end of this day
    statutes_id: str
    statutes_digest: str
    rules: str  # AssemblyRules.to_json(): the rules in force, frozen with the assembly
    status: AssemblyStatus
    created_at: datetime
    created_by: str
    previous_code: str | None = None  # the first convocation, for a second one
    closed_at: datetime | None = None
    closed_by: str | None = None
    results: str | None = None  # the tally as closed (JSON), read by the minutes
    roll_entitled: str = "{}"  # entitled associates per college (JSON), set with the roll
    organisation_snapshot_id: int | None = None  # what the minutes print, frozen at closing
    id: int | None = None


@dataclass
class RollEntry:
    assembly_id: int
    member_code: str
    name: str
    category: str  # the statutes' category label, « » for an association
    college: str  # college code, NO_COLLEGE when the statutes have none
    entitled: bool
    reason: str = ""  # why not entitled: « cotisation AC-2026-0012 impayée »
    id: int | None = None


@dataclass
class RollDraft:
    """A line of the roll as drawn at convening, before it is stored: ``RollEntry``'s columns
    without its database mapping (65 000 mapped objects cost seconds; these, milliseconds)."""

    assembly_id: int
    member_code: str
    name: str
    category: str
    college: str
    entitled: bool
    reason: str = ""


@dataclass
class AttendanceRecord:
    assembly_id: int
    member_code: str
    college: str
    mode: Attendance
    holder_code: str | None  # for REPRESENTED: the associate holding the proxy
    recorded_at: datetime
    recorded_by: str
    id: int | None = None


@dataclass
class Resolution:
    assembly_id: int
    number: int
    title: str
    text: str
    decision_kind: str  # ordinary, extraordinary or a statutes' own kind (exclusion…)
    proposer: Proposer
    proposed_by: str | None  # member code when proposed by associates
    method: Method
    created_at: datetime
    created_by: str
    id: int | None = None
    # A secret resolution's public key (base64): its ballots are sealed to it and opened only
    # when the vote on it is closed. None: an open ballot or a show of hands, or a secret
    # resolution put on the agenda before sealed ballots (migration 0007), counted as it went.
    ballot_key: str | None = None

    @property
    def sealed(self) -> bool:
        return self.method is Method.SECRET and self.ballot_key is not None


@dataclass
class SealedBallot:
    """A secret ballot in the ballot box: its college and its sealed content, and no voter, no
    time. Written in the voter's transaction, unreadable until the vote is closed."""

    assembly_id: int
    resolution_id: int
    college: str
    sealed: str  # base64 of a libsodium sealed box (fixed length whatever the choice)
    id: int | None = None


@dataclass
class VoteClosing:
    """The chair closed the vote on one resolution: no ballot after this, and a secret
    resolution's ballots were opened and counted in the same transaction."""

    assembly_id: int
    resolution_id: int
    closed_at: datetime
    closed_by: str
    ballots: int  # individual ballots counted (0 for a show of hands)
    id: int | None = None


@dataclass
class Vote:
    """That ``voter_code`` voted on a resolution; the choice only for an open ballot."""

    assembly_id: int
    resolution_id: int
    voter_code: str
    cast_by: str  # the voter, or the holder of their proxy (``recorded_by``: who entered it)
    college: str
    choice: Choice | None  # None for a secret ballot
    recorded_at: datetime
    recorded_by: str
    id: int | None = None


@dataclass
class BallotCount:
    """How many ballots of one choice in one college: secret ballots, or a show of hands."""

    assembly_id: int
    resolution_id: int
    college: str
    choice: Choice
    count: int
    source: CountSource
    id: int | None = None


@dataclass
class Signatory:
    """A signature of the minutes, after the assembly is closed."""

    assembly_id: int
    role: SignatoryRole
    name: str
    signed_at: datetime
    signed_by: str
    id: int | None = None
