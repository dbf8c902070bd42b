"""Which application answers a path: the pages are tried first, the API's routers in an order
chosen for speed (``api.app.ROUTERS``), and neither choice may change who answers."""

from __future__ import annotations

import re

from starlette.routing import Match

from api.app import ROUTERS
from gouvernance.bootstrap import Application
from gouvernance.server import create_server


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def test_no_two_routers_answer_the_same_method_and_path() -> None:
    """Their order only saves time: no path of one router is a path of another."""
    routes = [(m.__name__, r) for m in ROUTERS for r in m.router.routes]
    for owner, route in routes:
        sample = re.sub(r"\{[^}]+\}", "X1", route.path)
        others = [
            name
            for name, other in routes
            if name != owner
            and other.path_regex.match(sample)
            and set(other.methods or ()) & set(route.methods or ())
        ]
        assert others == [], f"{route.path} ({owner}) aussi dans {others}"


def test_the_pages_are_tried_first_and_never_take_a_path_of_the_api(app: Application) -> None:
    server = create_server(app)
    pages = server.router.routes[0]
    for path in ("/", "/mon-espace", "/assemblees/AG-1/voter", "/static/app.css", "/tresorerie"):
        assert pages.matches(_scope(path))[0] is Match.FULL, path
    for path in ("/me", "/members/M0001", "/assemblies/AG-1/live", "/docs", "/static/docs/x.js"):
        assert pages.matches(_scope(path))[0] is Match.NONE, path


def test_each_page_is_answered_by_its_own_section_and_an_unknown_path_by_none(
    app: Application,
) -> None:
    """The web routers are tried only for their first path segments (``web.app._Section``):
    every page path still finds its route, with the method it answers."""
    server = create_server(app)
    web = server.router.routes[0].app  # type: ignore[attr-defined]
    sections = [route for route in web.router.routes if hasattr(route, "included")]
    assert len(sections) == 8
    for section in sections:
        for route in section.included.original_router.routes:
            path = re.sub(r"\{[^}]+\}", "X1", route.path)
            for method in route.methods:
                found = [s for s in sections if s.matches(_scope(path, method))[0] is Match.FULL]
                assert found == [section], f"{method} {path}"
    for path in ("/inconnu", "/tresoreries", "/assemblees-x/1"):
        assert all(s.matches(_scope(path))[0] is Match.NONE for s in sections), path
