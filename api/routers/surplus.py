"""The year-end surplus allocation: simulate it before the assembly (board, treasurer, admin).
A simulation writes nothing, so a retry needs no idempotency key."""

from __future__ import annotations

from fastapi import APIRouter

from api.security import App, CurrentActor
from api.surplus_schemas import SimulationIn, SimulationOut
from gouvernance.services.scic import surplus

router = APIRouter(tags=["excédents"])


@router.post(
    "/surplus/simulations",
    response_model=SimulationOut,
    summary="Simuler l'affectation de l'excédent d'un exercice (rien n'est enregistré)",
)
def simulate(app: App, actor: CurrentActor, body: SimulationIn) -> SimulationOut:
    amount, reserves, support = body.amounts()
    view = surplus.simulate(
        app.uows,
        actor,
        body.fiscal_year,
        amount,
        reserves,
        support,
        body.rate(),
        body.assembly_date,
        body.losses(),
    )
    return SimulationOut.of(view)
