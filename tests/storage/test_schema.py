"""The schema is what the migrations build, stores exact integers, and guards the audit log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import Actor
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.orm import described, metadata
from gouvernance.services.registry import members


def test_the_migrations_build_exactly_the_mapped_tables(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": described}
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_figures_are_stored_as_integer_hundredths_never_as_floats(
    app: Application, admin: Actor, database_url: str
) -> None:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="employee",
        joined_on=date(2025, 1, 1),
        first_name="Léa",
        last_name="Blanc",
    )
    code = members.create_member(app.uows, admin, draft).code
    members.record_facts(app.uows, admin, code, 2026, {FactKind.REVENUE: Decimal("0.10")})
    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT value FROM member_facts")).scalar_one()
    engine.dispose()
    assert stored == 10
    assert isinstance(stored, int)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_rewrite_the_audit_log(
    app: Application, admin: Actor, database_url: str, statement: str
) -> None:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="employee",
        joined_on=date(2025, 1, 1),
        first_name="Léa",
        last_name="Blanc",
    )
    members.create_member(app.uows, admin, draft)
    engine = make_engine(database_url)
    with pytest.raises(DatabaseError, match="journal d'audit"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 1
    engine.dispose()
