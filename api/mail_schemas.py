"""What the e-mail endpoints answer: the dry run, a run's report, the outbox's history.

Every message names the member, the address, the document and its PDF; a message sent carries
the server's answer (« 250 2.0.0 Ok: queued as 4F2A »), a failed one the French reason and the
server's code. ``summary`` says it in one French sentence."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gouvernance.services.mail.outbox import (
    MailPreview,
    MailReport,
    OutboxEntry,
    PaperLetter,
    PlannedMessage,
)


class OutboxEntryOut(BaseModel):
    id: int
    kind: str = Field(description="calls, reminders, convocation ou minutes")
    kind_label: str = Field(description="« relances »")
    reference: str = Field(description="lot, jour des relances ou assemblée")
    member_code: str
    name: str
    address: str = Field(description="l'adresse électronique du membre")
    document: str = Field(description="« AC-2027-0001 », « AC-2027-0001/2 », « AG-2026-02 »")
    subject: str
    attachment: str = Field(description="le nom du PDF joint")
    message_id: str
    status: str = Field(description="pending, sending, sent ou failed")
    status_label: str = Field(description="« envoyé », « en échec »…")
    attempts: int
    created_at: datetime
    created_by: str
    last_attempt_at: datetime | None
    sent_at: datetime | None
    server_answer: str | None = Field(description="la réponse du serveur SMTP")
    smtp_code: int | None
    error: str | None = Field(description="pourquoi le dernier essai a échoué, en français")
    when: str = Field(description="« 20/02/2027 à 10:15 », à l'heure de l'organisation")

    @classmethod
    def of(cls, entry: OutboxEntry) -> OutboxEntryOut:
        return cls(
            id=entry.id,
            kind=entry.kind.value,
            kind_label=entry.kind.label,
            reference=entry.reference,
            member_code=entry.member_code,
            name=entry.name,
            address=entry.address,
            document=entry.document,
            subject=entry.subject,
            attachment=entry.attachment,
            message_id=entry.message_id,
            status=entry.status.value,
            status_label=entry.status_label,
            attempts=entry.attempts,
            created_at=entry.created_at,
            created_by=entry.created_by,
            last_attempt_at=entry.last_attempt_at,
            sent_at=entry.sent_at,
            server_answer=entry.server_answer,
            smtp_code=entry.smtp_code,
            error=entry.error,
            when=entry.when,
        )


class PlannedMessageOut(BaseModel):
    member_code: str
    name: str
    address: str
    subject: str
    attachment: str
    document: str
    status: str | None = Field(description="null : jamais essayé ; failed : à réessayer")
    attempts: int
    error: str | None

    @classmethod
    def of(cls, message: PlannedMessage) -> PlannedMessageOut:
        return cls(
            member_code=message.member_code,
            name=message.name,
            address=message.address,
            subject=message.subject,
            attachment=message.attachment,
            document=message.document,
            status=message.status.value if message.status is not None else None,
            attempts=message.attempts,
            error=message.error,
        )


class PaperLetterOut(BaseModel):
    member_code: str
    name: str
    reason: str = Field(description="« pas d'adresse électronique »")
    document: str
    attachment: str

    @classmethod
    def of(cls, letter: PaperLetter) -> PaperLetterOut:
        return cls(
            member_code=letter.member_code,
            name=letter.name,
            reason=letter.reason,
            document=letter.document,
            attachment=letter.attachment,
        )


class MailPreviewOut(BaseModel):
    kind: str
    reference: str
    label: str = Field(description="« relances du 20/02/2027 »")
    sender: str = Field(description="l'adresse d'expédition")
    summary: str = Field(description="« 3 courriels à envoyer, 0 déjà envoyé et 1 lettre papier »")
    to_send: list[PlannedMessageOut]
    already_sent: list[OutboxEntryOut]
    in_progress: list[OutboxEntryOut]
    paper: list[PaperLetterOut]

    @classmethod
    def of(cls, preview: MailPreview) -> MailPreviewOut:
        return cls(
            kind=preview.kind.value,
            reference=preview.reference,
            label=preview.label,
            sender=preview.sender,
            summary=preview.summary,
            to_send=[PlannedMessageOut.of(m) for m in preview.to_send],
            already_sent=[OutboxEntryOut.of(e) for e in preview.already_sent],
            in_progress=[OutboxEntryOut.of(e) for e in preview.in_progress],
            paper=[PaperLetterOut.of(p) for p in preview.paper],
        )


class MailReportOut(BaseModel):
    kind: str
    reference: str
    label: str
    sender: str
    server: str = Field(description="« smtp.example.org:587 (STARTTLS) », sans identifiant")
    summary: str = Field(description="« 3 courriels envoyés, 1 en échec, 0 déjà envoyé et… »")
    sent: list[OutboxEntryOut]
    failed: list[OutboxEntryOut] = Field(description="à réessayer : la raison dans « error »")
    already_sent: list[OutboxEntryOut]
    in_progress: list[OutboxEntryOut]
    paper: list[PaperLetterOut]

    @classmethod
    def of(cls, report: MailReport) -> MailReportOut:
        return cls(
            kind=report.kind.value,
            reference=report.reference,
            label=report.label,
            sender=report.sender,
            server=report.server,
            summary=report.summary,
            sent=[OutboxEntryOut.of(e) for e in report.sent],
            failed=[OutboxEntryOut.of(e) for e in report.failed],
            already_sent=[OutboxEntryOut.of(e) for e in report.already_sent],
            in_progress=[OutboxEntryOut.of(e) for e in report.in_progress],
            paper=[PaperLetterOut.of(p) for p in report.paper],
        )
