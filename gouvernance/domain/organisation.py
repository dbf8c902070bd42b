"""The organisation this database keeps the books for (one per database), and what the
documents it issues print about it.

``Organisation`` is the record, mapped onto the ``organisation`` table. ``check_organisation``
normalises it and refuses it with every problem at once (each naming its field). A change is an
``OrganisationChanges``: only the fields given change. ``PrintedOrganisation`` is what a letter
or a set of minutes prints (name, address, identifiers, bank details, signatories), kept as JSON
with the document when it is issued, so that a later change of name or bank leaves it as it was.

The bank details (IBAN, BIC, ICS) are checked by the services, with schwifty.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from enum import Enum
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.moments import DEFAULT_TIME_ZONE as DEFAULT_TIME_ZONE
from gouvernance.domain.scic.decisions import LegalForm
from gouvernance.domain.siren import normalise_siren, siren_problem

# « W » and 9 digits; in Corsica the department is 2A or 2B (« W2A1001234 »).
_RNA = re.compile(r"W(?:\d{9}|2[AB]\d{7})")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29 February never recurs


@dataclass(frozen=True)
class Signatory:
    """Who signs for the organisation, and the title printed under the name."""

    name: str  # « Jeanne Martin »
    title: str  # « Présidente », « Trésorier bénévole »


@dataclass(eq=False)
class Organisation:
    name: str
    legal_form: str  # a LegalForm value once checked: association, scic_sa, scic_sas, scic_sarl
    siren: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    iban: str | None = None  # where members pay by transfer; the account debited by SEPA
    bic: str | None = None
    sepa_creditor_id: str | None = None  # ICS, identifiant créancier SEPA
    statutes_id: str | None = None  # the statutes document in force (rules/statuts/)
    rna: str | None = None  # an association's number in the Répertoire national (W…)
    fiscal_year_start_day: int = 1
    fiscal_year_start_month: int = 1
    time_zone: str = DEFAULT_TIME_ZONE  # IANA name: the day a document is dated in
    president_name: str | None = None
    president_title: str | None = None
    treasurer_name: str | None = None
    treasurer_title: str | None = None
    id: int | None = None

    @property
    def president(self) -> Signatory | None:
        return _signatory(self.president_name, self.president_title)

    @property
    def treasurer(self) -> Signatory | None:
        return _signatory(self.treasurer_name, self.treasurer_title)

    @property
    def fiscal_year_start(self) -> str:
        """« 1er janvier », « 1er juillet », « 15 avril »."""
        return day_and_month(self.fiscal_year_start_day, self.fiscal_year_start_month)

    def detached(self) -> Organisation:
        """A plain copy, usable once the transaction that read this one is over."""
        return Organisation(**{f.name: getattr(self, f.name) for f in fields(Organisation)})


def _signatory(name: str | None, title: str | None) -> Signatory | None:
    return Signatory(name, title) if name and title else None


# Everything a person sets; ``statutes_id`` is chosen apart (``capital.choose_statutes``).
EDITABLE_FIELDS = tuple(f.name for f in fields(Organisation) if f.name not in ("id", "statutes_id"))
BANK_FIELDS = ("iban", "bic", "sepa_creditor_id")
REQUIRED_FIELDS = ("name", "legal_form", "fiscal_year_start_day", "fiscal_year_start_month",
                   "time_zone")  # fmt: skip
_TEXT_LIMITS = {
    "name": 200, "address": 300, "postal_code": 10, "city": 100, "email": 200,
    "president_name": 200, "president_title": 100, "treasurer_name": 200,
    "treasurer_title": 100,
}  # fmt: skip
LABELS = {
    "name": "le nom de l'organisation",
    "legal_form": "la forme juridique",
    "siren": "le SIREN",
    "rna": "le numéro RNA",
    "address": "l'adresse",
    "postal_code": "le code postal",
    "city": "la ville",
    "email": "l'adresse électronique",
    "iban": "l'IBAN",
    "bic": "le BIC",
    "sepa_creditor_id": "l'identifiant créancier SEPA (ICS)",
    "fiscal_year_start_day": "le jour de début d'exercice",
    "fiscal_year_start_month": "le mois de début d'exercice",
    "time_zone": "le fuseau horaire",
    "president_name": "le nom de la présidente ou du président",
    "president_title": "le titre de la présidente ou du président",
    "treasurer_name": "le nom de la trésorière ou du trésorier",
    "treasurer_title": "le titre de la trésorière ou du trésorier",
}


# --- Partial changes ----------------------------------------------------------------------------


class Unset(Enum):
    """A field an ``OrganisationChanges`` leaves as it is (``None`` erases it)."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, kw_only=True)
