"""Pages web sous charge : 20 clients simultanés, un registre de 10 000 membres.

Un serveur réel (uvicorn, 127.0.0.1, ``create_server`` : l'API et les pages ; autant de processus
que ``gouvernance serve`` en lance sur la base : un pour SQLite, un par processeur pour PostgreSQL)
sert
la démonstration à laquelle s'ajoutent 10 000 membres synthétiques (ceux de ``bench/calls.py`` :
structures avec chiffre d'affaires, collectivités avec population, personnes), avec le lot
d'appels 2027 émis (barème ``demo-bareme-ca``), sur SQLite (un fichier temporaire) puis sur
PostgreSQL quand une base de banc d'essai est donnée (``GOUVERNANCE_BENCH_DATABASE_URL``, voir
``bench/shared.py`` : elle est vidée). Les membres synthétiques entrent avant les assemblées de la
démonstration : les deux listes d'émargement comptent 10 043 inscrits, et un tiers des
synthétiques émarge (présent, à distance ou par correspondance) à chacune, avant la clôture de
``AG-2026-01``. Le jour est le 12 décembre 2026, celui de l'assemblée ouverte ``AG-2026-02``.

Vingt clients (connectés comme ``adherent``, ``bureau``, ``tresorier`` et ``scrutateur`` par le
cookie de session, une session par compte partagée par les clients) demandent chaque page de
chaque rôle à tour de rôle pendant ``--duree`` secondes (15 par défaut). La charge vient de
``bench/http_load.py``, comme pour ``bench/api.py`` : un seul processus ``asyncio``, une
connexion HTTP/1.1 persistante par client, écrite et lue à la main, sans bibliothèque — vingt
fils chacun avec son ``httpx.Client`` prenaient au serveur, sur une machine à deux processeurs,
une bonne part du processeur (et du GIL) qu'il mesure. ``httpx`` ne sert plus qu'à la mise en
place (attente du serveur, connexions). Pour chaque page : le nombre de requêtes, la médiane, le
95ᵉ et le 99ᵉ centile du temps vu par le client (sur la boucle locale : attente comprise), et
ceux du temps passé dans le serveur (en-tête ``Server-Timing`` qu'ajoute ici une enveloppe ASGI
du banc, de l'arrivée de la requête à l'envoi des en-têtes de la réponse ; l'application n'est
pas modifiée).

**Référence**, dans la même exécution et mesurée de la même façon : une application FastAPI
minimale (uvicorn, autant de processus, le même moteur SQLAlchemy sur la même base) dont la
seule page lit un membre par une requête SQL et renvoie quelques lignes de HTML. Cible, comme
pour l'API : 95ᵉ centile ≤ 100 ms pour une page web.

**La simulation du conseil** (``/conseil/simulation`` : 10 043 membres × les 3 barèmes
candidats, totaux, graphiques et une table de tous les membres) est un calcul, mesuré à part :
seule (un client, 3 requêtes à la suite), puis demandée par les 20 clients à la fois (une fois
chacun ; pas avec ``--rapide``).

Lancer : ``.venv/bin/python bench/web_pages.py`` (``--duree 30`` pour mesurer plus longtemps ;
``--rapide`` : 5 s par mesure, sans les 20 simulations simultanées ; ``--sqlite`` : SQLite seul
; ``--postgresql`` : PostgreSQL seul ; ``GOUVERNANCE_WORKERS=N`` : N processus serveurs ;
``--sauf CHEMIN``, autant de fois qu'il faut : sans cette page). Dernière ligne : un objet JSON
(``seconds`` : le plus mauvais 95ᵉ centile client des pages hors simulation, sur la base la plus
lente ; ``reference_seconds`` : celui de la référence sur cette base ; le détail par base sous
``databases``).
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import http_load
from http_load import Load, Request
from shared import EVENT_LOOP, count, empty_postgres, postgres_url

MEMBERS = 10_000
SEED = 20261212
CLIENTS = 20
DEFAULT_SECONDS = 15.0
QUICK_SECONDS = 5.0
TODAY = "2026-12-12"
TARGET_P95 = 0.100
ACCOUNTS = ("adherent", "bureau", "tresorier", "scrutateur")
EXPLAINED = "MISTRAL"
OPEN = "AG-2026-02"  # the demo's open assembly, on the bench's day
CLOSED = "AG-2026-01"  # the demo's closed one
ATTENDING_SHARE = 3  # one synthetic associate in three signs the sheet of each assembly
PAGES: list[tuple[str, str]] = [  # (path, account), by role
    ("/", "adherent"),
    ("/mon-espace", "adherent"),
    ("/mon-espace/appels", "adherent"),
    ("/mon-espace/pouvoirs", "adherent"),
    ("/assemblees", "adherent"),
    (f"/assemblees/{OPEN}/voter", "adherent"),
    (f"/conseil/simulation/membres/{EXPLAINED}", "bureau"),
    (f"/assemblees/{OPEN}/bureau", "bureau"),
    ("/tresorerie", "tresorier"),
    ("/tresorerie/appels", "tresorier"),
    (f"/tresorerie/membres/{EXPLAINED}", "tresorier"),
    ("/tresorerie/paiements", "tresorier"),
    (f"/assemblees/{OPEN}/emargement", "scrutateur"),
    (f"/assemblees/{OPEN}/emargement?q=nom12", "scrutateur"),
    (f"/assemblees/{OPEN}/cloture", "scrutateur"),
    (f"/assemblees/{OPEN}/proces-verbal", "scrutateur"),
    (f"/assemblees/{CLOSED}/proces-verbal", "scrutateur"),
]
SIMULATION = "/conseil/simulation"
REFERENCE = "/reference"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- the database (not timed) ----------------------------------------------------------------


def prepare(url: str) -> int:
    """The demo, 10 000 synthetic members on both assemblies' rolls (a third of them signed
    in), and the 2027 calls; returns the number of members."""
    import calls as bench_calls  # bench/calls.py: its synthetic registry

    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.users import SYSTEM
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.orm import member_facts, members
    from gouvernance.services.demo_data import demo_assemblies
    from gouvernance.services.demo_data.demo import load_demo
    from gouvernance.services.ledger import calls

    application = bootstrap(url)
    engine = make_engine(url)
    hold, attend = demo_assemblies.load_demo_assemblies, demo_assemblies._attend
    demo_assemblies.load_demo_assemblies = lambda uows: False  # after the synthetic members
    try:
        load_demo(application.uows)
    finally:
        demo_assemblies.load_demo_assemblies = hold
    people, figures = bench_calls.synthetic_registry(MEMBERS, SEED)
    with engine.begin() as connection:
        offset = int(connection.exec_driver_sql("SELECT max(id) FROM members").scalar() or 0)
        for person in people:
            person["id"] += offset
        for figure in figures:
            figure["member_id"] += offset
        connection.execute(members.insert(), people)
        connection.execute(member_facts.insert(), figures)
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('members', 'id'), max(id)) FROM members"
            )
        total = int(connection.exec_driver_sql("SELECT count(*) FROM members").scalar() or 0)

    def attend_with_synthetic(uows: Any, code: str, demo: Any) -> bool:
        written: bool = attend(uows, code, demo)
        _sign_synthetic(engine, code)
        return written

    demo_assemblies._attend = attend_with_synthetic
    try:
        demo_assemblies.load_demo_assemblies(application.uows)
    finally:
        demo_assemblies._attend = attend
    engine.dispose()
    calls.issue_calls(
        application.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    application.close()
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        # As autovacuum does within a minute of a bulk load: without statistics, PostgreSQL
        # plans the roll's EXISTS searches as nested loops over 10 000 lines (seconds).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return total


def _sign_synthetic(engine: Any, code: str) -> None:
    """One synthetic associate in three on the sheet of assembly ``code`` (present, remote or
    postal, in turn), written directly: thousands of use-case calls would take minutes."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from gouvernance.domain.assembly.model import Attendance
    from gouvernance.persistence.orm import assemblies, assembly_attendance, assembly_roll

    modes = (Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL)
    moment = datetime(2026, 11, 14, 9, tzinfo=UTC)
    with engine.begin() as connection:
        assembly_id = connection.scalar(select(assemblies.c.id).where(assemblies.c.code == code))
        roll = connection.execute(
            select(assembly_roll.c.member_code, assembly_roll.c.college)
            .where(
                assembly_roll.c.assembly_id == assembly_id,
                assembly_roll.c.entitled.is_(True),
                assembly_roll.c.member_code.like("M0%"),
            )
            .order_by(assembly_roll.c.member_code)
        ).all()
        rows = [
            {
                "assembly_id": assembly_id,
                "member_code": member,
                "college": college,
                "mode": modes[number % len(modes)],
                "holder_code": None,
                "recorded_at": moment,
                "recorded_by": "scrutateur",
            }
            for number, (member, college) in enumerate(roll[::ATTENDING_SHARE])
        ]
        if rows:
            connection.execute(assembly_attendance.insert(), rows)


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


