"""Bring a database schema up to date with Alembic (used by ``gouvernance init`` and tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

from gouvernance.domain.errors import InvalidInput
from gouvernance.persistence.faults import URL_VARIABLE, redact

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # Alembic's options go through configparser, where « % » starts an interpolation:
        # a percent-encoded password (p%40ss) or a path with « % » must be doubled.
        url = engine.url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration, in one transaction per migration run.

    A database already at the latest revision is only read, so a read-only file (or a
    PostgreSQL standby) still opens."""
    config = alembic_config(engine)
    script = ScriptDirectory.from_config(config)
    current = current_revision(engine)
    heads = set(script.get_heads())
    if current in heads:
        return
    if current is not None and not _known(script, current):
        raise InvalidInput(
            f"la base {redact(engine.url)} est à la révision « {current} », inconnue de cette "
            "version de Gouvernance : elle a sans doute été mise à jour par une version plus "
            "récente. Installez cette version, ou repartez d'une sauvegarde",
            field=URL_VARIABLE,
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
