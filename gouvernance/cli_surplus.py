"""CLI commands (surplus: work in progress)."""

from gouvernance.cli_shell import FrenchErrorsTyper

app = FrenchErrorsTyper(help="(surplus)", no_args_is_help=True)
