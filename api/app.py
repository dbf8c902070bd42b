"""The FastAPI application: routers, French errors, OpenAPI page at /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routers import (
    accounts,
    assemblies,
    calls,
    capital,
    fees,
    members,
    payments,
    statutes,
    surplus,
    transition,
    treasury,
)
from gouvernance import __version__
from gouvernance.bootstrap import Application, bootstrap

DESCRIPTION = """
API de **Gouvernance** : registre des membres d'un PTCE ou d'une SCIC, cotisations, capital,
assemblées générales.

Authentification : `POST /auth/token` avec identifiant et mot de passe, puis l'en-tête
`Authorization: Bearer <jeton>` (bouton « Authorize » ci-dessus). Les erreurs sont en JSON :
`{"error": {"code", "message", "field", "problems"}}`, message en français.
"""


def create_app(application: Application | None = None) -> FastAPI:
    """Build the app on ``application`` (tests) or on the configured database (server)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = application is None
        app.state.application = application or bootstrap()
        yield
        if owned:
            app.state.application.close()

    app = FastAPI(
        title="Gouvernance",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    if application is not None:
        app.state.application = application
    errors.install(app)
    app.include_router(accounts.router)
    app.include_router(members.router)
    app.include_router(fees.router)
    app.include_router(calls.router)
    app.include_router(payments.router)
    app.include_router(treasury.router)
    app.include_router(statutes.router)
    app.include_router(transition.router)
    app.include_router(capital.router)
    app.include_router(surplus.router)
    app.include_router(assemblies.router)
    return app
