"""Statutes as a dated rule document: categories, colleges, assemblies, proxies, capital, surplus.

The document is read as written (``parse_statutes``) and refused only when it cannot be read
(a bad key, a weight that is not a share, a college naming an unknown category). Whether it is
*lawful* is another question, answered by ``compliance.check`` with the articles: a board
drafting statutes must be able to load a draft with two colleges to be told why it is wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from pydantic import Field

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.members import ScicKind
from gouvernance.domain.money import format_number
from gouvernance.domain.rule_documents import (
    Strict,
    load_yaml,
    parse_day,
    parse_euros,
    parse_share,
    validate,
)
from gouvernance.domain.scic.decisions import (
    AssemblyPresets,
    DecisionRule,
    DecisionRuleDoc,
    LegalForm,
    ProxyLimit,
    decision_rule,
)
from gouvernance.domain.scic.law import format_share


class EmptyCollegePolicy(StrEnum):
    """What happens to the weight of a college with nobody in it (or below its minimum size)."""

    REDISTRIBUTE = "redistribute"  # to the other colleges, pro rata of their weights
    MERGE = "merge"  # its members and weight go to a named college
    STATUTES = "statutes"  # the statutes' own wording, applied by the chair

    @property
    def label(self) -> str:
        return {
            "redistribute": "poids redistribué aux autres collèges au prorata de leurs poids",
            "merge": "collège fusionné dans un collège désigné",
            "statutes": "règle propre aux statuts",
        }[self.value]


class BlankProxies(StrEnum):
    """A proxy given without a holder's name (« pouvoir en blanc »), as the statutes say."""

    BOARD = "board"  # votes for the board's resolutions, against the others (C. com. L225-106)
    REFUSED = "refused"  # the statutes do not accept blank proxies

    @property
    def label(self) -> str:
        if self is BlankProxies.BOARD:
            return (
                "un pouvoir en blanc vote pour les résolutions présentées ou agréées par le "
                "conseil et contre les autres"
            )
        return "les statuts n'admettent pas les pouvoirs en blanc"


@dataclass(frozen=True)
class RollPolicy:
    """Who may vote, beyond being an associate at the cut-off date."""

    fees_up_to_date: bool = False  # an association may require fees called before to be paid

    def describe(self) -> str:
        if self.fees_up_to_date:
            return "seuls votent les associés à jour de leurs cotisations échues à la date d'arrêté"
        return "votent tous les associés inscrits à la date d'arrêté"


class Weighting(StrEnum):
    FIXED = "fixed"  # weights written in the statutes
    CAPITAL = "capital"  # weights by capital held: unlawful in a SCIC, kept so it can be flagged


@dataclass(frozen=True)
class PopulationFormula:
    """« 2 parts jusqu'à 1 000 habitants, puis 1 part par tranche de 1 000 habitants commencée »
    (``bracket = "started"``) or « … complète » (``"full"``): the choice is written, not guessed."""

    base_shares: int
    up_to: int
    per: int
    shares_per_bracket: int
    bracket: Literal["started", "full"]

    def shares(self, population: Decimal) -> int:
        above = max(Decimal(0), population - self.up_to)
        whole, rest = divmod(int(above), self.per)
        brackets = whole + (1 if self.bracket == "started" and (rest or above % 1) else 0)
        return self.base_shares + brackets * self.shares_per_bracket

    def describe(self) -> str:
        kind = "commencée" if self.bracket == "started" else "complète"
        return (
            f"{self.base_shares} parts jusqu'à {format_number(self.up_to)} habitants, puis "
            f"{self.shares_per_bracket} part(s) par tranche de {format_number(self.per)} "
            f"habitants {kind}"
        )


@dataclass(frozen=True)
class MinimumSubscription:
    """The fewest shares an associate of a category must hold."""

    shares: int = 1
    population: PopulationFormula | None = None

    def for_population(self, population: Decimal | None) -> int | None:
        """The minimum; ``None`` when the formula needs a population that is not known."""
        if self.population is None:
            return self.shares
        if population is None:
            return None
        return max(self.shares, self.population.shares(population))


@dataclass(frozen=True)
class AssociateCategory:
    code: str
    label: str
    kind: ScicKind | None
    registry: frozenset[str]  # the registry categories whose members fall in this category
    minimum: MinimumSubscription
    share_value: Decimal | None = None  # only to be flagged: a SCIC has one nominal value


