"""The treasurer's paperwork: reminders due and sent, letters (HTML, PDF), exports for the
accountant (CSV, XLSX, FEC) and the bank (SEPA direct debits)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from gouvernance.domain.calls.accounting import (
    FecContext,
    FecOptions,
    batch_terms,
    check_balanced,
    encode_fec_reporting,
    fec_filename,
    fec_lines,
    fec_notice,
    fec_notice_filename,
    plan_for,
    render_fec,
)
from gouvernance.domain.calls.ledger import CallFigures, CallState, call_states
from gouvernance.domain.calls.model import (
    Call,
    CallBatch,
    Reminder,
)
from gouvernance.domain.calls.reminders import (
    DueReminder,
    ReminderLadder,
    ReminderLevel,
    due_reminders,
    next_reminder,
)
from gouvernance.domain.errors import InvalidInput, NotFound
from gouvernance.domain.members import Member
from gouvernance.domain.organisation import PrintedOrganisation
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, audit_chain, idempotency
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import call_exports, direct_debits, letters
from gouvernance.services.ledger.calls import (
    batch_references,
    check_day,
    clean_reference,
    existing_call,
    explanation,
    today,
)
from gouvernance.services.ledger.ledger_views import (
    CallView,
    Document,
    DueReminderView,
    SentReminders,
)
from gouvernance.services.ledger.reminder_rules import load_ladder
from gouvernance.services.organisation import setup
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.progress import Progress, silent

HTML = "text/html; charset=utf-8"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML = "application/xml"
TEXT = "text/plain; charset=utf-8"


def _letter_format(fmt: str) -> str:
    wanted = fmt.strip().lower().lstrip(".")
    if wanted not in ("html", "pdf"):
        raise InvalidInput(f"format de lettre inconnu « {fmt} » : html ou pdf", field="format")
    return wanted


# --------------------------------------------------------------------------------------------
# Letters


def _address(*parts: str | None) -> tuple[str, ...]:
    return tuple(part for part in parts if part)


def _org_party(organisation: PrintedOrganisation) -> letters.Party:
    return letters.Party(
        name=organisation.name,
        address_lines=organisation.address_lines,
        siren=organisation.siren,
        email=organisation.email,
        rna=organisation.rna,
    )


def _member_party(member: Member | None, call: Call) -> letters.Party:
    if member is None:
        return letters.Party(name=call.member_name)
    city = " ".join(_address(member.postal_code, member.city))
    return letters.Party(
        name=call.member_name,
        address_lines=_address(member.address, city),
        siren=member.siren,
        email=member.email,
    )


class _LetterWriter:
    """Letters written in one transaction: each batch, each member and each version of the
    organisation are read once, however many letters there are (a batch may hold thousands).

    A letter prints the organisation as it was when it was issued: a call letter its batch's
    snapshot, a reminder its own (taken when it was sent: a reminder sent after a change of bank
    gives the new IBAN, and a reminder printed again gives what it gave). A document issued
    before snapshots existed prints the organisation as it is now."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.batches: dict[int, CallBatch] = {}
        self.printed: dict[int | None, PrintedOrganisation] = {}

    def organisation(self, snapshot_id: int | None) -> PrintedOrganisation:
        found = self.printed.get(snapshot_id)
        if found is None:
            found = self.printed[snapshot_id] = setup.printed(self.uow, snapshot_id)
        return found

    def __call__(
        self,
        state: CallState,
        written_on: date,
        reminder: ReminderLevel | None = None,
        snapshot_id: int | None = None,
    ) -> letters.LetterData:
        """The letter of ``state``; ``snapshot_id`` (a reminder's) else the batch's."""
        call = state.call
        batch = self.batches.get(call.batch_id)
        if batch is None:
            batch = self.uow.ledger.batch_by_id(call.batch_id)
            assert batch is not None
            self.batches[call.batch_id] = batch
        organisation = self.organisation(
            snapshot_id if snapshot_id is not None else batch.organisation_snapshot_id
        )
        lines, _ = explanation(batch, call)
        mandate = self.uow.ledger.mandate(call.member_code)
        return letters.LetterData(
            organisation=_org_party(organisation),
            member=_member_party(self.uow.members.get(call.member_code), call),
            member_code=call.member_code,
            call_reference=call.reference,
            # « cotisation avec contrepartie » when the schedule says so (7562), as the FEC
            kind_label=call.kind.label
            + (" avec contrepartie" if batch_terms(batch).counterpart else ""),
            fiscal_year=call.fiscal_year,
            issued_on=call.issued_on,
            due_on=call.due_on,
            amount_cents=call.cents,
            credited_cents=state.credited,
            paid_cents=state.paid,
            outstanding_cents=state.outstanding,
            explanation=lines,
            payment=letters.PaymentDetails(
                iban=organisation.iban,
                bic=organisation.bic,
                payee=organisation.name,
                reference_to_quote=call.reference,
                direct_debit=mandate is not None and mandate.active,
            ),
            place=organisation.city or "",
            written_on=written_on,
            reminder=reminder,
            batch_decision=batch.decision,
            signatory=organisation.treasurer,
        )


