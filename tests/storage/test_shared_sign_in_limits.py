"""Failed sign-ins counted in the database (``SharedSignInLimits``): the processes serving one
PostgreSQL database share one budget per account and per address. Two applications on the same
database stand for two processes; the tests run on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

import pytest

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.errors import ReadOnlyStorage, TooManyAttempts
from gouvernance.services.access.sign_in_limits import Budget, SharedSignInLimits
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

THREE = Budget(failures=3, window=60, delay=120)


class WallClock:
    def __init__(self) -> None:
        self.now = 1_796_000_000.0  # December 2026, in seconds since the epoch

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def other(database_url: str) -> Iterator[Application]:
    opened = bootstrap(database_url, migrate=False)
    yield opened
    opened.close()


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


def _pair(app: Application, other: Application, clock: WallClock) -> list[SharedSignInLimits]:
    return [SharedSignInLimits(a.uows, per_account=THREE, clock=clock) for a in (app, other)]


def test_failures_seen_by_two_processes_count_against_one_budget(
    app: Application, other: Application, clock: WallClock
) -> None:
    first, second = _pair(app, other, clock)
    assert first.failed("bruno", None) == []
    assert second.failed("Bruno", None) == []  # the same account, case aside
    started = first.failed("bruno", None)
    assert [(lock.scope, lock.key, lock.delay) for lock in started] == [("compte", "bruno", 120)]
    for limits in (first, second):
        with pytest.raises(TooManyAttempts) as refused:
            limits.check("bruno", "192.0.2.1")
        assert refused.value.retry_after == 120
    clock.now += 120
    second.check("bruno", None)  # the lock is over, the count starts again
    assert second.failed("bruno", None) == []


def test_failures_older_than_the_window_no_longer_count(
    app: Application, other: Application, clock: WallClock
) -> None:
    first, second = _pair(app, other, clock)
    first.failed("bruno", None)
    first.failed("bruno", None)
    clock.now += 61
    assert second.failed("bruno", None) == []
    second.check("bruno", None)


def test_the_right_password_forgets_the_accounts_failures_in_every_process(
    app: Application, other: Application, clock: WallClock
) -> None:
    first, second = _pair(app, other, clock)
    first.failed("bruno", None)
    first.failed("bruno", None)
    second.succeeded("bruno")
    assert first.failed("bruno", None) == []


def test_one_address_is_locked_for_every_account_in_every_process(
    app: Application, other: Application, clock: WallClock
) -> None:
    budget = Budget(failures=2, window=60, delay=60)
    first, second = (
        SharedSignInLimits(a.uows, per_address=budget, clock=clock) for a in (app, other)
    )
    first.failed("essai1", "192.0.2.50")
    started = second.failed("essai2", "192.0.2.50")
    assert [(lock.scope, lock.key) for lock in started] == [("adresse", "192.0.2.50")]
    with pytest.raises(TooManyAttempts):
        first.check("bruno", "192.0.2.50")
    first.check("bruno", "192.0.2.51")


def test_simultaneous_failures_lock_the_account_exactly_once(
    app: Application, other: Application, clock: WallClock
) -> None:
    budget = Budget(failures=5, window=60, delay=60)
    pair = [SharedSignInLimits(a.uows, per_account=budget, clock=clock) for a in (app, other)]
    with ThreadPoolExecutor(8) as pool:
        locks = list(pool.map(lambda i: pair[i % 2].failed("bruno", None), range(8)))
    assert sum(len(started) for started in locks) == 1


class _ReadOnly:
    """The application's units of work, on a database that refuses every commit."""

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self.uows = uows

    def __call__(self) -> _ReadOnlyUnit:
        return _ReadOnlyUnit(self.uows())


class _ReadOnlyUnit:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def __enter__(self) -> UnitOfWork:
        entered = self.uow.__enter__()
        entered.commit = self._refuse  # type: ignore[method-assign]
        return entered

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.uow.__exit__(kind, error, tb)

    @staticmethod
    def _refuse(*_: Any) -> None:
        raise ReadOnlyStorage("la base refuse les écritures")


def test_a_database_that_refuses_writes_counts_the_failures_in_memory(
    app: Application, clock: WallClock
) -> None:
    limits = SharedSignInLimits(_ReadOnly(app.uows), per_account=THREE, clock=clock)  # type: ignore[arg-type]
    limits.failed("bruno", None)
    limits.failed("bruno", None)
    started = limits.failed("bruno", None)
    assert [lock.scope for lock in started] == ["compte"]
    with pytest.raises(TooManyAttempts):
        limits.check("bruno", None)
    limits.succeeded("bruno")  # refused by the database, forgotten in memory: no error
