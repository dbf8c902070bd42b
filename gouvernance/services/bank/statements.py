"""Importing a bank statement, and the waiting list the treasurer works through.

One import is one transaction, audited: the statement and its new lines are stored, each
credit matched to a member and their calls (``domain.bank.matching``); a *certain* match is
recorded at once as a payment (``payments.record_in``, the same rules as a payment typed by
hand: its bank reference is the line's, so it is never recorded twice); a match *to confirm*
and a line that matches nothing wait. A returned direct debit (R-transaction) is recorded as
the reversal of the direct-debit payment it undoes (see ``_record_return``). Any other debit
is listed and left alone. The same file imported again records nothing; a line already
imported by another file is not imported again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePath

from gouvernance.domain.bank.matching import (
    Certainty,
    Directory,
    Match,
    call_references,
    compact_iban,
    match_line,
)
from gouvernance.domain.bank.model import (
    BankLine,
    BankStatement,
    Direction,
    LineKind,
    LineStatus,
    ParsedLine,
    ParsedStatement,
    StatementFormat,
    reason_label,
)
from gouvernance.domain.bank.reading import read_statement, statement_format
from gouvernance.domain.calls.ledger import call_states
from gouvernance.domain.calls.model import Allocation, Payment, PaymentMethod, Refund, reference
from gouvernance.domain.errors import Conflict, GouvernanceError, InvalidInput, NotFound
from gouvernance.domain.money import format_cents
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit
from gouvernance.services.bank import profiles
from gouvernance.services.bank.views import Candidate, ImportReport, LineView, StatementView
from gouvernance.services.ledger import direct_debits, payments
from gouvernance.services.ledger.calls import LAST_DAY, member_key, today
from gouvernance.services.ports import CallFilter, UnitOfWork, UnitOfWorkFactory

MAX_BYTES = 5_000_000  # a year of a small organisation's statements weighs far less
MAX_FILENAME = 255
MAX_REASON = 500
MAX_LIST = 1000
RETURN_PREFIX = "RJ"  # « rejet »: the record that reverses a returned direct debit
WAITING = (LineStatus.TO_CONFIRM, LineStatus.UNMATCHED)
_AUDIT_KEYS = {
    LineStatus.RECORDED.value: "enregistrées",
    LineStatus.ALREADY_RECORDED.value: "déjà_enregistrées",
    LineStatus.TO_CONFIRM.value: "à_confirmer",
    LineStatus.UNMATCHED.value: "sans_correspondance",
    LineStatus.RETURNED.value: "rejets",
    LineStatus.DISMISSED.value: "écartées",
    LineStatus.IGNORED.value: "ignorées",
}


# --------------------------------------------------------------------------------------------
# Import


def import_statement(
    uows: UnitOfWorkFactory,
    actor: Actor,
    data: bytes,
    filename: str,
    profile: str | None = None,
    *,
    folder: Path | None = None,
) -> ImportReport:
    """Import a CAMT.053 (XML) or CSV statement; ``profile`` names the CSV profile
    (``rules/banque/``, ``csv-standard`` by default)."""
    actor.require(Permission.RECORD_PAYMENTS)
    name = _filename(filename)
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"« {name} » est trop gros : au plus {MAX_BYTES // 1_000_000} Mo par relevé",
            field="file",
        )
    if not data.strip():
        raise InvalidInput(f"« {name} » est vide", field="file")
    is_csv = statement_format(data, name) is StatementFormat.CSV
    csv_profile = profiles.load_profile(profile, folder) if is_csv else None
    digest = hashlib.sha256(data).hexdigest()
    # Read the file before taking the ledger's lock: other writers need not wait for it.
    with uows() as uow:
        organisation = uow.organisation.get()
        account = compact_iban(organisation.iban or "") if organisation else ""
    parsed = read_statement(data, name, csv_profile, account)
    with uows() as uow:
        uow.ledger.lock()
        existing = uow.bank.statement_by_digest(digest)
        if existing is not None:
            return _nothing_new(uow, existing.id, existing.line_count)
        report = _import(uow, actor, parsed, name, digest, csv_profile.id if csv_profile else "")
        uow.commit()
    return report


def _filename(filename: str) -> str:
    base = PurePath(filename or "releve").name or "releve"
    return clean_text(base, "file", MAX_FILENAME)


def _nothing_new(uow: UnitOfWork, statement_id: int | None, count: int) -> ImportReport:
    statement = uow.bank.statement(statement_id) if statement_id is not None else None
    view = StatementView.of(statement) if statement is not None else None
    return ImportReport(view, created=False, lines=(), known=count, skipped=(), notes=())


def _import(
    uow: UnitOfWork,
    actor: Actor,
    parsed: ParsedStatement,
    name: str,
    digest: str,
    profile: str,
) -> ImportReport:
    known = uow.bank.known_fingerprints(line.fingerprint for line in parsed.lines)
    fresh: list[ParsedLine] = []
    seen: set[str] = set()
    for line in parsed.lines:
        if line.fingerprint not in known and line.fingerprint not in seen:
            fresh.append(line)
            seen.add(line.fingerprint)
    old = len(parsed.lines) - len(fresh)
    if not fresh and parsed.lines:
        first = uow.bank.line_by_fingerprint(parsed.lines[0].fingerprint)
        return _nothing_new(uow, first.statement_id if first else None, old)
    number = uow.ledger.next_numbers(f"RLV-{today().year}", 1)
    statement = BankStatement(
        reference=reference("RLV", today().year, number),
        format=parsed.format,
        filename=name,
        digest=digest,
        statement_ids=", ".join(parsed.statement_ids)[:300],
        account_iban=", ".join(parsed.account_ibans)[:34],
        from_date=parsed.from_date,
        to_date=parsed.to_date,
        line_count=len(parsed.lines),
        new_line_count=len(fresh),
        profile=profile,
        imported_by=actor.username,
        imported_at=datetime.now(UTC),
    )
    uow.bank.add_statement(statement)
    assert statement.id is not None
    work = _Work(uow, actor, statement.reference, _directory(uow, fresh))
    stored = [work.settle(line, statement.id) for line in fresh]
    uow.bank.add_lines(stored)
    notes = _notes(uow, parsed)
    audit.record(
        uow, actor, "relevé.importé", "bank_statement", statement.reference,
        fichier=name, format=parsed.format.label, lignes=len(parsed.lines), nouvelles=len(fresh),
        déjà_importées=old, **{_AUDIT_KEYS[k]: v for k, v in work.counts().items() if v},
    )  # fmt: skip
    names = work.names()
    views = tuple(LineView.of(line, statement.reference, names) for line in stored)
    return ImportReport(StatementView.of(statement), True, views, old, parsed.skipped, tuple(notes))


def _notes(uow: UnitOfWork, parsed: ParsedStatement) -> list[str]:
    organisation = uow.organisation.get()
    own = compact_iban(organisation.iban or "") if organisation else ""
    others = [iban for iban in parsed.account_ibans if own and iban and iban != own]
    return [
        f"ce relevé est celui du compte {iban}, l'organisation déclare le compte {own} : "
        "vérifiez que c'est le bon fichier"
        for iban in others
    ]


class _LazyNames(Mapping[str, str]):
    """Members' names, read from the registry only when a line needs them (most lines are
    matched by their call reference)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._names: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._names is None:
            self._names = {m.code: m.display_name for m in self._uow.members.all()}
        return self._names

    def __getitem__(self, code: str) -> str:
        return self._load()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _directory(uow: UnitOfWork, lines: Sequence[ParsedLine | BankLine]) -> Directory:
    refs = {ref for line in lines for ref in call_references(*_texts(line))}
    owners: dict[str, str] = {}
    for ref in sorted(refs):
        call = uow.ledger.call(ref)
        if call is not None:
            owners[ref] = call.member_code
    ibans: dict[str, str] = {}
    doubtful: set[str] = set()
    for mandate in uow.ledger.mandates():
        iban = compact_iban(mandate.iban)
        if ibans.get(iban, mandate.member_code) != mandate.member_code:
            doubtful.add(iban)
        ibans[iban] = mandate.member_code
    for iban, member in uow.bank.learned_ibans().items():
        if ibans.get(iban, member) != member:
            doubtful.add(iban)
        ibans.setdefault(iban, member)
    known = {iban: member for iban, member in ibans.items() if iban not in doubtful}
    return Directory(names=_LazyNames(uow), ibans=known, call_owners=owners)


