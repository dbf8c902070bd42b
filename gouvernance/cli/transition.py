"""``gouvernance transition [STATUTS] [--on] [--json] [--document rapport.pdf]``: the members of
the registry placed into the planned SCIC statutes, as Rich tables, JSON or a French document.

The statutes default to the only SCIC document under ``rules/statuts`` when there is exactly one.
The registry is read from the database (``--database``, else ``$GOUVERNANCE_DATABASE_URL``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    console,
    document_format,
    fail,
    parse_day,
    write_document,
)
from gouvernance.cli.shell import cli_actor as _cli_actor
from gouvernance.cli.shell import open_application as _open
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.money import format_amount
from gouvernance.domain.scic.compliance import Severity
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.transition import TransitionReport, capital_summary
from gouvernance.services.scic import transition, transition_document
from gouvernance.services.scic.transition import TransitionResult
from gouvernance.services.scic.transition_views import TransitionOut

app = FrenchErrorsTyper(
    help="Rapport de transition : les membres actuels rangés selon le projet de statuts de SCIC.",
    invoke_without_command=True,
    # options after the statutes' id: a group would otherwise take them for a sub-command
    context_settings={"allow_interspersed_args": True},
)


@app.callback()
def report(
    statutes_id: Annotated[
        str | None,
        typer.Argument(help="Identifiant des statuts (défaut : le seul document de statuts)."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="Membres à ce jour (AAAA-MM-JJ ou JJ/MM/AAAA ; défaut : aujourd'hui)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (comme l'API).")] = False,
    document: Annotated[
        Path | None,
        typer.Option(
            "--document", help="Écrire le rapport pour le conseil (rapport.pdf ou rapport.html)."
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Ranger les membres actuels dans les catégories et collèges du projet de statuts."""
    try:
        _report(statutes_id, on, as_json, document, database)
    except GouvernanceError as error:
        fail(error)


def _report(
    statutes_id: str | None, on: str | None, as_json: bool, out: Path | None, database: str | None
) -> None:
    day = parse_day(on, "--on") if on is not None else None
    file_format = document_format(out, "le rapport", "--document") if out is not None else None
    chosen = statutes_id or transition.default_statutes_id()
    application = _open(database)
    try:
        result = transition.transition_report(application.uows, _cli_actor(), chosen, day)
    finally:
        application.close()
    if as_json:
        typer.echo(json.dumps(TransitionOut.of(result).model_dump(mode="json"),
                              ensure_ascii=False, indent=2))  # fmt: skip
    else:
        _print(result)
    if out is not None and file_format is not None:
        write_document(transition_document.document(result, file_format).content, out, "--document")
        if not as_json:
            console.print(f"Rapport écrit : {escape(str(out))}", soft_wrap=True)


# --- terminal -------------------------------------------------------------------------------


def _print(result: TransitionResult) -> None:
    r = result.report
    console.print(
        f"[bold]Rapport de transition[/] — {escape(r.statutes.label)} ({r.statutes.id}), "
        f"membres au {r.on:%d/%m/%Y}",
        soft_wrap=True,
    )
    console.print("« (clause) » : collège fixé nommément par les statuts.")
    for table in (*_members(r), _colleges(r), _categories(r), _capital(r), _findings(r)):
        console.print(table)
    console.print(f"Règle du collège vide : {escape(r.policy_text)}", soft_wrap=True)


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in columns:
        table.add_column(column, justify="right" if column in {"parts", "montant"} else "left")
    return table


def _members(r: TransitionReport) -> list[Table]:
    """One table per college, then the members no college takes."""
    groups = [(c.label, c.code) for c in r.colleges] + [("Sans collège", None)]
    tables = []
    for label, code in groups:
        placed = [p for p in r.members if p.college_code == code]
        if not placed and code is None:
            continue
        table = _table(f"{label} ({len(placed)})", "code", "nom", "catégorie", "parts", "montant")
        for p in placed:
            category = escape(p.category_label) + (" (clause)" if p.by_override else "")
            if p.category_code is None:
                category = f"[yellow]{category}[/]"
            table.add_row(
                p.code, escape(p.name), category,
                "—" if p.shares is None else str(p.shares),
                "—" if p.amount is None else format_amount(p.amount),
            )  # fmt: skip
        tables.append(table)
    return tables


def _colleges(r: TransitionReport) -> Table:
    table = _table("Collèges", "collège", "poids", "membres", "minimum", "poids effectif",
                   "situation")  # fmt: skip
    for c in r.colleges:
        effective = "—" if c.effective_weight is None else format_share(c.effective_weight)
        situation = escape(c.outcome) if c.formed else f"[yellow]{escape(c.outcome)}[/]"
        table.add_row(escape(c.label), format_share(c.weight), str(c.size), str(c.minimum_size),
                      effective, situation)  # fmt: skip
    return table


def _categories(r: TransitionReport) -> Table:
    table = _table("Catégories", "catégorie", "nature", "membres", "obligatoire")
    for c in r.categories:
        members = str(c.members) if c.members or not c.mandatory else "[bold red]0[/]"
        table.add_row(escape(c.label), c.kind.label if c.kind else "—", members,
                      "oui" if c.mandatory else "")  # fmt: skip
    return table


def _capital(r: TransitionReport) -> Table:
    capital = r.capital
    table = _table("Capital projeté aux souscriptions minimales", "", "montant")
    table.add_row("valeur nominale d'une part", format_amount(capital.share_value))
    table.add_row("parts", str(capital.shares))
    table.add_row("[bold]capital projeté[/]", f"[bold]{format_amount(capital.total)}[/]")
    table.add_row("dont collectivités territoriales", format_amount(capital.public_bodies))
    table.add_row("part des collectivités", capital.public_share_text)
    table.add_row("plafond légal", format_share(capital.public_max))
    if capital.incomplete:
        table.caption = escape(capital_summary(capital))
    return table


def _findings(r: TransitionReport) -> Table:
    table = _table(f"Constats ({len(r.errors)} erreur(s), {len(r.warnings)} avertissement(s))",
                   "gravité", "constat", "article")  # fmt: skip
    for f in r.findings:
        style = "bold red" if f.severity is Severity.ERROR else "yellow"
        table.add_row(f"[{style}]{f.severity.label}[/]", escape(f.message), escape(f.article))
    if not r.findings:
        table.add_row("[green]aucun[/]", "aucun constat", "")
    return table
