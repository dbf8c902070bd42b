"""Sign-in tokens kept in this process's memory while the database refuses writes.

A read-only database (a file without write rights, a PostgreSQL standby) must still let people
sign in and read. When the token row cannot be written, ``accounts.sign_in`` keeps the token's
hash here instead; ``accounts.actor_for_token`` looks here when the table does not know it.
Such a token lives until it expires or the process stops (a restart signs everyone out), and
is only valid on this process. Only hashes are kept, as in the table.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

# A bound, so that a flood of sign-ins cannot grow memory without end: the oldest go first.
LIMIT = 10_000


@dataclass(frozen=True)
class MemoryToken:
    """The password hash at sign-in: a later password change or reset voids the token."""

    username: str
    expires_at: datetime
    password_hash: str


_tokens: dict[str, MemoryToken] = {}
_lock = threading.Lock()


def remember(token_hash: str, username: str, expires_at: datetime, password_hash: str) -> None:
    with _lock:
        _tokens[token_hash] = MemoryToken(username, expires_at, password_hash)
        while len(_tokens) > LIMIT:
            del _tokens[next(iter(_tokens))]


def find(token_hash: str, now: datetime) -> MemoryToken | None:
    """A live token, or None (an expired one is forgotten on the way)."""
    with _lock:
        token = _tokens.get(token_hash)
        if token is not None and token.expires_at <= now:
            del _tokens[token_hash]
            return None
        return token


def forget(token_hash: str) -> None:
    with _lock:
        _tokens.pop(token_hash, None)


def forget_user(username: str) -> None:
    """Sign a person out everywhere (account disabled, tokens revoked)."""
    with _lock:
        for token_hash in [h for h, t in _tokens.items() if t.username == username]:
            del _tokens[token_hash]
