"""The year-end surplus allocation of a SCIC (affectation des excédents), exact to the cent.

The assembly allocates the net surplus in a fixed order: the legal reserve (loi n° 47-1775,
art. 16), the statutory reserve (art. 19 nonies), interest on paid-up shares (art. 14, capped by
the TMO, never paid out of the subsidies, encouragements and other financial means received from
public bodies, their groupements and associations — art. 19 nonies — and refused while losses
brought forward are not absorbed), and what is left goes to the impartible reserves; a SCIC pays
no ristourne. Legal minimums are rounded *up* to the cent, so that rounding
never takes them below the law; interest is rounded *down*, so that it never exceeds its cap.
Every line carries its explanation, with the figures, the rounding and the article.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from babel.numbers import format_decimal

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.money import (
    LOCALE,
    ZERO,
    allocate,
    format_amount,
    from_cents,
    round_cents_up,
)
from gouvernance.domain.rule_documents import parse_share
from gouvernance.domain.scic.law import InterestCap, LawBook, format_share
from gouvernance.domain.scic.statutes import SurplusPolicy

LEGAL_RESERVE = "legal_reserve"
STATUTORY_RESERVE = "statutory_reserve"
INTEREST = "interest"
ADDITIONAL_RESERVES = "additional_reserves"

LABELS = {
    LEGAL_RESERVE: "Réserve légale",
    STATUTORY_RESERVE: "Réserve statutaire",
    INTEREST: "Intérêts aux parts sociales",
    ADDITIONAL_RESERVES: "Affectation complémentaire aux réserves impartageables",
}


class StatutesRate(Enum):
    """The interest rate was not asked: take the statutes' ``surplus.interest_rate``."""

    DEFAULT = "statutes"


STATUTES_RATE = StatutesRate.DEFAULT


@dataclass(frozen=True)
class AllocationLine:
    code: str
    label: str
    amount: Decimal
    explanation: str
    reference: str


@dataclass(frozen=True)
class InterestPart:
    """One associate's interest, in proportion to their paid-up capital."""

    member_code: str
    paid_up: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SurplusAllocation:
    fiscal_year: int
    assembly_day: date
    surplus: Decimal
    reserves_before: Decimal
    subscribed_capital: Decimal
    paid_up_total: Decimal
    public_support: Decimal
    losses_brought_forward: Decimal
    interest_rate: Fraction | None
    cap: InterestCap | None
    lines: tuple[AllocationLine, ...]
    interests: tuple[InterestPart, ...]

    def line(self, code: str) -> AllocationLine:
        return next(line for line in self.lines if line.code == code)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def interest_total(self) -> Decimal:
        return self.line(INTEREST).amount

    @property
    def impartible_reserves(self) -> Decimal:
        """What this allocation puts in the reserves (legal, statutory, complementary)."""
        return self.total - self.interest_total

    @property
    def reserves_after(self) -> Decimal:
        return self.reserves_before + self.impartible_reserves


