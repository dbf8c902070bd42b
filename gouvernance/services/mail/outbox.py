"""Sending calls, reminders, convocations and minutes by e-mail: the dry run, the run, the
history, the retry. What the CLI, the API and the web desks call.

A run (``send``) first writes every message it stands for in the outbox (``PENDING``), in one
transaction; then, message by message, it takes the message (``SENDING``, attempt counted),
hands it to the server and records the answer (``SENT``, with the server's words and the time)
or the failure (``FAILED``, with the French reason and the server's code and words) — each in
its own short transaction, so that a run stopped half-way leaves everything already sent
recorded as sent. A message sent is never sent again (kind + reference + member + document is
unique); a failed one goes again at the next ``send`` or ``retry``. One SMTP connection serves
a run; when it is refused or lost, the messages left are marked failed with that reason, to be
retried. A message left ``SENDING`` by a run that stopped (its fate unknown: the server may
have it) is sent again only by ``retry``, once no run has touched it for ``INTERRUPTED_AFTER``.

Who may send: the treasurer and the administrator the calls and reminders (ISSUE_CALLS); the
board, the scrutineers and the administrator the convocations and minutes (PREPARE_ASSEMBLIES
or RUN_ASSEMBLIES). Each run writes one audit entry with its counts — never the server's
credentials, which live in the configuration only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gouvernance.domain.errors import Forbidden, GouvernanceError, InvalidInput
from gouvernance.domain.mail import MailKind, MailStatus, OutboxMessage, parse_kind
from gouvernance.domain.moments import format_moment
from gouvernance.domain.users import Actor, Permission
from gouvernance.domain.wording import counted
from gouvernance.services import audit
from gouvernance.services.mail import compose, recipients, settings
from gouvernance.services.mail.recipients import Item, Plan
from gouvernance.services.mail.settings import MailSettings
from gouvernance.services.mail.transport import SendFailure, SmtpTransport, Transport
from gouvernance.services.ports import UnitOfWorkFactory

__all__ = [
    "INTERRUPTED_AFTER",
    "MailKind",
    "MailPreview",
    "MailReport",
    "MailStatus",
    "OutboxEntry",
    "PaperLetter",
    "PlannedMessage",
    "outbox",
    "parse_kind",
    "preview",
    "retry",
    "send",
]

INTERRUPTED_AFTER = timedelta(minutes=15)
MAX_HISTORY = 1000
_ASSEMBLY_PERMISSIONS = (Permission.PREPARE_ASSEMBLIES, Permission.RUN_ASSEMBLIES)


# --------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class OutboxEntry:
    """A message of the outbox as a person reads it (times on the organisation's clock)."""

    id: int
    kind: MailKind
    reference: str
    member_code: str
    name: str
    address: str
    document: str
    subject: str
    attachment: str
    message_id: str
    status: MailStatus
    attempts: int
    created_at: datetime
    created_by: str
    last_attempt_at: datetime | None
    last_attempt_by: str | None
    sent_at: datetime | None
    server_answer: str | None  # « 250 2.0.0 Ok: queued as 4F2A »
    smtp_code: int | None
    error: str | None  # why the last attempt failed, in French
    when: str  # « 20/02/2027 à 10:15 »: sent, else last tried, else recorded

    @property
    def status_label(self) -> str:
        return self.status.label

    @classmethod
    def of(cls, message: OutboxMessage, time_zone: str | None = None) -> OutboxEntry:
        assert message.id is not None
        moment = message.sent_at or message.last_attempt_at or message.created_at
        return cls(
            id=message.id,
            kind=message.kind,
            reference=message.reference,
            member_code=message.member_code,
            name=message.recipient_name,
            address=message.recipient,
            document=message.document,
            subject=message.subject,
            attachment=message.attachment,
            message_id=message.message_id,
            status=message.status,
            attempts=message.attempts,
            created_at=message.created_at,
            created_by=message.created_by,
            last_attempt_at=message.last_attempt_at,
            last_attempt_by=message.last_attempt_by,
            sent_at=message.sent_at,
            server_answer=message.server_answer,
            smtp_code=message.smtp_code,
            error=message.error,
            when=format_moment(moment, time_zone),
        )


@dataclass(frozen=True)
class PlannedMessage:
    """A message a run would send: never tried, or tried and failed (``error`` says why)."""

    member_code: str
    name: str
    address: str
    subject: str
    attachment: str
    document: str
    status: MailStatus | None  # None: not in the outbox yet; PENDING or FAILED
    attempts: int
    error: str | None


@dataclass(frozen=True)
class PaperLetter:
    """A member who gets the document by post: why (« pas d'adresse électronique »)."""

    member_code: str
    name: str
    reason: str
    document: str
    attachment: str


@dataclass(frozen=True)
class MailPreview:
    """The dry run: what ``send`` would do now, and nothing written."""

    kind: MailKind
    reference: str
    label: str  # « relances du 20/02/2027 »
    sender: str  # the From address
    to_send: tuple[PlannedMessage, ...]
    already_sent: tuple[OutboxEntry, ...]  # skipped: never sent twice
    in_progress: tuple[OutboxEntry, ...]  # handed to the server, answer not recorded yet
    paper: tuple[PaperLetter, ...]

    @property
    def summary(self) -> str:
        return _summary(
            [
                counted(len(self.to_send), "courriel à envoyer", "courriels à envoyer"),
                counted(len(self.already_sent), "déjà envoyé", "déjà envoyés"),
                *_in_progress(self.in_progress),
                counted(len(self.paper), "lettre papier", "lettres papier"),
            ]
        )


@dataclass(frozen=True)
class MailReport:
    """What a run did: sent (with the server's answer), failed (with why), skipped, on paper."""

    kind: MailKind
    reference: str
    label: str
    sender: str
    server: str  # « smtp.example.org:587 (STARTTLS) »
    sent: tuple[OutboxEntry, ...]
    failed: tuple[OutboxEntry, ...]
    already_sent: tuple[OutboxEntry, ...]
    in_progress: tuple[OutboxEntry, ...]
    paper: tuple[PaperLetter, ...]

    @property
    def summary(self) -> str:
        return _summary(
            [
                counted(len(self.sent), "courriel envoyé", "courriels envoyés"),
                counted(len(self.failed), "en échec", "en échec"),
                counted(len(self.already_sent), "déjà envoyé", "déjà envoyés"),
                *_in_progress(self.in_progress),
                counted(len(self.paper), "lettre papier", "lettres papier"),
            ]
        )


def _in_progress(entries: Sequence[OutboxEntry]) -> list[str]:
    return [counted(len(entries), "en cours d'envoi", "en cours d'envoi")] if entries else []


def _summary(parts: list[str]) -> str:
    return (", ".join(parts[:-1]) + " et " + parts[-1]) if len(parts) > 1 else parts[0]


# --------------------------------------------------------------------------------------------
# Use cases


def preview(
    uows: UnitOfWorkFactory, actor: Actor, kind: MailKind | str, reference: str
) -> MailPreview:
    """What ``send`` would send now, what it would skip, who gets paper: reads only."""
    wanted = _kind(kind)
    _require(actor, wanted)
    plan = _plan(uows, actor, wanted, reference, sender_address=settings.sender_from_environment())
    with uows() as uow:
        stored = _stored(uow.mail.messages(plan.kind, plan.reference))
        zone = plan.organisation.time_zone
        to_send, done, busy = [], [], []
        for item in _mailed(plan.items):
            message = stored.get((item.member_code, item.document))
            if message is not None and message.status is MailStatus.SENT:
                done.append(OutboxEntry.of(message, zone))
            elif message is not None and message.status is MailStatus.SENDING:
                busy.append(OutboxEntry.of(message, zone))
            else:
                to_send.append(_planned(item, message))
    return MailPreview(
        kind=plan.kind,
        reference=plan.reference,
        label=plan.label,
        sender=plan.sender.address,
        to_send=tuple(to_send),
        already_sent=tuple(done),
        in_progress=tuple(busy),
        paper=_paper(plan.items),
    )


def send(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind | str,
    reference: str,
    *,
    transport: Transport | None = None,
    settings: MailSettings | None = None,
) -> MailReport:
    """Send every message not sent yet (new, or failed before) and record each answer.

    Without ``transport``, the SMTP server of ``settings`` (default: the environment, refused
    in French when ``GOUVERNANCE_SMTP_HOST`` is missing, before anything is written)."""
    return _run(uows, actor, kind, reference, transport, settings, interrupted=False)


def retry(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind | str,
    reference: str,
    *,
    transport: Transport | None = None,
    settings: MailSettings | None = None,
) -> MailReport:
    """``send`` again, and also the messages a stopped run left « en cours d'envoi » for more
    than ``INTERRUPTED_AFTER`` (the server may have received them: the treasurer decides)."""
    return _run(uows, actor, kind, reference, transport, settings, interrupted=True)


def outbox(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind | str | None = None,
    reference: str | None = None,
    *,
    limit: int = 200,
) -> list[OutboxEntry]:
    """The messages recorded, newest first; ``reference`` also finds a document
    (« AC-2027-0005/1 »). Each person sees the kinds they may send."""
    if not 1 <= limit <= MAX_HISTORY:
        raise InvalidInput(f"le nombre de courriels doit être entre 1 et {MAX_HISTORY}", "limit")
    wanted = _kind(kind) if kind is not None else None
    if wanted is not None:
        _require(actor, wanted)
    visible = {k for k in MailKind if _may(actor, k)}
    if not visible:
        _require(actor, MailKind.CALLS)
    ref = _history_reference(reference)
    with uows() as uow:
        found = uow.organisation.get()
        zone = found.time_zone if found is not None else None
        return [
            OutboxEntry.of(message, zone)
            for message in uow.mail.history(wanted, ref, limit)
            if message.kind in visible
        ]


# --------------------------------------------------------------------------------------------
# The run


def _run(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind | str,
    reference: str,
    transport: Transport | None,
    configured: MailSettings | None,
    *,
    interrupted: bool,
) -> MailReport:
    wanted = _kind(kind)
    _require(actor, wanted)
    own = transport is None
    if transport is None:
        configured = configured or settings.from_environment()
        transport = SmtpTransport(configured)
    channel: Transport = transport
    server = configured.server if configured is not None else "transport fourni"
    address = configured.sender if configured is not None else settings.sender_from_environment()
    plan = _plan(uows, actor, wanted, reference, sender_address=address)
    mailed = _mailed(plan.items)
    outcome = _Outcome()
    ids, queue = _record(uows, actor, plan, mailed, outcome, interrupted)
    try:
        _deliver(uows, actor, plan, queue, ids, channel, outcome, interrupted)
    finally:
        if own:
            channel.close()
    report = _report(uows, plan, ids, outcome, server)
    if outcome.attempted or outcome.recorded:
        _audit(uows, actor, report, outcome)
    return report


@dataclass
class _Outcome:
    recorded: int = 0  # rows added to the outbox by this run
    attempted: int = 0
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _record(
    uows: UnitOfWorkFactory,
    actor: Actor,
    plan: Plan,
    mailed: Sequence[Item],
    outcome: _Outcome,
    interrupted: bool,
) -> tuple[dict[tuple[str, str], int], list[Item]]:
    """Every message of the plan in the outbox, ``PENDING`` if new, in one transaction; and
    the items still to send (no PDF is laid out for a message sent already)."""
    with uows() as uow:
        uow.mail.lock()
        stored = _stored(uow.mail.messages(plan.kind, plan.reference))
        now = _now()
        for item in mailed:
            key = (item.member_code, item.document)
            if key in stored:
                continue
            assert item.address is not None
            message = OutboxMessage(
                kind=plan.kind,
                reference=plan.reference,
                member_code=item.member_code,
                document=item.document,
                recipient=item.address,
                recipient_name=item.name,
                subject=item.wording.subject,
                attachment=item.attachment,
                message_id=compose.new_message_id(plan.sender.domain),
                status=MailStatus.PENDING,
                created_at=now,
                created_by=actor.username,
            )
            uow.mail.add(message)
            stored[key] = message
            outcome.recorded += 1
        ids = {key: message.id for key, message in stored.items() if message.id is not None}
        queue = [
            item
            for item in mailed
            if _sendable(stored[(item.member_code, item.document)], interrupted)
        ]
        uow.commit()
    return ids, queue


def _deliver(
    uows: UnitOfWorkFactory,
    actor: Actor,
    plan: Plan,
    mailed: Sequence[Item],
    ids: dict[tuple[str, str], int],
    channel: Transport,
    outcome: _Outcome,
    interrupted: bool,
) -> None:
    for position, item in enumerate(mailed):
        message_id = ids[(item.member_code, item.document)]
        try:
            pdf = item.render()
        except GouvernanceError as error:
            if _take(uows, actor, message_id, item, interrupted) is not None:
                _fail(uows, message_id, SendFailure(f"document impossible à produire : {error}"))
                outcome.attempted += 1
                outcome.failed.append(message_id)
            continue
        taken = _take(uows, actor, message_id, item, interrupted)
        if taken is None:
            continue
        outcome.attempted += 1
        try:
            email = compose.build(
                sent=plan.sender,
                to_name=item.name,
                to_address=taken.recipient,
                wording=item.wording,
                attachment=item.attachment,
                pdf=pdf,
                message_id=taken.message_id,
                now=_now(),
            )
            answer = channel.send(email)
        except InvalidInput as error:
            _fail(uows, message_id, SendFailure(error.message))
            outcome.failed.append(message_id)
            continue
        except SendFailure as failure:
            _fail(uows, message_id, failure)
            outcome.failed.append(message_id)
            if failure.connection:
                outcome.failed += _abandon(uows, mailed[position + 1 :], ids, failure)
                return
            continue
        _sent(uows, message_id, answer)
        outcome.sent.append(message_id)


@dataclass(frozen=True)
class _Taken:
    recipient: str
    message_id: str


def _take(
    uows: UnitOfWorkFactory, actor: Actor, message_id: int, item: Item, interrupted: bool
) -> _Taken | None:
    """Mark the message ``SENDING`` if it is still to send (another run may have taken it);
    its address, name and subject refreshed (an address corrected after a failure is used)."""
    with uows() as uow:
        uow.mail.lock()
        message = uow.mail.get(message_id)
        if message is None or not _sendable(message, interrupted):
            return None
        assert item.address is not None
        message.recipient = item.address
        message.recipient_name = item.name
        message.subject = item.wording.subject
        message.status = MailStatus.SENDING
        message.attempts += 1
        message.last_attempt_at = _now()
        message.last_attempt_by = actor.username
        taken = _Taken(message.recipient, message.message_id)
        uow.commit()
    return taken


def _sendable(message: OutboxMessage, interrupted: bool) -> bool:
    if message.status in (MailStatus.PENDING, MailStatus.FAILED):
        return True
    if message.status is MailStatus.SENDING and interrupted:
        last = message.last_attempt_at
        return last is None or _aware(last) <= _now() - INTERRUPTED_AFTER
    return False


def _sent(uows: UnitOfWorkFactory, message_id: int, answer: str) -> None:
    with uows() as uow:
        message = uow.mail.get(message_id)
        assert message is not None
        message.status = MailStatus.SENT
        message.sent_at = _now()
        message.server_answer = answer
        message.smtp_code = _code(answer)
        message.error = None
        uow.commit()


def _fail(uows: UnitOfWorkFactory, message_id: int, failure: SendFailure) -> None:
    with uows() as uow:
        message = uow.mail.get(message_id)
        assert message is not None
        message.status = MailStatus.FAILED
        message.error = failure.reason
        message.server_answer = failure.answer
        message.smtp_code = failure.code
        uow.commit()


def _abandon(
    uows: UnitOfWorkFactory,
    rest: Sequence[Item],
    ids: dict[tuple[str, str], int],
    failure: SendFailure,
) -> list[int]:
    """The connection is lost: every message left is marked failed with the same reason
    (not attempted, so their attempt count stays), to be sent by the next run."""
    left = [ids[(item.member_code, item.document)] for item in rest]
    abandoned = []
    with uows() as uow:
        for message_id in left:
            message = uow.mail.get(message_id)
            if message is None or message.status not in (MailStatus.PENDING, MailStatus.FAILED):
                continue
            message.status = MailStatus.FAILED
            message.error = f"non envoyé : {failure.reason}"
            message.server_answer = failure.answer
            message.smtp_code = failure.code
            abandoned.append(message_id)
        uow.commit()
    return abandoned


def _report(
    uows: UnitOfWorkFactory,
    plan: Plan,
    ids: dict[tuple[str, str], int],
    outcome: _Outcome,
    server: str,
) -> MailReport:
    touched = set(outcome.sent) | set(outcome.failed)
    with uows() as uow:
        zone = plan.organisation.time_zone
        stored = {m.id: m for m in uow.mail.messages(plan.kind, plan.reference)}
        mine = [stored[i] for i in ids.values() if i in stored]
        sent = [OutboxEntry.of(stored[i], zone) for i in outcome.sent]
        failed = [OutboxEntry.of(stored[i], zone) for i in outcome.failed]
        done = [
            OutboxEntry.of(m, zone)
            for m in mine
            if m.id not in touched and m.status is MailStatus.SENT
        ]
        busy = [
            OutboxEntry.of(m, zone)
            for m in mine
            if m.id not in touched and m.status is MailStatus.SENDING
        ]
    return MailReport(
        kind=plan.kind,
        reference=plan.reference,
        label=plan.label,
        sender=plan.sender.address,
        server=server,
        sent=tuple(sent),
        failed=tuple(failed),
        already_sent=tuple(done),
        in_progress=tuple(busy),
        paper=_paper(plan.items),
    )


def _audit(uows: UnitOfWorkFactory, actor: Actor, report: MailReport, outcome: _Outcome) -> None:
    with uows() as uow:
        audit.record(
            uow,
            actor,
            "courriels.envoyés",
            "mail",
            f"{report.kind.value}:{report.reference}",
            type=report.kind.label,
            envoyés=len(report.sent),
            échecs=len(report.failed),
            déjà_envoyés=len(report.already_sent),
            en_cours=len(report.in_progress),
            papier=len(report.paper),
            enregistrés=outcome.recorded,
            serveur=report.server,
            raisons=sorted({e.error for e in report.failed if e.error}),
        )
        uow.commit()


# --------------------------------------------------------------------------------------------
# Helpers


def _kind(kind: MailKind | str) -> MailKind:
    return kind if isinstance(kind, MailKind) else parse_kind(kind)


def _may(actor: Actor, kind: MailKind) -> bool:
    if kind in (MailKind.CALLS, MailKind.REMINDERS):
        return actor.can(Permission.ISSUE_CALLS)
    return any(actor.can(p) for p in _ASSEMBLY_PERMISSIONS)


def _require(actor: Actor, kind: MailKind) -> None:
    if _may(actor, kind):
        return
    if kind in (MailKind.CALLS, MailKind.REMINDERS):
        raise Forbidden(
            f"le rôle {actor.role.label} ne permet pas d'envoyer les appels ni les relances "
            "(trésorier, administrateur)"
        )
    raise Forbidden(
        f"le rôle {actor.role.label} ne permet pas d'envoyer la convocation ni le procès-verbal "
        "d'une assemblée (conseil, scrutateurs, administrateur)"
    )


def _plan(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind,
    reference: str,
    *,
    sender_address: str | None,
) -> Plan:
    if not (reference or "").strip():
        raise InvalidInput("la référence est obligatoire", field="reference")
    if len(reference) > 40:
        raise InvalidInput("référence trop longue (40 caractères au plus)", field="reference")
    return recipients.plan(
        uows,
        actor,
        kind,
        reference,
        sender_address=sender_address,
        public_url=settings.public_url(),
    )


def _mailed(items: Iterable[Item]) -> list[Item]:
    return [item for item in items if item.address is not None]


def _paper(items: Iterable[Item]) -> tuple[PaperLetter, ...]:
    return tuple(
        PaperLetter(item.member_code, item.name, item.paper_reason or "", item.document,
                    item.attachment)
        for item in items
        if item.address is None
    )  # fmt: skip


def _stored(messages: Iterable[OutboxMessage]) -> dict[tuple[str, str], OutboxMessage]:
    return {(m.member_code, m.document): m for m in messages}


def _planned(item: Item, message: OutboxMessage | None) -> PlannedMessage:
    assert item.address is not None
    return PlannedMessage(
        member_code=item.member_code,
        name=item.name,
        address=item.address,
        subject=item.wording.subject,
        attachment=item.attachment,
        document=item.document,
        status=message.status if message is not None else None,
        attempts=message.attempts if message is not None else 0,
        error=message.error if message is not None else None,
    )


def _history_reference(reference: str | None) -> str | None:
    """« 05/03/2027 » is filed as « 2027-03-05 »; codes are capitals."""
    if not reference or not reference.strip():
        return None
    day = recipients.parse_day(reference)
    return day.isoformat() if day is not None else reference.strip().upper()


def _code(answer: str) -> int | None:
    head = answer.split(" ", 1)[0]
    return int(head) if head.isdigit() else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)