def _texts(line: ParsedLine | BankLine) -> list[str]:
    return [line.remittance, line.end_to_end_id]


@dataclass
class _Work:
    """One import (or one confirmation) under way: what was recorded, for the report."""

    uow: UnitOfWork
    actor: Actor
    statement: str
    directory: Directory
    reversed: set[str] = field(default_factory=set)  # payments undone by this import
    _counts: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def names(self) -> Mapping[str, str]:
        return self.directory.names

    def settle(self, parsed: ParsedLine, statement_id: int) -> BankLine:
        line = _stored(parsed, statement_id)
        try:
            if parsed.kind is LineKind.OTHER:
                line.status = LineStatus.IGNORED
                line.match_reason = (
                    "débit sans rapport avec les cotisations"
                    if parsed.direction is Direction.DEBIT
                    else "crédit qui annule un débit (contre-passation)"
                )
            elif parsed.kind is LineKind.RETURN:
                self._return(line, self._match_return(line))
            else:
                self._credit(line, self._match(line))
        except GouvernanceError as error:
            raise InvalidInput(
                f"{parsed.where} ({parsed.booked_on:%d/%m/%Y}, {format_cents(parsed.cents)}) : "
                f"{error.message}",
                field="file",
            ) from None
        key = line.status.value
        self._counts[key] = self._counts.get(key, 0) + 1
        return line

    def _match(self, line: BankLine) -> Match:
        return match_line(
            _texts(line), line.counterparty_name, line.counterparty_iban, self.directory
        )

    def _match_return(self, line: BankLine) -> Match:
        if line.mandate_id:
            mandate = next(
                (m for m in self.uow.ledger.mandates() if m.mandate_id == line.mandate_id), None
            )
            if mandate is not None:
                return Match(
                    Certainty.CERTAIN, mandate.member_code, (),
                    f"mandat {mandate.mandate_id}", (mandate.member_code,),
                )  # fmt: skip
        return self._match(line)

    def _credit(self, line: BankLine, match: Match) -> None:
        _suggest(line, match)
        if match.certainty is not Certainty.CERTAIN or match.member_code is None:
            line.status = (
                LineStatus.TO_CONFIRM
                if match.certainty is Certainty.TO_CONFIRM
                else LineStatus.UNMATCHED
            )
            return
        twin = _similar_payment(self.uow, match.member_code, line)
        if twin is not None and twin.bank_reference != line.bank_reference:
            line.status = LineStatus.TO_CONFIRM
            line.match_reason = (
                f"{match.reason} ; mais {twin.reference} du {twin.received_on:%d/%m/%Y}, du même "
                "montant, est déjà enregistré : est-ce le même paiement ?"
            )[:300]
            return
        record_credit(
            self.uow, self.actor, line, match.member_code, match.call_refs, self.statement
        )

    def _return(self, line: BankLine, match: Match) -> None:
        _suggest(line, match)
        if match.certainty is not Certainty.CERTAIN or match.member_code is None:
            line.status = (
                LineStatus.TO_CONFIRM
                if match.certainty is Certainty.TO_CONFIRM
                else LineStatus.UNMATCHED
            )
            return
        original = _original_debit(self.uow, match.member_code, line, self.reversed)
        if original is None:
            line.status = LineStatus.TO_CONFIRM
            line.match_reason = (
                f"{match.reason} ; aucun prélèvement de {format_cents(line.cents)} de ce membre "
                "n'est enregistré à contre-passer"
            )[:300]
            return
        record_return(self.uow, self.actor, line, match.member_code, original)
        self.reversed.add(original.reference)