def _states(uow: UnitOfWork, found: Sequence[Call], on: date) -> list[CallState]:
    """The calls (all issued by ``on``) as they stood that day; credit notes and allocations
    are read once, only the member's when the calls are all one member's."""
    members = {call.member_code for call in found}
    member = members.pop() if len(members) == 1 else None
    return call_states(found, uow.ledger.credit_notes(member), uow.ledger.allocations(member), on)


def _render(letter: letters.LetterData, fmt: str, stem: str) -> Document:
    if _letter_format(fmt) == "html":
        return Document(f"{stem}.html", HTML, letters.render_html(letter).encode())
    return Document(f"{stem}.pdf", PDF, letters.render_pdf(letter))


def call_letter(
    uows: UnitOfWorkFactory, actor: Actor, call_reference: str, fmt: str = "pdf"
) -> Document:
    """The call letter as issued (a member may fetch their own)."""
    _letter_format(fmt)
    with uows() as uow:
        call = existing_call(uow, actor, call_reference)
        (state,) = _states(uow, [call], call.issued_on)
        return _render(_LetterWriter(uow)(state, call.issued_on), fmt, f"appel-{call.reference}")


def batch_letters(
    uows: UnitOfWorkFactory, actor: Actor, batch_reference: str, progress: Progress = silent
) -> Document:
    """Every call letter of a batch, in one PDF to print (each as of the day it was issued:
    the whole batch was issued the same day)."""
    actor.require(Permission.READ_LEDGER)
    ref = clean_reference(batch_reference, "batch")
    with uows() as uow:
        found = uow.ledger.calls(CallFilter(batch_reference=ref))
        if not found:
            raise NotFound(f"aucun lot d'appels n'a la référence {ref}", field="batch")
        issued_on = found[0].issued_on
        write = _LetterWriter(uow)
        all_letters = [write(state, issued_on) for state in _states(uow, found, issued_on)]
        pdf = letters.render_many_pdf(all_letters, progress)
        return Document(f"appels-{ref}.pdf", PDF, pdf)


def reminder_letter(
    uows: UnitOfWorkFactory, actor: Actor, call_reference: str, level: int, fmt: str = "pdf"
) -> Document:
    """A reminder letter already sent (its date, its level, the amounts of that day)."""
    _letter_format(fmt)
    ladder = load_ladder()
    with uows() as uow:
        call = existing_call(uow, actor, call_reference)
        sent = [
            r
            for r in uow.ledger.reminders(call.member_code)
            if r.call_reference == call.reference and r.level == level
        ]
        if not sent or level > len(ladder.levels) or level < 1:
            raise NotFound(f"aucune relance de niveau {level} pour l'appel {call.reference}")
        day = sent[0].sent_on
        (state,) = _states(uow, [call], day)
        letter = _LetterWriter(uow)(
            state, day, ladder.level(level), sent[0].organisation_snapshot_id
        )
        return _render(letter, fmt, f"relance-{level}-{call.reference}")


# --------------------------------------------------------------------------------------------
# Reminders


def _due(uow: UnitOfWork, day: date, ladder: ReminderLadder) -> list[DueReminder]:
    """The next rung of every late call on ``day``: the calls' figures are summed by the
    database, and only the calls a reminder is due for are read whole."""
    sent, last = _reminded(uow)
    figures = [
        f
        for f in uow.ledger.call_figures(CallFilter(), day)
        if f.outstanding and _is_due(f, sent, last, ladder)
    ]
    records = uow.ledger.calls_by_id([f.id for f in figures])
    states = [
        CallState(call, f.credited, f.paid, day) for call, f in zip(records, figures, strict=True)
    ]
    return due_reminders(states, sent, ladder, day, last_sent=last)


def _reminded(uow: UnitOfWork) -> tuple[dict[str, int], dict[str, date]]:
    """The highest level sent for each call reminded, and the day it went out."""
    found = uow.ledger.last_reminders()
    return (
        {ref: level for ref, (level, _) in found.items()},
        {ref: sent_on for ref, (_, sent_on) in found.items()},
    )


def _is_due(
    figures: CallFigures, sent: dict[str, int], last: dict[str, date], ladder: ReminderLadder
) -> bool:
    return (
        next_reminder(
            figures.reference,
            figures.due_on,
            figures.outstanding,
            figures.status,
            sent,
            ladder,
            figures.on,
            last,
        )
        is not None
    )


