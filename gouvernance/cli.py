"""The ``gouvernance`` command: a thin Typer shell over the same services as the API."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from gouvernance import (
    cli_assemblies,
    cli_capital,
    cli_statutes,
    cli_surplus,
    cli_transition,
    cli_treasury,
)
from gouvernance.bootstrap import Application
from gouvernance.cli_shell import (
    DatabaseOption,
    FrenchErrorsTyper,
    HostOption,
    PortOption,
    console,
)
from gouvernance.cli_shell import cli_actor as _cli_actor
from gouvernance.cli_shell import fail as _fail
from gouvernance.cli_shell import open_application as _open
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.fees.comparison import (
    Cell,
    Comparison,
    MemberLine,
    Scenario,
    format_burden,
    format_cents,
    format_difference,
)
from gouvernance.domain.users import Role, parse_role
from gouvernance.services import accounts, demo, fees, member_files, members
from gouvernance.services.ports import MemberFilter

app = FrenchErrorsTyper(
    help="Gouvernance : registre des membres, cotisations et assemblées d'un PTCE ou d'une SCIC.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
members_app = FrenchErrorsTyper(
    help="Registre des membres : import, export, liste.", no_args_is_help=True
)
users_app = FrenchErrorsTyper(help="Comptes d'accès à l'API.", no_args_is_help=True)
app.add_typer(members_app, name="members")
app.add_typer(users_app, name="users")
# The treasurer's commands (gouvernance/cli_treasury.py).
app.add_typer(cli_treasury.calls_app, name="calls")
app.add_typer(cli_treasury.payments_app, name="payments")
app.add_typer(cli_treasury.reminders_app, name="reminders")
app.add_typer(cli_treasury.export_app, name="export")
app.add_typer(cli_treasury.mandates_app, name="mandates")
app.add_typer(cli_treasury.bank_app, name="bank")
app.add_typer(cli_statutes.app, name="statutes")
app.add_typer(cli_statutes.law_app, name="law")
app.add_typer(cli_transition.app, name="transition")
app.add_typer(cli_capital.app, name="capital")
app.add_typer(cli_surplus.app, name="surplus")
app.add_typer(cli_assemblies.app, name="assemblies")
app.command("balances")(cli_treasury.show_balances)


@app.command()
def init(database: DatabaseOption = None) -> None:
    """Créer ou mettre à jour la base (migrations) et les catégories de la SCIC."""
    application = _open(database)
    console.print(f"Base prête : [bold]{application.database}[/]")
    application.close()


@app.command("demo")
def load_demo(database: DatabaseOption = None) -> None:
    """Charger l'organisation de démonstration (sans rien dupliquer si elle l'est déjà)."""
    application = _open(database)
    try:
        summary = demo.load_demo(application.uows)
    except GouvernanceError as error:
        _fail(error)
    state = "déjà chargée" if summary.already_loaded else "chargée"
    console.print(
        f"Démo {state} : [bold]{summary.organisation}[/], {summary.members_total} membres."
    )
    _print_accounts(summary.accounts)
    application.close()


@app.command()
def serve(
    host: HostOption = os.environ.get("GOUVERNANCE_HOST", "127.0.0.1"),
    port: PortOption = int(os.environ.get("GOUVERNANCE_PORT", "8000")),
    database: DatabaseOption = None,
) -> None:
    """Servir l'API (page OpenAPI sur /docs)."""
    import uvicorn

    from api.app import create_app

    application = _open(database)
    console.print(f"API : http://{host}:{port}  —  documentation : http://{host}:{port}/docs")
    uvicorn.run(create_app(application), host=host, port=port, log_level="info")


@app.command()
def run(
    host: HostOption = os.environ.get("GOUVERNANCE_HOST", "127.0.0.1"),
    port: PortOption = int(os.environ.get("GOUVERNANCE_PORT", "8000")),
    database: DatabaseOption = None,
) -> None:
    """Tout en un : base, démo, puis l'API, avec les comptes pour se connecter."""
    application = _open(database)
    try:
        summary = demo.load_demo(application.uows)
    except GouvernanceError as error:
        _fail(error)
    admin = next(a for a in summary.accounts if a.role is Role.ADMIN)
    token = accounts.sign_in(application.uows, admin.username, admin.password)
    base = f"http://{host}:{port}"
    console.rule("Gouvernance")
    console.print(f"Base : {application.database}")
    console.print(f"Démo : [bold]{summary.organisation}[/], {summary.members_total} membres.")
    _print_accounts(summary.accounts)
    console.print(f"API : {base}   documentation OpenAPI : {base}/docs")
    console.print("Se connecter et lister les membres :", style="bold")
    console.print(
        f"  curl -s -d 'username={admin.username}&password={admin.password}' {base}/auth/token",
        soft_wrap=True,
    )
    console.print(f'  curl -H "Authorization: Bearer {token}" {base}/members', soft_wrap=True)
    console.print("(ce jeton administrateur est valable 12 heures)")
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(application), host=host, port=port, log_level="info")


def _print_accounts(demo_accounts: tuple[demo.DemoAccount, ...]) -> None:
    table = Table(title="Comptes de démonstration")
    table.add_column("Rôle")
    table.add_column("Identifiant")
    table.add_column("Mot de passe")
    table.add_column("Membre")
    for account in demo_accounts:
        table.add_row(
            account.role.label, account.username, account.password, account.member_code or ""
        )
    console.print(table)


