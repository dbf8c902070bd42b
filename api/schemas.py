"""Request and response bodies. Amounts travel as strings (« 48000.00 ») so no float creeps in."""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt
from pydantic_core import PydanticCustomError

from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind, ScicKind
from gouvernance.domain.money import parse_number
from gouvernance.domain.users import Role
from gouvernance.services.registry.views import FactView, MemberView

Text = str | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: object) -> object:
    """Only « AAAA-MM-JJ » text is a date: pydantic alone would read 0, 20240101 or "86400" as
    seconds since 1970, and « 2024-01-01T00:00 » as a day."""
    if type(value) is date:  # built in Python (a datetime is not a day)
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise PydanticCustomError("date_type", "une date au format AAAA-MM-JJ est attendue")
    return value


# Every date a request carries, in a body or a query: one rule for the whole API.
Day = Annotated[date, BeforeValidator(_day)]


class MemberIn(Strict):
    """A new member. Ending a membership (date and reason) goes through ``POST …/end``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "legal",
                    "category": "producer",
                    "joined_on": "2026-09-01",
                    "name": "Atelier Vélo Solidaire",
                    "siren": "907123459",
                    "code": "VELO-SOLIDAIRE",
                    "email": "contact@velo-solidaire.example",
                    "phone": "04 90 00 56 78",
                    "address": "5 rue des Arènes",
                    "postal_code": "13990",
                    "city": "Vallon-les-Alpilles",
                }
            ]
        }
    )

    kind: PersonKind = Field(description="natural (personne physique) ou legal (personne morale)")
    category: str = Field(max_length=40, description="code de catégorie, ex. employee, producer")
    joined_on: Day = Field(description="date d'adhésion")
    name: str = Field("", max_length=200, description="raison sociale (personne morale)")
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    siren: Text = Field(None, max_length=20, description="obligatoire pour une personne morale")
    code: Text = Field(None, max_length=20, description="généré (M0001…) s'il est absent")
    email: Text = Field(None, max_length=200)
    phone: Text = Field(None, max_length=40)
    address: Text = Field(None, max_length=300)
    postal_code: Text = Field(None, max_length=10)
    city: Text = Field(None, max_length=100)

    def draft(self) -> MemberDraft:
        return MemberDraft(**self.model_dump())


class MemberPatch(Strict):
    """Only the fields sent are changed; ``version`` guards against overwriting a newer edit."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "compta@mistral-recyclage.example", "phone": "04 90 00 98 76"}]
        }
    )

    kind: PersonKind | None = None
    category: str | None = Field(None, max_length=40)
    joined_on: Day | None = None
    name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    siren: Text = Field(None, max_length=20)
    email: Text = Field(None, max_length=200)
    phone: Text = Field(None, max_length=40)
    address: Text = Field(None, max_length=300)
    postal_code: Text = Field(None, max_length=10)
    city: Text = Field(None, max_length=100)
    version: StrictInt | None = Field(None, description="version lue ; refus si la fiche a changé")


class EndMembershipIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"on": "2026-12-31", "reason": "Cessation d'activité de l'association"}]
        }
    )

    on: Day = Field(description="dernier jour d'adhésion")
    reason: str = Field(min_length=1, max_length=300, description="motif de sortie")


def _figure(value: object) -> object:
    """Figures come as text or whole numbers; a JSON decimal would already be a float."""
    if isinstance(value, bool | float):
        raise ValueError(
            "écrivez ce nombre entre guillemets (« 12,5 ») : les nombres décimaux JSON "
            "ne sont pas acceptés, pour ne rien perdre à l'arrondi"
        )
    if isinstance(value, int):
        return str(value)
    return value


Figure = Annotated[str, BeforeValidator(_figure)]


class FactsIn(Strict):
    """Figures of one fiscal year; amounts as text (« 48000.50 » or « 48 000,50 »)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "revenue": "184 250,00",
                    "profit": "6 420,50",
                    "gross_margin": "121 300,00",
                    "value_added": "98 450,00",
                    "headcount": "3,5",
                }
            ]
        }
    )

    revenue: Figure | None = None
    profit: Figure | None = None
    gross_margin: Figure | None = None
    value_added: Figure | None = None
    headcount: Figure | None = None
    population: Figure | None = None
    in_kind_hours: Figure | None = None
    in_kind_premises: Figure | None = None
    in_kind_equipment: Figure | None = None

    def values(self) -> dict[FactKind, Decimal]:
        found: dict[FactKind, Decimal] = {}
        for kind in FactKind:
            raw = getattr(self, kind.value)
            if raw is not None:
                found[kind] = parse_number(raw, field=kind.value, max_places=kind.places)
        return found


class FactOut(BaseModel):
    fiscal_year: int
    kind: FactKind
    value: Decimal
    label: str

    @classmethod
    def of(cls, view: FactView) -> FactOut:
        # A view holds checked values already: built without validating them again.
        return cls.model_construct(
            fiscal_year=view.fiscal_year, kind=view.kind, value=view.value, label=view.label
        )


class MemberOut(BaseModel):
    code: str
    kind: PersonKind
    display_name: str
    category: str
    joined_on: date
    left_on: date | None
    leave_reason: str | None
    name: str
    first_name: str
    last_name: str
    siren: str | None
    email: str | None
    phone: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    version: int
    facts: list[FactOut]

    @classmethod
    def of(cls, view: MemberView) -> Self:
        """From a view (checked values already): built without validating them again."""
        data = {k: getattr(view, k) for k in _fields(cls)}
        return cls.model_construct(**data, facts=[FactOut.of(f) for f in view.facts])


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields a member's answer copies from its view (all but the figures)."""
    return tuple(name for name in model.model_fields if name != "facts")


class MemberCreatedOut(MemberOut):
    """The answer to a creation; a replay with the same Idempotency-Key says ``created: false``."""

    created: bool = Field(description="faux : la même requête avait déjà été enregistrée")


class MemberPage(BaseModel):
    items: list[MemberOut]
    total: int
    offset: int
    limit: int


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "tresoriere",
                    "password": "cigales-garrigue-mistral-2027",
                    "role": "treasurer",
                    "member_code": None,
                }
            ]
        }
    )

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    role: Role
    member_code: str | None = Field(None, max_length=20)


class UserOut(BaseModel):
    username: str
    role: Role
    member_code: str | None


class MeOut(UserOut):
    role_label: str


class CategoryIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"code": "financeur", "label": "Financeurs solidaires", "scic_kind": "partner"}
            ]
        }
    )

    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=120)
    scic_kind: ScicKind | None = None


class CategoryOut(BaseModel):
    code: str
    label: str
    scic_kind: ScicKind | None


class ImportOut(BaseModel):
    created: int = Field(description="nombre de membres créés")
    codes: list[str] = Field(description="leurs codes, dans l'ordre du fichier")


class AuditOut(BaseModel):
    number: int = Field(description="numéro de l'entrée : 1, 2, 3… sans trou")
    at: str = Field(description="l'instant, heure de l'organisation avec son décalage")
    at_text: str = Field(description="« 07/12/2026 à 09:33:12 », heure de l'organisation")
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str
    digest: str = Field(
        description="empreinte SHA-256 de l'entrée et de la précédente (GET /audit/verify)"
    )
