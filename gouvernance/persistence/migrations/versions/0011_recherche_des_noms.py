"""Recherche des noms sans parcours de table : index de trigrammes (GIN, FTS5).

A member is searched by a part of their name, code or SIREN, without accents nor capitals
(« societe » finds « Société »). The searched text — the *key* — is worked out by the database
from the row, in plain SQL (no function of the application: any client may write a member):

    lower-cased, accents and ligatures folded:  name first_name last_name ⏎ code ⏎ siren

- **PostgreSQL**: a GIN index ``ix_members_search`` over that expression with ``pg_trgm``'s
  trigram operators, which serves ``LIKE '%…%'`` (``CREATE EXTENSION IF NOT EXISTS pg_trgm``,
  a trusted extension of the standard distribution: the database owner may create it). The
  repository searches the very same expression (``persistence/repositories.py``).
- **SQLite**: an FTS5 table ``members_search`` with the trigram tokenizer (SQLite ≥ 3.34),
  one row per member (``rowid`` = ``members.id``), kept by three triggers on ``members``. Its
  ``LIKE`` is served by the trigram index; SQLite's ``lower()`` folds ASCII only, so the
  accented capitals are folded by the same ``replace()`` calls before it.

The letters are frozen here (those of ``persistence/database.py`` on 2026-12-07): a later
change to the query needs a migration of its own, and the storage tests check by ``EXPLAIN``
that the index serves the search.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ACCENTED = "àâäéèêëîïôöùûüÿçÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇ"
UNACCENTED = "aaaeeeeiioouuuycAAAEEEEIIOOUUUYC"
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
INDEX = "ix_members_search"
TABLE = "members_search"


def key_text(row: str) -> str:
    """The fields of ``row`` joined: names with spaces, then code and SIREN on lines of their
    own (a search never matches across them)."""
    return (
        f"{row}.name || ' ' || {row}.first_name || ' ' || {row}.last_name || char(10) || "
        f"{row}.code || char(10) || coalesce({row}.siren, '')"
    )


def _replaced(expression: str, pairs: list[tuple[str, str]]) -> str:
    for accented, plain in pairs:
        expression = f"replace({expression}, '{accented}', '{plain}')"
    return expression


# Thirty-six replace() in one expression overflow SQLite's parser: two halves, one subquery.
_FOLDS = [*LIGATURES.items(), *zip(ACCENTED, UNACCENTED, strict=True)]
_FIRST, _SECOND = _FOLDS[:18], _FOLDS[18:]


def sqlite_key(row: str, *carried: str) -> str:
    """A SELECT giving the key of ``row`` (then the ``carried`` columns of the inner row)."""
    inner = ", ".join([f"{_replaced(key_text(row), _FIRST)} AS half", *carried])
    outer = ", ".join([f"lower({_replaced('half', _SECOND)})", *carried])
    source = f" FROM {row}" if row == "members" else ""
    return f"SELECT {outer} FROM (SELECT {inner}{source})"


def postgresql_key() -> str:
    """Lower-cased first (PostgreSQL folds every letter), then accents, then ligatures."""
    text = key_text("members").replace("char(10)", "E'\\n'")
    expression = f"translate(lower({text}), '{ACCENTED}', '{UNACCENTED}')"
    for ligature, letters in LIGATURES.items():
        if ligature.islower():
            expression = f"replace({expression}, '{ligature}', '{letters}')"
    return expression


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {INDEX} ON members USING gin (({postgresql_key()}) gin_trgm_ops)")
        return
    op.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5(key, tokenize = 'trigram')")
    op.execute(f"INSERT INTO {TABLE} (key, rowid) {sqlite_key('members', 'id')}")
    op.execute(
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON members BEGIN "
        f"INSERT INTO {TABLE} (key, rowid) {sqlite_key('NEW', 'NEW.id')}; END"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF name, first_name, last_name, code, siren "
        f"ON members BEGIN UPDATE {TABLE} SET key = ({sqlite_key('NEW')}) WHERE rowid = NEW.id; "
        "END"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON members BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = OLD.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        return
    for trigger in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{trigger}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
