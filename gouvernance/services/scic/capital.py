"""The register of shares: which statutes apply, record operations, read the register.

Every write takes the ledger lock, resumes the register from its running totals and the
operations of the one associate concerned (``Register.resume``: never the whole register, whose
size would make each write slower than the last), checks the operation against the register as
it would stand after it (``Register.after``), and only then reserves a number
(``CAP-<year>-<NNNN>``) and writes the operation with the totals after it: a refused operation
writes nothing and uses no number. Operations are written in date order (none before the
register's last day), so that the register replayed by date is the register as it was checked.
The public bodies' capital (art. 19 septies) is read from the running totals per registry
category, not from every associate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import Member, ScicKind, has_control_characters
from gouvernance.domain.money import format_amount, format_cents, from_cents, to_cents
from gouvernance.domain.scic.capital import (
    Associate,
    CapitalFloor,
    CapitalMinimum,
    CapitalOperation,
    Holding,
    OperationKind,
    PublicBodiesCap,
    Register,
    Subscription,
    Withdrawal,
    check_paying_up,
    check_refund,
    operation_number,
    plan_subscription,
    plan_withdrawal,
)
from gouvernance.domain.scic.decisions import LegalForm
from gouvernance.domain.scic.law import LawBook, format_share
from gouvernance.domain.scic.statutes import AssociateCategory, CapitalRules, Statutes
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission, Role
from gouvernance.services import audit, clock, idempotency
from gouvernance.services.ledger.calls import check_day, clean_reference, member_key
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWork, UnitOfWorkFactory
from gouvernance.services.scic import scic_rules

MAX_NOTE = 500
MAX_SHARES = 1_000_000

__all__ = [
    "AssociateLine",
    "AssociateView",
    "CapitalTotals",
    "OperationView",
    "RegisterView",
    "associate_view",
    "capital_totals",
    "choose_statutes",
    "current_statutes",
    "list_operations",
    "paid_up_by_associate",
    "pay_up",
    "refund",
    "register_view",
    "statutes_choice",
    "subscribe",
    "withdraw",
]


# --------------------------------------------------------------------------------------------
# Views


@dataclass(frozen=True)
class CapitalTotals:
    """The capital at the end of a day; ``floor`` is the least it may fall to (art. 13)."""

    subscribed: Decimal
    paid_up: Decimal
    highest: Decimal
    highest_on: date | None
    floor: Decimal
    public_bodies: Decimal


@dataclass(frozen=True)
class OperationView:
    number: str
    kind: OperationKind
    kind_label: str
    member_code: str
    shares: int
    amount: Decimal
    paid: Decimal
    refund: Decimal
    day: date
    due_on: date | None
    related: str | None
    note: str
    actor: str
    recorded_at: datetime
    created: bool = True

    @classmethod
    def of(cls, operation: CapitalOperation, *, created: bool = True) -> OperationView:
        return cls(
            number=operation.number,
            kind=operation.kind,
            kind_label=operation.kind.label,
            member_code=operation.member_code,
            shares=operation.shares,
            amount=from_cents(operation.cents),
            paid=from_cents(operation.paid_cents),
            refund=from_cents(operation.refund_cents),
            day=operation.day,
            due_on=operation.due_on,
            related=operation.related,
            note=operation.note,
            actor=operation.actor,
            recorded_at=operation.recorded_at,
            created=created,
        )

    def describe(self) -> str:
        """One line a person reads: « souscription de 4 parts (200,00 €), 50,00 € versés »."""
        if self.kind is OperationKind.SUBSCRIPTION:
            due = f", solde dû le {self.due_on:%d/%m/%Y}" if self.due_on else ""
            return (
                f"souscription de {self.shares} part(s) ({format_amount(self.amount)}), "
                f"{format_amount(self.paid)} versés{due}"
            )
        if self.kind is OperationKind.PAYING_UP:
            return f"libération de {format_amount(self.amount)}"
        if self.kind is OperationKind.WITHDRAWAL:
            when = f", remboursable à partir du {self.due_on:%d/%m/%Y}" if self.due_on else ""
            return (
                f"retrait de {self.shares} part(s) ({format_amount(self.amount)}), "
                f"{format_amount(self.refund)} à rembourser{when}"
            )
        return f"remboursement de {format_amount(self.amount)} (retrait {self.related})"


@dataclass(frozen=True)
class AssociateLine:
    code: str
    name: str
    category: str
    college: str
    shares: int
    subscribed: Decimal
    paid_up: Decimal
    unpaid: Decimal
    due_on: date | None
    late: bool

    @property
    def late_label(self) -> str:
        return "libération en retard" if self.late else ""


@dataclass(frozen=True)
class RegisterView:
    on: date
    statutes_id: str
    share_value: Decimal
    lines: tuple[AssociateLine, ...]
    totals: CapitalTotals
    public_share: str  # « 12,5 % » of the subscribed capital
    public_max: str  # « 50 % »
    floor_share: str  # « 25 % »


@dataclass(frozen=True)
class AssociateView:
    on: date
    line: AssociateLine
    share_value: Decimal
    operations: tuple[OperationView, ...]
    pending_refunds: tuple[OperationView, ...]


# --------------------------------------------------------------------------------------------
# Which statutes


def current_statutes(uow: UnitOfWork) -> Statutes:
    """The statutes the organisation chose, read afresh from ``rules/statuts/``."""
    organisation = uow.organisation.get()
    chosen = organisation.statutes_id if organisation is not None else None
    if not chosen:
        raise Conflict(
            "aucuns statuts choisis : gouvernance capital statutes <id>", field="statutes"
        )
    return scic_rules.load_statutes(chosen)


def statutes_choice(uows: UnitOfWorkFactory) -> str | None:
    """The id of the chosen statutes, ``None`` when none is chosen yet."""
    with uows() as uow:
        organisation = uow.organisation.get()
        return organisation.statutes_id if organisation is not None else None


def choose_statutes(uows: UnitOfWorkFactory, actor: Actor, statutes_id: str) -> Statutes:
    """Name the statutes the register follows (administrator only)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("seul un administrateur choisit les statuts de l'organisation")
    wanted = statutes_id.strip()
    if not wanted or len(wanted) > 60 or has_control_characters(wanted):
        raise InvalidInput("identifiant de statuts invalide", field="statutes")
    statutes = scic_rules.load_statutes(wanted)
    with uows() as uow:
        organisation = setup.require_organisation(uow)
        before = organisation.statutes_id
        organisation.statutes_id = statutes.id
        audit.record(
            uow, actor, "statuts.choisis", "organisation", str(organisation.id or ""),
            avant=before, apres=statutes.id, source=statutes.source, empreinte=statutes.digest,
        )  # fmt: skip
        uow.commit()
    return statutes


