"""``gouvernance users …``: the accounts that sign in to the web application and the API."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    ask_password,
    cli_actor,
    console,
    opened,
)

app = FrenchErrorsTyper(no_args_is_help=True)

PasswordOption = Annotated[
    str | None,
    typer.Option(
        metavar="MOT-DE-PASSE",
        help="Mot de passe (demandé sans écho s'il est absent).",
        envvar="GOUVERNANCE_PASSWORD",
        show_envvar=True,
    ),
]


@app.command("add")
def add_user(
    username: Annotated[
        str, typer.Argument(metavar="IDENTIFIANT", help="Identifiant de connexion.")
    ],
    role: Annotated[
        str,
        typer.Option(
            metavar="RÔLE",
            help="administrateur, conseil, trésorier, scrutateur ou adhérent (ou admin, board, "
            "treasurer, scrutineer, member).",
        ),
    ] = "admin",
    member: Annotated[
        str | None,
        typer.Option(metavar="CODE", help="Code du membre (obligatoire pour le rôle member)."),
    ] = None,
    password: PasswordOption = None,
    database: DatabaseOption = None,
) -> None:
    """Créer un compte — le premier administrateur se crée ainsi, sans --as."""
    from gouvernance.domain.users import parse_role
    from gouvernance.services.access import accounts, operators

    chosen_role = parse_role(role, field="--role")
    secret = password or ask_password("Mot de passe")
    with opened(database) as application:
        actor = operators.first_admin(application.uows, username)
        first = actor is not None and chosen_role.value == "admin"
        accounts.add_user(
            application.uows,
            actor if first and actor is not None else cli_actor(),
            username,
            secret,
            chosen_role,
            member,
        )
    console.print(f"Compte « {username} » créé ({chosen_role.label}).")
    if first:
        console.print(
            "C'est le premier administrateur. Les commandes suivantes agissent en son nom avec "
            f"« gouvernance --as {username} … » ou « export GOUVERNANCE_OPERATOR={username} ».",
            soft_wrap=True,
        )


Username = Annotated[str, typer.Argument(metavar="IDENTIFIANT", help="Identifiant du compte.")]


@app.command("list")
def list_users(database: DatabaseOption = None) -> None:
    """Lister les comptes : rôle, membre rattaché, actif ou non, sessions ouvertes."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        found = accounts.list_users(application.uows, cli_actor())
    table = Table(title=f"Comptes ({len(found)})")
    for column in ("Identifiant", "Rôle", "Membre", "État", "Sessions"):
        table.add_column(column)
    for account in found:
        table.add_row(
            escape(account.username),
            account.role.label,
            escape(account.member_code or ""),
            "actif" if account.active else "[dim]désactivé[/]",
            str(account.live_tokens),
        )
    console.print(table)


@app.command("deactivate")
def deactivate_user(username: Username, database: DatabaseOption = None) -> None:
    """Désactiver un compte : il ne peut plus se connecter et ses sessions sont fermées."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        accounts.deactivate_user(application.uows, cli_actor(), username)
    console.print(f"Compte « {escape(username)} » désactivé ; ses sessions sont fermées.")


@app.command("reactivate")
def reactivate_user(username: Username, database: DatabaseOption = None) -> None:
    """Réactiver un compte désactivé (son mot de passe n'a pas changé)."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        accounts.reactivate_user(application.uows, cli_actor(), username)
    console.print(f"Compte « {escape(username)} » réactivé.")


@app.command("password")
def change_password(
    current: Annotated[
        str | None,
        typer.Option(
            "--current", metavar="MOT-DE-PASSE", help="Mot de passe actuel (demandé s'il manque)."
        ),
    ] = None,
    new: PasswordOption = None,
    database: DatabaseOption = None,
) -> None:
    """Changer son propre mot de passe (le compte de --as) ; ses autres sessions sont fermées."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        actor = cli_actor()
        old = current or ask_password("Mot de passe actuel", confirm=False)
        secret = new or ask_password("Nouveau mot de passe")
        closed = accounts.change_password(application.uows, actor, old, secret)
    console.print(
        f"Mot de passe de « {escape(actor.username)} » changé ; {closed} session(s) fermée(s)."
    )


@app.command("reset-password")
def reset_password(
    username: Username, password: PasswordOption = None, database: DatabaseOption = None
) -> None:
    """Donner un nouveau mot de passe à un autre compte (administrateur) ; ses sessions sont
    fermées."""
    from gouvernance.services.access import accounts

    secret = password or ask_password(f"Nouveau mot de passe de {username}")
    with opened(database) as application:
        closed = accounts.reset_password(application.uows, cli_actor(), username, secret)
    console.print(
        f"Mot de passe de « {escape(username)} » remplacé ; {closed} session(s) fermée(s)."
    )


@app.command("revoke-tokens")
def revoke_tokens(username: Username, database: DatabaseOption = None) -> None:
    """Fermer toutes les sessions d'un compte (jetons révoqués) : il devra se reconnecter."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        closed = accounts.revoke_tokens(application.uows, cli_actor(), username)
    console.print(f"{closed} session(s) de « {escape(username)} » fermée(s).")


@app.command("purge-tokens")
def purge_tokens(database: DatabaseOption = None) -> None:
    """Effacer les jetons expirés (fait aussi à chaque connexion)."""
    from gouvernance.services.access import accounts

    with opened(database) as application:
        cli_actor()
        purged = accounts.purge_tokens(application.uows)
    console.print(f"{purged} jeton(s) expiré(s) effacé(s).")
