"""A copy of a SQLite test database, as the tests make them from a prepared template: SQLite's
backup (consistent, unlike a file copy) and the ballot keys beside it, which live outside the
database (``gouvernance/persistence/ballot_keys.py``) — a copy without them could not close the
vote on a secret resolution."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from gouvernance.persistence.ballot_keys import directory_for


def copy_sqlite(source: Path, target: Path) -> None:
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()
    copy_ballot_keys(keys_of(source), target)


def keys_of(database: Path) -> Path:
    return directory_for(make_url(f"sqlite:///{database}"))


def copy_ballot_keys(keys: Path, database: Path | str) -> None:
    """Into the keys folder of ``database`` (a SQLite path or any database URL)."""
    url = make_url(str(database) if "://" in str(database) else f"sqlite:///{database}")
    if keys.is_dir():
        shutil.copytree(keys, directory_for(url), dirs_exist_ok=True)
