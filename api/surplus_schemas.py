"""Bodies of the surplus simulation. Amounts come in as French text (« 12 345,67 ») or whole
JSON numbers, and go out three ways: exact text (« 12345.67 »), integer cents and the French text a
person reads (« 12 345,67 € »)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import ConfigDict, Field, StrictInt

from api.ledger_schemas import amount_of
from api.schemas import Day, Figure, Strict
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.domain.scic.surplus import parse_rate
from gouvernance.services.scic.surplus_views import SimulationOut

__all__ = ["SimulationIn", "SimulationOut"]


class SimulationIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "fiscal_year": 2026,
                    "surplus": "12 345,67",
                    "reserves_before": "40 000,00",
                    "public_support": "0",
                    "losses_brought_forward": "0",
                    "interest_rate": "0 %",
                    "assembly_date": "2027-06-26",
                }
            ]
        }
    )

    fiscal_year: StrictInt = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="exercice, ex. 2027")
    surplus: Figure = Field(description="excédent net de l'exercice, ex. « 12 345,67 »")
    reserves_before: Figure = Field("0", description="réserves avant affectation")
    public_support: Figure = Field(
        "0",
        description="subventions, encouragements et autres moyens financiers reçus des "
        "collectivités publiques, de leurs groupements et des associations (hors base de "
        "l'intérêt aux parts)",
    )
    losses_brought_forward: Figure = Field(
        "0", description="pertes antérieures non encore apurées (aucun intérêt tant qu'il en reste)"
    )
    interest_rate: str | None = Field(
        None, max_length=30, description="taux d'intérêt aux parts, ex. « 2 % » (défaut : statuts)"
    )
    assembly_date: Day | None = Field(
        None, description="jour de l'assemblée (défaut : 30 juin de l'année suivante)"
    )

    def amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            amount_of(self.surplus, "surplus"),
            amount_of(self.reserves_before, "reserves_before"),
            amount_of(self.public_support, "public_support"),
        )

    def losses(self) -> Decimal:
        return amount_of(self.losses_brought_forward, "losses_brought_forward")

    def rate(self) -> Fraction | None:
        return None if self.interest_rate is None else parse_rate(self.interest_rate)
