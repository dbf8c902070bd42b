"""Database faults a person can act on, in French, with the password never shown.

Two moments: opening the database (``connection_failure``: wrong password, server down, unknown
database…) and running (``infrastructure_fault``: disk full, read-only file or standby server,
connection lost). Driver messages can quote the address, password included (psycopg repeats
the connection string when it cannot parse it): every text taken from a driver goes through
``scrub`` first, and addresses through ``redact``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from gouvernance.domain.errors import (
    GouvernanceError,
    InvalidInput,
    ReadOnlyStorage,
    ServiceUnavailable,
)

URL_VARIABLE = "GOUVERNANCE_DATABASE_URL"
HIDDEN = "***"

READ_ONLY = (
    "la base de données est en lecture seule : rien n'a été enregistré ; la consultation reste "
    "possible. Un administrateur doit vérifier les droits d'écriture sur le fichier de la base "
    "et sur son dossier (SQLite), ou que le serveur PostgreSQL accepte les écritures "
    "(serveur principal, transaction non « read only »)"
)
DISK_FULL = (
    "le disque de la base de données est plein : rien n'a été enregistré ; libérez de la place "
    "sur le serveur de la base puis réessayez"
)
UNREACHABLE = (
    "la base de données est injoignable : rien n'a été enregistré ; réessayez dans un instant. "
    "Si cela dure, un administrateur doit vérifier que le serveur de base de données fonctionne "
    "et que le fichier ou le serveur désigné par GOUVERNANCE_DATABASE_URL est accessible"
)
DISK_ERROR = (
    "le disque de la base de données renvoie une erreur de lecture ou d'écriture : rien n'a été "
    "enregistré ; un administrateur doit vérifier le disque du serveur"
)

# SQLite primary result codes (the low byte of the extended code Python reports).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14
_SQLITE_NOTADB = 26
# PostgreSQL SQLSTATE: class 08 (connection), 53 (resources), 57P (shutdown), 25006 read-only.
_PG_READ_ONLY = {"25006"}
_PG_DISK_FULL = {"53100"}
_PG_GONE = ("08", "57P", "53300")

_AFTER_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<rest>.*)$", re.DOTALL)


def redact(url: str | URL) -> str:
    """The address with the password replaced by ``***``, even when it cannot be parsed."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    text = url.strip()
    if "@" not in text:
        return text[:200]
    try:
        parsed = make_url(text)
        if parsed.host is None or "@" not in parsed.host:
            return parsed.render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        pass
    # Unparsable, or an « @ » left unencoded in the password: hide everything up to the last
    # « @ », user included, rather than guess where the password ends.
    match = _AFTER_SCHEME.match(text)
    scheme, rest = (match["scheme"], match["rest"]) if match else ("", text)
    return f"{scheme}{HIDDEN}@{rest.rsplit('@', 1)[1]}"[:200]


def scrub(text: str, url: str | URL | None) -> str:
    """``text`` with every spelling of the address's password (plain, percent-encoded) removed."""
    if url is None:
        return text
    secrets = _password_spellings(url)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text


def _password_spellings(url: str | URL) -> set[str]:
    raw: str | None = None
    password: str | None = None
    if isinstance(url, URL):
        password = url.password if isinstance(url.password, str) else None
    else:
        try:
            parsed = make_url(url.strip())
            password = parsed.password if isinstance(parsed.password, str) else None
        except (ArgumentError, ValueError):
            password = None
        match = _AFTER_SCHEME.match(url.strip())
        authority = (match["rest"] if match else url).rsplit("@", 1)
        if len(authority) == 2 and ":" in authority[0]:
            raw = authority[0].split(":", 1)[1]
    found = {s for s in (password, raw) if s}
    spellings = set(found)
    for secret in found:
        spellings |= {quote(secret, safe=""), quote_plus(secret), quote(secret)}
    return {s for s in spellings if s}


