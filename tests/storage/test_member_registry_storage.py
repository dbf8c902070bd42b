"""The member registry stores and reads back the same data on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import Actor
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members

RESSOURCERIE = MemberDraft(
    kind=PersonKind.LEGAL,
    category="producer",
    joined_on=date(2019, 3, 1),
    name="Ressourcerie des Alpilles",
    siren="732 829 320",
)


def _count(app: Application, admin: Actor) -> int:
    return members.list_members(app.uows, admin, MemberFilter()).total


def test_a_member_and_its_facts_come_back_exactly_as_recorded(
    app: Application, admin: Actor
) -> None:
    created = members.create_member(app.uows, admin, RESSOURCERIE)
    members.record_facts(
        app.uows,
        admin,
        created.code,
        2026,
        {FactKind.PROFIT: Decimal("-1234.56"), FactKind.HEADCOUNT: Decimal("12.5")},
    )
    again = members.get_member(app.uows, admin, created.code)
    assert again.siren == "732829320"
    assert {(f.kind, f.value) for f in again.facts} == {
        (FactKind.PROFIT, Decimal("-1234.56")),
        (FactKind.HEADCOUNT, Decimal("12.50")),
    }


def test_a_duplicate_siren_is_refused_and_nothing_is_written(
    app: Application, admin: Actor
) -> None:
    members.create_member(app.uows, admin, RESSOURCERIE)
    with pytest.raises(Conflict) as refused:
        members.create_member(app.uows, admin, RESSOURCERIE)
    assert refused.value.field == "siren"
    assert _count(app, admin) == 1


def test_an_unknown_category_is_refused_with_its_field(app: Application, admin: Actor) -> None:
    from dataclasses import replace

    with pytest.raises(InvalidInput) as refused:
        members.create_member(app.uows, admin, replace(RESSOURCERIE, category="martiens"))
    assert refused.value.field == "category"
    assert _count(app, admin) == 0