def serve(port: int, url: str, workers: int, factory: str) -> None:
    """Gouvernance (the API and the web pages) or the reference, on the prepared database, by
    as many processes as ``gouvernance serve`` starts on it; each process builds its app from
    the factory's import path, as uvicorn's workers do."""
    import uvicorn

    os.environ["GOUVERNANCE_DATABASE_URL"] = url
    os.environ["GOUVERNANCE_SERVER_PROCESSES"] = str(workers)  # as ``gouvernance serve`` does
    uvicorn.run(
        f"web_pages:{factory}", factory=True, host="127.0.0.1", port=port, workers=workers,
        log_level="warning", access_log=False, loop=EVENT_LOOP, app_dir=str(HERE),
    )  # fmt: skip


HERE = Path(__file__).resolve().parent


def timed_server() -> Asgi:
    """Gouvernance, as ``gouvernance serve`` builds it: the server opens its own application
    (from the environment) when it starts, and so treats it as its own (``api.app``:
    ``gc.freeze``)."""
    # bench/ is on the import path (uvicorn's ``app_dir``), and bench/api.py would hide the
    # package ``api`` that the server imports.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
    from gouvernance.server import create_server

    return server_timing(create_server())


def timed_reference() -> Asgi:
    """The least a page can cost: FastAPI, one SQL query on the same engine, a little HTML."""
    from html import escape

    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse
    from sqlalchemy import text

    from gouvernance.persistence.database import make_engine

    engine = make_engine(os.environ["GOUVERNANCE_DATABASE_URL"])
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

    return server_timing(app)


