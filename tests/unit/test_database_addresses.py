"""Database addresses read as written, refused in French, and never showing the password.

No database here: parsing (``parse_database_url``, ``sqlite_file``), redaction (``redact``,
``scrub``), and the French explanation of driver errors (``connection_failure``,
``infrastructure_fault``) built from real driver exception classes.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import psycopg.errors
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InternalError, OperationalError

from gouvernance.domain.errors import InvalidInput, ReadOnlyStorage, ServiceUnavailable
from gouvernance.persistence.database import (
    DEFAULT_PATH,
    URL_VARIABLE,
    database_url,
    parse_database_url,
    sqlite_file,
)
from gouvernance.persistence.faults import (
    connection_failure,
    infrastructure_fault,
    redact,
    scrub,
)
from gouvernance.services.access import memory_tokens

SECRETS = ("p@ss", "p%40ss", "secretXYZ")


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"« {secret} » apparaît dans : {text}"


def wrapped(orig: Exception, kind: type[DBAPIError] = OperationalError) -> DBAPIError:
    """A driver error as SQLAlchemy hands it over."""
    return kind("SELECT 1", {}, orig)


# --- reading addresses ------------------------------------------------------------------------


def test_a_percent_encoded_password_reaches_the_driver_decoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    url = parse_database_url("postgresql://postgres:p%40ss@127.0.0.1:5432/x")
    assert url.password == "p@ss"
    assert url.drivername == "postgresql+psycopg"
    assert url.database == "x"


def test_the_variable_is_read_when_no_address_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_VARIABLE, "postgres://gouv:secretXYZ@127.0.0.1/registre")
    url = parse_database_url()
    assert (url.drivername, url.username, url.password) == (
        "postgresql+psycopg",
        "gouv",
        "secretXYZ",
    )


def test_without_any_address_the_embedded_file_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    url = parse_database_url()
    assert url.drivername == "sqlite"
    assert sqlite_file(url) == DEFAULT_PATH == Path("data/gouvernance.sqlite3")


def test_a_sqlite_uri_with_parameters_names_the_file_it_opens() -> None:
    url = parse_database_url("sqlite:///file:data/x.sqlite3?mode=rwc&uri=true")
    assert sqlite_file(url) == Path("data/x.sqlite3")
    absolute = parse_database_url("sqlite:///file:///srv/gouv/x%20y.sqlite3?mode=ro&uri=true")
    assert sqlite_file(absolute) == Path("/srv/gouv/x y.sqlite3")
    assert sqlite_file(parse_database_url("sqlite:///file:mem?mode=memory&uri=true")) is None
    assert sqlite_file(parse_database_url("sqlite://")) is None


@pytest.mark.parametrize(
    ("address", "path"),
    [
        ("sqlite:///path/with%20percent%25.sqlite3", "path/with percent%.sqlite3"),
        ("sqlite:///data/100%.sqlite3", "data/100%.sqlite3"),
        ("sqlite:////srv/taux 5%/registre.sqlite3", "/srv/taux 5%/registre.sqlite3"),
    ],
)
def test_a_sqlite_path_with_percent_signs_is_read_as_written(address: str, path: str) -> None:
    url = parse_database_url(address)
    assert sqlite_file(url) == Path(path)
    # Rendered back (Alembic, logs), it names the same file.
    assert sqlite_file(make_url(database_url(address))) == Path(path)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("garbage", "illisible"),
        ("data/registre.sqlite3", "sqlite:///data/registre.sqlite3"),
        ("mysql://root:secretXYZ@127.0.0.1/gouv", "type de base non pris en charge"),
        ("oracle://u:p%40ss@127.0.0.1/gouv", "type de base non pris en charge"),
        (
            "postgresql+nosuchdriver://u:secretXYZ@127.0.0.1/gouv",
            "pilote de base de données inconnu",
        ),
        ("postgresql+psycopg2://u:secretXYZ@127.0.0.1/gouv", "n'est pas installé"),
        ("postgresql+asyncpg://u:secretXYZ@127.0.0.1/gouv", "asynchrone"),
        ("postgresql://u:secretXYZ@127.0.0.1:port/gouv", "illisible"),
        ("postgresql://u:p@ss@127.0.0.1/gouv", "« @ » de trop"),
        ("postgresql://u:secretXYZ@127.0.0.1:5432:99/gouv", "illisible"),
        ("sqlite://u:secretXYZ@127.0.0.1/registre.sqlite3", "ni utilisateur, ni mot de passe"),
    ],
)
def test_an_invalid_address_is_refused_in_french_without_its_password(
    address: str, expected: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_database_url(address)
    assert refused.value.field == URL_VARIABLE
    assert expected in refused.value.message
    assert "Formes acceptées" in refused.value.message
    assert_no_secret(str(refused.value))


# --- redaction --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        (
            "postgresql://postgres:p%40ss@127.0.0.1:5432/x",
            "postgresql://postgres:***@127.0.0.1:5432/x",
        ),
        ("postgresql://postgres:secretXYZ@127.0.0.1/x", "postgresql://postgres:***@127.0.0.1/x"),
        ("postgresql://postgres:p@ss@127.0.0.1/x", "postgresql://***@127.0.0.1/x"),
        ("postgresql://u:secretXYZ@127.0.0.1:port/x", "postgresql://***@127.0.0.1:port/x"),
        ("sqlite:///data/gouvernance.sqlite3", "sqlite:///data/gouvernance.sqlite3"),
    ],
)
def test_an_address_is_shown_with_its_password_hidden(address: str, shown: str) -> None:
    assert redact(address) == shown
    assert_no_secret(redact(address))


def test_a_driver_message_loses_every_spelling_of_the_password() -> None:
    url = make_url("postgresql+psycopg://postgres:p%40ss@127.0.0.1:5432/x")
    message = (
        'missing "=" after "p@ss" in connection info string; dsn: user=postgres password=p%40ss'
    )
    cleaned = scrub(message, url)
    assert_no_secret(cleaned)
    assert "***" in cleaned
    raw = "could not parse postgresql://u:secretXYZ@host:port/x"
    assert_no_secret(scrub(raw, "postgresql://u:secretXYZ@host:port/x"))


# --- connection failures, explained -----------------------------------------------------------

PG_URL = make_url("postgresql+psycopg://postgres:p%40ss@127.0.0.1:5432/registre")


@pytest.mark.parametrize(
    ("driver_says", "explanation"),
    [
        (
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
            'password authentication failed for user "postgres"',
            "mot de passe refusé",
        ),
        (
            'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
            "Connection refused\n\tIs the server running on that host?",
            "connexion refusée",
        ),
        (
            'connection failed: could not translate host name "db.example" to address: '
            "Name or service not known",
            "hôte inconnu",
        ),
        (
            'connection failed: FATAL:  database "registre" does not exist',
            "la base « registre » n'existe pas. Créez-la (createdb registre)",
        ),
        ('connection failed: FATAL:  role "postgres" does not exist', "l'utilisateur « postgres »"),
        ("connection failed: timeout expired", "le serveur ne répond pas"),
        (
            "connection failed: FATAL:  l'authentification par mot de passe a échoué pour "
            "l'utilisateur « postgres »",
            "mot de passe refusé",
        ),
    ],
)
def test_a_connection_failure_says_why_and_what_to_do_in_french(
    driver_says: str, explanation: str
) -> None:
    error = connection_failure(wrapped(psycopg.OperationalError(driver_says)), PG_URL)
    assert isinstance(error, ServiceUnavailable)
    assert error.field == URL_VARIABLE
    assert error.message.startswith(
        "impossible de se connecter à la base postgresql+psycopg://postgres:***@127.0.0.1:5432/"
    )
    assert explanation in error.message
    assert_no_secret(str(error))


def test_an_unknown_driver_message_is_passed_on_without_the_password() -> None:
    driver_says = "connection failed: something odd with password p@ss (p%40ss)"
    error = connection_failure(wrapped(psycopg.OperationalError(driver_says)), PG_URL)
    assert "something odd" in error.message
    assert_no_secret(str(error))


def test_a_bad_connection_parameter_is_invalid_input() -> None:
    orig = psycopg.ProgrammingError('invalid connection option "bogus"')
    error = connection_failure(wrapped(orig), PG_URL)
    assert isinstance(error, InvalidInput)
    assert "paramètre de connexion est invalide" in error.message


# --- faults met while running -----------------------------------------------------------------


def sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("orig", "kind", "words"),
    [
        (sqlite_error("attempt to write a readonly database", 8), ReadOnlyStorage, "lecture seule"),
        (sqlite_error("attempt to write a readonly database", 1032), ReadOnlyStorage, "lecture"),
        (sqlite_error("database or disk is full", 13), ServiceUnavailable, "plein"),
        (sqlite_error("unable to open database file", 14), ServiceUnavailable, "injoignable"),
        (sqlite_error("disk I/O error", 10), ServiceUnavailable, "erreur de lecture"),
        (psycopg.errors.DiskFull("could not extend file"), ServiceUnavailable, "plein"),
        (psycopg.errors.AdminShutdown("terminating connection"), ServiceUnavailable, "injoignable"),
        (
            psycopg.OperationalError("server closed the connection"),
            ServiceUnavailable,
            "injoignable",
        ),
    ],
)
def test_an_infrastructure_fault_becomes_a_french_503(
    orig: Exception, kind: type[ServiceUnavailable], words: str
) -> None:
    fault = infrastructure_fault(wrapped(orig))
    assert isinstance(fault, kind)
    assert fault.status == 503
    assert words in fault.message
    assert "rien n'a été enregistré" in fault.message


def test_a_read_only_postgresql_transaction_is_the_read_only_fault() -> None:
    orig = psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")
    fault = infrastructure_fault(wrapped(orig, InternalError))
    assert isinstance(fault, ReadOnlyStorage)
    assert fault.code == "lecture_seule"


def test_an_ordinary_sql_error_is_not_taken_for_an_infrastructure_fault() -> None:
    assert infrastructure_fault(wrapped(sqlite_error("no such table: x", 1))) is None
    assert infrastructure_fault(wrapped(psycopg.errors.UndefinedTable("x"))) is None


# --- tokens kept in memory --------------------------------------------------------------------


def test_a_token_kept_in_memory_lasts_until_it_expires() -> None:
    now = datetime(2025, 3, 1, 12, tzinfo=UTC)
    memory_tokens.remember("hash-1", "camille", now + timedelta(hours=1), "argon-hash")
    found = memory_tokens.find("hash-1", now)
    assert found is not None and found.username == "camille"
    assert memory_tokens.find("hash-1", now + timedelta(hours=2)) is None
    assert memory_tokens.find("hash-1", now) is None  # forgotten once seen expired


def test_revoking_an_account_forgets_its_tokens_kept_in_memory() -> None:
    now = datetime(2025, 3, 1, 12, tzinfo=UTC)
    memory_tokens.remember("hash-2", "dominique", now + timedelta(hours=1), "h")
    memory_tokens.remember("hash-3", "eliott", now + timedelta(hours=1), "h")
    memory_tokens.forget_user("dominique")
    assert memory_tokens.find("hash-2", now) is None
    assert memory_tokens.find("hash-3", now) is not None
    memory_tokens.forget("hash-3")
    assert memory_tokens.find("hash-3", now) is None
