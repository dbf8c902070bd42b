"""Failed sign-ins are counted per account and per client address; past a budget, the key waits.

Two ways to count, the same budgets:

- ``SignInLimits``: the ``limits`` library's moving window, in memory. Right for one server
  process: SQLite is served by one.
- ``SharedSignInLimits``: the failures and locks in the database (migration 0017), for the
  several processes that serve a PostgreSQL database; each would otherwise count on its own,
  the budget multiplied by their number. A database that refuses writes (a standby) counts in
  memory instead, as the first does.

Once a budget is spent, the key (the account, or the address) is *locked* for a delay, measured
on an injectable clock (tests advance it instead of sleeping). While locked, every attempt is
refused before any password is checked — the right password too, or the lock would be no
obstacle to guessing — and it is not counted again. When the lock ends, the count restarts
from zero.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from gouvernance.domain.errors import ReadOnlyStorage, TooManyAttempts
from gouvernance.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class Budget:
    """``failures`` failed sign-ins within ``window`` seconds lock the key for ``delay`` seconds."""

    failures: int
    window: int
    delay: int


# One account: 10 wrong passwords within 15 minutes, then 5 minutes of wait — at most ~120
# guesses an hour on one account, whatever the number of addresses the guesser uses.
PER_ACCOUNT = Budget(failures=10, window=15 * 60, delay=5 * 60)
# One address: a larger budget (an office shares one address), for the guesser who tries one
# password on many accounts.
PER_ADDRESS = Budget(failures=30, window=60, delay=60)


@dataclass(frozen=True)
class Lockout:
    """A lock that has just started: for the audit log."""

    scope: str  # "compte" or "adresse"
    key: str
    failures: int
    delay: int


class SignInLimits:
    """The failed sign-ins of one server process (thread-safe)."""

    def __init__(
        self,
        per_account: Budget = PER_ACCOUNT,
        per_address: Budget = PER_ADDRESS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.clock = clock
        self._windows = MovingWindowRateLimiter(MemoryStorage())
        self._locked_until: dict[tuple[str, str], float] = {}
        self._mutex = threading.Lock()

    def check(self, username: str, address: str | None) -> None:
        """Refuse at once (``TooManyAttempts``) while the account or the address is locked."""
        now = self.clock()
        with self._mutex:
            waits = [
                self._locked_until.get(key, now) - now for key, _ in self._keys(username, address)
            ]
        wait = max(waits)
        if wait > 0:
            raise TooManyAttempts(math.ceil(wait), field="username")

    def failed(self, username: str, address: str | None) -> list[Lockout]:
        """Count one failure; returns the locks it starts (none, usually)."""
        started = []
        now = self.clock()
        with self._mutex:
            self._forget_ended_locks(now)
            for key, budget in self._keys(username, address):
                item = RateLimitItemPerSecond(budget.failures, budget.window)
                self._windows.hit(item, *key)
                if self._windows.get_window_stats(item, *key).remaining > 0:
                    continue
                self._windows.clear(item, *key)
                self._locked_until[key] = now + budget.delay
                started.append(Lockout(key[0], key[1], budget.failures, budget.delay))
        return started

    def succeeded(self, username: str) -> None:
        """The right password: the account's failures are forgotten (not the address's, or a
        guesser could wipe them by signing in to an account of their own)."""
        key = _account(username)
        item = RateLimitItemPerSecond(self.per_account.failures, self.per_account.window)
        with self._mutex:
            self._windows.clear(item, *key)

    def _keys(self, username: str, address: str | None) -> list[tuple[tuple[str, str], Budget]]:
        keys = [(_account(username), self.per_account)]
        if address:
            keys.append((("adresse", address), self.per_address))
        return keys

    def _forget_ended_locks(self, now: float) -> None:
        if len(self._locked_until) > 1024:
            for key in [k for k, until in self._locked_until.items() if until <= now]:
                del self._locked_until[key]


class SharedSignInLimits(SignInLimits):
    """The same budgets, counted in the database: every server process sees every failure.
    ``clock`` gives seconds since the epoch (the processes share the wall clock, not their
    monotonic ones)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        per_account: Budget = PER_ACCOUNT,
        per_address: Budget = PER_ADDRESS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(per_account, per_address, clock)
        self.uows = uows

    def check(self, username: str, address: str | None) -> None:
        super().check(username, address)  # what was counted here while writes were refused
        now = self.clock()
        with self.uows() as uow:
            end = uow.sign_ins.lock_end([key for key, _ in self._keys(username, address)], _at(now))
        if end is not None and (wait := (end - _at(now)).total_seconds()) > 0:
            raise TooManyAttempts(math.ceil(wait), field="username")

    def failed(self, username: str, address: str | None) -> list[Lockout]:
        now = self.clock()
        started = []
        try:
            with self.uows() as uow:
                uow.sign_ins.lock()
                for (scope, subject), budget in self._keys(username, address):
                    uow.sign_ins.add_failure(scope, subject, _at(now))
                    since = _at(now - budget.window)
                    if uow.sign_ins.failures_since(scope, subject, since) < budget.failures:
                        continue
                    uow.sign_ins.clear(scope, subject)
                    uow.sign_ins.add_lock(scope, subject, _at(now + budget.delay))
                    started.append(Lockout(scope, subject, budget.failures, budget.delay))
                longest = max(self.per_account.window, self.per_address.window)
                uow.sign_ins.forget_before(_at(now - longest), _at(now))
                uow.commit()
        except ReadOnlyStorage:
            return super().failed(username, address)
        return started

    def succeeded(self, username: str) -> None:
        super().succeeded(username)
        try:
            with self.uows() as uow:
                uow.sign_ins.clear(*_account(username))
                uow.commit()
        except ReadOnlyStorage:
            pass  # nothing could have been counted in the database either


def _at(seconds: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def _account(username: str) -> tuple[str, str]:
    """Case-folded: « Admin » and « admin » share one budget."""
    return ("compte", username.strip().casefold()[:200])