class OrganisationChanges:
    """The fields to change; the others keep their value. ``None`` (or « ») erases an optional
    field; the name, the legal form, the fiscal year start and the time zone cannot be erased."""

    name: str | Unset | None = UNSET
    legal_form: str | Unset | None = UNSET
    siren: str | Unset | None = UNSET
    rna: str | Unset | None = UNSET
    address: str | Unset | None = UNSET
    postal_code: str | Unset | None = UNSET
    city: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    iban: str | Unset | None = UNSET
    bic: str | Unset | None = UNSET
    sepa_creditor_id: str | Unset | None = UNSET
    fiscal_year_start_day: int | Unset | None = UNSET
    fiscal_year_start_month: int | Unset | None = UNSET
    time_zone: str | Unset | None = UNSET
    president_name: str | Unset | None = UNSET
    president_title: str | Unset | None = UNSET
    treasurer_name: str | Unset | None = UNSET
    treasurer_title: str | Unset | None = UNSET

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> OrganisationChanges:
        """From a mapping (a request body, CLI options); an unknown key is refused."""
        for key in values:
            if key not in EDITABLE_FIELDS:
                raise InvalidInput(f"champ inconnu « {key} »", field=key)
        return cls(**values)

    def given(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not UNSET
        }


def apply_changes(organisation: Organisation, changes: Mapping[str, Any]) -> Organisation:
    """A new ``Organisation``: ``organisation`` with ``changes``; a required field set to
    ``None`` is refused, naming it."""
    for name, value in changes.items():
        if name in REQUIRED_FIELDS and (value is None or value == ""):
            raise InvalidInput(f"{LABELS[name]} est obligatoire : il ne peut pas être vidé", name)
    return replace(organisation.detached(), **changes)


# --- Checking -----------------------------------------------------------------------------------


def parse_legal_form(text: str) -> LegalForm:
    """« association », « Association loi 1901 », « scic_sas », « SCIC SAS » → the form; « SCIC »
    alone says neither SA, SAS nor SARL, and is refused."""
    folded = _fold(text).replace("_", " ").replace("-", " ")
    folded = " ".join(folded.split())
    for form in LegalForm:
        if folded in (form.value.replace("_", " "), _fold(form.label)) or (
            form is LegalForm.ASSOCIATION and folded.startswith("association")
        ):
            return form
    known = ", ".join(f"{form.value} ({form.label})" for form in LegalForm)
    raise InvalidInput(
        f"forme juridique inconnue « {text.strip()} » : formes connues {known}",
        field="legal_form",
    )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def parse_fiscal_year_start(text: str) -> tuple[int, int]:
    """« 01/07 » or « 1/7 » (JJ/MM) → (1, 7): the day and month each fiscal year starts."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*", text)
    if match is None:
        raise InvalidInput(
            f"début d'exercice « {text.strip()} » : jour et mois attendus, JJ/MM (ex. 01/07)",
            field="fiscal_year_start",
        )
    day, month = int(match.group(1)), int(match.group(2))
    if problem := _fiscal_start_problem(day, month):
        raise InvalidInput(problem.message, field="fiscal_year_start")
    return day, month


def day_and_month(day: int, month: int) -> str:
    """« 1er juillet », « 15 avril »."""
    first = "1er" if day == 1 else str(day)
    return f"{first} {_MONTHS[month - 1]}" if 1 <= month <= 12 else f"{day}/{month}"


def _fiscal_start_problem(day: int, month: int) -> Problem | None:
    if not 1 <= month <= 12:
        return Problem(
            f"mois de début d'exercice {month} : un mois de 1 à 12 est attendu",
            "fiscal_year_start_month",
        )
    last = _DAYS_IN_MONTH[month - 1]
    if not 1 <= day <= last:
        return Problem(
            f"jour de début d'exercice {day} : en {_MONTHS[month - 1]}, un jour de 1 à {last} "
            "est attendu (un exercice commence le même jour chaque année)",
            "fiscal_year_start_day",
        )
    return None


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not an IANA time zone (« Europe/Paris », « America/Cayenne »)."""
    if name in _time_zones():
        return None
    return (
        f"fuseau horaire inconnu « {name} » : un nom IANA est attendu, ex. Europe/Paris, "
        "America/Cayenne, Indian/Reunion"
    )


def rna_problem(rna: str) -> str | None:
    """Why ``rna`` (normalised) is not an RNA number: « W » followed by 9 digits."""
    if _RNA.fullmatch(rna):
        return None
    return f"« {rna} » n'est pas un numéro RNA : « W » suivi de 9 chiffres attendu (ex. W133001234)"


