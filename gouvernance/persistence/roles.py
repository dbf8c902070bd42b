"""PostgreSQL: an owner that migrates, an application role that owns nothing.

The append-only triggers hold against the application only if it cannot switch them off: the
owner of a table may ``ALTER TABLE … DISABLE TRIGGER``, ``DROP TRIGGER`` or ``TRUNCATE``. So the
tables belong to one role (the owner, which runs the migrations: ``gouvernance init`` with
``GOUVERNANCE_DATABASE_OWNER_URL``), and the service connects as another (by default
``gouvernance_app``) that may only read and write rows: ``CONNECT`` on the database, ``USAGE``
on the schema, ``SELECT, INSERT, UPDATE, DELETE`` on the tables, ``USAGE, SELECT`` on the
sequences, the same on the tables future migrations create (``ALTER DEFAULT PRIVILEGES``) —
never ``TRUNCATE``, ``TRIGGER``, ``REFERENCES``, ``CREATE`` on the schema, nor ownership or
membership of the owner.

``role_statements`` writes the SQL (``gouvernance db roles --print``: a DBA may run it by hand);
``grant_application_role`` runs it on the owner's connection, after checking that an existing
role of that name is fit (not a superuser, not the owner, not a member of it, owning nothing).
Every statement can be run again: the role is created only if missing, the rights granted or
revoked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from gouvernance.domain.errors import InvalidInput, ServiceUnavailable
from gouvernance.persistence.faults import HIDDEN, redact, scrub

DEFAULT_ROLE = "gouvernance_app"
ROLE_FIELD = "--role"
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
FORBIDDEN_RIGHTS = "TRUNCATE, REFERENCES, TRIGGER"
SEQUENCE_RIGHTS = "USAGE, SELECT"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_INSUFFICIENT_PRIVILEGE = "42501"


@dataclass(frozen=True)
class RoleGrant:
    """What ``grant_application_role`` did: the statements (password hidden) and where."""

    role: str
    owner: str
    database: str
    schema: str
    created: bool
    statements: tuple[str, ...]
    application_url: str  # the service's address, password hidden


def checked_role(role: str) -> str:
    """A role name PostgreSQL folds to itself: lower-case letters, digits, « _ »."""
    if not _NAME.fullmatch(role):
        raise InvalidInput(
            f"nom de rôle invalide : « {role} » ; lettres minuscules sans accent, chiffres et "
            "« _ », 63 caractères au plus, sans chiffre au début (par exemple gouvernance_app)",
            field=ROLE_FIELD,
        )
    return role


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def role_statements(
    role: str,
    *,
    database: str,
    owner: str | None,
    schema: str = "public",
    password: str | None = None,
) -> list[str]:
    """The statements, in order, each ending with « ; ». ``owner`` is the role that creates the
    tables (migrations); None: the one running the statements."""
    name = _identifier(checked_role(role))
    where = _identifier(schema)
    future = f"ALTER DEFAULT PRIVILEGES{f' FOR ROLE {_identifier(owner)}' if owner else ''} "
    statements = [
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = "
        f"{_literal(role)}) THEN CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        "NOREPLICATION NOBYPASSRLS; END IF; END $$;",
    ]
    if password is not None:
        statements.append(f"ALTER ROLE {name} LOGIN PASSWORD {_literal(password)};")
    statements += [
        f"GRANT CONNECT ON DATABASE {_identifier(database)} TO {name};",
        f"REVOKE CREATE ON SCHEMA {where} FROM PUBLIC;",
        f"REVOKE CREATE ON SCHEMA {where} FROM {name};",
        f"GRANT USAGE ON SCHEMA {where} TO {name};",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {where} TO {name};",
        f"REVOKE {FORBIDDEN_RIGHTS} ON ALL TABLES IN SCHEMA {where} FROM {name};",
        f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {where} TO {name};",
        f"{future}IN SCHEMA {where} GRANT {TABLE_RIGHTS} ON TABLES TO {name};",
        f"{future}IN SCHEMA {where} REVOKE {FORBIDDEN_RIGHTS} ON TABLES FROM {name};",
        f"{future}IN SCHEMA {where} GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {name};",
    ]
    return statements


def hide_password(statement: str, password: str | None) -> str:
    if password is None:
        return statement
    return statement.replace(_literal(password), f"'{HIDDEN}'")


def require_postgresql(url: URL) -> None:
    if url.get_backend_name() != "postgresql":
        raise InvalidInput(
            "les rôles n'existent que sous PostgreSQL ; une base SQLite est protégée par les "
            "droits de son fichier (lisible et modifiable par le seul compte du service)",
            field="--database",
        )


def printed_statements(url: URL, role: str, password: str | None) -> list[str]:
    """The script a DBA runs by hand on the owner's connection, from the address alone (no
    connection): comments first, then the statements."""
    require_postgresql(url)
    if not url.database:
        raise InvalidInput(
            f"l'adresse {redact(url)} ne nomme pas de base : écrivez-la après le dernier « / »",
            field="--database",
        )
    owner = url.username or None
    who = f"« {owner} », propriétaire des tables" if owner else "le propriétaire des tables"
    header = [
        f"-- Rôle applicatif « {checked_role(role)} » de Gouvernance : lit et écrit des lignes,",
        "-- ne possède rien, ne peut ni vider une table ni toucher à ses déclencheurs.",
        f"-- À exécuter sur la base « {url.database} », connecté en tant que {who}",
        "-- (ou superutilisateur). Chaque instruction peut être rejouée.",
    ]
    if password is None:
        header.append(f"-- Mot de passe : dans psql, \\password {role}")
    return header + role_statements(role, database=url.database, owner=owner, password=password)


def grant_application_role(engine: Engine, role: str, password: str | None) -> RoleGrant:
    """Create (if missing) and grant the application role, on the owner's connection."""
    require_postgresql(engine.url)
    checked_role(role)
    try:
        with engine.begin() as connection:
            database, schema, current = connection.execute(
                text("SELECT current_database(), current_schema(), current_user")
            ).one()
            owner = connection.scalar(
                text(
                    "SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = "
                    "current_schema() AND tablename = 'alembic_version'"
                )
            )
            owner = owner or current
            existing = connection.execute(
                text(
                    "SELECT rolsuper, rolbypassrls, rolcreaterole, "
                    "pg_has_role(oid, (SELECT oid FROM pg_roles WHERE rolname = :owner), "
                    "'MEMBER'), EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relowner "
                    "= r.oid AND c.relnamespace = current_schema()::regnamespace) "
                    "FROM pg_catalog.pg_roles r WHERE rolname = :role"
                ),
                {"role": role, "owner": owner},
            ).one_or_none()
            _check_fit(role, owner, existing)
            statements = role_statements(
                role, database=database, owner=owner, schema=schema, password=password
            )
            escape = connection.dialect.paramstyle in ("format", "pyformat")  # psycopg: %s
            for statement in statements:
                connection.exec_driver_sql(statement.replace("%", "%%") if escape else statement)
    except DBAPIError as error:
        raise _refused(error, engine.url) from None
    shown = tuple(hide_password(statement, password) for statement in statements)
    application = engine.url.set(
        drivername="postgresql", username=role, password=None if password is None else HIDDEN
    )  # rendered with the password hidden: « *** », not its percent-encoding
    return RoleGrant(
        role=role,
        owner=owner,
        database=database,
        schema=schema,
        created=existing is None,
        statements=shown,
        application_url=application.render_as_string(hide_password=True),
    )


