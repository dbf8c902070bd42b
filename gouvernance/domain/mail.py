"""E-mail sent to members: what was sent (or is to be sent), to whom, and what the server said.

An ``OutboxMessage`` is written *before* the message leaves (``PENDING``), then marked ``SENT``
with the server's answer or ``FAILED`` with the reason. Its key — kind, reference, member,
document — is unique: a message already sent is never sent again, whatever retries, and a
failed one is simply tried again. ``SENDING`` marks a message handed to the server whose answer
is not recorded yet (a run in progress, or one that stopped half-way: its fate is unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gouvernance.domain.errors import InvalidInput

NO_ADDRESS = "pas d'adresse électronique"


class MailKind(StrEnum):
    """What a run of e-mails sends, and the reference that names it."""

    CALLS = "calls"  # the letters of a call batch: « LOT-2027-01 »
    REMINDERS = "reminders"  # the reminders recorded on a day « 2027-02-20 », or one call's
    CONVOCATION = "convocation"  # an assembly's convocation: « AG-2026-02 »
    MINUTES = "minutes"  # a closed assembly's minutes: « AG-2026-01 »

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def word(self) -> str:
        """The French word a person types (``gouvernance mail send relances …``)."""
        return _KIND_WORDS[self]


_KIND_LABELS = {
    MailKind.CALLS: "appels de cotisation",
    MailKind.REMINDERS: "relances",
    MailKind.CONVOCATION: "convocation",
    MailKind.MINUTES: "procès-verbal",
}
_KIND_WORDS = {
    MailKind.CALLS: "appels",
    MailKind.REMINDERS: "relances",
    MailKind.CONVOCATION: "convocation",
    MailKind.MINUTES: "pv",
}
_KIND_ALIASES = {
    **{kind.value: kind for kind in MailKind},
    **{kind.word: kind for kind in MailKind},
    "appel": MailKind.CALLS,
    "relance": MailKind.REMINDERS,
    "convocations": MailKind.CONVOCATION,
    "proces-verbal": MailKind.MINUTES,
    "procès-verbal": MailKind.MINUTES,
    "proces-verbaux": MailKind.MINUTES,
    "procès-verbaux": MailKind.MINUTES,
}


def parse_kind(text: str, *, field: str = "kind") -> MailKind:
    """« relances » or ``reminders``: the French word or the English identifier."""
    word = text.strip().lower().replace(" ", "-").replace("_", "-")
    found = _KIND_ALIASES.get(word)
    if found is None:
        known = ", ".join(kind.word for kind in MailKind)
        raise InvalidInput(f"type de courriel inconnu « {text} » (types : {known})", field=field)
    return found


class MailStatus(StrEnum):
    PENDING = "pending"  # recorded, not handed to the server yet
    SENDING = "sending"  # handed to the server, its answer not recorded yet
    SENT = "sent"  # the server accepted it
    FAILED = "failed"  # refused, or the connection failed: retryable

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    MailStatus.PENDING: "à envoyer",
    MailStatus.SENDING: "en cours d'envoi",
    MailStatus.SENT: "envoyé",
    MailStatus.FAILED: "en échec",
}


@dataclass(eq=False)
class OutboxMessage:
    """One e-mail to one member, about one document (a row of ``mail_outbox``)."""

    kind: MailKind
    reference: str  # « LOT-2027-01 », « 2027-02-20 », « AG-2026-02 »
    member_code: str
    document: str  # the document's own key: « AC-2027-0001 », « AC-2027-0001/2 », « AG-2026-02 »
    recipient: str  # the address the message went (or goes) to
    recipient_name: str
    subject: str
    attachment: str  # the PDF's file name
    message_id: str  # « <…@alpilles-reemploi.example> », kept for every attempt
    status: MailStatus
    created_at: datetime
    created_by: str
    attempts: int = 0
    last_attempt_at: datetime | None = None
    last_attempt_by: str | None = None
    sent_at: datetime | None = None
    server_answer: str | None = None  # « 250 2.0.0 Ok: queued as 4F2A » (or the refusal)
    smtp_code: int | None = None  # the server's code, when it gave one
    error: str | None = None  # why the last attempt failed, in French
    id: int | None = None
