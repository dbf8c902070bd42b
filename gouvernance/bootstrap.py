"""The composition root: picks the database, runs migrations, hands out units of work.

The API and the CLI call this and the services; they never touch the persistence package.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

import anyio.to_thread
from sqlalchemy.exc import DBAPIError

from gouvernance.domain.users import Actor
from gouvernance.persistence.database import (
    is_nearby,
    make_engine,
    parse_database_url,
    refuses_writes,
)
from gouvernance.persistence.database import reading as reading  # the API marks its reads
from gouvernance.persistence.faults import connection_failure
from gouvernance.persistence.migrate import (
    current_revision,
    owner_url,
    upgrade,
    upgrade_as_owner,
)
from gouvernance.persistence.roles import (
    DEFAULT_ROLE,
    RoleGrant,
    grant_application_role,
    printed_statements,
)
from gouvernance.persistence.uow import SqlAlchemyUnitOfWorkFactory
from gouvernance.services.access import accounts
from gouvernance.services.access.sign_in_gate import SignInGate
from gouvernance.services.access.sign_in_limits import SharedSignInLimits, SignInLimits
from gouvernance.services.assembly.ballot_writer import BallotWriter
from gouvernance.services.memo import LongRead, misses_are_long
from gouvernance.services.ports import UnitOfWorkFactory

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Application:
    uows: UnitOfWorkFactory
    database: str
    # SQLite, or PostgreSQL on this machine: short reads stay out of FastAPI's pool
    # (``read_briefly``: on the event loop, or in two threads of their own).
    nearby: bool = False
    # SQLite: the database is read inside this process (``short_read``: on the event loop).
    embedded: bool = False
    # The failed sign-ins: in memory for SQLite (one server process), in the database for
    # PostgreSQL, which several processes serve (``bootstrap``; docs/comptes.md).
    sign_in_limits: SignInLimits = field(default_factory=SignInLimits)
    _gate: SignInGate | None = field(default=None, repr=False)
    _writer: BallotWriter | None = field(default=None, repr=False)
    _writer_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sign_in_gate(self) -> SignInGate:
        """The bound on password checks of this process, shared by the API and the web pages;
        made on first use, inside the event loop that serves them."""
        if self._gate is None:
            self._gate = SignInGate(accounts.argon2_slots())
        return self._gate

    def actor_for_token(self, token: str) -> Actor:
        """Who a bearer token or a session cookie speaks for. A read whatever the request then
        does: a POST's check must neither take SQLite's write lock (BEGIN IMMEDIATE) nor wait
        for a writer to let it go, and on PostgreSQL it needs no transaction."""
        with reading():
            return accounts.actor_for_token(self.uows, token)

    async def read_briefly(self, call: Callable[[], T]) -> T:
        """``call``, a short read, where this database is best read from (``short_read``)."""
        if not self.nearby:
            return await anyio.to_thread.run_sync(call)
        if self.embedded:
            return call()
        context = contextvars.copy_context()  # the read mark goes with the call
        return await asyncio.get_running_loop().run_in_executor(_two_threads(), context.run, call)

    def ballot_writer(self) -> BallotWriter:
        """The group commit of this process's online ballots (``services/assembly/
        ballot_writer.py``), made on first use; its thread runs only while ballots wait."""
        with self._writer_lock:
            if self._writer is None:
                self._writer = BallotWriter(self.uows)
            return self._writer

    def stop_ballot_writer(self) -> None:
        """Wait for the ballots handed over to be written (the server stops); a later ballot
        starts a new writer."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()

    def refuses_writes(self) -> bool:
        """Whether the database is read-only for us (a standby, a file without write rights):
        then sign-ins live in one process's memory, and one process serves."""
        engine = getattr(self.uows, "engine", None)
        if engine is None:
            return False
        try:
            return refuses_writes(engine)
        except DBAPIError as error:
            raise connection_failure(error, engine.url) from None

    def close(self) -> None:
        self.stop_ballot_writer()
        engine = getattr(self.uows, "engine", None)
        if engine is not None:
            engine.dispose()


