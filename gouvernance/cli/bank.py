"""``gouvernance bank``: the organisation's bank details (``set``, ``show``, from
``gouvernance.cli.treasury``) and its statements: import a CAMT.053 or CSV file, list the lines,
confirm or dismiss those that wait.

The commands are added to the same Typer as the bank details, so that ``gouvernance bank``
holds everything about the bank; the services are imported only when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from gouvernance.cli.shell import DatabaseOption, console, opened
from gouvernance.cli.shell import cli_actor as _cli_actor
from gouvernance.cli.treasury import _amount_columns, _day, _euros, _table, bank_app
from gouvernance.domain.errors import InvalidInput

if TYPE_CHECKING:
    from gouvernance.services.bank.views import ImportReport, LineView

# The first line is the one ``gouvernance --help`` shows (``cli.COMMANDS``): the same words.
bank_app.info.help = "Banque : coordonnées, import des relevés (CAMT.053, CSV), lignes en attente."

LineArgument = Annotated[int, typer.Argument(metavar="LIGNE", help="Numéro de la ligne.")]


@bank_app.command("import")
def import_statement(
    file: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="Relevé CAMT.053 (.xml) ou export CSV (.csv)."),
    ],
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Profil des colonnes d'un CSV (rules/banque ; défaut : "
                     "csv-standard)."),
    ] = None,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Importer un relevé : chaque crédit rapproché d'un membre et de ses appels ; un relevé
    importé deux fois n'enregistre rien deux fois."""
    from gouvernance.services.bank import statements

    data = _read(file)
    with opened(database) as application:
        report = statements.import_statement(
            application.uows, _cli_actor(), data, file.name, profile
        )
    _print_report(report)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InvalidInput(f"fichier introuvable : « {path} »", field="file") from None
    except OSError as error:
        raise InvalidInput(
            f"impossible de lire « {path} » : {error.strerror}", field="file"
        ) from None


def _print_report(report: ImportReport) -> None:
    console.print(report.summary, highlight=False)
    if report.statement is not None and report.created:
        statement = report.statement
        period = ""
        if statement.from_date and statement.to_date:
            period = f", du {_day(statement.from_date)} au {_day(statement.to_date)}"
        console.print(
            f"Relevé {statement.reference} ({statement.format.label}, "
            f"{escape(statement.filename)}{period}).",
            highlight=False,
        )
    for note in report.notes:
        console.print(f"[yellow]Attention :[/] {escape(note)}", highlight=False)
    sections = (
        ("Paiements enregistrés", report.recorded),
        ("Déjà enregistrés", report.already_recorded),
        ("Rejets de prélèvement enregistrés", report.returns),
        ("À confirmer", report.to_confirm),
        ("Sans correspondance", report.unmatched),
        ("Débits ignorés", report.ignored),
    )
    for title, found in sections:
        if found:
            _print_lines(f"{title} ({len(found)})", found)
    for skipped in report.skipped:
        console.print(f"  {escape(skipped)}", highlight=False)
    if report.to_confirm or report.unmatched:
        console.print(
            "Pour les lignes en attente : « gouvernance bank confirm LIGNE MEMBRE [--call AC-…] » "
            "ou « gouvernance bank dismiss LIGNE --reason … ».",
            highlight=False,
        )


def _print_lines(title: str, found: tuple[LineView, ...] | list[LineView]) -> None:
    table = _table(title)
    table.add_column("Ligne", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    _amount_columns(table, "Montant")
    table.add_column("Libellé", overflow="fold")
    table.add_column("État")
    table.add_column("Membre", overflow="fold")
    table.add_column("Pièce", no_wrap=True)
    for line in found:
        amount = _euros(line.cents if line.direction.value == "credit" else -line.cents)
        who = line.member_code or (f"{line.suggested_member} ?" if line.suggested_member else "")
        state = line.status_label + (f" ({line.return_label})" if line.return_label else "")
        detail = line.label + (f" [{line.match_reason}]" if line.waiting else "")
        table.add_row(
            str(line.id), _day(line.booked_on), amount, escape(detail), escape(state),
            escape(who), line.payment_reference or "",
        )  # fmt: skip
    console.print(table)


@bank_app.command("lines")
def list_lines(
    pending: Annotated[
        bool, typer.Option("--pending", help="Seulement les lignes en attente (à confirmer, "
                           "sans correspondance).")
    ] = False,
    statement: Annotated[
        str | None, typer.Option("--statement", help="Seulement ce relevé (RLV-2027-0001).")
    ] = None,
    database: DatabaseOption = None,
) -> None:  # fmt: skip
    """Lister les lignes des relevés importés."""
    from gouvernance.services.bank import statements

    with opened(database) as application:
        found = statements.lines(
            application.uows, _cli_actor(), pending=pending, statement=statement
        )
    title = "Lignes en attente" if pending else "Lignes des relevés"
    if not found:
        console.print(f"{title} : aucune.", highlight=False)
        return
    _print_lines(f"{title} ({len(found)})", found)


@bank_app.command("confirm")
def confirm(
    line: LineArgument,
    member: Annotated[str, typer.Argument(metavar="MEMBRE", help="Code du membre qui a payé.")],
    call: Annotated[
        list[str] | None,
        typer.Option("--call", help="Appel réglé (répétable) ; aucun : les plus anciens d'abord."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Confirmer à qui revient une ligne en attente : son paiement (ou son rejet) est enregistré."""
    from gouvernance.services.bank import statements

    with opened(database) as application:
        view = statements.confirm_match(application.uows, _cli_actor(), line, member, call or [])
    console.print(
        f"Ligne {view.id} : {view.status_label} pour {escape(view.member_code or member)}"
        + (f" ({view.payment_reference})" if view.payment_reference else "")
        + ".",
        highlight=False,
    )


@bank_app.command("dismiss")
def dismiss(
    line: LineArgument,
    reason: Annotated[str, typer.Option("--reason", help="Pourquoi elle est écartée.")],
    database: DatabaseOption = None,
) -> None:
    """Écarter une ligne en attente (ce n'est pas une cotisation), avec son motif."""
    from gouvernance.services.bank import statements

    with opened(database) as application:
        view = statements.dismiss_line(application.uows, _cli_actor(), line, reason)
    console.print(f"Ligne {view.id} écartée : {escape(view.note)}.", highlight=False)


@bank_app.command("statements")
def list_statements(database: DatabaseOption = None) -> None:
    """Lister les relevés importés, le plus récent d'abord."""
    from gouvernance.services.bank import statements

    with opened(database) as application:
        found = statements.statements(application.uows, _cli_actor())
    if not found:
        console.print("Aucun relevé importé.", highlight=False)
        return
    table = _table(f"Relevés importés ({len(found)})")
    table.add_column("Référence", no_wrap=True)
    table.add_column("Fichier", overflow="fold")
    table.add_column("Format")
    table.add_column("Période", no_wrap=True)
    table.add_column("Lignes", justify="right")
    table.add_column("Importé par")
    for item in found:
        period = (
            f"{_day(item.from_date)} – {_day(item.to_date)}"
            if item.from_date and item.to_date
            else ""
        )
        table.add_row(
            item.reference, escape(item.filename), item.format.label, period,
            f"{item.new_line_count}/{item.line_count}", escape(item.imported_by),
        )  # fmt: skip
    console.print(table)
