"""The process that serves people: the API and the web application, one database.

Not a shell of its own: the place where the two shells meet. The API keeps its paths; the web
application is mounted behind them at ``/``. ``gouvernance serve`` and ``run`` start it by its
import path (``gouvernance.server:create_server``), so the CLI imports neither.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Scope

from api.app import create_app, path_prefixes
from gouvernance.bootstrap import Application
from web.app import create_web


def create_server(application: Application | None = None) -> FastAPI:
    server = create_app(application)

    def current() -> Application:
        found: Application = server.state.application
        return found

    # Tried first: a page is not matched against each route of the API before its own.
    pages = _Pages(create_web(current), path_prefixes(server))
    server.router.routes.insert(0, pages)
    return server


class _Pages(Mount):
    """The web application at ``/``, for every path the API does not answer (the API's paths
    are English, the pages' French: « /members », « /mon-espace »)."""

    def __init__(self, app: ASGIApp, api: tuple[str, ...]) -> None:
        super().__init__("/", app=app)
        self.api = api

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "lifespan" and _under(scope.get("path", "/"), self.api):
            return Match.NONE, {}
        return super().matches(scope)


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)
