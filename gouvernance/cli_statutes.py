"""CLI commands (statutes: work in progress)."""

from gouvernance.cli_shell import FrenchErrorsTyper

app = FrenchErrorsTyper(help="(statutes)", no_args_is_help=True)
law_app = FrenchErrorsTyper(help="(law)", no_args_is_help=True)
