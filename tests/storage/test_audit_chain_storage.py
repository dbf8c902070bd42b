"""The audit log's hash chain on a real database, SQLite and PostgreSQL: the demo's log is
intact; an entry edited or deleted with the triggers switched off is named; writers at the same
time leave one chain in the order of the ids; a database logged before migration 0008 is
chained by it; the minutes and the accounting exports carry the head."""

from __future__ import annotations

import html
import io
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.audit import GENESIS, Break, entry_digest
from gouvernance.domain.errors import Forbidden
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import alembic_config, upgrade
from gouvernance.persistence.types import UtcDateTime
from gouvernance.services import audit, audit_chain
from gouvernance.services.assembly.minutes import minutes
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.organisation import setup

BOARD = Actor("bureau", Role.BOARD)
TREASURER = Actor("tresorier", Role.TREASURER)
THREADS, WRITES = 8, 25


@pytest.fixture
def demo(app: Application, database_url: str, demo_loader: Callable[[str], None]) -> Application:
    demo_loader(database_url)
    return app


def tamper(url: str, *statements: str) -> None:
    """Run ``statements`` as someone holding the database with the triggers off: under SQLite
    every trigger of the audit log dropped (the file is a copy), under PostgreSQL
    ``session_replication_role = replica`` (the test user is a superuser)."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        try:
            triggers = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ).fetchall()
            for (name,) in triggers:
                connection.execute(f'DROP TRIGGER "{name}"')
            for statement in statements:
                connection.execute(statement)
        finally:
            connection.close()
        return
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


# --- Verifying ---------------------------------------------------------------------------------


def test_the_demo_log_is_intact_and_names_its_head(demo: Application) -> None:
    result = audit_chain.verify(demo.uows, BOARD)
    with demo.uows() as uow:
        last = uow.audit.head()
    assert last is not None and last.id is not None
    assert result.intact
    assert result.report.count == last.id  # numbered 1, 2, 3… without a hole
    assert result.report.head is not None
    assert (result.report.head.number, result.report.head.digest) == (last.id, last.digest)
    assert result.lines[0].startswith("journal intègre : ")


def test_an_entry_edited_with_the_triggers_off_is_named(
    demo: Application, database_url: str
) -> None:
    tamper(database_url, "UPDATE audit_log SET actor = 'quelqu''un d''autre' WHERE id = 12")
    result = audit_chain.verify(demo.uows, BOARD)
    assert not result.intact
    assert result.report.broken is not None
    assert (result.report.broken.kind, result.report.broken.number) == (Break.MODIFIED, 12)
    assert result.lines == (
        "l'entrée n° 12 ne correspond plus à son empreinte : modifiée après coup",
    )


def test_an_entry_rewritten_with_its_digest_recomputed_breaks_the_next_link(
    demo: Application, database_url: str
) -> None:
    with demo.uows() as uow:
        (entry,) = uow.audit.chain(11, 1)
    entry.detail = "{}"
    forged = entry_digest(entry, entry.previous_digest)
    tamper(database_url, f"UPDATE audit_log SET detail = '{{}}', digest = '{forged}' WHERE id = 12")
    broken = audit_chain.verify(demo.uows, BOARD).report.broken
    assert broken is not None
    assert (broken.kind, broken.number) == (Break.LINK, 13)


def test_a_deleted_entry_is_named(demo: Application, database_url: str) -> None:
    tamper(database_url, "DELETE FROM audit_log WHERE id = 30")
    result = audit_chain.verify(demo.uows, BOARD)
    assert result.report.broken is not None
    assert result.report.broken.kind is Break.MISSING
    assert result.lines == ("l'entrée n° 30 manque : supprimée après coup",)


def test_the_last_entries_deleted_are_caught_by_a_head_printed_before(
    demo: Application, database_url: str
) -> None:
    """The chain alone cannot see its tail cut off: the head printed on a document can."""
    with demo.uows() as uow:
        printed = audit_chain.head(uow)
    assert printed is not None
    assert audit_chain.verify(demo.uows, BOARD, printed.text).intact
    tamper(database_url, f"DELETE FROM audit_log WHERE id >= {printed.number - 2}")
    cut = audit_chain.verify(demo.uows, BOARD, printed.text)
    assert cut.report.intact
    assert not cut.intact
    assert cut.held_problem == (
        f"l'entrée n° {printed.number} imprimée sur un document n'est plus dans le journal"
    )


def test_the_treasurer_who_cannot_read_the_log_cannot_verify_it_either(
    demo: Application,
) -> None:
    with pytest.raises(Forbidden):
        audit_chain.verify(demo.uows, TREASURER)


# --- Writing -----------------------------------------------------------------------------------


def _count(app: Application) -> int:
    return audit_chain.verify(app.uows, SYSTEM).report.count


def test_writers_at_the_same_time_leave_one_chain_in_the_order_of_the_ids(
    app: Application,
) -> None:
    """8 threads, each with its own units of work, 25 audited writes each."""
    before = _count(app)
    start = threading.Barrier(THREADS)

    def write(thread: int) -> None:
        start.wait()
        for n in range(WRITES):
            with app.uows() as uow:
                uow.organisation.get()  # a transaction reads, then writes its entry
                audit.record(uow, SYSTEM, "essai.écrit", "test", f"{thread}-{n}", n=n)
                uow.commit()

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(write, range(THREADS)))

    result = audit_chain.verify(app.uows, SYSTEM)
    assert result.intact, result.lines
    assert result.report.count == before + THREADS * WRITES
    with app.uows() as uow:
        written = list(uow.audit.chain(before, 1000))
    assert [e.id for e in written] == list(range(before + 1, before + THREADS * WRITES + 1))
    for thread in range(THREADS):  # each thread's writes in its own order
        keys = [e.entity_key for e in written if e.entity_key.startswith(f"{thread}-")]
        assert keys == [f"{thread}-{n}" for n in range(WRITES)]


def test_a_transaction_rolled_back_leaves_no_hole_in_the_numbers(app: Application) -> None:
    before = _count(app)
    with app.uows() as uow:
        audit.record(uow, SYSTEM, "essai.abandonné", "test", "x")
        uow.rollback()
        audit.record(uow, SYSTEM, "essai.écrit", "test", "y")
        uow.commit()
    with app.uows() as uow:
        audit.record(uow, SYSTEM, "essai.perdu", "test", "z")  # never committed
    with app.uows() as uow:
        [last] = uow.audit.recent(1)
    assert (last.id, last.action) == (before + 1, "essai.écrit")
    assert audit_chain.verify(app.uows, SYSTEM).intact


def test_a_transaction_reads_its_own_entries_before_it_commits(app: Application) -> None:
    with app.uows() as uow:
        audit.record(uow, SYSTEM, "essai.écrit", "test", "moi")
        [mine] = uow.audit.recent(1)
        assert (mine.entity_key, mine.digest != "") == ("moi", True)
        uow.commit()
    with app.uows() as uow:
        assert [e.entity_key for e in uow.audit.recent(1)] == ["moi"]
    assert audit_chain.verify(app.uows, SYSTEM).intact


# --- Migration 0008 ----------------------------------------------------------------------------

LEGACY = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", UtcDateTime()),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("detail", sa.Text),
)


def _postgres_admin(url: str, *statements: str) -> None:
    parsed = make_url(url)
    admin = make_engine(parsed.set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for statement in statements:
            connection.execute(text(statement.format(name=parsed.database)))
    admin.dispose()


@pytest.fixture
def before_0008(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of its own (not the test's), migrated up to 0007 only."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('avant-0008') / 'ancienne.sqlite3'}"
    else:
        parsed = make_url(database_url)
        url = parsed.set(database=f"{parsed.database}_avant_0008").render_as_string(False)
        _postgres_admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                        'CREATE DATABASE "{name}"')  # fmt: skip
    engine = make_engine(url)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(
            LEGACY.insert(),
            [
                {"id": number, "at": datetime(2026, 11, 14, 9, 0, number, 250, tzinfo=UTC),
                 "actor": "admin", "action": "membre.créé", "entity": "member",
                 "entity_key": f"M{number:04d}", "detail": '{"nom": "Élodie"}'}
                for number in (1, 2, 5)  # 3 and 4: rolled back before the chain existed
            ],
        )  # fmt: skip
    engine.dispose()
    yield url
    if not url.startswith("sqlite"):
        _postgres_admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_chains_the_entries_logged_before_it_and_keeps_the_log_append_only(
    before_0008: str,
) -> None:
    engine = make_engine(before_0008)
    upgrade(engine)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT id, previous_digest, digest FROM audit_log ORDER BY id")
        ).all()
    assert [row.id for row in stored] == [1, 2, 5]
    assert stored[0].previous_digest == GENESIS
    assert stored[1].previous_digest == stored[0].digest
    application = bootstrap(before_0008, migrate=False)
    try:
        assert audit_chain.verify(application.uows, SYSTEM).lines == (
            f"journal intègre : 3 entrées, tête n° 5, empreinte {stored[2].digest[:16]}…",
        )
        setup.add_category(application.uows, SYSTEM, "ressourcerie", "Ressourcerie")
        result = audit_chain.verify(application.uows, SYSTEM)
        assert result.intact
        assert result.report.head is not None and result.report.head.number == 6
    finally:
        application.close()
    with pytest.raises(sa.exc.DatabaseError, match="journal d'audit"), engine.begin() as c:
        c.execute(text("UPDATE audit_log SET actor = 'x' WHERE id = 1"))
    engine.dispose()


# --- The head on documents ---------------------------------------------------------------------

CLOSING_LINE = re.compile(
    r"Clôture inscrite au journal d'audit\u00a0: journal n° (?P<number>[\d\u202f]+), "
    r"empreinte (?P<digest>[0-9a-f]{16})…"
)


def _minutes_line(app: Application) -> re.Match[str]:
    page = html.unescape(minutes(app.uows, BOARD, "AG-2026-01", "html").content.decode())
    found = CLOSING_LINE.search(page)
    assert found is not None, "la tête du journal n'est pas dans le procès-verbal"
    return found


def test_the_closed_minutes_print_the_entry_of_the_closing_the_same_on_every_print(
    demo: Application,
) -> None:
    first = _minutes_line(demo)
    with demo.uows() as uow:
        closing = uow.audit.first("assemblee.close", "assembly", "AG-2026-01")
    assert closing is not None and closing.id is not None
    assert int(first["number"].replace("\u202f", "")) == closing.id
    assert first["digest"] == closing.digest[:16]
    setup.add_category(demo.uows, SYSTEM, "ressourcerie", "Ressourcerie")  # the log goes on
    assert _minutes_line(demo).group(0) == first.group(0)
    assert audit_chain.verify(demo.uows, BOARD, first.group(0)).intact  # the line as printed
    content = minutes(demo.uows, BOARD, "AG-2026-01", "pdf").content
    assert content.startswith(b"%PDF")  # the PDF lays out the same lines (``compose``)


def test_an_open_assembly_draft_prints_no_head(demo: Application) -> None:
    page = html.unescape(minutes(demo.uows, BOARD, "AG-2026-02", "html").content.decode())
    assert "journal d'audit" not in page.replace("\u00a0", " ").split("Règles appliquées")[0]


@pytest.fixture
def ledger(demo: Application, monkeypatch: pytest.MonkeyPatch) -> Application:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-02-15")
    calls.issue_calls(
        demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 28), exclude_incomplete=True,
    )  # fmt: skip
    return demo


def test_each_accounting_export_carries_the_head_of_the_log_when_it_was_made(
    ledger: Application,
) -> None:
    with ledger.uows() as uow:
        now = audit_chain.head(uow)
    assert now is not None
    documents = [
        treasury.export_calls(ledger.uows, TREASURER, "csv"),
        treasury.export_calls(ledger.uows, TREASURER, "xlsx"),
        treasury.export_payments(ledger.uows, TREASURER, "csv"),
        treasury.export_payments(ledger.uows, TREASURER, "xlsx"),
        treasury.export_fec(ledger.uows, TREASURER, date(2027, 1, 1), date(2027, 12, 31)),
    ]
    assert [d.journal for d in documents] == [now] * len(documents)
    # A SEPA file records its debits as sent, audited: the head it carries covers its emission.
    sepa = treasury.export_sepa(ledger.uows, TREASURER, date(2027, 3, 5))
    assert sepa.journal is not None and sepa.journal.number == now.number + 1
    assert sepa.journal.digest in sepa.content.decode("utf-8")
    calls_book = openpyxl.load_workbook(io.BytesIO(documents[1].content))
    assert calls_book.sheetnames == ["Appels", "Journal"]
    assert calls_book["Journal"]["B3"].value == now.digest
    fec = documents[4].content.decode("utf-8").splitlines()
    assert {line.count("|") for line in fec} == {17}  # 18 columns on every line, nothing else
    setup.add_category(ledger.uows, SYSTEM, "ressourcerie", "Ressourcerie")
    later = treasury.export_calls(ledger.uows, TREASURER, "csv").journal
    assert later is not None and later.number == now.number + 2
    assert audit_chain.verify(ledger.uows, BOARD, f"{now.number}:{now.digest[:16]}").intact
