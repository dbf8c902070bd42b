"""Refunds above nominal within the revaluation reserve (loi n° 47-1775, art. 18 al. 2).

Loi n° 2024-537 of 13 June 2024 (in force on 15 June 2024) very probably opened to SCICs the
revaluation reserve of art. 18 al. 2: statutes may then provide that an associate who leaves is
refunded above the nominal value of their shares, within the limits of that reserve. The value
is marked « à vérifier » in ``rules/law/scic.yaml`` (``revaluation_reserve_refunds``) until it is
read again on Légifrance.

Here the limit is the withdrawn shares' share of the reserve — reserve × shares withdrawn / all
shares, rounded down to the cent, so that the refunds never take more than the reserve holds —
and the option is refused when the statutes do not provide it (``surplus.revaluation_refunds``)
or on a day before the law allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_cents
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import SurplusPolicy

LAW_KEY = "revaluation_reserve_refunds"
STATUTES_KEY = "surplus.revaluation_refunds"


@dataclass(frozen=True)
class RevaluationRefund:
    """What is refunded above nominal, its limit and why, with the article."""

    cents: int
    limit_cents: int
    explanation: str
    reference: str


def refund_above_nominal(
    *,
    policy: SurplusPolicy,
    law: LawBook,
    day: date,
    reserve_cents: int,
    shares_withdrawn: int,
    shares_total: int,
    asked_cents: int | None = None,
) -> RevaluationRefund:
    """The part refunded above nominal on ``day`` (``asked_cents``, or the whole limit)."""
    reference = law.reference(LAW_KEY)
    if not policy.revaluation_refunds:
        raise InvalidInput(
            "les statuts ne prévoient pas de remboursement au-delà de la valeur nominale "
            f"(clé « {STATUTES_KEY} ») : les parts sont remboursées au plus à leur nominal",
            field=STATUTES_KEY,
        )
    if not law.count(LAW_KEY, day):
        raise InvalidInput(
            f"un remboursement au-delà du nominal n'est possible pour une SCIC qu'à partir du "
            f"15/06/2024 (réserve de revalorisation, {reference} ; valeur à vérifier), pas le "
            f"{day:%d/%m/%Y}",
            field=STATUTES_KEY,
        )
    if reserve_cents < 0:
        raise InvalidInput(
            "la réserve de revalorisation ne peut pas être négative", field="revaluation_reserve"
        )
    if not 0 < shares_withdrawn <= shares_total:
        raise InvalidInput(
            f"parts retirées impossibles : {shares_withdrawn} sur {shares_total}", field="shares"
        )
    limit = reserve_cents * shares_withdrawn // shares_total
    cents = limit if asked_cents is None else asked_cents
    if not 0 <= cents <= limit:
        raise InvalidInput(
            f"le complément demandé ({format_cents(cents)}) dépasse la limite de la réserve de "
            f"revalorisation ({format_cents(limit)}) — {reference}",
            field="revaluation",
        )
    explanation = (
        f"réserve de revalorisation de {format_cents(reserve_cents)} × {shares_withdrawn} "
        f"part{'s' if shares_withdrawn > 1 else ''} retirée{'s' if shares_withdrawn > 1 else ''}"
        f" / {shares_total} parts = au plus {format_cents(limit)} au-delà du nominal (arrondi "
        f"au centime inférieur) ; remboursé en plus du nominal : {format_cents(cents)} — "
        f"{reference} (à vérifier)"
    )
    return RevaluationRefund(cents, limit, explanation, reference)
