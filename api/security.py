"""Bearer-token authentication: the token maps to an ``Actor`` through the service layer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Unauthenticated
from gouvernance.domain.users import Actor
from gouvernance.services.access import accounts

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def application(request: Request) -> Application:
    app: Application = request.app.state.application
    return app


def bearer_token(token: Annotated[str | None, Depends(oauth2)]) -> str:
    if not token:
        raise Unauthenticated(
            "authentification requise : envoyez « Authorization: Bearer <jeton> »"
        )
    return token


def current_actor(request: Request, token: Annotated[str, Depends(bearer_token)]) -> Actor:
    return accounts.actor_for_token(application(request).uows, token)


def client_address(request: Request) -> str | None:
    """The client's address: the peer's, or the one a trusted local reverse proxy forwards
    (uvicorn reads ``X-Forwarded-For`` from 127.0.0.1 only, by default)."""
    return request.client.host if request.client else None


CurrentActor = Annotated[Actor, Depends(current_actor)]
CurrentToken = Annotated[str, Depends(bearer_token)]  # the raw token (sign-out)
App = Annotated[Application, Depends(application)]