# --------------------------------------------------------------------------------------------
# Reading the register


def public_categories(statutes: Statutes) -> frozenset[str]:
    """The registry categories the statutes rank among public bodies (art. 19 septies)."""
    return frozenset(
        code
        for category in statutes.categories
        for code in category.registry
        if (found := statutes.category_for(code)) is not None and found.kind is ScicKind.PUBLIC_BODY
    )


def _associates(uow: UnitOfWork, on: date) -> dict[str, Associate]:
    """Code → name and registry category of everyone in the register at ``on``, in one query."""
    return {a.code: a for a in uow.capital.associates(on, holding_only=False)}


def _name_and_category(associates: dict[str, Associate], code: str) -> tuple[str, str | None]:
    found = associates.get(code)
    return (found.name, found.category) if found is not None else ("", None)


def _public_members(statutes: Statutes, associates: dict[str, Associate]) -> frozenset[str]:
    public = public_categories(statutes)
    return frozenset(code for code, a in associates.items() if a.category in public)


def _floor_share(law: LawBook, on: date) -> Fraction:
    return law.share("capital_floor", on)


def capital_minimums(statutes: Statutes, law: LawBook, on: date) -> tuple[CapitalMinimum, ...]:
    """The fixed least capitals a withdrawal must respect besides the art. 13 floor."""
    found = []
    rules = statutes.capital_rules()
    if rules.minimum is not None and rules.minimum > 0:
        found.append(
            CapitalMinimum(
                to_cents(rules.minimum),
                "capital minimal fixé par les statuts",
                f"statuts « {statutes.id} », capital.minimum",
            )
        )
    if statutes.legal_form is LegalForm.SCIC_SA and "sa_capital_min" in {
        value.key for value in law.in_force(on)
    }:
        found.append(
            CapitalMinimum(
                to_cents(law.euros("sa_capital_min", on)),
                "capital minimal d'une SCIC SA",
                law.reference("sa_capital_min"),
            )
        )
    return tuple(found)


