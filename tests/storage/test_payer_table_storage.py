"""The registry read straight into a ``PayerTable`` (issuing calls) gives the members the fee
simulation reads through the ORM: same order (by code, as Python sorts), display names,
categories and labels, dates, and only the figures named — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.contributions import fees
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)


def test_the_registry_in_columns_is_the_registry_the_simulation_reads(
    app: Application, demo_loader: Callable[[str], None], database_url: str
) -> None:
    demo_loader(database_url)
    # Codes that a locale's collation (punctuation ignored) sorts otherwise than Python does.
    for code in ("M-9", "M_0"):
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="employee",
            code=code,
            joined_on=date(2024, 3, 1),
            first_name="Zoé",
            last_name="Ébrard",
        )
        members.create_member(app.uows, SYSTEM, draft)
    members.record_facts(app.uows, SYSTEM, "M-9", 2026, {FactKind.PROFIT: Decimal("-12.5")})
    named = {(FactKind.REVENUE, 2026), (FactKind.PROFIT, 2026), (FactKind.POPULATION, 2026)}
    everyone = fees.payers(app.uows, BOARD)
    expected = sorted(everyone, key=lambda payer: payer.code)
    for payer in expected:
        payer.facts = {key: value for key, value in payer.facts.items() if key in named}
    with app.uows() as uow:
        table = uow.members.payer_table(named)
    assert table.codes == [payer.code for payer in expected]
    assert table.payers == tuple(expected)
    assert any(payer.facts for payer in expected) and {"M-9", "M_0"} <= set(table.codes)
