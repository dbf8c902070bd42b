"""The append-only audit log: who did what, when, to which record — and the hash chain that
makes a later rewrite visible.

Each entry carries the SHA-256 digest (« empreinte ») of its own content and of the digest of
the entry before it. The content hashed is a canonical serialisation, fixed forever (a standalone
script can recompute it from a copy of the table):

* the JSON array ``[id, at, actor, action, entity, entity_key, detail, previous]``, written with
  no space (separators ``,`` and ``:``), non-ASCII characters as they are (not ``\\u`` escapes),
  encoded in UTF-8;
* ``id`` a JSON integer, ``at`` the instant in UTC as ``AAAA-MM-JJTHH:MM:SS.ffffffZ`` (always six
  digits of microseconds), the other fields JSON strings exactly as stored;
* ``previous`` the 64 lower-case hexadecimal digits of the previous entry's digest, or
  ``GENESIS`` (64 zeros) for the first entry.

``verify_chain`` walks the entries in id order and names the first broken link: an entry whose
content no longer matches its digest (edited after the fact), entries missing between two
(deleted), or an entry whose recorded predecessor is not the one before it (rewritten).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from gouvernance.domain.money import format_number

GENESIS = "0" * 64  # the « previous digest » of the very first entry
SHOWN_DIGITS = 16  # how much of a digest a printed document shows (64 bits)


@dataclass(eq=False)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str = ""
    id: int | None = None
    previous_digest: str = ""  # set when the entry is written, at the end of its transaction
    digest: str = ""


def utc_text(moment: datetime) -> str:
    """« 2026-12-07T09:33:12.000000Z »: the instant as the chain hashes it (naive = UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry, previous: str) -> bytes:
    """The bytes hashed for ``entry`` chained after the digest ``previous`` (see above)."""
    if entry.id is None:
        raise ValueError("une entrée du journal n'a d'empreinte qu'une fois numérotée")
    fields = [
        entry.id,
        utc_text(entry.at),
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_key,
        entry.detail,
        previous,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_digest(entry: AuditEntry, previous: str) -> str:
    """The SHA-256 digest of ``entry`` after ``previous``, in 64 lower-case hex digits."""
    return hashlib.sha256(canonical(entry, previous)).hexdigest()


def seal(entries: Iterable[AuditEntry], last_id: int, last_digest: str) -> None:
    """Number the new ``entries`` after the head (``last_id``, ``last_digest``; 0 and
    ``GENESIS`` on an empty log) and chain them, in order."""
    number, previous = last_id, last_digest
    for entry in entries:
        number += 1
        entry.id = number
        entry.previous_digest = previous
        entry.digest = previous = entry_digest(entry, previous)


@dataclass(frozen=True)
class ChainHead:
    """An entry of the log and its digest: printed on a document, it lets whoever holds the
    document check later that the log up to that entry was not rewritten."""

    number: int
    digest: str

    @property
    def short(self) -> str:
        """The first 16 hex digits and an ellipsis: « 9f3a5c0d12345678… »."""
        return f"{self.digest[:SHOWN_DIGITS]}…"

    @property
    def text(self) -> str:
        """« journal n° 1 234, empreinte 9f3a5c0d12345678… »."""
        return f"journal n° {format_number(self.number)}, empreinte {self.short}"

    @property
    def header(self) -> str:
        """The ASCII form given beside a downloaded file: « 1234 9f3a…(64 digits) »."""
        return f"{self.number} {self.digest}"


class Break(StrEnum):
    """How a chain can break."""

    MODIFIED = "modifiée"  # the entry's content no longer gives its digest
    MISSING = "manquante"  # entries between two were deleted
    LINK = "chaînon"  # the entry does not follow the one stored before it


@dataclass(frozen=True)
class ChainBreak:
    kind: Break
    number: int  # the first entry in question (the first missing one, for MISSING)
    message: str  # French, for a person


@dataclass(frozen=True)
class ChainReport:
    count: int  # entries read
    head: ChainHead | None  # the last entry read (None: empty log)
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    @property
    def message(self) -> str:
        """« journal intègre : 1 234 entrées, tête n° 1 234, empreinte 9f3a… », or the break."""
        if self.broken is not None:
            return self.broken.message
        return f"journal intègre : {self.summary}"

    @property
    def summary(self) -> str:
        """« 1 234 entrées, tête n° 1 234, empreinte 9f3a5c0d12345678… » (what was read)."""
        if self.head is None:
            return "aucune entrée"
        entries = "entrée" if self.count < 2 else "entrées"
        return (
            f"{format_number(self.count)} {entries}, tête n° {format_number(self.head.number)}, "
            f"empreinte {self.head.short}"
        )


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"l'entrée n° {format_number(first)} manque : supprimée après coup"
    return (
        f"les entrées n° {format_number(first)} à {format_number(last)} manquent : "
        "supprimées après coup"
    )


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Recompute the chain over ``entries`` (in id order) and stop at the first broken link.

    Ids are consecutive from 1 for every entry chained when written; a log chained by the
    migration 0008 may keep the holes its numbering already had (a transaction rolled back
    under PostgreSQL), which the chain then spans: a hole is reported only where the link
    across it is broken too."""
    count = 0
    last_id, last_digest = 0, GENESIS
    for entry in entries:
        number = entry.id or 0
        linked = entry.previous_digest == last_digest
        sealed = linked and entry_digest(entry, entry.previous_digest) == entry.digest
        if not sealed:
            return ChainReport(count, _head(last_id, last_digest), _why(entry, last_id, linked))
        count += 1
        last_id, last_digest = number, entry.digest
    return ChainReport(count, _head(last_id, last_digest), None)


def _why(entry: AuditEntry, last_id: int, linked: bool) -> ChainBreak:
    """The first broken link, at ``entry`` read after the intact entry ``last_id``.

    A hole in the numbers across a broken link is entries deleted. An entry that still names its
    predecessor but no longer gives its digest was edited; a hole before it is only mentioned (a
    log chained by the migration may have holes of its own, older than the chain)."""
    number = entry.id or 0
    shown = format_number(number)
    if number > last_id + 1 and not linked:
        return ChainBreak(Break.MISSING, last_id + 1, _missing(last_id + 1, number - 1))
    if not linked:
        after = f"l'entrée n° {format_number(last_id)}" if last_id else "le début du journal"
        return ChainBreak(
            Break.LINK,
            number,
            f"l'entrée n° {shown} ne suit plus {after} : chaînon rompu (l'une des deux a été "
            "réécrite après coup)",
        )
    message = f"l'entrée n° {shown} ne correspond plus à son empreinte : modifiée après coup"
    if number > last_id + 1:
        first, last = format_number(last_id + 1), format_number(number - 1)
        absent = f"le n° {first}" if first == last else f"les n° {first} à {last}"
        message += f" ({absent}, juste avant, absent du journal)"
    return ChainBreak(Break.MODIFIED, number, message)


def _head(number: int, digest: str) -> ChainHead | None:
    return ChainHead(number, digest) if number else None


def check_held(report: ChainReport, held: ChainHead, found: AuditEntry | None) -> str | None:
    """What is wrong with a head printed on a document (``held``: its number and the digest, or
    the beginning of it, as printed), given the entry now stored under that number; None when
    the log still holds it."""
    number = format_number(held.number)
    if found is None or found.id != held.number:
        return f"l'entrée n° {number} imprimée sur un document n'est plus dans le journal"
    if not found.digest.startswith(held.digest.lower()):
        return (
            f"l'entrée n° {number} n'a plus l'empreinte imprimée sur le document : le journal a "
            "été réécrit depuis"
        )
    if report.head is None or held.number > report.head.number:
        return f"l'entrée n° {number} est au-delà de la partie intègre du journal"
    return None
