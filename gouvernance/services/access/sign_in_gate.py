"""Sign-ins wait for a password check in the event loop, not in a worker thread.

Shared by the API and the web application of one process (``Application.sign_in_gate``).

A sign-in costs one argon2 verification (~0.3 s and 64 MiB with the default parameters). If
the route were synchronous, 40 simultaneous sign-ins would take the 40 threads of the pool that
also serves every other (synchronous) route, and signed-in users' reads would queue behind
them. Here the route is asynchronous: at most ``argon2_slots()`` sign-ins run, each in a thread
counted apart from that pool; the others wait as coroutines (a few kilobytes each). One that
waits longer than ``WAIT_SECONDS`` gets a 503 with ``Retry-After`` rather than hang.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from gouvernance.domain.errors import ServiceUnavailable

T = TypeVar("T")
WAIT_SECONDS = 20.0
RETRY_AFTER = 5


class SignInGate:
    """Per process, created in its event loop on the first sign-in (``Application``)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._gate = anyio.CapacityLimiter(slots)  # who may check a password now
        self._threads = anyio.CapacityLimiter(slots)  # their threads, not the shared pool's

    @property
    def waiting(self) -> int:
        return self._gate.statistics().tasks_waiting

    async def run(self, work: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(WAIT_SECONDS):
                await self._gate.acquire()
        except TimeoutError:
            raise ServiceUnavailable(
                "serveur occupé : trop de connexions en attente, "
                f"réessayez dans {RETRY_AFTER} secondes",
                retry_after=RETRY_AFTER,
            ) from None
        try:
            return await anyio.to_thread.run_sync(work, limiter=self._threads)
        finally:
            self._gate.release()
