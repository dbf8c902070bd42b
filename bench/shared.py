"""What the benchmarks share: which PostgreSQL database they may wipe, and French figures.

Imported by the scripts of this folder, run as ``.venv/bin/python bench/<script>.py`` (the
folder is then first on the import path)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import URL, make_url

# A script run from bench/ has this folder first on its import path, where bench/api.py would
# hide the project's package ``api``: the project's root goes first (no bench module shares a
# name with anything there).
_ROOT = str(Path(__file__).resolve().parents[1])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)

# The event loop of ``gouvernance serve``: every server of the benches runs on it.
from gouvernance.cli.setup import EVENT_LOOP as EVENT_LOOP  # noqa: E402


def postgres_url() -> URL | None:
    """The PostgreSQL database the bench may wipe, or ``None`` (SQLite only)."""
    named = os.environ.get("GOUVERNANCE_BENCH_DATABASE_URL", "").strip()
    test = os.environ.get("GOUVERNANCE_TEST_DATABASE_URL", "").strip()
    if named:
        url = make_url(named)
    elif test:
        base = make_url(test)
        url = base.set(database=f"{base.database}_bench")
    else:
        return None
    database = url.database or ""
    if not named and "bench" not in database:
        sys.exit(f"refus de vider la base « {database} » : son nom ne contient pas « bench »")
    for variable in ("GOUVERNANCE_DATABASE_URL", "GOUVERNANCE_TEST_DATABASE_URL"):
        other = os.environ.get(variable, "").strip()
        if other and _same_database(make_url(other), url):
            sys.exit(f"refus de vider la base « {database} » : c'est celle de {variable}")
    return url


def _same_database(a: URL, b: URL) -> bool:
    def key(url: URL) -> tuple[Any, ...]:
        return (url.host or "localhost", url.port or 5432, url.database)

    return a.get_backend_name() == b.get_backend_name() and key(a) == key(b)


def french(seconds: float) -> str:
    return f"{seconds:.3f}".replace(".", ",") + " s"


def count(number: int) -> str:
    """« 100 000 », with the narrow no-break space French uses between thousands."""
    return f"{number:,}".replace(",", "\u202f")


class Timed(Protocol):
    seconds: float
    reference_seconds: float

    @property
    def ratio(self) -> float: ...


def summary_line(
    results: Mapping[str, Timed],
    sizes: Mapping[str, int],
    details: Callable[[Timed], Mapping[str, Any]] = lambda _: {},
) -> str:
    """The last line of a bench: the worse database by ratio gives the three headline figures,
    so that they agree (seconds / reference_seconds = ratio); the slowest run is
    ``slowest_seconds``; then the sizes, and each database's own figures."""
    worst = max(results.values(), key=lambda m: m.ratio)
    return json.dumps(
        {
            "seconds": round(worst.seconds, 4),
            "reference_seconds": round(worst.reference_seconds, 4),
            "ratio": round(worst.ratio, 3),
            "slowest_seconds": round(max(m.seconds for m in results.values()), 4),
            **sizes,
            "databases": {
                name: {
                    "seconds": round(m.seconds, 4),
                    "reference_seconds": round(m.reference_seconds, 4),
                    "ratio": round(m.ratio, 3),
                    **details(m),
                }
                for name, m in results.items()
            },
        },
        ensure_ascii=False,
    )


def migrated_sqlite(path: Path) -> str:
    """A new SQLite database at ``path``, migrated to the last revision; its URL."""
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.migrate import upgrade

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def empty_postgres(url: URL) -> str:
    """The bench's PostgreSQL database, created if missing, its ``public`` schema emptied; its
    URL (psycopg driver, password shown: it is handed to the bench's own processes)."""
    from sqlalchemy import create_engine, text

    url = url.set(drivername="postgresql+psycopg")
    server = create_engine(url.set(database="postgres"))
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


def migrated_postgres(url: URL) -> str:
    """The bench's PostgreSQL database, emptied (``empty_postgres``) then migrated; its URL."""
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.migrate import upgrade

    rendered = empty_postgres(url)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    return rendered


def synthetic_member(number: int, category: str, legal: bool, joined_on: date) -> dict[str, Any]:
    """The row of synthetic member ``number`` (``M000001``…): a structure or a person, named
    after its number, for the benches that load a registry in bulk."""
    from gouvernance.domain.members import PersonKind

    return {
        "id": number,
        "code": f"M{number:06d}",
        "kind": PersonKind.LEGAL if legal else PersonKind.NATURAL,
        "category": category,
        "name": f"Structure {number}" if legal else "",
        "first_name": "" if legal else f"Prénom{number}",
        "last_name": "" if legal else f"Nom{number}",
        "joined_on": joined_on,
        "version": 1,
    }
