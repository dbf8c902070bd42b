"""Engines: the embedded SQLite file by default, PostgreSQL when a URL says so."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from gouvernance.domain.errors import InvalidInput

URL_VARIABLE = "GOUVERNANCE_DATABASE_URL"
DEFAULT_PATH = Path("data") / "gouvernance.sqlite3"


def database_url(url: str | None = None) -> str:
    """The URL given, else ``$GOUVERNANCE_DATABASE_URL``, else ``./data/gouvernance.sqlite3``."""
    chosen = url or os.environ.get(URL_VARIABLE)
    if chosen:
        if chosen.startswith("postgresql://"):
            chosen = "postgresql+psycopg://" + chosen.removeprefix("postgresql://")
        return chosen
    DEFAULT_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_PATH}"


def make_engine(url: str | None = None) -> Engine:
    resolved = database_url(url)
    try:
        if resolved.startswith("sqlite"):
            engine = create_engine(resolved, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin_immediate)
            return engine
        return create_engine(resolved, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise InvalidInput(
            f"adresse de base de données invalide : {error}", field=URL_VARIABLE
        ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself, so that writers take the lock up front (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's lower() folds ASCII only; searches must find « Élodie » from « élodie ».
    dbapi_connection.create_function("gv_fold", 1, _fold, deterministic=True)


def _fold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def _sqlite_begin_immediate(connection: Any) -> None:
    """BEGIN IMMEDIATE: a transaction that will write waits for the lock instead of failing."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
