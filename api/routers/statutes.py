"""Statutes, legal parameters and compliance: read by any signed-in person (statutes are public
to the associates, the law to everyone). A bad rule file is a 422 naming the file and the key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.schemas import Day
from api.security import CurrentActor
from api.statutes_schemas import (
    ComplianceOut,
    InterestCapOut,
    LawValueOut,
    StatutesDetailOut,
    StatutesOut,
    TmoOut,
)
from gouvernance.services.scic import statutes

router = APIRouter(tags=["statuts"])

StatutesId = Annotated[str, Path(max_length=80, description="identifiant des statuts")]
Employees = Annotated[
    bool | None,
    Query(
        description="l'organisation a-t-elle des salariés ? Sans réponse, des statuts où les "
        "producteurs tiennent lieu de salariés reçoivent un avertissement (19 septies)"
    ),
]
OnDay = Annotated[
    Day | None, Query(description="jour de référence (AAAA-MM-JJ) ; défaut : aujourd'hui")
]


@router.get("/statutes", response_model=list[StatutesOut], summary="Lister les statuts")
def list_statutes(_: CurrentActor) -> list[StatutesOut]:
    return [StatutesOut.of(s) for s in statutes.list_statutes()]


@router.get("/statutes/{statutes_id}", response_model=StatutesDetailOut, summary="Lire des statuts")
def show_statutes(_: CurrentActor, statutes_id: StatutesId, on: OnDay = None) -> StatutesDetailOut:
    return StatutesDetailOut.of_view(statutes.show(statutes_id, on))


@router.get(
    "/statutes/{statutes_id}/compliance",
    response_model=ComplianceOut,
    summary="Contrôler la conformité des statuts à la loi",
)
def check_statutes(
    _: CurrentActor, statutes_id: StatutesId, on: OnDay = None, employees: Employees = None
) -> ComplianceOut:
    return ComplianceOut.of(statutes.check(statutes_id, on, employees=employees))


@router.get(
    "/law/parameters",
    response_model=list[LawValueOut],
    summary="Lire les paramètres légaux en vigueur un jour donné",
)
def law_parameters(_: CurrentActor, on: OnDay = None) -> list[LawValueOut]:
    return [LawValueOut.of(v) for v in statutes.law_parameters(on)]


@router.get("/law/tmo", response_model=TmoOut, summary="Lire la table du TMO, par semestre")
def tmo(_: CurrentActor) -> TmoOut:
    return TmoOut.of(statutes.tmo_table())


@router.get(
    "/law/interest-cap/{year}",
    response_model=InterestCapOut,
    summary="Calculer le plafond de l'intérêt aux parts d'une année d'assemblée",
)
def interest_cap(_: CurrentActor, year: Annotated[int, Path(ge=1900, le=2200)]) -> InterestCapOut:
    return InterestCapOut.of(statutes.interest_cap(year))
