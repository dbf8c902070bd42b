"""Read models the use cases return: frozen copies, safe to use after the transaction ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from gouvernance.domain.facts import Fact, FactKind
from gouvernance.domain.members import Member, PersonKind

T = TypeVar("T")


@dataclass(frozen=True)
class FactView:
    fiscal_year: int
    kind: FactKind
    value: Decimal
    label: str

    @classmethod
    def of(cls, fact: Fact) -> FactView:
        return cls(fact.fiscal_year, fact.kind, fact.value, fact.describe())


@dataclass(frozen=True)
class MemberView:
    code: str
    kind: PersonKind
    display_name: str
    category: str
    joined_on: date
    name: str
    first_name: str
    last_name: str
    siren: str | None
    email: str | None
    phone: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    left_on: date | None
    leave_reason: str | None
    version: int
    facts: tuple[FactView, ...]
    created: bool = True  # False: a creation replayed with the same Idempotency-Key

    @classmethod
    def of(cls, member: Member) -> MemberView:
        return cls(
            code=member.code,
            kind=member.kind,
            display_name=member.display_name,
            category=member.category,
            joined_on=member.joined_on,
            name=member.name,
            first_name=member.first_name,
            last_name=member.last_name,
            siren=member.siren,
            email=member.email,
            phone=member.phone,
            address=member.address,
            postal_code=member.postal_code,
            city=member.city,
            left_on=member.left_on,
            leave_reason=member.leave_reason,
            version=member.version,
            facts=tuple(FactView.of(f) for f in sorted(member.facts, key=fact_order)),
        )


_KIND_ORDER = {kind: position for position, kind in enumerate(FactKind)}


def fact_order(fact: Fact | FactView) -> tuple[int, int]:
    """By year, then in the order a person reads a set of accounts (revenue first)."""
    return fact.fiscal_year, _KIND_ORDER[fact.kind]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int
    limit: int
