"""The ledger as stored: written once, in integer cents, with the schedule it came from.

The database itself refuses to rewrite an issued call, a payment, a credit note or an
allocation (a correction is a new record); a refused issue leaves no trace, not even a number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.siren import luhn_complete
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services.ledger import calls, payments
from gouvernance.services.ledger.calls import CallQuery
from gouvernance.services.ledger.ledger_views import IssueResult
from gouvernance.services.registry import members

TREASURER = Actor("tresorier", Role.TREASURER)
SCHEDULE_ID = "essai-stockage"
ISSUED_ON = date(2027, 1, 15)
DUE_ON = date(2027, 2, 15)

RULES = """\
# Barème d'essai : les producteurs selon leur chiffre d'affaires, les autres 20 €.
id: essai-stockage
label: Barème d'essai du stockage
adopted:
  date: 2026-11-14
  decision: AG du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
fee:
  by_category:
    producer:
      brackets:
        base: revenue
        mode: single
        grid:
          - {to: "100000", amount: "150,00"}
          - {from: "100000", rate: "0,1 %"}
      cap: "2000,00"
    default: "20,00"
"""

LEDGER_TABLES = ["call_batches", "calls", "credit_notes", "payments", "allocations"]


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "regles"
    folder.mkdir()
    path = folder / "bareme.yaml"
    path.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("GOUVERNANCE_RULES_DIR", str(folder))
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-01")
    return path


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    raw = make_engine(database_url)
    yield raw
    raw.dispose()


def _volunteer(app: Application, first_name: str) -> str:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2020, 1, 1),
        first_name=first_name,
        last_name="Stockée",
    )
    return members.create_member(app.uows, SYSTEM, draft).code


def _producer(app: Application, name: str, revenue: Decimal | None) -> str:
    draft = MemberDraft(
        kind=PersonKind.LEGAL,
        category="producer",
        joined_on=date(2019, 6, 1),
        name=name,
        siren=luhn_complete("73282930"),
    )
    code = members.create_member(app.uows, SYSTEM, draft).code
    if revenue is not None:
        members.record_facts(app.uows, SYSTEM, code, 2026, {FactKind.REVENUE: revenue})
    return code


def _issue(app: Application) -> IssueResult:
    return calls.issue_calls(app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def ledger(app: Application, rules: Path) -> Application:
    """A batch of two calls (M0001 20 €, M0002 1 234,56 €); M0001 paid by transfer (one
    payment, one allocation); M0002's call reduced by a 34,56 € credit note."""
    first = _volunteer(app, "Alice")
    second = _producer(app, "Ferme du Stockage", Decimal("1234560"))
    _issue(app)
    payments.record_payment(
        app.uows, TREASURER, first, 2000, date(2027, 2, 1), PaymentMethod.TRANSFER
    )
    calls.credit_call(
        app.uows, TREASURER, "AC-2027-0002", "erreur de saisie", cents=3456, on=date(2027, 2, 2)
    )
    assert second == "M0002"
    return app


@pytest.mark.parametrize("table", LEDGER_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_the_database_refuses_to_rewrite_a_ledger_record(
    ledger: Application, engine: Engine, table: str, statement: str
) -> None:
    before = _count(engine, table)
    assert before >= 1
    with (
        pytest.raises(DatabaseError, match="modification interdite"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement.format(table=table)))
    assert _count(engine, table) == before


def test_an_issued_call_keeps_its_amount_when_someone_tries_to_change_it_in_sql(
    ledger: Application, engine: Engine
) -> None:
    with pytest.raises(DatabaseError), engine.begin() as connection:
        connection.execute(text("UPDATE calls SET cents = 1 WHERE reference = 'AC-2027-0002'"))
    detail = calls.call_detail(ledger.uows, TREASURER, "AC-2027-0002", date(2027, 3, 1))
    assert (detail.call.cents, detail.call.credited, detail.call.outstanding) == (
        123456,
        3456,
        120000,
    )


def test_amounts_are_stored_as_integer_cents_never_as_floats(
    ledger: Application, engine: Engine
) -> None:
    queries = {
        "SELECT cents FROM calls ORDER BY reference": [2000, 123456],
        "SELECT total_cents FROM call_batches": [125456],
        "SELECT cents FROM payments": [2000],
        "SELECT cents FROM allocations": [2000],
        "SELECT cents FROM credit_notes": [3456],
    }
    with engine.connect() as connection:
        for query, expected in queries.items():
            stored = list(connection.execute(text(query)).scalars())
            assert stored == expected, query
            assert all(type(value) is int for value in stored), query


def test_a_refused_issue_leaves_no_batch_no_call_and_consumes_no_number(
    app: Application, rules: Path, engine: Engine
) -> None:
    _volunteer(app, "Alice")
    producer = _producer(app, "Ferme sans chiffres", None)
    with pytest.raises(InvalidInput) as refused:
        _issue(app)
    assert [p.field for p in refused.value.problems] == [f"members[{producer}]"]
    for table in ("call_batches", "calls", "ledger_sequences"):
        assert _count(engine, table) == 0, table

    members.record_facts(app.uows, SYSTEM, producer, 2026, {FactKind.REVENUE: Decimal("50000")})
    result = _issue(app)
    assert (result.created, result.batch.reference) == (True, "LOT-2027-01")
    listed = calls.list_calls(app.uows, TREASURER, CallQuery(fiscal_year=2027)).items
    assert [(c.reference, c.cents) for c in listed] == [
        ("AC-2027-0001", 2000),
        ("AC-2027-0002", 15000),
    ]


def test_the_batch_keeps_the_schedule_text_and_its_sha256_even_after_the_file_changes(
    app: Application, rules: Path, engine: Engine
) -> None:
    _volunteer(app, "Alice")
    result = _issue(app)
    digest = hashlib.sha256(RULES.encode()).hexdigest()
    assert result.batch.schedule_hash == digest

    rules.write_text(RULES.replace('default: "20,00"', 'default: "25,00"'), encoding="utf-8")
    with engine.connect() as connection:
        stored_text, stored_hash = connection.execute(
            text("SELECT source_text, source_hash FROM call_batches")
        ).one()
    assert stored_text == RULES
    assert stored_hash == digest == hashlib.sha256(stored_text.encode()).hexdigest()
    # The explanation comes from the frozen text, not from the edited file.
    detail = calls.call_detail(app.uows, TREASURER, "AC-2027-0001", date(2027, 3, 1))
    assert detail.call.cents == 2000
    assert any("20,00" in line for line in detail.explanation), detail.explanation
    assert not any("25,00" in line for line in detail.explanation)