def _stored(parsed: ParsedLine, statement_id: int) -> BankLine:
    return BankLine(
        statement_id=statement_id,
        fingerprint=parsed.fingerprint,
        position=parsed.position,
        account_iban=parsed.account_iban,
        booked_on=parsed.booked_on,
        value_on=parsed.value_on,
        cents=parsed.cents,
        direction=parsed.direction,
        kind=parsed.kind,
        bank_reference=parsed.payment_reference,
        remittance=parsed.remittance,
        counterparty_name=parsed.counterparty_name,
        counterparty_iban=parsed.counterparty_iban,
        end_to_end_id=parsed.end_to_end_id,
        mandate_id=parsed.mandate_id,
        bank_code=parsed.bank_code,
        return_reason=parsed.return_reason,
        status=LineStatus.UNMATCHED,
    )


def _suggest(line: BankLine, match: Match) -> None:
    line.match_reason = match.reason[:300]
    line.suggested_member = match.member_code
    line.suggested_calls = ",".join(match.call_refs)[:300]
    line.candidates = ",".join(match.candidates)[:200]


def _similar_payment(uow: UnitOfWork, code: str, line: BankLine) -> Payment | None:
    """A payment of the member with the line's bank reference, or typed by hand for the same
    amount on the same day: the line may well be that payment."""
    twin = uow.ledger.payment_with_bank_reference(code, line.bank_reference)
    if twin is not None:
        return twin
    return next(
        (p for p in uow.ledger.payments(code)
         if p.cents == line.cents and p.received_on == line.booked_on),
        None,
    )  # fmt: skip


