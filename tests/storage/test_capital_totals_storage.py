"""The register's running totals in the database (migration 0012): each write moves them instead
of reading the whole register, and they always equal what the operations add up to — after any
mix of operations, when a holder changes category, when an operation was inserted around the
service, and when the migration fills them from a register already kept."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, GouvernanceError
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.scic.capital import Register, RegisterTotals
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import alembic_config, upgrade
from gouvernance.services.assembly import assemblies
from gouvernance.services.registry import members
from gouvernance.services.scic import capital, scic_rules

TREASURER = Actor("tresoriere", Role.TREASURER)
DAY = date(2026, 3, 2)
STATUTES = """\
id: essai-totaux
label: Statuts de l'essai des totaux courants
valid_from: 2020-01-01
legal_form: scic_sas
categories:
  - code: salaries
    label: Salariés
    kind: employee
    registry: [employee]
    minimum_subscription: {shares: 1}
  - code: usagers
    label: Usagers
    kind: beneficiary
    registry: [beneficiary]
    minimum_subscription: {shares: 1}
  - code: collectivites
    label: Collectivités
    kind: public_body
    registry: [public_body]
    minimum_subscription: {shares: 1}
colleges:
  - {code: salaries, label: Salariés, weight: "40 %", categories: [salaries]}
  - {code: usagers, label: Usagers, weight: "40 %", categories: [usagers]}
  - {code: collectivites, label: Collectivités, weight: "20 %", categories: [collectivites]}
college_rules:
  weighting: fixed
  empty_college: redistribute
assemblies:
  preset: scic_sas
proxies:
  preset: scop
capital:
  share_value: "50,00"
  paid_at_subscription: "25 %"
  paying_delay_years: 3
  refund_delay_months: 0
