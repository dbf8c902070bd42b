"""Contribution calls: issue a batch from the adopted schedule, list and explain calls, correct
them with credit notes. Every write takes the ledger lock, so two treasurers at once cannot
issue the same calls twice nor number two records alike."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path

from gouvernance.domain.calls.issuing import (
    IssuePlan,
    explain_call,
    fact_refs,
    missing_problems,
    plan_issue,
)
from gouvernance.domain.calls.ledger import CallState, call_states
from gouvernance.domain.calls.model import (
    Allocation,
    Call,
    CallBatch,
    CallKind,
    CallStatus,
    CreditNote,
    reference,
)
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.schedule import FeeSchedule
from gouvernance.domain.fees.vector import PayerTable
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.money import format_cents
from gouvernance.domain.text import character_problem
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, clock, idempotency
from gouvernance.services.contributions import fees
from gouvernance.services.ledger.ledger_views import (
    AllocationView,
    BatchView,
    CallDetail,
    CallView,
    CreditNoteView,
    IssuePreview,
    IssueResult,
    LeftOut,
    LeftOutReason,
    PlannedCall,
)
from gouvernance.services.organisation import setup
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.progress import Progress, silent
from gouvernance.services.registry.views import Page

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_PAGE = 1000
MAX_REASON = 500
WRITE_CHUNK = 25_000  # calls written per statement: a progress bar moves, the cost stays the same


def check_day(day: date, field: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"date hors de la plage {FIRST_DAY.year}–{LAST_DAY.year}", field=field)
    return day


def today() -> date:
    return clock.today()


# --------------------------------------------------------------------------------------------
# Issuing


def issue_calls(
    uows: UnitOfWorkFactory,
    actor: Actor,
    schedule_id: str,
    *,
    issued_on: date,
    due_on: date,
    exclude_incomplete: bool = False,
    idempotency_key: str | None = None,
    folder: Path | None = None,
    progress: Progress = silent,
) -> IssueResult:
    """Call every member the adopted schedule applies to and who has not been called yet.

    The first request issues the batch; the same request again (or a concurrent one) finds
    everybody called and returns that batch, ``created=False``. A member who joined since is
    called by the next request, in a complementary batch. Members whose figures are missing
    stop the issue (listed), unless ``exclude_incomplete``: they are then left out and named.
    """
    schedule, text = _checked_request(actor, schedule_id, issued_on, due_on, folder)
    key = idempotency.optional_key(actor, "calls.issue", idempotency_key)
    request = idempotency.fingerprint(
        {"schedule": schedule.id, "issued_on": issued_on, "due_on": due_on,
         "exclude_incomplete": exclude_incomplete}
    )  # fmt: skip
    with uows() as uow:
        uow.ledger.lock()
        if key and (done := idempotency.replay(uow, key, request)):
            return IssueResult(_batch(uow, done), created=False, excluded=(), exempt=())
        result = _issue(uow, actor, schedule, text, issued_on, due_on, exclude_incomplete, progress)
        if key:
            idempotency.remember(uow, key, request, 201, result.batch.reference)
        uow.commit()
    return result


def _checked_request(
    actor: Actor, schedule_id: str, issued_on: date, due_on: date, folder: Path | None
) -> tuple[FeeSchedule, str]:
    """What an issue and its preview both refuse before reading the ledger."""
    actor.require(Permission.ISSUE_CALLS)
    check_day(issued_on, "issued_on")
    check_day(due_on, "due_on")
    if due_on < issued_on:
        raise InvalidInput("l'échéance précède la date d'émission", field="due_on")
    schedule, text = fees.schedule_text(schedule_id, folder)
    _check_adopted(schedule, issued_on)
    return schedule, text


def preview_issue(
    uows: UnitOfWorkFactory,
    actor: Actor,
    schedule_id: str,
    *,
    issued_on: date,
    due_on: date,
    exclude_incomplete: bool = False,
    folder: Path | None = None,
) -> IssuePreview:
    """What ``issue_calls`` with the same request would issue, without writing anything: the
    members called with their amounts, those left out and why, the total. Refused as the issue
    itself would be (schedule not adopted, dates, another schedule already used this year)."""
    schedule, _ = _checked_request(actor, schedule_id, issued_on, due_on, folder)
    with uows() as uow:
        existing, payers, already, plan = _plan(uow, schedule)
        label_of = dict(zip(payers.codes, payers.labels, strict=True))
        planned = tuple(
            PlannedCall(code, name, label_of[code], cents)
            for code, name, cents in zip(plan.codes, plan.names, plan.cents, strict=True)
        )
        left_out: list[LeftOut] = [
            LeftOut(
                item.member_code,
                item.member_name,
                LeftOutReason.MISSING,
                "donnée manquante — " + ", ".join(m.text for m in item.missing),
            )
            for item in plan.missing
        ]
        if already:
            names = batch_references(uow)
            called = uow.ledger.calls(
                CallFilter(fiscal_year=schedule.fiscal_year, kind=CallKind.FEE)
            )
            where = {c.member_code: (c.reference, names.get(c.batch_id, "")) for c in called}
            left_out += [
                LeftOut(
                    code,
                    name,
                    LeftOutReason.CALLED,
                    f"déjà appelé : {where[code][0]} ({where[code][1]})"
                    if code in where
                    else "déjà appelé",
                )
                for code, name in zip(payers.codes, payers.names, strict=True)
                if code in already
            ]
        left_out += [
            LeftOut(payer.code, payer.name, LeftOutReason.EXEMPT, "0,00 € selon le barème")
            for payer in plan.exempt
        ]
        year_batches = uow.ledger.batches(fiscal_year=schedule.fiscal_year)
        issued = tuple(BatchView.of(b) for b in existing)
    blocked = None
    if plan.missing and not exclude_incomplete:
        blocked = (
            f"{len(plan.missing)} membre(s) sans les données nécessaires au barème : "
            "complétez-les, ou émettez sans eux (ils seront appelés plus tard, par un lot "
            "complémentaire)"
        )
    elif not plan:
        blocked = (
            f"aucun membre à appeler pour {schedule.fiscal_year} avec ce barème : "
            "rien de nouveau à émettre"
        )
    return IssuePreview(
        schedule_id=schedule.id,
        schedule_label=schedule.label,
        decision=schedule.adopted_by,
        fiscal_year=schedule.fiscal_year,
        issued_on=issued_on,
        due_on=due_on,
        exclude_incomplete=exclude_incomplete,
        calls=planned,
        left_out=tuple(left_out),
        total_cents=plan.total,
        next_batch_reference=f"LOT-{schedule.fiscal_year}-{len(year_batches) + 1:02d}",
        existing=issued,
        blocked=blocked,
    )


def _plan(
    uow: UnitOfWork, schedule: FeeSchedule
) -> tuple[Sequence[CallBatch], PayerTable, set[str], IssuePlan]:
    """The batches of the year already issued (refused if from another schedule), the members
    the schedule may call, those already called, and the plan for the others."""
    year = schedule.fiscal_year
    existing = uow.ledger.batches(CallKind.FEE, year)
    for other in existing:
        if other.source_id != schedule.id:
            raise Conflict(
                f"les cotisations {year} ont déjà été appelées avec le barème "
                f"« {other.source_label} » ({other.reference}) : un exercice n'a qu'un barème ; "
                "corrigez les appels par des avoirs",
                field="schedule",
            )
    labels = {category.code: category.label for category in uow.categories.all()}
    fees.check_categories([schedule], labels)
    payers = uow.members.payer_table(fact_refs(schedule))
    already = uow.ledger.called_members(CallKind.FEE, year)
    return existing, payers, already, plan_issue(schedule, payers, already)


def _check_adopted(schedule: FeeSchedule, issued_on: date) -> None:
    if schedule.adopted_on is None:
        raise InvalidInput(
            f"le barème « {schedule.id} » n'est pas adopté : les appels partent d'un barème voté "
            f"par l'assemblée (clé « adopted » de {schedule.source} : date et décision)",
            field="schedule",
        )
    if issued_on < schedule.adopted_on:
        raise InvalidInput(
            f"appel daté du {issued_on:%d/%m/%Y}, avant l'adoption du barème "
            f"({schedule.adopted_on:%d/%m/%Y}, {schedule.adopted_by})",
            field="issued_on",
        )


def _issue(
    uow: UnitOfWork,
    actor: Actor,
    schedule: FeeSchedule,
    text: str,
    issued_on: date,
    due_on: date,
    exclude_incomplete: bool,
    progress: Progress,
) -> IssueResult:
    year = schedule.fiscal_year
    existing, _, _, plan = _plan(uow, schedule)
    problems = missing_problems(plan)
    if problems and not exclude_incomplete:
        raise InvalidInput(
            f"{len(problems)} membre(s) sans les données nécessaires au barème : complétez-les, "
            "ou émettez sans eux et appelez-les plus tard (option --exclude-incomplete, "
            "exclude_incomplete dans l'API)",
            field="members",
            problems=problems,
        )
    exempt = tuple(payer.code for payer in plan.exempt)
    if not plan:
        if existing:
            return IssueResult(BatchView.of(existing[-1]), False, tuple(problems), exempt)
        raise InvalidInput(f"aucun membre à appeler pour {year} avec ce barème", field="schedule")
    batch_number = uow.ledger.next_numbers(f"LOT-{year}", 1)
    prefix = CallKind.FEE.prefix
    first = uow.ledger.next_numbers(f"{prefix}-{year}", len(plan))
    batch = CallBatch(
        reference=f"LOT-{year}-{batch_number:02d}",
        kind=CallKind.FEE,
        fiscal_year=year,
        source_id=schedule.id,
        source_label=schedule.label,
        source_text=text,
        source_hash=hashlib.sha256(text.encode()).hexdigest(),
        decision=schedule.adopted_by,
        issued_on=issued_on,
        due_on=due_on,
        issued_by=actor.username,
        issued_at=datetime.now(UTC),
        call_count=len(plan),
        total_cents=plan.total,
        organisation_snapshot_id=setup.snapshot(uow),  # what its letters print, for good
    )
    uow.ledger.add_batch(batch)
    assert batch.id is not None
    stem = reference(prefix, year, 0)[:-4]
    numbers = range(first, first + len(plan))
    # Streamed to the driver, never held as 100 000 tuples at once.
    rows = zip(
        map(f"{stem}{{:04d}}".format, numbers),  # reference(prefix, year, n), written inline
        numbers,
        plan.codes,
        plan.names,
        plan.cents,
        plan.bases,
        strict=True,
    )
    count = len(plan)
    total = 2 * count  # computed, then written
    progress(count, total)
    for start in range(0, count, WRITE_CHUNK):
        uow.ledger.add_calls(batch, islice(rows, WRITE_CHUNK))
        progress(count + min(start + WRITE_CHUNK, count), total)
    audit.record(
        uow,
        actor,
        "appels.émis",
        "call_batch",
        batch.reference,
        bareme=schedule.id,
        empreinte=batch.source_hash,
        appels=batch.call_count,
        total=format_cents(batch.total_cents),
        premier=reference(prefix, year, first),
        dernier=reference(prefix, year, first + len(plan) - 1),
        exclus=[p.field for p in problems],
    )
    return IssueResult(BatchView.of(batch), True, tuple(problems), exempt)


def _batch(uow: UnitOfWork, batch_reference: str) -> BatchView:
    batch = uow.ledger.batch(batch_reference)
    if batch is None:
        raise NotFound(f"aucun lot d'appels n'a la référence {batch_reference}", field="batch")
    return BatchView.of(batch)


# --------------------------------------------------------------------------------------------
# Reading


def list_batches(
    uows: UnitOfWorkFactory, actor: Actor, fiscal_year: int | None = None
) -> list[BatchView]:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return [BatchView.of(b) for b in uow.ledger.batches(fiscal_year=fiscal_year)]


def get_batch(uows: UnitOfWorkFactory, actor: Actor, batch_reference: str) -> BatchView:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return _batch(uow, clean_reference(batch_reference, "batch"))


@dataclass(frozen=True)
class CallQuery:
    member_code: str | None = None
    fiscal_year: int | None = None
    batch_reference: str | None = None
    status: CallStatus | None = None
    on: date | None = None


def states(uow: UnitOfWork, filters: CallFilter, on: date) -> list[CallState]:
    """The calls matching ``filters`` as they stood at the end of day ``on``."""
    found = uow.ledger.calls(filters)
    member = filters.member_code
    return call_states(found, uow.ledger.credit_notes(member), uow.ledger.allocations(member), on)


def batch_references(uow: UnitOfWork) -> dict[int, str]:
    return uow.ledger.batch_references()


def list_calls(
    uows: UnitOfWorkFactory,
    actor: Actor,
    query: CallQuery,
    offset: int = 0,
    limit: int = 100,
) -> Page[CallView]:
    """Calls with where they stand at ``query.on`` (default today); a member sees their own."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"la taille de page doit être entre 1 et {MAX_PAGE}", field="limit")
    if offset < 0:
        raise InvalidInput("le décalage ne peut pas être négatif", field="offset")
    member = _visible_member(actor, query.member_code)
    on = check_day(query.on or today(), "on")
    filters = CallFilter(
        member_code=member,
        fiscal_year=query.fiscal_year,
        batch_reference=clean_reference(query.batch_reference, "batch")
        if query.batch_reference
        else None,
    )
    with uows() as uow:
        found = uow.ledger.call_figures(filters, on)
        if query.status is not None:
            found = [f for f in found if f.status is query.status]
        page = found[offset : offset + limit]
        records = uow.ledger.calls_by_id([f.id for f in page])
        names = batch_references(uow) if page else {}
        return Page(
            items=tuple(
                CallView.of(CallState(call, f.credited, f.paid, on), names.get(call.batch_id, ""))
                for call, f in zip(records, page, strict=True)
            ),
            total=len(found),
            offset=offset,
            limit=limit,
        )


