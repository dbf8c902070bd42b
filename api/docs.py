"""The documentation pages /docs (Swagger UI) and /redoc, served without any CDN.

FastAPI's default pages load their JavaScript, CSS and favicon from jsdelivr and
fastapi.tiangolo.com (and ReDoc its fonts from Google): on a cooperative's offline server or
behind a strict proxy the documentation would stay blank. The assets come from the
``fastapi-offline`` package (Swagger UI and ReDoc bundles, refreshed with each of its
releases) and are served by the application itself under ``/static/docs``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
STATIC_URL = "/static/docs"

# Swagger UI would otherwise send the schema's address to validator.swagger.io for a badge.
_SWAGGER_PARAMETERS = {"validatorUrl": None}
_NOSCRIPT_EN = (
    "ReDoc requires Javascript to function. Please enable it to browse the documentation."
)
_NOSCRIPT_FR = "Cette documentation a besoin de JavaScript : activez-le pour la parcourir."


def assets_directory() -> Path:
    """Where the installed ``fastapi-offline`` keeps the Swagger UI and ReDoc bundles."""
    return Path(str(files("fastapi_offline") / "static"))


def install(app: FastAPI) -> None:
    """Mount the assets and add the two pages; the app must be built with docs_url=None."""
    app.mount(STATIC_URL, StaticFiles(directory=assets_directory()), name="docs-assets")

    def root(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        base = root(request)
        return get_swagger_ui_html(
            openapi_url=f"{base}{app.openapi_url}",
            title=f"{app.title} — documentation de l'API",
            swagger_js_url=f"{base}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{base}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{base}{STATIC_URL}/favicon.png",
            oauth2_redirect_url=f"{base}{OAUTH2_REDIRECT_URL}",
            swagger_ui_parameters=_SWAGGER_PARAMETERS,
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        base = root(request)
        page = get_redoc_html(
            openapi_url=f"{base}{app.openapi_url}",
            title=f"{app.title} — référence de l'API",
            redoc_js_url=f"{base}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{base}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )
        html = bytes(page.body).decode().replace(_NOSCRIPT_EN, _NOSCRIPT_FR)
        return HTMLResponse(html.replace("<html>", '<html lang="fr">', 1))
