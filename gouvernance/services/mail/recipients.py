"""Who gets what: the messages a kind and a reference stand for, one per member and document.

- calls « LOT-2027-01 »: each call of the batch (not those cancelled by a credit note), to the
  member called, with the call letter (``treasury.call_letter``);
- reminders « 2027-02-20 »: each reminder recorded that day, with its reminder letter
  (``treasury.reminder_letter``); « AC-2027-0005 »: that call's latest reminder alone — filed
  under the day it was recorded, so that it is never sent twice whichever way it is asked for;
- convocation « AG-2026-02 »: every associate on the roll of the open assembly, with the
  convocation (``assembly.convocation``);
- minutes « AG-2026-01 »: every associate on the roll of the closed assembly, with the minutes.

The PDFs are laid out only when a message is really sent (``Item.render``): a dry run costs
reads only. A member without a usable address is kept for a paper letter, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from gouvernance.domain.assembly.model import AssemblyStatus
from gouvernance.domain.calls.ledger import call_states
from gouvernance.domain.calls.model import CallStatus, Reminder
from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import Conflict, InvalidInput, NotFound
from gouvernance.domain.mail import NO_ADDRESS, MailKind
from gouvernance.domain.organisation import PrintedOrganisation
from gouvernance.domain.users import Actor
from gouvernance.services import clock
from gouvernance.services.assembly import assemblies, convocation, minutes
from gouvernance.services.ledger import treasury
from gouvernance.services.ledger.calls import clean_reference
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.ledger.reminder_rules import load_ladder
from gouvernance.services.mail import compose
from gouvernance.services.organisation import setup
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

_FRENCH_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ASSEMBLY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


@dataclass(frozen=True)
class Item:
    """One message: to whom, about which document, in which words; the PDF on demand."""

    member_code: str
    name: str
    address: str | None  # None: a paper letter (``paper_reason`` says why)
    paper_reason: str | None
    document: str  # the key of the document in the outbox
    attachment: str  # its file name
    wording: compose.Wording
    render: Callable[[], bytes]


@dataclass(frozen=True)
class Plan:
    kind: MailKind
    reference: str  # as filed in the outbox (a reminder asked by its call: its day)
    label: str  # « relances du 20/02/2027 », for people
    organisation: PrintedOrganisation
    sender: compose.Sender
    items: tuple[Item, ...]


def plan(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind,
    reference: str,
    *,
    sender_address: str | None,
    public_url: str | None,
) -> Plan:
    """Every message ``kind`` and ``reference`` stand for, read in one transaction."""
    if kind is MailKind.CALLS:
        return _calls(uows, actor, reference, sender_address)
    if kind is MailKind.REMINDERS:
        return _reminders(uows, actor, reference, sender_address)
    return _assembly(uows, actor, kind, reference, sender_address, public_url)


def _recipient(email: str | None) -> tuple[str | None, str | None]:
    """The member's address, or why they get a paper letter."""
    address = (email or "").strip()
    if not address:
        return None, NO_ADDRESS
    if compose.usable(address) is None:
        return None, f"adresse électronique illisible « {address} »"
    return address, None


def _addresses(uow: UnitOfWork) -> dict[str, str | None]:
    """Each member's e-mail address (plain values: usable once the transaction is over)."""
    return {member.code: member.email for member in uow.members.all()}


# --- calls ------------------------------------------------------------------------------------