def bootstrap(
    url: str | None = None, *, migrate: bool = True, owner: str | None = None
) -> Application:
    """Open the database at ``url`` (default: environment, then the embedded SQLite file).

    Never a traceback: a bad address is an ``InvalidInput``, a database that cannot be reached
    (server down, wrong password, missing database, read-only file needing migrations) a
    ``ServiceUnavailable``, both in French, on field ``GOUVERNANCE_DATABASE_URL``, without the
    password. ``migrate=False`` still connects once, so the same errors come out here.

    Migrations run on the owner's address when one is given (``owner``, else
    ``$GOUVERNANCE_DATABASE_OWNER_URL``), the application keeping its own; without one, on the
    application's address, which only reads the revision when the schema is up to date — so an
    application role that may not migrate opens an up-to-date base, and is told in French to
    run ``gouvernance init`` as the owner otherwise."""
    engine = make_engine(url)
    try:
        migrating_owner = owner_url(owner) if migrate else None
        if migrating_owner is not None:
            upgrade_as_owner(engine, migrating_owner)
            current_revision(engine)
        elif migrate:
            upgrade(engine)
        else:
            current_revision(engine)
    except DBAPIError as error:
        engine.dispose()
        raise connection_failure(error, engine.url) from None
    except BaseException:
        engine.dispose()
        raise
    factory = SqlAlchemyUnitOfWorkFactory(engine)
    database = engine.url.render_as_string(hide_password=True)
    embedded = engine.dialect.name == "sqlite"
    return Application(
        uows=factory, database=database, nearby=is_nearby(engine.url), embedded=embedded,
        sign_in_limits=SignInLimits() if embedded else SharedSignInLimits(factory),
    )  # fmt: skip


# --- Short reads: on the event loop, or two threads ------------------------------------------

_SERVING_READ: ContextVar[Application | None] = ContextVar("gouvernance_serving", default=None)
_PAIR_LOCK = threading.Lock()
_pair: list[ThreadPoolExecutor] = []


@contextmanager
def serving_read(application: Application | None) -> Iterator[None]:
    """A GET being served by ``application``: its transactions only read (``reading``), and
    its routes marked ``short_read`` run where its database is best read from."""
    with reading():
        mark = _SERVING_READ.set(application)
        try:
            yield
        finally:
            _SERVING_READ.reset(mark)


def short_read(function: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """A route that reads a bounded amount — one record, one page of a list, a few counters —
    made ``async`` for FastAPI, and run, inside ``serving_read``:

    - SQLite: on the event loop, one request after another (a query waits for no one);
    - a PostgreSQL of this machine: in a pool of two threads of its own, so that one page's
      Python runs while the other waits for the server;
    - anywhere else (a distant PostgreSQL, a write): in FastAPI's pool, as a plain ``def``.

    Why: under 20 simultaneous clients, in FastAPI's pool of 40 threads, a page gave the GIL
    back at each of its queries and then waited for it behind every other page (the convoy
    effect): pages of 5 to 20 queries took 20 to 50 times their time alone. Never for what
    may run long (a simulation of every member, an export, a PDF): on the loop or in the two
    threads it would hold up the other requests, the live feed of an assembly included."""
    return _placed(function, None)


def short_read_unless(
    long: Callable[..., bool],
) -> Callable[[Callable[P, T]], Callable[P, Awaitable[T]]]:
    """``short_read``, except for the calls whose arguments make ``long(**kwargs)`` true — a
    read that is bounded but for some choice of its parameters (a fee explanation with a
    pooled quote-part reads every member): those stay in FastAPI's pool."""

    def decorate(function: Callable[P, T]) -> Callable[P, Awaitable[T]]:
        return _placed(function, long)

    return decorate


def _placed(
    function: Callable[P, T], long: Callable[..., bool] | None
) -> Callable[P, Awaitable[T]]:
    @functools.wraps(function)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        call = functools.partial(function, *args, **kwargs)
        application = _SERVING_READ.get()
        if application is None or (long is not None and long(**kwargs)):
            return await anyio.to_thread.run_sync(call)
        try:
            with misses_are_long():
                return await application.read_briefly(call)
        except LongRead:  # an answer to compute again (the ledger moved…): in the pool
            return await anyio.to_thread.run_sync(call)

    return run


def _two_threads() -> ThreadPoolExecutor:
    """The process's pool for short reads on a PostgreSQL of this machine (made once)."""
    with _PAIR_LOCK:
        if not _pair:
            _pair.append(ThreadPoolExecutor(2, thread_name_prefix="lecture courte"))
        return _pair[0]


# --- PostgreSQL roles (``gouvernance db roles``) ----------------------------------------------

APPLICATION_ROLE = DEFAULT_ROLE


def application_role_script(url: str | None, role: str, password: str | None) -> list[str]:
    """The SQL that creates and equips the application role, for a DBA to run by hand; read
    from the owner's address alone (``url``, else ``$GOUVERNANCE_DATABASE_OWNER_URL``, else
    ``$GOUVERNANCE_DATABASE_URL``), without connecting."""
    return printed_statements(parse_database_url(owner_url(url)), role, password)


def create_application_role(url: str | None, role: str, password: str | None) -> RoleGrant:
    """On the owner's address (as above): migrate, then create the application role if missing
    and grant it rows only — never TRUNCATE, TRIGGER, REFERENCES nor ownership."""
    engine = make_engine(owner_url(url))
    try:
        try:
            upgrade(engine)
        except DBAPIError as error:
            raise connection_failure(error, engine.url) from None
        return grant_application_role(engine, role, password)
    finally:
        engine.dispose()
