"""The register of shares (parts sociales) of a SCIC: operations and the rules they must keep.

The register is a list of operations written once and never edited (subscription, paying up,
withdrawal, refund). Everything else — who holds what, what is still to pay, the highest
capital ever reached and the floor below which it may not fall — is *replayed* from that list
(``Register.replay``), so a figure can always be traced to the operations behind it.

A new operation is checked against the register as it would be *after* it (``Register.after``):
the floor (loi n° 47-1775, art. 13) and the public bodies' cap (art. 19 septies) are questions
about the state the operation leads to, not about the operation alone.

A write does not replay the whole register (65 000 associates in the largest networks): it
resumes from the register's running totals (``RegisterTotals``: capital, highest capital, last
day) and the operations of the one associate concerned (``Register.resume``); the totals after
the operation are those of ``Register.after``, stored with it.
"""

from __future__ import annotations

import calendar
import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.money import format_cents
from gouvernance.domain.scic.law import format_share

PREFIX = "CAP"


class OperationKind(StrEnum):
    SUBSCRIPTION = "subscription"
    PAYING_UP = "paying_up"
    WITHDRAWAL = "withdrawal"
    REFUND = "refund"

    @property
    def label(self) -> str:
        return {
            "subscription": "souscription",
            "paying_up": "libération",
            "withdrawal": "retrait",
            "refund": "remboursement",
        }[self.value]


@dataclass(eq=False)
class CapitalOperation:
    """One line of the register. Amounts are integer cents.

    - subscription: ``cents`` subscribed (shares × nominal value), ``paid_cents`` paid at once,
      ``due_on`` the day the rest must be paid by;
    - paying up: ``cents`` paid;
    - withdrawal: ``cents`` nominal value withdrawn, ``paid_cents`` the paid-up part of it,
      ``refund_cents`` what the associate will get back (after losses), ``due_on`` the first
      day it may be refunded;
    - refund: ``cents`` refunded, ``related`` the withdrawal's number.
    """

    number: str
    kind: OperationKind
    member_code: str
    shares: int
    cents: int
    day: date
    actor: str
    recorded_at: datetime
    paid_cents: int = 0
    refund_cents: int = 0
    due_on: date | None = None
    related: str | None = None
    note: str = ""
    id: int | None = None


def operation_number(year: int, number: int) -> str:
    """« CAP-2026-0001 »."""
    return f"{PREFIX}-{year}-{number:04d}"


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ceil_cents(cents: int, share: Fraction) -> int:
    """``share`` of an amount in cents, rounded UP to the cent (legal minimums)."""
    return (Fraction(cents) * share).__ceil__()


def describe_share(share: Fraction) -> str:
    """« le quart », « la moitié », else « 30 % »: how the law's fraction reads in a sentence."""
    words = {Fraction(1, 4): "le quart", Fraction(1, 2): "la moitié", Fraction(1, 3): "le tiers"}
    return words.get(share, format_share(share))


# --- one associate's position --------------------------------------------------------------


@dataclass
class Tranche:
    """What is still to pay on one subscription, and by when (paid oldest first)."""

    number: str
    due_on: date
    unpaid: int


@dataclass
class Holding:
    member_code: str
    shares: int = 0
    subscribed: int = 0
    paid: int = 0
    tranches: list[Tranche] = field(default_factory=list)

    @property
    def unpaid(self) -> int:
        return self.subscribed - self.paid

    @property
    def due_on(self) -> date | None:
        """The earliest day by which some of what is still owed must be paid."""
        return next((t.due_on for t in self.tranches if t.unpaid > 0), None)

    def late_on(self, day: date) -> bool:
        """« libération en retard »: something was due before ``day`` and is still unpaid."""
        return self.due_on is not None and day > self.due_on

    def paid_part(self, shares: int) -> int:
        """The paid-up part of ``shares`` of this holding: in proportion, rounded half-up."""
        if shares >= self.shares:
            return self.paid
        return int((Fraction(self.paid * shares, self.shares) + Fraction(1, 2)).__floor__())

    def _pay(self, cents: int) -> None:
        self.paid += cents
        for tranche in self.tranches:
            part = min(cents, tranche.unpaid)
            tranche.unpaid -= part
            cents -= part

    def _cancel_unpaid(self, cents: int) -> None:
        """Withdrawn shares take their unpaid part with them: the newest debts go first."""
        for tranche in reversed(self.tranches):
            part = min(cents, tranche.unpaid)
            tranche.unpaid -= part
            cents -= part


