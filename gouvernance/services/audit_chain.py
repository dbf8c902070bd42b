"""The audit log's hash chain, for people: verify it, and give its head to the documents that
print it (minutes, exports) so that a later rewrite is visible to whoever holds one.

The hashing and the verification themselves are pure, in ``domain/audit.py``; numbering and
chaining at commit time is the store's (``persistence/audit_log.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gouvernance.domain.audit import AuditEntry, ChainHead, ChainReport, check_held, verify_chain
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_number
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory

PAGE = 2000  # entries read at a time: memory stays flat whatever the log's length
CLOSING = ("assemblee.close", "assembly")  # the entry that records an assembly's closing
HELD_FORMS = "« 1234:9f3a5c0d12345678 » ou « journal n° 1 234, empreinte 9f3a5c0d12345678… »"
# Lazy: in « 208 959a… » the number is 208 and the digest starts with 959 (the longest digest).
_NUMBER = r"(?P<number>\d+(?:[ \u00a0\u202f]\d{3})*?)"
_DIGEST = r"(?P<digest>[0-9a-f]{16,64})"
_HELD = re.compile(_NUMBER + r"\s*[:,;]?\s*" + _DIGEST + r"\s*(?:…|\.\.\.)?", re.IGNORECASE)
# « journal n° 1 234, empreinte 9f3a5c0d12345678… », alone or in the line that prints it
_PRINTED = re.compile(r"n°\s*" + _NUMBER + r"\s*,\s*empreinte\s*" + _DIGEST + r"(?![0-9a-f])", re.I)


@dataclass(frozen=True)
class Verification:
    """The chain recomputed and, when a document's head was given, whether the log still
    holds it."""

    report: ChainReport
    held: ChainHead | None = None
    held_problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.report.intact and self.held_problem is None

    @property
    def lines(self) -> tuple[str, ...]:
        """What a person reads, first line first."""
        if self.held is None:
            return (self.report.message,)
        if self.held_problem is None:
            return (
                self.report.message,
                f"l'entrée n° {format_number(self.held.number)} imprimée sur le document est "
                "toujours dans le journal, avec la même empreinte",
            )
        if not self.report.intact:
            return (self.report.message, self.held_problem)
        return (
            self.held_problem,
            f"la chaîne actuelle est pourtant cohérente ({self.report.summary}) : elle a été "
            "recalculée depuis ce document, ou le document ne vient pas de ce journal",
        )


def verify(uows: UnitOfWorkFactory, actor: Actor, held: str | None = None) -> Verification:
    """Recompute the whole chain (board and admin, who may read the log); with ``held``, the
    head printed on a document, also check that the log still has that entry with that digest."""
    actor.require(Permission.READ_AUDIT)
    wanted = parse_head(held) if held is not None else None
    with uows() as uow:
        report = verify_chain(_entries(uow))
        if wanted is None:
            return Verification(report)
        found = uow.audit.entry(wanted.number)
    return Verification(report, wanted, check_held(report, wanted, found))


def _entries(uow: UnitOfWork) -> Iterator[AuditEntry]:
    after = 0
    while page := uow.audit.chain(after, PAGE):
        yield from page
        after = page[-1].id or after


def parse_head(text: str) -> ChainHead:
    """A head as printed on a document or given to ``--head``: its number and its digest (the
    16 first hex digits at least), « 1234:9f3a… » or the printed line itself."""
    match = _HELD.fullmatch(text.strip()) or _PRINTED.search(text)
    if match is None:
        raise InvalidInput(
            f"« {text} » n'est pas une tête de journal : écrivez-la {HELD_FORMS}", field="head"
        )
    number = int(re.sub(r"\D", "", match["number"]))
    return ChainHead(number, match["digest"].lower())


def head(uow: UnitOfWork) -> ChainHead | None:
    """The head of the log now (None: empty), to print on a document made in this unit of work:
    read after the document's data, it covers every change the document shows."""
    return _head(uow.audit.head())


def closing_head(uow: UnitOfWork, assembly_code: str) -> ChainHead | None:
    """The entry that recorded the closing of the assembly: the same whenever the minutes are
    printed again, and it chains everything done up to the closing."""
    action, entity = CLOSING
    return _head(uow.audit.first(action, entity, assembly_code))


def _head(entry: AuditEntry | None) -> ChainHead | None:
    if entry is None or entry.id is None:
        return None
    return ChainHead(entry.id, entry.digest)