@dataclass(frozen=True)
class College:
    code: str
    label: str
    weight: Fraction
    weight_text: str
    categories: frozenset[str]
    minimum_size: int = 1


@dataclass(frozen=True)
class BlockVote:
    """A college whose « pour » share passes ``threshold`` casts all its weight for the
    resolution, and all of it against otherwise (« vote bloqué » of some SCIC statutes)."""

    threshold: Fraction
    strict: bool = True  # « plus de 60 % »; False: « au moins 60 % »

    def passes(self, share: Fraction) -> bool:
        return share > self.threshold if self.strict else share >= self.threshold


@dataclass(frozen=True)
class CollegeVotes:
    """How a vote is counted inside each college, as the statutes say (``college_rules``)."""

    abstention_as_consent: bool = False  # an abstention counts as « pour » inside its college
    block_vote: BlockVote | None = None

    @property
    def plain(self) -> bool:
        return not self.abstention_as_consent and self.block_vote is None


@dataclass(frozen=True)
class EmptyCollege:
    policy: EmptyCollegePolicy
    into: str | None = None
    text: str = ""


@dataclass(frozen=True)
class CapitalRules:
    share_value: Decimal
    minimum: Decimal | None  # the statutes' minimum capital (capital variable)
    paid_at_subscription: Fraction
    paying_delay_years: int
    refund_delay_months: int


@dataclass(frozen=True)
class SurplusPolicy:
    legal_reserve: Fraction
    statutory_reserve: Fraction
    interest_rate: Fraction | None  # None: no interest on shares
    ristourne: Fraction
    # Refunds above nominal within the art. 18 al. 2 revaluation reserve (loi 2024-537, from
    # 15/06/2024, « à vérifier »): ``scic.revaluation.refund_above_nominal`` checks the date.
    revaluation_refunds: bool = False


@dataclass(frozen=True)
class Statutes:
    id: str
    label: str
    reference: str
    valid_from: date
    legal_form: LegalForm
    categories: tuple[AssociateCategory, ...]
    colleges: tuple[College, ...]
    weighting: Weighting
    overrides: Mapping[str, str]  # member code → college code
    preset: LegalForm | None
    decisions: Mapping[str, DecisionRule]  # the statutes' own rules, over the preset
    empty_college: EmptyCollege
    proxies: ProxyLimit
    capital: CapitalRules | None  # None: an association, which has no shares
    surplus: SurplusPolicy
    source: str
    digest: str
    blank_proxies: BlankProxies = BlankProxies.BOARD
    voting_roll: RollPolicy = RollPolicy()
    college_votes: CollegeVotes = CollegeVotes()
    text: str = ""  # the document as written, kept with an assembly that follows it

    def capital_rules(self) -> CapitalRules:
        """The capital clauses; an association has none, which is said, not crashed on."""
        if self.capital is None:
            raise InvalidInput(
                f"les statuts « {self.id} » ({self.legal_form.label}) n'ont pas de capital en "
                "parts sociales",
                field="statutes",
            )
        return self.capital

    def category(self, code: str) -> AssociateCategory | None:
        return next((c for c in self.categories if c.code == code), None)

    def college(self, code: str) -> College | None:
        return next((c for c in self.colleges if c.code == code), None)

    def category_for(self, registry_category: str) -> AssociateCategory | None:
        """The statutes' category of a member of the registry, by its registry category."""
        return next((c for c in self.categories if registry_category in c.registry), None)

    def college_for(self, member_code: str, category: AssociateCategory | None) -> College | None:
        """A member's college: a per-member override first, then by category."""
        if member_code in self.overrides:
            return self.college(self.overrides[member_code])
        if category is None:
            return None
        return next((c for c in self.colleges if category.code in c.categories), None)

    def decision(self, kind: str, on: date, presets: AssemblyPresets) -> DecisionRule:
        """The rule of a decision kind at an assembly held on ``on``: statutes, else preset."""
        if kind in self.decisions:
            return self.decisions[kind]
        form = self.preset or self.legal_form
        rules = presets.rules(form, on)
        if kind not in rules:
            known = ", ".join(sorted(set(rules) | set(self.decisions)))
            raise InvalidInput(
                f"type de décision inconnu « {kind} » (connus : {known})", field="kind"
            )
        return rules[kind]

    def decision_kinds(self, on: date, presets: AssemblyPresets) -> dict[str, DecisionRule]:
        form = self.preset or self.legal_form
        rules = dict(presets.rules(form, on))
        rules.update(self.decisions)
        return rules

    def share_values(self) -> set[Decimal]:
        values = set() if self.capital is None else {self.capital.share_value}
        values.update(c.share_value for c in self.categories if c.share_value is not None)
        return values

    def weights_text(self) -> str:
        return ", ".join(f"{c.label} {format_share(c.weight)}" for c in self.colleges)


