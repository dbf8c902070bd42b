"""The FastAPI application: routers, French errors, OpenAPI page at /docs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.routing import Mount

from api import docs, errors, openapi
from api.routers import (
    accounts,
    assemblies,
    bank,
    calls,
    capital,
    fees,
    mail,
    members,
    organisation,
    payments,
    statutes,
    surplus,
    transition,
    treasury,
    verification,
)
from gouvernance import __version__
from gouvernance.bootstrap import Application, bootstrap, serving_read

DESCRIPTION = """
API de **Gouvernance** : registre des membres d'un PTCE ou d'une SCIC, cotisations (barèmes,
appels, paiements, relances, exports comptables), capital (parts sociales), statuts et passage
en SCIC, affectation des excédents, assemblées générales.

**Authentification** : `POST /auth/token` avec identifiant et mot de passe, puis l'en-tête
`Authorization: Bearer <jeton>` (bouton « Authorize » de la page `/docs`). Le rôle du compte
(administrateur, conseil d'administration, trésorier, scrutateur, adhérent) décide de ce qu'il
peut lire et faire ; un adhérent ne voit que ce qui le concerne.

**Montants** : envoyés en texte (« 1 262,50 » ou « 1262.50 ») ou en nombre entier, jamais en
nombre décimal JSON, pour ne rien perdre à l'arrondi ; rendus en texte exact (« 1262.50 ») et,
le plus souvent, tels qu'on les lit (« 1 262,50 € »). Dates au format AAAA-MM-JJ.

**Écritures rejouables** : les écritures qui acceptent l'en-tête `Idempotency-Key` ne créent
rien de plus si la même requête revient avec la même clé (réponse 200 au lieu de 201).

**Erreurs** : toujours en JSON, `{"error": {"code", "message", "field", "problems"}}` (schéma
`ErrorOut`), message en français, champ en faute dans `field`.

Cette documentation fonctionne sans accès à Internet : `/docs` et `/redoc` sont servis, avec
leurs scripts et feuilles de style, par l'application elle-même.
"""

TAGS = [
    {"name": "authentification", "description": "Connexion, jeton et compte connecté."},
    {"name": "comptes", "description": "Comptes d'accès et leurs rôles (administrateur)."},
    {"name": "organisation", "description": "Identité et réglages de l'organisation."},
    {"name": "membres", "description": "Registre des membres, catégories, données annuelles."},
    {"name": "cotisations", "description": "Barèmes, simulations et calcul expliqué."},
    {"name": "appels", "description": "Appels de cotisation, lots et avoirs."},
    {"name": "paiements", "description": "Paiements reçus, imputations et soldes."},
    {"name": "trésorerie", "description": "Lettres, relances, exports, mandats SEPA."},
    {"name": "courriels", "description": "Appels, relances, convocations et PV par courriel."},
    {"name": "statuts", "description": "Statuts, conformité à la loi, paramètres légaux."},
    {"name": "transition", "description": "Passage en SCIC : les membres selon les statuts."},
    {"name": "capital", "description": "Registre des parts sociales et attestations."},
    {"name": "excédents", "description": "Simulation de l'affectation de l'excédent."},
    {"name": "assemblées", "description": "Convocation, émargement, votes, dépouillement, PV."},
    {"name": "journal", "description": "Journal d'audit des écritures."},
]


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]
READS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadsOnly:
    """A GET reads: its transactions are marked so (``bootstrap.serving_read``), which lets
    SQLite serve readers side by side instead of one at a time, and its short reads may run
    on the event loop. Wraps the web pages mounted behind the API too
    (``gouvernance.server``)."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in READS:
            application = getattr(scope["app"].state, "application", None)
            with serving_read(application):
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def create_app(application: Application | None = None) -> FastAPI:
    """Build the app on ``application`` (tests) or on the configured database (server)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = application is None
        app.state.application = application or bootstrap()
        # Everything loaded so far (the routes, the mappers, the rules) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it again
        # while a request waits (≈ a fifth of a read's processor time at 10 000 members).
        if owned:  # a server's own application (tests build many: theirs stay collectable)
            gc.freeze()
        yield
        if owned:
            app.state.application.close()
        else:
            app.state.application.stop_ballot_writer()

    app = FastAPI(
        title="Gouvernance",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    if application is not None:
        app.state.application = application
    app.add_middleware(ReadsOnly)
    errors.install(app)
    docs.install(app)
    openapi.install(app)
    for module in ROUTERS:
        app.include_router(module.router)
    return app


# In the order a request tries them: each route costs ≈ 5 µs to try, and a ballot cast at the
# end of a hundred routes would pay half a millisecond to be routed. No two routers answer the
# same method and path, so their order changes nothing else. The web pages come first of all
# (``gouvernance.server``), for every path the API does not start (``path_prefixes``).
ROUTERS = (
    accounts, assemblies, members, payments, fees, calls, treasury, capital, organisation,
    mail, bank, statutes, transition, surplus, verification,
)  # fmt: skip


def path_prefixes(app: FastAPI) -> tuple[str, ...]:
    """What starts every path the API answers: a route's first segment (« /members »), a
    mount's whole path (« /static/docs »: the pages have their own « /static »)."""
    paths = [route.path for module in ROUTERS for route in module.router.routes]
    found = {"/" + path.split("/")[1] for path in paths}
    for route in app.routes:
        if isinstance(path := getattr(route, "path", None), str):
            found.add(path if isinstance(route, Mount) else "/" + path.split("/")[1])
    return tuple(sorted(found - {"", "/"}))  # « / » itself is the pages' home
