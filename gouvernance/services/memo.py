"""Answers kept while what they were computed from has not moved.

The board's comparison of fee schedules and the treasurer's figures per call read the whole
registry or the whole ledger: tens of milliseconds to a second at 10 000 members, for an answer
that changes only when the data does. Each answer is kept under a version read from the database
in the same transaction (the registry's counter of migration 0014, the ledger's of migration
0015), so a stale answer is never served, whichever server process made the change.
One memo per database (per unit-of-work factory): two databases in one process (tests, benches)
never share answers."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_MISS_IS_LONG: ContextVar[bool] = ContextVar("gouvernance_miss_is_long", default=False)


class LongRead(Exception):
    """An answer is not kept, and computing it reads the whole registry or ledger: raised
    instead, inside ``misses_are_long``, so that a caller running where nothing may wait (the
    event loop) starts again where it may (``bootstrap.short_read``)."""


@contextmanager
def misses_are_long() -> Iterator[None]:
    """Within: a memo without the answer asked raises ``LongRead`` rather than let it be
    computed here. Reads make no change, so the caller may simply run them again."""
    mark = _MISS_IS_LONG.set(True)
    try:
        yield
    finally:
        _MISS_IS_LONG.reset(mark)


class Memo:
    """The last ``kept`` answers, least recently used first out; safe across threads."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._found: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        # Held by whoever computes an answer, so that callers asking the same question at the
        # same moment wait for it rather than compute it again each (``fees.simulate``).
        self.computing = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
        if found is None and _MISS_IS_LONG.get():
            raise LongRead(key)
        return found

    def put(self, key: Hashable, answer: Any) -> None:
        with self._lock:
            self._found[key] = answer
            self._found.move_to_end(key)
            while len(self._found) > self._kept:
                self._found.popitem(last=False)


_MEMOS: weakref.WeakKeyDictionary[object, dict[str, Memo]] = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def memo(owner: object, name: str, kept: int) -> Memo:
    """The memo ``name`` of ``owner`` (a unit-of-work factory: one database), made on first use."""
    with _MEMOS_LOCK:
        named = _MEMOS.setdefault(owner, {})
        if name not in named:
            named[name] = Memo(kept)
        return named[name]


def kept_under(
    kept: Memo, version: Callable[[], Hashable], key: Hashable, compute: Callable[[], T]
) -> T:
    """The answer for ``key`` at the database's ``version``: read from ``kept``, else computed
    and kept, but only if the version did not move while it was computed."""
    read = version()
    found: T | None = kept.get((read, key))
    if found is None:
        found = compute()
        if version() == read:
            kept.put((read, key), found)
    return found
