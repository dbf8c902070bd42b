"""Bearer-token authentication: the token maps to an ``Actor`` through the service layer."""

from __future__ import annotations

import functools
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Unauthenticated
from gouvernance.domain.users import Actor

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


# The dependencies are ``async def`` on purpose: FastAPI sends every plain ``def`` dependency
# to its thread pool, one trip each (≈ 0.1 ms of processor, more under load), before the route's
# own trip; these do no waiting worth a thread.


def _application(request: Request) -> Application:
    app: Application = request.app.state.application
    return app


async def application(request: Request) -> Application:
    return _application(request)


async def bearer_token(token: Annotated[str | None, Depends(oauth2)]) -> str:
    if not token:
        raise Unauthenticated(
            "authentification requise : envoyez « Authorization: Bearer <jeton> »"
        )
    return token


async def current_actor(request: Request, token: Annotated[str, Depends(bearer_token)]) -> Actor:
    """Read at each request (a revoked token is refused at once, in every process), as a
    short read whatever the method (``Application.read_briefly``): on SQLite, on the event
    loop, one indexed lookup costing less than a trip to a thread; on a PostgreSQL of this
    machine, in the two threads of the short reads, the loop never waiting for the server;
    a distant PostgreSQL, in the pool."""
    app = _application(request)
    return await app.read_briefly(functools.partial(app.actor_for_token, token))


def client_address(request: Request) -> str | None:
    """The client's address: the peer's, or the one a trusted local reverse proxy forwards
    (uvicorn reads ``X-Forwarded-For`` from 127.0.0.1 only, by default)."""
    return request.client.host if request.client else None


CurrentActor = Annotated[Actor, Depends(current_actor)]
CurrentToken = Annotated[str, Depends(bearer_token)]  # the raw token (sign-out)
App = Annotated[Application, Depends(application)]
