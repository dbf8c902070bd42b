"""The process that serves people: the API and the web application, one database.

Not a shell of its own: the place where the two shells meet. The API keeps its paths; the web
application is mounted behind them at ``/``. ``gouvernance serve`` and ``run`` start it by its
import path (``gouvernance.server:create_server``), so the CLI imports neither.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from gouvernance.bootstrap import Application
from web.app import create_web


def create_server(application: Application | None = None) -> FastAPI:
    server = create_app(application)

    def current() -> Application:
        found: Application = server.state.application
        return found

    server.mount("/", create_web(current))
    return server
