"""Fee schedules: list them, compare them on the registry (board, treasurer, administrator),
download the comparison, and explain a member's fee step by step (a member: their own only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.fee_schemas import (
    MAX_SCENARIOS,
    ComparisonOut,
    ExplanationOut,
    ExplanationsOut,
    ScheduleDetailOut,
    ScheduleOut,
    SimulationIn,
)
from api.responses import json_of
from api.security import App, CurrentActor
from gouvernance.bootstrap import short_read, short_read_unless
from gouvernance.services.contributions import fees

router = APIRouter(prefix="/fees", tags=["cotisations"])

ScheduleIds = Annotated[
    list[str] | None,
    Query(
        max_length=MAX_SCENARIOS,
        description="identifiants des barèmes (répéter le paramètre) ; absent : ceux par défaut",
    ),
]
_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/schedules", response_model=list[ScheduleOut], summary="Lister les barèmes")
@short_read
def list_schedules(_: CurrentActor) -> list[ScheduleOut]:
    schedules = fees.list_schedules()
    defaults = set(fees.default_ids(schedules))
    return [ScheduleOut.of(s, s.id in defaults) for s in schedules]


@router.get("/schedules/{schedule_id}", response_model=ScheduleDetailOut, summary="Lire un barème")
@short_read
def get_schedule(
    _: CurrentActor, schedule_id: Annotated[str, Path(max_length=80)]
) -> ScheduleDetailOut:
    schedule, text = fees.schedule_text(schedule_id)
    default = schedule.id in fees.default_ids(fees.list_schedules())
    summary = ScheduleOut.of(schedule, default)
    return ScheduleDetailOut(
        **summary.model_dump(),
        period_start=schedule.period_start,
        period_end=schedule.period_end,
        prorata=schedule.prorata.value,
        rounding=schedule.rounding,
        notes=list(schedule.notes),
        document=text,
    )


@router.post("/simulations", response_model=ComparisonOut, summary="Comparer des barèmes")
def simulate(app: App, actor: CurrentActor, body: SimulationIn) -> ComparisonOut:
    comparison = fees.simulate(app.uows, actor, body.schedules, body.reference)
    return ComparisonOut.of(comparison)


@router.get(
    "/simulations/export",
    response_class=Response,
    summary="Télécharger une comparaison (CSV ou XLSX)",
    responses={200: {"content": {media: {} for media in _MEDIA_TYPES.values()}}},
)
def export_simulation(
    app: App,
    actor: CurrentActor,
    schedules: ScheduleIds = None,
    reference: Annotated[str | None, Query(max_length=80)] = None,
    file_format: Annotated[str, Query(alias="format", max_length=10)] = "csv",
) -> Response:
    suffix = fees.export_format(file_format)
    comparison = fees.simulate(app.uows, actor, schedules or [], reference)
    data = fees.export_comparison(comparison, suffix)
    return Response(
        content=data,
        media_type=_MEDIA_TYPES[suffix],
        headers={"Content-Disposition": f'attachment; filename="comparaison-cotisations.{suffix}"'},
    )


@router.get(
    "/explanations/{member_code}",
    response_model=ExplanationsOut,
    summary="Expliquer le calcul d'une cotisation, étape par étape",
)
@short_read_unless(lambda schedules=None, **_: fees.reads_every_member(schedules or []))
def explain(
    app: App,
    actor: CurrentActor,
    member_code: Annotated[str, Path(max_length=20)],
    schedules: ScheduleIds = None,
) -> Response:
    found = fees.explained(app.uows, actor, member_code, schedules or [])
    first = found[0][1]
    return json_of(
        ExplanationsOut(
            member_code=first.member_code,
            member_name=first.member_name,
            explanations=[ExplanationOut.of(a, schedule.label) for schedule, a in found],
        )
    )