def start(role: str, url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = http_load.free_port()
    environment = {**os.environ, "GOUVERNANCE_TODAY": TODAY}
    command = [sys.executable, __file__, role, str(port), url, str(workers)]
    child = subprocess.Popen(command, env=environment)
    base = f"http://127.0.0.1:{port}"
    if http_load.serving(child, port):
        return child, base
    sys.exit(f"le serveur {role} ne répond pas sur {base}")


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Timings:
    client: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)


def _text_of(page: str) -> str:
    """The French message of an error page, without its markup."""
    found = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1) if found else page).split())[:300]


def load(
    base: str, plan: Sequence[tuple[str, str | None]], clients: int, tokens: Mapping[str, str],
    seconds: float | None, rounds: int | None = None,
) -> Load:  # fmt: skip
    """``clients`` clients (``bench/http_load.py``: one asyncio process, raw HTTP/1.1) ask the
    pages of ``plan`` in turn (each from its own place), each by its account's session cookie,
    for ``seconds`` or ``rounds`` times the plan, after one warm-up request per page."""
    requests: list[Request] = [
        (path, path, f"Cookie: gouvernance_session={tokens[account]}\r\n".encode())
        if account else (path, path)
        for path, account in plan
    ]  # fmt: skip
    port = int(base.rsplit(":", 1)[1])
    found = http_load.load(port, requests, [b"Accept: text/html\r\n"] * clients, seconds, rounds)
    found.messages = {key: _text_of(page) for key, page in found.messages.items()}
    return found


def _timings(found: Load, path: str) -> Timings:
    """A page's client and server times."""
    return Timings(found.times.get(path, []), found.server.get(path, []))


def _p(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}".replace(".", ",") + " ms"


def _row(label: str, timings: Timings) -> str:
    return (
        f"  {label:<44} {count(len(timings.client)):>8}   {_ms(_p(timings.client, 0.5)):>10} "
        f"{_ms(_p(timings.client, 0.95)):>10} {_ms(_p(timings.client, 0.99)):>10}   "
        f"{_ms(_p(timings.server, 0.95)):>10}"
    )


def _figures(timings: Timings) -> dict[str, Any]:
    return {
        "requests": len(timings.client),
        "p50": round(_p(timings.client, 0.5), 4),
        "p95": round(_p(timings.client, 0.95), 4),
        "p99": round(_p(timings.client, 0.99), 4),
        "server_p50": round(_p(timings.server, 0.5), 4),
        "server_p95": round(_p(timings.server, 0.95), 4),
    }


