"""Opening the database never crashes: any valid address works, a wrong one is a French error
without its password, the SQLite file is private, and a read-only database still opens.

PostgreSQL here trusts local connections, so a wrong password cannot be refused for real: the
password is checked instead to stay out of the messages of the failures that do happen (nobody
listening on the port, a database that does not exist). Only loopback addresses are used.
"""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.errors import (
    GouvernanceError,
    InvalidInput,
    ReadOnlyStorage,
    ServiceUnavailable,
)
from gouvernance.domain.members import default_categories
from gouvernance.domain.users import SYSTEM
from gouvernance.persistence.database import URL_VARIABLE, make_engine
from gouvernance.persistence.migrate import alembic_config, current_revision
from gouvernance.persistence.uow import SqlAlchemyUnitOfWorkFactory
from gouvernance.services.organisation import setup

SECRETS = ("p@ss", "p%40ss", "secretXYZ")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_no_secret(error: GouvernanceError) -> None:
    for secret in SECRETS:
        assert secret not in str(error), f"« {secret} » apparaît dans : {error}"


@contextmanager
def umask(value: int) -> Iterator[None]:
    """A permissive umask, so that only the code can explain private modes."""
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def engine_of(application: Application) -> Engine:
    return cast(SqlAlchemyUnitOfWorkFactory, application.uows).engine


# --- a private SQLite file --------------------------------------------------------------------


def test_a_new_sqlite_file_its_folder_and_its_journal_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nouveau" / "registre.sqlite3"
    with umask(0):
        application = bootstrap(f"sqlite:///{path}")
        setup.ensure_default_categories(application.uows)
        with engine_of(application).connect():  # the -wal and -shm files exist while open
            assert mode(path.parent) == 0o700
            assert mode(path) == 0o600
            assert mode(path.with_name("registre.sqlite3-wal")) == 0o600
            assert mode(path.with_name("registre.sqlite3-shm")) == 0o600
        application.close()


def test_without_an_address_the_database_is_data_gouvernance_sqlite3_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    with umask(0o002):
        application = bootstrap()
    assert application.database == "sqlite:///data/gouvernance.sqlite3"
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "gouvernance.sqlite3") == 0o600
    assert len(setup.list_categories(application.uows)) == 0
    application.close()


def test_an_existing_folder_keeps_the_rights_its_owner_gave_it(tmp_path: Path) -> None:
    folder = tmp_path / "partage"
    folder.mkdir()
    folder.chmod(0o750)
    application = bootstrap(f"sqlite:///{folder / 'registre.sqlite3'}")
    application.close()
    assert mode(folder) == 0o750
    assert mode(folder / "registre.sqlite3") == 0o600


def test_journal_files_left_wider_than_the_database_are_narrowed_on_connection(
    tmp_path: Path,
) -> None:
    path = tmp_path / "registre.sqlite3"
    bootstrap(f"sqlite:///{path}").close()
    holder = create_engine(f"sqlite:///{path}")
    with holder.connect() as held:  # keeps -wal and -shm in place
        held.exec_driver_sql("PRAGMA journal_mode=WAL")
        held.exec_driver_sql("SELECT count(*) FROM users")
        wal = path.with_name("registre.sqlite3-wal")
        wal.chmod(0o666)
        engine = make_engine(f"sqlite:///{path}")
        with engine.connect():
            assert mode(wal) == 0o600
        engine.dispose()
    holder.dispose()


# --- any valid address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "file_name"),
    [
        ("taux%20100%25.sqlite3", "taux 100%.sqlite3"),
        ("100%.sqlite3", "100%.sqlite3"),
    ],
)
def test_a_sqlite_path_with_percent_signs_opens_and_migrates(
    tmp_path: Path, written: str, file_name: str
) -> None:
    application = bootstrap(f"sqlite:///{tmp_path}/{written}")
    setup.ensure_default_categories(application.uows)
    assert len(setup.list_categories(application.uows)) == len(default_categories())
    application.close()
    assert (tmp_path / file_name).exists()


def test_a_sqlite_uri_with_parameters_opens_and_migrates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    application = bootstrap("sqlite:///file:data/registre.sqlite3?mode=rwc&uri=true")
    setup.ensure_default_categories(application.uows)
    assert len(setup.list_categories(application.uows)) == len(default_categories())
    application.close()
    assert mode(tmp_path / "data" / "registre.sqlite3") == 0o600


