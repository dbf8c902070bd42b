"""The web application through HTTP: the whole server (API + web) on a fresh database with the
demo loaded, and a browser-like client signed in as one of the demo's accounts.

The client speaks HTTPS to ``testserver`` so that the session cookie (``Secure``) is sent back,
as a browser does on https or on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from navigateur import SignIn, csrf_of

from gouvernance.bootstrap import Application
from gouvernance.server import create_server


@pytest.fixture
def web_demo(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    """The demo, on the day of its open assembly (12 December 2026)."""
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-12")
    demo_loader(database_url)
    return app


@pytest.fixture
def browser(web_demo: Application) -> Iterator[TestClient]:
    """A client that keeps cookies, not signed in."""
    with TestClient(create_server(web_demo), base_url="https://testserver") as client:
        client.headers["Accept"] = "text/html"
        yield client


@pytest.fixture
def sign_in(web_demo: Application) -> Iterator[SignIn]:
    """``sign_in("adherent")``: a new client signed in with the demo password « demo-<name> »."""
    clients: list[TestClient] = []

    def signed(username: str) -> TestClient:
        client = TestClient(create_server(web_demo), base_url="https://testserver")
        client.__enter__()
        clients.append(client)
        client.headers["Accept"] = "text/html"
        page = client.get("/connexion")
        response = client.post(
            "/connexion",
            data={"csrf": csrf_of(page.text), "username": username,
                  "password": f"demo-{username}"},
            follow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 303, response.text
        return client

    yield signed
    for client in clients:
        client.__exit__(None, None, None)