def record_credit(
    uow: UnitOfWork,
    actor: Actor,
    line: BankLine,
    code: str,
    call_refs: Sequence[str],
    statement: str,
) -> None:
    """The line's payment, for ``code``: on the calls named first (each up to what it still
    asks, the rest stays as credit), or oldest calls first when none is named. A payment
    already recorded with the line's bank reference is linked, not recorded again."""
    twin = uow.ledger.payment_with_bank_reference(code, line.bank_reference)
    line.member_code = code
    if twin is not None:
        line.status = LineStatus.ALREADY_RECORDED
        line.payment_reference = twin.reference
        return
    wanted = _plan(uow, code, call_refs, line.cents)
    note = f"relevé {statement}, ligne {line.position}"
    payment = payments.record_in(
        uow, actor, code, line.cents, line.booked_on, line.kind.method, line.bank_reference,
        note, wanted,
    )  # fmt: skip
    line.status = LineStatus.RECORDED
    line.payment_reference = payment.reference


def _plan(
    uow: UnitOfWork, code: str, call_refs: Sequence[str], cents: int
) -> list[tuple[str, int | None]] | None:
    if not call_refs:
        return None
    calls = uow.ledger.calls(CallFilter(member_code=code))
    states = {
        s.call.reference: s
        for s in call_states(calls, uow.ledger.credit_notes(code), uow.ledger.allocations(code),
                             LAST_DAY)
    }  # fmt: skip
    plan: list[tuple[str, int | None]] = []
    left = cents
    for ref in call_refs:
        state = states.get(ref)
        if state is None or state.outstanding <= 0 or left <= 0:
            continue
        part = min(state.outstanding, left)
        plan.append((ref, part))
        left -= part
    return plan


def _original_debit(
    uow: UnitOfWork, code: str, line: BankLine, reversed_now: set[str]
) -> Payment | None:
    """The direct-debit payment a return undoes: same member, same amount, received on or
    before the return, not undone yet; the one that paid a call the return names, else the
    latest."""
    found = [
        p for p in uow.ledger.payments(code)
        if p.method is PaymentMethod.DIRECT_DEBIT and p.cents == line.cents
        and p.received_on <= line.booked_on and p.reference not in reversed_now
    ]  # fmt: skip
    undone = uow.bank.reversed_payments(p.reference for p in found)
    found = [p for p in found if p.reference not in undone]
    if not found:
        return None
    named = set(call_references(*_texts(line)))
    if named:
        paid = {a.payment_reference for a in uow.ledger.allocations(code)
                if a.call_reference in named and a.cents > 0}  # fmt: skip
        for payment in reversed(found):
            if payment.reference in paid:
                return payment
    return max(found, key=lambda p: (p.received_on, p.reference))


def record_return(
    uow: UnitOfWork, actor: Actor, line: BankLine, code: str, original: Payment
) -> None:
    """A returned direct debit: the bank took the money back.

    Recorded as the reversal of the payment it undoes, never by editing it: the payment's
    allocations are released (negative allocations, from the return's date), so its calls are
    due again; and a record of money gone back to the member (``Refund``, reference
    ``RJ-2027-0001``, method « prélèvement », with the reason code and its French label) takes
    the amount out of the member's account — the balance rises by the amount, the FEC books it
    debit 411 / credit 512."""
    released: dict[str, tuple[int, date]] = {}
    for allocation in uow.ledger.allocations(code):
        if allocation.payment_reference != original.reference:
            continue
        cents, day = released.get(allocation.call_reference, (0, line.booked_on))
        released[allocation.call_reference] = (cents + allocation.cents, max(day, allocation.on))
    for call_reference, (cents, day) in sorted(released.items()):
        if cents > 0:
            uow.ledger.add_allocation(
                Allocation(original.reference, call_reference, code, -cents, day)
            )
    number = uow.ledger.next_numbers(f"{RETURN_PREFIX}-{line.booked_on.year}", 1)
    why = reason_label(line.return_reason)
    record = Refund(
        reference=reference(RETURN_PREFIX, line.booked_on.year, number),
        member_code=code,
        cents=line.cents,
        refunded_on=line.booked_on,
        method=PaymentMethod.DIRECT_DEBIT,
        bank_reference=line.bank_reference,
        reason=f"rejet du prélèvement {original.reference} : {why}"[:MAX_REASON],
        recorded_by=actor.username,
        recorded_at=datetime.now(UTC),
    )
    uow.ledger.add_refund(record)
    uow.flush()
    audit.record(
        uow, actor, "prélèvement.rejeté", "payment", original.reference,
        membre=code, montant=format_cents(line.cents), rejet=record.reference, motif=why,
        appels=sorted(ref for ref, (cents, _) in released.items() if cents > 0),
    )  # fmt: skip
    named = [ref for ref, (cents, _) in sorted(released.items()) if cents > 0]
    if line.end_to_end_id.strip().upper() not in named:
        named.append(line.end_to_end_id.strip().upper())  # the debit's id is its call's reference
    direct_debits.note_statement_return(
        uow, actor, code, named, line.return_reason, line.booked_on,
        f"relevé, ligne {line.position} ({record.reference})",
    )  # fmt: skip
    line.member_code = code
    line.status = LineStatus.RETURNED
    line.payment_reference = record.reference
    line.reversed_payment = original.reference