def _visible_member(actor: Actor, wanted: str | None) -> str | None:
    """Staff may ask for any member or all; a member account always gets its own."""
    if actor.can(Permission.READ_LEDGER):
        return member_key(wanted) if wanted else None
    if actor.member_code is None:
        raise Forbidden(f"le rôle {actor.role.label} ne permet pas de lire les appels")
    if wanted and wanted.strip().upper() != actor.member_code:
        actor.require_ledger_access(wanted.strip().upper())
    return actor.member_code


def member_key(text: str) -> str:
    """A member code as typed (any case, spaces around); one that cannot exist (control
    characters, too long) is simply not found, before reaching the database."""
    code = text.strip().upper()
    if not code or len(code) > 20 or has_control_characters(code):
        raise NotFound("aucun membre n'a ce code", field="member")
    return code


def clean_reference(text: str | None, field: str) -> str:
    value = (text or "").strip().upper()
    if not value or len(value) > 24 or has_control_characters(value):
        raise NotFound("référence inconnue", field=field)
    return value


def existing_call(uow: UnitOfWork, actor: Actor, call_reference: str) -> Call:
    ref = clean_reference(call_reference, "call")
    call = uow.ledger.call(ref)
    if call is None:
        raise NotFound(f"aucun appel n'a la référence {ref}", field="call")
    actor.require_ledger_access(call.member_code)
    return call


