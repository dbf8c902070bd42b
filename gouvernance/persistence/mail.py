"""The e-mail outbox in the database: one row per message, updated as its attempts go."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gouvernance.domain.mail import MailKind, OutboxMessage
from gouvernance.persistence.orm import mail_outbox
from gouvernance.persistence.repositories import _lock

_MAIL_LOCK = 7_203_010  # an arbitrary, stable advisory-lock key for the outbox


class SqlMailOutbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self) -> None:
        """Serialise the runs that pick messages to send (SQLite's writers already are)."""
        _lock(self.session, _MAIL_LOCK)

    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)
        self.session.flush()

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def messages(self, kind: MailKind, reference: str) -> Sequence[OutboxMessage]:
        query = (
            select(OutboxMessage)
            .where(mail_outbox.c.kind == kind, mail_outbox.c.reference == reference)
            .order_by(mail_outbox.c.id)
        )
        return self.session.scalars(query).all()

    def history(
        self, kind: MailKind | None, reference: str | None, limit: int
    ) -> Sequence[OutboxMessage]:
        query = select(OutboxMessage).order_by(mail_outbox.c.id.desc()).limit(limit)
        if kind is not None:
            query = query.where(mail_outbox.c.kind == kind)
        if reference is not None:
            query = query.where(
                or_(mail_outbox.c.reference == reference, mail_outbox.c.document == reference)
            )
        return self.session.scalars(query).all()