# --- the register ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterTotals:
    """The whole register's running figures, kept beside the operations so that a write needs
    neither a replay nor a sum over every associate. Always equal to ``Register.replay(all
    operations).totals``."""

    subscribed: int = 0
    paid: int = 0
    highest: int = 0
    highest_on: date | None = None
    last_day: date | None = None


class Associate(NamedTuple):
    """An associate holding shares at some day, with what the roll of an assembly shows (a
    named tuple: 65 000 of them are made at once)."""

    code: str
    name: str
    category: str  # the registry's category code
    shares: int


@dataclass
class Register:
    """The register as it stands after some operations, replayed in order.

    ``subscribed`` and ``paid`` are the whole register's capital, kept up to date by ``apply``.
    A register resumed from totals (``resume``) holds only some associates' holdings: its
    capital figures are still the whole register's."""

    holdings: dict[str, Holding] = field(default_factory=dict)
    highest: int = 0
    highest_on: date | None = None
    withdrawals: dict[str, CapitalOperation] = field(default_factory=dict)
    refunded: dict[str, CapitalOperation] = field(default_factory=dict)
    last_day: date | None = None
    operations: list[CapitalOperation] = field(default_factory=list)
    subscribed: int = 0
    paid: int = 0

    @classmethod
    def replay(cls, operations: Iterable[CapitalOperation], until: date | None = None) -> Register:
        """The register at the end of day ``until`` (every operation when ``None``)."""
        register = cls()
        for operation in sorted(operations, key=lambda o: (o.day, _sequence(o.number))):
            if until is None or operation.day <= until:
                register.apply(operation)
        return register

    @classmethod
    def resume(cls, totals: RegisterTotals, operations: Iterable[CapitalOperation]) -> Register:
        """The register now, seen through some associates: their holdings replayed from
        ``operations`` (all of theirs), the capital figures from the whole register's
        ``totals``. Enough to check and apply an operation on one of them."""
        register = cls.replay(operations)
        register.subscribed, register.paid = totals.subscribed, totals.paid
        register.highest, register.highest_on = totals.highest, totals.highest_on
        register.last_day = totals.last_day
        return register

    @property
    def totals(self) -> RegisterTotals:
        return RegisterTotals(
            self.subscribed, self.paid, self.highest, self.highest_on, self.last_day
        )

    def after(self, operation: CapitalOperation) -> Register:
        """The register as it would be after ``operation`` (this one is left untouched)."""
        future = copy.deepcopy(self)
        future.apply(operation)
        return future

    def holding(self, member_code: str) -> Holding:
        return self.holdings.get(member_code) or Holding(member_code)

    def subscribed_by(self, members: set[str]) -> int:
        return sum(h.subscribed for code, h in self.holdings.items() if code in members)

    def floor(self, share: Fraction) -> int:
        """The least capital allowed: ``share`` of the highest ever reached, rounded up."""
        return ceil_cents(self.highest, share)

    def pending_refund(self, number: str) -> CapitalOperation | None:
        if number in self.refunded:
            return None
        return self.withdrawals.get(number)

    def apply(self, operation: CapitalOperation) -> None:
        holding = self.holdings.setdefault(operation.member_code, Holding(operation.member_code))
        kind = operation.kind
        if kind is OperationKind.SUBSCRIPTION:
            holding.shares += operation.shares
            holding.subscribed += operation.cents
            holding.paid += operation.paid_cents
            self.subscribed += operation.cents
            self.paid += operation.paid_cents
            rest = operation.cents - operation.paid_cents
            if rest and operation.due_on is not None:
                holding.tranches.append(Tranche(operation.number, operation.due_on, rest))
        elif kind is OperationKind.PAYING_UP:
            holding._pay(operation.cents)
            self.paid += operation.cents
        elif kind is OperationKind.WITHDRAWAL:
            holding._cancel_unpaid(operation.cents - operation.paid_cents)
            holding.shares -= operation.shares
            holding.subscribed -= operation.cents
            holding.paid -= operation.paid_cents
            self.subscribed -= operation.cents
            self.paid -= operation.paid_cents
            self.withdrawals[operation.number] = operation
        elif operation.related is not None:
            self.refunded[operation.related] = operation
        if self.subscribed > self.highest:
            self.highest, self.highest_on = self.subscribed, operation.day
        self.last_day = max(self.last_day or operation.day, operation.day)
        self.operations.append(operation)


