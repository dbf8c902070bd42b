"""``gouvernance schedules`` and ``gouvernance simulate``: the board compares fee schedules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
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
    write_document,
)
from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    Scenario,
    format_burden,
    format_cents,
    format_difference,
)
from gouvernance.services.contributions import fees

if TYPE_CHECKING:
    from gouvernance.bootstrap import Application

app = FrenchErrorsTyper(no_args_is_help=True)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
WIDE_CONSOLE = 110  # from this width, a cell's difference and burden share one line

ScheduleIds = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="BARÈMES",
        help="Identifiants des barèmes à comparer (par défaut : les barèmes candidats du "
        "dernier exercice trouvés dans le dossier des règles, hors exemples).",
        show_default=False,
    ),
]


@app.command("schedules")
def list_fee_schedules() -> None:
    """Lister les barèmes de cotisation disponibles et vérifier qu'ils se lisent sans erreur."""
    schedules = fees.list_schedules()
    defaults = set(fees.default_ids(schedules))
    table = Table(title=f"Barèmes de cotisation ({len(schedules)})", box=box.SIMPLE_HEAD)
    table.add_column("Identifiant", no_wrap=True)
    table.add_column("Exercice", no_wrap=True)
    table.add_column("Barème et décision", ratio=3)
    table.add_column("Fichier", overflow="fold", ratio=1)
    for schedule in schedules:
        marker = " *" if schedule.id in defaults else ""
        decision = f"\n[dim]{escape(schedule.reference)}[/]" if schedule.reference else ""
        table.add_row(
            escape(schedule.id) + marker,
            f"{schedule.fiscal_year}\n[dim]données {schedule.facts_year}[/]",
            escape(schedule.label) + decision,
            escape(schedule.source),
        )
    console.print(table)
    console.print(f"Dossier : {escape(str(fees.rules_folder()))}", soft_wrap=True)
    console.print("* comparé par défaut par « gouvernance simulate » (sans identifiant)")
    console.print(f"{len(schedules)} barème(s) lu(s) sans erreur.")


