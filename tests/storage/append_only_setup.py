"""The set-up of the append-only tests (``test_append_only_holds.py`` and, on PostgreSQL,
``test_append_only_role.py``): the demo with a ledger on top, and the rows as stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services.ledger import calls, payments
from gouvernance.services.scic import capital

TREASURER = Actor("tresoriere", Role.TREASURER)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
# The tables the issue names, and a column whose rewrite would matter.
REWRITES = {
    "audit_log": ("actor", "quelqu'un d'autre"),
    "payments": ("cents", 1),
    "calls": ("cents", 1),
    "capital_operations": ("shares", 1000),
    "assembly_votes": ("voter_code", "BEN20"),
}
CLOSED, OPEN = "AG-2026-01", "AG-2026-02"  # the demo's assemblies


@pytest.fixture
def ledger(
    app: Application,
    database_url: str,
    demo_loader: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """The demo with a ledger and a capital register to attack (``build_ledger``)."""
    return build_ledger(app, database_url, demo_loader, monkeypatch)


def build_ledger(
    app: Application,
    database_url: str,
    demo_loader: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """The demo (its closed assembly voted), its 2027 calls issued, one payment, one capital
    subscription; the database's address."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    payments.record_payment(
        app.uows, TREASURER, "MISTRAL", 126250, date(2026, 12, 3), PaymentMethod.TRANSFER
    )
    capital.subscribe(app.uows, TREASURER, "SAL01", 2, Decimal("25.00"), date(2026, 11, 16))
    return database_url


def rows(url: str, table: str) -> list[dict[str, Any]]:
    """Every row of ``table``, read through a connection of its own."""
    engine = make_engine(url)
    with engine.connect() as connection:
        found = [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]
    engine.dispose()
    return found
