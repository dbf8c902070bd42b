"""What every ``gouvernance`` sub-command shares: French errors, consoles, the database option,
the acting person. Its own module so that ``cli.py`` and ``cli_treasury.py`` both import it."""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar, cast

import typer
from rich.console import Console

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.users import Actor, Role
from gouvernance.services import setup

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])


class FrenchErrorsTyper(typer.Typer):
    """Every command prints a domain error as a French message and exits 1, never a traceback."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[CommandFunction], CommandFunction]:
        register = super().command(*args, **kwargs)

        def decorator(function: CommandFunction) -> CommandFunction:
            @functools.wraps(function)
            def guarded(*call_args: Any, **call_kwargs: Any) -> Any:
                try:
                    return function(*call_args, **call_kwargs)
                except GouvernanceError as error:
                    fail(error)

            return cast(CommandFunction, register(guarded))

        return decorator


console = Console()
errors = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        "-d",
        help="URL de la base (sinon $GOUVERNANCE_DATABASE_URL, sinon data/gouvernance.sqlite3).",
    ),
]
HostOption = Annotated[str, typer.Option(help="Adresse d'écoute.")]
PortOption = Annotated[int, typer.Option(help="Port d'écoute.")]


def cli_actor() -> Actor:
    """Whoever runs the command on the server acts as an administrator, named in the log."""
    return Actor(username=f"cli:{getpass.getuser()}", role=Role.ADMIN)


def fail(error: GouvernanceError) -> NoReturn:
    errors.print(f"[bold red]Erreur :[/] {error}", soft_wrap=True)
    for problem in error.problems:
        errors.print(f"  • {problem.render()}", soft_wrap=True)
    raise typer.Exit(code=1)


def open_application(database: str | None) -> Application:
    application = bootstrap(database)
    setup.ensure_default_categories(application.uows)
    return application


# --- documents written to a file ------------------------------------------------------------

DOCUMENT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def document_format(path: Path, what: str, option: str) -> str:
    """« pdf » or « html » from the file's ending, checked before any work is done."""
    found = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise InvalidInput(f"« {path.name} » : {what} s'écrit en .pdf ou en .html", field=option)
    return found


def write_document(content: bytes, path: Path, option: str) -> None:
    """Write a document; a folder that cannot be written to is a French error, not a traceback."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire « {path} » : {exc.strerror}", field=option
        ) from None
