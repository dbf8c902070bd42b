"""Pages web sous charge : 20 clients simultanés, un registre de 10 000 membres.

Un serveur réel (uvicorn, un processus, 127.0.0.1, base SQLite temporaire, ``create_server`` :
l'API et les pages) sert la démonstration à laquelle s'ajoutent 10 000 membres synthétiques
(ceux de ``bench/calls.py`` : structures avec chiffre d'affaires, collectivités avec
population, personnes), avec le lot d'appels 2027 émis (barème ``demo-bareme-ca``). Le jour est
le 12 décembre 2026, celui de l'assemblée ouverte ``AG-2026-02``.

Vingt clients (des fils, chacun son ``httpx.Client`` et ses deux sessions, ``adherent`` et
``bureau``, par le cookie de session) demandent chaque page à tour de rôle pendant ``--duree``
secondes (15 par défaut). Pour chaque page : le nombre de requêtes, la médiane et le 95ᵉ
centile du temps vu par le client (sur la boucle locale : attente comprise), et ceux du temps
passé dans le serveur (en-tête ``Server-Timing`` qu'ajoute ici une enveloppe ASGI du banc, de
l'arrivée de la requête à l'envoi des en-têtes de la réponse ; l'application n'est pas
modifiée).

**Référence**, dans la même exécution et mesurée de la même façon : une application FastAPI
minimale (un processus uvicorn, le même moteur SQLAlchemy sur la même base) dont la seule page
lit un membre par une requête SQL et renvoie quelques lignes de HTML. Cible, comme pour l'API :
95ᵉ centile ≤ 100 ms pour une page web.

**La simulation du conseil** (``/conseil/simulation`` : 10 043 membres × les 3 barèmes
candidats, totaux, graphiques et une table de tous les membres) est un calcul, mesuré à part :
seule (un client, 3 requêtes à la suite), puis demandée par les 20 clients à la fois (une fois
chacun).

Lancer : ``.venv/bin/python bench/web_pages.py`` (``--duree 30`` pour mesurer plus longtemps).
Dernière ligne : un objet JSON (``seconds`` : le plus mauvais 95ᵉ centile client des pages hors
simulation ; ``reference_seconds`` : celui de la référence).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from shared import count

MEMBERS = 10_000
SEED = 20261212
CLIENTS = 20
DEFAULT_SECONDS = 15.0
TODAY = "2026-12-12"
TARGET_P95 = 0.100
ACCOUNTS = ("adherent", "bureau")
EXPLAINED = "MISTRAL"
PAGES: list[tuple[str, str]] = [  # (path, account)
    ("/", "adherent"),
    ("/mon-espace", "adherent"),
    ("/mon-espace/appels", "adherent"),
    ("/assemblees", "adherent"),
    ("/assemblees/AG-2026-02/voter", "adherent"),
    (f"/conseil/simulation/membres/{EXPLAINED}", "bureau"),
]
SIMULATION = "/conseil/simulation"
REFERENCE = "/reference"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- the database (not timed) ----------------------------------------------------------------


def prepare(database: Path) -> int:
    """The demo, 10 000 synthetic members and the 2027 calls; returns the number of members."""
    import calls as bench_calls  # bench/calls.py: its synthetic registry

    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.users import SYSTEM
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.orm import member_facts, members
    from gouvernance.services.demo_data.demo import load_demo
    from gouvernance.services.ledger import calls

    url = f"sqlite:///{database}"
    application = bootstrap(url)
    load_demo(application.uows)
    people, figures = bench_calls.synthetic_registry(MEMBERS, SEED)
    engine = make_engine(url)
    with engine.begin() as connection:
        offset = int(connection.exec_driver_sql("SELECT max(id) FROM members").scalar() or 0)
        for person in people:
            person["id"] += offset
        for figure in figures:
            figure["member_id"] += offset
        connection.execute(members.insert(), people)
        connection.execute(member_facts.insert(), figures)
        total = int(connection.exec_driver_sql("SELECT count(*) FROM members").scalar() or 0)
    engine.dispose()
    calls.issue_calls(
        application.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    application.close()
    return total


# --- the servers (child processes) -----------------------------------------------------------


def server_timing(app: Asgi) -> Asgi:
    """``Server-Timing: app;dur=<ms>`` on every response: the time from the request's arrival
    to the response's headers (a whole page is rendered by then)."""

    async def timed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - started) * 1000
                headers = [
                    *message.get("headers", []),
                    (b"server-timing", f"app;dur={spent:.3f}".encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_timed)

    return timed


def serve(port: int, database: str) -> None:
    """Gouvernance: the API and the web pages, on the prepared database."""
    import uvicorn

    from gouvernance.bootstrap import bootstrap
    from gouvernance.server import create_server

    application = bootstrap(f"sqlite:///{database}", migrate=False)
    uvicorn.run(
        server_timing(create_server(application)), host="127.0.0.1", port=port,
        log_level="warning", access_log=False,
    )  # fmt: skip


def serve_reference(port: int, database: str) -> None:
    """The least a page can cost: FastAPI, one SQL query on the same engine, a little HTML."""
    from html import escape

    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse
    from sqlalchemy import text

    from gouvernance.persistence.database import make_engine

    engine = make_engine(f"sqlite:///{database}")
    app = FastAPI()
    query = text("SELECT code, name, first_name, last_name FROM members WHERE code = :code")

    @app.get(REFERENCE)
    def page(code: str = EXPLAINED) -> HTMLResponse:
        with engine.connect() as connection:
            row = connection.execute(query, {"code": code}).one()
        name = escape(row.name or f"{row.first_name} {row.last_name}")
        return HTMLResponse(
            f'<!doctype html><html lang="fr"><title>{escape(row.code)}</title>'
            f"<h1>{name}</h1><p>Membre {escape(row.code)}</p></html>"
        )

    uvicorn.run(
        server_timing(app), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(role: str, database: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    environment = {**os.environ, "GOUVERNANCE_TODAY": TODAY}
    child = subprocess.Popen(
        [sys.executable, __file__, role, str(port), str(database)], env=environment
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=2)
            return child, base
        except httpx.TransportError:
            if child.poll() is not None:
                break
            time.sleep(0.1)
    child.kill()
    sys.exit(f"le serveur {role} ne répond pas sur {base}")


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Timings:
    client: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)


@dataclass
class Load:
    pages: dict[str, Timings]
    errors: Counter[str]
    messages: dict[str, str]
    seconds: float


def _sign_in(base: str, username: str) -> str:
    response = httpx.post(
        f"{base}/auth/token",
        data={"username": username, "password": f"demo-{username}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _get(client: httpx.Client, path: str, token: str | None) -> tuple[int, float, float, str]:
    """Status, seconds seen by the client, seconds spent in the server, and the page's text
    when it is an error."""
    headers = {"Cookie": f"gouvernance_session={token}"} if token else {}
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = time.perf_counter() - started
    timing = response.headers.get("server-timing", "app;dur=nan")
    spent = float(timing.rsplit("=", 1)[1]) / 1000
    message = "" if response.status_code == 200 else _text_of(response.text)
    return response.status_code, elapsed, spent, message


def _text_of(page: str) -> str:
    """The French message of an error page, without its markup."""
    found = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1) if found else page).split())[:300]


def load(
    base: str, plan: Sequence[tuple[str, str | None]], sessions: Sequence[dict[str, str]],
    seconds: float | None, rounds: int | None = None,
) -> Load:  # fmt: skip
    """Each client asks the pages of ``plan`` in turn (starting at its own place), for
    ``seconds`` or ``rounds`` times the plan; the first request of each page is a warm-up."""
    errors: Counter[str] = Counter()
    messages: dict[str, str] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))
    stop = [0.0]

    def client(number: int) -> dict[str, Timings]:
        mine: dict[str, Timings] = defaultdict(Timings)
        with httpx.Client(base_url=base, timeout=300, headers={"Accept": "text/html"}) as own:
            for path, account in plan:  # warm-up, not counted
                own.get(path, headers=_cookie(sessions[number], account))
            barrier.wait()
            if number == 0:
                stop[0] = time.monotonic() + (seconds or 0)
            barrier.wait()
            done = 0
            while (rounds is not None and done < rounds * len(plan)) or (
                rounds is None and time.monotonic() < stop[0]
            ):
                path, account = plan[(number + done) % len(plan)]
                done += 1
                token = sessions[number].get(account) if account else None
                status, elapsed, spent, message = _get(own, path, token)
                if status != 200:
                    with lock:
                        errors[f"{path} : {status}"] += 1
                        messages.setdefault(f"{path} : {status}", message)
                    continue
                mine[path].client.append(elapsed)
                mine[path].server.append(spent)
        return mine

    started = time.perf_counter()
    with ThreadPoolExecutor(len(sessions)) as pool:
        results = list(pool.map(client, range(len(sessions))))
    took = time.perf_counter() - started
    merged: dict[str, Timings] = defaultdict(Timings)
    for result in results:
        for path, timings in result.items():
            merged[path].client += timings.client
            merged[path].server += timings.server
    return Load(dict(merged), errors, messages, took)