def _totals(register: Register, public: frozenset[str], floor_share: Fraction) -> CapitalTotals:
    return CapitalTotals(
        subscribed=from_cents(register.subscribed),
        paid_up=from_cents(register.paid),
        highest=from_cents(register.highest),
        highest_on=register.highest_on,
        floor=from_cents(register.floor(floor_share)),
        public_bodies=from_cents(register.subscribed_by(set(public))),
    )


def paid_up_by_associate(uows: UnitOfWorkFactory, on: date) -> dict[str, Decimal]:
    """Member code → paid-up capital held at the end of ``on`` (nothing paid: left out).

    For the surplus allocation (interest on shares); no actor: the caller checks permissions."""
    with uows() as uow:
        register = Register.replay(uow.capital.operations(until=on))
    return {
        code: from_cents(holding.paid)
        for code, holding in sorted(register.holdings.items())
        if holding.paid > 0
    }


def capital_totals(uows: UnitOfWorkFactory, on: date) -> CapitalTotals:
    """Subscribed and paid-up capital, the highest ever reached, the floor, public bodies' part,
    at the end of ``on``. No actor: the caller checks permissions."""
    with uows() as uow:
        register = Register.replay(uow.capital.operations(until=on))
        public: frozenset[str] = frozenset()
        if register.holdings:
            public = _public_members(current_statutes(uow), _associates(uow, on))
    return _totals(register, public, _floor_share(scic_rules.load_law(), on))


def _line(
    statutes: Statutes, holding: Holding, on: date, name: str, registry_category: str | None
) -> AssociateLine:
    category = statutes.category_for(registry_category) if registry_category else None
    college = statutes.college_for(holding.member_code, category)
    return AssociateLine(
        code=holding.member_code,
        name=name,
        category=category.label if category is not None else "(hors catégorie)",
        college=college.label if college is not None else "(aucun collège)",
        shares=holding.shares,
        subscribed=from_cents(holding.subscribed),
        paid_up=from_cents(holding.paid),
        unpaid=from_cents(holding.unpaid),
        due_on=holding.due_on,
        late=holding.late_on(on),
    )


def register_view(uows: UnitOfWorkFactory, actor: Actor, on: date | None = None) -> RegisterView:
    """Every associate holding shares at the end of ``on``, and the totals."""
    actor.require(Permission.READ_LEDGER)
    day = check_day(on or clock.today(), "on")
    law = scic_rules.load_law()
    with uows() as uow:
        statutes = current_statutes(uow)
        register = Register.replay(uow.capital.operations(until=day))
        associates = _associates(uow, day)
        lines = tuple(
            _line(statutes, holding, day, *_name_and_category(associates, code))
            for code, holding in sorted(register.holdings.items())
            if holding.shares > 0 or holding.paid > 0
        )
        public = _public_members(statutes, associates)
    totals = _totals(register, public, _floor_share(law, day))
    ratio = Fraction(0)
    if register.subscribed:
        ratio = Fraction(register.subscribed_by(set(public)), register.subscribed)
    return RegisterView(
        on=day,
        statutes_id=statutes.id,
        share_value=statutes.capital_rules().share_value,
        lines=lines,
        totals=totals,
        public_share=format_share(ratio),
        public_max=format_share(law.share("public_bodies_capital_max", day)),
        floor_share=format_share(_floor_share(law, day)),
    )


def associate_view(
    uows: UnitOfWorkFactory, actor: Actor, member_code: str, on: date | None = None
) -> AssociateView:
    """One associate's shares at the end of ``on``, with their operations."""
    code = member_key(member_code)
    actor.require_ledger_access(code)
    day = check_day(on or clock.today(), "on")
    with uows() as uow:
        member = uow.members.view(code)  # its name and category: no record, nor its figures
        if member is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        statutes = current_statutes(uow)
        operations = uow.capital.operations(until=day, member_code=code)
        register = Register.replay(operations)
        line = _line(statutes, register.holding(code), day, member.display_name, member.category)
        pending = tuple(
            OperationView.of(w)
            for number, w in register.withdrawals.items()
            if register.pending_refund(number) is not None and w.refund_cents > 0
        )
        views = tuple(OperationView.of(o) for o in operations)
    return AssociateView(
        on=day,
        line=line,
        share_value=statutes.capital_rules().share_value,
        operations=views,
        pending_refunds=pending,
    )


