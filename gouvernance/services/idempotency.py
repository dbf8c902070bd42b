"""Idempotent writes: a request retried with the same key changes nothing the second time.

The key is remembered in the same transaction as the write it protects, so either both are
stored or neither is. Writers that use a key take the registry lock first
(``MemberRepository.lock_registry``), so a concurrent duplicate waits, then replays the
winner's result; the key's primary key is the last line of defence.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.users import Actor
from gouvernance.services.ports import StoredResponse, UnitOfWork

MAX_KEY = 100


def fingerprint(payload: Any) -> str:
    """A stable hash of what was asked, to tell a true retry from a reused key."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def scoped_key(actor: Actor, operation: str, key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            f"la clé d'idempotence doit faire 1 à {MAX_KEY} caractères", field="Idempotency-Key"
        )
    return f"{actor.username}|{operation}|{key}"


def optional_key(actor: Actor, operation: str, key: str | None) -> str | None:
    """The scoped key when the request carries one; ``None`` (no replay) when it does not."""
    return scoped_key(actor, operation, key) if key else None


def replay(uow: UnitOfWork, key: str, request_hash: str) -> str | None:
    """The result reference stored for this key, or ``None`` if the key is new."""
    stored = uow.idempotency.get(key)
    if stored is None:
        return None
    if stored.request_hash != request_hash:
        raise Conflict(
            "cette clé d'idempotence a déjà servi pour une autre requête", field="Idempotency-Key"
        )
    return stored.body


def remember(uow: UnitOfWork, key: str, request_hash: str, status: int, result: str) -> None:
    uow.idempotency.put(key, StoredResponse(request_hash=request_hash, status=status, body=result))