def _cookie(session: dict[str, str], account: str | None) -> dict[str, str]:
    return {"Cookie": f"gouvernance_session={session[account]}"} if account else {}


def _p(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}".replace(".", ",") + " ms"


def _row(label: str, timings: Timings) -> str:
    return (
        f"  {label:<44} {count(len(timings.client)):>8}   {_ms(_p(timings.client, 0.5)):>10} "
        f"{_ms(_p(timings.client, 0.95)):>10}   {_ms(_p(timings.server, 0.5)):>10} "
        f"{_ms(_p(timings.server, 0.95)):>10}"
    )


def _figures(timings: Timings) -> dict[str, Any]:
    return {
        "requests": len(timings.client),
        "p50": round(_p(timings.client, 0.5), 4),
        "p95": round(_p(timings.client, 0.95), 4),
        "server_p50": round(_p(timings.server, 0.5), 4),
        "server_p95": round(_p(timings.server, 0.95), 4),
    }


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["--serveur"]:
        serve(int(argv[1]), argv[2])
        return
    if argv[:1] == ["--reference"]:
        serve_reference(int(argv[1]), argv[2])
        return
    seconds = float(argv[argv.index("--duree") + 1]) if "--duree" in argv else DEFAULT_SECONDS
    os.environ["GOUVERNANCE_TODAY"] = TODAY
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "pages.sqlite3"
        started = time.perf_counter()
        members = prepare(database)
        print(
            f"base : démonstration + {count(MEMBERS)} membres synthétiques = {count(members)} "
            f"membres, appels 2027 émis ({time.perf_counter() - started:.1f} s)"
        )

        reference, reference_base = start("--reference", database)
        try:
            sessions: list[dict[str, str]] = [{} for _ in range(CLIENTS)]
            synthetic = [f"M{n:06d}" for n in range(1, MEMBERS + 1)]
            codes = [EXPLAINED, *random.Random(SEED).sample(synthetic, 9)]
            plan_reference = [(f"{REFERENCE}?code={code}", None) for code in codes]
            measured_reference = load(reference_base, plan_reference, sessions, seconds)
        finally:
            reference.terminate()
            reference.wait(timeout=30)

        server, base = start("--serveur", database)
        try:
            with ThreadPoolExecutor(4) as pool:  # real argon2: 40 sign-ins, not timed
                tokens = list(pool.map(lambda a: _sign_in(base, a), ACCOUNTS * CLIENTS))
            sessions = [
                dict(zip(ACCOUNTS, tokens[i * 2 : i * 2 + 2], strict=True)) for i in range(CLIENTS)
            ]
            quiet = load(base, PAGES, sessions[:1], None, rounds=10)
            pages = load(base, PAGES, sessions, seconds)
            alone = load(base, [(SIMULATION, "bureau")], sessions[:1], None, rounds=3)
            crowd = load(base, [(SIMULATION, "bureau")], sessions, None, rounds=1)
        finally:
            server.terminate()
            server.wait(timeout=30)

    reference_timings = next(iter(_merge(measured_reference).values()))
    print(
        f"{CLIENTS} clients simultanés, {seconds:.0f} s par mesure ; temps en millisecondes "
        "(client : vu sur la boucle locale, attente comprise ; serveur : Server-Timing)"
    )
    print(
        f"  {'page':<44} {'requêtes':>8}   {'p50 client':>10} {'p95 client':>10}   "
        f"{'p50 serveur':>10} {'p95 serveur':>10}   {'à vide':>9}"
    )
    print(_row("référence : FastAPI + une requête SQL", reference_timings))
    for path, _account in PAGES:
        alone_p50 = _ms(_p(quiet.pages[path].client, 0.5))
        print(f"{_row(path, pages.pages[path])}   {alone_p50:>9}")
    print("  simulation du conseil (un calcul : 10 043 membres × 3 barèmes) :")
    print(_row("  seule (1 client, 3 requêtes)", alone.pages[SIMULATION]))
    print(_row(f"  {CLIENTS} clients à la fois (1 requête chacun)", crowd.pages[SIMULATION]))
    errors = quiet.errors + pages.errors + alone.errors + crowd.errors + measured_reference.errors
    messages = {
        **quiet.messages, **pages.messages, **alone.messages, **crowd.messages,
        **measured_reference.messages,
    }  # fmt: skip
    for kind, times in errors.items():
        print(f"réponses en erreur : {kind} × {times} — « {messages.get(kind, '')} »")
    worst_path = max(
        (path for path, _ in PAGES), key=lambda path: _p(pages.pages[path].client, 0.95)
    )
    worst = _p(pages.pages[worst_path].client, 0.95)
    reference_p95 = _p(reference_timings.client, 0.95)
    within = worst <= TARGET_P95
    print(
        f"pire 95ᵉ centile (hors simulation) : {_ms(worst)} ({worst_path}) ; cible "
        f"{_ms(TARGET_P95)} : {'tenue' if within else 'NON TENUE'} ; référence {_ms(reference_p95)}"
    )
    summary = {
        "seconds": round(worst, 4),
        "reference_seconds": round(reference_p95, 4),
        "ratio": round(worst / reference_p95, 3),
        "target_p95_seconds": TARGET_P95,
        "within_target": within,
        "worst_page": worst_path,
        "clients": CLIENTS,
        "members": members,
        "duration_seconds": seconds,
        "reference": _figures(reference_timings),
        "pages": {
            path: {
                **_figures(pages.pages[path]),
                "alone_p50": round(_p(quiet.pages[path].client, 0.5), 4),
            }
            for path, _ in PAGES
        },
        "simulation": {
            "alone": _figures(alone.pages[SIMULATION]),
            "concurrent": _figures(crowd.pages[SIMULATION]),
        },
        "errors": dict(errors),
    }
    print(json.dumps(summary, ensure_ascii=False))


def _merge(measured: Load) -> dict[str, Timings]:
    """The reference's pages (one per member code) as one."""
    merged = Timings()
    for timings in measured.pages.values():
        merged.client += timings.client
        merged.server += timings.server
    return {REFERENCE: merged}


if __name__ == "__main__":
    main(sys.argv[1:])
