"""The law as dated parameters (``rules/law/``), each value with its source, and the TMO table.

Like OpenFisca parameters: a parameter has a French label, a reference (article) and values
dated by the day they took effect; asking for a day before the first value is refused rather
than guessed. Renumbered articles or a changed threshold are a data change, not a code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache, lru_cache
from typing import Literal

from babel.numbers import NumberPattern, parse_pattern
from pydantic import Field

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.money import format_amount, format_number, parsed_locale
from gouvernance.domain.rule_documents import (
    Strict,
    load_yaml,
    parse_day,
    parse_euros,
    parse_share,
    validate,
)


class _ValueDoc(Strict):
    from_: str = Field(alias="from")
    value: str | int
    note: str = ""


Confidence = Literal["vérifié", "probable", "à vérifier"]
VERIFIED: Confidence = "vérifié"


class _ParameterDoc(Strict):
    label: str
    reference: str
    unit: str  # "share", "euros", "count", "years"
    # « vérifié »: read on a copy of the official text; « probable »: a serious secondary
    # source or the legal audit; « à vérifier »: to read again on Légifrance (docs/droit.md).
    confidence: Confidence = "à vérifier"
    values: list[_ValueDoc] = Field(min_length=1)


class _LawDoc(Strict):
    parameters: dict[str, _ParameterDoc]


class _SemesterDoc(Strict):
    year: int
    half: int = Field(ge=1, le=2)
    rate: str
    derived: bool = False
    note: str = ""


class _PublishedCapDoc(Strict):
    assembly_year: int
    rate: str  # as published, rounded to ``places`` decimals of a percent
    places: int = Field(default=2, ge=0, le=6)
    reference: str


class _TmoDoc(Strict):
    label: str
    reference: str
    semesters: list[_SemesterDoc] = Field(min_length=1)
    published_caps: list[_PublishedCapDoc] = Field(default_factory=list)


@dataclass(frozen=True)
class LawValue:
    """One value of one parameter, as in force on a day, with where it comes from."""

    key: str
    label: str
    reference: str
    confidence: Confidence
    since: date
    share: Fraction | None = None
    euros: Decimal | None = None
    count: int | None = None

    @property
    def verified(self) -> bool:
        """Read on a copy of the official text."""
        return self.confidence == VERIFIED

    @property
    def text(self) -> str:
        if self.share is not None:
            return format_share(self.share)
        if self.euros is not None:
            return format_amount(self.euros)
        return str(self.count)


@dataclass(frozen=True)
class _Parameter:
    label: str
    reference: str
    unit: str
    confidence: Confidence
    values: tuple[tuple[date, Fraction | Decimal | int], ...]


@dataclass(frozen=True)
class Semester:
    """The TMO of one half-year (``half`` 1 = January–June)."""

    year: int
    half: int
    rate: Fraction
    derived: bool = False
    note: str = ""

    @property
    def label(self) -> str:
        return f"{'1er' if self.half == 1 else '2e'} semestre {self.year}"


@dataclass(frozen=True)
class PublishedCap:
    """An interest cap as published (rounded), from which missing TMO semesters were derived."""

    assembly_year: int
    rate: Fraction
    places: int  # decimals of a percent it was rounded to: 2 for « 4,80 % »
    reference: str

    @property
    def half_unit(self) -> Fraction:
        """Half of the last printed decimal: 4,80 % stands for [4,795 % ; 4,805 %)."""
        return Fraction(1, 2 * 100 * 10**self.places)


@dataclass(frozen=True)
class InterestCap:
    """The most a SCIC may pay on its shares at an assembly held in ``assembly_year``."""

    assembly_year: int
    semesters: tuple[Semester, ...]
    average: Fraction
    margin: Fraction
    rate: Fraction
    reference: str
    derived_note: str = ""  # how derived semesters are bounded by a published cap

    def explain(self) -> str:
        years = f"{self.assembly_year - 3} à {self.assembly_year - 1}"
        parts = " ; ".join(f"{s.label} : {format_share(s.rate)}" for s in self.semesters)
        text = (
            f"Plafond de l'intérêt aux parts pour une assemblée tenue en {self.assembly_year} : "
            f"moyenne du TMO des années {years} ({parts}) {_equals(self.average)}"
        )
        if self.margin:
            text += f", majorée de {format_share(self.margin)} {_equals(self.rate)}"
        text = f"{text}. Source : {self.reference}."
        return f"{text} {self.derived_note}" if self.derived_note else text


# Before this day, art. 14 did not cap the interest at a three-year average of the TMO
# (loi n° 2016-1691 du 9 décembre 2016): such a cap is refused, not computed.
AVERAGE_CAP_SINCE = date(2016, 12, 11)


@dataclass(frozen=True)
class LawBook:
    """Every legal parameter and the TMO table, read from ``rules/law/``."""

    parameters: Mapping[str, _Parameter]
    semesters: tuple[Semester, ...] = ()
    tmo_reference: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)
    published_caps: Mapping[int, PublishedCap] = field(default_factory=dict)

    def value(self, key: str, on: date) -> LawValue:
        parameter = self._parameter(key)
        since, raw = self._dated(key, parameter, on)
        common = {
            "key": key, "label": parameter.label, "reference": parameter.reference,
            "confidence": parameter.confidence, "since": since,
        }  # fmt: skip
        if parameter.unit == "share":
            assert isinstance(raw, Fraction)
            return LawValue(**common, share=raw)  # type: ignore[arg-type]
        if parameter.unit == "euros":
            assert isinstance(raw, Decimal)
            return LawValue(**common, euros=raw)  # type: ignore[arg-type]
        assert isinstance(raw, int)
        return LawValue(**common, count=raw)  # type: ignore[arg-type]

    def share(self, key: str, on: date) -> Fraction:
        found = self.value(key, on).share
        assert found is not None, key
        return found

    def euros(self, key: str, on: date) -> Decimal:
        found = self.value(key, on).euros
        assert found is not None, key
        return found

    def count(self, key: str, on: date) -> int:
        found = self.value(key, on).count
        assert found is not None, key
        return found

    def reference(self, key: str) -> str:
        return self._parameter(key).reference

    def in_force(self, on: date) -> list[LawValue]:
        """Every parameter as in force on ``on`` (those not yet in force are left out)."""
        found = []
        for key, parameter in sorted(self.parameters.items()):
            if parameter.values[0][0] <= on:
                found.append(self.value(key, on))
        return found

    def interest_cap(self, assembly_year: int, held_on: date | None = None) -> InterestCap:
        """Average TMO of the three calendar years before the assembly, plus the margin.

        Refused for an assembly before 11/12/2016 (the whole year when ``held_on`` is not
        given): the three-year average did not exist then."""
        day = held_on or date(assembly_year, 1, 1)
        if day < AVERAGE_CAP_SINCE:
            when = f"le {held_on:%d/%m/%Y}" if held_on else f"en {assembly_year}"
            raise InvalidInput(
                f"pour une assemblée tenue {when}, avant le {AVERAGE_CAP_SINCE:%d/%m/%Y}, "
                "l'article 14 de la loi n° 47-1775 ne plafonnait pas l'intérêt aux parts à la "
                "moyenne du TMO sur trois ans majorée de 2 points (loi n° 2016-1691) : ce "
                "plafond n'est pas calculé ; reportez-vous au texte alors en vigueur",
                field="assembly_year",
            )
        wanted = [
            (year, half) for year in range(assembly_year - 3, assembly_year) for half in (1, 2)
        ]
        known = {(s.year, s.half): s for s in self.semesters}
        missing = [pair for pair in wanted if pair not in known]
        if missing:
            year, half = missing[0]
            label = f"{'1er' if half == 1 else '2e'} semestre {year}"
            raise InvalidInput(
                f"le TMO du {label} manque dans rules/law/tmo.yaml : plafond de l'intérêt aux "
                f"parts incalculable pour une assemblée tenue en {assembly_year}",
                field="assembly_year",
            )
        used = tuple(known[pair] for pair in wanted)
        average = sum((s.rate for s in used), Fraction(0)) / len(used)
        margin = self.share("interest_margin", day)
        reference = self.reference("interest_margin")
        note = self._derived_note(used, margin) if any(s.derived for s in used) else ""
        return InterestCap(assembly_year, used, average, margin, average + margin, reference, note)

    def _derived_note(self, used: tuple[Semester, ...], margin: Fraction) -> str:
        """« Les semestres de 2024 … : leur somme est comprise entre 6,425 % et 6,485 % … »."""
        derived = [s for s in used if s.derived]
        labels = " et du ".join(s.label for s in derived)
        for published in sorted(self.published_caps.values(), key=lambda c: c.assembly_year):
            window = {published.assembly_year - 3 + k for k in range(3)}
            if not all(s.year in window for s in derived):
                continue
            known_years = {(s.year, s.half): s for s in self.semesters}
            others = [
                known_years[(y, h)]
                for y in sorted(window)
                for h in (1, 2)
                if (y, h) in known_years and not known_years[(y, h)].derived
            ]
            if len(others) + len(derived) != 6:
                continue
            rest = sum((s.rate for s in others), Fraction(0))
            low = 6 * (published.rate - published.half_unit - margin) - rest
            high = 6 * (published.rate + published.half_unit - margin) - rest
            kept = sum((s.rate for s in derived), Fraction(0))
            return (
                f"Le TMO du {labels} n'a pas été relu sur les avis du Journal officiel : il est "
                f"déduit du plafond publié de {format_share(published.rate)} pour les "
                f"assemblées de {published.assembly_year} ({published.reference}). Publié avec "
                f"{published.places} décimales, ce plafond borne la somme de ces semestres à "
                f"[{_plain(low)} ; {_plain(high)}) points ; la valeur retenue, "
                f"{_plain(kept)}, en est le milieu."
            )
        return (
            f"Le TMO du {labels} est une valeur déduite, non relue sur les avis du Journal "
            "officiel (rules/law/tmo.yaml)."
        )

    def _parameter(self, key: str) -> _Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise RuleError("rules/law", key, "paramètre légal inconnu") from None

    @staticmethod
    def _dated(key: str, parameter: _Parameter, on: date) -> tuple[date, Fraction | Decimal | int]:
        current = None
        for since, raw in parameter.values:
            if since <= on:
                current = (since, raw)
        if current is None:
            first = parameter.values[0][0]
            raise InvalidInput(
                f"« {parameter.label} » ({key}) n'est défini qu'à partir du {first:%d/%m/%Y} : "
                f"rien à appliquer au {on:%d/%m/%Y}",
                field="on",
            )
        return current


@lru_cache(maxsize=4096)
def format_share(value: Fraction, places: int = 2) -> str:
    """« 15 % », « 4,80 % », « 1,325 % » when exact in 4 decimals; else « ≈ 26,57 % »."""
    percent = value * 100
    if percent.denominator == 1:
        return f"{format_number(percent.numerator)}\u00a0%"
    exact = Decimal(percent.numerator) / Decimal(percent.denominator)
    for shown_places in range(2, 5):
        if (percent * 10**shown_places).denominator == 1:
            return _percent(exact, shown_places)
    return f"≈\u00a0{_percent(exact, places)}"


def _plain(value: Fraction) -> str:
    """A percent without its sign: 0,06425 → « 6,425 »."""
    return format_share(value, 4).removesuffix("\u00a0%")


def _equals(value: Fraction) -> str:
    """« = 4,80 % » when exact, « ≈ 3,2267 % » when rounded."""
    text = format_share(value, 4)
    return text if text.startswith("≈") else f"= {text}"


def _percent(value: Decimal, places: int) -> str:
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{_pattern(places).apply(shown, parsed_locale())}\u00a0%"


@cache
def _pattern(places: int) -> NumberPattern:
    return parse_pattern("#,##0." + "0" * places)


def parse_parameters(text: str, source: str) -> dict[str, _Parameter]:
    """A ``parameters:`` document; values are checked in date order and by unit."""
    document = validate(_LawDoc, load_yaml(text, source), source)
    found: dict[str, _Parameter] = {}
    for key, doc in document.parameters.items():
        values: list[tuple[date, Fraction | Decimal | int]] = []
        for index, value in enumerate(doc.values):
            where = f"parameters.{key}.values[{index}]"
            since = parse_day(value.from_, f"{where}.from", source)
            if values and since <= values[-1][0]:
                raise RuleError(
                    source, f"{where}.from", "les valeurs doivent suivre l'ordre des dates"
                )
            values.append((since, _typed(doc.unit, value.value, f"{where}.value", source)))
        found[key] = _Parameter(doc.label, doc.reference, doc.unit, doc.confidence, tuple(values))
    return found


def _typed(unit: str, raw: str | int, where: str, source: str) -> Fraction | Decimal | int:
    if unit == "share":
        return parse_share(raw, where, source)
    if unit == "euros":
        return parse_euros(raw, where, source)
    if unit in ("count", "years"):
        try:
            number = int(str(raw))
        except ValueError:
            raise RuleError(source, where, f"nombre entier attendu, lu « {raw} »") from None
        if number < 0:
            raise RuleError(source, where, "un nombre négatif est refusé")
        return number
    raise RuleError(source, where.rsplit(".values", 1)[0] + ".unit", f"unité inconnue « {unit} »")


def parse_tmo(text: str, source: str) -> tuple[tuple[Semester, ...], str, dict[int, PublishedCap]]:
    """The TMO table: one rate per semester, in order, none twice; and the published caps."""
    document = validate(_TmoDoc, load_yaml(text, source), source)
    semesters: list[Semester] = []
    for index, doc in enumerate(document.semesters):
        where = f"semesters[{index}]"
        rate = parse_share(doc.rate, f"{where}.rate", source, signed=True)
        semester = Semester(doc.year, doc.half, rate, doc.derived, doc.note)
        if semesters and (doc.year, doc.half) <= (semesters[-1].year, semesters[-1].half):
            raise RuleError(
                source, where, f"{semester.label} : semestres dans le désordre ou en double"
            )
        semesters.append(semester)
    caps: dict[int, PublishedCap] = {}
    for index, doc_cap in enumerate(document.published_caps):
        where = f"published_caps[{index}]"
        rate = parse_share(doc_cap.rate, f"{where}.rate", source)
        caps[doc_cap.assembly_year] = PublishedCap(
            doc_cap.assembly_year, rate, doc_cap.places, doc_cap.reference
        )
    return tuple(semesters), document.reference, caps


def build_law_book(parameter_files: Mapping[str, str], tmo_file: tuple[str, str]) -> LawBook:
    """The law book from the parameter files (name → text) and the TMO table."""
    parameters: dict[str, _Parameter] = {}
    sources: dict[str, str] = {}
    for name, text in sorted(parameter_files.items()):
        for key, parameter in parse_parameters(text, name).items():
            if key in parameters:
                raise RuleError(
                    name, f"parameters.{key}", f"paramètre déjà défini dans {sources[key]}"
                )
            parameters[key] = parameter
            sources[key] = name
    semesters, tmo_reference, caps = parse_tmo(tmo_file[1], tmo_file[0])
    return LawBook(parameters, semesters, tmo_reference, sources, caps)
