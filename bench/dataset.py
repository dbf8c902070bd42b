"""Un registre à l'échelle réelle, pour les bancs qui servent l'application : la démonstration,
10 000 membres synthétiques (ceux de ``bench/calls.py``) et le lot d'appels 2027 émis, sur
SQLite ou sur PostgreSQL (base vidée puis migrée : elle doit être réservée au banc d'essai).

Imported by ``bench/api.py`` (and usable by ``bench/web_pages.py``, whose own ``prepare`` is the
SQLite-only origin of this one)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import make_url

MEMBERS = 10_000
SEED = 20261212
TODAY = "2026-12-12"


def prepare(url: str, members_count: int = MEMBERS) -> int:
    """Migrate, load the demo, add ``members_count`` synthetic members and issue the 2027 calls
    (schedule ``demo-bareme-ca``); returns the number of members. The database must be empty."""
    import calls as bench_calls  # bench/calls.py: its synthetic registry

    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.users import SYSTEM
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.orm import member_facts, members
    from gouvernance.services.demo_data.demo import load_demo
    from gouvernance.services.ledger import calls

    application = bootstrap(url)
    load_demo(application.uows)
    people, figures = bench_calls.synthetic_registry(members_count, SEED)
    engine = make_engine(url)
    with engine.begin() as connection:
        offset = int(connection.exec_driver_sql("SELECT max(id) FROM members").scalar() or 0)
        for person in people:
            person["id"] += offset
        for figure in figures:
            figure["member_id"] += offset
        connection.execute(members.insert(), people)
        connection.execute(member_facts.insert(), figures)
        if engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('members', 'id'), max(id)) FROM members"
            )
        total = int(connection.exec_driver_sql("SELECT count(*) FROM members").scalar() or 0)
    calls.issue_calls(
        application.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    application.close()
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return total


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"
