"""Engines: the embedded SQLite file by default, PostgreSQL when a URL says so.

Any address SQLAlchemy reads is accepted (percent-encoded passwords, SQLite URIs with their
parameters); anything else is a French error naming ``GOUVERNANCE_DATABASE_URL``, password
hidden. The SQLite file, and the folder created for it, are readable by their owner only: the
register holds people's addresses and payments.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from gouvernance.domain.errors import InvalidInput, ServiceUnavailable
from gouvernance.persistence.faults import URL_VARIABLE, redact

DEFAULT_PATH = Path("data") / "gouvernance.sqlite3"
FORMS = (
    "sqlite:///data/gouvernance.sqlite3 (chemin relatif), sqlite:////srv/gouvernance.sqlite3 "
    "(chemin absolu) ou postgresql://utilisateur:motdepasse@127.0.0.1:5432/gouvernance"
)
ENCODING = "un caractère spécial du mot de passe s'écrit encodé (@ → %40, % → %25, : → %3A)"
_BACKENDS = ("sqlite", "postgresql")
_TRUE = {"true", "1", "yes", "on", "y", "t"}

__all__ = [
    "DEFAULT_PATH",
    "URL_VARIABLE",
    "database_url",
    "make_engine",
    "parse_database_url",
    "reading",
]

# Connections kept per process. Twenty clients at once each hold one for their request (the
# token check and the request's own work take it in turn). A connection beyond ``pool_size`` is
# closed when given back: on PostgreSQL each one reopened costs the server a new process (a few
# milliseconds), so the pool keeps as many as the clients a busy assembly brings; at most 30 a
# process, since ``gouvernance serve --workers N`` multiplies them (max_connections: 100).
SQLITE_POOL = {"pool_size": 20, "max_overflow": 20}
POSTGRESQL_POOL = {"pool_size": 24, "max_overflow": 6}

# PostgreSQL on this machine (loopback, Unix socket): no ping before each checkout, a round trip
# per unit of work (two per API request) for a connection that only a server restart ends; then
# one unit of work meets the French « injoignable » (503), SQLAlchemy drops the pool's older
# connections, and the next request reconnects. A remote server, behind firewalls that cut idle
# connections, keeps the ping. Either way a connection is renewed after an hour.
RECYCLE = 3600
_LOOPBACK = {"localhost", "::1", "[::1]"}


def is_nearby(url: URL) -> bool:
    """SQLite, or PostgreSQL through a Unix socket or the loopback: a query's wait is a few
    dozen microseconds, not a network's round trip."""
    return url.get_backend_name() == "sqlite" or _local(url)


def _local(url: URL) -> bool:
    host = url.host or ""
    return host == "" or host.startswith(("/", "127.")) or host in _LOOPBACK


