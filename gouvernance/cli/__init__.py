"""The ``gouvernance`` command: a thin Typer shell over the same services as the API and the web.

One module per area (``setup``, ``members``, ``treasury``, ``assemblies``…), what they share in
``shell``, Click's own texts in French in ``french``. The areas are loaded only when their
command runs: ``gouvernance --help`` reads the table below and imports neither the database
layer nor the PDF and spreadsheet libraries, so it answers at once.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Annotated, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from gouvernance import __version__
from gouvernance.cli import french
from gouvernance.cli.shell import OPERATOR_VARIABLE, FrenchErrorsTyper, start_session

french.install()

INSTALLATION = "Installation et comptes"
MEMBERS = "Membres et cotisations"
TREASURY = "Trésorerie"
SCIC = "Transition vers la SCIC"
ASSEMBLIES = "Assemblées générales"


@dataclass(frozen=True)
class Entry:
    """A command of the root: where it lives and the one line ``gouvernance --help`` shows."""

    name: str
    module: str
    attribute: str
    help: str
    panel: str
    command: str | None = None  # a single command of that Typer, or the whole Typer as a group


COMMANDS = (
    Entry("init", "setup", "app", "Créer ou mettre à jour la base, puis dire quoi faire "
          "ensuite.", INSTALLATION, "init"),
    Entry("db", "database", "app", "La base : sous PostgreSQL, le rôle applicatif qui ne "
          "possède rien.", INSTALLATION),
    Entry("organisation", "organisation", "app", "L'organisation : nom, SIREN ou RNA, adresse, "
          "banque, signataires.", INSTALLATION),
    Entry("users", "users", "app", "Comptes d'accès : créer, désactiver, mots de passe, jetons.",
          INSTALLATION),
    Entry("audit", "audit", "app", "Journal d'audit : le lire, le plus récent d'abord, ou "
          "vérifier sa chaîne d'empreintes.", INSTALLATION),
    Entry("demo", "setup", "app", "Charger l'organisation de démonstration (sans rien "
          "dupliquer si elle l'est déjà).", INSTALLATION, "demo"),
    Entry("serve", "setup", "app", "Servir l'application web (sur /) et l'API (documentation sur "
          "/docs).", INSTALLATION, "serve"),
    Entry("run", "setup", "app", "Tout en un : base, démo, puis l'application web et l'API, avec "
          "les comptes.", INSTALLATION, "run"),
    Entry("members", "members", "app", "Registre des membres : import, export, liste.", MEMBERS),
    Entry("schedules", "fees", "app", "Lister les barèmes de cotisation disponibles et vérifier "
          "qu'ils se lisent sans erreur.", MEMBERS, "schedules"),
    Entry("simulate", "fees", "app", "Comparer des barèmes de cotisation sur le registre : "
          "montants, écarts, effort, totaux.", MEMBERS, "simulate"),
    Entry("calls", "treasury", "calls_app", "Appels de cotisation : émettre, consulter, "
          "corriger, imprimer.", TREASURY),
    Entry("payments", "treasury", "payments_app", "Paiements reçus : enregistrer, lister, "
          "imputer le crédit.", TREASURY),
    Entry("balances", "treasury", "balances_app", "Soldes des membres : appelé, avoirs, reçu ; "
          "ce que chacun doit ou son crédit.", TREASURY, "balances"),
    Entry("reminders", "treasury", "reminders_app", "Relances des appels en retard.", TREASURY),
    Entry("export", "treasury", "export_app", "Exports pour le comptable et la banque : CSV, "
          "XLSX, FEC, SEPA.", TREASURY),
    Entry("mandates", "treasury", "mandates_app", "Mandats de prélèvement SEPA des membres.",
          TREASURY),
    Entry("mail", "mail", "app", "Courriels aux membres : appels, relances, convocations, PV, "
          "avec leur PDF.", TREASURY),
    Entry("bank", "bank", "bank_app", "Banque : coordonnées, import des relevés (CAMT.053, "
          "CSV), lignes en attente.", TREASURY),
    Entry("law", "statutes", "law_app",
          "Le droit applicable : paramètres légaux datés, TMO, plafond de l'intérêt aux parts.",
          SCIC),
    Entry("statutes", "statutes", "app",
          "Statuts de la SCIC : lire, contrôler la conformité à la loi.",
          SCIC),
    Entry("transition", "transition", "app",
          "Rapport de transition : les membres actuels rangés selon le projet de statuts de SCIC.",
          SCIC),
    Entry("capital", "capital", "app",
          "Registre des parts sociales : souscriptions, libérations, retraits, remboursements.",
          SCIC),
    Entry("surplus", "surplus", "app",
          "Affectation des excédents de l'exercice (réserves, intérêts aux parts).",
          SCIC),
    Entry("assemblies", "assemblies", "app",
          "Assemblées générales : émargement, pouvoirs, quorum, votes, dépouillement, PV.",
          ASSEMBLIES),
)  # fmt: skip
_BY_NAME = {entry.name: entry for entry in COMMANDS}


def load(entry: Entry) -> Any:
    """Import the area's module and build its Click command (the help line comes from here)."""
    module = importlib.import_module(f"gouvernance.cli.{entry.module}")
    group = typer.main.get_group(getattr(module, entry.attribute))
    command: Any = group
    if entry.command is not None:
        command = group.commands[entry.command]
    else:
        command.help = command.help or entry.help
    command.name = entry.name
    french.name_values(command)
    command.rich_help_panel = entry.panel
    return command


class LazyCommands(TyperGroup):
    """The root group: lists every area from ``COMMANDS`` and imports one only to run it.

    Help and suggestions (« Vouliez-vous dire « members » ? ») read names and help lines
    from the table; resolving a command to run it is what imports its module."""

    _resolving = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [entry.name for entry in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = _BY_NAME.get(cmd_name)
        if entry is None:
            return None
        if self._resolving:
            return load(entry)
        placeholder = TyperGroup(name=entry.name, help=entry.help)
        placeholder.rich_help_panel = entry.panel
        return placeholder

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        self._resolving = True
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            if args and not error.message.endswith("?"):
                close = get_close_matches(args[0], self.list_commands(ctx), n=3, cutoff=0.6)
                if close:
                    shown = " ou ".join(f"« {name} »" for name in close)
                    error.message = f"{error.message.rstrip('.')}. Did you mean {shown}?"
            raise
        finally:
            self._resolving = False


app = FrenchErrorsTyper(
    name="gouvernance",
    cls=LazyCommands,
    help="Gouvernance : registre des membres, cotisations, capital et assemblées d'un PTCE "
    "ou d'une SCIC.\n\nLes commandes qui écrivent agissent au nom d'un compte : "
    f"[bold]--as NOM[/] ou la variable {OPERATOR_VARIABLE}.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gouvernance {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    operator: Annotated[
        str | None,
        typer.Option(
            "--as",
            metavar="COMPTE",
            help=f"Compte au nom duquel agir (sinon ${OPERATOR_VARIABLE}) : son rôle s'applique "
            "et son nom va au journal.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Afficher la version et quitter."
        ),
    ] = False,
) -> None:
    start_session(operator)


def main() -> None:
    app(prog_name="gouvernance")