def _calls(
    uows: UnitOfWorkFactory, actor: Actor, reference: str, sender_address: str | None
) -> Plan:
    ref = clean_reference(reference, "reference")
    with uows() as uow:
        batch = uow.ledger.batch(ref)
        if batch is None:
            raise NotFound(f"aucun lot d'appels n'a la référence {ref}", field="reference")
        found = uow.ledger.calls(CallFilter(batch_reference=ref))
        credits, parts = uow.ledger.credit_notes(), uow.ledger.allocations()
        issued = {s.call.reference: s for s in call_states(found, credits, parts, batch.issued_on)}
        now = {s.call.reference: s for s in call_states(found, credits, parts, _today())}
        organisation = setup.printed(uow, batch.organisation_snapshot_id)
        sent = compose.sender(organisation, sender_address)
        people = _addresses(uow)
        items = []
        for call in found:
            if call.reference in now and now[call.reference].status is CallStatus.CANCELLED:
                continue  # cancelled by a credit note since: nothing to ask any more
            attachment = f"appel-{call.reference}.pdf"
            address, reason = _recipient(people.get(call.member_code))
            items.append(
                Item(
                    member_code=call.member_code,
                    name=call.member_name,
                    address=address,
                    paper_reason=reason,
                    document=call.reference,
                    attachment=attachment,
                    wording=compose.call_wording(
                        issued[call.reference], call.kind.label, attachment, organisation, sent
                    ),
                    render=_call_letter(uows, actor, call.reference),
                )
            )
    return Plan(MailKind.CALLS, ref, f"appels du lot {ref}", organisation, sent, tuple(items))


def _call_letter(uows: UnitOfWorkFactory, actor: Actor, reference: str) -> Callable[[], bytes]:
    return lambda: treasury.call_letter(uows, actor, reference, "pdf").content


