"""Alembic environment: runs on the connection or URL the caller gives."""

from __future__ import annotations

from alembic import context

from gouvernance.persistence.database import make_engine
from gouvernance.persistence.orm import described, metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=described,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