@dataclass
class Measured:
    """One database's run: the reference, the pages under load and alone, the simulation."""

    database: str
    members: int
    reference: Timings
    quiet: Load
    pages: Load
    alone: Load
    crowd: Load | None

    @property
    def worst_page(self) -> str:
        return max((path for path, _ in PAGES), key=lambda path: self.p95(path))

    def p95(self, path: str) -> float:
        return _p(self.pages.times[path], 0.95) if self.pages.times.get(path) else 1e9

    @property
    def seconds(self) -> float:
        return self.p95(self.worst_page)

    @property
    def reference_seconds(self) -> float:
        return _p(self.reference.client, 0.95)

    @property
    def errors(self) -> Counter[str]:
        loads = (self.quiet, self.pages, self.alone, self.crowd, self.reference_load)
        return sum((load.errors for load in loads if load is not None), Counter())

    reference_load: Load | None = None
    workers: int = 1


def measure(database: str, url: str, seconds: float, crowd: bool) -> Measured:
    from gouvernance.cli.setup import default_workers

    started = time.perf_counter()
    members = prepare(url)
    workers = default_workers(url)
    print(
        f"{database} : démonstration + {count(MEMBERS)} membres synthétiques = {count(members)} "
        f"membres (sur les deux listes d'émargement, un tiers émargé), appels 2027 émis "
        f"({time.perf_counter() - started:.1f} s) ; {workers} processus serveur(s)",
        flush=True,
    )
    reference, reference_base = start("--reference", url, workers)
    try:
        synthetic = [f"M{n:06d}" for n in range(1, MEMBERS + 1)]
        codes = [EXPLAINED, *random.Random(SEED).sample(synthetic, 9)]
        plan_reference = [(f"{REFERENCE}?code={code}", None) for code in codes]
        measured_reference = load(reference_base, plan_reference, CLIENTS, {}, seconds)
    finally:
        reference.terminate()
        reference.wait(timeout=30)
    server, base = start("--serveur", url, workers)
    try:
        # Real argon2: one sign-in per account (not timed), its session shared by the clients.
        tokens = {account: http_load.sign_in(base, account) for account in ACCOUNTS}
        quiet = load(base, PAGES, 1, tokens, None, rounds=10)
        pages = load(base, PAGES, CLIENTS, tokens, seconds)
        simulation = [(SIMULATION, "bureau")]
        alone = load(base, simulation, 1, tokens, None, rounds=3)
        together = load(base, simulation, CLIENTS, tokens, None, rounds=1) if crowd else None
    finally:
        server.terminate()
        server.wait(timeout=30)
    reference_timings = _merge(measured_reference)
    return Measured(
        database, members, reference_timings, quiet, pages, alone, together, measured_reference,
        workers,
    )  # fmt: skip


def report(measured: Measured, seconds: float) -> None:
    print(
        f"{measured.database} — {CLIENTS} clients simultanés, {seconds:.0f} s par mesure ; "
        "temps en millisecondes (client : vu sur la boucle locale, attente comprise ; serveur : "
        "Server-Timing)"
    )
    print(
        f"  {'page (compte)':<44} {'requêtes':>8}   {'p50 client':>10} {'p95 client':>10} "
        f"{'p99 client':>10}   {'p95 serveur':>10}   {'à vide':>9}"
    )
    print(_row("référence : FastAPI + une requête SQL", measured.reference))
    for path, account in PAGES:
        timings = _timings(measured.pages, path)
        quiet = _timings(measured.quiet, path)
        if not timings.client or not quiet.client:
            print(f"  {path} ({account}) : aucune réponse 200")
            continue
        alone_p50 = _ms(_p(quiet.client, 0.5))
        print(f"{_row(f'{path} ({account})', timings)}   {alone_p50:>9}")
    print("  simulation du conseil (un calcul : 10 043 membres × 3 barèmes) :")
    if measured.alone.times.get(SIMULATION):
        print(_row("  seule (1 client, 3 requêtes)", _timings(measured.alone, SIMULATION)))
    if measured.crowd is not None and measured.crowd.times.get(SIMULATION):
        label = f"  {CLIENTS} clients à la fois (1 requête chacun)"
        print(_row(label, _timings(measured.crowd, SIMULATION)))
    loads = (measured.quiet, measured.pages, measured.alone, measured.crowd,
             measured.reference_load)  # fmt: skip
    messages = {k: v for one in loads if one is not None for k, v in one.messages.items()}
    for kind, times in measured.errors.items():
        print(f"  réponses en erreur : {kind} × {times} — « {messages.get(kind, '')} »")
    within = measured.seconds <= TARGET_P95
    print(
        f"  pire 95ᵉ centile (hors simulation) : {_ms(measured.seconds)} "
        f"({measured.worst_page}) ; cible {_ms(TARGET_P95)} : "
        f"{'tenue' if within else 'NON TENUE'} ; référence {_ms(measured.reference_seconds)}",
        flush=True,
    )


