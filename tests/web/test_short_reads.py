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


def test_a_short_page_is_read_on_the_event_loop_beside_its_database(
    web_demo: Application, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert web_demo.nearby  # SQLite, or the PostgreSQL of 127.0.0.1 the tests use
    client = sign_in("adherent")
    threads = _where_home_reads(monkeypatch)
    page = client.get("/")
    assert page.status_code == 200
    assert threads and POOL not in threads[0]


def test_a_distant_database_keeps_the_page_in_the_thread_pool_and_the_same_page(
    web_demo: Application, sign_in: SignIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = sign_in("adherent")
    near = client.get("/mon-espace").text
    web_demo.nearby = False  # as if the database were on another machine
    threads = _where_home_reads(monkeypatch)
    assert client.get("/").status_code == 200
    assert threads[0].startswith(POOL)
    assert client.get("/mon-espace").text == near


def test_a_short_read_runs_on_the_loop_only_while_a_read_is_served_nearby() -> None:
    @short_read
    def reader() -> int:
        return threading.get_ident()

    class Nearby:
        nearby = True

    class Distant:
        nearby = False

    async def where() -> tuple[int, int, int, int]:
        loop = threading.get_ident()
        with serving_read(Nearby()):  # type: ignore[arg-type]
            near = await reader()
        with serving_read(Distant()):  # type: ignore[arg-type]
            distant = await reader()
        written = await reader()  # no read being served: a POST, say
        return loop, near, distant, written

    loop, near, distant, written = _run_apart(where)
    assert near == loop
    assert distant != loop and written != loop


def test_an_error_of_a_short_read_reaches_the_caller_from_either_place() -> None:
    @short_read
    def refused() -> None:
        raise ValueError("membre inconnu")

    class Nearby:
        nearby = True

    async def both() -> list[str]:
        said = []
        for place in (Nearby(), None):
            with serving_read(place):  # type: ignore[arg-type]
                with pytest.raises(ValueError) as error:
                    await refused()
                said.append(str(error.value))
        return said

    assert _run_apart(both) == ["membre inconnu", "membre inconnu"]
