"""The reference of ``bench/api.py``: FastAPI and one hand-written SQL query per read, on the
same database, without authentication nor checks. Its own module, so that uvicorn's worker
processes import it by a name no package of the project hides."""

from __future__ import annotations

import os
from typing import Any

CLIENTS = 20  # bench/api.py's simultaneous clients: one connection each
ACCOUNT = "tresorier"  # the account whose /me both servers answer


def reference_app() -> Any:
    """FastAPI and one hand-written SQL query per path, on the same database (uvicorn factory)."""
    from fastapi import FastAPI
    from sqlalchemy import create_engine, text

    url = os.environ["GOUVERNANCE_DATABASE_URL"]
    engine = create_engine(url, pool_size=CLIENTS, max_overflow=CLIENTS)
    app = FastAPI()
    member = "code, kind, category, name, first_name, last_name, siren, email, city, joined_on"
    listing = text(
        f"SELECT {member}, (SELECT count(*) FROM members) AS total FROM members "
        "ORDER BY code LIMIT 50"
    )
    # The name index of migration 0011, as a hand-written query would use it.
    if engine.dialect.name == "postgresql":
        from gouvernance.persistence.database import postgresql_search_key

        found = f"({postgresql_search_key()}) LIKE :p"
    else:
        found = "id IN (SELECT rowid FROM members_search WHERE key LIKE :p)"
    by_name = text(f"SELECT {member} FROM members WHERE {found} ORDER BY code LIMIT 50")
    one = text(f"SELECT {member} FROM members WHERE code = :code")
    balance = text(
        "SELECT count(*) AS calls, coalesce(sum(cents), 0) AS cents FROM calls "
        "WHERE member_code = :code"
    )
    facts = text(
        "SELECT m.code, m.name, f.kind, f.fiscal_year, f.value FROM members m "
        "LEFT JOIN member_facts f ON f.member_id = m.id WHERE m.code = :code"
    )
    me = text("SELECT username, role, member_code FROM users WHERE username = :name")

    def rows(query: Any, **values: Any) -> list[dict[str, Any]]:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query, values)]

    @app.get("/members")
    def members(search: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        if search:
            return rows(by_name, p=f"%{search.lower()}%")
        return rows(listing)

    @app.get("/members/{code}")
    def member_one(code: str) -> dict[str, Any]:
        return rows(one, code=code)[0]

    @app.get("/members/{code}/balance")
    def member_balance(code: str) -> dict[str, Any]:
        return rows(balance, code=code)[0]

    @app.get("/explanations/{code}")
    def explanation(code: str) -> list[dict[str, Any]]:
        return rows(facts, code=code)

    @app.get("/me")
    def whoami() -> dict[str, Any]:
        return rows(me, name=ACCOUNT)[0]

    return app