def details(measured: Measured) -> dict[str, Any]:
    return {
        "seconds": round(measured.seconds, 4),
        "reference_seconds": round(measured.reference_seconds, 4),
        "ratio": round(measured.seconds / measured.reference_seconds, 3),
        "worst_page": measured.worst_page,
        "within_target": measured.seconds <= TARGET_P95,
        "workers": measured.workers,
        "reference": _figures(measured.reference),
        "pages": {
            path: {
                **_figures(_timings(measured.pages, path)),
                "alone_p50": round(_p(measured.quiet.times[path], 0.5), 4),
            }
            for path, _ in PAGES
            if measured.pages.times.get(path) and measured.quiet.times.get(path)
        },
        "simulation": {
            "alone": _figures(_timings(measured.alone, SIMULATION))
            if measured.alone.times.get(SIMULATION) else None,
            "concurrent": _figures(_timings(measured.crowd, SIMULATION))
            if measured.crowd is not None and measured.crowd.times.get(SIMULATION) else None,
        },
        "errors": dict(measured.errors),
    }  # fmt: skip


def main(argv: Sequence[str]) -> None:
    if argv[:1] == ["--serveur"]:
        serve(int(argv[1]), argv[2], int(argv[3]), "timed_server")
        return
    if argv[:1] == ["--reference"]:
        serve(int(argv[1]), argv[2], int(argv[3]), "timed_reference")
        return
    quick = "--rapide" in argv
    default = QUICK_SECONDS if quick else DEFAULT_SECONDS
    seconds = float(argv[argv.index("--duree") + 1]) if "--duree" in argv else default
    os.environ["GOUVERNANCE_TODAY"] = TODAY
    pg = None if "--sqlite" in argv else postgres_url()
    left_out = {argv[i + 1] for i, word in enumerate(argv[:-1]) if word == "--sauf"}
    if left_out:  # these pages are not asked for
        PAGES[:] = [(path, account) for path, account in PAGES if path not in left_out]
        print(f"pages laissées de côté : {', '.join(sorted(left_out))}")
    results: dict[str, Measured] = {}
    if "--postgresql" not in argv:
        with tempfile.TemporaryDirectory() as folder:
            sqlite = f"sqlite:///{Path(folder) / 'pages.sqlite3'}"
            results["sqlite"] = measure("sqlite", sqlite, seconds, crowd=not quick)
            report(results["sqlite"], seconds)
    if pg is not None:
        url = empty_postgres(pg)
        results["postgresql"] = measure("postgresql", url, seconds, crowd=not quick)
        report(results["postgresql"], seconds)
    worst = max(results.values(), key=lambda m: m.seconds)
    summary = {
        "seconds": round(worst.seconds, 4),
        "reference_seconds": round(worst.reference_seconds, 4),
        "ratio": round(worst.seconds / worst.reference_seconds, 3),
        "target_p95_seconds": TARGET_P95,
        "within_target": all(m.seconds <= TARGET_P95 for m in results.values()),
        "worst_database": worst.database,
        "worst_page": worst.worst_page,
        "clients": CLIENTS,
        "members": worst.members,
        "pages": len(PAGES),
        "duration_seconds": seconds,
        "databases": {name: details(m) for name, m in results.items()},
    }
    print(json.dumps(summary, ensure_ascii=False))


def _merge(measured: Load) -> Timings:
    """The reference's pages (one per member code) as one."""
    merged = Timings()
    for path, times in measured.times.items():
        merged.client += times
        merged.server += measured.server.get(path, [])
    return merged


if __name__ == "__main__":
    main(sys.argv[1:])