def allocate_surplus(
    *,
    fiscal_year: int,
    surplus: Decimal,
    reserves_before: Decimal,
    subscribed_capital: Decimal,
    paid_up: Mapping[str, Decimal],
    public_support: Decimal,
    policy: SurplusPolicy,
    law: LawBook,
    assembly_day: date,
    interest_rate: Fraction | StatutesRate | None = STATUTES_RATE,
    losses_brought_forward: Decimal = ZERO,
) -> SurplusAllocation:
    """The allocation of ``surplus`` as the law and the statutes require; refused with a French
    message when there is nothing to allocate, a figure is wrong, the rate exceeds the cap, the
    statutes provide a ristourne, or interest is asked while losses brought forward (``report à
    nouveau débiteur`` not yet absorbed) remain.

    ``public_support``: the subsidies, encouragements and other financial means the SCIC received
    from public bodies, their groupements and associations (art. 19 nonies) — never a base for
    interest."""
    _check_amounts(surplus, reserves_before, subscribed_capital, public_support, paid_up)
    if losses_brought_forward != losses_brought_forward.quantize(Decimal("0.01")):
        raise InvalidInput(
            f"{losses_brought_forward} n'est pas un montant exact au centime",
            field="losses_brought_forward",
        )
    if losses_brought_forward < 0:
        raise InvalidInput(
            "les pertes antérieures s'écrivent en positif (montant restant à apurer), "
            f"pas {format_amount(losses_brought_forward)}",
            field="losses_brought_forward",
        )
    _check_policy(policy, law, assembly_day)
    rate = policy.interest_rate if isinstance(interest_rate, StatutesRate) else interest_rate
    _check_losses(rate, losses_brought_forward, law, assembly_day)
    cap = _cap(rate, law, assembly_day)
    legal = _legal_reserve(surplus, reserves_before, subscribed_capital, policy, law, assembly_day)
    statutory = _statutory_reserve(surplus, legal.amount, policy, law, assembly_day)
    paid_up_total = sum(paid_up.values(), ZERO)
    pool = _pool(surplus, legal.amount, statutory.amount, public_support)
    interest = _interest(rate, cap, paid_up_total, pool)
    rest = surplus - legal.amount - statutory.amount - interest.amount
    lines = (legal, statutory, interest, _rest(surplus, rest, law))
    assert sum((line.amount for line in lines), ZERO) == surplus, lines
    assert all(line.amount >= 0 for line in lines), lines
    return SurplusAllocation(
        fiscal_year=fiscal_year,
        assembly_day=assembly_day,
        surplus=surplus,
        reserves_before=reserves_before,
        subscribed_capital=subscribed_capital,
        paid_up_total=paid_up_total,
        public_support=public_support,
        losses_brought_forward=losses_brought_forward,
        interest_rate=rate,
        cap=cap,
        lines=lines,
        interests=_split(interest.amount, paid_up),
    )


# --- checks ---------------------------------------------------------------------------------


def _check_amounts(
    surplus: Decimal,
    reserves: Decimal,
    capital: Decimal,
    subsidies: Decimal,
    paid_up: Mapping[str, Decimal],
) -> None:
    figures = {
        "surplus": surplus,
        "reserves_before": reserves,
        "subscribed_capital": capital,
        "public_support": subsidies,
    }
    figures.update({f"paid_up.{code}": amount for code, amount in paid_up.items()})
    for field, amount in figures.items():
        if amount != amount.quantize(Decimal("0.01")):
            raise InvalidInput(f"{amount} n'est pas un montant exact au centime", field=field)
    if surplus <= 0:
        result = "une perte" if surplus < 0 else "un résultat nul"
        raise InvalidInput(
            f"pas d'excédent à affecter : l'exercice présente {result} ({format_amount(surplus)})",
            field="surplus",
        )
    for field, amount in figures.items():
        if amount < 0:
            raise InvalidInput(
                f"un montant négatif est refusé ({format_amount(amount)})", field=field
            )


def _check_policy(policy: SurplusPolicy, law: LawBook, day: date) -> None:
    allowed = law.share("ristourne_max", day)
    if policy.ristourne > allowed:
        raise InvalidInput(
            f"les statuts prévoient une ristourne de {format_share(policy.ristourne)} des "
            f"excédents : une SCIC ne peut pas verser de ristourne "
            f"({law.reference('ristourne_max')})",
            field="surplus.ristourne",
        )
    for name, share in (
        ("legal_reserve", policy.legal_reserve),
        ("statutory_reserve", policy.statutory_reserve),
    ):
        if not 0 <= share <= 1:
            raise InvalidInput(
                f"taux de dotation impossible ({format_share(share)}) : entre 0 et 100 %",
                field=f"surplus.{name}",
            )


