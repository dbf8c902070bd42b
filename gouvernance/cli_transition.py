"""CLI commands (transition: work in progress)."""

from gouvernance.cli_shell import FrenchErrorsTyper

app = FrenchErrorsTyper(help="(transition)", no_args_is_help=True)