"""
PEOPLE = (
    ("employee", "Léa", "Blanc"),
    ("employee", "Marc", "Roux"),
    ("beneficiary", "Inès", "Garnier"),
    ("beneficiary", "Paul", "Faure"),
    ("public_body", "", ""),
    ("public_body", "", ""),
)


@pytest.fixture
def register(
    app: Application, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[Application, list[str]]:
    """Statutes with three categories, the organisation, six members (two public bodies)."""
    (tmp_path / "essai.yaml").write_text(STATUTES, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-01")
    with app.uows() as uow:
        uow.organisation.add(Organisation(name="SCIC d'essai", legal_form="scic_sas"))
        uow.commit()
    capital.choose_statutes(app.uows, SYSTEM, "essai-totaux")
    codes = []
    for number, (category, first, last) in enumerate(PEOPLE, start=1):
        legal = category == "public_body"
        draft = MemberDraft(
            kind=PersonKind.LEGAL if legal else PersonKind.NATURAL,
            category=category,
            joined_on=date(2025, 1, 1),
            name=f"Commune n° {number}" if legal else "",
            siren=siren(number) if legal else None,
            first_name=first,
            last_name=last,
        )
        codes.append(members.create_member(app.uows, SYSTEM, draft).code)
    return app, codes


def siren(number: int) -> str:
    """A SIREN that passes the Luhn check."""
    body = f"21{number:06d}"
    for last in range(10):
        digits = [int(d) for d in body + str(last)]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2)
                    for i, d in enumerate(digits))  # fmt: skip
        if total % 10 == 0:
            return body + str(last)
    raise AssertionError(body)


def _stored(
    app: Application,
) -> tuple[RegisterTotals, dict[str, int], RegisterTotals, dict[str, int]]:
    """(running totals, per category) as stored, and as the operations add them up."""
    with app.uows() as uow:
        stored = uow.capital.totals()
        operations = uow.capital.operations()
        replayed = Register.replay(operations)
        category = {m.code: m.category for m in uow.members.all()}
        expected: dict[str, int] = {}
        for code, holding in replayed.holdings.items():
            expected[category[code]] = expected.get(category[code], 0) + holding.subscribed
        by_category = {
            name: uow.capital.subscribed_by_categories({name}) for name in set(category.values())
        }
    return stored, by_category, replayed.totals, expected


def _agree(app: Application) -> None:
    stored, by_category, replayed, expected = _stored(app)
    assert stored == replayed
    assert {k: v for k, v in by_category.items() if v} == {k: v for k, v in expected.items() if v}


def test_after_any_mix_of_operations_the_running_totals_are_what_the_operations_add_up_to(
    register: tuple[Application, list[str]],
) -> None:
    app, codes = register
    rng = random.Random(18)
    done = 0
    for step in range(45):
        code = rng.choice(codes)
        try:
            what = rng.random()
            if what < 0.5:
                shares = rng.randint(1, 5)
                paid = Decimal(shares * 50) if rng.random() < 0.5 else Decimal(shares * 50) / 4
                capital.subscribe(
                    app.uows, TREASURER, code, shares, paid.quantize(Decimal("0.01")), DAY
                )
            elif what < 0.7:
                capital.withdraw(app.uows, TREASURER, code, rng.randint(1, 3), DAY)
            elif what < 0.85:
                capital.pay_up(app.uows, TREASURER, code, Decimal("12.50"), DAY)
            else:
                withdrawals = [
                    o.number for o in capital.list_operations(app.uows, TREASURER)
                    if o.kind.value == "withdrawal"
                ]  # fmt: skip
                capital.refund(
                    app.uows, TREASURER, rng.choice(withdrawals or ["CAP-2026-9999"]), DAY
                )
            done += 1
        except GouvernanceError:
            pass  # refused (floor, cap, nothing to pay…): nothing written, totals unchanged
        if step % 9 == 0:
            _agree(app)
    assert done > 15
    _agree(app)


def test_a_holder_who_changes_category_takes_their_capital_with_them(
    register: tuple[Application, list[str]],
) -> None:
    app, codes = register
    employee, _, user, _, commune, _ = codes
    capital.subscribe(app.uows, TREASURER, employee, 4, Decimal("200.00"), DAY)
    capital.subscribe(app.uows, TREASURER, user, 2, Decimal("100.00"), DAY)
    capital.subscribe(app.uows, TREASURER, commune, 3, Decimal("150.00"), DAY)
    changes = {"category": "public_body", "kind": PersonKind.LEGAL, "name": "Syndicat mixte",
               "siren": siren(99)}  # fmt: skip
    members.update_member(app.uows, SYSTEM, employee, changes)
    _agree(app)
    with app.uows() as uow:
        assert uow.capital.subscribed_by_categories({"public_body"}) == 35000  # 350 € of 450 €
    with pytest.raises(Conflict, match="collectivités territoriales détiendraient"):
        capital.subscribe(app.uows, TREASURER, commune, 1, Decimal("50.00"), DAY)
    assert capital.capital_totals(app.uows, DAY).public_bodies == Decimal("350.00")


def test_an_operation_written_around_the_service_makes_the_totals_rebuilt_from_the_register(
    register: tuple[Application, list[str]], database_url: str
) -> None:
    app, codes = register
    capital.subscribe(app.uows, TREASURER, codes[0], 2, Decimal("100.00"), DAY)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO capital_operations (number, kind, member_code, shares, cents, "
                "paid_cents, refund_cents, day, note, actor, recorded_at) VALUES ('CAP-2026-0900', "
                "'subscription', :code, 3, 15000, 15000, 0, :day, '', 'import', :at)"
            ),
            {"code": codes[4], "day": DAY, "at": "2026-03-02 10:00:00+00:00"},
        )
    engine.dispose()
    capital.subscribe(app.uows, TREASURER, codes[2], 1, Decimal("50.00"), DAY)
    stored, by_category, _, _ = _stored(app)
    assert (stored.subscribed, stored.paid) == (30000, 30000)
    assert by_category["public_body"] == 15000
    _agree(app)


def test_the_roll_of_an_assembly_lists_the_holders_at_the_cutoff_in_one_query(
    register: tuple[Application, list[str]],
) -> None:
    app, codes = register
    capital.subscribe(app.uows, TREASURER, codes[0], 2, Decimal("100.00"), DAY)
    capital.subscribe(app.uows, TREASURER, codes[4], 1, Decimal("50.00"), DAY)
    capital.subscribe(app.uows, TREASURER, codes[3], 1, Decimal("50.00"), date(2026, 5, 4))
    capital.withdraw(app.uows, TREASURER, codes[0], 2, date(2026, 5, 4))
    with app.uows() as uow:
        at_march = uow.capital.associates(date(2026, 4, 1))
        at_may = uow.capital.associates(date(2026, 5, 4))
    assert [(a.code, a.name, a.category, a.shares) for a in at_march] == [
        (codes[0], "Léa Blanc", "employee", 2),
        (codes[4], "Commune n° 5", "public_body", 1),
    ]
    assert [a.code for a in at_may] == [codes[3], codes[4]]
    view = assemblies.create_assembly(
        app.uows, SYSTEM, title="AG", held_on=date(2026, 6, 30), cutoff=date(2026, 4, 1)
    )
    assert (view.entitled, view.not_entitled) == (2, 0)


# --- The migration fills the totals from a register already kept ------------------------------


@pytest.fixture
def before_0012(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own, migrated up to 0011, with a register already kept."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('avant-0012') / 'ancienne.sqlite3'}"
    else:
        parsed = make_url(database_url)
        url = parsed.set(database=f"{parsed.database}_avant_0012").render_as_string(False)
        _postgres(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', 'CREATE DATABASE "{name}"')
    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0011")
        connection.execute(text("INSERT INTO categories (code, label, scic_kind) VALUES "
                                "('employee', 'Salariés', 'employee'), "
                                "('public_body', 'Collectivités', 'public_body')"))  # fmt: skip
        for number, category in ((1, "employee"), (2, "public_body")):
            connection.execute(
                text(
                    "INSERT INTO members (code, kind, category, name, first_name, last_name, "
                    "joined_on, version) VALUES (:code, 'legal', :category, 'X', '', '', "
                    "'2025-01-01', 1)"
                ),
                {"code": f"M{number:04d}", "category": category},
            )
        rows = [  # (number, kind, member, cents, paid, day)
            (1, "subscription", "M0001", 40000, 10000, date(2026, 1, 5)),
            (2, "subscription", "M0002", 20000, 20000, date(2026, 1, 6)),
            (3, "paying_up", "M0001", 5000, 0, date(2026, 2, 1)),
            (4, "withdrawal", "M0001", 20000, 7500, date(2026, 3, 1)),
        ]
        for number, kind, code, cents, paid, day in rows:
            connection.execute(
                text(
                    "INSERT INTO capital_operations (number, kind, member_code, shares, cents, "
                    "paid_cents, refund_cents, day, note, actor, recorded_at) VALUES (:number, "
                    ":kind, :code, 1, :cents, :paid, 0, :day, '', 'essai', :at)"
                ),
                {"number": f"CAP-2026-{number:04d}", "kind": kind, "code": code, "cents": cents,
                 "paid": paid, "day": day, "at": "2026-03-02 10:00:00+00:00"},
            )  # fmt: skip
    engine.dispose()
    yield url
    if not url.startswith("sqlite"):
        _postgres(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres(url: str, *statements: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement.format(name=parsed.database)))
    admin.dispose()


def test_the_migration_fills_the_running_totals_from_the_operations_already_recorded(
    before_0012: str,
) -> None:
    engine = make_engine(before_0012)
    upgrade(engine)
    with engine.connect() as connection:
        totals = connection.execute(text("SELECT * FROM capital_totals")).mappings().one()
        categories = dict(
            connection.execute(
                text("SELECT category, subscribed_cents FROM capital_category_totals")
            ).all()
        )
    engine.dispose()
    assert (totals["subscribed_cents"], totals["paid_cents"], totals["highest_cents"]) == (
        40000, 27500, 60000,
    )  # fmt: skip
    assert str(totals["highest_on"]) == "2026-01-06"
    assert str(totals["last_day"]) == "2026-03-01"
    assert totals["last_operation_id"] == 4
    assert categories == {"employee": 20000, "public_body": 20000}