@members_app.command("import")
def import_members(
    file: Annotated[Path, typer.Argument(help="Fichier .csv (séparateur ;) ou .xlsx.")],
    database: DatabaseOption = None,
) -> None:
    """Importer des membres : tout ou rien, chaque ligne fautive est signalée."""
    application = _open(database)
    try:
        result = member_files.import_members(application.uows, _cli_actor(), file)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"{result.created} membre(s) importé(s) depuis {file}.")
    application.close()


@members_app.command("export")
def export_members(
    file: Annotated[Path, typer.Argument(help="Fichier .csv ou .xlsx à écrire.")],
    database: DatabaseOption = None,
) -> None:
    """Exporter le registre (même format que l'import)."""
    application = _open(database)
    try:
        count = member_files.export_members(application.uows, _cli_actor(), file)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"{count} membre(s) exporté(s) vers {file}.")
    application.close()


@members_app.command("list")
def list_members(
    category: Annotated[str | None, typer.Option(help="Code de catégorie.")] = None,
    search: Annotated[str | None, typer.Option(help="Nom, code ou SIREN.")] = None,
    database: DatabaseOption = None,
) -> None:
    """Afficher le registre dans le terminal."""
    application = _open(database)
    page = members.list_members(
        application.uows,
        _cli_actor(),
        MemberFilter(category=category, search=search),
        limit=members.MAX_PAGE,
    )
    table = Table(title=f"Membres ({page.total})")
    for column in ("Code", "Nom", "Catégorie", "SIREN", "Adhésion", "Sortie"):
        table.add_column(column)
    for member in page.items:
        table.add_row(
            member.code,
            member.display_name,
            member.category,
            member.siren or "",
            f"{member.joined_on:%d/%m/%Y}",
            f"{member.left_on:%d/%m/%Y}" if member.left_on else "",
        )
    console.print(table)
    application.close()


@users_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Identifiant de connexion.")],
    role: Annotated[
        str, typer.Option(help="admin, board, treasurer, scrutineer ou member.")
    ] = "admin",
    member: Annotated[
        str | None, typer.Option(help="Code du membre (obligatoire pour le rôle member).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Mot de passe (demandé sans écho s'il est absent).", envvar="GOUVERNANCE_PASSWORD"
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Créer un compte — c'est ainsi qu'on crée le premier administrateur."""
    try:
        chosen_role = parse_role(role)
        secret = password or typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
        application = _open(database)
        accounts.add_user(application.uows, _cli_actor(), username, secret, chosen_role, member)
    except GouvernanceError as error:
        _fail(error)
    console.print(f"Compte « {username} » créé ({chosen_role.label}).")
    application.close()


# --- Fee schedules: list, simulate, explain ---------------------------------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
WIDE_CONSOLE = 110  # from this width, a cell's difference and burden share one line

ScheduleIds = Annotated[
    list[str] | None,
    typer.Argument(
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
        typer.Option("--reference", "-r", help="Barème de référence des écarts (défaut : le 1er)."),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option("--explain", "-e", help="Code d'un membre : chaque étape de son calcul."),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", "-o", help="Écrire la comparaison dans un fichier .csv ou .xlsx."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Comparer des barèmes de cotisation sur le registre : montants, écarts, effort, totaux."""
    file_format = _export_format(export) if export is not None else None
    ids = schedules or []
    application = _open(database)
    try:
        if explain is not None:
            _print_explanations(application, explain, ids)
        if explain is None or export is not None:
            comparison = fees.simulate(application.uows, _cli_actor(), ids, reference)
            if explain is None:
                _print_comparison(comparison)
            if export is not None and file_format is not None:
                _write_export(comparison, export, file_format)
    finally:
        application.close()


def _export_format(path: Path) -> str:
    """Checked before any work: « .csv » or « .xlsx », named in French otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in fees.EXPORT_FORMATS:
        raise InvalidInput(
            f"format d'export inconnu « {path.name} » : le fichier doit finir par .csv ou .xlsx",
            field="--export",
        )
    return suffix


def _write_export(comparison: Comparison, path: Path, file_format: str) -> None:
    data = fees.export_comparison(comparison, file_format)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire « {path} » : {exc.strerror}", field="--export"
        ) from None
    console.print(f"Comparaison exportée vers {escape(str(path))}.")


def _letter(position: int) -> str:
    return LETTERS[position] if position < len(LETTERS) else str(position + 1)


def _print_comparison(comparison: Comparison) -> None:
    """The scenarios, the members side by side, the totals, the missing data, the changes."""
    _print_legend(comparison)
    console.print(_member_table(comparison))
    console.print(_totals_table(comparison))
    _print_missing(comparison)
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
    assessments = fees.explain(application.uows, _cli_actor(), member_code, ids)
    labels = {s.id: s for s in fees.load_schedules([a.schedule_id for a in assessments])}
    first = assessments[0]
    console.rule(f"Détail du calcul — {escape(first.member_code)} ({escape(first.member_name)})")
    for position, assessment in enumerate(assessments):
        schedule = labels[assessment.schedule_id]
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


def main() -> None:
    app()
