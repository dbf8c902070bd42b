"""``gouvernance audit``: who did what and when, on the organisation's clock."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import DatabaseOption, FrenchErrorsTyper, cli_actor, console, opened

app = FrenchErrorsTyper()


@app.command("audit")
def show_audit(
    limit: Annotated[
        int,
        typer.Option(
            "--limit", "-n", metavar="NOMBRE", min=1, max=1000, help="Nombre d'entrées (1 à 1000)."
        ),
    ] = 30,
    database: DatabaseOption = None,
) -> None:
    """Lire le journal d'audit, le plus récent d'abord, à l'heure de l'organisation."""
    from gouvernance.services import audit

    with opened(database) as application:
        lines = audit.journal(application.uows, cli_actor(), limit)
    table = Table(title=f"Journal d'audit ({len(lines)} dernière(s) entrée(s))")
    for column in ("Quand", "Qui", "Quoi", "Sur", "Détail"):
        table.add_column(column, overflow="fold")
    for line in lines:
        entry = line.entry
        table.add_row(
            line.at_text,
            escape(entry.actor),
            escape(entry.action),
            escape(f"{entry.entity} {entry.entity_key}"),
            escape(entry.detail),
        )
    console.print(table)
