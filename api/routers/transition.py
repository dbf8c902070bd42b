"""The transition report: today's members placed into the planned SCIC statutes (board,
treasurer, administrator), as JSON or as a French document (HTML to read, PDF to print)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.routers.treasury import document_response
from api.schemas import Day
from api.security import App, CurrentActor
from gouvernance.services.scic import transition, transition_document
from gouvernance.services.scic.transition_views import TransitionOut

router = APIRouter(tags=["transition"])

StatutesId = Annotated[str, Path(max_length=60, description="identifiant des statuts")]
On = Annotated[Day | None, Query(description="membres à cette date (défaut : aujourd'hui)")]
DocumentFormat = Annotated[
    str, Query(alias="format", max_length=10, description="html (à l'écran) ou pdf (à imprimer)")
]


@router.get(
    "/statutes/{statutes_id}/transition",
    response_model=TransitionOut,
    summary="Ranger les membres actuels selon un projet de statuts (transition)",
)
def get_transition(
    app: App, actor: CurrentActor, statutes_id: StatutesId, on: On = None
) -> TransitionOut:
    return TransitionOut.of(transition.transition_report(app.uows, actor, statutes_id, on))


@router.get(
    "/statutes/{statutes_id}/transition/document",
    response_class=Response,
    summary="Télécharger le rapport de transition pour le conseil (HTML ou PDF)",
    responses={
        200: {"content": {"text/html": {}, "application/pdf": {}}, "description": "le rapport"}
    },
)
def transition_document_file(
    app: App,
    actor: CurrentActor,
    statutes_id: StatutesId,
    on: On = None,
    file_format: DocumentFormat = "pdf",
) -> Response:
    result = transition.transition_report(app.uows, actor, statutes_id, on)
    document = transition_document.document(result, file_format)
    return document_response(document, inline=True)