def _check_fit(role: str, owner: str, existing: tuple[bool, ...] | None) -> None:
    if role == owner:
        raise InvalidInput(
            f"« {role} » est le propriétaire des tables : le rôle applicatif doit en être un "
            "autre, qui ne possède rien",
            field=ROLE_FIELD,
        )
    if existing is None:
        return
    superuser, bypass, create_role, member, owns = existing
    reasons = [
        reason
        for flag, reason in (
            (superuser, "c'est un superutilisateur"),
            (bypass, "il contourne la sécurité par ligne (BYPASSRLS)"),
            (create_role, "il peut créer des rôles (CREATEROLE)"),
            (member, f"il est membre du propriétaire « {owner} » et hérite de ses droits"),
            (owns, "il possède des objets du schéma"),
        )
        if flag
    ]
    if reasons:
        raise InvalidInput(
            f"le rôle « {role} » existe déjà mais ne convient pas comme rôle applicatif : "
            f"{' ; '.join(reasons)}. Choisissez un autre nom (--role), ou corrigez-le "
            f"(ALTER ROLE {role} NOSUPERUSER NOBYPASSRLS NOCREATEROLE ; REVOKE {owner} FROM "
            f"{role} ; REASSIGN OWNED BY {role} TO {owner})",
            field=ROLE_FIELD,
        )


def _refused(error: DBAPIError, url: URL) -> ServiceUnavailable:
    detail = scrub(str(error.orig or error), url).strip().splitlines()
    first = detail[0] if detail else type(error).__name__
    if getattr(error.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
        return ServiceUnavailable(
            f"le rôle « {url.username or ''} » n'a pas le droit de créer ou d'équiper le rôle "
            f"applicatif ({first}). Lancez la commande avec l'adresse du propriétaire des "
            "tables, ou faites exécuter par un administrateur de PostgreSQL les instructions "
            "qu'affiche « gouvernance db roles --print »",
            field="--database",
        )
    return ServiceUnavailable(
        f"le rôle applicatif n'a pas pu être créé : {first}", field="--database"
    )
