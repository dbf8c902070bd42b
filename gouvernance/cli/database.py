"""``gouvernance db …``: the database itself — under PostgreSQL, the role the service runs as."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from gouvernance.cli.shell import FrenchErrorsTyper, ask_password, console

app = FrenchErrorsTyper(no_args_is_help=True)

OWNER_VARIABLE = "GOUVERNANCE_DATABASE_OWNER_URL"  # read by gouvernance.bootstrap
DEFAULT_ROLE = "gouvernance_app"  # gouvernance.bootstrap.APPLICATION_ROLE, without importing it

OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        metavar="URL",
        help=f"Adresse du propriétaire des tables (sinon ${OWNER_VARIABLE}, sinon "
        "$GOUVERNANCE_DATABASE_URL).",
    ),
]


@app.command("roles")
def roles(
    role: Annotated[
        str, typer.Option("--role", metavar="RÔLE", help="Nom du rôle applicatif.")
    ] = DEFAULT_ROLE,
    password: Annotated[
        str | None,
        typer.Option(
            metavar="MOT-DE-PASSE",
            help="Mot de passe du rôle applicatif (sinon aucun : « \\password » dans psql, ou "
            "une authentification sans mot de passe).",
            envvar="GOUVERNANCE_APP_PASSWORD",
            show_envvar=True,
        ),
    ] = None,
    ask: Annotated[
        bool,
        typer.Option("--ask-password", help="Demander ce mot de passe, sans écho."),
    ] = False,
    print_only: Annotated[
        bool,
        typer.Option(
            "--print",
            help="Seulement afficher les instructions SQL (sans se connecter), pour les faire "
            "exécuter à la main.",
        ),
    ] = False,
    database: OwnerOption = None,
) -> None:
    """PostgreSQL : créer le rôle applicatif, qui lit et écrit des lignes sans rien posséder.

    Avec l'adresse du propriétaire des tables : met la base à jour, crée le rôle s'il manque.
    Tables : SELECT, INSERT, UPDATE, DELETE ; séquences : USAGE, SELECT ; de même à l'avenir.
    Jamais TRUNCATE, TRIGGER, REFERENCES ni la propriété. Peut être relancée."""
    from gouvernance import bootstrap

    secret = password
    if ask and secret is None:
        secret = ask_password(f"Mot de passe du rôle {role}")
    if print_only:
        for line in bootstrap.application_role_script(database, role, secret):
            typer.echo(line)
        return
    grant = bootstrap.create_application_role(database, role, secret)
    state = "créé" if grant.created else "déjà présent, droits remis à jour"
    console.print(
        f"Rôle applicatif « {escape(grant.role)} » {state} sur la base « {escape(grant.database)} »"
        f" (propriétaire des tables : « {escape(grant.owner)} »).",
        highlight=False,
        soft_wrap=True,
    )
    console.print("Instructions exécutées :", style="bold")
    for statement in grant.statements:
        console.print(f"  {escape(statement)}", highlight=False, soft_wrap=True)
    console.print("Ensuite :", style="bold")
    console.print(
        f"  le service se connecte sous ce rôle : GOUVERNANCE_DATABASE_URL="
        f"{escape(grant.application_url)}",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"  les migrations (gouvernance init) gardent l'adresse du propriétaire, dans "
        f"{OWNER_VARIABLE} : à ne pas laisser dans l'environnement du service.",
        highlight=False,
        soft_wrap=True,
    )
