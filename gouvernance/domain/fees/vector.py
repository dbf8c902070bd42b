"""Evaluating schedules over a whole member base at once (the board's simulations).

Contract: ``evaluate(schedule, table).cents[i] == assess(schedule, table.payers[i]).cents`` for
every payer, always — the interpreter in ``engine.py`` is the reference, this is the fast path.
Build the ``PayerTable`` once and reuse it for every schedule compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.schedule import FeeSchedule


@dataclass(frozen=True)
class PayerTable:
    """The payers in a fixed order, prepared once for many schedules."""

    payers: tuple[Payer, ...]

    @classmethod
    def build(cls, payers: Sequence[Payer]) -> PayerTable:
        return cls(payers=tuple(payers))

    def __len__(self) -> int:
        return len(self.payers)


@dataclass(frozen=True)
class Evaluation:
    """Per payer, in table order: the fee in cents (``None`` when figures are missing) and
    whether the payer is a member during the schedule's period at all."""

    cents: list[int | None]
    liable: list[bool]


def evaluate(schedule: FeeSchedule, table: PayerTable) -> Evaluation:
    results = [assess(schedule, payer) for payer in table.payers]
    return Evaluation(cents=[r.cents for r in results], liable=[r.liable for r in results])