def _check_losses(rate: Fraction | None, losses: Decimal, law: LawBook, day: date) -> None:
    """No interest on shares while losses brought forward are not absorbed."""
    if not rate or losses == 0 or not law.count("interest_after_losses_absorbed", day):
        return
    raise InvalidInput(
        f"intérêt aux parts refusé : des pertes antérieures de {format_amount(losses)} ne sont "
        f"pas encore apurées ; aucun intérêt ne peut être servi avant qu'elles soient absorbées "
        f"(simulez avec un taux de 0\u00a0%) — {law.reference('interest_after_losses_absorbed')}",
        field="losses_brought_forward",
    )


def _cap(rate: Fraction | None, law: LawBook, day: date) -> InterestCap | None:
    """The cap of the assembly's year; required when interest is asked, shown when it can be."""
    if rate is not None and rate < 0:
        raise InvalidInput("un taux d'intérêt négatif est refusé", field="interest_rate")
    if not rate:
        try:
            return law.interest_cap(day.year)
        except InvalidInput:
            return None  # no interest asked: an unknown TMO does not stop the allocation
    try:
        cap = law.interest_cap(day.year)
    except InvalidInput as error:
        raise InvalidInput(
            f"{error.message} ; simulez sans intérêt (taux 0 %) ou complétez le TMO",
            field="interest_rate",
        ) from None
    if rate > cap.rate:
        raise InvalidInput(
            f"le taux d'intérêt demandé ({format_share(rate)}) dépasse le plafond légal de "
            f"{format_share(cap.rate)}. {cap.explain()}",
            field="interest_rate",
        )
    return cap


# --- the lines ------------------------------------------------------------------------------


def _legal_reserve(
    surplus: Decimal,
    reserves: Decimal,
    capital: Decimal,
    policy: SurplusPolicy,
    law: LawBook,
    day: date,
) -> AllocationLine:
    reference = law.reference("legal_reserve_rate")
    if reserves >= capital:
        explanation = (
            f"Les réserves ({format_amount(reserves)}) atteignent déjà le capital souscrit "
            f"({format_amount(capital)}) : pas de dotation obligatoire à la réserve légale"
        )
        return _line(LEGAL_RESERVE, ZERO, explanation, reference)
    minimum = law.share("legal_reserve_rate", day)
    rate = max(policy.legal_reserve, minimum)
    amount, computed = _rounded_up(rate, surplus, f"de l'excédent de {format_amount(surplus)}")
    explanation = (
        f"Réserves ({format_amount(reserves)}) inférieures au capital souscrit "
        f"({format_amount(capital)}) : {computed} ({_whose(policy.legal_reserve, minimum)})"
    )
    return _line(LEGAL_RESERVE, amount, explanation, reference)


def _statutory_reserve(
    surplus: Decimal, legal: Decimal, policy: SurplusPolicy, law: LawBook, day: date
) -> AllocationLine:
    minimum = law.share("statutory_reserve_min", day)
    rate = max(policy.statutory_reserve, minimum)
    base = surplus - legal
    what = (
        f"de l'excédent restant après la réserve légale ({format_amount(surplus)} − "
        f"{format_amount(legal)} = {format_amount(base)})"
    )
    amount, computed = _rounded_up(rate, base, what)
    explanation = f"{computed} ({_whose(policy.statutory_reserve, minimum)})"
    return _line(STATUTORY_RESERVE, amount, explanation, law.reference("statutory_reserve_min"))


def _pool(
    surplus: Decimal, legal: Decimal, statutory: Decimal, subsidies: Decimal
) -> tuple[Decimal, str]:
    """What interest may take: the surplus after the reserves, without the subsidies,
    encouragements and other financial means of public bodies, their groupements and associations
    (art. 19 nonies)."""
    pool = max(ZERO, surplus - legal - statutory - subsidies)
    text = (
        f"limité à ce que l'excédent laisse après les réserves, hors subventions, encouragements "
        f"et autres moyens financiers des collectivités publiques, de leurs groupements et des "
        f"associations ({format_amount(surplus)} − {format_amount(legal)} − "
        f"{format_amount(statutory)} − {format_amount(subsidies)} d'aides publiques et "
        f"associatives, au moins 0,00\u00a0€) : {format_amount(pool)}"
    )
    return pool, text


