"""How an assembly decides: quorum per convocation, majority, base, abstentions; proxy limits.

Presets per legal form live in ``rules/law/assemblees.yaml``, dated (the 2019 change on
abstentions in an SA is a new dated version); statutes may override any decision kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from pydantic import Field

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.rule_documents import Strict, load_yaml, parse_day, parse_share, validate
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.wording import counted, ordinal


class LegalForm(StrEnum):
    ASSOCIATION = "association"
    SCIC_SA = "scic_sa"
    SCIC_SAS = "scic_sas"
    SCIC_SARL = "scic_sarl"

    @property
    def label(self) -> str:
        return {
            "association": "association loi 1901",
            "scic_sa": "SCIC SA",
            "scic_sas": "SCIC SAS",
            "scic_sarl": "SCIC SARL",
        }[self.value]

    @property
    def is_scic(self) -> bool:
        return self is not LegalForm.ASSOCIATION


class VoteBase(StrEnum):
    """What the majority is a share of."""

    VOTES_CAST = "votes_cast"
    PRESENT_REPRESENTED = "present_represented"
    ALL_ASSOCIATES = "all_associates"

    @property
    def label(self) -> str:
        return {
            "votes_cast": "des voix exprimées",
            "present_represented": "des voix des associés présents ou représentés",
            "all_associates": "des voix de tous les associés",
        }[self.value]


class Treatment(StrEnum):
    """An abstention or a blank vote: left out of the votes cast, or counted against."""

    EXCLUDED = "excluded"
    AGAINST = "against"

    @property
    def label(self) -> str:
        return "ne comptent pas" if self is Treatment.EXCLUDED else "comptent contre"


class DecisionKind(StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"


@dataclass(frozen=True)
class Convocation:
    """The rule on one convocation: the quorum to deliberate, then the majority to adopt."""

    quorum: Fraction  # share of all associates present, represented or voting by post; 0 = none
    majority: Fraction
    strict: bool  # True: more than ``majority``; False: at least ``majority``
    base: VoteBase

    def describe(self) -> str:
        quorum = (
            f"quorum {format_share(self.quorum)} des associés"
            if self.quorum
            else "aucun quorum requis"
        )
        word = "plus de" if self.strict else "au moins"
        return f"{quorum} ; majorité : {word} {_fraction_text(self.majority)} {self.base.label}"


@dataclass(frozen=True)
class DecisionRule:
    """How one kind of decision is taken (ordinary, extraordinary, or a statutes' own kind)."""

    kind: str
    label: str
    convocations: tuple[Convocation, ...]
    abstention: Treatment
    blank: Treatment
    reference: str = ""

    def convocation(self, number: int) -> Convocation:
        """The rule of the ``number``-th convocation (the last one repeats)."""
        if number < 1:
            raise InvalidInput("le numéro de convocation commence à 1", field="convocation")
        return self.convocations[min(number, len(self.convocations)) - 1]

    def describe(self) -> list[str]:
        lines = [
            f"{ordinal(index)} convocation : {convocation.describe()}"
            for index, convocation in enumerate(self.convocations, start=1)
        ]
        lines.append(
            f"abstentions : {self.abstention.label} ; votes blancs ou nuls : {self.blank.label}"
        )
        return lines


@dataclass(frozen=True)
class FiscalYear:
    """When the organisation's fiscal year starts (day, month): 1 January by default."""

    start_day: int = 1
    start_month: int = 1

    def first_closing_after(self, day: date) -> date:
        """The first day a fiscal year closes strictly after ``day`` (the day before a start)."""
        year = day.year
        while True:
            closing = date(year, self.start_month, self.start_day) - timedelta(days=1)
            if closing > day:
                return closing
            year += 1


@dataclass(frozen=True)
class PresetVersion:
    since: date
    reference: str
    rules: Mapping[str, DecisionRule]
    # A law that applies « à compter des assemblées générales réunies pour statuer sur le premier
    # exercice clos après » a day (loi n° 2019-744, art. 16 II): that day; the version then
    # starts the day after the organisation's first closing after it, not on ``since``.
    fiscal_year_closed_after: date | None = None
    transition: str = ""  # the article that says so, cited in the explanation

    def start(self, fiscal_year: FiscalYear) -> date:
        """The first day an assembly of this organisation follows this version."""
        if self.fiscal_year_closed_after is None:
            return self.since
        closing = fiscal_year.first_closing_after(self.fiscal_year_closed_after)
        return max(self.since, closing + timedelta(days=1))


# An assembly that approves the accounts is held within six months of the closing (C. com.
# L225-100): an extraordinary assembly in that window may come before it.
_ACCOUNTS_ASSEMBLY_DELAY_DAYS = 183


@dataclass(frozen=True)
class AssemblyPresets:
    """Decision rules by legal form, each a list of dated versions, for one fiscal year."""

    versions: Mapping[LegalForm, tuple[PresetVersion, ...]]
    source: str = "rules/law/assemblees.yaml"
    fiscal_year: FiscalYear = FiscalYear()

    def for_fiscal_year(self, start_day: int, start_month: int) -> AssemblyPresets:
        """The same presets for an organisation whose fiscal year starts on that day."""
        return replace(self, fiscal_year=FiscalYear(start_day, start_month))

    def rules(self, form: LegalForm, on: date) -> Mapping[str, DecisionRule]:
        """The preset rules an assembly held on ``on`` follows; when a version depends on the
        fiscal year, each rule's reference says which closing decided it."""
        versions = self.versions.get(form, ())
        current = None
        for index, version in enumerate(versions):
            if version.start(self.fiscal_year) <= on:
                current = index
        if current is None:
            raise InvalidInput(
                f"aucune règle d'assemblée par défaut pour une {form.label} au {on:%d/%m/%Y} "
                f"({self.source})",
                field="on",
            )
        version = versions[current]
        following = versions[current + 1] if current + 1 < len(versions) else None
        note = ""
        if version.fiscal_year_closed_after is not None:
            note = self._switch_note(version, on, applied=True)
        elif (
            following is not None
            and following.fiscal_year_closed_after is not None
            and following.since <= on
        ):
            note = self._switch_note(following, on, applied=False)
        if not note:
            return version.rules
        return {
            kind: replace(rule, reference=f"{rule.reference} ; {note}" if rule.reference else note)
            for kind, rule in version.rules.items()
        }

    def _switch_note(self, version: PresetVersion, on: date, *, applied: bool) -> str:
        """« loi n° 2019-744, art. 16 II : … premier exercice clos après le 19/07/2019, ici
        l'exercice clos le 30/06/2020 ; … »."""
        assert version.fiscal_year_closed_after is not None
        after = version.fiscal_year_closed_after
        closing = self.fiscal_year.first_closing_after(after)
        text = (
            f"{version.transition} : nouvelle règle à compter des assemblées réunies pour "
            f"statuer sur le premier exercice clos après le {after:%d/%m/%Y}, ici l'exercice "
            f"ouvert le {self.fiscal_year.start_day:02d}/{self.fiscal_year.start_month:02d} et "
            f"clos le {closing:%d/%m/%Y}"
        )
        held = f" ; l'assemblée du {on:%d/%m/%Y}"
        if not applied:
            return f"{text}{held}, tenue avant cette clôture, suit l'ancienne règle"
        text += f"{held}, tenue après cette clôture, suit la nouvelle règle"
        if (on - closing).days <= _ACCOUNTS_ASSEMBLY_DELAY_DAYS:
            text += (
                " (une assemblée extraordinaire réunie avant celle qui statue sur les comptes "
                "de cet exercice suivrait encore l'ancienne règle : prévoyez-la dans les statuts)"
            )
        return text


@dataclass(frozen=True)
class ProxyLimit:
    """How many proxies one associate may hold: a fixed number, or the SCOP rule."""

    fixed: int | None = None
    scop: bool = False
    threshold: int = 20
    ratio: Fraction = Fraction(1, 20)

    def limit(self, associates: int) -> int:
        if self.scop:
            return 1 if associates < self.threshold else int(associates * self.ratio)
        assert self.fixed is not None
        return self.fixed

    def describe(self) -> str:
        if self.scop:
            return (
                f"1 pouvoir par associé en dessous de {self.threshold} associés, sinon au plus "
                f"{_fraction_text(self.ratio)} du nombre d'associés (règle des SCOP)"
            )
        return f"au plus {counted(self.fixed or 0, 'pouvoir')} par associé"


# --- reading --------------------------------------------------------------------------------


class ConvocationDoc(Strict):
    quorum: str | int = 0
    majority: str
    strict: bool
    base: VoteBase


class DecisionRuleDoc(Strict):
    label: str
    convocations: list[ConvocationDoc] = Field(min_length=1, max_length=3)
    abstention: Treatment
    blank: Treatment
    reference: str = ""


class _PresetVersionDoc(Strict):
    from_: str = Field(alias="from")
    reference: str
    decisions: dict[str, DecisionRuleDoc]
    fiscal_year_closed_after: str | None = None
    transition: str = ""


class _ProxyPresetDoc(Strict):
    threshold: int = Field(ge=1)
    ratio: str
    reference: str


class _PresetsDoc(Strict):
    presets: dict[LegalForm, list[_PresetVersionDoc]]
    proxies_scop: _ProxyPresetDoc


def decision_rule(kind: str, doc: DecisionRuleDoc, where: str, source: str) -> DecisionRule:
    """A decision rule from its document; a majority of 0 or a quorum above 1 is refused."""
    convocations = []
    for index, item in enumerate(doc.convocations):
        here = f"{where}.convocations[{index}]"
        majority = parse_share(item.majority, f"{here}.majority", source)
        if majority == 0:
            raise RuleError(source, f"{here}.majority", "une majorité de 0 ne décide rien")
        quorum = parse_share(item.quorum, f"{here}.quorum", source)
        convocations.append(Convocation(quorum, majority, item.strict, item.base))
    return DecisionRule(
        kind, doc.label, tuple(convocations), doc.abstention, doc.blank, doc.reference
    )


def parse_presets(text: str, source: str) -> tuple[AssemblyPresets, ProxyLimit, str]:
    """The presets file: decision rules by legal form and date, and the SCOP proxy rule."""
    document = validate(_PresetsDoc, load_yaml(text, source), source)
    versions: dict[LegalForm, tuple[PresetVersion, ...]] = {}
    for form, docs in document.presets.items():
        found: list[PresetVersion] = []
        for index, doc in enumerate(docs):
            where = f"presets.{form.value}[{index}]"
            since = parse_day(doc.from_, f"{where}.from", source)
            if found and since <= found[-1].since:
                raise RuleError(
                    source, f"{where}.from", "les versions doivent suivre l'ordre des dates"
                )
            rules = {
                kind: decision_rule(kind, rule, f"{where}.decisions.{kind}", source)
                for kind, rule in doc.decisions.items()
            }
            for required in DecisionKind:
                if required.value not in rules:
                    raise RuleError(source, f"{where}.decisions", f"« {required.value} » manque")
            closed_after = None
            if doc.fiscal_year_closed_after is not None:
                closed_after = parse_day(
                    doc.fiscal_year_closed_after, f"{where}.fiscal_year_closed_after", source
                )
                if not doc.transition.strip():
                    raise RuleError(
                        source, f"{where}.transition", "citez l'article qui fixe cette transition"
                    )
            found.append(
                PresetVersion(since, doc.reference, rules, closed_after, doc.transition.strip())
            )
        versions[form] = tuple(found)
    scop = document.proxies_scop
    ratio = parse_share(scop.ratio, "proxies_scop.ratio", source)
    return (
        AssemblyPresets(versions, source),
        ProxyLimit(scop=True, threshold=scop.threshold, ratio=ratio),
        scop.reference,
    )


def _fraction_text(value: Fraction) -> str:
    if value == Fraction(1, 2):
        return "la moitié"
    if value.numerator == 1 or value in (Fraction(2, 3), Fraction(3, 4)):
        return f"{value.numerator}/{value.denominator}"
    return format_share(value)