def list_operations(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str | None = None,
    until: date | None = None,
) -> list[OperationView]:
    """The register's operations in order; a member sees only their own."""
    code = member_key(member_code) if member_code else None
    if code is not None:
        actor.require_ledger_access(code)
    else:
        actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return [OperationView.of(o) for o in uow.capital.operations(until=until, member_code=code)]


# --------------------------------------------------------------------------------------------
# Writing


@dataclass
class _Context:
    """What every write reads first, under the lock."""

    uow: UnitOfWork
    statutes: Statutes
    law: LawBook
    register: Register


def _open(uow: UnitOfWork, day: date, member_code: str | None) -> _Context:
    """The register as it stands, seen through one associate (their operations, by index) and
    the whole register's running totals; the caller holds the ledger lock."""
    statutes = current_statutes(uow)
    totals = uow.capital.totals()
    if totals.last_day is not None and day < totals.last_day:
        raise InvalidInput(
            f"le registre est tenu dans l'ordre des dates : la dernière opération est du "
            f"{totals.last_day:%d/%m/%Y}, une nouvelle ne peut pas être antérieure",
            field="on",
        )
    operations = uow.capital.operations(member_code=member_code) if member_code else ()
    return _Context(uow, statutes, scic_rules.load_law(), Register.resume(totals, operations))


def _check_day(on: date | None) -> date:
    day = check_day(on or clock.today(), "on")
    if day > clock.today():
        raise InvalidInput("une opération du capital ne peut pas être datée du futur", field="on")
    return day


def _note(note: str) -> str:
    return clean_text(note, "note", MAX_NOTE)


def _member(uow: UnitOfWork, code: str) -> Member:
    member = uow.members.get(code)
    if member is None:
        raise NotFound(f"aucun membre n'a le code {code}", field="member")
    return member


def _category(statutes: Statutes, member: Member) -> AssociateCategory:
    category = statutes.category_for(member.category)
    if category is None:
        raise InvalidInput(
            f"les statuts « {statutes.id} » ne rangent la catégorie du registre "
            f"« {member.category} » ({member.display_name}) dans aucune catégorie d'associés",
            field="member",
        )
    return category


def _minimum(category: AssociateCategory, member: Member, day: date) -> tuple[int | None, str]:
    """The category's minimum for this member; ``None`` and why when the population is missing."""
    years = [
        f.fiscal_year
        for f in member.facts
        if f.kind is FactKind.POPULATION and f.fiscal_year <= day.year
    ]
    population = member.fact(FactKind.POPULATION, max(years)) if years else None
    minimum = category.minimum.for_population(population)
    reason = ""
    if minimum is None:
        reason = (
            f"population inconnue pour {member.display_name} ({member.code}) : la catégorie "
            f"« {category.label} » fixe son minimum de parts d'après la population "
            f"({category.minimum.population.describe() if category.minimum.population else ''}) ; "
            "enregistrez-la d'abord (gouvernance members facts)"
        )
    return minimum, reason


def _check_public_cap(
    context: _Context, day: date, member: Member, operation: CapitalOperation, after: Register
) -> None:
    """Art. 19 septies on the capital after ``operation``: the public bodies' capital is read
    from the running totals of their registry categories, then moved by the operation if it is
    theirs."""
    public = public_categories(context.statutes)
    before = context.register
    old_public = context.uow.capital.subscribed_by_categories(public)
    moved = 0
    if member.category in public:
        code = operation.member_code
        moved = after.holding(code).subscribed - before.holding(code).subscribed
    cap = PublicBodiesCap(
        share=context.law.share("public_bodies_capital_max", day),
        reference=context.law.reference("public_bodies_capital_max"),
        members=frozenset(),
    )
    cap.check_figures(old_public, before.subscribed, old_public + moved, after.subscribed)


def _shares(shares: int) -> int:
    if not 0 < shares <= MAX_SHARES:
        raise InvalidInput(
            f"le nombre de parts doit être entre 1 et {MAX_SHARES:,}".replace(",", "\u202f"),
            field="shares",
        )
    return shares


