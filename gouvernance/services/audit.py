"""Writing to the audit log inside the same transaction as the change it records."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.moments import format_moment, local
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory


def record(
    uow: UnitOfWork, actor: Actor, action: str, entity: str, key: str, **detail: Any
) -> None:
    uow.audit.append(
        AuditEntry(
            at=datetime.now(UTC),
            actor=actor.username,
            action=action,
            entity=entity,
            entity_key=key,
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )


def recent(uows: UnitOfWorkFactory, actor: Actor, limit: int = 100) -> list[AuditEntry]:
    """The latest entries, newest first (board and admin may read the log)."""
    return [line.entry for line in journal(uows, actor, limit)]


@dataclass(frozen=True)
class AuditLine:
    """An entry as a person reads it: when, on the organisation's clock (« 07/12/2026 à
    09:33:12 »), beside the stored UTC instant."""

    entry: AuditEntry
    at_local: datetime
    at_text: str


def journal(uows: UnitOfWorkFactory, actor: Actor, limit: int = 100) -> list[AuditLine]:
    """The latest entries, newest first, with their time in the organisation's time zone."""
    actor.require(Permission.READ_AUDIT)
    if not 1 <= limit <= 1000:
        raise InvalidInput("le nombre d'entrées doit être entre 1 et 1000", field="limit")
    with uows() as uow:
        found = uow.organisation.get()
        zone = found.time_zone if found is not None else None
        return [
            AuditLine(e, local(e.at, zone), format_moment(e.at, zone, seconds=True))
            for e in uow.audit.recent(limit)
        ]
