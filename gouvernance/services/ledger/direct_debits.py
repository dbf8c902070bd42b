"""SEPA direct debits the bank can trust: each debit recorded as sent, FRST then RCUR by mandate
history, a collection date the bank will take, returns and rejects that reopen the call.

- **Export** (``export_sepa``): the file (pain.008.001.08, or .02 on request) of what members
  with an active, unsuspended mandate still owe, less their credit and less what is already
  on its way: a call with a debit sent and not come back is left out, so a second export of
  the same calls sends nothing (« rien à prélever »). The file and each debit are recorded in
  the same transaction (``sepa_files``, ``sepa_debits``), the file kept as handed over so that
  it can be fetched again (``sepa_file``) if the download was lost.
- **Sequence**: a mandate never used is FRST, then RCUR. Used means a debit sent under it
  (its RUM) and not rejected, or a direct-debit payment received since it was signed (the
  debits made before these records existed).
- **Collection date**: a TARGET2 business day at least ``LEAD_DAYS`` business days ahead
  (``domain.calls.sepa.check_collection_date``): a Sunday or tomorrow is refused in French with
  the next business day that would do.
- **Returns and rejects** (``record_debit_return``, and ``note_return`` called by the bank
  statement import when it reverses a direct-debit payment): the debit is marked as come back,
  which reopens its call for a later export; the mandate carries the reason, and is suspended
  when the reason forbids using it again (account closed, no mandate…).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from gouvernance.domain.bank.model import RETURN_REASONS, reason_label
from gouvernance.domain.calls.ledger import CallState, call_states, payment_credits
from gouvernance.domain.calls.model import (
    Allocation,
    CallStatus,
    Mandate,
    Payment,
    PaymentMethod,
    Refund,
)
from gouvernance.domain.calls.sepa import (
    LEAD_DAYS,
    DebitReturn,
    ReturnKind,
    SentDebit,
    SepaFile,
    check_collection_date,
    check_schema,
    pending,
    stops_mandate,
    used_mandates,
)
from gouvernance.domain.errors import Conflict, InvalidInput, NotFound
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, audit_chain
from gouvernance.services.ledger import call_exports
from gouvernance.services.ledger.calls import (
    LAST_DAY,
    check_day,
    clean_reference,
    existing_call,
    today,
)
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.organisation import setup
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

XML = "application/xml"
MAX_SOURCE = 200


@dataclass(frozen=True)
class SentFileView:
    message_id: str
    schema: str
    filename: str
    collection_date: date
    debit_count: int
    total_cents: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DebitReturnView:
    call_reference: str
    member_code: str
    mandate_id: str
    message_id: str
    kind_label: str
    reason: str
    returned_on: date
    mandate_suspended: bool


# --------------------------------------------------------------------------------------------
# Export


def export_sepa(
    uows: UnitOfWorkFactory,
    actor: Actor,
    collection_date: date,
    batch_reference: str | None = None,
    schema: str | None = None,
) -> Document:
    """The SEPA direct-debit file of what members with a mandate still owe and was not sent
    yet; each of its debits recorded as sent."""
    actor.require(Permission.ISSUE_CALLS)
    check_day(collection_date, "collection_date")
    wanted = check_schema(schema)
    if collection_date < today():
        raise InvalidInput("la date de prélèvement est passée", field="collection_date")
    check_collection_date(collection_date, today())
    batch = clean_reference(batch_reference, "batch") if batch_reference else None
    with uows() as uow:
        uow.ledger.lock()
        organisation = setup.require_organisation(uow)
        mandates = {
            m.member_code: m for m in uow.ledger.mandates() if m.active and m.suspended_on is None
        }
        sent, returns = uow.ledger.sent_debits(), uow.ledger.debit_returns()
        on_its_way = pending(sent, returns)
        found = [
            c
            for c in uow.ledger.calls(CallFilter(batch_reference=batch))
            if c.member_code in mandates and c.reference not in on_its_way
        ]
        parts = uow.ledger.allocations()
        states = call_states(found, uow.ledger.credit_notes(), parts, LAST_DAY)
        used = used_mandates(sent, returns)
        debits = _debits(mandates, states, uow.ledger.payments(), parts, uow.ledger.refunds(), used)
        if not debits:
            already = sorted({d.message_id for d in on_its_way.values()})
            raise InvalidInput(
                "rien à prélever : aucun membre avec un mandat actif n'a d'appel restant dû"
                + (
                    f" qui ne soit déjà dans un ordre de prélèvement envoyé ({', '.join(already)})"
                    if already
                    else ""
                ),
                field="mandates",
            )
        message_id = _message_id(collection_date, debits, len(uow.ledger.sepa_files()))
        if uow.ledger.sepa_file(message_id) is not None:
            raise Conflict(
                f"l'ordre de prélèvement {message_id} a déjà été émis", field="collection_date"
            )
        now = datetime.now(UTC).replace(microsecond=0)
        filename = f"prelevements-{collection_date.isoformat()}-{message_id[-12:]}.xml"
        total = sum(d.cents for d in debits)
        # The emission is audited first: the head the file carries covers its own emission.
        audit.record(
            uow, actor, "prélèvements.émis", "sepa_file", message_id,
            schema=wanted, date_de_prelevement=collection_date.isoformat(),
            prelevements=len(debits), montant=format_cents(total),
            appels=[(d.call_reference, format_cents(d.cents), d.sequence_type) for d in debits],
        )  # fmt: skip
        uow.flush()
        journal = audit_chain.head(uow)
        content = call_exports.sepa_direct_debit(
            organisation, debits, collection_date, message_id, created_at=now,
            journal=journal, schema=wanted,
        )  # fmt: skip
        sent_on = today()
        uow.ledger.add_sepa_file(
            SepaFile(
                message_id, wanted, filename, collection_date, len(debits), total,
                hashlib.sha256(content).hexdigest(), content, actor.username, now,
            ),
            [
                SentDebit(
                    message_id, d.call_reference, d.member_code, d.mandate_id, d.cents,
                    d.sequence_type, collection_date, sent_on,
                )
                for d in debits
            ],
        )  # fmt: skip
        uow.flush()
        uow.commit()
    return Document(filename, XML, content, journal)


def _debits(
    mandates: Mapping[str, Mandate],
    states: Sequence[CallState],
    received: Sequence[Payment],
    parts: Sequence[Allocation],
    refunds: Sequence[Refund],
    used: set[str],
) -> list[call_exports.SepaDebit]:
    """What each member with a mandate still owes, call by call, less the credit they already
    have (an overpayment not yet applied nor refunded is never debited again). A mandate's
    first debit is FRST (never used: no debit sent under its RUM and not rejected, no direct
    debit received since it was signed), the next ones RCUR."""
    credit: dict[str, int] = {}
    debited = {code for code, m in mandates.items() if m.mandate_id in used}
    credits = payment_credits(received, parts, refunds)
    for payment in received:
        left = credits[payment.reference]
        if left > 0:
            credit[payment.member_code] = credit.get(payment.member_code, 0) + left
        mandate = mandates.get(payment.member_code)
        if (
            mandate is not None
            and payment.method is PaymentMethod.DIRECT_DEBIT
            and payment.received_on >= mandate.signed_on
        ):
            debited.add(payment.member_code)
    debits = []
    for state in sorted(states, key=lambda s: (s.call.member_code, s.call.due_on, s.call.number)):
        code = state.call.member_code
        if state.outstanding <= 0 or state.status is CallStatus.CANCELLED:
            continue
        used_credit = min(credit.get(code, 0), state.outstanding)
        credit[code] = credit.get(code, 0) - used_credit
        if state.outstanding - used_credit <= 0:
            continue
        debits.append(
            call_exports.sepa_debit(
                mandates[code],
                state.call,
                state.outstanding - used_credit,
                first=code not in debited,
            )
        )
        debited.add(code)
    return debits


def _message_id(
    collection_date: date, debits: Sequence[call_exports.SepaDebit], files_before: int
) -> str:
    """The same debits on the same day after the same files give the same message id (a bank
    refuses a file whose id it has seen: the same file handed twice by mistake is caught
    there); a debit sent again after a return, in a later file, gets a new one."""
    digest = hashlib.sha256(
        f"{files_before}|".encode()
        + "|".join(f"{d.call_reference}:{d.cents}" for d in debits).encode()
    ).hexdigest()[:12]
    return f"GV-{collection_date:%Y%m%d}-{digest}"


def sepa_files(uows: UnitOfWorkFactory, actor: Actor) -> list[SentFileView]:
    """The direct-debit files handed over, oldest first."""
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return [
            SentFileView(
                f.message_id, f.schema, f.filename, f.collection_date, f.debit_count,
                f.total_cents, f.created_by, f.created_at,
            )
            for f in uow.ledger.sepa_files()
        ]  # fmt: skip


def sepa_file(uows: UnitOfWorkFactory, actor: Actor, message_id: str) -> Document:
    """A file already handed over, byte for byte (a lost download): never a new debit."""
    actor.require(Permission.ISSUE_CALLS)
    with uows() as uow:
        found = uow.ledger.sepa_file(message_id.strip())
        if found is None:
            raise NotFound(
                f"aucun ordre de prélèvement n'a l'identifiant « {message_id.strip()} »",
                field="message_id",
            )
        return Document(found.filename, XML, found.content)


# --------------------------------------------------------------------------------------------
# Returns and rejects


def _reason(code: str) -> str:
    clean = code.strip().upper()
    if clean not in RETURN_REASONS:
        known = ", ".join(sorted(RETURN_REASONS))
        raise InvalidInput(
            f"motif de rejet inconnu « {code.strip()} » : un code ISO 20022 parmi {known}",
            field="reason",
        )
    return clean


def note_return(
    uow: UnitOfWork,
    actor: Actor,
    debit: SentDebit,
    kind: ReturnKind,
    reason_code: str,
    on: date,
    source: str,
) -> DebitReturnView:
    """Record that ``debit`` came back, inside the caller's transaction: its call is open to a
    later export again; the mandate it was sent under carries the reason, and is suspended when
    the reason forbids using it again."""
    code = reason_code.strip().upper()[:4]
    uow.ledger.add_debit_return(
        DebitReturn(
            debit.message_id, debit.call_reference, debit.member_code, debit.mandate_id, kind,
            code, on, source[:MAX_SOURCE], actor.username, datetime.now(UTC),
        )
    )  # fmt: skip
    mandate = uow.ledger.mandate(debit.member_code)
    suspended = False
    if mandate is not None and mandate.mandate_id == debit.mandate_id:
        mandate.last_return = (
            f"{kind.label} du {on:%d/%m/%Y} ({debit.call_reference}) : {reason_label(code)}"
        )[:200]
        if stops_mandate(code) and mandate.suspended_on is None:
            mandate.suspended_on = on
        suspended = mandate.suspended_on is not None
    uow.flush()
    audit.record(
        uow, actor, f"prélèvement.{kind.label}", "call", debit.call_reference,
        membre=debit.member_code, rum=debit.mandate_id, fichier=debit.message_id,
        motif=reason_label(code), montant=format_cents(debit.cents), source=source,
        mandat_suspendu=suspended,
    )  # fmt: skip
    return DebitReturnView(
        debit.call_reference, debit.member_code, debit.mandate_id, debit.message_id,
        kind.label, reason_label(code), on, suspended,
    )  # fmt: skip


def note_statement_return(
    uow: UnitOfWork,
    actor: Actor,
    member_code: str,
    call_references: Sequence[str],
    reason_code: str,
    on: date,
    source: str,
) -> list[DebitReturnView]:
    """A bank statement gave back a direct debit of ``member_code`` that paid
    ``call_references`` (its end-to-end id names the call): each of those calls' debits on
    its way is marked as returned, its mandate marked."""
    sent = uow.ledger.sent_debits(member_code)
    waiting = pending(sent, uow.ledger.debit_returns(member_code))
    return [
        note_return(uow, actor, waiting[ref], ReturnKind.RETURN, reason_code, on, source)
        for ref in dict.fromkeys(call_references)
        if ref in waiting and waiting[ref].sent_on <= on
    ]


def pending_debit(uow: UnitOfWork, call_reference: str) -> SentDebit | None:
    """The debit of the call sent and not come back, if any."""
    call = uow.ledger.call(call_reference)
    if call is None:
        return None
    sent = uow.ledger.sent_debits(call.member_code)
    return pending(sent, uow.ledger.debit_returns(call.member_code)).get(call_reference)


def record_debit_return(
    uows: UnitOfWorkFactory,
    actor: Actor,
    call_reference: str,
    reason: str,
    on: date | None = None,
    kind: str = "reject",
) -> DebitReturnView:
    """A reject or return the bank announced (its notice, a phone call), entered by hand.

    A **reject** comes before settlement: no money was received, the call is due again. A
    **return** after settlement whose payment is recorded is handled by the bank statement
    (it reverses the payment); entered here only while no direct-debit payment of the call is
    recorded, else refused with where to do it."""
    actor.require(Permission.RECORD_PAYMENTS)
    ref = clean_reference(call_reference, "call")
    code = _reason(reason)
    day = check_day(on or today(), "on")
    if day > today():
        raise InvalidInput("un rejet ne peut pas être daté dans le futur", field="on")
    try:
        what = ReturnKind(kind.strip().lower())
    except ValueError:
        names = {"rejet": ReturnKind.REJECT, "retour": ReturnKind.RETURN}
        if kind.strip().lower() not in names:
            raise InvalidInput(
                f"nature inconnue « {kind} » : rejet (avant règlement) ou retour (après)",
                field="kind",
            ) from None
        what = names[kind.strip().lower()]
    with uows() as uow:
        uow.ledger.lock()
        call = existing_call(uow, actor, ref)
        debit = pending_debit(uow, call.reference)
        if debit is None:
            raise NotFound(
                f"aucun prélèvement de l'appel {call.reference} n'est en cours : rien à rejeter",
                field="call",
            )
        if day < debit.sent_on:
            raise InvalidInput(
                f"le prélèvement a été envoyé le {debit.sent_on:%d/%m/%Y}, après ce rejet",
                field="on",
            )
        paid = {
            a.payment_reference
            for a in uow.ledger.allocations(call.member_code)
            if a.call_reference == call.reference and a.cents > 0
        }
        by_debit = [
            p.reference
            for p in uow.ledger.payments(call.member_code)
            if p.reference in paid
            and p.method is PaymentMethod.DIRECT_DEBIT
            and p.received_on >= debit.sent_on
        ]
        if by_debit:
            raise Conflict(
                f"le prélèvement de l'appel {call.reference} est déjà encaissé "
                f"({', '.join(by_debit)}) : importez le relevé bancaire qui porte le retour, "
                "il contre-passe le paiement et rouvre l'appel",
                field="call",
            )
        view = note_return(uow, actor, debit, what, code, day, "saisie")
        uow.commit()
    return view


@dataclass(frozen=True)
class PendingDebitView:
    """A call's debit sent to the bank and not come back."""

    message_id: str
    mandate_id: str
    cents: int
    sequence_type: str
    collection_date: date
    sent_on: date


def call_debit(
    uows: UnitOfWorkFactory, actor: Actor, call_reference: str
) -> PendingDebitView | None:
    """The call's debit on its way, if any (what a reject or return would reopen)."""
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        found = pending_debit(uow, clean_reference(call_reference, "call"))
        if found is None:
            return None
        return PendingDebitView(
            found.message_id, found.mandate_id, found.cents, found.sequence_type,
            found.collection_date, found.sent_on,
        )  # fmt: skip


def debit_returns(uows: UnitOfWorkFactory, actor: Actor) -> list[DebitReturnView]:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        suspended = {m.mandate_id for m in uow.ledger.mandates() if m.suspended_on is not None}
        return [
            DebitReturnView(
                r.call_reference, r.member_code, r.mandate_id, r.message_id, r.kind.label,
                reason_label(r.reason_code), r.returned_on, r.mandate_id in suspended,
            )
            for r in uow.ledger.debit_returns()
        ]  # fmt: skip


__all__ = ["LEAD_DAYS", "export_sepa", "note_return", "record_debit_return", "sepa_file"]
