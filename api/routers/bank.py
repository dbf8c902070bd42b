"""Bank statements: import a CAMT.053 or CSV file (treasurer), read the lines and the waiting
list (treasurer, board), confirm or dismiss a waiting line (treasurer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile, status

from api.bank_schemas import ConfirmIn, DismissIn, ImportOut, LineOut, StatementOut
from api.security import App, CurrentActor
from gouvernance.domain.errors import InvalidInput
from gouvernance.services.bank import statements

router = APIRouter(tags=["trésorerie"])

LineId = Annotated[int, Path(ge=1, le=2**31 - 1, description="numéro de la ligne")]


@router.post(
    "/bank/statements",
    response_model=ImportOut,
    status_code=status.HTTP_201_CREATED,
    summary="Importer un relevé bancaire (CAMT.053 ou CSV) et rapprocher ses crédits",
    responses={200: {"model": ImportOut, "description": "rien de nouveau : relevé déjà importé"}},
)
def import_statement(
    app: App,
    actor: CurrentActor,
    response: Response,
    file: Annotated[UploadFile, File(description="relevé CAMT.053 (.xml) ou export CSV (.csv)")],
    profile: Annotated[
        str | None,
        Form(max_length=80, description="profil des colonnes d'un CSV (défaut : csv-standard)"),
    ] = None,
) -> ImportOut:
    """Chaque crédit est rapproché d'un membre et de ses appels (référence d'appel, puis IBAN,
    puis nom) ; un rapprochement certain est enregistré comme paiement, un rapprochement
    incertain attend une confirmation, un crédit sans correspondance attend dans la liste. Un
    rejet de prélèvement est enregistré comme tel. Un fichier illisible n'enregistre rien
    (422, élément ou ligne nommés). Le même relevé importé deux fois n'enregistre rien de plus
    (200, `created: false`)."""
    data = file.file.read(statements.MAX_BYTES + 1)
    if len(data) > statements.MAX_BYTES:
        raise InvalidInput(
            f"fichier trop gros : au plus {statements.MAX_BYTES // 1_000_000} Mo", field="file"
        )
    report = statements.import_statement(
        app.uows, actor, data, file.filename or "releve", profile or None
    )
    if not report.created:
        response.status_code = status.HTTP_200_OK
    return ImportOut.of(report)


@router.get(
    "/bank/statements",
    response_model=list[StatementOut],
    summary="Lister les relevés bancaires importés, le plus récent d'abord",
)
def list_statements(
    app: App,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=statements.MAX_LIST, description="nombre au plus")] = 100,
) -> list[StatementOut]:
    return [StatementOut.of(s) for s in statements.statements(app.uows, actor, limit)]


@router.get(
    "/bank/lines",
    response_model=list[LineOut],
    summary="Lister les lignes des relevés, ou seulement celles en attente",
)
def list_lines(
    app: App,
    actor: CurrentActor,
    pending: Annotated[
        bool, Query(description="vrai : seulement les lignes à confirmer ou sans correspondance")
    ] = False,
    statement: Annotated[
        str | None, Query(max_length=24, description="seulement ce relevé, ex. RLV-2026-0001")
    ] = None,
) -> list[LineOut]:
    found = statements.lines(app.uows, actor, pending=pending, statement=statement)
    return [LineOut.of(line) for line in found]


@router.get("/bank/lines/{line_id}", response_model=LineOut, summary="Lire une ligne de relevé")
def get_line(app: App, actor: CurrentActor, line_id: LineId) -> LineOut:
    return LineOut.of(statements.line(app.uows, actor, line_id))


@router.post(
    "/bank/lines/{line_id}/confirm",
    response_model=LineOut,
    summary="Imputer une ligne en attente sur un membre et ses appels",
)
def confirm_line(app: App, actor: CurrentActor, line_id: LineId, body: ConfirmIn) -> LineOut:
    """Un crédit devient un paiement du membre (sur les appels nommés, sinon les plus anciens
    d'abord) ; un rejet annule le prélèvement du membre qu'il concerne. 409 si la ligne
    n'attend plus rien."""
    view = statements.confirm_match(app.uows, actor, line_id, body.member, body.calls)
    return LineOut.of(view)


@router.post(
    "/bank/lines/{line_id}/dismiss",
    response_model=LineOut,
    summary="Retirer une ligne de la liste d'attente, avec son motif",
)
def dismiss_line(app: App, actor: CurrentActor, line_id: LineId, body: DismissIn) -> LineOut:
    return LineOut.of(statements.dismiss_line(app.uows, actor, line_id, body.reason))