def count_due(uow: UnitOfWork, figures: Sequence[CallFigures], ladder: ReminderLadder) -> int:
    """How many reminders ``reminders_due`` lists, from the calls' figures already read at
    that day (the desk's home shows only the number)."""
    sent, last = _reminded(uow)
    return sum(1 for f in figures if f.outstanding and _is_due(f, sent, last, ladder))


def _sent_on(
    uow: UnitOfWork, day: date, username: str, ladder: ReminderLadder
) -> list[DueReminder]:
    """The reminders ``username`` recorded on ``day``, as they were due then (in the order
    recorded, the order of ``_recorded_snapshots``)."""
    sent = [r for r in uow.ledger.reminders() if r.sent_on == day and r.sent_by == username]
    found = []
    for reminder in sent:
        call = uow.ledger.call(reminder.call_reference)
        assert call is not None
        found.append(call)
    states = {s.call.reference: s for s in _states(uow, found, day)}
    items = []
    for reminder in sent:
        level = ladder.level(reminder.level)
        state = states[reminder.call_reference]
        items.append(
            DueReminder(state, level, state.call.due_on + timedelta(days=level.after_days))
        )
    return items


def _recorded_snapshots(uow: UnitOfWork, day: date, username: str) -> list[int | None]:
    """What each reminder ``username`` recorded on ``day`` printed, in ``_sent_on``'s order."""
    return [
        r.organisation_snapshot_id
        for r in uow.ledger.reminders()
        if r.sent_on == day and r.sent_by == username
    ]


def _views(uow: UnitOfWork, items: Sequence[DueReminder]) -> tuple[DueReminderView, ...]:
    names = batch_references(uow)
    return tuple(
        DueReminderView(
            call=CallView.of(item.state, names.get(item.state.call.batch_id, "")),
            level=item.level.level,
            label=item.level.label,
            due_since=item.due_since,
        )
        for item in items
    )


def reminders_due(
    uows: UnitOfWorkFactory, actor: Actor, on: date | None = None
) -> list[DueReminderView]:
    """What is due to go out on ``on`` (default today): the next rung of each late call."""
    actor.require(Permission.READ_LEDGER)
    day = check_day(on or today(), "on")
    ladder = load_ladder()
    with uows() as uow:
        return list(_views(uow, _due(uow, day, ladder)))