@app.command("simulate")
def simulate_fees(
    schedules: ScheduleIds = None,
    reference: Annotated[
        str | None,
        typer.Option(
            "--reference",
            "-r",
            metavar="BARÈME",
            help="Barème de référence des écarts (défaut : le 1er).",
        ),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain", "-e", metavar="CODE", help="Code d'un membre : chaque étape de son calcul."
        ),
    ] = None,
    totals: Annotated[
        bool,
        typer.Option(
            "--totals",
            "-t",
            help="Seulement les totaux par barème et les données manquantes (sans le détail "
            "par membre) : lisible même pour des milliers de membres.",
        ),
    ] = False,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            "-o",
            metavar="FICHIER",
            help="Écrire la comparaison dans un fichier .csv ou .xlsx.",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Comparer des barèmes de cotisation sur le registre : montants, écarts, effort, totaux."""
    file_format = _export_format(export) if export is not None else None
    ids = schedules or []
    with opened(database) as application:
        if explain is not None:
            _print_explanations(application, explain, ids)
        if explain is None or export is not None:
            with progress_bar("Calcul des cotisations") as progress:
                comparison = fees.simulate(
                    application.uows, cli_actor(), ids, reference, progress=progress
                )
            if explain is None:
                _print_comparison(comparison, totals_only=totals)
            if export is not None and file_format is not None:
                _write_export(comparison, export, file_format)


def _export_format(path: Path) -> str:
    """Checked before any work: « .csv » or « .xlsx », a folder that exists, in French."""
    output_file(path, "--export", tuple(f".{s}" for s in fees.EXPORT_FORMATS))
    return path.suffix.lower().lstrip(".")


def _write_export(comparison: Comparison, path: Path, file_format: str) -> None:
    write_document(fees.export_comparison(comparison, file_format), path, "--export")
    console.print(f"Comparaison exportée vers {escape(str(path))}.")


def _letter(position: int) -> str:
    return LETTERS[position] if position < len(LETTERS) else str(position + 1)


def _print_comparison(comparison: Comparison, *, totals_only: bool = False) -> None:
    """The scenarios, the members side by side, the totals, the missing data, the changes;
    with ``totals_only``, the scenarios, the totals and the missing data."""
    _print_legend(comparison)
    if not totals_only:
        console.print(_member_table(comparison))
    console.print(_totals_table(comparison))
    _print_missing(comparison)
    if not totals_only:
        _print_changes(comparison)


def _print_legend(comparison: Comparison) -> None:
    years = sorted({s.schedule.fiscal_year for s in comparison.scenarios})
    facts = sorted({s.schedule.facts_year for s in comparison.scenarios})
    console.rule(
        f"Comparaison de {len(comparison.scenarios)} barème(s) — exercice "
        f"{', '.join(map(str, years))} (données {', '.join(map(str, facts))})"
    )
    for position, scenario in enumerate(comparison.scenarios):
        tag = " [bold](référence)[/]" if scenario.id == comparison.reference_id else ""
        console.print(
            f" [bold]{_letter(position)}[/]  {escape(scenario.label)}  "
            f"[dim]{escape(scenario.id)} · {escape(scenario.schedule.source)}[/]{tag}",
            soft_wrap=True,
        )
    reference = _letter(comparison.index(comparison.reference_id))
    console.print(
        f"[dim]Sous chaque montant : écart avec {reference}, effort (cotisation ÷ chiffre "
        "d'affaires de l'exercice lu). « manque » : données absentes (membre hors des totaux) ; "
        "« — » : pas membre sur la période.[/]"
    )


def _member_table(comparison: Comparison) -> Table:
    """One row per member, grouped by category (the biggest contributors' first)."""
    table = Table(title="Cotisation par membre", box=box.SIMPLE_HEAD)
    table.add_column("Code", no_wrap=True)
    table.add_column("Nom", max_width=30, overflow="fold")
    table.add_column("Catégorie", max_width=24, overflow="fold")
    for position, scenario in enumerate(comparison.scenarios):
        tag = " (réf.)" if scenario.id == comparison.reference_id else ""
        table.add_column(f"{_letter(position)}{tag}", justify="right", no_wrap=True)
    separator = " · " if console.width >= WIDE_CONSOLE else "\n"
    for group in _by_category(comparison.members):
        for row, line in enumerate(group):
            cells = [
                _member_cell(cell, scenario.id == comparison.reference_id, separator)
                for scenario, cell in zip(comparison.scenarios, line.cells, strict=True)
            ]
            category = escape(line.category_label) if row == 0 else ""
            table.add_row(escape(line.code), escape(line.name), category, *cells)
        table.add_section()
    return table


def _by_category(lines: Sequence[MemberLine]) -> list[list[MemberLine]]:
    """Members by category, categories by their largest amount in any scenario (then name):
    the board reads the structures first, the 0 € categories last."""
    groups: dict[str, list[MemberLine]] = {}
    for line in lines:
        groups.setdefault(line.category_label, []).append(line)

    def largest(group: list[MemberLine]) -> int:
        return max((cell.cents or 0 for line in group for cell in line.cells), default=0)

    return sorted(groups.values(), key=lambda group: (-largest(group), group[0].category_label))


def _member_cell(cell: Cell, is_reference: bool, separator: str) -> str:
    """The amount, then (dimmed) the difference with the reference and the burden."""
    if not cell.liable:
        return "—"
    if cell.cents is None:
        return "[yellow]manque[/]"
    details = []
    if not is_reference and cell.difference:
        details.append(format_difference(cell.difference))
    if cell.burden is not None:
        details.append(format_burden(cell.burden))
    shown = format_cents(cell.cents)
    return f"{shown}\n[dim]{separator.join(details)}[/]" if details else shown


def _totals_table(comparison: Comparison) -> Table:
    """One column per scenario: total, members charged, min / median / max, missing data."""
    table = Table(title="Totaux par barème", box=box.SIMPLE_HEAD)
    table.add_column("")
    for position in range(len(comparison.scenarios)):
        table.add_column(_letter(position), justify="right", no_wrap=True)
    reference = comparison.reference
    rows: list[tuple[str, Callable[[Scenario], str]]] = [
        ("Total appelé", lambda s: format_cents(s.total_cents)),
        (
            f"Écart du total avec {_letter(comparison.index(reference.id))}",
            lambda s: (
                "" if s is reference else format_difference(s.total_cents - reference.total_cents)
            ),
        ),
        ("Membres appelés (montant > 0)", lambda s: str(s.charged)),
        ("Membres à 0 €", lambda s: str(s.at_zero)),
        ("Membres sans données (hors total)", lambda s: str(len(s.missing))),
        ("Plus petit montant appelé", lambda s: format_cents(s.minimum)),
        ("Montant médian appelé", lambda s: format_cents(s.median)),
        ("Plus gros montant appelé", lambda s: format_cents(s.maximum)),
    ]
    for label, value in rows:
        table.add_row(label, *(value(scenario) for scenario in comparison.scenarios))
    return table


def _print_missing(comparison: Comparison) -> None:
    found = [
        (position, member)
        for position, scenario in enumerate(comparison.scenarios)
        for member in scenario.missing
    ]
    if not found:
        console.print("Aucune donnée manquante : tous les membres sont comptés.")
        return
    table = Table(title="Données manquantes (membres hors des totaux)", box=box.SIMPLE_HEAD)
    for column in ("Barème", "Code", "Nom", "Manque"):
        table.add_column(column)
    for position, member in found:
        table.add_row(
            _letter(position), escape(member.code), escape(member.name), escape(member.describe())
        )
    console.print(table)


def _print_changes(comparison: Comparison) -> None:
    reference = _letter(comparison.index(comparison.reference_id))
    table = Table(title=f"Plus fortes variations par rapport à {reference}", box=box.SIMPLE_HEAD)
    for column in ("Barème", "Code", "Nom"):
        table.add_column(column)
    for column in (reference, "devient", "écart"):
        table.add_column(column, justify="right", no_wrap=True)
    for position, scenario in enumerate(comparison.scenarios):
        for change in comparison.biggest_changes(scenario.id):
            table.add_row(
                _letter(position),
                escape(change.code),
                escape(change.name),
                format_cents(change.reference_cents),
                format_cents(change.cents),
                format_difference(change.difference),
            )
    if table.row_count:
        console.print(table)
    else:
        console.print(f"Aucun membre ne change de montant par rapport à {reference}.")


def _print_explanations(application: Application, member_code: str, ids: list[str]) -> None:
    """Each step of one member's fee, schedule by schedule (lines are never cut)."""
    found = fees.explained(application.uows, cli_actor(), member_code, ids)
    first = found[0][1]
    console.rule(f"Détail du calcul — {escape(first.member_code)} ({escape(first.member_name)})")
    for position, (schedule, assessment) in enumerate(found):
        if assessment.cents is None:
            missing = ", ".join(item.text for item in assessment.missing)
            result = f"[yellow]montant non calculable — manque : {escape(missing)}[/]"
        else:
            result = f"[bold]{format_cents(assessment.cents)}[/]"
        console.print(
            f"\n[bold]{_letter(position)}  {escape(schedule.label)}[/] "
            f"[dim]({escape(schedule.id)})[/] : {result}",
            soft_wrap=True,
        )
        for text in assessment.explain().splitlines():
            console.print(f"   {escape(text)}", soft_wrap=True, highlight=False)
