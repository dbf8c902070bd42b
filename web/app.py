"""The web application: pages, static files, French error pages, security headers.

A FastAPI sub-application mounted at ``/`` by ``gouvernance.server`` behind the API's routes:
it answers the paths the API does not (``/``, ``/connexion``, ``/mon-espace``…), reads the
process's ``Application`` through ``get_application`` and never imports the API.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders, URLPath
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import GouvernanceError
from web.rendering import render
from web.routes import bank, board, desk, home, member, screen, treasury, voting
from web.session import CsrfRefused, SignInRequired, current_actor_or_none

log = logging.getLogger("gouvernance.web")
STATIC = Path(__file__).resolve().parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_web(get_application: Callable[[], Application]) -> FastAPI:
    web = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    web.state.get_application = get_application
    web.mount("/static/web", StaticFiles(directory=STATIC), name="static-web")
    for module in (home, member, voting, screen, board, treasury, desk, bank):
        web.include_router(module.router)
        web.router.routes[-1] = _Section(web.router.routes[-1], module.router.routes)
    _install_errors(web)
    web.add_middleware(SecurityHeaders)
    return web


class _Section(BaseRoute):
    """An included router, tried only for the first path segments its pages start with
    (« tresorerie », « assemblees »…). FastAPI matches every route of every router in turn,
    and an included router's routes twice (to choose it, then to handle): up to 160 path
    patterns for a page of the treasurer's, most of them of other sections."""

    def __init__(self, included: BaseRoute, routes: Sequence[BaseRoute]) -> None:
        self.included = included
        heads = frozenset(_head(str(getattr(route, "path", ""))) for route in routes)
        # A section whose first segment is a parameter is tried for every path.
        self.heads = None if any("{" in head for head in heads) else heads

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = _route_path(scope)
        if self.heads is not None and scope["type"] == "http" and _head(path) not in self.heads:
            return Match.NONE, {}
        return self.included.matches(scope)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.included.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        return self.included.url_path_for(name, **path_params)


def _route_path(scope: Scope) -> str:
    """The path within this application (without the mount's ``root_path``), as routes see it."""
    path, root = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


def _head(path: str) -> str:
    """« tresorerie » of « /tresorerie/appels/AC-1 »; « » of « / »."""
    return path.split("/", 2)[1] if path.startswith("/") else ""


class SecurityHeaders:
    """Every response's security headers, and its caching: an hour for the static files, never
    for a page. Plain ASGI: Starlette's ``@middleware("http")`` runs each response through an
    extra task and stream, a cost on every page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")
        caching = "public, max-age=3600" if static else "no-store"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Cache-Control", caching)
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _page(request: Request, status: int, title: str, message: str) -> Response:
    if not _wants_html(request):
        body: dict[str, object] = {
            "error": {"code": "http", "message": message, "field": None, "problems": []}
        }
        return JSONResponse(body, status_code=status)
    request.state.actor = current_actor_or_none(request)
    return render(request, "erreur.html", status=status, titre=title, message=message)


def _install_errors(web: FastAPI) -> None:
    @web.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _: SignInRequired) -> Response:
        if request.method == "GET":
            target = quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/connexion?suite={target}", status_code=303)
        return _page(request, 401, "Session terminée", "Reconnectez-vous, puis recommencez.")

    @web.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _: CsrfRefused) -> Response:
        return _page(
            request, 403, "Formulaire refusé",
            "Ce formulaire a expiré ou ne vient pas de Gouvernance : rien n'a été enregistré. "
            "Rechargez la page et recommencez.",
        )  # fmt: skip

    @web.exception_handler(GouvernanceError)
    async def domain_error(request: Request, error: GouvernanceError) -> Response:
        return _page(request, error.status, "Impossible", error.message)

    @web.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            return _page(request, 404, "Page introuvable", "Cette page n'existe pas.")
        return _page(request, error.status_code, "Requête refusée", str(error.detail))

    @web.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("erreur inattendue", exc_info=error)
        return _page(
            request, 500, "Erreur interne", "Une erreur inattendue : rien n'a été enregistré."
        )