def _clean(value: Any) -> Any:
    """Texts stripped, an empty text is no value."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def normalised(organisation: Organisation) -> Organisation:
    """Stripped texts, « » as no value, SIREN and RNA without spaces, the legal form's id when it
    is recognised (« SCIC SAS » → scic_sas), the e-mail in lower case."""
    values = {f.name: _clean(getattr(organisation, f.name)) for f in fields(Organisation)}
    values["name"] = values["name"] or ""
    values["legal_form"] = values["legal_form"] or ""
    if values["legal_form"]:
        with suppress(InvalidInput):  # an unknown form is reported by organisation_problems
            values["legal_form"] = parse_legal_form(values["legal_form"]).value
    if values["siren"]:
        values["siren"] = normalise_siren(values["siren"])
    if values["rna"]:
        values["rna"] = re.sub(r"[\s\u00a0\u202f.-]", "", values["rna"]).upper()
    if values["email"]:
        values["email"] = values["email"].lower()
    return Organisation(**values)


def organisation_problems(organisation: Organisation) -> list[Problem]:
    """Every reason ``organisation`` (normalised) cannot be recorded, each naming its field;
    the bank details are the services' to check."""
    o = organisation
    found: list[Problem] = []
    for name in (*_TEXT_LIMITS, "legal_form", "siren", "rna", "time_zone"):
        if has_control_characters(getattr(o, name)):
            found.append(Problem(f"{LABELS[name]} contient un caractère de contrôle", name))
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(o, name) or "") > limit:
            found.append(Problem(f"{LABELS[name]} : {limit} caractères au plus", name))
    if not o.name:
        found.append(Problem("le nom de l'organisation est obligatoire", "name"))
    form = _legal_form(o.legal_form, found)
    if o.siren and (reason := siren_problem(o.siren)):
        found.append(Problem(reason, "siren"))
    if o.rna and (reason := rna_problem(o.rna)):
        found.append(Problem(reason, "rna"))
    if form is LegalForm.ASSOCIATION and not (o.siren or o.rna):
        found.append(
            Problem(
                "une association est identifiée par son SIREN ou son numéro RNA : indiquez l'un "
                "ou l'autre",
                "rna",
            )
        )
    if form is not None and form.is_scic:
        if not o.siren:
            found.append(
                Problem(f"une {form.label} est identifiée par son SIREN : indiquez-le", "siren")
            )
        if o.rna:
            found.append(
                Problem(
                    "le numéro RNA est celui d'une association : une SCIC n'en a pas (videz-le)",
                    "rna",
                )
            )
    if o.email is not None and not _EMAIL.match(o.email):
        found.append(Problem(f"adresse électronique invalide « {o.email} »", "email"))
    if o.postal_code is not None and not _POSTAL_CODE.match(o.postal_code):
        found.append(
            Problem(
                f"code postal invalide « {o.postal_code} » : 5 chiffres attendus", "postal_code"
            )
        )
    if problem := _fiscal_start_problem(o.fiscal_year_start_day, o.fiscal_year_start_month):
        found.append(problem)
    if not o.time_zone:
        found.append(Problem("le fuseau horaire est obligatoire (ex. Europe/Paris)", "time_zone"))
    elif reason := time_zone_problem(o.time_zone):
        found.append(Problem(reason, "time_zone"))
    for role in ("president", "treasurer"):
        name, title = getattr(o, f"{role}_name"), getattr(o, f"{role}_title")
        if name and not title:
            found.append(
                Problem(f"{LABELS[role + '_title']} est attendu avec son nom", f"{role}_title")
            )
        if title and not name:
            found.append(
                Problem(f"{LABELS[role + '_name']} est attendu avec son titre", f"{role}_name")
            )
    return found


def _legal_form(text: str, found: list[Problem]) -> LegalForm | None:
    if not text:
        known = ", ".join(form.value for form in LegalForm)
        found.append(Problem(f"la forme juridique est obligatoire ({known})", "legal_form"))
        return None
    try:
        return parse_legal_form(text)
    except InvalidInput as error:
        found.append(Problem(error.message, "legal_form"))
        return None


def check_organisation(organisation: Organisation) -> Organisation:
    """``organisation`` normalised, or ``InvalidInput`` listing every problem (the first one as
    the message and field)."""
    clean = normalised(organisation)
    if problems := organisation_problems(clean):
        raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
    return clean


# --- What documents print -----------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedOrganisation:
    """The organisation as a document prints it, frozen with the document when it is issued."""

    name: str
    legal_form: str = ""
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    email: str | None = None
    siren: str | None = None
    rna: str | None = None
    iban: str | None = None
    bic: str | None = None
    sepa_creditor_id: str | None = None
    president: Signatory | None = None
    treasurer: Signatory | None = None
    time_zone: str = DEFAULT_TIME_ZONE  # the clock the document's times are read on

    @classmethod
    def of(cls, organisation: Organisation) -> PrintedOrganisation:
        return cls(
            name=organisation.name,
            legal_form=organisation.legal_form,
            address=organisation.address,
            postal_code=organisation.postal_code,
            city=organisation.city,
            email=organisation.email,
            siren=organisation.siren,
            rna=organisation.rna,
            iban=organisation.iban,
            bic=organisation.bic,
            sepa_creditor_id=organisation.sepa_creditor_id,
            president=organisation.president,
            treasurer=organisation.treasurer,
            time_zone=organisation.time_zone,
        )

    @property
    def address_lines(self) -> tuple[str, ...]:
        """« Mas des Cigales », « 13990 Vallon-les-Alpilles »."""
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return tuple(part for part in (self.address, town) if part)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys): the same details always give the same text."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        for role in ("president", "treasurer"):
            signatory = data[role]
            data[role] = {"name": signatory.name, "title": signatory.title} if signatory else None
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PrintedOrganisation:
        data: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        for role in ("president", "treasurer"):
            signatory = values.get(role)
            values[role] = Signatory(signatory["name"], signatory["title"]) if signatory else None
        return cls(**values)