# --------------------------------------------------------------------------------------------
# The waiting list


def confirm_match(
    uows: UnitOfWorkFactory,
    actor: Actor,
    line_id: int,
    member_code: str,
    call_refs: Sequence[str] | None = None,
) -> LineView:
    """The treasurer says whose line it is (and, for a credit, which calls it pays: none named,
    the oldest first). A credit is then recorded as a payment, a return as the reversal of the
    member's direct debit."""
    actor.require(Permission.RECORD_PAYMENTS)
    code = member_key(member_code)
    refs = [ref.strip().upper() for ref in call_refs or () if ref.strip()]
    with uows() as uow:
        uow.ledger.lock()
        line = _waiting_line(uow, line_id)
        if uow.members.get(code) is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        _check_calls(uow, code, refs)
        statement = _statement_reference(uow, line)
        if line.kind is LineKind.RETURN:
            original = _original_debit(uow, code, line, set())
            if original is None:
                raise Conflict(
                    f"aucun prélèvement de {format_cents(line.cents)} du membre {code}, reçu "
                    f"au plus tard le {line.booked_on:%d/%m/%Y}, n'est à contre-passer : "
                    "écartez la ligne si ce prélèvement n'a jamais été enregistré",
                    field="member",
                )
            record_return(uow, actor, line, code, original)
        else:
            record_credit(uow, actor, line, code, refs, statement)
        line.resolved_by = actor.username
        line.resolved_at = datetime.now(UTC)
        uow.flush()
        audit.record(
            uow, actor, "ligne_bancaire.confirmée", "bank_line", str(line.id),
            releve=statement, membre=code, appels=refs, resultat=line.status.label,
            paiement=line.payment_reference,
        )  # fmt: skip
        view = _view(uow, line)
        uow.commit()
    return view


def dismiss_line(uows: UnitOfWorkFactory, actor: Actor, line_id: int, reason: str) -> LineView:
    """Set a waiting line aside (a refund from a supplier, a gift paid twice…), with why."""
    actor.require(Permission.RECORD_PAYMENTS)
    why = clean_text(reason, "reason", MAX_REASON, required=True)
    with uows() as uow:
        uow.ledger.lock()
        line = _waiting_line(uow, line_id)
        line.status = LineStatus.DISMISSED
        line.note = why
        line.resolved_by = actor.username
        line.resolved_at = datetime.now(UTC)
        uow.flush()
        audit.record(
            uow, actor, "ligne_bancaire.écartée", "bank_line", str(line.id),
            releve=_statement_reference(uow, line), montant=format_cents(line.cents), motif=why,
        )  # fmt: skip
        view = _view(uow, line)
        uow.commit()
    return view


def _waiting_line(uow: UnitOfWork, line_id: int) -> BankLine:
    line = uow.bank.line(line_id)
    if line is None:
        raise NotFound(f"aucune ligne de relevé n'a le numéro {line_id}", field="line")
    if not line.status.waiting:
        raise Conflict(
            f"la ligne {line_id} n'attend plus rien : {line.status.label}"
            + (f" ({line.payment_reference})" if line.payment_reference else ""),
            field="line",
        )
    return line


def _check_calls(uow: UnitOfWork, code: str, refs: Sequence[str]) -> None:
    for position, ref in enumerate(refs):
        call = uow.ledger.call(ref)
        if call is None or call.member_code != code:
            raise InvalidInput(
                f"l'appel {ref} n'est pas un appel du membre {code}", field=f"calls[{position}]"
            )