def _write(
    context: _Context,
    actor: Actor,
    operation: CapitalOperation,
    key: str | None,
    request: str,
    **detail: object,
) -> OperationView:
    """Number the operation (only now: a refusal above used no number), store it with the
    register's totals after it, audit."""
    uow = context.uow
    first = uow.ledger.next_numbers(f"CAP-{operation.day.year}", 1)
    operation.number = operation_number(operation.day.year, first)
    context.register.apply(operation)
    uow.capital.add(operation, context.register.totals)
    audit.record(
        uow, actor, f"capital.{operation.kind.value}", "capital_operation", operation.number,
        membre=operation.member_code, parts=operation.shares,
        montant=format_cents(operation.cents), jour=operation.day, **detail,
    )  # fmt: skip
    if key:
        idempotency.remember(uow, key, request, 201, operation.number)
    view = OperationView.of(operation)
    uow.commit()
    return view


def _replayed(uow: UnitOfWork, key: str | None, request: str) -> OperationView | None:
    if key and (done := idempotency.replay(uow, key, request)):
        stored = uow.capital.operation(done)
        if stored is not None:
            return OperationView.of(stored, created=False)
    return None


def subscribe(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    shares: int,
    paid: Decimal,
    on: date | None = None,
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> OperationView:
    """Record a subscription of ``shares`` with ``paid`` paid at once (art. 12: a quarter at
    least, the rest within the statutes' delay)."""
    actor.require(Permission.RECORD_PAYMENTS)
    code, day, count, comment = (
        member_key(member_code),
        _check_day(on),
        _shares(shares),
        _note(note),
    )
    paid_cents = _cents(paid, "paid", allow_zero=True)
    key = idempotency.optional_key(actor, "capital.subscribe", idempotency_key)
    request = idempotency.fingerprint(
        {"member": code, "shares": count, "paid": paid_cents, "on": day, "note": comment}
    )
    with uows() as uow:
        uow.ledger.lock()  # before the replay: a concurrent twin waits, then replays
        if (done := _replayed(uow, key, request)) is not None:
            return done
        context = _open(uow, day, code)
        member = _member(uow, code)
        if not member.is_member_on(day):
            raise InvalidInput(
                f"{member.display_name} ({code}) n'est pas membre le {day:%d/%m/%Y}",
                field="member",
            )
        category = _category(context.statutes, member)
        minimum, reason = _minimum(category, member, day)
        if minimum is None:
            raise InvalidInput(reason, field="member")
        rules = context.statutes.capital_rules()
        amount, due = plan_subscription(
            context.register,
            Subscription(
                code, count, paid_cents, day, to_cents(rules.share_value),
                *_legal_terms(context.law, rules, day), minimum, category.label,
            ),
        )  # fmt: skip
        operation = CapitalOperation(
            number="", kind=OperationKind.SUBSCRIPTION, member_code=code, shares=count,
            cents=amount, paid_cents=paid_cents, due_on=due, day=day, actor=actor.username,
            recorded_at=datetime.now(UTC), note=comment,
        )  # fmt: skip
        _check_public_cap(context, day, member, operation, context.register.after(operation))
        return _write(
            context, actor, operation, key, request,
            verse=format_cents(paid_cents), solde_du_le=due, categorie=category.code,
        )  # fmt: skip


def pay_up(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    amount: Decimal,
    on: date | None = None,
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> OperationView:
    """Record a paying up (libération) of what an associate still owes on their shares."""
    actor.require(Permission.RECORD_PAYMENTS)
    code, day, comment = member_key(member_code), _check_day(on), _note(note)
    cents = _cents(amount, "amount")
    key = idempotency.optional_key(actor, "capital.pay", idempotency_key)
    request = idempotency.fingerprint({"member": code, "cents": cents, "on": day, "note": comment})
    with uows() as uow:
        uow.ledger.lock()  # before the replay: a concurrent twin waits, then replays
        if (done := _replayed(uow, key, request)) is not None:
            return done
        context = _open(uow, day, code)
        _member(uow, code)
        check_paying_up(context.register, code, cents)
        operation = CapitalOperation(
            number="", kind=OperationKind.PAYING_UP, member_code=code, shares=0, cents=cents,
            day=day, actor=actor.username, recorded_at=datetime.now(UTC), note=comment,
        )  # fmt: skip
        return _write(context, actor, operation, key, request)


def withdraw(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    shares: int,
    on: date | None = None,
    *,
    loss_per_share: Decimal = Decimal(0),
    note: str = "",
    idempotency_key: str | None = None,
) -> OperationView:
    """Record a withdrawal of shares: the floor (art. 13) and the public bodies' cap (art. 19
    septies) are checked on the capital after it; the refund is due after the statutes' delay."""
    actor.require(Permission.RECORD_PAYMENTS)
    code, day, count, comment = (
        member_key(member_code),
        _check_day(on),
        _shares(shares),
        _note(note),
    )
    loss = _cents(loss_per_share, "loss_per_share", allow_zero=True)
    key = idempotency.optional_key(actor, "capital.withdraw", idempotency_key)
    request = idempotency.fingerprint(
        {"member": code, "shares": count, "loss": loss, "on": day, "note": comment}
    )
    with uows() as uow:
        uow.ledger.lock()  # before the replay: a concurrent twin waits, then replays
        if (done := _replayed(uow, key, request)) is not None:
            return done
        context = _open(uow, day, code)
        member = _member(uow, code)
        category = _category(context.statutes, member)
        minimum, reason = _minimum(category, member, day)
        rules = context.statutes.capital_rules()
        nominal, paid, refund_cents, refundable = plan_withdrawal(
            context.register,
            Withdrawal(
                code, count, day, to_cents(rules.share_value), loss, rules.refund_delay_months,
                minimum, reason, category.label,
            ),
        )  # fmt: skip
        operation = CapitalOperation(
            number="", kind=OperationKind.WITHDRAWAL, member_code=code, shares=count,
            cents=nominal, paid_cents=paid, refund_cents=refund_cents, due_on=refundable,
            day=day, actor=actor.username, recorded_at=datetime.now(UTC), note=comment,
        )  # fmt: skip
        after = context.register.after(operation)
        floor_share = _floor_share(context.law, day)
        CapitalFloor(
            floor_share,
            context.law.reference("capital_floor"),
            capital_minimums(context.statutes, context.law, day),
        ).check(after)
        _check_public_cap(context, day, member, operation, after)
        return _write(
            context, actor, operation, key, request,
            a_rembourser=format_cents(refund_cents), perte_par_part=format_cents(loss),
            remboursable_le=refundable,
        )  # fmt: skip


def refund(
    uows: UnitOfWorkFactory,
    actor: Actor,
    withdrawal_number: str,
    on: date | None = None,
    *,
    note: str = "",
    idempotency_key: str | None = None,
) -> OperationView:
    """Record the refund of a withdrawal, once, on or after the day it becomes refundable."""
    actor.require(Permission.RECORD_PAYMENTS)
    number, day, comment = (
        clean_reference(withdrawal_number, "withdrawal"),
        _check_day(on),
        _note(note),
    )
    key = idempotency.optional_key(actor, "capital.refund", idempotency_key)
    request = idempotency.fingerprint({"withdrawal": number, "on": day, "note": comment})
    with uows() as uow:
        uow.ledger.lock()  # before the replay: a concurrent twin waits, then replays
        if (done := _replayed(uow, key, request)) is not None:
            return done
        stored = uow.capital.operation(number)
        owner = stored.member_code if stored is not None else None
        context = _open(uow, day, owner)  # the withdrawal and its refunds are its associate's
        withdrawal = check_refund(context.register, number, day)
        operation = CapitalOperation(
            number="", kind=OperationKind.REFUND, member_code=withdrawal.member_code, shares=0,
            cents=withdrawal.refund_cents, related=number, day=day, actor=actor.username,
            recorded_at=datetime.now(UTC), note=comment,
        )  # fmt: skip
        return _write(context, actor, operation, key, request, retrait=number)


def _cents(amount: Decimal, field: str, *, allow_zero: bool = False) -> int:
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput("un montant s'écrit au centime près", field=field)
    cents = to_cents(amount)
    if cents < 0 or (cents == 0 and not allow_zero):
        raise InvalidInput("le montant doit être positif", field=field)
    if cents >= 10**14:
        raise InvalidInput("montant hors de portée", field=field)
    return cents


def _legal_terms(law: LawBook, rules: CapitalRules, day: date) -> tuple[Fraction, int]:
    """The statutes' paying-up terms, never looser than the law (art. 12: a quarter at least
    at subscription, the rest within five years), even when the statutes say otherwise."""
    least = max(rules.paid_at_subscription, law.share("paid_at_subscription_min", day))
    delay = min(rules.paying_delay_years, law.count("paying_delay_max", day))
    return least, delay
