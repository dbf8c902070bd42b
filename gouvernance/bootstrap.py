"""The composition root: picks the database, runs migrations, hands out units of work.

The API and the CLI call this and the services; they never touch the persistence package.
"""

from __future__ import annotations

from dataclasses import dataclass

from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import upgrade
from gouvernance.persistence.uow import SqlAlchemyUnitOfWorkFactory
from gouvernance.services.ports import UnitOfWorkFactory


@dataclass
class Application:
    uows: UnitOfWorkFactory
    database: str

    def close(self) -> None:
        engine = getattr(self.uows, "engine", None)
        if engine is not None:
            engine.dispose()


def bootstrap(url: str | None = None, *, migrate: bool = True) -> Application:
    """Open the database at ``url`` (default: environment, then the embedded SQLite file)."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    factory = SqlAlchemyUnitOfWorkFactory(engine)
    return Application(uows=factory, database=engine.url.render_as_string(hide_password=True))