def _interest(
    rate: Fraction | None,
    cap: InterestCap | None,
    paid_up_total: Decimal,
    pool: tuple[Decimal, str],
) -> AllocationLine:
    reference = cap.reference if cap is not None else "loi n° 47-1775, art. 14"
    if not rate:
        return _line(INTEREST, ZERO, "Aucun intérêt servi aux parts sociales", reference)
    assert cap is not None
    exact = rate * Fraction(paid_up_total)
    amount = from_cents((exact * 100).__floor__())
    explanation = (
        f"{format_share(rate)} du capital libéré de {format_amount(paid_up_total)} = "
        f"{_exact(exact)}{_down(exact, amount)} (plafond légal : {format_share(cap.rate)} pour "
        f"une assemblée tenue en {cap.assembly_year})"
    )
    limit, why = pool
    if amount > limit:
        explanation += f", {why}"
        amount = limit
    return _line(INTEREST, amount, explanation, reference)


def _rest(surplus: Decimal, rest: Decimal, law: LawBook) -> AllocationLine:
    explanation = (
        f"Le solde de l'excédent de {format_amount(surplus)}, après les réserves et les "
        f"intérêts : {format_amount(rest)}, impartageable comme toutes les réserves d'une SCIC"
    )
    return _line(ADDITIONAL_RESERVES, rest, explanation, law.reference("statutory_reserve_min"))


def _split(interest: Decimal, paid_up: Mapping[str, Decimal]) -> tuple[InterestPart, ...]:
    """Largest remainder over the associates in code order, so the parts sum to the line."""
    holders = sorted((code, amount) for code, amount in paid_up.items() if amount > 0)
    if not holders or interest == 0:
        return tuple(InterestPart(code, amount, ZERO) for code, amount in holders)
    parts = allocate(interest, [amount for _, amount in holders])
    return tuple(
        InterestPart(code, amount, part)
        for (code, amount), part in zip(holders, parts, strict=True)
    )


# --- wording --------------------------------------------------------------------------------


def _line(code: str, amount: Decimal, explanation: str, reference: str) -> AllocationLine:
    return AllocationLine(code, LABELS[code], amount, f"{explanation} — {reference}", reference)


def _rounded_up(rate: Fraction, base: Decimal, what: str) -> tuple[Decimal, str]:
    exact = rate * Fraction(base)
    amount = round_cents_up(exact)
    text = f"{format_share(rate)} {what} = {_exact(exact)}"
    if Fraction(amount) != exact:
        text += f", arrondi au centime supérieur : {format_amount(amount)}"
    return amount, text


def _down(exact: Fraction, amount: Decimal) -> str:
    if Fraction(amount) == exact:
        return ""
    return f", arrondi au centime inférieur : {format_amount(amount)}"


def _whose(statutes: Fraction, minimum: Fraction) -> str:
    if statutes > minimum:
        return f"taux des statuts, au-dessus du minimum légal de {format_share(minimum)}"
    return "minimum légal"


def _exact(value: Fraction) -> str:
    """An exact euro figure, with as many decimals as it needs (« 1 500,0045 € »); one that
    never ends is shown to 6 decimals after « ≈ »."""
    for places in range(2, 7):
        if (value * 10**places).denominator == 1:
            number = Decimal(value.numerator) / Decimal(value.denominator)
            pattern = "#,##0." + "0" * places
            return f"{format_decimal(number, format=pattern, locale=LOCALE)}\u00a0€"
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("1e-6"))
    return f"≈ {format_decimal(shown, format='#,##0.000000', locale=LOCALE)}\u00a0€"


def parse_rate(text: str, field: str = "interest_rate") -> Fraction:
    """An interest rate as typed (« 2 % », « 4,80 % », « 1/50 »), exact."""
    if len(text) > 30:
        raise InvalidInput("taux trop long", field=field)
    try:
        return parse_share(text.strip(), field, "saisie")
    except RuleError as error:
        raise InvalidInput(error.reason, field=field) from None
