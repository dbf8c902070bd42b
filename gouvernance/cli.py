"""The ``gouvernance`` command: a thin Typer shell over the same services as the API."""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar, cast

import typer
from rich.console import Console
from rich.table import Table

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.users import Actor, Role, parse_role
from gouvernance.services import accounts, demo, member_files, members, setup
from gouvernance.services.ports import MemberFilter

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])


class FrenchErrorsTyper(typer.Typer):
    """Every command prints a domain error as a French message and exits 1, never a traceback."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[CommandFunction], CommandFunction]:
        register = super().command(*args, **kwargs)

        def decorator(function: CommandFunction) -> CommandFunction:
            @functools.wraps(function)
            def guarded(*call_args: Any, **call_kwargs: Any) -> Any:
                try:
                    return function(*call_args, **call_kwargs)
                except GouvernanceError as error:
                    _fail(error)

            return cast(CommandFunction, register(guarded))

        return decorator


app = FrenchErrorsTyper(
    help="Gouvernance : registre des membres, cotisations et assemblées d'un PTCE ou d'une SCIC.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
members_app = FrenchErrorsTyper(
    help="Registre des membres : import, export, liste.", no_args_is_help=True
)
users_app = FrenchErrorsTyper(help="Comptes d'accès à l'API.", no_args_is_help=True)
app.add_typer(members_app, name="members")
app.add_typer(users_app, name="users")

console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="URL de la base (sinon $GOUVERNANCE_DATABASE_URL, sinon data/gouvernance.sqlite3).",
    ),
]
HostOption = Annotated[str, typer.Option(help="Adresse d'écoute.")]
PortOption = Annotated[int, typer.Option(help="Port d'écoute.")]


def _cli_actor() -> Actor:
    """Whoever runs the command on the server acts as an administrator, named in the log."""
    return Actor(username=f"cli:{getpass.getuser()}", role=Role.ADMIN)


def _fail(error: GouvernanceError) -> NoReturn:
    errors.print(f"[bold red]Erreur :[/] {error}")
    for problem in error.problems:
        errors.print(f"  • {problem.render()}")
    raise typer.Exit(code=1)


def _open(database: str | None) -> Application:
    application = bootstrap(database)
    setup.ensure_default_categories(application.uows)
    return application


@app.command()
def init(database: DatabaseOption = None) -> None:
    """Créer ou mettre à jour la base (migrations) et les catégories de la SCIC."""
    application = _open(database)
    console.print(f"Base prête : [bold]{application.database}[/]")
    application.close()


@app.command("demo")
def load_demo(database: DatabaseOption = None) -> None:
    """Charger l'organisation de démonstration (sans rien dupliquer si elle l'est déjà)."""
    application = _open(database)
    try:
        summary = demo.load_demo(application.uows)
    except GouvernanceError as error:
        _fail(error)
    state = "déjà chargée" if summary.already_loaded else "chargée"
    console.print(
        f"Démo {state} : [bold]{summary.organisation}[/], {summary.members_total} membres."
    )
    _print_accounts(summary.accounts)
    application.close()


@app.command()
def serve(
    host: HostOption = os.environ.get("GOUVERNANCE_HOST", "127.0.0.1"),
    port: PortOption = int(os.environ.get("GOUVERNANCE_PORT", "8000")),
    database: DatabaseOption = None,
) -> None:
    """Servir l'API (page OpenAPI sur /docs)."""
    import uvicorn

    from api.app import create_app

    application = _open(database)
    console.print(f"API : http://{host}:{port}  —  documentation : http://{host}:{port}/docs")
    uvicorn.run(create_app(application), host=host, port=port, log_level="info")


@app.command()
def run(
    host: HostOption = os.environ.get("GOUVERNANCE_HOST", "127.0.0.1"),
    port: PortOption = int(os.environ.get("GOUVERNANCE_PORT", "8000")),
    database: DatabaseOption = None,
) -> None:
    """Tout en un : base, démo, puis l'API, avec les comptes pour se connecter."""
    application = _open(database)
    try:
        summary = demo.load_demo(application.uows)
    except GouvernanceError as error:
        _fail(error)
    admin = next(a for a in summary.accounts if a.role is Role.ADMIN)
    token = accounts.sign_in(application.uows, admin.username, admin.password)
    base = f"http://{host}:{port}"
    console.rule("Gouvernance")
    console.print(f"Base : {application.database}")
    console.print(f"Démo : [bold]{summary.organisation}[/], {summary.members_total} membres.")
    _print_accounts(summary.accounts)
    console.print(f"API : {base}   documentation OpenAPI : {base}/docs")
    console.print("Se connecter et lister les membres :", style="bold")
    console.print(
        f"  curl -s -d 'username={admin.username}&password={admin.password}' {base}/auth/token",
        soft_wrap=True,
    )
    console.print(f'  curl -H "Authorization: Bearer {token}" {base}/members', soft_wrap=True)
    console.print("(ce jeton administrateur est valable 12 heures)")
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(application), host=host, port=port, log_level="info")


def _print_accounts(demo_accounts: tuple[demo.DemoAccount, ...]) -> None:
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


@members_app.command("import")
def import_members(
    file: Annotated[Path, typer.Argument(help="Fichier .csv (séparateur ;) ou .xlsx.")],
    database: DatabaseOption = None,
) -> None:
    """Importer des membres : tout ou rien, chaque ligne fautive est signalée."""
    application = _open(database)
    try:
        result = member_files.import_members(application.uows, _cli_actor(), file)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"{result.created} membre(s) importé(s) depuis {file}.")
    application.close()


@members_app.command("export")
def export_members(
    file: Annotated[Path, typer.Argument(help="Fichier .csv ou .xlsx à écrire.")],
    database: DatabaseOption = None,
) -> None:
    """Exporter le registre (même format que l'import)."""
    application = _open(database)
    try:
        count = member_files.export_members(application.uows, _cli_actor(), file)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"{count} membre(s) exporté(s) vers {file}.")
    application.close()


@members_app.command("list")
def list_members(
    category: Annotated[str | None, typer.Option(help="Code de catégorie.")] = None,
    search: Annotated[str | None, typer.Option(help="Nom, code ou SIREN.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Afficher le registre dans le terminal."""
    application = _open(database)
    page = members.list_members(
        application.uows,
        _cli_actor(),
        MemberFilter(category=category, search=search),
        limit=members.MAX_PAGE,
    )
    table = Table(title=f"Membres ({page.total})")
    for column in ("Code", "Nom", "Catégorie", "SIREN", "Adhésion", "Sortie"):
        table.add_column(column)
    for member in page.items:
        table.add_row(
            member.code,
            member.display_name,
            member.category,
            member.siren or "",
            f"{member.joined_on:%d/%m/%Y}",
            f"{member.left_on:%d/%m/%Y}" if member.left_on else "",
        )
    console.print(table)
    application.close()


@users_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Identifiant de connexion.")],
    role: Annotated[
        str, typer.Option(help="admin, board, treasurer, scrutineer ou member.")
    ] = "admin",
    member: Annotated[
        str | None, typer.Option(help="Code du membre (obligatoire pour le rôle member).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Mot de passe (demandé sans écho s'il est absent).", envvar="GOUVERNANCE_PASSWORD"
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Créer un compte — c'est ainsi qu'on crée le premier administrateur."""
    try:
        chosen_role = parse_role(role)
        secret = password or typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
        application = _open(database)
        accounts.add_user(application.uows, _cli_actor(), username, secret, chosen_role, member)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"Compte « {username} » créé ({chosen_role.label}).")
    application.close()


def main() -> None:
    app()
