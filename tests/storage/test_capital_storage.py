"""The register of shares in the database: append-only, gapless under concurrency, idempotent.

On the demo organisation (its statutes: 50 € a share, employees 2 shares at least)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, Forbidden, GouvernanceError, NotFound
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services.scic import capital, scic_rules
from gouvernance.services.scic.capital import OperationView

TREASURER = Actor("tresorier", Role.TREASURER)
DAY = date(2026, 11, 16)
WRITERS = 8


@pytest.fixture
def demo_app(
    app: Application,
    monkeypatch: pytest.MonkeyPatch,
    demo_loader: Callable[[str], None],
    database_url: str,
) -> Application:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-11-22")
    demo_loader(database_url)
    return app


def _subscribe(app: Application, code: str, key: str | None = None) -> OperationView:
    return capital.subscribe(
        app.uows, TREASURER, code, 2, Decimal("25.00"), DAY, idempotency_key=key
    )


def test_the_demo_chooses_its_statutes(demo_app: Application) -> None:
    assert capital.statutes_choice(demo_app.uows) == "demo-statuts-scic"


@pytest.mark.parametrize(
    "statement", ["UPDATE capital_operations SET shares = 99", "DELETE FROM capital_operations"]
)
def test_the_database_refuses_to_rewrite_an_operation_of_the_register(
    demo_app: Application, database_url: str, statement: str
) -> None:
    _subscribe(demo_app, "SAL01")
    engine = make_engine(database_url)
    with (
        pytest.raises(DatabaseError, match="registre des parts sociales"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(
            text("SELECT shares FROM capital_operations")
        ).scalars().all() == [2]
    engine.dispose()


def test_eight_simultaneous_subscriptions_get_distinct_gapless_numbers(
    demo_app: Application,
) -> None:
    codes = [f"SAL{n:02d}" for n in range(1, WRITERS + 1)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda code: _subscribe(demo_app, code), codes))

    assert sorted(r.number for r in results) == [f"CAP-2026-{n:04d}" for n in range(1, WRITERS + 1)]
    totals = capital.capital_totals(demo_app.uows, DAY)
    assert (totals.subscribed, totals.paid_up) == (Decimal("800.00"), Decimal("200.00"))
    assert capital.paid_up_by_associate(demo_app.uows, DAY) == {
        code: Decimal("25.00") for code in codes
    }


def test_the_same_subscription_sent_eight_times_with_one_key_is_recorded_once(
    demo_app: Application,
) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda _: _subscribe(demo_app, "SAL01", "sal01-2026"), range(8)))

    assert {r.number for r in results} == {"CAP-2026-0001"}
    assert [r.created for r in results].count(True) == 1
    assert len(capital.list_operations(demo_app.uows, TREASURER)) == 1


def test_a_refused_operation_uses_no_number(demo_app: Application) -> None:
    with pytest.raises(GouvernanceError):
        capital.subscribe(demo_app.uows, TREASURER, "SAL01", 1, Decimal("50.00"), DAY)
    assert _subscribe(demo_app, "SAL01").number == "CAP-2026-0001"


def test_only_an_administrator_chooses_statutes_and_only_existing_ones(
    demo_app: Application,
) -> None:
    with pytest.raises(Forbidden):
        capital.choose_statutes(demo_app.uows, TREASURER, "demo-statuts-scic")
    with pytest.raises(NotFound, match="statuts inconnus « nulle-part »"):
        capital.choose_statutes(demo_app.uows, SYSTEM, "nulle-part")
    assert capital.statutes_choice(demo_app.uows) == "demo-statuts-scic"


def test_without_chosen_statutes_the_register_says_which_command_to_run(
    app: Application,
) -> None:
    with pytest.raises(Conflict, match="aucuns statuts choisis : gouvernance capital statutes"):
        capital.register_view(app.uows, TREASURER, DAY)


def test_statutes_looser_than_the_law_still_get_a_quarter_paid_and_five_years_at_most(
    demo_app: Application, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    source = Path(scic_rules.statutes_folder()) / "demo" / "scic-alpilles.yaml"
    loose = source.read_text(encoding="utf-8")
    loose = loose.replace('paid_at_subscription: "25 %"', 'paid_at_subscription: "5 %"')
    loose = loose.replace("paying_delay_years: 3", "paying_delay_years: 9")
    (tmp_path / "statuts.yaml").write_text(loose, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(tmp_path))
    with pytest.raises(GouvernanceError, match="au moins 25\u00a0%"):
        capital.subscribe(demo_app.uows, TREASURER, "SAL01", 2, Decimal("5.00"), DAY)
    view = capital.subscribe(demo_app.uows, TREASURER, "SAL01", 2, Decimal("25.00"), DAY)
    assert view.due_on == date(2031, 11, 16)