# --- reading --------------------------------------------------------------------------------


class _PopulationDoc(Strict):
    base_shares: int = Field(ge=0)
    up_to: int = Field(ge=0)
    per: int = Field(ge=1)
    shares_per_bracket: int = Field(default=1, ge=1)
    bracket: Literal["started", "full"]


class _MinimumDoc(Strict):
    shares: int = Field(default=1, ge=1)
    population: _PopulationDoc | None = None


class _CategoryDoc(Strict):
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1)
    kind: ScicKind | None = None
    registry: list[str] = Field(default_factory=list)
    minimum_subscription: _MinimumDoc = _MinimumDoc()
    share_value: str | int | None = None


class _CollegeDoc(Strict):
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1)
    weight: str | int | None = None  # absent on every college: equal weights
    categories: list[str] = Field(default_factory=list)
    minimum_size: int = Field(default=1, ge=1)


class _BlockVoteDoc(Strict):
    threshold: str | int
    strict: bool = True  # « plus de » the threshold; false: « au moins »


class _CollegeRulesDoc(Strict):
    weighting: Weighting = Weighting.FIXED
    abstention_as_consent: bool = False  # inside a college, an abstention counts as « pour »
    block_vote: _BlockVoteDoc | None = None
    overrides: dict[str, str] = Field(default_factory=dict)
    empty_college: EmptyCollegePolicy = EmptyCollegePolicy.REDISTRIBUTE
    merge_into: str | None = None
    empty_college_text: str = ""


class _AssembliesDoc(Strict):
    preset: LegalForm | None = None
    ordinary: DecisionRuleDoc | None = None
    extraordinary: DecisionRuleDoc | None = None
    custom: dict[str, DecisionRuleDoc] = Field(default_factory=dict)


class _ProxiesDoc(Strict):
    max_per_associate: int | None = Field(default=None, ge=0)
    preset: Literal["scop"] | None = None
    blank: BlankProxies = BlankProxies.BOARD


class _VotingRollDoc(Strict):
    fees_up_to_date: bool = False


class _CapitalDoc(Strict):
    share_value: str | int
    minimum: str | int | None = None
    paid_at_subscription: str = "25 %"
    paying_delay_years: int = Field(default=5, ge=0, le=99)
    refund_delay_months: int = Field(default=0, ge=0, le=120)


class _SurplusDoc(Strict):
    legal_reserve: str = "15 %"
    statutory_reserve: str = "50 %"
    interest_rate: str | None = None
    ristourne: str = "0 %"
    revaluation_refunds: bool = False


class _StatutesDoc(Strict):
    id: str = Field(min_length=1, max_length=60)
    label: str = Field(min_length=1)
    reference: str = ""
    valid_from: str
    legal_form: LegalForm
    categories: list[_CategoryDoc] = Field(default_factory=list)
    colleges: list[_CollegeDoc] = Field(default_factory=list)
    college_rules: _CollegeRulesDoc = _CollegeRulesDoc()
    assemblies: _AssembliesDoc = _AssembliesDoc()
    proxies: _ProxiesDoc = _ProxiesDoc(preset="scop")
    voting_roll: _VotingRollDoc = _VotingRollDoc()
    capital: _CapitalDoc | None = None  # required of a SCIC, absent from an association
    surplus: _SurplusDoc = _SurplusDoc()