# --- the rules each new operation must keep --------------------------------------------------


@dataclass(frozen=True)
class PublicBodiesCap:
    """Art. 19 septies: public bodies together hold at most ``share`` of the capital."""

    share: Fraction
    reference: str
    members: frozenset[str]  # the associates whose statutes category is a public body

    def check(self, before: Register, after: Register) -> None:
        """Refuse a state over the cap, unless the operation brings the share down."""
        self.check_figures(
            before.subscribed_by(set(self.members)),
            before.subscribed,
            after.subscribed_by(set(self.members)),
            after.subscribed,
        )

    def check_figures(self, old_public: int, old_total: int, public: int, total: int) -> None:
        """The same, on the public bodies' capital and the whole capital before and after
        (a write reads the first from running totals, not by holding every associate)."""
        if total == 0 or Fraction(public, total) <= self.share:
            return
        if old_total and Fraction(public, total) < Fraction(old_public, old_total):
            return
        allowed = (Fraction(total) * self.share).__floor__()
        raise Conflict(
            f"les collectivités territoriales détiendraient {format_cents(public)} sur "
            f"{format_cents(total)} de capital, soit {format_share(Fraction(public, total))}, "
            f"au-delà du maximum de {format_share(self.share)} ({format_cents(allowed)}) — "
            f"{self.reference}",
            field="shares",
        )


@dataclass(frozen=True)
class CapitalMinimum:
    """A fixed least capital: the statutes' minimum, or 18 500 € for a SCIC SA (art. 27)."""

    cents: int
    label: str  # « capital minimal fixé par les statuts »
    reference: str


@dataclass(frozen=True)
class CapitalFloor:
    """Art. 13: the capital never falls below ``share`` of the highest capital ever reached,
    nor below any of ``minimums`` (the statutes' minimum capital, a SCIC SA's legal one)."""

    share: Fraction
    reference: str
    minimums: tuple[CapitalMinimum, ...] = ()

    def check(self, after: Register) -> None:
        for minimum in sorted(self.minimums, key=lambda m: -m.cents):
            if after.subscribed < minimum.cents:
                raise Conflict(
                    f"le capital tomberait à {format_cents(after.subscribed)}, sous le "
                    f"{minimum.label} de {format_cents(minimum.cents)} — {minimum.reference}",
                    field="shares",
                )
        floor = after.floor(self.share)
        if after.subscribed >= floor:
            return
        reached = after.highest_on.strftime("%d/%m/%Y") if after.highest_on else "?"
        raise Conflict(
            f"le capital tomberait à {format_cents(after.subscribed)}, sous le plancher de "
            f"{format_cents(floor)} ({describe_share(self.share)} du capital le plus élevé "
            f"atteint, {format_cents(after.highest)}, le {reached}) — {self.reference}",
            field="shares",
        )


@dataclass(frozen=True)
class Subscription:
    """What a subscription asks, with the statutes' figures it is checked against."""

    member_code: str
    shares: int
    paid_cents: int
    day: date
    share_cents: int
    paid_at_subscription: Fraction
    paying_delay_years: int
    minimum_shares: int
    category_label: str


def plan_subscription(register: Register, request: Subscription) -> tuple[int, date | None]:
    """The amount subscribed and the day the rest is due by; refused with the reason."""
    if request.shares < 1:
        raise InvalidInput("une souscription porte sur une part au moins", field="shares")
    held = register.holding(request.member_code).shares + request.shares
    if held < request.minimum_shares:
        raise InvalidInput(
            f"la catégorie « {request.category_label} » demande au moins "
            f"{request.minimum_shares} parts : l'associé en détiendrait {held}",
            field="shares",
        )
    amount = request.shares * request.share_cents
    least = ceil_cents(amount, request.paid_at_subscription)
    if request.paid_cents < least:
        raise InvalidInput(
            f"il faut libérer au moins {format_share(request.paid_at_subscription)} de "
            f"{format_cents(amount)} à la souscription, soit {format_cents(least)} "
            f"(versé : {format_cents(request.paid_cents)}) — loi n° 47-1775, art. 12",
            field="paid",
        )
    if request.paid_cents > amount:
        raise InvalidInput(
            f"le versement ({format_cents(request.paid_cents)}) dépasse le montant souscrit "
            f"({format_cents(amount)})",
            field="paid",
        )
    due = (
        add_years(request.day, request.paying_delay_years) if request.paid_cents < amount else None
    )
    return amount, due


