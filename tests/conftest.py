"""Shared fixtures: every storage-backed test runs on SQLite, and on PostgreSQL when a URL is set.

Set ``GOUVERNANCE_TEST_DATABASE_URL`` (``.ci/run`` does) to add PostgreSQL: the ``app`` fixture
is then parametrised over both databases and each test id ends in ``[sqlite]`` or
``[postgresql]``. Nothing is skipped: without the URL the PostgreSQL variant simply does not exist.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import Engine, Table, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlite_copies import copy_ballot_keys, copy_sqlite

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.users import SYSTEM, Actor
from gouvernance.persistence.ballot_keys import directory_for
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import upgrade
from gouvernance.persistence.orm import metadata
from gouvernance.services.access import accounts
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.demo_data.demo import load_demo
from gouvernance.services.organisation.setup import ensure_default_categories

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


# The web pages and the command line are shells over the same services as the API: their tests
# run on SQLite only; the storage, API, feature and unit tests run on both databases. (Twice
# the shells' tests on PostgreSQL cost 75 s of the suite (of 9 min) and found nothing the
# storage and API tests do not.)
SHELLS_ON_SQLITE_ONLY = frozenset({"web", "cli"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and callspec.params.get("database_url") == "postgresql"
        shell = Path(str(item.path)).parent.name in SHELLS_ON_SQLITE_ONLY
        (dropped if on_postgresql and shell else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


def _fresh_postgres_database(url: URL) -> str:
    """The database ``url`` names, created if missing, emptied and migrated from scratch."""
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
    return rendered


def _worker_url() -> URL:
    raw = os.environ[PG_VARIABLE]
    url = make_url(raw.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # tests run in parallel (pytest -n): one database per worker
        url = url.set(database=f"{url.database}_{worker}")
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test database, created if missing and migrated from scratch once per session."""
    yield _fresh_postgres_database(_worker_url())


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


# --- The demo, loaded once per test process and copied into each test's database -------------

DemoLoader = Callable[[str], None]
TEMPLATE_DAY = "2026-12-14"  # the demo's content does not depend on the day; its assemblies
# are closed « today », which must be on or after 14 November 2026


def _build_demo(url: str) -> None:
    previous = os.environ.get(TODAY_VARIABLE)
    os.environ[TODAY_VARIABLE] = TEMPLATE_DAY
    try:
        application = bootstrap(url, migrate=False)
        ensure_default_categories(application.uows)
        load_demo(application.uows)
        application.close()
    finally:
        if previous is None:
            del os.environ[TODAY_VARIABLE]
        else:
            os.environ[TODAY_VARIABLE] = previous


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated template with the demo organisation loaded (a few seconds, once)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    shutil.copyfile(sqlite_template, path)
    _build_demo(f"sqlite:///{path}")
    return path


@dataclass(frozen=True)
class DemoRows:
    """Every row of every table once the demo is loaded, and where each sequence stood."""

    tables: list[tuple[Table, list[dict[str, Any]]]]
    sequences: list[tuple[str, int]]
    keys: Path  # the ballot keys of the demo's secret resolutions (outside the database)


@pytest.fixture(scope="session")
def postgres_demo_rows() -> DemoRows:
    """The demo loaded once in a database of its own (``…_demo``), read back row by row."""
    url = _worker_url()
    demo_url = _fresh_postgres_database(url.set(database=f"{url.database}_demo"))
    _build_demo(demo_url)
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        tables = [
            (table, [dict(row) for row in conn.execute(table.select()).mappings()])
            for table in metadata.sorted_tables
        ]
        sequences = [
            (name, int(value))
            for name, value in conn.execute(
                text("SELECT sequencename, last_value FROM pg_sequences WHERE last_value > 0")
            )
        ]
    engine.dispose()
    return DemoRows(tables, sequences, directory_for(make_url(demo_url)))


@pytest.fixture
def demo_loader(request: pytest.FixtureRequest) -> DemoLoader:
    """``demo_loader(database_url)``: the demo organisation in that (empty, migrated) database,
    as ``gouvernance demo`` leaves it — copied from a template instead of loaded again, which
    took a second or two per test. ``tests/storage/test_demo_organisation.py`` still loads it
    for real."""

    def load(url: str) -> None:
        if url.startswith("sqlite"):
            template: Path = request.getfixturevalue("sqlite_demo_template")
            copy_sqlite(template, Path(make_url(url).database or ""))
            return
        rows: DemoRows = request.getfixturevalue("postgres_demo_rows")
        _truncate(url)  # the categories the ``app`` fixture added are in the rows too
        with _engine(url).begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table, values in rows.tables:
                if values:
                    conn.execute(table.insert(), values)
            for name, value in rows.sequences:
                conn.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": value})
        copy_ballot_keys(rows.keys, url)  # its open assembly's secret vote may be closed

    return load


@pytest.fixture
def read_only_url(database_url: str) -> str:
    """The same database, opened so that it refuses writes: SQLite's read-only mode
    (``?mode=ro``, what a file without write rights gives), a PostgreSQL session whose
    transactions are read-only (what a standby server gives)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///file:{quote(str(url.database))}?mode=ro&uri=true"
    read_only = url.update_query_dict({"options": "-c default_transaction_read_only=on"})
    return read_only.render_as_string(hide_password=False)