# Set while a request that only reads is served (``reading``): on SQLite its transactions
# begin DEFERRED and run side by side; a writer's begin IMMEDIATE (below).
_READING: ContextVar[bool] = ContextVar("gouvernance_reading", default=False)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside (in this thread, or in threads started from this context,
    as the API's request threads are) are expected to read only. On SQLite they begin
    deferred: readers no longer wait for each other, nor for a writer (WAL). A write there
    still works (SQLite takes the lock then), but may meet « la base est occupée » if
    another writer committed in between: code that writes opens its own transaction."""
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


def is_reading() -> bool:
    """Whether the current request only reads (``reading``)."""
    return _READING.get()


def database_url(url: str | None = None) -> str:
    """The URL given, else ``$GOUVERNANCE_DATABASE_URL``, else ``./data/gouvernance.sqlite3``."""
    return parse_database_url(url).render_as_string(hide_password=False)


def parse_database_url(url: str | None = None) -> URL:
    """The address checked and normalised (``postgresql://`` uses psycopg), or a French error."""
    chosen = (url or os.environ.get(URL_VARIABLE) or "").strip()
    if not chosen:
        return URL.create("sqlite", database=str(DEFAULT_PATH))
    if "://" not in chosen:
        hint = "" if "@" in chosen else f" (pour un fichier : sqlite:///{chosen})"
        raise _invalid(
            f"adresse de base de données invalide : « {redact(chosen)} » est illisible{hint}"
        )
    try:
        parsed = make_url(chosen)
    except (ArgumentError, ValueError):
        raise _invalid(
            f"adresse de base de données invalide : « {redact(chosen)} » est illisible ; {ENCODING}"
        ) from None
    if parsed.host and "@" in parsed.host:
        raise _invalid(
            f"adresse de base de données ambiguë : « {redact(chosen)} » contient un « @ » de "
            f"trop ; {ENCODING}"
        )
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql") and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
        backend = "postgresql"
    if backend not in _BACKENDS:
        raise _invalid(f"type de base non pris en charge : « {backend} » ({redact(parsed)})")
    driver = parsed.get_driver_name()
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        raise _invalid(f"pilote de base de données inconnu : « {driver} »") from None
    if dialect.is_async:
        raise _invalid(f"pilote asynchrone non pris en charge : « {driver} »")
    try:
        dialect.import_dbapi()
    except ImportError:
        raise _invalid(
            f"le pilote « {driver} » n'est pas installé : installez-le, ou écrivez "
            f"{backend}:// pour le pilote fourni"
        ) from None
    if backend == "sqlite" and (parsed.username or parsed.password or parsed.host or parsed.port):
        raise _invalid(
            f"une adresse SQLite n'a ni utilisateur, ni mot de passe, ni serveur : "
            f"« {redact(parsed)} »"
        )
    return parsed


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(f"{message}. Formes acceptées : {FORMS}", field=URL_VARIABLE)


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite address opens (None: in memory), URI form (``?uri=true``) included."""
    database = url.database or ""
    if _flag(url, "uri") and database.startswith("file:"):
        if _query(url, "mode") == "memory":
            return None
        path = database.removeprefix("file:")
        if path.startswith("//"):  # file://[localhost]/absolute/path
            path = "/" + path[2:].partition("/")[2]
        database = unquote(path)  # SQLite percent-decodes URI paths itself
    return None if database in ("", ":memory:") else Path(database)


def _flag(url: URL, key: str) -> bool:
    return (_query(url, key) or "").lower() in _TRUE


def _query(url: URL, key: str) -> str | None:
    value = url.query.get(key)
    if isinstance(value, tuple):
        value = value[-1] if value else None
    return value


def make_engine(url: str | None = None) -> Engine:
    """An engine on the address; nothing connects yet (``bootstrap`` does, and explains)."""
    parsed = parse_database_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(parsed)
        return create_engine(
            parsed, pool_pre_ping=not _local(parsed), pool_recycle=RECYCLE, **POSTGRESQL_POOL
        )
    except (ArgumentError, NoSuchModuleError, ValueError, TypeError):
        raise _invalid(f"adresse de base de données invalide : « {redact(parsed)} »") from None


def _sqlite_engine(url: URL) -> Engine:
    path = sqlite_file(url)
    creates = not _flag(url, "uri") or _query(url, "mode") in (None, "rwc")
    if path is not None and creates:
        _create_private(path)
    connect_args: dict[str, Any] = {} if "timeout" in url.query else {"timeout": 30}
    # A file gets a pool of connections; in memory, SQLAlchemy keeps one per thread.
    pool: dict[str, Any] = SQLITE_POOL if path is not None else {}
    engine = create_engine(url, connect_args=connect_args, **pool)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        _sqlite_pragmas(dbapi_connection)
        if path is not None:
            _private_companions(path)

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def _create_private(path: Path) -> None:
    """Create the folder (0o700) and the empty file (0o600) before SQLite would, umask aside."""
    folder = path.parent
    try:
        if not folder.exists():
            try:
                folder.mkdir(parents=True, mode=0o700)
                os.chmod(folder, 0o700)
            except FileExistsError:
                pass
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as error:
        raise ServiceUnavailable(
            f"impossible de créer le fichier de la base « {path} » : "
            f"{error.strerror or error}. Choisissez un dossier où le service a le droit "
            "d'écrire, ou créez-le",
            field=URL_VARIABLE,
        ) from None
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def _private_companions(path: Path) -> None:
    """The -wal and -shm files get no more rights than the database file (SQLite does the
    same; this holds even if a copy or an old version left them wider)."""
    try:
        allowed = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            current = stat.S_IMODE(companion.stat().st_mode)
            if current & ~allowed:
                os.chmod(companion, current & allowed)
        except OSError:
            continue


def _sqlite_pragmas(dbapi_connection: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself, so that writers take the lock up front (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's lower() folds ASCII only; searches must find « Élodie » from « élodie ».
    dbapi_connection.create_function("gv_fold", 1, _fold, deterministic=True)
    dbapi_connection.create_function("gv_plain", 1, _plain, deterministic=True)


def _fold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


# Searching a name as typed at a door: « elodie » finds « Élodie ». The letters of French
# names, in both cases; PostgreSQL does the same with translate() (persistence/assemblies.py).
ACCENTED = "àâäéèêëîïôöùûüÿçÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇ"
UNACCENTED = "aaaeeeeiioouuuycAAAEEEEIIOOUUUYC"
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"}
_UNACCENT = str.maketrans(ACCENTED, UNACCENTED)


def plain_text(text: str) -> str:
    """``text`` without the accents and ligatures above, then casefolded."""
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return text.translate(_UNACCENT).casefold()


def _plain(text: str | None) -> str | None:
    return None if text is None else plain_text(text)


# What a member search looks in: the names, then the code and the SIREN on lines of their own,
# lower-cased and unaccented by the database, as ``plain_text`` does a search term. PostgreSQL
# indexes this very expression (GIN, pg_trgm: migration 0011, where SQLite's twin lives).
SEARCH_KEY_TEXT = (
    "members.name || ' ' || members.first_name || ' ' || members.last_name || E'\\n' || "
    "members.code || E'\\n' || coalesce(members.siren, '')"
)


def postgresql_search_key() -> str:
    """The SQL of the key on PostgreSQL, as migration 0011 wrote it in ``ix_members_search``."""
    expression = f"translate(lower({SEARCH_KEY_TEXT}), '{ACCENTED}', '{UNACCENTED}')"
    for ligature, letters in LIGATURES.items():
        if ligature.islower():
            expression = f"replace({expression}, '{ligature}', '{letters}')"
    return expression


def _sqlite_begin_immediate(connection: Any) -> None:
    """BEGIN IMMEDIATE: a transaction that will write waits for the lock instead of failing.
    Inside ``reading()``, a plain (deferred) BEGIN: a reader takes no lock at all."""
    # Straight to the driver: SQLAlchemy's statement machinery (events, context, result) would
    # cost a read more than its own query does (≈ 60 µs against 5).
    statement = "BEGIN" if _READING.get() else "BEGIN IMMEDIATE"
    connection.connection.driver_connection.execute(statement)


def refuses_writes(engine: Engine) -> bool:
    """Whether the database is read-only for this application: a PostgreSQL standby or one
    whose sessions are read-only by default; a SQLite file (or its folder) without write
    rights. Asked once when the server starts: such a database keeps sign-ins in the memory of
    one process (``services/access/memory_tokens.py``)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            recovery, read_only = connection.execute(
                text("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')")
            ).one()
        return bool(recovery) or read_only == "on"
    path = sqlite_file(engine.url)
    if path is None:
        return False
    opened_read_only = _flag(engine.url, "uri") and _query(engine.url, "mode") == "ro"
    return opened_read_only or not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
