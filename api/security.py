"""Bearer-token authentication: the token maps to an ``Actor`` through the service layer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Unauthenticated
from gouvernance.domain.users import Actor
from gouvernance.services import accounts

oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def application(request: Request) -> Application:
    app: Application = request.app.state.application
    return app


def current_actor(request: Request, token: Annotated[str | None, Depends(oauth2)]) -> Actor:
    if not token:
        raise Unauthenticated(
            "authentification requise : envoyez « Authorization: Bearer <jeton> »"
        )
    return accounts.actor_for_token(application(request).uows, token)


CurrentActor = Annotated[Actor, Depends(current_actor)]
App = Annotated[Application, Depends(application)]
