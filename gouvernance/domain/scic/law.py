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


class _ParameterDoc(Strict):
    label: str
    reference: str
    unit: str  # "share", "euros", "count", "years"
    verified: bool = False
    values: list[_ValueDoc] = Field(min_length=1)


class _LawDoc(Strict):
    parameters: dict[str, _ParameterDoc]


class _SemesterDoc(Strict):
    year: int
    half: int = Field(ge=1, le=2)
    rate: str
    derived: bool = False
    note: str = ""


class _TmoDoc(Strict):
    label: str
    reference: str
    semesters: list[_SemesterDoc] = Field(min_length=1)


@dataclass(frozen=True)
class LawValue:
    """One value of one parameter, as in force on a day, with where it comes from."""

    key: str
    label: str
    reference: str
    verified: bool
    since: date
    share: Fraction | None = None
    euros: Decimal | None = None
    count: int | None = None

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
    verified: bool
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
class InterestCap:
    """The most a SCIC may pay on its shares at an assembly held in ``assembly_year``."""

    assembly_year: int
    semesters: tuple[Semester, ...]
    average: Fraction
    margin: Fraction
    rate: Fraction
    reference: str

    def explain(self) -> str:
        years = f"{self.assembly_year - 3} à {self.assembly_year - 1}"
        parts = " ; ".join(f"{s.label} : {format_share(s.rate)}" for s in self.semesters)
        text = (
            f"Plafond de l'intérêt aux parts pour une assemblée tenue en {self.assembly_year} : "
            f"moyenne du TMO des années {years} ({parts}) {_equals(self.average)}"
        )
        if self.margin:
            text += f", majorée de {format_share(self.margin)} {_equals(self.rate)}"
        return f"{text}. Source : {self.reference}."


@dataclass(frozen=True)
class LawBook:
    """Every legal parameter and the TMO table, read from ``rules/law/``."""

    parameters: Mapping[str, _Parameter]
    semesters: tuple[Semester, ...] = ()
    tmo_reference: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)

    def value(self, key: str, on: date) -> LawValue:
        parameter = self._parameter(key)
        since, raw = self._dated(key, parameter, on)
        common = {
            "key": key, "label": parameter.label, "reference": parameter.reference,
            "verified": parameter.verified, "since": since,
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

    def interest_cap(self, assembly_year: int) -> InterestCap:
        """Average TMO of the three calendar years before the assembly, plus the margin."""
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
        day = date(assembly_year, 1, 1)
        margin = self.share("interest_margin", day)
        reference = self.reference("interest_margin")
        return InterestCap(assembly_year, used, average, margin, average + margin, reference)

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
        found[key] = _Parameter(doc.label, doc.reference, doc.unit, doc.verified, tuple(values))
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


def parse_tmo(text: str, source: str) -> tuple[tuple[Semester, ...], str]:
    """The TMO table: one rate per semester, in order, none twice."""
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
    return tuple(semesters), document.reference


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
    semesters, tmo_reference = parse_tmo(tmo_file[1], tmo_file[0])
    return LawBook(parameters, semesters, tmo_reference, sources)
