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
  voted, the resolution is rejected — once the assembly is closed. While it is open (``live``),
  a resolution without any ballot or count yet is ``PENDING`` (« pas encore de vote »): the
  screen must not announce a rejection before the vote.
- **Without colleges**: one college ``NO_COLLEGE`` of weight 1, one associate one vote.
- **Explanation**: a rounded percentage keeps its « ≈ », and a resolution's percentages take as
  many decimals (2 to 8, then the exact fraction) as it takes for no result to print like the
  threshold it is compared with: a rounded figure never contradicts the outcome.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from gouvernance.domain.assembly.model import NO_COLLEGE, Choice, Proposer
from gouvernance.domain.assembly.rules import AssemblyRules, CollegeRule
from gouvernance.domain.money import format_number
from gouvernance.domain.scic.decisions import Convocation, DecisionRule, Treatment, VoteBase
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.statutes import BlankProxies, CollegeVotes, EmptyCollegePolicy
from gouvernance.domain.wording import counted, ordinal
from gouvernance.domain.wording import counted as how_many

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
    sealed: bool = False  # a secret vote not closed yet: its ballots are not opened
    cast: int = 0  # individual ballots received so far (the participation, always live)


class Outcome(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    NOT_DELIBERATED = "not_deliberated"  # quorum not reached
    UNDECIDED = "undecided"  # the statutes' own empty-college clause: for the chair
    PENDING = "pending"  # live only: no ballot nor count yet (never stored at closing)
    SEALED = "sealed"  # live only: a secret vote still open, its ballots sealed

    @property
    def provisional(self) -> bool:
        """Not a result yet: only while the assembly is open, never stored at closing."""
        return self in (Outcome.PENDING, Outcome.SEALED)

    @property
    def label(self) -> str:
        return {
            "adopted": "adoptée",
            "rejected": "rejetée",
            "not_deliberated": "non délibérée (quorum non atteint)",
            "undecided": "à trancher par le président selon la clause des statuts",
            "pending": "pas encore de vote",
            "sealed": "vote secret en cours : le résultat paraît à la clôture du vote",
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
    block: bool | None = None  # a block vote: all its weight for (True) or against (False)

    @property
    def weighed(self) -> Fraction | None:
        """What the college brings to the weighted result: its share, or all or nothing."""
        if self.block is not None:
            return Fraction(int(self.block))
        return self.result


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
        return json.dumps(
            {
                "quorums": [_quorum_dump(q) for q in self.quorums],
                "resolutions": [_resolution_dump(r) for r in self.resolutions],
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> AssemblyTally:
        data = json.loads(text)
        return cls(
            quorums=tuple(_quorum_load(q) for q in data["quorums"]),
            resolutions=tuple(_resolution_load(r) for r in data["resolutions"]),
        )


# --- quorum ---------------------------------------------------------------------------------


def quorum(rules: AssemblyRules, kind: str, convocation: int, turnout: Turnout) -> QuorumResult:
    """Whether the associates attending may decide on ``kind`` at this convocation, and why."""
    decision = rules.decision(kind)
    required = decision.convocation(convocation).quorum
    entitled, attending = turnout.entitled, turnout.attending
    reached = required == 0 or (entitled > 0 and Fraction(attending, entitled) >= required)
    return QuorumResult(
        decision_kind=kind,
        decision_label=decision.label,
        convocation=convocation,
        required=required,
        entitled=entitled,
        attending=attending,
        reached=reached,
        explanation=_quorum_text(
            decision.label,
            convocation,
            required,
            turnout,
            reached,
        ),
    )


def _quorum_text(
    label: str, convocation: int, required: Fraction, turnout: Turnout, reached: bool
) -> str:
    """Who counts towards the quorum is said in full: postal votes and blank proxies count."""
    entitled, attending = turnout.entitled, turnout.attending
    means = (
        "ayant voté à distance, par correspondance ou par pouvoir en blanc"
        if any(c.blank_proxies for c in turnout.colleges.values())
        else "ayant voté à distance ou par correspondance"
    )
    who = (
        f"{counted(attending, 'associé présent, représenté', 'associés présents, représentés')}"
        f", {means} sur {counted(entitled, 'inscrit', 'inscrits')}"
    )
    places = 2
    if entitled:  # as many decimals as it takes not to read like the quorum required
        share = Fraction(attending, entitled)
        places = _places([share], required) if required else 2
        who += f", soit {_Shares(required, places)(share)}"
    where = f"en {ordinal(convocation)} convocation {_for_kind(label)}"
    if required == 0:
        return f"{who} ; aucun quorum requis {where}"
    verdict = "atteint" if reached else "non atteint"
    return f"{who} ; quorum requis {where} : {format_share(required, places)} : {verdict}"


def _for_kind(label: str) -> str:
    """« pour l'assemblée générale ordinaire »; a label the article cannot be guessed for is
    quoted."""
    lowered = label[:1].lower() + label[1:]
    if lowered and lowered[0] in "aàâeéèêiîoôuhy":
        return f"pour l'{lowered}"
    return f"pour « {label} »"


# --- one resolution -------------------------------------------------------------------------


@dataclass
class _College:
    """A college's figures while the tally is being worked out."""

    rule: CollegeRule
    entitled: int
    attending: int
    blank_proxies: int
    applied_proxies: int  # blank proxies turned into ballots (0 when the statutes refuse them)
    counts: Counts
    formed: bool
    merged_into: str | None = None
    merged: list[str] = field(default_factory=list)  # labels of the colleges merged into it
    base: int = 0
    in_favour: int = 0
    state: CollegeState = CollegeState.NOT_FORMED
    effective_weight: Fraction = Fraction(0)
    consented: int = 0  # abstentions counted as « pour » (the statutes' college rule)
    block: bool | None = None  # block vote: all the college's weight for, or against

    @property
    def result(self) -> Fraction | None:
        if self.state is not CollegeState.COUNTED:
            return None
        return Fraction(self.in_favour, self.base)

    @property
    def weighed(self) -> Fraction:
        """What the college brings to the weighted result: its share, or all or nothing."""
        if self.block is not None:
            return Fraction(int(self.block))
        return Fraction(self.in_favour, self.base)


def tally_resolution(
    rules: AssemblyRules,
    convocation: int,
    turnout: Turnout,
    ballots: ResolutionBallots,
    *,
    live: bool = False,
) -> ResolutionResult:
    """One resolution's result, explained; ``live``: the assembly is still open."""
    decision = rules.decision(ballots.decision_kind)
    return _tally(
        rules,
        decision,
        convocation,
        quorum(rules, ballots.decision_kind, convocation, turnout),
        turnout,
        ballots,
        live,
    )


def _tally(
    rules: AssemblyRules,
    decision: DecisionRule,
    convocation: int,
    quorum_result: QuorumResult,
    turnout: Turnout,
    ballots: ResolutionBallots,
    live: bool = False,
) -> ResolutionResult:
    stated = decision.convocation(convocation)
    rule = rules.applied(stated)  # the law's floor sets aside a weaker clause (a SAS)
    votes = rules.college_votes if rules.colleges else CollegeVotes()
    colleges = _colleges(rules, turnout, ballots)
    headcount = _headcount(ballots, colleges)
    _merge(rules, colleges)
    for college in colleges:
        _settle(college, rule.base, decision, votes)
    counted = [c for c in colleges if c.state is CollegeState.COUNTED]
    undecided = rules.empty_college.policy is EmptyCollegePolicy.STATUTES and len(counted) < len(
        colleges
    )
    _weigh(rules, colleges, counted, undecided)
    pending = live and sum(ballots.counts.values(), Counts()).total == 0
    weighted, outcome = _outcome(rule, quorum_result.reached, counted, undecided, pending)
    if live and ballots.sealed:
        weighted, outcome = None, Outcome.SEALED
    shown = _Shares(rule.majority, _places([*(c.result for c in counted), weighted], rule.majority))
    lines = _college_lines(rules, colleges, rule.base, shown, votes)
    results = tuple(_result(c, lines[c.rule.code]) for c in colleges)
    return ResolutionResult(
        number=ballots.number,
        title=ballots.title,
        decision_kind=ballots.decision_kind,
        decision_label=decision.label,
        reference=decision.reference,
        proposer=ballots.proposer,
        rule=rule,
        quorum=quorum_result,
        colleges=results,
        headcount=headcount,
        weighted=weighted,
        outcome=outcome,
        explanation=_explanation(
            rules,
            rule,
            results,
            counted,
            weighted,
            outcome,
            headcount,
            quorum_result,
            shown,
            ballots.cast,
            stated,
        ),
    )


def _outcome(
    rule: Convocation, quorate: bool, counted: list[_College], undecided: bool, pending: bool
) -> tuple[Fraction | None, Outcome]:
    """The weighted result and the outcome; none weighed when the ballots decide nothing, nor
    before the first ballot of an open assembly (blank proxies alone would « adopt » it)."""
    if pending:
        return None, Outcome.PENDING
    if not quorate:
        return None, Outcome.NOT_DELIBERATED
    if not counted:
        return None, Outcome.REJECTED
    if undecided:
        return None, Outcome.UNDECIDED
    weighted = sum((c.effective_weight * c.weighed for c in counted), Fraction())
    adopted = weighted > rule.majority if rule.strict else weighted >= rule.majority
    return weighted, Outcome.ADOPTED if adopted else Outcome.REJECTED


def _headcount(ballots: ResolutionBallots, colleges: list[_College]) -> Counts:
    """Every ballot by head, whatever the college, blank proxies included (before any merge)."""
    proxies = sum(c.applied_proxies for c in colleges)
    board = ballots.proposer is Proposer.BOARD
    return sum(ballots.counts.values(), Counts()) + Counts(
        for_=proxies if board else 0, against=0 if board else proxies
    )


def _college_rules(rules: AssemblyRules) -> tuple[CollegeRule, ...]:
    if rules.colleges:
        return rules.colleges
    return (CollegeRule(NO_COLLEGE, ALL_ASSOCIATES_LABEL, Fraction(1), 1),)


def _colleges(rules: AssemblyRules, turnout: Turnout, ballots: ResolutionBallots) -> list[_College]:
    """Each college's figures, blank proxies turned into ballots as the statutes say."""
    found = []
    for rule in _college_rules(rules):
        seen, counts = _figures(rules, rule.code, turnout, ballots)
        applied = seen.blank_proxies if rules.blank_proxies is BlankProxies.BOARD else 0
        if ballots.proposer is Proposer.BOARD:
            counts += Counts(for_=applied)
        else:
            counts += Counts(against=applied)
        found.append(
            _College(
                rule=rule,
                entitled=seen.entitled,
                attending=seen.attending,
                blank_proxies=seen.blank_proxies,
                applied_proxies=applied,
                counts=counts,
                formed=seen.entitled > 0 and seen.entitled >= rule.minimum_size,
            )
        )
    return found


def _figures(
    rules: AssemblyRules, code: str, turnout: Turnout, ballots: ResolutionBallots
) -> tuple[CollegeTurnout, Counts]:
    """A college's turnout and ballots; without colleges, everyone's whatever their code."""
    if rules.colleges:
        return (
            turnout.colleges.get(code) or CollegeTurnout(code, 0, 0),
            ballots.counts.get(code, Counts()),
        )
    everyone = turnout.colleges.values()
    return (
        CollegeTurnout(
            code,
            sum(c.entitled for c in everyone),
            sum(c.attending for c in everyone),
            sum(c.blank_proxies for c in everyone),
        ),
        sum(ballots.counts.values(), Counts()),
    )


def _merge(rules: AssemblyRules, colleges: list[_College]) -> None:
    """``merge``: a college not formed is counted inside the named college, if that one is."""
    into = rules.empty_college.into
    if rules.empty_college.policy is not EmptyCollegePolicy.MERGE or into is None:
        return
    target = next((c for c in colleges if c.rule.code == into), None)
    if target is None or not target.formed:
        return
    for college in colleges:
        if college is target or college.formed:
            continue
        target.entitled += college.entitled
        target.attending += college.attending
        target.blank_proxies += college.blank_proxies
        target.applied_proxies += college.applied_proxies
        target.counts += college.counts
        target.merged.append(college.rule.label)
        college.merged_into = target.rule.label
        college.state = CollegeState.MERGED


def _settle(college: _College, base: VoteBase, decision: DecisionRule, votes: CollegeVotes) -> None:
    """The college's base and numerator on the rule's base, and so its state; inside the
    college, abstentions count as « pour » and a block vote carries the whole weight when the
    statutes say so."""
    if college.state is CollegeState.MERGED or not college.formed:
        return
    counts = college.counts
    if votes.abstention_as_consent:
        college.consented = counts.abstain
        counts = Counts(counts.for_ + counts.abstain, counts.against, 0, counts.blank, counts.null)
    college.base = max(0, _base(college, counts, base, decision))
    college.in_favour = counts.for_
    college.state = CollegeState.COUNTED if college.base > 0 else CollegeState.ABSENT
    if votes.block_vote is not None and college.state is CollegeState.COUNTED:
        college.block = votes.block_vote.passes(Fraction(college.in_favour, college.base))


def _base(college: _College, counts: Counts, base: VoteBase, decision: DecisionRule) -> int:
    abstentions = counts.abstain
    blank = counts.blank + counts.null
    if base is VoteBase.ALL_ASSOCIATES:
        return college.entitled
    if base is VoteBase.PRESENT_REPRESENTED:
        return (
            college.attending
            - (abstentions if decision.abstention is Treatment.EXCLUDED else 0)
            - (blank if decision.blank is Treatment.EXCLUDED else 0)
        )
    return (
        counts.for_
        + counts.against
        + (abstentions if decision.abstention is Treatment.AGAINST else 0)
        + (blank if decision.blank is Treatment.AGAINST else 0)
    )


def _weigh(
    rules: AssemblyRules, colleges: list[_College], counted: list[_College], undecided: bool
) -> None:
    """Effective weights: those of the statutes, the missing ones given as the policy says.

    The weights of the counted colleges always sum to exactly 1, except under the statutes'
    own clause (``undecided``), where they stay as written for the chair to apply the clause.
    """
    if not counted:
        return
    if undecided:
        for college in counted:
            college.effective_weight = college.rule.weight
        return
    raw = {id(c): c.rule.weight for c in counted}
    target = next((c for c in counted if c.rule.code == rules.empty_college.into), None)
    if rules.empty_college.policy is EmptyCollegePolicy.MERGE and target is not None:
        raw[id(target)] += sum(
            (c.rule.weight for c in colleges if c.state is not CollegeState.COUNTED), Fraction(0)
        )
    total = sum(raw.values(), Fraction(0))
    for college in counted:
        college.effective_weight = raw[id(college)] / total if total else Fraction(1, len(counted))


def _result(college: _College, line: str) -> CollegeResult:
    return CollegeResult(
        code=college.rule.code,
        label=college.rule.label,
        weight=college.rule.weight,
        effective_weight=college.effective_weight,
        entitled=college.entitled,
        attending=college.attending,
        blank_proxies=college.blank_proxies,
        counts=college.counts,
        base=college.base,
        in_favour=college.in_favour,
        result=college.result,
        state=college.state,
        explanation=line,
        block=college.block,
    )


# --- explanation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shares:
    """How the percentages of one resolution are printed: with as many decimals as it takes
    for a rounded result never to read like the threshold it is compared with."""

    threshold: Fraction
    places: int

    def __call__(self, value: Fraction) -> str:
        text = format_share(value, self.places)
        if value != self.threshold and _rounded(value, self.places) == _rounded(
            self.threshold, self.places
        ):
            text += f" ({value.numerator}/{value.denominator})"
        return text


MAX_PLACES = 8  # beyond, the exact fraction is printed next to the percentage


def _rounded(value: Fraction, places: int) -> int:
    """The percentage as printed with ``places`` decimals (half up), in units of the last one."""
    scaled = value * 100 * 10**places
    return int((scaled + Fraction(1, 2)) // 1)


def _places(values: Sequence[Fraction | None], threshold: Fraction) -> int:
    """The fewest decimals (2 to ``MAX_PLACES``) at which no result reads like the threshold:
    23333/35000 is « ≈ 66,666 % » under « au moins ≈ 66,667 % », not « ≈ 66,67 % » twice."""
    different = [v for v in values if v is not None and v != threshold]
    for places in range(2, MAX_PLACES):
        mark = _rounded(threshold, places)
        if all(_rounded(v, places) != mark for v in different):
            return places
    return MAX_PLACES


def share_text(result: ResolutionResult, value: Fraction) -> str:
    """A result of ``result`` (a college's, the weighted one) printed as its explanation prints
    it: the minutes' tables must not contradict the outcome either."""
    majority = result.rule.majority
    return _Shares(
        majority, _places([*(c.result for c in result.colleges), result.weighted], majority)
    )(value)


def _college_lines(
    rules: AssemblyRules,
    colleges: list[_College],
    base: VoteBase,
    shown: _Shares,
    votes: CollegeVotes,
) -> dict[str, str]:
    fate = _fate(rules, colleges)
    return {c.rule.code: _college_line(rules, c, base, fate, shown, votes) for c in colleges}


def _fate(rules: AssemblyRules, colleges: list[_College]) -> str:
    """What becomes of the weight of a college not counted."""
    policy = rules.empty_college.policy
    if policy is EmptyCollegePolicy.STATUTES:
        return "poids selon la clause des statuts"
    target = next(
        (
            c
            for c in colleges
            if c.rule.code == rules.empty_college.into and c.state is CollegeState.COUNTED
        ),
        None,
    )
    if policy is EmptyCollegePolicy.MERGE and target is not None:
        return f"poids reporté sur {_college_ref(target.rule.label)}"
    return "poids redistribué"


def _college_line(
    rules: AssemblyRules,
    college: _College,
    base: VoteBase,
    fate: str,
    shown: _Shares,
    votes: CollegeVotes,
) -> str:
    head = college.rule.label
    if rules.colleges:
        head += f" (poids {format_share(college.rule.weight)})"
    if college.merged:
        head += ", avec " + ", ".join(_college_ref(label) for label in college.merged)
    if college.state is CollegeState.MERGED:
        assert college.merged_into is not None
        return (
            f"{head} : non formé ({_size(college)}), fusionné dans "
            f"{_college_ref(college.merged_into)}"
        )
    if college.state is CollegeState.NOT_FORMED:
        return f"{head} : non formé ({_size(college)}) : {fate}"
    figures = _counts_text(college.counts)
    if college.applied_proxies:
        figures += f", dont {counted(college.applied_proxies, 'pouvoir', 'pouvoirs')} en blanc"
    elif college.blank_proxies:
        refused = counted(
            college.blank_proxies, "pouvoir en blanc non compté", "pouvoirs en blanc non comptés"
        )
        figures += f", {refused} : les statuts n'admettent pas les pouvoirs en blanc"
    if college.state is CollegeState.ABSENT:
        if not rules.colleges:
            return f"{head} : {figures} ; aucune voix exprimée"
        return f"{head} : {figures} ; absent (aucune voix) : {fate}"
    result = college.result
    assert result is not None
    consent = ""
    if college.consented:
        consent = (
            f" (dont {counted(college.consented, 'abstention comptée', 'abstentions comptées')}"
            " « pour » : les statuts comptent l'abstention dans un collège comme un consentement)"
        )
    line = (
        f"{head} : {figures} ; {_number(college.in_favour)}{consent} sur "
        f"{_number(college.base)} {_base_words(base, college.base)}, soit {shown(result)}"
    )
    block = votes.block_vote
    if block is not None and college.block is not None:
        seen = _Shares(block.threshold, _places([result], block.threshold))
        word = "plus de" if block.strict else "au moins"
        side = "pour" if college.block else "contre"
        verdict = "atteint" if college.block else "non atteint"
        line += (
            f" ; vote bloqué ({word} {format_share(block.threshold, seen.places)} de « pour »"
            f" : {verdict}) : le collège porte tout son poids {side} la résolution"
        )
    return line


def _number(count: int) -> str:
    """« 7 », « 12 999 »: French thousands separators (Babel)."""
    return format_number(count)


def _size(college: _College) -> str:
    entitled = counted(college.entitled, "inscrit", "inscrits")
    return f"{entitled} pour un minimum de {college.rule.minimum_size}"


def _explanation(
    rules: AssemblyRules,
    rule: Convocation,
    colleges: tuple[CollegeResult, ...],
    counted: list[_College],
    weighted: Fraction | None,
    outcome: Outcome,
    headcount: Counts,
    quorum_result: QuorumResult,
    shown: _Shares,
    cast: int = 0,
    stated: Convocation | None = None,
) -> tuple[str, ...]:
    if outcome is Outcome.SEALED:  # nothing per college to say: no ballot is opened yet
        return (
            f"Vote secret en cours : {how_many(cast, 'bulletin reçu', 'bulletins reçus')} ; "
            "les bulletins restent scellés jusqu'à ce que le président clôture le vote sur "
            "cette résolution, puis sont ouverts et comptés ensemble",
        )
    lines = [c.explanation for c in colleges]
    if outcome is Outcome.PENDING:
        lines.append(
            "Pas encore de vote : aucun bulletin ni décompte enregistré sur cette résolution"
        )
    elif outcome is Outcome.NOT_DELIBERATED:
        lines.append(f"Quorum non atteint, résolution non délibérée : {quorum_result.explanation}")
    elif not counted:
        lines.append("Aucune voix sur la base retenue : la résolution est rejetée")
    elif outcome is Outcome.UNDECIDED:
        lines.append(
            "Un collège n'est pas formé ou est absent ; les statuts disposent : "
            f"« {rules.empty_college.text} »"
        )
    else:
        assert weighted is not None
        lines.extend(_weighted_lines(rules, rule, colleges, weighted, shown))
    if stated is not None and stated != rule and rules.legal_floor is not None:
        lines.append(_floor_line(rules.legal_floor.reference, stated, rule))
    word = "plus de" if rule.strict else "au moins"
    lines.append(
        f"Majorité requise : {word} {_fraction_text(rule.majority)} {rule.base.label} "
        f"({format_share(rule.majority, shown.places)}) → {outcome.label}"
    )
    if rules.colleges:
        lines.append(f"Décompte par tête, tous collèges confondus : {_counts_text(headcount)}")
    return tuple(lines)


def _majority_words(rule: Convocation) -> str:
    word = "plus de" if rule.strict else "au moins"
    return f"{word} {_fraction_text(rule.majority)} {rule.base.label}"


def _floor_line(reference: str, stated: Convocation, applied: Convocation) -> str:
    """Why the tally does not apply the statutes' majority: the law's floor."""
    return (
        f"Les statuts fixent la majorité à {_majority_words(stated)} : cette clause est réputée "
        f"non écrite, car la loi exige pour une décision de SAS {_majority_words(applied)} "
        f"({reference}) ; le décompte applique la règle de la loi"
    )


def _weighted_lines(
    rules: AssemblyRules,
    rule: Convocation,
    colleges: tuple[CollegeResult, ...],
    weighted: Fraction,
    shown: _Shares,
) -> list[str]:
    counted = [c for c in colleges if c.state is CollegeState.COUNTED]
    if not rules.colleges:
        only = counted[0]
        return [
            f"Résultat : {_number(only.in_favour)} pour sur {_number(only.base)} "
            f"{_base_words(rule.base, only.base)}, soit {shown(weighted)}"
        ]
    lines = []
    if any(c.effective_weight != c.weight for c in colleges):
        used = ", ".join(f"{c.label} {format_share(c.effective_weight)}" for c in counted)
        lines.append(f"Poids retenus après redistribution : {used}")
    places = shown.places
    terms = " + ".join(
        f"{_term(c.effective_weight, places)} × {_term(c.weighed or Fraction(0), places)}"
        + (" (vote bloqué)" if c.block is not None else "")
        for c in counted
    )
    lines.append(f"Résultat pondéré : {terms} = {shown(weighted)}")
    return lines


def _counts_text(counts: Counts) -> str:
    return (
        f"{_number(counts.for_)} pour, {_number(counts.against)} contre, "
        f"{counted(counts.abstain, 'abstention', 'abstentions')}, "
        f"{counted(counts.blank + counts.null, 'blanc ou nul', 'blancs ou nuls')}"
    )


def _base_words(base: VoteBase, count: int) -> str:
    """« voix exprimées », « voix des associés présents ou représentés »…"""
    words = base.label.removeprefix("des ")
    return words.replace("exprimées", "exprimée") if count < 2 else words


def _term(value: Fraction, places: int) -> str:
    """A percentage inside the weighted sum: a rounded term keeps its « ≈ » (none reads as
    exact) and the decimals of the total."""
    return format_share(value, places)


def among(label: str) -> str:
    """Where a count was made, inside a sentence: « parmi l'ensemble des associés »,
    « dans le collège des salariés », « dans le collège « Fondateurs » »."""
    if label == ALL_ASSOCIATES_LABEL:
        return "parmi l'ensemble des associés"
    if label.lower().startswith("collège"):
        return f"dans {_college_ref(label)}"
    return f"dans le collège « {label} »"


def _college_ref(label: str) -> str:
    if label.lower().startswith("collège"):
        return "le " + label[:1].lower() + label[1:]
    return f"« {label} »"


def _fraction_text(value: Fraction) -> str:
    if value == Fraction(1, 2):
        return "la moitié"
    if value == Fraction(2, 3):
        return "les deux tiers"
    if value == Fraction(3, 4):
        return "les trois quarts"
    return format_share(value)


# --- the assembly ---------------------------------------------------------------------------


def tally_assembly(
    rules: AssemblyRules,
    kind: str,
    convocation: int,
    turnout: Turnout,
    resolutions: Sequence[ResolutionBallots],
    *,
    live: bool = False,
) -> AssemblyTally:
    """The quorum of the assembly's kind and of every other kind on the agenda, then each
    resolution in order of number. ``live``: the assembly is open, a resolution nobody voted on
    yet is « pas encore de vote »; closing tallies with ``live=False`` (rejected for want of
    votes)."""
    ordered = sorted(resolutions, key=lambda r: r.number)
    kinds = list(dict.fromkeys([kind, *(r.decision_kind for r in ordered)]))
    quorums = {k: quorum(rules, k, convocation, turnout) for k in kinds}
    return AssemblyTally(
        quorums=tuple(quorums.values()),
        resolutions=tuple(
            _tally(
                rules,
                rules.decision(r.decision_kind),
                convocation,
                quorums[r.decision_kind],
                turnout,
                r,
                live,
            )
            for r in ordered
        ),
    )


# --- storage --------------------------------------------------------------------------------


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _counts_dump(counts: Counts) -> dict[str, int]:
    return {c.value: counts.get(c) for c in Choice}


def _counts_load(data: Mapping[str, int]) -> Counts:
    return Counts.of({Choice(key): value for key, value in data.items()})


def _quorum_dump(q: QuorumResult) -> dict[str, Any]:
    return {
        "decision_kind": q.decision_kind,
        "decision_label": q.decision_label,
        "convocation": q.convocation,
        "required": _fraction(q.required),
        "entitled": q.entitled,
        "attending": q.attending,
        "reached": q.reached,
        "explanation": q.explanation,
    }


def _quorum_load(data: Mapping[str, Any]) -> QuorumResult:
    return QuorumResult(**{**data, "required": Fraction(data["required"])})


def _college_dump(c: CollegeResult) -> dict[str, Any]:
    return {
        "code": c.code,
        "label": c.label,
        "weight": _fraction(c.weight),
        "effective_weight": _fraction(c.effective_weight),
        "entitled": c.entitled,
        "attending": c.attending,
        "blank_proxies": c.blank_proxies,
        "counts": _counts_dump(c.counts),
        "base": c.base,
        "in_favour": c.in_favour,
        "result": None if c.result is None else _fraction(c.result),
        "state": c.state.value,
        "explanation": c.explanation,
        **({} if c.block is None else {"block": c.block}),
    }


def _college_load(data: Mapping[str, Any]) -> CollegeResult:
    return CollegeResult(
        **{
            **data,
            "weight": Fraction(data["weight"]),
            "effective_weight": Fraction(data["effective_weight"]),
            "counts": _counts_load(data["counts"]),
            "result": None if data["result"] is None else Fraction(data["result"]),
            "state": CollegeState(data["state"]),
        }
    )


def _resolution_dump(r: ResolutionResult) -> dict[str, Any]:
    return {
        "number": r.number,
        "title": r.title,
        "decision_kind": r.decision_kind,
        "decision_label": r.decision_label,
        "reference": r.reference,
        "proposer": r.proposer.value,
        "rule": {
            "quorum": _fraction(r.rule.quorum),
            "majority": _fraction(r.rule.majority),
            "strict": r.rule.strict,
            "base": r.rule.base.value,
        },
        "quorum": _quorum_dump(r.quorum),
        "colleges": [_college_dump(c) for c in r.colleges],
        "headcount": _counts_dump(r.headcount),
        "weighted": None if r.weighted is None else _fraction(r.weighted),
        "outcome": r.outcome.value,
        "explanation": list(r.explanation),
    }


def _resolution_load(data: Mapping[str, Any]) -> ResolutionResult:
    rule = data["rule"]
    return ResolutionResult(
        number=data["number"],
        title=data["title"],
        decision_kind=data["decision_kind"],
        decision_label=data["decision_label"],
        reference=data["reference"],
        proposer=Proposer(data["proposer"]),
        rule=Convocation(
            Fraction(rule["quorum"]),
            Fraction(rule["majority"]),
            rule["strict"],
            VoteBase(rule["base"]),
        ),
        quorum=_quorum_load(data["quorum"]),
        colleges=tuple(_college_load(c) for c in data["colleges"]),
        headcount=_counts_load(data["headcount"]),
        weighted=None if data["weighted"] is None else Fraction(data["weighted"]),
        outcome=Outcome(data["outcome"]),
        explanation=tuple(data["explanation"]),
    )
