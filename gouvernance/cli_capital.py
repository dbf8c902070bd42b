"""CLI commands (capital: work in progress)."""

from gouvernance.cli_shell import FrenchErrorsTyper

app = FrenchErrorsTyper(help="(capital)", no_args_is_help=True)