@lru_cache(maxsize=32)
def frozen_schedule(text: str, source: str) -> FeeSchedule:
    """The schedule as it was when the batch was issued (parsed once per text)."""
    return parse_schedule_text(text, source)


def explanation(batch: CallBatch, call: Call) -> tuple[tuple[str, ...], str]:
    """The call's explanation lines and one-line summary, from the batch's frozen schedule."""
    if batch.kind is not CallKind.FEE:
        return (batch.source_label,), batch.source_label
    schedule = frozen_schedule(batch.source_text, batch.source_id)
    assessment = explain_call(schedule, call.member_code, call.basis, call.cents)
    return tuple(assessment.explain().splitlines()), assessment.summary()


def call_detail(
    uows: UnitOfWorkFactory, actor: Actor, call_reference: str, on: date | None = None
) -> CallDetail:
    day = check_day(on or today(), "on")
    with uows() as uow:
        call = existing_call(uow, actor, call_reference)
        batch = uow.ledger.batch_by_id(call.batch_id)
        assert batch is not None
        notes = [
            n
            for n in uow.ledger.credit_notes(call.member_code)
            if n.call_reference == call.reference
        ]
        parts = [
            a
            for a in uow.ledger.allocations(call.member_code)
            if a.call_reference == call.reference
        ]
        sent = [
            r for r in uow.ledger.reminders(call.member_code) if r.call_reference == call.reference
        ]
        (state,) = call_states([call], notes, parts, day) or [CallState(call, 0, 0, day)]
        lines, summary = explanation(batch, call)
        return CallDetail(
            call=CallView.of(state, batch.reference),
            explanation=lines,
            summary=summary,
            decision=batch.decision,
            credit_notes=tuple(CreditNoteView.of(n) for n in notes),
            allocations=tuple(AllocationView.of(a) for a in parts),
            reminders=tuple((r.level, r.sent_on) for r in sent),
        )


