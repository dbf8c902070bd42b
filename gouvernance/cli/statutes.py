"""``gouvernance statutes …`` and ``gouvernance law …``: read the statutes, check them against
the law, read the legal parameters and the TMO. Rule files only: no database is opened.

``statutes check`` exits with code 1 when an error is found, so a script (or the CI of the
statutes drafts) stops on unlawful statutes; warnings alone exit 0.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import FrenchErrorsTyper, console, parse_day
from gouvernance.domain.organisation import parse_fiscal_year_start
from gouvernance.domain.scic.compliance import ComplianceReport, Severity
from gouvernance.domain.scic.law import format_share
from gouvernance.services.scic import statutes

app = FrenchErrorsTyper(
    help="Statuts de la SCIC : lire, contrôler la conformité à la loi.", no_args_is_help=True
)
law_app = FrenchErrorsTyper(
    help="Le droit applicable : paramètres légaux datés, TMO, plafond de l'intérêt aux parts.",
    no_args_is_help=True,
)

OnOption = Annotated[
    str | None,
    typer.Option(
        "--on", help="Jour de référence (AAAA-MM-JJ ou JJ/MM/AAAA ; défaut : aujourd'hui)."
    ),
]


def _day(text: str | None) -> date | None:
    return parse_day(text, "--on") if text is not None else None


@app.command("list")
def list_statutes() -> None:
    """Lister les documents de statuts du dossier des règles."""
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("identifiant", "intitulé", "forme", "depuis le", "fichier"):
        table.add_column(column)
    for item in statutes.list_statutes():
        table.add_row(
            item.id,
            escape(item.label),
            item.legal_form.label,
            f"{item.valid_from:%d/%m/%Y}",
            escape(item.source),
        )
    console.print(table)


@app.command("show")
def show(statutes_id: Annotated[str, typer.Argument(help="Identifiant des statuts.")],
         on: OnOption = None,
         exercice: Annotated[str, typer.Option(
             "--exercice",
             help="Début d'exercice « JJ/MM » de l'organisation (défaut 01/01) : en SA, le "
             "passage de 2019 sur les abstentions en dépend (loi n° 2019-744, art. 16 II).",
         )] = "01/01") -> None:  # fmt: skip
    """Lire des statuts : catégories, collèges, règles d'assemblée, capital, excédents."""
    view = statutes.show(statutes_id, _day(on), parse_fiscal_year_start(exercice))
    s = view.statutes
    console.print(f"[bold]{escape(s.label)}[/] ({s.id}) — {s.legal_form.label}")
    console.print(f"Depuis le {s.valid_from:%d/%m/%Y} ; {escape(s.reference)}")
    categories = Table(title="Catégories d'associés", box=box.SIMPLE_HEAD)
    for column in ("code", "catégorie", "nature", "registre", "souscription minimale"):
        categories.add_column(column)
    for c in view.categories:
        categories.add_row(
            c.code, escape(c.label), c.kind_label, ", ".join(c.registry), escape(c.minimum)
        )
    console.print(categories)
    if view.colleges:
        colleges = Table(title="Collèges de vote", box=box.SIMPLE_HEAD)
        for column in ("code", "collège", "poids", "catégories", "taille minimale"):
            colleges.add_column(column)
        for college in view.colleges:
            colleges.add_row(
                college.code, escape(college.label), college.weight_text,
                ", ".join(college.categories), str(college.minimum_size),
            )  # fmt: skip
        console.print(colleges)
        console.print(f"Pondération : {view.weighting}")
        console.print(f"Collège vide : {escape(view.empty_college)}")
        for member, college_code in view.overrides:
            console.print(f"Exception : {member} → collège {college_code}")
    console.print(f"\n[bold]Assemblées[/] (règles au {view.on:%d/%m/%Y})")
    for decision in view.decisions:
        console.print(f"{escape(decision.label)} ({decision.kind}, {escape(decision.origin)})")
        for line in decision.lines:
            console.print(f"  • {escape(line)}")
        if decision.reference:
            console.print(f"  Source : {escape(decision.reference)}")
    console.print(f"Pouvoirs : {escape(view.proxies)}")
    console.print("\n[bold]Capital[/]")
    for line in view.capital:
        console.print(f"  • {line}")
    console.print("[bold]Excédents[/]")
    for line in view.surplus:
        console.print(f"  • {line}")


