"""Short reads (``bootstrap.short_read``): on the event loop beside a database of this
machine, in the thread pool otherwise, and the same page either way."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio
import pytest
from navigateur import SignIn

from gouvernance.bootstrap import Application, serving_read, short_read
from gouvernance.services.organisation import setup

POOL = "AnyIO worker thread"
T = TypeVar("T")


def _run_apart(main: Callable[[], Awaitable[T]]) -> T:
    """``main`` in an event loop of its own thread: a browser test of the same worker may have
    left one running in this thread."""
    with ThreadPoolExecutor(1) as apart:
        return apart.submit(anyio.run, main).result()


def _where_home_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that read the organisation for the home page."""
    threads: list[str] = []
    read = setup.get_organisation

    def spied(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("web.routes.home.setup.get_organisation", spied)
    return threads


def _served(*, nearby: bool, embedded: bool) -> Application:
    """An application as ``short_read`` sees it: where its database is (no database)."""
    return Application(uows=None, database="—", nearby=nearby, embedded=embedded)  # type: ignore[arg-type]


SQLITE = _served(nearby=True, embedded=True)
LOCAL_POSTGRESQL = _served(nearby=True, embedded=False)
DISTANT_POSTGRESQL = _served(nearby=False, embedded=False)


def test_a_short_page_is_never_read_in_fastapis_pool_beside_its_database(
    web_demo: Application, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert web_demo.nearby  # SQLite, or the PostgreSQL of 127.0.0.1 the tests use
    client = sign_in("adherent")
    threads = _where_home_reads(monkeypatch)
    page = client.get("/")
    assert page.status_code == 200
    assert threads and POOL not in threads[0]
    if not web_demo.embedded:
        assert threads[0].startswith("lecture courte")


def test_a_distant_database_keeps_the_page_in_the_pool_and_the_same_page(
    web_demo: Application, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = sign_in("adherent")
    near = client.get("/mon-espace").text
    web_demo.nearby = web_demo.embedded = False  # as if the database were on another machine
    threads = _where_home_reads(monkeypatch)
    assert client.get("/").status_code == 200
    assert threads[0].startswith(POOL)
    assert client.get("/mon-espace").text == near


def test_a_short_read_runs_where_its_database_is_best_read_from() -> None:
    @short_read
    def reader() -> str:
        return "boucle" if threading.get_ident() == loop else threading.current_thread().name

    loop = 0

    async def where() -> dict[str, str]:
        nonlocal loop
        loop = threading.get_ident()
        found = {}
        for name, served in (
            ("sqlite", SQLITE), ("local", LOCAL_POSTGRESQL), ("distant", DISTANT_POSTGRESQL)
        ):  # fmt: skip
            with serving_read(served):
                found[name] = await reader()
        found["écriture"] = await reader()  # no read being served: a POST, say
        return found

    found = _run_apart(where)
    assert found["sqlite"] == "boucle"
    assert found["local"].startswith("lecture courte")
    assert found["distant"].startswith(POOL) and found["écriture"].startswith(POOL)


def test_a_short_read_in_its_two_threads_still_reads_only() -> None:
    """The read mark (``reading``: no BEGIN IMMEDIATE, no transaction on PostgreSQL) goes
    with the call to the thread."""
    from gouvernance.persistence.database import is_reading

    @short_read
    def marked() -> bool:
        return is_reading()

    async def read() -> bool:
        with serving_read(LOCAL_POSTGRESQL):
            return await marked()

    assert _run_apart(read) is True


def test_an_error_of_a_short_read_reaches_the_caller_from_each_place() -> None:
    @short_read
    def refused() -> None:
        raise ValueError("membre inconnu")

    async def each() -> list[str]:
        said = []
        for served in (SQLITE, LOCAL_POSTGRESQL, DISTANT_POSTGRESQL, None):
            with serving_read(served):
                with pytest.raises(ValueError) as error:
                    await refused()
                said.append(str(error.value))
        return said

    assert _run_apart(each) == ["membre inconnu"] * 4


@pytest.mark.parametrize(
    ("served", "short_place"), [(SQLITE, "boucle"), (LOCAL_POSTGRESQL, "lecture courte")]
)
def test_an_answer_not_kept_is_computed_in_the_pool_then_read_where_short_reads_run(
    served: Application, short_place: str
) -> None:
    """The treasurer's sums, a search of the calls: kept answers are read where the short
    reads run; one to compute again (the ledger moved) is computed in FastAPI's pool
    (``LongRead``)."""
    from gouvernance.services.memo import memo

    class Database:  # a memo's owner: one per database
        pass

    owner = Database()
    kept = memo(owner, "essai", kept=2)
    loop = 0

    @short_read
    def page() -> tuple[str, str]:
        found = kept.get("clé")
        if found is None:
            found = threading.current_thread().name
            kept.put("clé", found)
        here = threading.current_thread().name
        return found, "boucle" if threading.get_ident() == loop else here

    async def twice() -> list[tuple[str, str]]:
        nonlocal loop
        loop = threading.get_ident()
        with serving_read(served):
            return [await page(), await page()]

    (computed, first_place), (read, second_place) = _run_apart(twice)
    assert computed.startswith(POOL) and first_place.startswith(POOL)
    assert read == computed and second_place.startswith(short_place)
    assert kept.get("clé") == computed  # outside a short read, a miss is only a miss