def test_an_address_with_a_percent_encoded_password_opens_and_migrates(
    database_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL, a new database is migrated through an address holding « p%40ss » (the
    local server trusts the connection; the password must still survive Alembic's
    configuration, where « % » is special). On SQLite, the file's name holds the « % »."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        address = f"sqlite:///{tmp_path}/neuf%25%40.sqlite3"
        application = bootstrap(address)
        assert (tmp_path / "neuf%@.sqlite3").exists()
        assert current_revision(engine_of(application)) is not None
        application.close()
        return
    name = f"{url.database}_pourcent_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        address = url.set(database=name, password="p@ss").render_as_string(hide_password=False)
        assert "p%40ss" in address
        application = bootstrap(address)
        assert "p%40ss" not in application.database and "p@ss" not in application.database
        assert current_revision(engine_of(application)) is not None
        application.close()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


# --- a wrong address: French, field, no password ----------------------------------------------


@pytest.mark.parametrize("password", ["p%40ss", "secretXYZ"])
@pytest.mark.parametrize("migrate", [True, False])
def test_a_server_nobody_listens_on_is_a_french_error_without_the_password(
    password: str, migrate: bool
) -> None:
    with pytest.raises(ServiceUnavailable) as refused:
        bootstrap(f"postgresql://postgres:{password}@127.0.0.1:1/registre", migrate=migrate)
    error = refused.value
    assert error.field == URL_VARIABLE
    assert error.message.startswith(
        "impossible de se connecter à la base "
        "postgresql+psycopg://postgres:***@127.0.0.1:1/registre : connexion refusée"
    )
    assert_no_secret(error)


def test_a_database_that_does_not_exist_is_a_french_error_without_the_password(
    database_url: str, tmp_path: Path
) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        address = f"sqlite:///file:{tmp_path}/absent/registre.sqlite3?mode=rw&uri=true"
        expected = "impossible d'ouvrir le fichier"
    else:
        missing = url.set(database="gouvernance_absente", password="p@ss")
        address = missing.render_as_string(hide_password=False)
        expected = "la base « gouvernance_absente » n'existe pas. Créez-la"
    with pytest.raises(ServiceUnavailable) as refused:
        bootstrap(address)
    assert refused.value.field == URL_VARIABLE
    assert expected in refused.value.message
    assert_no_secret(refused.value)


def test_a_folder_the_service_cannot_create_is_a_french_error(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(ServiceUnavailable) as refused:
        bootstrap(f"sqlite:///{blocker}/registre.sqlite3")
    assert "impossible de créer le fichier de la base" in refused.value.message
    assert refused.value.field == URL_VARIABLE


def test_a_file_that_is_not_a_database_is_a_french_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"ceci n'est pas une base SQLite, mais un texte assez long " * 20)
    with pytest.raises(InvalidInput) as refused:
        bootstrap(f"sqlite:///{path}")
    assert "n'est pas une base SQLite" in refused.value.message


# --- read-only databases ----------------------------------------------------------------------


def test_a_read_only_database_at_the_latest_revision_opens_reads_and_refuses_writes(
    app: Application, read_only_url: str
) -> None:
    reader = bootstrap(read_only_url)  # migrations: nothing to do, so nothing written
    assert setup.ensure_default_categories(reader.uows) == 0
    assert len(setup.list_categories(reader.uows)) == len(default_categories())
    with pytest.raises(ReadOnlyStorage) as refused:
        setup.add_category(reader.uows, SYSTEM, "ressourcerie", "Ressourcerie")
    assert refused.value.status == 503
    assert "lecture seule : rien n'a été enregistré" in refused.value.message
    reader.close()
    assert "ressourcerie" not in {c.code for c in setup.list_categories(app.uows)}


def test_a_read_only_database_that_needs_migrating_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ancienne.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
    engine.dispose()
    with pytest.raises(ReadOnlyStorage) as refused:
        bootstrap(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert "doit être mise à jour (migrations)" in refused.value.message
    assert refused.value.field == URL_VARIABLE


def test_a_database_from_a_newer_version_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    bootstrap(f"sqlite:///{path}").close()
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_futur'"))
    engine.dispose()
    with pytest.raises(InvalidInput) as refused:
        bootstrap(f"sqlite:///{path}")
    assert "révision « 9999_futur », inconnue de cette version" in refused.value.message


# --- losing the database while running --------------------------------------------------------


def test_a_database_lost_while_running_is_a_french_503_and_the_next_request_recovers(
    app: Application, tmp_path: Path
) -> None:
    """PostgreSQL: the server ends the connection in the middle of a unit of work. SQLite: the
    database's folder disappears (moved away) between two requests."""
    engine = engine_of(app)
    if engine.dialect.name == "postgresql":
        uows = cast(SqlAlchemyUnitOfWorkFactory, app.uows)
        with pytest.raises(ServiceUnavailable) as lost, uows() as uow:
            uow.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
    else:
        engine.dispose()
        moved = tmp_path.with_name(tmp_path.name + "-ailleurs")
        tmp_path.rename(moved)
        try:
            with pytest.raises(ServiceUnavailable) as lost:
                setup.list_categories(app.uows)
        finally:
            moved.rename(tmp_path)
    assert "la base de données est injoignable : rien n'a été enregistré" in lost.value.message
    assert lost.value.status == 503
    assert len(setup.list_categories(app.uows)) == len(default_categories())


def test_a_read_only_database_is_known_as_such_when_the_server_starts(
    app: Application, read_only_url: str
) -> None:
    assert not app.refuses_writes()
    reader = bootstrap(read_only_url, migrate=False)
    try:
        assert reader.refuses_writes()
    finally:
        reader.close()
