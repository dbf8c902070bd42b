"""``gouvernance audit``: who did what and when, on the organisation's clock; ``gouvernance
audit verify``: the hash chain recomputed, the first broken link named."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    cli_actor,
    console,
    errors,
    fail,
    opened,
)
from gouvernance.domain.errors import GouvernanceError

app = FrenchErrorsTyper(
    help="Journal d'audit : le lire, le plus récent d'abord, ou vérifier sa chaîne d'empreintes.",
    invoke_without_command=True,
)


@app.callback()
def show_audit(
    context: typer.Context,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="NOMBRE", min=1, max=1000, help="Nombre d'entrées (1 à 1000)."
        ),
    ] = 30,
    database: DatabaseOption = None,
) -> None:
    """Lire le journal d'audit, le plus récent d'abord, à l'heure de l'organisation
    (« gouvernance audit verify » : vérifier sa chaîne d'empreintes)."""
    if context.invoked_subcommand is not None:
        context.obj = database  # « gouvernance audit -d URL verify » reads that database too
        return
    try:
        _show(limit, database)
    except GouvernanceError as error:
        fail(error)


def _show(limit: int, database: str | None) -> None:
    from gouvernance.services import audit

    with opened(database) as application:
        lines = audit.journal(application.uows, cli_actor(), limit)
    table = Table(title=f"Journal d'audit ({len(lines)} dernière(s) entrée(s))")
    for column in ("N°", "Quand", "Qui", "Quoi", "Sur", "Détail"):
        table.add_column(column, overflow="fold")
    for line in lines:
        entry = line.entry
        table.add_row(
            str(entry.id or ""),
            line.at_text,
            escape(entry.actor),
            escape(entry.action),
            escape(f"{entry.entity} {entry.entity_key}"),
            escape(entry.detail),
        )
    console.print(table)


@app.command("verify")
def verify(
    context: typer.Context,
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            metavar="N:EMPREINTE",
            help="Tête imprimée sur un document (procès-verbal, export) : vérifier aussi que le "
            "journal la contient toujours, ex. 1234:9f3a5c0d12345678.",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Recalculer la chaîne d'empreintes du journal et nommer le premier maillon rompu
    (code de sortie 1)."""
    from gouvernance.services import audit_chain

    chosen = database or (context.obj if isinstance(context.obj, str) else None)
    with opened(chosen) as application:
        result = audit_chain.verify(application.uows, cli_actor(), head)
    if result.intact:
        for line in result.lines:
            console.print(escape(line), soft_wrap=True, highlight=False)
        return
    for line in result.lines:
        errors.print(escape(line), soft_wrap=True, highlight=False)
    raise typer.Exit(code=1)