# --- reminders --------------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """« 2027-02-20 » or « 20/02/2027 »; ``None`` when ``text`` is not a day."""
    raw = text.strip()
    if found := _FRENCH_DAY.match(raw):
        day, month, year = (int(part) for part in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _reminders(
    uows: UnitOfWorkFactory, actor: Actor, reference: str, sender_address: str | None
) -> Plan:
    day = parse_day(reference)
    with uows() as uow:
        recorded = list(uow.ledger.reminders())
        if day is not None:
            chosen = [r for r in recorded if r.sent_on == day]
            if not chosen:
                raise NotFound(f"aucune relance enregistrée le {day:%d/%m/%Y}", field="reference")
            label = f"relances du {day:%d/%m/%Y}"
        else:
            call_reference = clean_reference(reference, "reference")
            of_call = [r for r in recorded if r.call_reference == call_reference]
            if not of_call:
                raise NotFound(
                    f"aucune relance enregistrée pour l'appel {call_reference} (ni aucune date "
                    "« AAAA-MM-JJ » de relances)",
                    field="reference",
                )
            latest = max(of_call, key=lambda r: r.level)
            chosen, day = [latest], latest.sent_on
            label = f"relance {latest.level} de l'appel {call_reference}"
        items, organisation, sent = _reminder_items(uows, uow, actor, chosen, sender_address)
    return Plan(MailKind.REMINDERS, day.isoformat(), label, organisation, sent, tuple(items))


def _reminder_items(
    uows: UnitOfWorkFactory,
    uow: UnitOfWork,
    actor: Actor,
    chosen: list[Reminder],
    sender_address: str | None,
) -> tuple[list[Item], PrintedOrganisation, compose.Sender]:
    ladder = load_ladder()
    people = _addresses(uow)
    printed: dict[int | None, PrintedOrganisation] = {}
    credits, parts = uow.ledger.credit_notes(), uow.ledger.allocations()
    items = []
    organisation: PrintedOrganisation | None = None
    sent: compose.Sender | None = None
    for reminder in chosen:
        call = uow.ledger.call(reminder.call_reference)
        assert call is not None
        snapshot = reminder.organisation_snapshot_id
        if snapshot not in printed:
            printed[snapshot] = setup.printed(uow, snapshot)
        organisation = printed[snapshot]
        sent = compose.sender(organisation, sender_address)
        (state,) = call_states([call], credits, parts, reminder.sent_on)
        level = ladder.level(reminder.level)
        attachment = f"relance-{reminder.level}-{call.reference}.pdf"
        address, reason = _recipient(people.get(call.member_code))
        items.append(
            Item(
                member_code=call.member_code,
                name=call.member_name,
                address=address,
                paper_reason=reason,
                document=f"{call.reference}/{reminder.level}",
                attachment=attachment,
                wording=compose.reminder_wording(state, level, attachment, organisation, sent),
                render=_reminder_letter(uows, actor, call.reference, reminder.level),
            )
        )
    if organisation is None or sent is None:  # never: there is at least one reminder
        organisation = setup.printed(uow, None)
        sent = compose.sender(organisation, sender_address)
    return items, organisation, sent


def _reminder_letter(
    uows: UnitOfWorkFactory, actor: Actor, reference: str, level: int
) -> Callable[[], bytes]:
    return lambda: treasury.reminder_letter(uows, actor, reference, level, "pdf").content


# --- assemblies -------------------------------------------------------------------------------


def _assembly(
    uows: UnitOfWorkFactory,
    actor: Actor,
    kind: MailKind,
    reference: str,
    sender_address: str | None,
    public_url: str | None,
) -> Plan:
    code = reference.strip().upper()
    if not _ASSEMBLY_CODE.match(code):
        raise InvalidInput(f"code d'assemblée invalide « {reference} »", field="reference")
    view = assemblies.assembly_view(uows, actor, code)
    summary = view.summary
    closed = summary.status is AssemblyStatus.CLOSED
    if kind is MailKind.CONVOCATION and closed:
        raise Conflict(
            f"l'assemblée {code} est close : sa convocation ne part plus (envoyez son "
            "procès-verbal)",
            field="reference",
        )
    if kind is MailKind.MINUTES and not closed:
        raise Conflict(
            f"l'assemblée {code} est encore ouverte : son procès-verbal n'est envoyé qu'une "
            "fois l'assemblée close (c'est encore un projet)",
            field="reference",
        )
    roll = assemblies.roll_view(uows, actor, code)
    with uows() as uow:
        assembly = uow.assemblies.get(code)
        snapshot = assembly.organisation_snapshot_id if assembly is not None and closed else None
        organisation = setup.printed(uow, snapshot)
        sent = compose.sender(organisation, sender_address)
        people = _addresses(uow)
    if kind is MailKind.CONVOCATION:
        attachment = f"convocation-{code}.pdf"
        where = (
            f"à l'adresse {public_url}/assemblees/{code}/voter"
            if public_url
            else f"sur l'application web de {organisation.name}, rubrique « Assemblées »"
        )
        wording = compose.convocation_wording(
            summary.kind_label, summary.title, summary.held_on, code,
            [f"{r.number}. {r.title}" for r in view.resolutions], attachment, where,
            organisation, sent,
        )  # fmt: skip
        render = _once(
            lambda: convocation.convocation(uows, actor, code, "pdf", public_url=public_url)
        )
        label = f"convocation à l'assemblée {code} du {long_date(summary.held_on)}"
    else:
        attachment = f"pv-{code}.pdf"
        wording = compose.minutes_wording(
            summary.kind_label, summary.held_on, code, attachment, organisation, sent
        )
        render = _once(lambda: minutes.minutes(uows, actor, code, "pdf"))
        label = f"procès-verbal de l'assemblée {code} du {long_date(summary.held_on)}"
    items = []
    for line in roll:
        address, reason = _recipient(people.get(line.member_code))
        items.append(
            Item(
                member_code=line.member_code,
                name=line.name,
                address=address,
                paper_reason=reason,
                document=code,
                attachment=attachment,
                wording=wording,
                render=render,
            )
        )
    return Plan(kind, code, label, organisation, sent, tuple(items))


def _once(make: Callable[[], Document]) -> Callable[[], bytes]:
    """The same PDF for every associate, laid out once, at the first message sent."""
    made: list[bytes] = []

    def render() -> bytes:
        if not made:
            made.append(make().content)
        return made[0]

    return render


def _today() -> date:
    return clock.today()
