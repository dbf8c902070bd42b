"""Reads do not queue behind each other, nor behind a writer, on SQLite; a token is read afresh
at each request, so that a revoked one is refused at once (tickets 18 and 3)."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from gouvernance.bootstrap import Application, reading
from gouvernance.cli.setup import default_workers
from gouvernance.domain.errors import InvalidInput, Unauthenticated
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services.access import accounts

PASSWORD = "mot-de-passe-1"


def test_on_sqlite_a_read_does_not_wait_for_a_writer_holding_the_lock(app: Application) -> None:
    engine = app.uows.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL : les lecteurs n'attendent jamais un écrivain")
    accounts.add_user(app.uows, SYSTEM, "alice", PASSWORD, Role.ADMIN)
    with app.uows() as writer:
        writer.users.get("alice")  # BEGIN IMMEDIATE: the write lock, until the end
        started = time.monotonic()
        with reading(), app.uows() as reader:
            assert reader.users.get("alice") is not None
        assert time.monotonic() - started < 1  # not the 30 s of busy_timeout
        probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:  # what every read did before: take the write lock, here refused at once
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                probe.execute("BEGIN IMMEDIATE")
        finally:
            probe.close()


def test_a_read_transaction_still_writes_when_it_must(app: Application) -> None:
    with reading():
        accounts.add_user(app.uows, SYSTEM, "bruno", PASSWORD, Role.TREASURER)
    assert [u.username for u in accounts.list_users(app.uows, SYSTEM)] == ["bruno"]


def test_a_token_is_refused_as_soon_as_it_is_revoked_or_its_account_deactivated(
    app: Application,
) -> None:
    accounts.add_user(app.uows, SYSTEM, "alice", PASSWORD, Role.ADMIN)
    accounts.add_user(app.uows, SYSTEM, "bruno", PASSWORD, Role.TREASURER)
    alice = accounts.actor_for_token(app.uows, accounts.sign_in(app.uows, "alice", PASSWORD))
    token = accounts.sign_in(app.uows, "bruno", PASSWORD)
    with reading():
        assert accounts.actor_for_token(app.uows, token).role is Role.TREASURER
    accounts.sign_out(app.uows, accounts.actor_for_token(app.uows, token), token)
    with reading(), pytest.raises(Unauthenticated, match="révoqué"):
        accounts.actor_for_token(app.uows, token)
    again = accounts.sign_in(app.uows, "bruno", PASSWORD)
    accounts.deactivate_user(app.uows, alice, "bruno")
    with reading(), pytest.raises(Unauthenticated):
        accounts.actor_for_token(app.uows, again)


def test_sqlite_is_served_by_one_process_and_postgresql_by_one_per_core_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOUVERNANCE_WORKERS", raising=False)
    assert default_workers() == 1
    assert default_workers("sqlite:///data/gouvernance.sqlite3") == 1
    for cores, processes in ((1, 1), (2, 2), (8, 3)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert default_workers("postgresql+psycopg://gouvernance@127.0.0.1/base") == processes
    monkeypatch.setenv("GOUVERNANCE_WORKERS", "4")
    assert default_workers() == 4
    monkeypatch.setenv("GOUVERNANCE_WORKERS", "beaucoup")
    with pytest.raises(InvalidInput, match="nombre de processus invalide « beaucoup »"):
        default_workers()
