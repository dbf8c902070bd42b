"""Group commit of online ballots: the requests that arrive together share one transaction.

A ballot's cost is its commit (one fsync, one append to the audit chain, whose lock every
writer queues for): one commit per ballot caps an online assembly at a few hundred ballots a
second. Here each request thread hands its ballot to one writer thread and waits; the writer
takes everything queued (up to ``BATCH``) as soon as the previous batch has committed and
writes it with ``assemblies.cast_ballots``: one transaction, one fsync. There is no waiting
for a batch to fill: a lone ballot is written at once, batches form by themselves under load.

The writer thread runs only while there is work: it ends as soon as the queue is empty and
the next ballot starts another (a thread start costs far less than a commit), so an idle
process, or a test, holds no thread. ``close`` waits for the last batch.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections import deque
from concurrent.futures import Future

from gouvernance.domain.assembly.model import Choice
from gouvernance.domain.errors import ServiceUnavailable
from gouvernance.domain.users import Actor
from gouvernance.services.assembly.assemblies import (
    BallotReceipt,
    BallotRequest,
    cast_ballot,
    cast_ballots,
)
from gouvernance.services.ports import TransactionAborted, UnitOfWorkFactory

BATCH = 256  # ballots per transaction at most: a batch stays well under a second
# ``GOUVERNANCE_VOTE_GROUPE=0``: one transaction per ballot, as before (to compare, or to
# rule the group commit out when looking for a fault).
GROUPED = os.environ.get("GOUVERNANCE_VOTE_GROUPE", "1").strip() != "0"


class BallotWriter:
    """One per process (``Application.ballot_writer``), shared by the API and the web pages."""

    def __init__(self, uows: UnitOfWorkFactory) -> None:
        self.uows = uows
        self._queue: deque[tuple[BallotRequest, Future[BallotReceipt]]] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(
        self, actor: Actor, code: str, number: int, voter: str, choice: Choice,
        idempotency_key: str | None = None,
    ) -> BallotReceipt:  # fmt: skip
        """As ``assemblies.cast_ballot``: the receipt once the ballot's batch has committed,
        or the same French error (refused alone, or the database failure of the batch)."""
        if not GROUPED:
            return cast_ballot(self.uows, actor, code, number, voter, choice,
                               idempotency_key=idempotency_key)  # fmt: skip
        request = BallotRequest(actor, code, number, voter, choice, idempotency_key)
        return self._queued(request).result()

    async def cast(
        self, actor: Actor, code: str, number: int, voter: str, choice: Choice,
        idempotency_key: str | None = None,
    ) -> BallotReceipt:  # fmt: skip
        """``submit`` for a request served on the event loop: it waits for its batch without
        holding a thread of the pool (thirty-two voters at once would hold thirty-two)."""
        if not GROUPED:
            return await asyncio.to_thread(
                self.submit, actor, code, number, voter, choice, idempotency_key
            )
        request = BallotRequest(actor, code, number, voter, choice, idempotency_key)
        return await asyncio.wrap_future(self._queued(request))

    def _queued(self, request: BallotRequest) -> Future[BallotReceipt]:
        done: Future[BallotReceipt] = Future()
        with self._lock:
            if self._closed:
                raise ServiceUnavailable("le serveur s'arrête : votez à nouveau dans un instant")
            self._queue.append((request, done))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="gouvernance-bulletins", daemon=True
                )
                self._thread.start()
        return done

    def close(self) -> None:
        """No more ballots; waits for those already handed over to be written."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._lock:
                batch = [self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))]
                if not batch:
                    self._thread = None
                    return
            self._write(batch)

    def _write(self, batch: list[tuple[BallotRequest, Future[BallotReceipt]]]) -> None:
        try:
            outcomes = cast_ballots(self.uows, [request for request, _ in batch])
        except TransactionAborted as aborted:
            error = aborted.error
            for _, done in batch:
                done.set_exception(error)
            return
        except BaseException as error:  # nothing committed: every caller hears it
            for _, done in batch:
                done.set_exception(error)
            return
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BallotReceipt):
                done.set_result(outcome)
            else:
                done.set_exception(outcome)
