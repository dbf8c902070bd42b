"""Bring a database schema up to date with Alembic (used by ``gouvernance init`` and tests)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from gouvernance.domain.errors import GouvernanceError, InvalidInput, ServiceUnavailable
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.faults import URL_VARIABLE, connection_failure, redact

MIGRATIONS = Path(__file__).parent / "migrations"
# The owner of the tables, who alone may migrate them (docs/installation.md, « un rôle
# propriétaire, un rôle applicatif »); unset, the application's own address migrates.
OWNER_URL_VARIABLE = "GOUVERNANCE_DATABASE_OWNER_URL"
_INSUFFICIENT_PRIVILEGE = "42501"


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
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
            raise
        found = current or "aucune"
        raise ServiceUnavailable(
            f"la base {redact(engine.url)} doit être mise à jour (révision « {found} » → "
            f"« {', '.join(sorted(heads))} »), mais le rôle « {engine.url.username or ''} » n'a "
            "pas le droit d'en modifier le schéma : c'est le rôle applicatif. Lancez "
            f"« gouvernance init » avec {OWNER_URL_VARIABLE}, l'adresse du propriétaire des "
            "tables, puis redémarrez le service",
            field=URL_VARIABLE,
        ) from None


def owner_url(explicit: str | None = None) -> str | None:
    """The owner's address given, else ``$GOUVERNANCE_DATABASE_OWNER_URL``, else None."""
    return (explicit or os.environ.get(OWNER_URL_VARIABLE) or "").strip() or None


def upgrade_as_owner(application: Engine, owner: str) -> None:
    """Migrate through the owner's address ``owner``, which must name the same database as the
    application's engine; the owner's engine is closed at once."""
    try:
        engine = make_engine(owner)
    except GouvernanceError as error:
        error.field = OWNER_URL_VARIABLE
        raise
    try:
        if not _same_database(engine.url, application.url):
            raise InvalidInput(
                f"{OWNER_URL_VARIABLE} ({redact(engine.url)}) et {URL_VARIABLE} "
                f"({redact(application.url)}) désignent deux bases différentes : le propriétaire "
                "et le rôle applicatif se connectent à la même base",
                field=OWNER_URL_VARIABLE,
            )
        try:
            upgrade(engine)
        except DBAPIError as error:
            failure = connection_failure(error, engine.url)
            failure.field = OWNER_URL_VARIABLE
            raise failure from None
    finally:
        engine.dispose()


def _same_database(first: URL, second: URL) -> bool:
    def place(url: URL) -> tuple[object, ...]:
        return (url.get_backend_name(), url.host or "", url.port or 5432, url.database or "")

    return place(first) == place(second)


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
