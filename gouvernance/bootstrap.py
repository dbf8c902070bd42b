"""The composition root: picks the database, runs migrations, hands out units of work.

The API and the CLI call this and the services; they never touch the persistence package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from gouvernance.persistence.database import make_engine
from gouvernance.persistence.faults import connection_failure
from gouvernance.persistence.migrate import current_revision, upgrade
from gouvernance.persistence.uow import SqlAlchemyUnitOfWorkFactory
from gouvernance.services.access import accounts
from gouvernance.services.access.sign_in_gate import SignInGate
from gouvernance.services.access.sign_in_limits import SignInLimits
from gouvernance.services.ports import UnitOfWorkFactory


@dataclass
class Application:
    uows: UnitOfWorkFactory
    database: str
    # The failed sign-ins of this process (in memory: one server process, see docs/comptes.md).
    sign_in_limits: SignInLimits = field(default_factory=SignInLimits)
    _gate: SignInGate | None = field(default=None, repr=False)

    def sign_in_gate(self) -> SignInGate:
        """The bound on password checks of this process, shared by the API and the web pages;
        made on first use, inside the event loop that serves them."""
        if self._gate is None:
            self._gate = SignInGate(accounts.argon2_slots())
        return self._gate

    def close(self) -> None:
        engine = getattr(self.uows, "engine", None)
        if engine is not None:
            engine.dispose()


def bootstrap(url: str | None = None, *, migrate: bool = True) -> Application:
    """Open the database at ``url`` (default: environment, then the embedded SQLite file).

    Never a traceback: a bad address is an ``InvalidInput``, a database that cannot be reached
    (server down, wrong password, missing database, read-only file needing migrations) a
    ``ServiceUnavailable``, both in French, on field ``GOUVERNANCE_DATABASE_URL``, without the
    password. ``migrate=False`` still connects once, so the same errors come out here."""
    engine = make_engine(url)
    try:
        if migrate:
            upgrade(engine)
        else:
            current_revision(engine)
    except DBAPIError as error:
        engine.dispose()
        raise connection_failure(error, engine.url) from None
    factory = SqlAlchemyUnitOfWorkFactory(engine)
    return Application(uows=factory, database=engine.url.render_as_string(hide_password=True))
