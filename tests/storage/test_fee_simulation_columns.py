"""The simulation reads the registry as columns and evaluates it with the fast path: its
comparison must be the one the step-by-step interpreter gives, figure for figure.

The expected comparison is built here from ``fees.payers`` (every member as a ``Payer``, read
through the ORM) and ``engine.assess`` alone — no ``PayerTable`` — and compared whole
(dataclass equality: totals, counts, medians, missing members and what they miss, each cell,
differences, burdens, biggest changes). The page's tables and charts are functions of it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    MissingMember,
    Scenario,
    _biggest,
    burden,
    compare,
    median_cents,
)
from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.quote_part import NO_POOLS, compute_pools, has_quote_part
from gouvernance.domain.fees.schedule import FeeSchedule
from gouvernance.domain.members import PersonKind
from gouvernance.domain.users import SYSTEM
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.orm import member_facts, members
from gouvernance.services.contributions import fees
from gouvernance.services.demo_data.demo import load_demo

DEMO_IDS = ["demo-forfait", "demo-bareme-ca", "demo-quote-part"]


def interpreted(
    schedules: Sequence[FeeSchedule], payers: Sequence[Payer], reference: str, top: int = 5
) -> Comparison:
    """The comparison as the interpreter alone gives it (the reference of the fast path)."""
    by_code = sorted(payers, key=lambda payer: payer.code)
    assessed = []
    for schedule in schedules:
        pools = compute_pools(schedule, by_code) if has_quote_part(schedule) else NO_POOLS
        assessed.append([assess(schedule, payer, pools) for payer in by_code])
    ref = [s.id for s in schedules].index(reference)
    lines = []
    for i, payer in enumerate(by_code):
        if not any(column[i].liable for column in assessed):
            continue
        cells = []
        for schedule, column in zip(schedules, assessed, strict=True):
            found, base = column[i], assessed[ref][i]
            if not found.liable:
                cells.append(Cell(schedule.id, liable=False, cents=None))
                continue
            base_cents = base.cents if base.liable else None
            difference = (
                None if found.cents is None or base_cents is None else found.cents - base_cents
            )
            cells.append(
                Cell(
                    schedule.id, True, found.cents, found.missing if found.cents is None else (),
                    difference, burden(found.cents, payer, schedule.facts_year),
                )
            )  # fmt: skip
        lines.append(
            MemberLine(payer.code, payer.name, payer.category, payer.category_label, tuple(cells))
        )
    scenarios = []
    for schedule, column in zip(schedules, assessed, strict=True):
        amounts = [a.cents for a in column if a.liable and a.cents is not None]
        charged = [cents for cents in amounts if cents > 0]
        missing = tuple(
            MissingMember(payer.code, payer.name, payer.category_label, a.missing)
            for payer, a in zip(by_code, column, strict=True)
            if a.liable and a.cents is None
        )
        scenarios.append(
            Scenario(
                schedule, sum(amounts), sum(a.liable for a in column), len(charged),
                len(amounts) - len(charged), missing, min(charged, default=None),
                median_cents(charged), max(charged, default=None),
            )
        )  # fmt: skip
    changes = tuple(
        () if schedule.id == reference else _biggest(lines, position, top)
        for position, schedule in enumerate(schedules)
    )
    return Comparison(tuple(scenarios), reference, tuple(lines), changes)


def expected(app: Application, ids: Sequence[str], reference: str | None = None) -> Comparison:
    schedules = fees.load_schedules(ids)
    return interpreted(schedules, fees.payers(app.uows, SYSTEM, schedules), reference or ids[0])


@pytest.fixture
def demo(app: Application) -> Application:
    load_demo(app.uows)
    return app


@pytest.mark.parametrize("reference", [None, "demo-bareme-ca"])
def test_the_demo_simulation_is_the_interpreters(demo: Application, reference: str | None) -> None:
    comparison = fees.simulate(demo.uows, SYSTEM, DEMO_IDS, reference)
    assert comparison == expected(demo, DEMO_IDS, reference)
    assert comparison.members  # not two empty comparisons


def add_random_members(url: str, seed: int, count: int) -> None:
    """``count`` members of the demo's categories, with random dates (some left, some not yet
    in) and random figures: absent, negative, zero, whole euros or cents, for the years and
    kinds the schedules read."""
    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.begin() as connection:
        categories = [row[0] for row in connection.exec_driver_sql("SELECT code FROM categories")]
        offset = int(connection.scalar(select(func.max(members.c.id))) or 0)
        people, figures = [], []
        for number in range(offset + 1, offset + count + 1):
            legal = rng.random() < 0.5
            joined = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 3300))
            left = joined + timedelta(days=rng.randrange(1, 1500)) if rng.random() < 0.2 else None
            people.append(
                {
                    "id": number, "code": f"R{seed % 100:02d}{number:05d}",
                    "kind": PersonKind.LEGAL if legal else PersonKind.NATURAL,
                    "category": rng.choice(categories),
                    "name": f"Structure {number}" if legal else "",
                    "first_name": "" if legal else f"Prénom{number}",
                    "last_name": "" if legal else f"Nom{number}", "joined_on": joined,
                    "left_on": left, "version": 1,
                }
            )  # fmt: skip
            for kind in FactKind:
                for year in (2025, 2026, 2027):
                    if rng.random() < 0.35:
                        continue
                    value = Decimal(
                        rng.choice((0, -rng.randrange(1, 10**6), rng.randrange(1, 10**9)))
                    ).scaleb(-rng.choice((0, 2)))
                    figures.append(
                        {"member_id": number, "fiscal_year": year, "kind": kind, "value": value}
                    )
        connection.execute(members.insert(), people)
        connection.execute(member_facts.insert(), figures)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('members', 'id'), max(id)) FROM members"
            )
    engine.dispose()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_registry_gives_the_interpreters_comparison(
    demo: Application, database_url: str, seed: int
) -> None:
    add_random_members(database_url, seed, 150)
    ids, reference = DEMO_IDS, DEMO_IDS[seed % len(DEMO_IDS)]
    comparison = fees.simulate(demo.uows, SYSTEM, ids, reference)
    assert comparison == expected(demo, ids, reference)
    assert any(scenario.missing for scenario in comparison.scenarios)
    assert any(
        isinstance(cell.burden, Fraction) for line in comparison.members for cell in line.cells
    )


SCHEDULES = fees.load_schedules(DEMO_IDS)
CATEGORIES = sorted(
    {code for schedule in SCHEDULES for _, code in fees._category_uses(schedule.fee)} | {"autre"}
)
CENTS = st.integers(-(10**8), 10**9).map(lambda cents: Decimal(cents).scaleb(-2))
FIGURE = st.one_of(st.none(), CENTS, st.just(Decimal(0)), CENTS, CENTS)
ODD = st.sampled_from([Decimal("0.001"), Decimal("12.345")])  # beyond the cent


@st.composite
def payer_lists(draw: st.DrawFn) -> list[Payer]:
    found = []
    for number in range(draw(st.integers(1, 25))):
        joined = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 1500)))
        stay = draw(st.none() | st.integers(0, 900))
        left = None if stay is None else joined + timedelta(days=stay)
        facts = {
            (kind, year): value
            for kind in (FactKind.REVENUE, FactKind.PROFIT, FactKind.POPULATION)
            for year in (2026,)
            if (value := draw(FIGURE)) is not None
        }
        if draw(st.integers(0, 8)) == 0:
            facts[draw(st.sampled_from(list(facts) or [(FactKind.REVENUE, 2026)]))] = draw(ODD)
        found.append(
            Payer(f"P{number:03d}", f"Membre {number}", draw(st.sampled_from(CATEGORIES)),
                  joined, left, facts, f"libellé {number % 3}")
        )  # fmt: skip
    return found


@settings(max_examples=60, deadline=None)
@given(payer_lists(), st.integers(0, 2))
def test_any_registry_gives_the_interpreters_comparison(
    payers: list[Payer], reference: int
) -> None:
    """The same check without a database: payers drawn at random, figures beyond the cent
    included (handed back to the interpreter), the quote-part waiting or not."""
    reference_id = DEMO_IDS[reference]
    try:
        wanted = interpreted(SCHEDULES, payers, reference_id)
    except ValueError as error:  # a figure the rules refuse: the same refusal, word for word
        event("refusé")
        with pytest.raises(ValueError, match=re.escape(str(error))):
            compare(SCHEDULES, payers, reference_id)
        return
    event("comparé")
    assert compare(SCHEDULES, payers, reference_id) == wanted