# --------------------------------------------------------------------------------------------
# Corrections


def credit_call(
    uows: UnitOfWorkFactory,
    actor: Actor,
    call_reference: str,
    reason: str,
    *,
    cents: int | None = None,
    on: date | None = None,
    idempotency_key: str | None = None,
) -> CreditNoteView:
    """Issue a credit note on a call: ``cents`` of it, or all it still asks (a cancellation).

    The reason is required: who corrected what, and why, stays in the ledger. If the call was
    already paid beyond its new amount, the excess is released to the member's credit.
    """
    actor.require(Permission.ISSUE_CALLS)
    why = " ".join(reason.split())
    if problem := character_problem(why):
        raise InvalidInput(problem, field="reason")
    if not why or len(why) > MAX_REASON:
        raise InvalidInput(
            f"le motif est obligatoire (1 à {MAX_REASON} caractères)", field="reason"
        )
    day = check_day(on or today(), "on")
    if day > today():
        raise InvalidInput("un avoir ne peut pas être daté du futur", field="on")
    if cents is not None and cents <= 0:
        raise InvalidInput("le montant d'un avoir doit être positif", field="amount")
    key = idempotency.optional_key(actor, "calls.credit", idempotency_key)
    request = idempotency.fingerprint(
        {"call": call_reference, "reason": why, "cents": cents, "on": day}
    )
    with uows() as uow:
        uow.ledger.lock()
        if key and (done := idempotency.replay(uow, key, request)):
            return _credit_note(uow, done)
        call = existing_call(uow, actor, call_reference)
        if day < call.issued_on:
            raise InvalidInput("un avoir ne peut précéder l'appel qu'il corrige", field="on")
        notes = uow.ledger.credit_notes(call.member_code)
        parts = uow.ledger.allocations(call.member_code)
        settled = [a.on for a in parts if a.call_reference == call.reference]
        if settled and day < max(settled):
            raise InvalidInput(
                f"un avoir ne peut pas précéder un règlement déjà imputé à cet appel "
                f"(le {max(settled):%d/%m/%Y}) : datez-le de ce jour ou après",
                field="on",
            )
        (state,) = call_states([call], notes, parts, LAST_DAY)
        if state.net <= 0:
            raise Conflict(f"l'appel {call.reference} est déjà annulé", field="call")
        amount = state.net if cents is None else cents
        if amount > state.net:
            raise InvalidInput(
                f"l'avoir dépasse ce que l'appel demande encore ({format_cents(state.net)})",
                field="amount",
            )
        number = uow.ledger.next_numbers(f"AV-{day.year}", 1)
        note = CreditNote(
            reference=reference("AV", day.year, number),
            call_reference=call.reference,
            member_code=call.member_code,
            cents=amount,
            reason=why,
            issued_on=day,
            issued_by=actor.username,
            issued_at=datetime.now(UTC),
        )
        uow.ledger.add_credit_note(note)
        _release_excess(uow, call, parts, state.paid - (state.net - amount), day)
        uow.flush()
        audit.record(
            uow,
            actor,
            "appel.avoir" if amount < state.net else "appel.annulé",
            "call",
            call.reference,
            avoir=note.reference,
            montant=format_cents(amount),
            motif=why,
        )
        if key:
            idempotency.remember(uow, key, request, 201, note.reference)
        view = CreditNoteView.of(note)
        uow.commit()
    return view


def _release_excess(
    uow: UnitOfWork, call: Call, parts: Sequence[Allocation], excess: int, day: date
) -> None:
    """Give back to the member's credit what was paid beyond the call's new amount, taking it
    from the most recent payments first."""
    if excess <= 0:
        return
    per_payment: dict[str, int] = {}
    for part in parts:
        if part.call_reference == call.reference:
            per_payment[part.payment_reference] = (
                per_payment.get(part.payment_reference, 0) + part.cents
            )
    for payment_reference in reversed(list(per_payment)):
        if excess <= 0:
            break
        taken = min(per_payment[payment_reference], excess)
        if taken <= 0:
            continue
        uow.ledger.add_allocation(
            Allocation(payment_reference, call.reference, call.member_code, -taken, day)
        )
        excess -= taken


def _credit_note(uow: UnitOfWork, note_reference: str) -> CreditNoteView:
    for note in uow.ledger.credit_notes():
        if note.reference == note_reference:
            return CreditNoteView.of(note)
    raise NotFound(f"aucun avoir n'a la référence {note_reference}", field="credit_note")