@app.command("check")
def check(
    statutes_id: Annotated[str, typer.Argument(help="Identifiant des statuts.")],
    on: OnOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
    salaries: Annotated[
        bool | None,
        typer.Option(
            "--salaries/--sans-salaries",
            help="L'organisation a-t-elle des salariés ? Sans catégorie de salariés, les "
            "producteurs n'en tiennent lieu qu'en l'absence de salariés (art. 19 septies) ; "
            "sans réponse, le contrôle avertit au lieu de conclure.",
        ),
    ] = None,
) -> None:
    """Contrôler la conformité des statuts à la loi en vigueur (code de sortie 1 si erreur)."""
    report = statutes.check(statutes_id, _day(on), employees=salaries)
    if as_json:
        typer.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if not report.lawful:
        raise typer.Exit(code=1)


def _print_report(report: ComplianceReport) -> None:
    console.print(
        f"[bold]{escape(report.label)}[/] ({report.statutes_id}), {report.legal_form.label}, "
        f"droit en vigueur au {report.on:%d/%m/%Y}"
    )
    if not report.findings:
        console.print("[green]Conformes : aucun constat.[/]")
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("gravité", "constat", "article", "clé"):
        table.add_column(column)
    for finding in report.findings:
        style = "bold red" if finding.severity is Severity.ERROR else "yellow"
        table.add_row(
            f"[{style}]{finding.severity.label}[/]",
            escape(finding.message),
            escape(finding.article),
            escape(finding.path),
        )
    console.print(table)
    verdict = "[green]conformes[/]" if report.lawful else "[bold red]non conformes[/]"
    console.print(
        f"Statuts {verdict} : {report.errors} erreur(s), {report.warnings} avertissement(s)."
    )


def _report_json(report: ComplianceReport) -> dict[str, object]:
    return {
        "statutes_id": report.statutes_id,
        "on": report.on.isoformat(),
        "lawful": report.lawful,
        "findings": [
            {
                "severity": f.severity.value,
                "code": f.code,
                "message": f.message,
                "article": f.article,
                "path": f.path,
            }
            for f in report.findings
        ],
    }


@law_app.command("params")
def params(on: OnOption = None) -> None:
    """Les paramètres légaux en vigueur un jour donné, avec leur source."""
    day = _day(on)
    values = statutes.law_parameters(day)
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("clé", "paramètre", "valeur", "depuis le", "référence", "confiance"):
        table.add_column(column)
    for value in values:
        table.add_row(
            value.key, escape(value.label), value.text, f"{value.since:%d/%m/%Y}",
            escape(value.reference), value.confidence,
        )  # fmt: skip
    console.print(table)


@law_app.command("tmo")
def tmo() -> None:
    """La table du TMO, semestre par semestre."""
    table_data = statutes.tmo_table()
    table = Table(title=escape(table_data.label), box=box.SIMPLE_HEAD)
    for column in ("semestre", "taux", "note"):
        table.add_column(column)
    for semester in table_data.semesters:
        note = ("déduit : " if semester.derived else "") + semester.note
        table.add_row(semester.label, format_share(semester.rate), escape(note))
    console.print(table)
    console.print(f"Source : {escape(table_data.reference)}")


@law_app.command("cap")
def cap(year: Annotated[int, typer.Argument(help="Année de l'assemblée générale.")]) -> None:
    """Le plafond de l'intérêt aux parts pour une assemblée tenue cette année-là, expliqué."""
    found = statutes.interest_cap(year)
    console.print(f"[bold]{format_share(found.rate)}[/]")
    console.print(escape(found.explain()), soft_wrap=True)
