"""``gouvernance surplus allocate 2027 --surplus "12 345,67" [--reserves] [--public-support]
[--losses] [--rate] [--assembly] [--json]``: simulate the year-end surplus allocation on the
capital register.

A thin shell over ``services.surplus.simulate``, as the CLI's administrator; nothing is written.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import DatabaseOption, FrenchErrorsTyper, console, parse_day
from gouvernance.cli.shell import cli_actor as _cli_actor
from gouvernance.cli.shell import open_application as _open
from gouvernance.domain.money import format_amount, parse_amount
from gouvernance.domain.scic.surplus import parse_rate
from gouvernance.services.scic import surplus
from gouvernance.services.scic.surplus import SurplusView
from gouvernance.services.scic.surplus_views import SimulationOut

app = FrenchErrorsTyper(
    help="Affectation des excédents de l'exercice (réserves, intérêts aux parts).",
    no_args_is_help=True,
)


@app.command("allocate")
def allocate(
    fiscal_year: Annotated[int, typer.Argument(help="Exercice, ex. 2027.")],
    amount: Annotated[
        str, typer.Option("--surplus", help="Excédent net de l'exercice (« 12 345,67 »).")
    ],
    reserves: Annotated[str, typer.Option("--reserves", help="Réserves avant affectation.")] = "0",
    support: Annotated[
        str,
        typer.Option(
            "--public-support",
            "--subsidies",
            help="Subventions, encouragements et autres moyens financiers des collectivités "
            "publiques, de leurs groupements et des associations (hors base de l'intérêt).",
        ),
    ] = "0",
    losses: Annotated[
        str,
        typer.Option(
            "--losses", help="Pertes antérieures non apurées (aucun intérêt s'il en reste)."
        ),
    ] = "0",
    rate: Annotated[
        str | None,
        typer.Option("--rate", help="Taux d'intérêt aux parts (« 2 % » ; défaut : statuts)."),
    ] = None,
    assembly: Annotated[
        str | None,
        typer.Option("--assembly", help="Jour de l'assemblée (défaut : 30 juin suivant)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (comme l'API).")] = False,
    database: DatabaseOption = None,
) -> None:
    """Simuler l'affectation de l'excédent (rien n'est enregistré)."""
    figures = (
        parse_amount(amount, field="--surplus"),
        parse_amount(reserves, field="--reserves"),
        parse_amount(support, field="--public-support"),
    )
    unabsorbed = parse_amount(losses, field="--losses")
    asked = parse_rate(rate, "--rate") if rate is not None else None
    day = parse_day(assembly, "--assembly") if assembly is not None else None
    application = _open(database)
    try:
        view = surplus.simulate(
            application.uows, _cli_actor(), fiscal_year, *figures, asked, day, unabsorbed
        )
    finally:
        application.close()
    if as_json:
        body = SimulationOut.of(view).model_dump(mode="json")
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    _print(view)


def _print(view: SurplusView) -> None:
    result = view.allocation
    console.print(
        f"[bold]Affectation de l'excédent {result.fiscal_year}[/] — assemblée du "
        f"{result.assembly_day:%d/%m/%Y}, {escape(view.statutes_label)}",
        soft_wrap=True,
    )
    console.print(
        f"Excédent : {format_amount(result.surplus)} ; réserves avant affectation : "
        f"{format_amount(result.reserves_before)} ; capital souscrit au 31/12 : "
        f"{format_amount(result.subscribed_capital)}, libéré : "
        f"{format_amount(result.paid_up_total)} ; intérêt : {view.rate_text}",
        soft_wrap=True,
    )
    lines = Table(box=box.SIMPLE_HEAD, title="Affectation", title_justify="left")
    lines.add_column("Ligne", overflow="fold", max_width=28)
    lines.add_column("Montant", justify="right", no_wrap=True)
    lines.add_column("Explication", overflow="fold")
    for line in result.lines:
        lines.add_row(escape(line.label), format_amount(line.amount), escape(line.explanation))
    lines.add_section()
    lines.add_row("[bold]Total[/]", f"[bold]{format_amount(result.total)}[/]", "")
    console.print(lines)
    if view.interests:
        parts = Table(box=box.SIMPLE_HEAD, title="Intérêts par associé", title_justify="left")
        parts.add_column("Associé", no_wrap=True)
        parts.add_column("Nom", overflow="fold")
        parts.add_column("Capital libéré", justify="right", no_wrap=True)
        parts.add_column("Intérêt", justify="right", no_wrap=True)
        for part in view.interests:
            parts.add_row(
                part.member_code, escape(part.member_name),
                format_amount(part.paid_up), format_amount(part.amount),
            )  # fmt: skip
        console.print(parts)
    if view.cap_explanation:
        console.print(escape(view.cap_explanation), soft_wrap=True)