def send_reminders(
    uows: UnitOfWorkFactory,
    actor: Actor,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> SentReminders:
    """Record every reminder due on ``on`` as sent and produce the letters (one PDF).

    Sending twice the same day sends nothing more: each (call, level) is recorded once.
    """
    actor.require(Permission.ISSUE_CALLS)
    day = check_day(on or today(), "on")
    if day > today():
        raise InvalidInput("une relance ne peut pas être envoyée dans le futur", field="on")
    key = idempotency.optional_key(actor, "reminders.send", idempotency_key)
    request = idempotency.fingerprint({"on": day})
    ladder = load_ladder()
    with uows() as uow:
        uow.ledger.lock()
        setup.require_organisation(uow)
        replayed = bool(key and idempotency.replay(uow, key, request) is not None)
        # A retry after a lost answer gets the reminders its first request recorded, again.
        due = _sent_on(uow, day, actor.username, ladder) if replayed else _due(uow, day, ladder)
        if replayed:
            snapshots = _recorded_snapshots(uow, day, actor.username)
        else:
            snapshot = setup.snapshot(uow)
            snapshots = [snapshot] * len(due)
            for item in due:
                call = item.state.call
                uow.ledger.add_reminder(
                    Reminder(
                        call.reference,
                        call.member_code,
                        item.level.level,
                        day,
                        actor.username,
                        organisation_snapshot_id=snapshot,
                    )
                )
        write = _LetterWriter(uow)
        made = [
            write(item.state, day, item.level, snapshot_id)
            for item, snapshot_id in zip(due, snapshots, strict=True)
        ]
        uow.flush()
        if due and not replayed:
            audit.record(
                uow,
                actor,
                "relances.envoyées",
                "reminder",
                day.isoformat(),
                relances=[(item.state.call.reference, item.level.level) for item in due],
            )
        if key and not replayed:
            idempotency.remember(uow, key, request, 201, str(len(due)))
        views = _views(uow, due)
        uow.commit()
    document = (
        Document(f"relances-{day.isoformat()}.pdf", PDF, letters.render_many_pdf(made))
        if made
        else None
    )
    return SentReminders(views, document)


# --------------------------------------------------------------------------------------------
# Exports


def export_calls(
    uows: UnitOfWorkFactory,
    actor: Actor,
    fmt: str,
    fiscal_year: int | None = None,
    on: date | None = None,
) -> Document:
    actor.require(Permission.READ_LEDGER)
    wanted = fees.export_format(fmt)
    day = check_day(on or today(), "on")
    with uows() as uow:
        found = uow.ledger.calls(CallFilter(fiscal_year=fiscal_year))
        names = batch_references(uow)
        states = call_states(found, uow.ledger.credit_notes(), uow.ledger.allocations(), day)
        rows = [call_exports.call_row(s, names.get(s.call.batch_id, "")) for s in states]
        journal = audit_chain.head(uow)
    stem = f"appels-{fiscal_year}" if fiscal_year else "appels"
    if wanted == "csv":
        return Document(f"{stem}.csv", CSV, call_exports.calls_csv(rows), journal)
    return Document(f"{stem}.xlsx", XLSX, call_exports.calls_xlsx(rows, journal), journal)


def export_payments(uows: UnitOfWorkFactory, actor: Actor, fmt: str) -> Document:
    actor.require(Permission.READ_LEDGER)
    wanted = fees.export_format(fmt)
    with uows() as uow:
        parts = uow.ledger.allocations()
        names = {m.code: m.display_name for m in uow.members.all()}
        rows = [
            call_exports.payment_row(p, parts, names.get(p.member_code, p.member_code))
            for p in uow.ledger.payments()
        ]
        rows += [
            call_exports.refund_row(r, names.get(r.member_code, r.member_code))
            for r in uow.ledger.refunds()
        ]
        journal = audit_chain.head(uow)
    if wanted == "csv":
        return Document("paiements.csv", CSV, call_exports.payments_csv(rows), journal)
    return Document("paiements.xlsx", XLSX, call_exports.payments_xlsx(rows, journal), journal)


def export_fec(
    uows: UnitOfWorkFactory,
    actor: Actor,
    start: date,
    end: date,
    options: FecOptions | None = None,
) -> Document:
    """The accounting entries from ``start`` to ``end`` as a FEC file (18 columns, « | »),
    lettered from the allocations; ``options``: encoding, deferred income (487), capital.

    Every line of a FEC is an accounting entry: the audit log's head is not written in it, it
    goes beside it (``Document.journal``: an HTTP header, the command's output, the notice)."""
    return export_fec_files(uows, actor, start, end, options)[0]


def export_fec_notice(
    uows: UnitOfWorkFactory,
    actor: Actor,
    start: date,
    end: date,
    options: FecOptions | None = None,
) -> Document:
    """The « notice descriptive » of the same export: what the file holds, its format, the
    accounts, journals and totals, the lettering, the options, the characters transliterated."""
    return export_fec_files(uows, actor, start, end, options)[1]


def export_fec_files(
    uows: UnitOfWorkFactory,
    actor: Actor,
    start: date,
    end: date,
    options: FecOptions | None = None,
) -> tuple[Document, Document]:
    """The FEC extract and its description note, made from one reading of the ledger."""
    actor.require(Permission.READ_LEDGER)
    wanted = options or FecOptions()
    check_day(start, "start")
    check_day(end, "end")
    if end < start:
        raise InvalidInput("la fin de période précède son début", field="end")
    with uows() as uow:
        organisation = setup.require_organisation(uow)
        name = fec_filename(organisation.siren, start, end)
        plan = plan_for(organisation.legal_form)
        lines = fec_lines(
            plan,
            uow.ledger.batches(),
            uow.ledger.calls(CallFilter()),
            uow.ledger.credit_notes(),
            uow.ledger.payments(),
            start,
            end,
            member_names={m.code: m.display_name for m in uow.members.all()},
            refunds=uow.ledger.refunds(),
            allocations=uow.ledger.allocations(),
            options=wanted,
        )
        journal = audit_chain.head(uow)
        context = FecContext(
            filename=name,
            organisation=organisation.name,
            siren=organisation.siren or "",
            period_start=start,
            period_end=end,
            made_on=today(),
            journal=journal.text if journal is not None else "",
        )
    check_balanced(lines)
    content, substitutions = encode_fec_reporting(render_fec(lines), wanted.encoding)
    notice = fec_notice(context, plan, lines, wanted, substitutions)
    charset = "us-ascii" if wanted.encoding == "ascii" else wanted.encoding  # IANA names
    media = f"text/plain; charset={charset}"
    return (
        Document(name, media, content, journal),
        Document(fec_notice_filename(name), TEXT, notice.encode("utf-8"), journal),
    )


def export_sepa(
    uows: UnitOfWorkFactory,
    actor: Actor,
    collection_date: date,
    batch_reference: str | None = None,
    schema: str | None = None,
) -> Document:
    """The SEPA direct-debit file (pain.008.001.08, or .02) of what members with a mandate
    still owe and was not sent yet, each debit recorded as sent (``direct_debits``)."""
    return direct_debits.export_sepa(uows, actor, collection_date, batch_reference, schema)
