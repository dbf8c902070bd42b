"""Shared fixtures: every storage-backed test runs on SQLite, and on PostgreSQL when a URL is set.

Set ``GOUVERNANCE_TEST_DATABASE_URL`` (``.ci/run`` does) to add PostgreSQL: the ``app`` fixture
is then parametrised over both databases and each test id ends in ``[sqlite]`` or
``[postgresql]``. Nothing is skipped: without the URL the PostgreSQL variant simply does not exist.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.users import SYSTEM, Actor
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import upgrade
from gouvernance.persistence.orm import metadata
from gouvernance.services import accounts
from gouvernance.services.setup import ensure_default_categories

# Real argon2, with the cheapest parameters: hashing strength is not under test, speed matters.
accounts._hasher = PasswordHasher.from_parameters(CHEAPEST)

PG_VARIABLE = "GOUVERNANCE_TEST_DATABASE_URL"


@event.listens_for(Engine, "connect")
def _no_disk_flush_in_tests(dbapi_connection: Any, _record: Any) -> None:
    """Tests never survive a power cut: SQLite need not wait for the disk at each commit (the
    application keeps SQLite's default, which does). PostgreSQL gets the same through
    ``synchronous_commit`` on the test database, below."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_VARIABLE) else [])


def pytest_report_header(config: pytest.Config) -> str:
    return f"bases de données testées : {', '.join(BACKENDS)}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating every time)."""
    path = tmp_path_factory.mktemp("modele") / "modele.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test database, created if missing and migrated from scratch once per session."""
    raw = os.environ[PG_VARIABLE]
    url = make_url(raw.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # tests run in parallel (pytest -n): one database per worker
        url = url.set(database=f"{url.database}_{worker}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        conn.execute(text(f'ALTER DATABASE "{url.database}" SET synchronous_commit TO off'))
    admin.dispose()
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    yield rendered


@functools.cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def _truncate(url: str) -> None:
    """Empty every table and restart the numbering, as a new database would be.

    DELETE with triggers switched off for the transaction (``session_replication_role``, the
    test user is a superuser), not TRUNCATE: on tables this small it is several times faster,
    and the append-only triggers, which rightly refuse DELETE, do not fire."""
    with _engine(url).begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
        sequences = conn.execute(
            text("SELECT sequence_name FROM information_schema.sequences")
        ).scalars()
        for sequence in sequences.all():
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "gouvernance.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def app(database_url: str) -> Iterator[Application]:
    """The application on a fresh database with the SCIC categories in place."""
    application = bootstrap(database_url, migrate=False)
    ensure_default_categories(application.uows)
    yield application
    application.close()


@pytest.fixture
def admin() -> Actor:
    return SYSTEM
