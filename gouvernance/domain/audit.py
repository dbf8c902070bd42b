"""The append-only audit log: who did what, when, to which record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(eq=False)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    entity: str
    entity_key: str
    detail: str = ""
    id: int | None = None