def _statement_reference(uow: UnitOfWork, line: BankLine) -> str:
    statement = uow.bank.statement(line.statement_id)
    return statement.reference if statement is not None else ""


def _view(uow: UnitOfWork, line: BankLine, names: Mapping[str, str] | None = None) -> LineView:
    return LineView.of(line, _statement_reference(uow, line), names or _LazyNames(uow))


# --------------------------------------------------------------------------------------------
# Reading


def lines(
    uows: UnitOfWorkFactory,
    actor: Actor,
    *,
    pending: bool = False,
    statement: str | None = None,
) -> list[LineView]:
    """Lines of the imported statements (``pending``: only those that wait), oldest first;
    a waiting line lists its candidates with the calls each still has to pay."""
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        statement_id: int | None = None
        if statement is not None:
            statement_id = _statement(uow, statement).id
        stored = uow.bank.lines(
            statement_id=statement_id, statuses=WAITING if pending else None, limit=MAX_LIST
        )
        references = {
            found.id: found.reference
            for sid in {line.statement_id for line in stored}
            if (found := uow.bank.statement(sid)) is not None and found.id is not None
        }
        names = _LazyNames(uow)
        open_calls = _open_calls(uow, {c for line in stored if line.status.waiting
                                       for c in _candidates(line)})  # fmt: skip
        return [
            LineView.of(line, references.get(line.statement_id, ""), names, open_calls)
            for line in stored
        ]


def pending_lines(uows: UnitOfWorkFactory, actor: Actor) -> list[LineView]:
    """The waiting list: lines to confirm and lines that matched nothing."""
    return lines(uows, actor, pending=True)


def line(uows: UnitOfWorkFactory, actor: Actor, line_id: int) -> LineView:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        found = uow.bank.line(line_id)
        if found is None:
            raise NotFound(f"aucune ligne de relevé n'a le numéro {line_id}", field="line")
        names = _LazyNames(uow)
        return LineView.of(
            found,
            _statement_reference(uow, found),
            names,
            _open_calls(uow, set(_candidates(found))),
        )


def _statement(uow: UnitOfWork, reference: str) -> BankStatement:
    found = uow.bank.statement_by_reference(reference.strip().upper()[:24])
    if found is None:
        raise NotFound(f"aucun relevé n'a la référence {reference[:24]}", field="statement")
    return found


def statement(uows: UnitOfWorkFactory, actor: Actor, reference: str) -> StatementView:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return StatementView.of(_statement(uow, reference))


def statements(uows: UnitOfWorkFactory, actor: Actor, limit: int = 100) -> list[StatementView]:
    """The imported statements, newest first."""
    actor.require(Permission.READ_LEDGER)
    if not 1 <= limit <= MAX_LIST:
        raise InvalidInput(f"le nombre de relevés doit être entre 1 et {MAX_LIST}", field="limit")
    with uows() as uow:
        return [StatementView.of(s) for s in uow.bank.statements(limit)]


def waiting_count(uows: UnitOfWorkFactory, actor: Actor) -> int:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return uow.bank.count_lines(WAITING)


def _candidates(line: BankLine) -> list[str]:
    codes = [line.suggested_member] if line.suggested_member else []
    return codes + [c for c in line.candidate_list if c not in codes]


def _open_calls(uow: UnitOfWork, codes: set[str]) -> dict[str, tuple[str, ...]]:
    """Per member, the calls still to pay (oldest due first)."""
    found: dict[str, tuple[str, ...]] = {}
    for code in sorted(codes):
        calls = uow.ledger.calls(CallFilter(member_code=code))
        states = call_states(
            calls, uow.ledger.credit_notes(code), uow.ledger.allocations(code), LAST_DAY
        )
        open_states = sorted(
            (s for s in states if s.outstanding > 0), key=lambda s: (s.call.due_on, s.call.number)
        )
        found[code] = tuple(s.call.reference for s in open_states)
    return found


__all__ = [
    "Candidate",
    "ImportReport",
    "LineView",
    "StatementView",
    "confirm_match",
    "dismiss_line",
    "import_statement",
    "line",
    "lines",
    "member_choices",
    "pending_lines",
    "statement",
    "statements",
    "waiting_count",
]


def member_choices(uows: UnitOfWorkFactory, actor: Actor) -> list[tuple[str, str]]:
    """Every member (code, name), by name: whom a waiting line may be given to."""
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        found = [(m.code, m.display_name) for m in uow.members.all()]
    return sorted(found, key=lambda pair: (pair[1].casefold(), pair[0]))
