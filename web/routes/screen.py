"""The scrutineers' live screen in the web shell: the tally drawn by the server, then redrawn
by ``static/ecran.js`` from a Server-Sent Events feed at each attendance, ballot or count.

The session cookie is the only credential (EventSource sends it, same origin): no token in a
URL. The feed is the API's (``/assemblies/{code}/live``), through the same service,
``live.follow``: the tally now, then at each change of its marker, ending on the final tally.
Who may watch is who may read the tally (board, scrutineers, administrator while open;
everyone once closed).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from gouvernance.bootstrap import short_read
from gouvernance.domain.assembly.model import Method
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.moments import local
from gouvernance.domain.users import Actor
from gouvernance.services.assembly import assemblies, live
from gouvernance.services.assembly.assemblies import TallyView
from web.rendering import render
from web.session import App, CurrentActor

router = APIRouter(include_in_schema=False)
POLL_SECONDS = live.POLL_SECONDS  # tests shorten it


@router.get("/assemblees/{code}/direct")
@short_read
def screen(request: Request, app: App, actor: CurrentActor, code: str) -> Response:
    """The tally drawn now from the same data the feed sends, so the page reads without
    JavaScript too; the script then follows the feed."""
    view = assemblies.tally(app.uows, actor, code)
    agenda = assemblies.assembly_view(app.uows, actor, code)
    secret = [r.number for r in agenda.resolutions if r.method is Method.SECRET]
    now = local(datetime.now(UTC), view.time_zone)
    return render(
        request, "ecran.html", donnees=live.tally_data(view), secretes=secret,
        heure=f"{now:%H:%M:%S}", flux=f"/assemblees/{view.summary.code}/direct/flux",
    )  # fmt: skip


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def _stream(app: App, actor: Actor, code: str, first: TallyView, limit: int | None) -> (
    AsyncIterator[bytes]
):  # fmt: skip
    tallies = live.follow(
        app.uows, actor, code, first=first, limit=limit, poll_seconds=POLL_SECONDS
    )
    try:
        async for view in tallies:
            yield _event("tally", json.dumps(live.tally_data(view), ensure_ascii=False))
    except GouvernanceError as error:
        yield _event("erreur", error.message)


@router.get("/assemblees/{code}/direct/flux")
async def feed(
    app: App,
    actor: CurrentActor,
    code: str,
    envois: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> StreamingResponse:
    """« event: tally » with the tally as JSON, at once then at each change; ``envois``: stop
    after that many (tests, and a screen that only wants the current tally)."""
    first = await run_in_threadpool(assemblies.tally, app.uows, actor, code)
    return StreamingResponse(
        _stream(app, actor, code, first, envois),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
