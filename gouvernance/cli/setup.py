"""Installing and serving: ``init``, ``demo``, ``serve``, ``run``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from gouvernance.cli.shell import (
    DATABASE_VARIABLE,
    DatabaseOption,
    FrenchErrorsTyper,
    HostOption,
    PortOption,
    console,
    opened,
)
from gouvernance.domain.errors import InvalidInput

if TYPE_CHECKING:
    from gouvernance.services.demo_data.demo import DemoAccount

app = FrenchErrorsTyper()

DEFAULT_HOST = os.environ.get("GOUVERNANCE_HOST", "127.0.0.1")
DEFAULT_PORT = int(os.environ.get("GOUVERNANCE_PORT", "8000"))
WORKERS_VARIABLE = "GOUVERNANCE_WORKERS"
MAX_WORKERS = 32
POSTGRESQL_WORKERS = 3
EVENT_LOOP = "asyncio"  # not uvloop: see ``_serve``; the benches serve with the same

WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        max=MAX_WORKERS,
        metavar="N",
        help=(
            "Nombre de processus du serveur (défaut : $GOUVERNANCE_WORKERS, sinon 1). "
            "Plusieurs processus servent plus de lectures à la fois sur PostgreSQL ; voir "
            "docs/installation.md pour ce que chaque processus garde pour lui."
        ),
    ),
]


def default_workers(database: str | None = None) -> int:
    """The number of server processes when ``--workers`` is not given: ``$GOUVERNANCE_WORKERS``,
    else one for SQLite (a single writer, WAL readers in threads: a second process would only
    wait for the first), and for PostgreSQL one per core, at most ``POSTGRESQL_WORKERS``
    (each process holds up to 30 connections, PostgreSQL allows 100 by default). The
    processes share what they must through the database: the background jobs of the pages, the
    failed sign-ins (migration 0017)."""
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not configured:
        postgresql = (database or "").startswith("postgresql")
        return min(os.cpu_count() or 1, POSTGRESQL_WORKERS) if postgresql else 1
    if not configured.isdigit() or not 1 <= int(configured) <= MAX_WORKERS:
        raise InvalidInput(
            f"nombre de processus invalide « {configured} » (1 à {MAX_WORKERS})",
            field=WORKERS_VARIABLE,
        )
    return int(configured)


@app.command()
def init(database: DatabaseOption = None) -> None:
    """Créer ou mettre à jour la base, puis dire quoi faire ensuite."""
    from gouvernance.services.organisation import setup

    with opened(database) as application:
        console.print(f"Base prête : [bold]{application.database}[/]")
        status = setup.first_run_status(application.uows)
    if status.next_steps:
        console.print("Prochaines étapes :", style="bold")
        for number, step in enumerate(status.next_steps, start=1):
            console.print(f"  {number}. {step}", soft_wrap=True, highlight=False)
    else:
        console.print(f"Organisation : [bold]{status.organisation}[/] ; tout est en place.")


@app.command("demo")
def load_demo(database: DatabaseOption = None) -> None:
    """Charger l'organisation de démonstration (sans rien dupliquer si elle l'est déjà)."""
    from gouvernance.services.demo_data import demo

    with opened(database) as application:
        summary = demo.load_demo(application.uows)
    state = "déjà chargée" if summary.already_loaded else "chargée"
    console.print(
        f"Démo {state} : [bold]{summary.organisation}[/], {summary.members_total} membres."
    )
    _print_accounts(summary.accounts)


@app.command()
def serve(
    host: HostOption = DEFAULT_HOST,
    port: PortOption = DEFAULT_PORT,
    database: DatabaseOption = None,
    workers: WorkersOption = None,
) -> None:
    """Servir l'application web (sur /) et l'API (documentation sur /docs)."""
    with opened(database) as application:
        console.print(f"Base : {application.database}")
        processes = workers or default_workers(application.database)
        if processes > 1 and application.refuses_writes():
            console.print(
                "Base en lecture seule : un seul processus, qui garde les connexions en mémoire "
                "(docs/installation.md)."
            )
            processes = 1
    console.print(f"Application web : http://{host}:{port}/", style="bold")
    console.print(f"API : http://{host}:{port}  —  documentation : http://{host}:{port}/docs")
    if processes > 1:
        console.print(f"{processes} processus serveurs.")
    _serve(host, port, database, processes)


@app.command()
def run(
    host: HostOption = DEFAULT_HOST,
    port: PortOption = DEFAULT_PORT,
    database: DatabaseOption = None,
) -> None:
    """Tout en un : base, démo, puis l'application web et l'API, avec les comptes."""
    from gouvernance.domain.users import Role
    from gouvernance.services.access import accounts
    from gouvernance.services.demo_data import demo

    with opened(database) as application:
        summary = demo.load_demo(application.uows)
        admin = next(a for a in summary.accounts if a.role is Role.ADMIN)
        token = accounts.sign_in(application.uows, admin.username, admin.password)
        where = application.database
    base = f"http://{host}:{port}"
    console.rule("Gouvernance")
    console.print(f"Base : {where}")
    console.print(f"Démo : [bold]{summary.organisation}[/], {summary.members_total} membres.")
    _print_accounts(summary.accounts)
    console.print(
        f"Application web : {base}/  (se connecter avec un compte ci-dessus, par exemple "
        "adherent / demo-adherent)",
        style="bold",
        soft_wrap=True,
    )
    console.print(f"API : {base}   documentation OpenAPI : {base}/docs")
    console.print("Par l'API, se connecter et lister les membres :", style="bold")
    console.print(
        f"  curl -s -d 'username={admin.username}&password={admin.password}' {base}/auth/token",
        soft_wrap=True,
    )
    console.print(f'  curl -H "Authorization: Bearer {token}" {base}/members', soft_wrap=True)
    console.print("(ce jeton administrateur est valable 12 heures)")
    console.print(
        f"Dans un autre terminal, les commandes agissent au nom d'un compte : "
        f"export GOUVERNANCE_OPERATOR={admin.username}",
        soft_wrap=True,
    )
    _serve(host, port, database)


def _serve(host: str, port: int, database: str | None, workers: int = 1) -> None:
    """Uvicorn builds the API from its import path: the CLI never imports the API package.
    With httptools installed (a dependency), uvicorn takes its fastest HTTP parser. The event
    loop is Python's own (``asyncio``), not uvloop: with the short reads served on the loop
    (``bootstrap.short_read``), uvloop served the same one or two connections in twenty last,
    round after round (95th centile of the pages 151 ms against 114, bench/web_pages.py), for
    no gain elsewhere (bench/api.py, bench/vote.py). Several workers are several processes,
    each with its own pool of connections (``persistence/database.py``) and its share of the
    argon2 slots (``GOUVERNANCE_SERVER_PROCESSES``, read by ``accounts.argon2_slots``)."""
    import uvicorn

    from gouvernance.services.access import accounts

    if database:
        os.environ[DATABASE_VARIABLE] = database
    os.environ[accounts.PROCESSES_VARIABLE] = str(workers)
    uvicorn.run(
        "gouvernance.server:create_server",
        factory=True,
        host=host,
        port=port,
        log_level="info",
        workers=workers,
        loop=EVENT_LOOP,
    )


def _print_accounts(demo_accounts: tuple[DemoAccount, ...]) -> None:
    table = Table(title="Comptes de démonstration")
    table.add_column("Rôle")
    table.add_column("Identifiant")
    table.add_column("Mot de passe")
    table.add_column("Membre")
    for account in demo_accounts:
        table.add_row(
            account.role.label, account.username, account.password, account.member_code or ""
        )
    console.print(table)
