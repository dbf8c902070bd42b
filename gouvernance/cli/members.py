"""``gouvernance members …``: import, export and list the register."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    cli_actor,
    console,
    opened,
    output_file,
    progress_bar,
)

app = FrenchErrorsTyper(no_args_is_help=True)
TABLE_SUFFIXES = (".csv", ".xlsx")


@app.command("import")
def import_members(
    file: Annotated[
        Path, typer.Argument(metavar="FICHIER", help="Fichier .csv (séparateur ;) ou .xlsx.")
    ],
    database: DatabaseOption = None,
) -> None:
    """Importer des membres : tout ou rien, chaque ligne fautive est signalée."""
    from gouvernance.services.registry import member_files

    with opened(database) as application, progress_bar("Import des membres") as progress:
        result = member_files.import_members(application.uows, cli_actor(), file, progress=progress)
    console.print(f"{result.created} membre(s) importé(s) depuis {escape(str(file))}.")


@app.command("export")
def export_members(
    file: Annotated[
        Path, typer.Argument(metavar="FICHIER", help="Fichier .csv ou .xlsx à écrire.")
    ],
    database: DatabaseOption = None,
) -> None:
    """Exporter le registre (même format que l'import)."""
    from gouvernance.services.registry import member_files

    output_file(file, "FICHIER", TABLE_SUFFIXES)
    with opened(database) as application:
        count = member_files.export_members(application.uows, cli_actor(), file)
    console.print(f"{count} membre(s) exporté(s) vers {escape(str(file))}.")


@app.command("list")
def list_members(
    category: Annotated[str | None, typer.Option(metavar="CODE", help="Code de catégorie.")] = None,
    search: Annotated[str | None, typer.Option(metavar="TEXTE", help="Nom, code ou SIREN.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Afficher le registre dans le terminal."""
    from gouvernance.services.ports import MemberFilter
    from gouvernance.services.registry import members

    with opened(database) as application:
        page = members.list_members(
            application.uows,
            cli_actor(),
            MemberFilter(category=category, search=search),
            limit=members.MAX_PAGE,
        )
    table = Table(title=f"Membres ({page.total})")
    for column in ("Code", "Nom", "Catégorie", "SIREN", "Adhésion", "Sortie"):
        table.add_column(column)
    for member in page.items:
        table.add_row(
            escape(member.code),
            escape(member.display_name),
            escape(member.category),
            member.siren or "",
            f"{member.joined_on:%d/%m/%Y}",
            f"{member.left_on:%d/%m/%Y}" if member.left_on else "",
        )
    console.print(table)
