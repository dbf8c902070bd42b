"""Request and response bodies. Amounts travel as strings (« 48000.00 ») so no float creeps in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind, ScicKind
from gouvernance.domain.money import parse_number
from gouvernance.domain.users import Role
from gouvernance.services.views import FactView, MemberView

Text = str | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberIn(Strict):
    """A new member. Ending a membership (date and reason) goes through ``POST …/end``."""

    kind: PersonKind = Field(description="natural (personne physique) ou legal (personne morale)")
    category: str = Field(max_length=40, description="code de catégorie, ex. employee, producer")
    joined_on: date = Field(description="date d'adhésion")
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

    kind: PersonKind | None = None
    category: str | None = Field(None, max_length=40)
    joined_on: date | None = None
    name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    siren: Text = Field(None, max_length=20)
    email: Text = Field(None, max_length=200)
    phone: Text = Field(None, max_length=40)
    address: Text = Field(None, max_length=300)
    postal_code: Text = Field(None, max_length=10)
    city: Text = Field(None, max_length=100)
    version: int | None = Field(None, description="version lue ; refus si la fiche a changé")


class EndMembershipIn(Strict):
    on: date = Field(description="dernier jour d'adhésion")
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
        return cls(fiscal_year=view.fiscal_year, kind=view.kind, value=view.value, label=view.label)


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
    def of(cls, view: MemberView) -> MemberOut:
        data = {k: getattr(view, k) for k in cls.model_fields if k != "facts"}
        return cls(**data, facts=[FactOut.of(f) for f in view.facts])


class MemberPage(BaseModel):
    items: list[MemberOut]
    total: int
    offset: int
    limit: int


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserIn(Strict):
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
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=120)
    scic_kind: ScicKind | None = None


class CategoryOut(BaseModel):
    code: str
    label: str
    scic_kind: ScicKind | None


class AuditOut(BaseModel):
    at: str
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str
