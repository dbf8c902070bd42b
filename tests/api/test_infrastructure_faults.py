"""Infrastructure faults reach a client as a French 503 saying what to do, never a bare 500.

A read-only database (SQLite ``mode=ro``, a PostgreSQL session in read-only transactions) still
lets people sign in and read; a full disk (SQLite's ``max_page_count``) and an unreachable
database refuse the request with nothing written.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.app import create_app
from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.uow import SqlAlchemyUnitOfWorkFactory
from gouvernance.services.access import accounts
from gouvernance.services.organisation.setup import ensure_default_categories
from gouvernance.services.registry import members

USERNAME = "lectrice"
PASSWORD = "mot-de-passe-lectrice"
NEW_MEMBER = {
    "kind": "natural",
    "category": "employee",
    "joined_on": "2025-01-15",
    "first_name": "Alix",
    "last_name": "Nouvelle",
}


def sign_in(client: TestClient, password: str = PASSWORD) -> Any:
    return client.post("/auth/token", data={"username": USERNAME, "password": password})


def bearer(client: TestClient) -> dict[str, str]:
    response = sign_in(client)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_french_503(response: Any, code: str, words: str) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert words in error["message"]
    assert "rien n'a été enregistré" in error["message"]
    assert int(response.headers["Retry-After"]) > 0


# --- a read-only database ---------------------------------------------------------------------


@pytest.fixture
def reader(app: Application, read_only_url: str) -> Iterator[TestClient]:
    """An account and a member written normally, then the API on the database read-only."""
    accounts.add_user(app.uows, SYSTEM, USERNAME, PASSWORD, Role.ADMIN)
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="employee",
        joined_on=date(2024, 1, 15),
        first_name="Camille",
        last_name="Roux",
        code="SAL01",
    )
    members.create_member(app.uows, SYSTEM, draft)
    application = bootstrap(read_only_url)
    with TestClient(create_app(application)) as client:
        yield client
    application.close()


def test_on_a_read_only_database_people_still_sign_in_and_read(reader: TestClient) -> None:
    headers = bearer(reader)
    listed = reader.get("/members", headers=headers)
    assert listed.status_code == 200
    assert [m["code"] for m in listed.json()["items"]] == ["SAL01"]
    assert reader.get("/members/SAL01", headers=headers).status_code == 200
    assert reader.get("/me", headers=headers).json()["username"] == USERNAME


def test_on_a_read_only_database_a_write_gets_a_french_503_and_nothing_is_written(
    reader: TestClient, app: Application
) -> None:
    response = reader.post("/members", headers=bearer(reader), json=NEW_MEMBER)
    assert_french_503(response, "lecture_seule", "la base de données est en lecture seule")
    assert "Un administrateur doit vérifier les droits" in response.json()["error"]["message"]
    with app.uows() as uow:
        assert uow.members.codes() == {"SAL01"}


def test_on_a_read_only_database_a_wrong_password_is_still_refused_with_401(
    reader: TestClient,
) -> None:
    response = sign_in(reader, "pas-le-bon-mot-de-passe")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "identifiant ou mot de passe incorrect"


def test_a_sign_in_on_a_read_only_database_is_written_to_the_log_instead(
    reader: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gouvernance.audit"):
        bearer(reader)
    logged = [r.getMessage() for r in caplog.records if r.name == "gouvernance.audit"]
    assert any(f"connexion de « {USERNAME} »" in line for line in logged), logged
    assert any("jeton gardé en mémoire" in line for line in logged)


def test_a_token_kept_in_memory_dies_when_the_password_is_reset(
    reader: TestClient, app: Application
) -> None:
    headers = bearer(reader)
    accounts.reset_password(app.uows, SYSTEM, USERNAME, "un-tout-nouveau-mot-de-passe")
    response = reader.get("/members", headers=headers)
    assert response.status_code == 401


# --- a full disk ------------------------------------------------------------------------------


@pytest.fixture
def nearly_full(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[TestClient, Any]]:
    """SQLite limited to the pages it has (``PRAGMA max_page_count``): a write that needs one
    more page meets « database or disk is full », as on a full disk."""
    path = tmp_path / "plein.sqlite3"
    shutil.copyfile(sqlite_template, path)
    application = bootstrap(f"sqlite:///{path}")
    ensure_default_categories(application.uows)
    accounts.add_user(application.uows, SYSTEM, USERNAME, PASSWORD, Role.ADMIN)
    with TestClient(create_app(application)) as client:
        headers = bearer(client)
        engine = cast(SqlAlchemyUnitOfWorkFactory, application.uows).engine
        engine.dispose()
        compact = sqlite3.connect(path, isolation_level=None)
        compact.execute("VACUUM")  # no free page left to reuse
        pages = compact.execute("PRAGMA page_count").fetchone()[0]
        compact.close()

        @event.listens_for(engine, "connect")
        def limit(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        yield client, headers
    application.close()


def test_a_full_disk_gets_a_french_503_and_reads_go_on(
    nearly_full: tuple[TestClient, Any],
) -> None:
    client, headers = nearly_full
    created = 0
    for number in range(400):
        response = client.post(
            "/members", headers=headers, json=NEW_MEMBER | {"last_name": f"Pleine{number}"}
        )
        if response.status_code != 201:
            break
        created += 1
    assert_french_503(response, "service_indisponible", "le disque de la base de données est plein")
    assert "libérez de la place" in response.json()["error"]["message"]
    listed = client.get("/members", headers=headers)
    assert listed.status_code == 200
    assert listed.json()["total"] == created


# --- an unreachable database ------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_unreachable_database_gets_a_french_503_not_a_500(backend: str, tmp_path: Path) -> None:
    """The application started, then the database went away: nobody listens on the port, the
    folder of the file is gone."""
    address = (
        f"sqlite:///file:{tmp_path}/parti/registre.sqlite3?mode=rw&uri=true"
        if backend == "sqlite"
        else "postgresql://postgres:secretXYZ@127.0.0.1:1/registre"
    )
    engine = make_engine(address)
    application = Application(uows=SqlAlchemyUnitOfWorkFactory(engine), database=address)
    with TestClient(create_app(application)) as client:
        signing_in = client.post("/auth/token", data={"username": "x", "password": "y" * 8})
        listing = client.get("/members", headers={"Authorization": "Bearer jeton"})
    application.close()
    for response in (signing_in, listing):
        assert_french_503(response, "service_indisponible", "la base de données est injoignable")
        assert "secretXYZ" not in response.text
