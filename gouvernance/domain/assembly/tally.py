"""The tally: quorum per head, then per college the exact result, weighted by the statutes.

Everything here is exact (``Fraction``) and pure: the service reads counts from the database
and hands them over; the same counts always give the same result and the same explanation.

Rules (DESIGN §5, art. 19 octies; statutes for what the law leaves open):

- **Quorum**, per head: associates present, remote, postal, represented or giving a blank proxy
  over the associates entitled to vote (the roll); reached when that share is *at least* the
  required one (a quorum of 0 is always reached). Not reached: the resolution is not
  deliberated (``Outcome.NOT_DELIBERATED``), whatever the ballots say.
- **Blank proxies** (when the statutes accept them) vote *for* a resolution proposed by the
  board and *against* any other, in the college of the associate who gave them.
- **Per college** (after any merge): ``result = for / base`` where the base follows the rule:
  ``votes_cast`` = for + against (+ abstentions if they count against, + blank and null if they
  count against); ``present_represented`` = associates attending in the college (− abstentions
  if excluded, − blank and null if excluded); ``all_associates`` = associates entitled in the
  college. A base of 0 makes the college *absent* for that resolution.
- **Empty or absent college**: a college with fewer entitled associates than its minimum size
  is *not formed*; a formed college with a base of 0 is *absent*. ``redistribute``: the other
  colleges share its weight pro rata of theirs. ``merge``: a college not formed is counted
  inside the named college (its ballots, attendance and roll), and the weight of any college not
  formed or absent goes to the named college (pro rata of the others if that one is itself
  not formed or absent). ``statutes``: the clause is quoted and the outcome is
  ``UNDECIDED`` (the chair applies it), never guessed.
- **Weighted result** = Σ effective weight × college result; adopted when it is more than the
  majority (strict rule) or at least the majority (non-strict). No college with a base: nobody
  voted, the resolution is rejected.
- **Without colleges**: one college ``NO_COLLEGE`` of weight 1, one associate one vote.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from gouvernance.domain.assembly.model import Choice, Proposer
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.scic.decisions import Convocation

ALL_ASSOCIATES_LABEL = "Ensemble des associés"  # the one « college » without colleges


@dataclass(frozen=True)
class Counts:
    """Ballots of each choice."""

    for_: int = 0
    against: int = 0
    abstain: int = 0
    blank: int = 0
    null: int = 0

    @classmethod
    def of(cls, counts: Mapping[Choice, int]) -> Counts:
        return cls(
            counts.get(Choice.FOR, 0),
            counts.get(Choice.AGAINST, 0),
            counts.get(Choice.ABSTAIN, 0),
            counts.get(Choice.BLANK, 0),
            counts.get(Choice.NULL, 0),
        )

    def get(self, choice: Choice) -> int:
        return {
            Choice.FOR: self.for_,
            Choice.AGAINST: self.against,
            Choice.ABSTAIN: self.abstain,
            Choice.BLANK: self.blank,
            Choice.NULL: self.null,
        }[choice]

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.for_ + other.for_,
            self.against + other.against,
            self.abstain + other.abstain,
            self.blank + other.blank,
            self.null + other.null,
        )

    @property
    def total(self) -> int:
        return self.for_ + self.against + self.abstain + self.blank + self.null


@dataclass(frozen=True)
class CollegeTurnout:
    """One college at the assembly (the same for every resolution)."""

    code: str
    entitled: int  # on the roll and entitled to vote
    attending: int  # present, remote, postal, represented or by blank proxy
    blank_proxies: int = 0  # among ``attending``


@dataclass(frozen=True)
class Turnout:
    """Every college of the rules (NO_COLLEGE alone without colleges); missing means nobody."""

    colleges: Mapping[str, CollegeTurnout]

    @property
    def entitled(self) -> int:
        return sum(c.entitled for c in self.colleges.values())

    @property
    def attending(self) -> int:
        return sum(c.attending for c in self.colleges.values())


@dataclass(frozen=True)
class QuorumResult:
    decision_kind: str
    decision_label: str
    convocation: int
    required: Fraction  # 0: no quorum
    entitled: int
    attending: int
    reached: bool
    explanation: str  # « 27 associés présents, représentés ou ayant voté à distance sur 43… »


@dataclass(frozen=True)
class ResolutionBallots:
    """What the ballots of one resolution say, per college (blank proxies not included)."""

    number: int
    title: str
    decision_kind: str
    proposer: Proposer
    counts: Mapping[str, Counts]  # college code → ballots (open, secret and show of hands)


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NOT_DELIBERATED = "not_deliberated"  # quorum not reached
    UNDECIDED = "undecided"  # the statutes' own empty-college clause: for the chair

    @property
    def label(self) -> str:
        return {
            "adopted": "adoptée",
            "rejected": "rejetée",
            "not_deliberated": "non délibérée (quorum non atteint)",
            "undecided": "à trancher par le président selon la clause des statuts",
        }[self.value]


class CollegeState(StrEnum):
    COUNTED = "counted"
    NOT_FORMED = "not_formed"  # fewer entitled associates than the statutes' minimum size
    ABSENT = "absent"  # formed, but a base of 0 on this resolution
    MERGED = "merged"  # not formed, counted inside another college

    @property
    def label(self) -> str:
        return {
            "counted": "compté",
            "not_formed": "non formé",
            "absent": "absent",
            "merged": "fusionné",
        }[self.value]


@dataclass(frozen=True)
class CollegeResult:
    code: str
    label: str
    weight: Fraction  # as in the statutes
    effective_weight: Fraction  # after the empty-college policy (0 when not counted)
    entitled: int
    attending: int
    blank_proxies: int
    counts: Counts  # ballots, blank proxies and merged colleges included
    base: int  # the denominator on the rule's base
    in_favour: int  # the numerator
    result: Fraction | None  # None when the college is not formed, absent or merged
    state: CollegeState
    explanation: str  # « Collège des salariés (30 %) : 7 pour, 2 contre ; 7/9 ≈ 77,78 % … »


@dataclass(frozen=True)
class ResolutionResult:
    number: int
    title: str
    decision_kind: str
    decision_label: str
    reference: str
    proposer: Proposer
    rule: Convocation  # the rule of the assembly's convocation
    quorum: QuorumResult
    colleges: tuple[CollegeResult, ...]
    headcount: Counts  # every ballot, by head, whatever the college (blank proxies included)
    weighted: Fraction | None  # None: nobody voted, or the statutes' clause applies
    outcome: Outcome
    explanation: tuple[str, ...]  # French lines: colleges, weights used, weighted total, rule


@dataclass(frozen=True)
class AssemblyTally:
    quorums: tuple[QuorumResult, ...]  # one per decision kind on the agenda, assembly kind first
    resolutions: tuple[ResolutionResult, ...]

    def to_json(self) -> str:
        """The tally as closed, stored with the assembly: the minutes read it back unchanged."""
        raise NotImplementedError

    @classmethod
    def from_json(cls, text: str) -> AssemblyTally:
        raise NotImplementedError


def quorum(rules: AssemblyRules, kind: str, convocation: int, turnout: Turnout) -> QuorumResult:
    """Whether the associates attending may decide on ``kind`` at this convocation, and why."""
    raise NotImplementedError


def tally_resolution(
    rules: AssemblyRules, convocation: int, turnout: Turnout, ballots: ResolutionBallots
) -> ResolutionResult:
    """One resolution's result, explained."""
    raise NotImplementedError


def tally_assembly(
    rules: AssemblyRules,
    kind: str,
    convocation: int,
    turnout: Turnout,
    resolutions: Sequence[ResolutionBallots],
) -> AssemblyTally:
    """The quorum of the assembly's kind and of every other kind on the agenda, then each
    resolution in order of number."""
    raise NotImplementedError
