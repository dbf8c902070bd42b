"""General assemblies: convene, attendance sheet, resolutions, ballots, tally, minutes.

Board and admin convene and set the agenda; scrutineers record attendance, paper and postal
ballots, show-of-hands counts, close and sign; a member casts their own and proxied ballots.
POSTs accept an Idempotency-Key.

The scrutineers' screen: ``GET /assemblies/{code}/live`` streams the tally as Server-Sent
Events, with the same Bearer token and permission as ``/tally``. ``GET …/screen`` is a static
page holding no data, so it is served without a token: the scrutineer signs in on the page
itself (``/auth/token``), the token stays in the page's memory and travels in the
Authorization header of a streamed ``fetch`` (EventSource cannot send a header). No token
ever appears in a URL, where logs, history and Referer headers would keep it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, status
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.assembly_schemas import (
    AssemblyIn,
    AssemblyOut,
    AssemblySummaryOut,
    AttendanceIn,
    AttendanceOut,
    BallotIn,
    CountsIn,
    ReceiptOut,
    ResolutionIn,
    ResolutionOut,
    RollLineOut,
    SignatureIn,
    SignatureOut,
    TallyOut,
)
from api.assembly_screen import SCREEN_HEADERS, SCREEN_PAGE
from api.responses import json_of
from api.routers.treasury import document_response
from api.security import App, CurrentActor
from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import NO_COLLEGE
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.users import Actor
from gouvernance.services.assembly import assemblies, minutes
from gouvernance.services.assembly import live as live_tally
from gouvernance.services.assembly.assemblies import TallyView

router = APIRouter(tags=["assemblées"])

Code = Annotated[str, Path(max_length=24, description="code de l'assemblée, ex. AG-2027-01")]
Number = Annotated[int, Path(ge=1, le=10_000, description="numéro de la résolution")]
Member = Annotated[str, Path(max_length=20, description="code de l'associé")]
College = Annotated[str, Path(max_length=40, description="code du collège ; « - » sans collèges")]
IdempotencyKey = Annotated[
    str | None,
    Header(description="rejouer la même requête avec la même clé n'enregistre rien de plus"),
]
DocumentFormat = Annotated[
    str, Query(alias="format", max_length=10, description="pdf (à imprimer) ou html (à l'écran)")
]
POLL_SECONDS = 0.5  # how often the live stream looks for a change (tests shorten it)


def _already(model: type[Any], what: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model, "description": what}}


def _status(created: bool, response: Response) -> None:
    if not created:
        response.status_code = status.HTTP_200_OK


# --- Assemblies -------------------------------------------------------------------------------


@router.post(
    "/assemblies",
    response_model=AssemblyOut,
    status_code=status.HTTP_201_CREATED,
    summary="Convoquer une assemblée générale (conseil, administrateur)",
    responses=_already(AssemblyOut, "déjà convoquée (même clé)"),
)
def create(
    app: App, actor: CurrentActor, body: AssemblyIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> AssemblyOut:  # fmt: skip
    view = assemblies.create_assembly(
        app.uows, actor, title=body.title, held_on=body.held_on, kind=body.kind,
        convocation=body.convocation, cutoff=body.cutoff, statutes_id=body.statutes,
        previous_code=body.previous, idempotency_key=idempotency_key,
    )  # fmt: skip
    _status(view.created, response)
    return AssemblyOut.of(view)


@router.get(
    "/assemblies",
    response_model=list[AssemblySummaryOut],
    summary="Lister les assemblées générales",
)
def list_all(app: App, actor: CurrentActor) -> list[AssemblySummaryOut]:
    return [AssemblySummaryOut.of(s) for s in assemblies.list_assemblies(app.uows, actor)]


@router.get(
    "/assemblies/{code}",
    response_model=AssemblyOut,
    summary="Lire une assemblée : règles, émargements, résolutions",
)
def show(app: App, actor: CurrentActor, code: Code) -> AssemblyOut:
    return AssemblyOut.of(assemblies.assembly_view(app.uows, actor, code))


# --- Attendance -------------------------------------------------------------------------------


@router.get(
    "/assemblies/{code}/roll",
    response_model=list[RollLineOut],
    summary="Lire la feuille d'émargement : droit de vote, présence, pouvoirs",
)
def roll(app: App, actor: CurrentActor, code: Code) -> list[RollLineOut]:
    return [RollLineOut.of(line) for line in assemblies.roll_view(app.uows, actor, code)]


@router.post(
    "/assemblies/{code}/attendance",
    response_model=AttendanceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Émarger : présent, à distance, par correspondance, représenté, pouvoir en blanc",
    responses=_already(AttendanceOut, "émargement déjà enregistré"),
)
def attend(
    app: App, actor: CurrentActor, code: Code, body: AttendanceIn, response: Response
) -> AttendanceOut:
    view = assemblies.record_attendance(
        app.uows, actor, code, body.member, body.mode, holder=body.holder
    )
    _status(view.created, response)
    return AttendanceOut.of(view)


@router.delete(
    "/assemblies/{code}/attendance/{member}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Rayer un émargement saisi par erreur (avant tout vote)",
)
def unattend(app: App, actor: CurrentActor, code: Code, member: Member) -> Response:
    assemblies.cancel_attendance(app.uows, actor, code, member)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Resolutions and ballots ------------------------------------------------------------------


@router.post(
    "/assemblies/{code}/resolutions",
    response_model=ResolutionOut,
    status_code=status.HTTP_201_CREATED,
    summary="Inscrire une résolution à l'ordre du jour",
    responses=_already(ResolutionOut, "déjà inscrite (même clé)"),
)
def resolve(
    app: App, actor: CurrentActor, code: Code, body: ResolutionIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ResolutionOut:  # fmt: skip
    view = assemblies.add_resolution(
        app.uows, actor, code, title=body.title, text=body.text,
        decision_kind=body.decision_kind, proposer=body.proposer, proposed_by=body.proposed_by,
        method=body.method, idempotency_key=idempotency_key,
    )  # fmt: skip
    _status(view.created, response)
    return ResolutionOut.of(view)


@router.post(
    "/assemblies/{code}/resolutions/{number}/ballots",
    response_model=ReceiptOut,
    status_code=status.HTTP_201_CREATED,
    summary="Voter (soi-même, par pouvoir, ou bulletin papier saisi par un scrutateur)",
    responses=_already(ReceiptOut, "déjà enregistré (même clé)"),
)
async def vote(
    app: App, actor: CurrentActor, code: Code, number: Number, body: BallotIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:  # fmt: skip
    # Written with the ballots arriving at the same time: one commit for all (group commit);
    # the request waits on the event loop, not in a thread of the pool, and its receipt is
    # written as JSON once (``api/responses.py``).
    receipt = await app.ballot_writer().cast(
        actor, code, number, body.voter, body.choice, idempotency_key=idempotency_key
    )
    created = status.HTTP_201_CREATED if receipt.created else status.HTTP_200_OK
    return json_of(ReceiptOut.of(receipt), created)


@router.put(
    "/assemblies/{code}/resolutions/{number}/counts/{college}",
    response_model=ResolutionOut,
    summary="Saisir le décompte d'un collège après un vote à main levée",
)
def hands(
    app: App, actor: CurrentActor, code: Code, number: Number, college: College, body: CountsIn
) -> ResolutionOut:
    target = NO_COLLEGE if college == "-" else college
    view = assemblies.enter_counts(app.uows, actor, code, number, target, body.counts())
    return ResolutionOut.of(view)


@router.post(
    "/assemblies/{code}/resolutions/{number}/close",
    response_model=ResolutionOut,
    summary="Clore le vote sur une résolution (un vote secret est alors dépouillé)",
)
def close_vote(app: App, actor: CurrentActor, code: Code, number: Number) -> ResolutionOut:
    return ResolutionOut.of(assemblies.close_vote(app.uows, actor, code, number))


# --- Tally, live screen -----------------------------------------------------------------------


@router.get(
    "/assemblies/{code}/tally",
    response_model=TallyOut,
    summary="Dépouiller : quorum, résultats par collège et pondérés, expliqués",
)
def get_tally(app: App, actor: CurrentActor, code: Code) -> TallyOut:
    return TallyOut.of(assemblies.tally(app.uows, actor, code))


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def _stream(
    application: Application, actor: Actor, code: str, first: TallyView, limit: int | None
) -> AsyncIterator[bytes]:
    """The tally now, then at each change of the marker (``live.follow``, shared with the web
    screen); ends once the assembly is closed."""
    tallies = live_tally.follow(
        application.uows, actor, code, first=first, limit=limit, poll_seconds=POLL_SECONDS
    )
    try:
        async for view in tallies:
            yield _event("tally", TallyOut.of(view).model_dump_json(by_alias=True))
    except GouvernanceError as error:
        yield _event("erreur", error.message)


@router.get(
    "/assemblies/{code}/live",
    response_class=StreamingResponse,
    summary="Suivre le dépouillement en direct (Server-Sent Events)",
    responses={200: {"content": {"text/event-stream": {}}, "description": "« event: tally »"}},
)
async def live(
    app: App,
    actor: CurrentActor,
    code: Code,
    max_events: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="s'arrêter après ce nombre d'envois")
    ] = None,
) -> StreamingResponse:
    first = await run_in_threadpool(assemblies.tally, app.uows, actor, code)
    return StreamingResponse(
        _stream(app, actor, code, first, max_events),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/assemblies/{code}/screen",
    response_class=HTMLResponse,
    summary="Afficher l'écran des scrutateurs (page HTML, connexion sur la page)",
    description="Page statique à projeter : le scrutateur s'y connecte, puis elle suit le "
    "dépouillement en direct. Elle ne contient aucune donnée de l'assemblée.",
)
def screen(code: Code) -> HTMLResponse:
    """A static page: the assembly's code is read from its address by the page's script."""
    return HTMLResponse(SCREEN_PAGE, headers=SCREEN_HEADERS)


# --- Closing, signatures, minutes -------------------------------------------------------------


@router.post(
    "/assemblies/{code}/close",
    response_model=TallyOut,
    summary="Clore l'assemblée : résultats définitifs, plus rien ne change",
)
def close(app: App, actor: CurrentActor, code: Code) -> TallyOut:
    return TallyOut.of(assemblies.close_assembly(app.uows, actor, code))


@router.post(
    "/assemblies/{code}/signatures",
    response_model=SignatureOut,
    status_code=status.HTTP_201_CREATED,
    summary="Signer le procès-verbal (assemblée close)",
)
def sign(app: App, actor: CurrentActor, code: Code, body: SignatureIn) -> SignatureOut:
    return SignatureOut.of(assemblies.sign_minutes(app.uows, actor, code, body.role, body.name))


@router.get(
    "/assemblies/{code}/minutes",
    response_class=Response,
    summary="Télécharger le procès-verbal de l'assemblée (PDF ou HTML)",
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "le PV"}},
)
def get_minutes(
    app: App, actor: CurrentActor, code: Code, file_format: DocumentFormat = "pdf"
) -> Response:
    document = minutes.minutes(app.uows, actor, code, file_format)
    return document_response(document, inline=True)
