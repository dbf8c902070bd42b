"""The member registry: natural and legal persons, their category, dates and dated facts.

A member is validated as a whole (``MemberDraft.problems``) so that a form, an API call and a
CSV line all get every problem at once, in French, with the field that causes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gouvernance.domain.errors import Conflict, InvalidInput, Problem
from gouvernance.domain.facts import Fact, FactKind, MissingFact, check_fact
from gouvernance.domain.siren import normalise_siren, siren_problem
from gouvernance.domain.text import character_problem
from gouvernance.domain.text import has_control_characters as has_control_characters

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_POSTAL_CODE = re.compile(r"^\d{5}$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


_TEXT_FIELDS = (
    "category", "name", "first_name", "last_name", "siren", "code",
    "email", "phone", "address", "postal_code", "city",
)  # fmt: skip


# The longest text each field may hold (the storage columns are sized to match).
MAX_LENGTHS = {
    "category": 40, "name": 200, "first_name": 100, "last_name": 100, "siren": 9, "code": 20,
    "email": 200, "phone": 40, "address": 300, "postal_code": 10, "city": 100,
}  # fmt: skip
MAX_REASON = 300
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def leave_reason_problem(reason: str | None) -> str | None:
    """Why a leaving reason cannot be recorded (empty, too long, control characters)."""
    text = (reason or "").strip()
    if not text:
        return "le motif de sortie est obligatoire"
    if len(text) > MAX_REASON:
        return f"motif de sortie trop long (au plus {MAX_REASON} caractères)"
    if problem := character_problem(text):
        return f"{problem} dans le motif de sortie"
    return None


def date_problem(day: date | None) -> str | None:
    """Dates outside 1900–2100 are typos (0001-01-01, 9999-12-31), not history."""
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        return f"date hors de la plage {FIRST_DAY:%d/%m/%Y}–{LAST_DAY:%d/%m/%Y}"
    return None


class PersonKind(StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"

    @property
    def label(self) -> str:
        return "personne physique" if self is PersonKind.NATURAL else "personne morale"


class ScicKind(StrEnum):
    """The kinds of associate the SCIC law names (loi 47-1775 art. 19 septies) and usual ones."""

    EMPLOYEE = "employee"
    PRODUCER = "producer"
    BENEFICIARY = "beneficiary"
    VOLUNTEER = "volunteer"
    # Collectivités territoriales, leurs groupements et établissements publics territoriaux:
    # the only public persons under the 50 % cap (art. 19 septies al. 4).
    PUBLIC_BODY = "public_body"
    OTHER_PUBLIC = "other_public"  # the State and other public persons: no cap
    PARTNER = "partner"
    FOUNDER = "founder"

    @property
    def label(self) -> str:
        return _SCIC_LABELS[self]


_SCIC_LABELS = {
    ScicKind.EMPLOYEE: "salariés",
    ScicKind.PRODUCER: "producteurs",
    ScicKind.BENEFICIARY: "bénéficiaires habituels",
    ScicKind.VOLUNTEER: "bénévoles",
    ScicKind.PUBLIC_BODY: "collectivités territoriales",
    ScicKind.OTHER_PUBLIC: "autres personnes publiques",
    ScicKind.PARTNER: "partenaires et soutiens",
    ScicKind.FOUNDER: "fondateurs",
}


@dataclass
class Category:
    """A category of member: one of the SCIC kinds, or a free one (``scic_kind`` is ``None``)."""

    code: str
    label: str
    scic_kind: ScicKind | None = None


def default_categories() -> list[Category]:
    """One category per SCIC kind, named as the statutes usually name them."""
    return [Category(code=kind.value, label=kind.label, scic_kind=kind) for kind in ScicKind]


@dataclass
class MemberDraft:
    """What a person submits to create or change a member, before it is checked."""

    kind: PersonKind
    category: str
    joined_on: date
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    siren: str | None = None
    code: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    left_on: date | None = None

    def normalised(self) -> MemberDraft:
        """Trim the text people paste, uppercase the code, keep only the SIREN's digits."""

        def clean(value: str | None) -> str | None:
            value = (value or "").strip()
            return value or None

        return MemberDraft(
            kind=self.kind,
            category=self.category.strip(),
            joined_on=self.joined_on,
            name=self.name.strip(),
            first_name=self.first_name.strip(),
            last_name=self.last_name.strip(),
            siren=normalise_siren(siren) if (siren := clean(self.siren)) else None,
            code=(clean(self.code) or "").upper() or None,
            email=(clean(self.email) or "").lower() or None,
            phone=clean(self.phone),
            address=clean(self.address),
            postal_code=clean(self.postal_code),
            city=clean(self.city),
            left_on=self.left_on,
        )

    def problems(
        self, categories: set[str], volunteers: frozenset[str] = frozenset()
    ) -> list[Problem]:
        """Every reason this draft cannot be recorded, each naming its field; ``volunteers``
        are the categories of volunteers, who are natural persons (art. 19 septies)."""
        found = [
            Problem(problem, name)
            for name in _TEXT_FIELDS
            if (problem := character_problem(getattr(self, name)))
        ]
        found += [
            Problem(f"texte trop long (au plus {limit} caractères)", name)
            for name, limit in MAX_LENGTHS.items()
            if len(getattr(self, name) or "") > limit and name != "siren"
        ]
        if self.kind is PersonKind.LEGAL:
            if not self.name:
                found.append(Problem("la raison sociale est obligatoire", "name"))
            if not self.siren:
                found.append(Problem("le SIREN est obligatoire pour une personne morale", "siren"))
            elif reason := siren_problem(self.siren):
                found.append(Problem(reason, "siren"))
        else:
            if not self.last_name:
                found.append(Problem("le nom est obligatoire", "last_name"))
            if not self.first_name:
                found.append(Problem("le prénom est obligatoire", "first_name"))
            if self.siren:
                found.append(
                    Problem("une personne physique n'a pas de SIREN dans le registre", "siren")
                )
        if self.category in volunteers and self.kind is PersonKind.LEGAL:
            found.append(
                Problem(
                    f"la catégorie « {self.category} » est celle des bénévoles : un associé "
                    "bénévole est une personne physique (loi n° 47-1775, art. 19 septies)",
                    "kind",
                )
            )
        if self.category not in categories:
            known = ", ".join(sorted(categories))
            found.append(
                Problem(f"catégorie inconnue « {self.category} » (connues : {known})", "category")
            )
        if self.code is not None and not _CODE.match(self.code):
            found.append(
                Problem("le code doit faire 1 à 20 caractères : lettres, chiffres, - ou _", "code")
            )
        if self.email is not None and not _EMAIL.match(self.email):
            found.append(Problem(f"adresse électronique invalide « {self.email} »", "email"))
        if self.postal_code is not None and not _POSTAL_CODE.match(self.postal_code):
            found.append(Problem(f"code postal invalide « {self.postal_code} »", "postal_code"))
        for name in ("joined_on", "left_on"):
            if problem := date_problem(getattr(self, name)):
                found.append(Problem(problem, name))
        if self.left_on is not None and self.left_on < self.joined_on:
            found.append(Problem("la date de sortie précède la date d'adhésion", "left_on"))
        return found


