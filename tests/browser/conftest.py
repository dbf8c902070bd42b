"""Browser tests: real headless Chromium (Debian's ``chromium``), driven by Playwright, against
the whole server (API + web pages) served by uvicorn on 127.0.0.1.

On SQLite only: storage is tested on both databases elsewhere (tests/storage, tests/api); here
what is under test is what a person sees and does in a browser.

Per test process (``pytest -n auto`` runs several): one Chromium, one server on a free port of
its own, and a prepared database — the demo (copied from ``sqlite_demo_template``) with its
2027 calls issued (barème ``demo-bareme-ca``, 1er décembre 2026, échéance 31 décembre), so that
the member has something to read. Per test: a fresh copy of that database, swapped into the
running server (the API and the web pages read ``server.state.application`` at each request),
so that no test sees another's votes; ``GOUVERNANCE_TODAY`` = 2026-12-12 (the day of the open
assembly), set only while the test runs; and new browser contexts (own cookies), at 360 × 800
(``phone``) or 1280 × 900 (``desk``), French locale, Paris time.

Chromium is never downloaded: Playwright launches ``/usr/bin/chromium`` (``scripts/test``
installs the Debian package when it is missing), with a fresh profile per launch (Playwright
makes one) and without any network but the machine's own.

Screenshots go to ``build/captures/`` or ``$GOUVERNANCE_CAPTURES``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
import uvicorn
from chromium_pages import DESK, PHONE, OpenVisitor, Visitor
from fastapi import FastAPI
from playwright.sync_api import Browser, Playwright, ViewportSize, sync_playwright
from sqlite_copies import copy_sqlite

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.users import SYSTEM
from gouvernance.server import create_server
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.ledger import calls

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves: the pages are on 127.0.0.1, nothing else may be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
TODAY = "2026-12-12"


def captures_folder() -> Path:
    configured = os.environ.get("GOUVERNANCE_CAPTURES", "").strip()
    folder = Path(configured) if configured else ROOT / "build" / "captures"
    return folder if folder.is_absolute() else ROOT / folder


@pytest.fixture(scope="session")
def browser_database(sqlite_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its 2027 calls issued, once per test process."""
    path = tmp_path_factory.mktemp("navigateur") / "modele.sqlite3"
    copy_sqlite(sqlite_demo_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TODAY_VARIABLE, TODAY)
        application = bootstrap(f"sqlite:///{path}", migrate=False)
        try:
            calls.issue_calls(
                application.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
                due_on=date(2026, 12, 31), exclude_incomplete=True,
            )  # fmt: skip
        finally:
            application.close()
    return path


@dataclass
class RunningServer:
    app: FastAPI
    origin: str


@pytest.fixture(scope="session")
def running_server(
    browser_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """uvicorn in a thread of this process, on a port the system gives (no race for it)."""
    first = tmp_path_factory.mktemp("serveur") / "premiere.sqlite3"
    copy_sqlite(browser_database, first)
    application = bootstrap(f"sqlite:///{first}", migrate=False)
    app = create_server(application)
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
        timeout_graceful_shutdown=2,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listening]}, name="serveur-navigateur", daemon=True
    )
    thread.start()
    origin = f"http://127.0.0.1:{port}"
    _wait_until_it_answers(origin, thread)
    yield RunningServer(app, origin)
    server.should_exit = True
    thread.join(timeout=10)
    listening.close()
    app.state.application.close()


def _wait_until_it_answers(origin: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not thread.is_alive():
            pytest.fail("le serveur des tests du navigateur s'est arrêté au démarrage")
        try:
            if httpx.get(f"{origin}/connexion", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"le serveur des tests du navigateur ne répond pas sur {origin}")


@pytest.fixture
def site(
    running_server: RunningServer, browser_database: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Application]:  # fmt: skip
    """This test's own copy of the prepared database, served from now on; the day is set."""
    monkeypatch.setenv(TODAY_VARIABLE, TODAY)
    path = tmp_path / "gouvernance.sqlite3"
    copy_sqlite(browser_database, path)
    application = bootstrap(f"sqlite:///{path}", migrate=False)
    previous: Application = running_server.app.state.application
    running_server.app.state.application = application
    previous.close()
    yield application


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, launched once per test process; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium est absent ({CHROMIUM}) : installez le paquet Debian « chromium » "
            "(./scripts/test le fait quand il tourne en root), puis relancez."
        )
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def open_visitor(
    chromium: Browser, running_server: RunningServer, site: Application
) -> Iterator[OpenVisitor]:
    """``open_visitor(PHONE)``: a new person (own context, own cookies) at that size."""
    contexts = []

    def new(viewport: ViewportSize) -> Visitor:
        context = chromium.new_context(
            base_url=running_server.origin, viewport=viewport, locale="fr-FR",
            timezone_id="Europe/Paris", color_scheme="light",
        )  # fmt: skip
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Visitor(context.new_page(), captures_folder(), running_server.origin)

    yield new
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_visitor: OpenVisitor) -> Visitor:
    """A person on a phone (360 × 800)."""
    return open_visitor(PHONE)


@pytest.fixture
def desk(open_visitor: OpenVisitor) -> Visitor:
    """A person at a desk (1280 × 900)."""
    return open_visitor(DESK)
