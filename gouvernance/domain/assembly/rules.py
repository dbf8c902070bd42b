"""The rules an assembly follows, frozen when it is convened.

An assembly keeps its own copy of the rules (colleges and weights, empty-college policy,
decision rules per kind resolved for its date, proxy limit, blank proxies, roll policy): a
statutes file edited later, or a corrected law preset, never changes an assembly already held.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.scic.decisions import (
    AssemblyPresets,
    Convocation,
    DecisionRule,
    LegalForm,
    ProxyLimit,
    Treatment,
    VoteBase,
)
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import (
    BlankProxies,
    BlockVote,
    CollegeVotes,
    EmptyCollege,
    EmptyCollegePolicy,
    RollPolicy,
    Statutes,
)


@dataclass(frozen=True)
class CollegeRule:
    code: str
    label: str
    weight: Fraction
    minimum_size: int = 1


@dataclass(frozen=True)
class LegalFloor:
    """The law's majority that no clause of the statutes can lower: a SAS decision needs more
    than half of the votes cast (C. com. L227-9 ; Cass. ass. plén., 15 novembre 2024, n°
    23-16.670) ; a weaker clause is « réputée non écrite » and the tally applies this one."""

    majority: Fraction
    reference: str

    def lowered_by(self, convocation: Convocation) -> bool:
        """Whether the statutes' rule is weaker than the law's: below the floor, or at it
        without « plus de »."""
        return convocation.majority < self.majority or (
            convocation.majority == self.majority and not convocation.strict
        )

    def rule(self, convocation: Convocation) -> Convocation:
        """The rule the tally applies: the statutes' one, or the law's floor on votes cast."""
        if not self.lowered_by(convocation):
            return convocation
        return Convocation(convocation.quorum, self.majority, True, VoteBase.VOTES_CAST)


SAS_FLOOR_KEY = "sas_majority_min"  # rules/law/scic.yaml


def legal_floor(legal_form: LegalForm, law: LawBook, on: date) -> LegalFloor | None:
    """The majority the law imposes whatever the statutes say, on ``on``: a SAS's decision
    needs more than half of the votes cast; none for the other forms (their presets and
    compliance already carry the law's majorities), nor before the law book defines it."""
    if legal_form is not LegalForm.SCIC_SAS:
        return None
    try:
        majority = law.share(SAS_FLOOR_KEY, on)
    except InvalidInput:  # not in force on that day
        return None
    return LegalFloor(majority, law.reference(SAS_FLOOR_KEY))


@dataclass(frozen=True)
class AssemblyRules:
    statutes_id: str
    statutes_label: str
    statutes_digest: str
    legal_form: LegalForm
    colleges: tuple[CollegeRule, ...]  # empty: one associate, one vote, no weighting
    empty_college: EmptyCollege
    decisions: Mapping[str, DecisionRule]  # every kind, resolved for the assembly's date
    proxies: ProxyLimit
    blank_proxies: BlankProxies
    roll: RollPolicy
    college_votes: CollegeVotes = field(default_factory=CollegeVotes)
    legal_floor: LegalFloor | None = None  # the law's majority over the statutes' (a SAS)
    # The compliance errors of the statutes on the day of the assembly, in French, frozen at
    # convening: said when it is convened and written in the minutes.
    unlawful: tuple[str, ...] = ()

    @classmethod
    def from_statutes(
        cls,
        statutes: Statutes,
        presets: AssemblyPresets,
        on: date,
        *,
        legal_floor: LegalFloor | None = None,
        unlawful: tuple[str, ...] = (),
    ) -> AssemblyRules:
        """The statutes' rules as they apply to an assembly held on ``on``; ``legal_floor``
        and ``unlawful`` come from the law in force that day (``compliance``)."""
        return cls(
            statutes_id=statutes.id,
            statutes_label=statutes.label,
            statutes_digest=statutes.digest,
            legal_form=statutes.legal_form,
            colleges=tuple(
                CollegeRule(c.code, c.label, c.weight, c.minimum_size) for c in statutes.colleges
            ),
            empty_college=statutes.empty_college,
            decisions=statutes.decision_kinds(on, presets),
            proxies=statutes.proxies,
            blank_proxies=statutes.blank_proxies,
            roll=statutes.voting_roll,
            college_votes=statutes.college_votes,
            legal_floor=legal_floor,
            unlawful=unlawful,
        )

    @property
    def by_college(self) -> bool:
        return bool(self.colleges)

    def college(self, code: str) -> CollegeRule | None:
        return next((c for c in self.colleges if c.code == code), None)

    def applied(self, convocation: Convocation) -> Convocation:
        """The rule the tally applies at a convocation: the statutes', unless the law's floor
        sets it aside."""
        return convocation if self.legal_floor is None else self.legal_floor.rule(convocation)

    def decision(self, kind: str) -> DecisionRule:
        if kind not in self.decisions:
            known = ", ".join(sorted(self.decisions))
            raise InvalidInput(
                f"type de décision inconnu « {kind} » (connus : {known})", field="decision_kind"
            )
        return self.decisions[kind]

    # --- storage --------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(_dump(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> AssemblyRules:
        """Parsed once per distinct text and shared (the rules are immutable; never mutate
        ``decisions``): every page of an assembly reads its rules several times, half a
        millisecond of parsing each."""
        return _parsed(text)

    @classmethod
    def _parse(cls, text: str) -> AssemblyRules:
        data = json.loads(text)
        empty = data["empty_college"]
        proxies = data["proxies"]
        return cls(
            statutes_id=data["statutes_id"],
            statutes_label=data["statutes_label"],
            statutes_digest=data["statutes_digest"],
            legal_form=LegalForm(data["legal_form"]),
            colleges=tuple(
                CollegeRule(c["code"], c["label"], Fraction(c["weight"]), c["minimum_size"])
                for c in data["colleges"]
            ),
            empty_college=EmptyCollege(
                EmptyCollegePolicy(empty["policy"]), empty["into"], empty["text"]
            ),
            decisions={kind: _rule(kind, rule) for kind, rule in data["decisions"].items()},
            proxies=ProxyLimit(
                fixed=proxies["fixed"],
                scop=proxies["scop"],
                threshold=proxies["threshold"],
                ratio=Fraction(proxies["ratio"]),
            ),
            blank_proxies=BlankProxies(data["blank_proxies"]),
            roll=RollPolicy(fees_up_to_date=data["roll"]["fees_up_to_date"]),
            college_votes=_college_votes(data.get("college_votes")),
            legal_floor=_legal_floor(data.get("legal_floor")),
            unlawful=tuple(data.get("unlawful", ())),
        )


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> AssemblyRules:
    return AssemblyRules._parse(text)


def _college_votes(data: dict[str, Any] | None) -> CollegeVotes:
    if not data:
        return CollegeVotes()
    block = data.get("block_vote")
    return CollegeVotes(
        abstention_as_consent=bool(data.get("abstention_as_consent", False)),
        block_vote=None
        if block is None
        else BlockVote(Fraction(block["threshold"]), bool(block["strict"])),
    )


def _legal_floor(data: dict[str, Any] | None) -> LegalFloor | None:
    if not data:
        return None
    return LegalFloor(Fraction(data["majority"]), data["reference"])


def _dump(rules: AssemblyRules) -> dict[str, Any]:
    dumped: dict[str, Any] = {
        "statutes_id": rules.statutes_id,
        "statutes_label": rules.statutes_label,
        "statutes_digest": rules.statutes_digest,
        "legal_form": rules.legal_form.value,
        "colleges": [
            {
                "code": c.code,
                "label": c.label,
                "weight": str(c.weight),
                "minimum_size": c.minimum_size,
            }
            for c in rules.colleges
        ],
        "empty_college": {
            "policy": rules.empty_college.policy.value,
            "into": rules.empty_college.into,
            "text": rules.empty_college.text,
        },
        "decisions": {kind: _rule_dump(rule) for kind, rule in rules.decisions.items()},
        "proxies": {
            "fixed": rules.proxies.fixed,
            "scop": rules.proxies.scop,
            "threshold": rules.proxies.threshold,
            "ratio": str(rules.proxies.ratio),
        },
        "blank_proxies": rules.blank_proxies.value,
        "roll": {"fees_up_to_date": rules.roll.fees_up_to_date},
    }
    # Written only when set: the rules frozen before these options read back unchanged.
    votes = rules.college_votes
    if not votes.plain:
        block = votes.block_vote
        dumped["college_votes"] = {
            "abstention_as_consent": votes.abstention_as_consent,
            "block_vote": None
            if block is None
            else {"threshold": str(block.threshold), "strict": block.strict},
        }
    if rules.legal_floor is not None:
        dumped["legal_floor"] = {
            "majority": str(rules.legal_floor.majority),
            "reference": rules.legal_floor.reference,
        }
    if rules.unlawful:
        dumped["unlawful"] = list(rules.unlawful)
    return dumped


def _rule_dump(rule: DecisionRule) -> dict[str, Any]:
    return {
        "label": rule.label,
        "reference": rule.reference,
        "abstention": rule.abstention.value,
        "blank": rule.blank.value,
        "convocations": [
            {
                "quorum": str(c.quorum),
                "majority": str(c.majority),
                "strict": c.strict,
                "base": c.base.value,
            }
            for c in rule.convocations
        ],
    }


def _rule(kind: str, data: dict[str, Any]) -> DecisionRule:
    return DecisionRule(
        kind=kind,
        label=data["label"],
        convocations=tuple(
            Convocation(
                Fraction(c["quorum"]), Fraction(c["majority"]), c["strict"], VoteBase(c["base"])
            )
            for c in data["convocations"]
        ),
        abstention=Treatment(data["abstention"]),
        blank=Treatment(data["blank"]),
        reference=data["reference"],
    )
