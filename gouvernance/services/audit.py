"""Writing to the audit log inside the same transaction as the change it records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from gouvernance.domain.audit import AuditEntry
from gouvernance.domain.errors import InvalidInput
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
    actor.require(Permission.READ_AUDIT)
    if not 1 <= limit <= 1000:
        raise InvalidInput("le nombre d'entrées doit être entre 1 et 1000", field="limit")
    with uows() as uow:
        return [
            AuditEntry(e.at, e.actor, e.action, e.entity, e.entity_key, e.detail, e.id)
            for e in uow.audit.recent(limit)
        ]
