"""The rules an assembly follows, frozen when it is convened.

An assembly keeps its own copy of the rules (colleges and weights, empty-college policy,
decision rules per kind resolved for its date, proxy limit, blank proxies, roll policy): a
statutes file edited later, or a corrected law preset, never changes an assembly already held.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
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
from gouvernance.domain.scic.statutes import (
    BlankProxies,
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

    @classmethod
    def from_statutes(cls, statutes: Statutes, presets: AssemblyPresets, on: date) -> AssemblyRules:
        """The statutes' rules as they apply to an assembly held on ``on``."""
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
        )

    @property
    def by_college(self) -> bool:
        return bool(self.colleges)

    def college(self, code: str) -> CollegeRule | None:
        return next((c for c in self.colleges if c.code == code), None)

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
        )


def _dump(rules: AssemblyRules) -> dict[str, Any]:
    return {
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