def parse_statutes(text: str, source: str, scop_proxies: ProxyLimit) -> Statutes:
    """Read a statutes document; what cannot be read is refused with the file and key path."""
    doc = validate(_StatutesDoc, load_yaml(text, source), source)
    categories = _categories(doc, source)
    colleges = _colleges(doc, {c.code for c in categories}, source)
    decisions = _decisions(doc.assemblies, source)
    return Statutes(
        id=doc.id,
        label=doc.label,
        reference=doc.reference,
        valid_from=parse_day(doc.valid_from, "valid_from", source),
        legal_form=doc.legal_form,
        categories=categories,
        colleges=colleges,
        weighting=doc.college_rules.weighting,
        overrides=dict(doc.college_rules.overrides),
        preset=doc.assemblies.preset,
        decisions=decisions,
        empty_college=_empty_college(doc.college_rules, {c.code for c in colleges}, source),
        proxies=_proxies(doc.proxies, scop_proxies, source),
        capital=_capital_of(doc, source),
        surplus=_surplus(doc.surplus, source),
        source=source,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        blank_proxies=doc.proxies.blank,
        voting_roll=RollPolicy(fees_up_to_date=doc.voting_roll.fees_up_to_date),
        college_votes=_college_votes(doc, source),
        text=text,
    )


def _capital_of(doc: _StatutesDoc, source: str) -> CapitalRules | None:
    if doc.capital is None:
        if doc.legal_form.is_scic:
            raise RuleError(
                source, "capital", "une SCIC a un capital : indiquez au moins share_value"
            )
        return None
    return _capital(doc.capital, source)


def _categories(doc: _StatutesDoc, source: str) -> tuple[AssociateCategory, ...]:
    found: list[AssociateCategory] = []
    for index, item in enumerate(doc.categories):
        where = f"categories[{index}]"
        if any(c.code == item.code for c in found):
            raise RuleError(source, f"{where}.code", f"catégorie « {item.code} » en double")
        minimum = item.minimum_subscription
        formula = None
        if minimum.population is not None:
            p = minimum.population
            formula = PopulationFormula(
                p.base_shares, p.up_to, p.per, p.shares_per_bracket, p.bracket
            )
        share_value = None
        if item.share_value is not None:
            share_value = parse_euros(item.share_value, f"{where}.share_value", source)
        found.append(
            AssociateCategory(
                item.code, item.label, item.kind, frozenset(item.registry),
                MinimumSubscription(minimum.shares, formula), share_value,
            )
        )  # fmt: skip
    taken: dict[str, str] = {}
    for category in found:
        for registry in category.registry:
            if registry in taken:
                raise RuleError(
                    source, "categories",
                    f"la catégorie du registre « {registry} » est rangée à la fois dans "
                    f"« {taken[registry]} » et dans « {category.code} »",
                )  # fmt: skip
            taken[registry] = category.code
    return tuple(found)


def _colleges(doc: _StatutesDoc, categories: set[str], source: str) -> tuple[College, ...]:
    items = doc.colleges
    given = [item.weight is not None for item in items]
    if any(given) and not all(given):
        missing = items[given.index(False)].code
        raise RuleError(
            source, "colleges",
            f"le collège « {missing} » n'a pas de poids : donnez un poids à chaque collège, "
            "ou à aucun (poids égaux)",
        )  # fmt: skip
    found: list[College] = []
    seen_categories: dict[str, str] = {}
    for index, item in enumerate(items):
        where = f"colleges[{index}]"
        if any(c.code == item.code for c in found):
            raise RuleError(source, f"{where}.code", f"collège « {item.code} » en double")
        if item.weight is None:
            weight, text = Fraction(1, len(items)), "poids égal"
        else:
            weight, text = parse_share(item.weight, f"{where}.weight", source), str(item.weight)
        for code in item.categories:
            if code not in categories:
                known = ", ".join(sorted(categories))
                raise RuleError(
                    source,
                    f"{where}.categories",
                    f"catégorie inconnue « {code} » (connues : {known})",
                )
            if code in seen_categories:
                raise RuleError(
                    source, f"{where}.categories",
                    f"la catégorie « {code} » est déjà dans le collège « {seen_categories[code]} »",
                )  # fmt: skip
            seen_categories[code] = item.code
        found.append(
            College(
                item.code, item.label, weight, text, frozenset(item.categories), item.minimum_size
            )
        )
    codes = {c.code for c in found}
    for member, college in doc.college_rules.overrides.items():
        if college not in codes:
            raise RuleError(
                source, f"college_rules.overrides.{member}", f"collège inconnu « {college} »"
            )
    return tuple(found)