def check_paying_up(register: Register, member_code: str, cents: int) -> None:
    unpaid = register.holding(member_code).unpaid
    if unpaid <= 0:
        raise Conflict(f"{member_code} n'a rien à libérer : ses parts sont payées", field="amount")
    if not 0 < cents <= unpaid:
        raise InvalidInput(
            f"le montant libéré doit être positif et au plus de {format_cents(unpaid)} "
            "(reste à libérer)",
            field="amount",
        )


@dataclass(frozen=True)
class Withdrawal:
    member_code: str
    shares: int
    day: date
    share_cents: int
    loss_per_share_cents: int
    refund_delay_months: int
    minimum_shares: int | None  # None: unknown (a population is missing)
    minimum_reason: str
    category_label: str


def plan_withdrawal(register: Register, request: Withdrawal) -> tuple[int, int, int, date]:
    """(nominal value withdrawn, its paid-up part, the refund, the first day of refund)."""
    holding = register.holding(request.member_code)
    if request.shares < 1:
        raise InvalidInput("un retrait porte sur une part au moins", field="shares")
    if request.shares > holding.shares:
        raise InvalidInput(
            f"{request.member_code} détient {holding.shares} parts : impossible d'en retirer "
            f"{request.shares}",
            field="shares",
        )
    left = holding.shares - request.shares
    if left:
        if request.minimum_shares is None:
            raise InvalidInput(request.minimum_reason, field="shares")
        if left < request.minimum_shares:
            raise InvalidInput(
                f"un retrait partiel doit laisser au moins {request.minimum_shares} parts "
                f"(catégorie « {request.category_label} ») : il en resterait {left} ; "
                "retirez tout ou moins",
                field="shares",
            )
    if request.loss_per_share_cents < 0:
        raise InvalidInput("la perte par part ne peut pas être négative", field="loss_per_share")
    # The nominal of the shares as subscribed, not at today's share value: statutes may change.
    nominal = (
        holding.subscribed
        if request.shares == holding.shares
        else holding.subscribed * request.shares // holding.shares
    )
    paid = holding.paid_part(request.shares)
    refund = max(0, paid - request.shares * request.loss_per_share_cents)
    return nominal, paid, refund, add_months(request.day, request.refund_delay_months)


def check_refund(register: Register, withdrawal_number: str, day: date) -> CapitalOperation:
    """The withdrawal to refund, refused before its date or when already refunded."""
    if withdrawal_number in register.refunded:
        done = register.refunded[withdrawal_number]
        raise Conflict(
            f"le retrait {withdrawal_number} a déjà été remboursé ({done.number} du "
            f"{done.day:%d/%m/%Y})",
            field="withdrawal",
        )
    withdrawal = register.withdrawals.get(withdrawal_number)
    if withdrawal is None:
        raise InvalidInput(f"aucun retrait n'a le numéro {withdrawal_number}", field="withdrawal")
    if withdrawal.refund_cents <= 0:
        raise Conflict(
            f"le retrait {withdrawal_number} ne donne lieu à aucun remboursement (pertes imputées)",
            field="withdrawal",
        )
    if withdrawal.due_on is not None and day < withdrawal.due_on:
        raise InvalidInput(
            f"le retrait {withdrawal_number} est remboursable à partir du "
            f"{withdrawal.due_on:%d/%m/%Y}",
            field="on",
        )
    return withdrawal


def _sequence(number: str) -> tuple[int, int]:
    """« CAP-2027-10000 » after « CAP-2027-9999 »: the year and the counter as numbers."""
    _, year, counter = number.split("-")
    return int(year), int(counter)
