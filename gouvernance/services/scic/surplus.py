"""Simulate the year-end surplus allocation from the capital register and the chosen statutes.

A simulation writes nothing: the board and the treasurer try figures before the assembly
decides. The capital comes from the register at 31 December of the fiscal year (subscribed
capital for the legal reserve, each associate's paid-up capital for the interest), the policy
from the organisation's statutes, the thresholds and the TMO from ``rules/law/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from gouvernance.domain.errors import Forbidden, InvalidInput
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.domain.scic.surplus import (
    STATUTES_RATE,
    AllocationLine,
    SurplusAllocation,
    allocate_surplus,
)
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.ports import UnitOfWorkFactory
from gouvernance.services.scic import capital, scic_rules

__all__ = ["InterestView", "SurplusView", "simulate"]


@dataclass(frozen=True)
class InterestView:
    member_code: str
    member_name: str
    paid_up: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SurplusView:
    """A simulated allocation, with what it was computed from."""

    statutes_id: str
    statutes_label: str
    allocation: SurplusAllocation
    interests: tuple[InterestView, ...]

    @property
    def lines(self) -> tuple[AllocationLine, ...]:
        return self.allocation.lines

    @property
    def rate_text(self) -> str:
        rate = self.allocation.interest_rate
        return format_share(rate) if rate else "aucun intérêt"

    @property
    def cap_explanation(self) -> str | None:
        cap = self.allocation.cap
        return cap.explain() if cap is not None else None


def simulate(
    uows: UnitOfWorkFactory,
    actor: Actor,
    fiscal_year: int,
    surplus: Decimal,
    reserves_before: Decimal,
    public_support: Decimal,
    interest_rate: Fraction | None = None,
    assembly_day: date | None = None,
    losses_brought_forward: Decimal = Decimal("0.00"),
) -> SurplusView:
    """The allocation of ``fiscal_year``'s surplus on the register at 31 December.

    ``interest_rate`` ``None``: the statutes' rate; ``Fraction(0)``: no interest. The assembly
    is held on 30 June of the next year unless ``assembly_day`` says otherwise. ``public_support``:
    the subsidies, encouragements and other financial means of public bodies, their groupements
    and associations (art. 19 nonies); ``losses_brought_forward``: losses not yet absorbed, which
    forbid any interest."""
    _require(actor)
    year_end = _year_end(fiscal_year)
    with uows() as uow:
        statutes = capital.current_statutes(uow)
    paid_up = capital.paid_up_by_associate(uows, year_end)
    totals = capital.capital_totals(uows, year_end)
    with uows() as uow:  # one query for every associate's name, not one each
        known = {a.code: a.name for a in uow.capital.associates(year_end, holding_only=False)}
    names = {code: known.get(code, "") for code in paid_up}
    return _simulate(
        statutes, fiscal_year, surplus, reserves_before, public_support, totals.subscribed,
        paid_up, names, interest_rate, assembly_day, losses_brought_forward,
    )  # fmt: skip


def _simulate(
    statutes: Statutes,
    fiscal_year: int,
    surplus: Decimal,
    reserves_before: Decimal,
    public_support: Decimal,
    subscribed_capital: Decimal,
    paid_up: Mapping[str, Decimal],
    names: Mapping[str, str],
    interest_rate: Fraction | None,
    assembly_day: date | None,
    losses_brought_forward: Decimal = Decimal("0.00"),
) -> SurplusView:
    day = assembly_day or date(fiscal_year + 1, 6, 30)
    if day <= date(fiscal_year, 12, 31):
        raise InvalidInput(
            f"l'assemblée qui affecte l'excédent de {fiscal_year} se tient après la clôture "
            f"de l'exercice (le 31/12/{fiscal_year}), pas le {day:%d/%m/%Y}",
            field="assembly_date",
        )
    allocation = allocate_surplus(
        fiscal_year=fiscal_year,
        surplus=surplus,
        reserves_before=reserves_before,
        subscribed_capital=subscribed_capital,
        paid_up=paid_up,
        public_support=public_support,
        losses_brought_forward=losses_brought_forward,
        policy=statutes.surplus,
        law=scic_rules.load_law(),
        assembly_day=day,
        interest_rate=STATUTES_RATE if interest_rate is None else interest_rate,
    )
    interests = tuple(
        InterestView(p.member_code, names.get(p.member_code, ""), p.paid_up, p.amount)
        for p in allocation.interests
    )
    return SurplusView(statutes.id, statutes.label, allocation, interests)


def _require(actor: Actor) -> None:
    if not actor.can(Permission.READ_LEDGER):
        raise Forbidden(
            f"le rôle {actor.role.label} ne permet pas de simuler l'affectation des excédents "
            "(conseil d'administration, trésorier ou administrateur)"
        )


def _year_end(fiscal_year: int) -> date:
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise InvalidInput(
            f"exercice {fiscal_year} hors de la plage {FIRST_YEAR}–{LAST_YEAR}",
            field="fiscal_year",
        )
    return date(fiscal_year, 12, 31)
