"""Tests that only make sense on one database: an attack on PostgreSQL's system columns, a
replay of SQLite's ``-wal`` file. They take that backend of the ``database_url`` fixture only,
instead of being collected on both and skipped on one."""

from __future__ import annotations

import os

import pytest

PG_VARIABLE = "GOUVERNANCE_TEST_DATABASE_URL"

ONLY_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ONLY_POSTGRESQL = pytest.mark.parametrize(
    "database_url",
    ["postgresql"]
    if os.environ.get(PG_VARIABLE)
    else [pytest.param("postgresql", marks=pytest.mark.skip(reason=f"{PG_VARIABLE} non défini"))],
    indirect=True,
)