DRAFT_FIELDS = frozenset(f.name for f in fields(MemberDraft))


def display_name(kind: PersonKind, name: str, first_name: str, last_name: str) -> str:
    """How a member is named: a legal person by its name, a person by first and last name."""
    if kind is PersonKind.LEGAL:
        return name
    return f"{first_name} {last_name}".strip()


@dataclass(eq=False)
class Member:
    """A member of the network (adhérent), later an associate of the SCIC."""

    code: str
    kind: PersonKind
    category: str
    joined_on: date
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    siren: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    left_on: date | None = None
    leave_reason: str | None = None
    facts: list[Fact] = field(default_factory=list)
    id: int | None = None
    version: int = 1

    @classmethod
    def from_draft(cls, draft: MemberDraft, code: str) -> Member:
        member = cls(code=code, kind=draft.kind, category=draft.category, joined_on=draft.joined_on)
        member.apply(draft)
        member.version = 1
        return member

    def apply(self, draft: MemberDraft) -> None:
        """Copy a checked draft onto this member (the code, once given, never changes)."""
        for name in DRAFT_FIELDS - {"code"}:
            setattr(self, name, getattr(draft, name))
        if draft.kind is PersonKind.LEGAL:
            self.first_name = self.last_name = ""
        else:
            self.name = ""
        self.version += 1

    def to_draft(self) -> MemberDraft:
        return MemberDraft(**{name: getattr(self, name) for name in DRAFT_FIELDS})

    @property
    def display_name(self) -> str:
        return display_name(self.kind, self.name, self.first_name, self.last_name)

    def is_member_on(self, day: date) -> bool:
        """Member on ``day``: joined on or before it, not yet left (the leaving day is the last)."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)

    def end_membership(self, on: date, reason: str) -> None:
        """Record the end of membership; the record stays, for history and accounts."""
        if self.left_on is not None:
            raise Conflict(
                f"l'adhésion de {self.display_name} a déjà pris fin le {self.left_on:%d/%m/%Y}",
                field="left_on",
            )
        if problem := date_problem(on):
            raise InvalidInput(problem, field="left_on")
        if on < self.joined_on:
            raise InvalidInput("la date de sortie précède la date d'adhésion", field="left_on")
        if problem := leave_reason_problem(reason):
            raise InvalidInput(problem, field="reason")
        self.left_on = on
        self.leave_reason = reason.strip()
        self.version += 1

    def record_fact(self, fiscal_year: int, kind: FactKind, value: Decimal) -> Fact:
        """Record (or correct) one figure for one fiscal year."""
        check_fact(fiscal_year, kind, value)
        self.version += 1
        for fact in self.facts:
            if fact.fiscal_year == fiscal_year and fact.kind is kind:
                fact.value = value
                return fact
        fact = Fact(fiscal_year=fiscal_year, kind=kind, value=value)
        self.facts.append(fact)
        return fact

    def fact(self, kind: FactKind, fiscal_year: int) -> Decimal:
        """The figure a rule asks for, or ``MissingFact`` naming what is missing."""
        for fact in self.facts:
            if fact.fiscal_year == fiscal_year and fact.kind is kind:
                return fact.value
        raise MissingFact(self.display_name, kind, fiscal_year)

    def has_fact(self, kind: FactKind, fiscal_year: int) -> bool:
        return any(f.fiscal_year == fiscal_year and f.kind is kind for f in self.facts)


def check_draft(
    draft: MemberDraft, categories: set[str], volunteers: frozenset[str] = frozenset()
) -> MemberDraft:
    """Normalise and validate a draft, raising every problem at once."""
    clean = draft.normalised()
    problems = clean.problems(categories, volunteers)
    if problems:
        raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
    return clean