def fault_kind(error: BaseException) -> str | None:
    """« read_only », « disk_full », « unreachable », « disk_error », or None (not ours)."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return "unreachable"
        error = error.orig if error.orig is not None else error
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int):
        return {
            _SQLITE_READONLY: "read_only",
            _SQLITE_FULL: "disk_full",
            _SQLITE_CANTOPEN: "unreachable",
            _SQLITE_IOERR: "disk_error",
        }.get(sqlite_code & 0xFF)
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str):
        if sqlstate in _PG_READ_ONLY:
            return "read_only"
        if sqlstate in _PG_DISK_FULL:
            return "disk_full"
        if sqlstate.startswith(_PG_GONE):
            return "unreachable"
        return None
    if type(error).__module__.startswith("psycopg") and type(error).__name__ == "OperationalError":
        # No SQLSTATE: the client library itself lost or could not open the connection.
        return "unreachable"
    return None


def infrastructure_fault(error: BaseException) -> ServiceUnavailable | None:
    """The French 503 for a fault met while running, or None when the error is not one."""
    kind = fault_kind(error)
    if kind == "read_only":
        return ReadOnlyStorage(READ_ONLY, retry_after=300)
    if kind == "disk_full":
        return ServiceUnavailable(DISK_FULL, retry_after=300)
    if kind == "disk_error":
        return ServiceUnavailable(DISK_ERROR, retry_after=300)
    if kind == "unreachable":
        return ServiceUnavailable(UNREACHABLE, retry_after=30)
    return None


# What the driver said at connection time (English, or French when the server speaks it),
# and what to tell the person who wrote the address.
_CONNECTION_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("password authentication failed", "authentification par mot de passe"),
        "mot de passe refusé. Vérifiez l'utilisateur et le mot de passe de l'adresse ; un "
        "caractère spécial du mot de passe s'écrit encodé (@ → %40, % → %25, : → %3A, / → %2F, "
        "# → %23, ? → %3F)",
    ),
    (
        ("no password supplied", "aucun mot de passe"),
        "le serveur demande un mot de passe : écrivez-le dans l'adresse "
        "(postgresql://utilisateur:motdepasse@hôte:5432/base)",
    ),
    (
        ("connection refused", "connexion refusée"),
        "connexion refusée : aucun serveur PostgreSQL n'écoute à cette adresse et sur ce port. "
        "Démarrez-le, ou corrigez l'hôte et le port de l'adresse",
    ),
    (
        (
            "could not translate host name",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "failed to resolve host",
            "n'a pas pu traduire le nom d'hôte",
        ),
        "hôte inconnu : vérifiez le nom du serveur dans l'adresse",
    ),
    (
        ("timeout expired", "timed out", "délai"),
        "le serveur ne répond pas (délai dépassé) : vérifiez l'adresse, le pare-feu, et que le "
        "serveur fonctionne",
    ),
    (
        ("no pg_hba.conf entry", "pg_hba.conf"),
        "le serveur refuse cette connexion (pg_hba.conf) : un administrateur de PostgreSQL doit "
        "l'autoriser pour cet utilisateur, cette base et cette machine",
    ),
    (
        ("the database system is starting up", "is shutting down", "en cours de démarrage"),
        "le serveur PostgreSQL démarre ou s'arrête : réessayez dans un instant",
    ),
    (
        ("too many clients", "trop de clients"),
        "le serveur PostgreSQL a atteint son nombre maximal de connexions : réessayez plus tard",
    ),
    (
        ("permission denied for database", "droit refusé pour la base"),
        "ce rôle n'a pas le droit de se connecter à cette base (CONNECT) : donnez-le-lui avec "
        "« gouvernance db roles », lancé avec l'adresse du propriétaire des tables",
    ),
    (
        ("permission denied", "droit refusé"),
        "ce rôle n'a pas les droits nécessaires sur les tables : donnez-les-lui avec "
        "« gouvernance db roles », lancé avec l'adresse du propriétaire des tables",
    ),
    (
        ("unable to open database file",),
        "impossible d'ouvrir le fichier : vérifiez que son dossier existe et que le service a "
        "le droit d'y lire et d'y écrire",
    ),
)


def connection_failure(error: BaseException, url: URL) -> GouvernanceError:
    """Why the database at ``url`` could not be opened, in French, with what to do."""
    where = f"impossible de se connecter à la base {redact(url)}"
    orig = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    detail = str(orig)
    lowered = detail.lower()
    if re.search(r"database .* does not exist|la base de données .* n'existe pas", lowered):
        name = url.database or ""
        return ServiceUnavailable(
            f"{where} : la base « {name} » n'existe pas. Créez-la (createdb {name}) ou corrigez "
            "son nom dans l'adresse",
            field=URL_VARIABLE,
        )
    if re.search(r"role .* does not exist|le rôle .* n'existe pas", lowered):
        return ServiceUnavailable(
            f"{where} : l'utilisateur « {url.username or ''} » n'existe pas sur ce serveur. "
            "Créez-le ou corrigez l'adresse",
            field=URL_VARIABLE,
        )
    for needles, explanation in _CONNECTION_CAUSES:
        if any(needle in lowered for needle in needles):
            return ServiceUnavailable(f"{where} : {explanation}", field=URL_VARIABLE)
    if getattr(orig, "sqlite_errorcode", 0) & 0xFF == _SQLITE_NOTADB:
        return InvalidInput(
            f"{where} : ce fichier n'est pas une base SQLite ; corrigez le chemin",
            field=URL_VARIABLE,
        )
    if "connection option" in lowered or "bad value" in lowered or "invalid dsn" in lowered:
        return InvalidInput(
            f"{where} : un paramètre de connexion est invalide ({_first_line(detail, url)}) ; "
            "corrigez ce qui suit le « ? » de l'adresse",
            field=URL_VARIABLE,
        )
    fault = infrastructure_fault(error)
    if isinstance(fault, ReadOnlyStorage):
        return ReadOnlyStorage(
            f"{where} : la base est en lecture seule et doit être mise à jour (migrations). "
            "Rendez-la modifiable le temps de lancer « gouvernance init », puis remettez-la en "
            "lecture seule si vous le souhaitez",
            field=URL_VARIABLE,
        )
    if fault is not None and fault.message != UNREACHABLE:
        return ServiceUnavailable(f"{where} : {fault.message}", field=URL_VARIABLE)
    return ServiceUnavailable(
        f"{where} : {_first_line(detail, url)}. Vérifiez l'adresse et que le serveur fonctionne",
        field=URL_VARIABLE,
    )


def _first_line(detail: str, url: URL) -> str:
    line = scrub(detail, url).strip().splitlines()[0] if detail.strip() else "erreur inconnue"
    return line.removeprefix("connection failed: ")[:300]