def _empty_college(doc: _CollegeRulesDoc, colleges: set[str], source: str) -> EmptyCollege:
    if doc.empty_college is EmptyCollegePolicy.MERGE:
        if doc.merge_into is None:
            raise RuleError(
                source,
                "college_rules.merge_into",
                "nommez le collège qui recueille le collège vide",
            )
        if doc.merge_into not in colleges:
            raise RuleError(
                source, "college_rules.merge_into", f"collège inconnu « {doc.merge_into} »"
            )
    if doc.empty_college is EmptyCollegePolicy.STATUTES and not doc.empty_college_text.strip():
        raise RuleError(
            source,
            "college_rules.empty_college_text",
            "citez la clause des statuts sur le collège vide",
        )
    return EmptyCollege(doc.empty_college, doc.merge_into, doc.empty_college_text.strip())


def _college_votes(doc: _StatutesDoc, source: str) -> CollegeVotes:
    rules = doc.college_rules
    if (rules.abstention_as_consent or rules.block_vote is not None) and not doc.colleges:
        key = "abstention_as_consent" if rules.abstention_as_consent else "block_vote"
        raise RuleError(
            source,
            f"college_rules.{key}",
            "règle de vote par collège sans collège : déclarez des collèges, ou retirez-la",
        )
    block = None
    if rules.block_vote is not None:
        threshold = parse_share(
            rules.block_vote.threshold, "college_rules.block_vote.threshold", source
        )
        if not 0 < threshold < 1:
            raise RuleError(
                source,
                "college_rules.block_vote.threshold",
                f"le seuil du vote bloqué doit être entre 0 et 100 % exclus (lu : "
                f"{format_share(threshold)})",
            )
        block = BlockVote(threshold, rules.block_vote.strict)
    return CollegeVotes(rules.abstention_as_consent, block)


def _decisions(doc: _AssembliesDoc, source: str) -> dict[str, DecisionRule]:
    found: dict[str, DecisionRule] = {}
    for kind in ("ordinary", "extraordinary"):
        rule = getattr(doc, kind)
        if rule is not None:
            found[kind] = decision_rule(kind, rule, f"assemblies.{kind}", source)
    for kind, rule in doc.custom.items():
        if kind in found:
            raise RuleError(source, f"assemblies.custom.{kind}", "nom réservé")
        found[kind] = decision_rule(kind, rule, f"assemblies.custom.{kind}", source)
    return found


def _proxies(doc: _ProxiesDoc, scop: ProxyLimit, source: str) -> ProxyLimit:
    if doc.preset == "scop":
        if doc.max_per_associate is not None:
            raise RuleError(
                source, "proxies", "choisissez un nombre fixe ou le préréglage scop, pas les deux"
            )
        return scop
    if doc.max_per_associate is None:
        raise RuleError(source, "proxies", "indiquez max_per_associate ou preset: scop")
    return ProxyLimit(fixed=doc.max_per_associate)


def _capital(doc: _CapitalDoc, source: str) -> CapitalRules:
    share_value = parse_euros(doc.share_value, "capital.share_value", source)
    if share_value <= 0:
        raise RuleError(
            source, "capital.share_value", "la valeur nominale d'une part doit être positive"
        )
    minimum = None
    if doc.minimum is not None:
        minimum = parse_euros(doc.minimum, "capital.minimum", source)
    paid = parse_share(doc.paid_at_subscription, "capital.paid_at_subscription", source)
    return CapitalRules(share_value, minimum, paid, doc.paying_delay_years, doc.refund_delay_months)


def _surplus(doc: _SurplusDoc, source: str) -> SurplusPolicy:
    interest = None
    if doc.interest_rate is not None:
        interest = parse_share(doc.interest_rate, "surplus.interest_rate", source)
    return SurplusPolicy(
        legal_reserve=parse_share(doc.legal_reserve, "surplus.legal_reserve", source),
        statutory_reserve=parse_share(doc.statutory_reserve, "surplus.statutory_reserve", source),
        interest_rate=interest,
        ristourne=parse_share(doc.ristourne, "surplus.ristourne", source),
        revaluation_refunds=doc.revaluation_refunds,
    )
