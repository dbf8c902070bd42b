"""The audit log's store: entries kept aside during the transaction, then numbered, chained
and written at its very end, under a lock, so that the chain's order is the order of the ids.

Why at the end: the id and the digest of an entry depend on the entry before it, which is
only known once every transaction that wrote before has committed. Taking the lock when the
first entry is recorded would serialise whole transactions (an online vote writes one entry
per ballot); taking it at commit holds it only for one read of the head, one insert and the
commit itself. PostgreSQL takes a transaction-scoped advisory lock (released by the commit,
after the rows are visible to the next reader, who reads in READ COMMITTED) inside
``gv_audit_append`` (migration 0013), which also reads the head, numbers, hashes and inserts:
one round trip, then the commit, while every other writer waits (the digests are checked
again here before the commit); SQLite's
transactions already hold the write lock from their BEGIN IMMEDIATE (``database.py``).
Taken last, and followed by nothing but an insert into a table without foreign keys, this lock
cannot close a cycle with the registry's or the ledger's locks taken earlier; only reading the
log inside a writing transaction (``recent``, ``head``) takes it sooner.

Ids are given here (head + 1, +2…), not by the sequence: they stay consecutive, so a missing
number is a deleted entry. Migration 0008 removes the column's default under PostgreSQL, so an
insert that bypasses this store is refused there; under SQLite it would show in the chain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, insert, select, text
from sqlalchemy.orm import Session

from gouvernance.domain.audit import GENESIS, AuditEntry, entry_digest, seal, utc_text
from gouvernance.persistence.orm import audit_log

AUDIT_LOCK = 7_203_020  # an arbitrary, stable advisory-lock key for the audit chain's head
_COLUMNS = (
    audit_log.c.id,
    audit_log.c.at,
    audit_log.c.actor,
    audit_log.c.action,
    audit_log.c.entity,
    audit_log.c.entity_key,
    audit_log.c.detail,
    audit_log.c.previous_digest,
    audit_log.c.digest,
)


class SqlAuditLog:
    """Insert-only: there is deliberately no update or delete here (and triggers forbid them)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._pending: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        """Kept until the transaction commits (``write_pending``); a rollback forgets it."""
        self._pending.append(entry)

    def write_pending(self) -> None:
        """Number, chain and insert the entries kept so far; the caller commits right after
        (the lock, under PostgreSQL, lasts until then)."""
        if not self._pending:
            return
        entries, self._pending = self._pending, []
        if self.session.get_bind().dialect.name == "postgresql":
            self._append_postgres(entries)
            return
        last = self.session.execute(
            select(audit_log.c.id, audit_log.c.digest).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        if last is None:
            seal(entries, 0, GENESIS)
        else:
            seal(entries, last.id, last.digest)
        self.session.execute(insert(audit_log), [_values(entry) for entry in entries])

    def _append_postgres(self, entries: Sequence[AuditEntry]) -> None:
        """Lock, head, numbering, digests and insert in one round trip (``gv_audit_append``,
        migration 0013): every writer queues for this lock, so the time it is held is kept to
        one call and the commit. Each digest the database computed is computed again here
        (the canonical form is ``domain/audit.py``'s): a difference aborts the transaction."""
        payload = [
            {"at_text": utc_text(entry.at), "actor": entry.actor,
             "action": entry.action, "entity": entry.entity, "entity_key": entry.entity_key,
             "detail": entry.detail}
            for entry in entries
        ]  # fmt: skip
        rows = self.session.execute(
            text(
                "SELECT entry_id, entry_previous, entry_digest "
                "FROM gv_audit_append(:key, CAST(:entries AS jsonb))"
            ),
            {"key": AUDIT_LOCK, "entries": json.dumps(payload, ensure_ascii=False)},
        ).all()
        if len(rows) != len(entries):
            raise RuntimeError("journal d'audit : entrées écrites en nombre inattendu")
        for entry, (number, previous, digest) in zip(entries, rows, strict=True):
            entry.id, entry.previous_digest = number, previous
            if entry_digest(entry, previous) != digest:
                raise RuntimeError(
                    f"journal d'audit : l'empreinte de l'entrée n° {number} calculée par la base "
                    "diffère de celle du programme ; rien n'est enregistré"
                )
            entry.digest = digest

    def discard_pending(self) -> None:
        self._pending.clear()

    def pending_count(self) -> int:
        return len(self._pending)

    def forget_after(self, count: int) -> None:
        """Drop the entries kept after the first ``count`` (their savepoint was rolled back)."""
        del self._pending[count:]

    def recent(self, limit: int) -> Sequence[AuditEntry]:
        """The latest entries, newest first (this transaction's own entries written first)."""
        self.write_pending()
        query = select(*_COLUMNS).order_by(audit_log.c.id.desc()).limit(limit)
        return [_entry(row) for row in self.session.execute(query).mappings()]

    def head(self) -> AuditEntry | None:
        self.write_pending()
        query = select(*_COLUMNS).order_by(audit_log.c.id.desc()).limit(1)
        row = self.session.execute(query).mappings().first()
        return None if row is None else _entry(row)

    def entry(self, number: int) -> AuditEntry | None:
        query = select(*_COLUMNS).where(audit_log.c.id == number)
        row = self.session.execute(query).mappings().first()
        return None if row is None else _entry(row)

    def chain(self, after: int, limit: int) -> Sequence[AuditEntry]:
        """Up to ``limit`` entries whose id is above ``after``, in id order (read in pages)."""
        query = (
            select(*_COLUMNS).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(limit)
        )
        return [_entry(row) for row in self.session.execute(query).mappings()]

    def first(self, action: str, entity: str, key: str) -> AuditEntry | None:
        query = (
            select(*_COLUMNS)
            .where(
                audit_log.c.action == action,
                audit_log.c.entity == entity,
                audit_log.c.entity_key == key,
            )
            .order_by(audit_log.c.id)
            .limit(1)
        )
        row = self.session.execute(query).mappings().first()
        return None if row is None else _entry(row)


def _values(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_key": entry.entity_key,
        "detail": entry.detail,
        "previous_digest": entry.previous_digest,
        "digest": entry.digest,
    }


def _entry(row: RowMapping) -> AuditEntry:
    """A plain entry (not tracked by the session): the log is read, never changed."""
    return AuditEntry(
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_key=row["entity_key"],
        detail=row["detail"],
        id=row["id"],
        previous_digest=row["previous_digest"],
        digest=row["digest"],
    )
