"""What every ``gouvernance`` command shares: French errors, consoles, common options, the
account the command acts for, dates typed by a person, files written.

Kept light on purpose: importing it costs Typer and Rich only. The database (SQLAlchemy,
Alembic) is opened by ``open_application`` when a command needs it, never at import, so that
``gouvernance --help`` answers at once.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape

from gouvernance.domain.errors import GouvernanceError, InvalidInput

if TYPE_CHECKING:
    from gouvernance.bootstrap import Application
    from gouvernance.domain.users import Actor

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])
OPERATOR_VARIABLE = "GOUVERNANCE_OPERATOR"
DATABASE_VARIABLE = "GOUVERNANCE_DATABASE_URL"  # read by the persistence layer


class FrenchErrorsTyper(typer.Typer):
    """Every command prints a domain error as a French message and exits 1, never a traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rich_markup_mode", "rich")
        kwargs.setdefault("add_completion", False)  # its options' help is English only
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        super().__init__(*args, **kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[CommandFunction], CommandFunction]:
        kwargs.setdefault("options_metavar", "[OPTIONS]")
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
        metavar="URL",
        help="URL de la base (sinon $GOUVERNANCE_DATABASE_URL, sinon data/gouvernance.sqlite3).",
    ),
]
HostOption = Annotated[str, typer.Option(metavar="ADRESSE", help="Adresse d'écoute.")]
PortOption = Annotated[int, typer.Option(metavar="PORT", help="Port d'écoute.")]


def fail(error: GouvernanceError) -> NoReturn:
    """The French message, each further problem on its line, exit code 1.

    The services name API fields (``holder``); a person at the terminal typed ``--holder``, so
    the field is shown as the option or argument of the command being run when one matches."""
    where = _where(error.field)
    message = f"{error.message} ({where})" if where else error.message
    errors.print(f"[bold red]Erreur :[/] {escape(message)}", soft_wrap=True, highlight=False)
    for problem in error.problems:
        if (problem.message, problem.field) == (error.message, error.field):
            continue  # already said above
        place = [f"ligne {problem.line}"] if problem.line is not None else []
        place += [shown] if (shown := _where(problem.field)) else []
        text = f"{', '.join(place)} : {problem.message}" if place else problem.message
        errors.print(f"  • {escape(text)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code=1)


# API field names whose command-line parameter is called differently.
FIELD_ALIASES = {
    "member_code": ("member", "code"),
    "code": ("member",),
    "username": ("username", "name"),
    "held_on": ("on",),
    "due_on": ("due",),
    "received_on": ("on",),
    "statutes": ("statutes_id",),
    "file": ("file", "path"),
    "sepa_creditor_id": ("ics", "creditor_id"),
    "schedule": ("schedule_id",),
    "call": ("reference",),
    "president_name": ("president",),
    "treasurer_name": ("treasurer",),
    "fiscal_year_start_day": ("fiscal_year_start",),
    "fiscal_year_start_month": ("fiscal_year_start",),
}


def _where(field: str | None) -> str | None:
    """« option --holder », « argument MEMBRE » or, failing a match, « champ « x » »."""
    if not field:
        return None
    if field.startswith("-"):
        return f"option {field}"
    if field == DATABASE_VARIABLE:
        return f"option --database ou variable {field}"
    if field.startswith("GOUVERNANCE_"):
        return f"variable {field}"
    if field.isupper():
        return f"argument {field}"
    from typer._click.globals import get_current_context

    context = get_current_context(silent=True)
    params = context.command.params if context is not None else []
    wanted = {field, field.replace("-", "_"), *FIELD_ALIASES.get(field, ())}
    for param in params:
        dashed = "--" + field.replace("_", "-")
        if param.name in wanted or dashed in getattr(param, "opts", ()):
            if param.param_type_name == "argument":
                return f"argument {getattr(param, 'display_name_raw', field)}"
            longest = max(param.opts, key=len)
            return f"option {longest}"
    return f"champ « {field} »"


# --- the account a command acts for -----------------------------------------------------------


@dataclass
class _Session:
    """What one run of the command knows: the account named by ``--as`` and the database."""

    operator: str | None = None
    application: Application | None = None
    actor: Actor | None = None


_session = _Session()


def start_session(operator: str | None) -> None:
    """Called by the root callback at each run (tests run many commands in one process)."""
    global _session
    _session = _Session(operator=operator)


def open_application(database: str | None) -> Application:
    """Open (and migrate) the database; Alembic and SQLAlchemy are imported only now."""
    from gouvernance.bootstrap import bootstrap
    from gouvernance.services.organisation import setup

    application = bootstrap(database)
    setup.ensure_default_categories(application.uows)
    _session.application = application
    _session.actor = None
    return application


@contextmanager
def opened(database: str | None) -> Iterator[Application]:
    """The database for the length of a ``with`` block, closed whatever happens."""
    application = open_application(database)
    try:
        yield application
    finally:
        application.close()


def cli_actor() -> Actor:
    """The named account this command acts for: ``--as NOM`` or ``$GOUVERNANCE_OPERATOR``.

    Its role decides what the command may do and its name goes to the audit log, so a change
    made from the server's terminal is signed by a person, never by ``cli:root``."""
    if _session.actor is not None:
        return _session.actor
    if _session.application is None:  # a programming error: commands open the database first
        raise RuntimeError("open_application() must be called before cli_actor()")
    from gouvernance.services.access import operators

    name = _session.operator or os.environ.get(OPERATOR_VARIABLE, "").strip() or None
    _session.actor = operators.operator(_session.application.uows, name)
    return _session.actor


# --- what a person types ----------------------------------------------------------------------

_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(text: str, field: str) -> date:
    """« 2027-03-31 » or « 31/03/2027 »; anything else is refused in French."""
    raw = text.strip()
    try:
        if found := _FRENCH_DATE.match(raw):
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            f"date invalide « {raw} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)", field=field
        ) from None


def optional_day(text: str | None, field: str) -> date | None:
    return parse_day(text, field) if text is not None else None


def ask_password(prompt: str, *, confirm: bool = True) -> str:
    """Asked without echo, twice for a new one; a mismatch is asked again, in French."""
    while True:
        first = str(typer.prompt(prompt, hide_input=True))
        if not confirm:
            return first
        if first == str(typer.prompt("Confirmez-le", hide_input=True)):
            return first
        errors.print("Les deux saisies diffèrent : recommencez.")


# --- files written ----------------------------------------------------------------------------

DOCUMENT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def output_file(
    path: Path, option: str, suffixes: Iterable[str], *, folder_allowed: bool = False
) -> Path:
    """Checked before any work is done: the folder exists and can be written to, the path is not
    a folder (unless allowed), and the file ends with one of ``suffixes`` — in French, naming the
    option, never a traceback after the work is lost."""
    allowed = tuple(suffixes)
    if path.is_dir():
        if folder_allowed:
            _check_folder(path, path, option)
            return path
        raise InvalidInput(
            f"« {path} » est un dossier : donnez un nom de fichier ({_endings(allowed)})",
            field=option,
        )
    if path.suffix.lower() not in allowed:
        raise InvalidInput(
            f"« {path.name} » : le fichier doit finir par {_endings(allowed)}", field=option
        )
    _check_folder(path, path.parent if str(path.parent) else Path.cwd(), option)
    return path


def _check_folder(path: Path, folder: Path, option: str) -> None:
    if not folder.is_dir():
        raise InvalidInput(
            f"impossible d'écrire « {path} » : le dossier « {folder} » n'existe pas", field=option
        )
    if not os.access(folder, os.W_OK):
        raise InvalidInput(
            f"impossible d'écrire « {path} » : le dossier « {folder} » est protégé en écriture",
            field=option,
        )


def _endings(suffixes: tuple[str, ...]) -> str:
    shown = [s for s in suffixes if s != ".htm"]
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " ou " + shown[-1]


def document_format(path: Path, what: str, option: str) -> str:
    """« pdf » or « html » from the file's ending, checked before any work is done."""
    found = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    if found is None or path.is_dir():
        raise InvalidInput(f"« {path.name} » : {what} s'écrit en .pdf ou en .html", field=option)
    output_file(path, option, DOCUMENT_SUFFIXES)
    return found


def write_document(content: bytes, path: Path, option: str) -> None:
    """Write a document; a folder that cannot be written to is a French error, not a traceback."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire « {path} » : {exc.strerror}", field=option
        ) from None


# --- long work ----------------------------------------------------------------------------------

PROGRESS_THRESHOLD = 2000  # below this many items the work is over before a bar is worth drawing


@contextmanager
def progress_bar(
    description: str, *, threshold: int = PROGRESS_THRESHOLD
) -> Iterator[Callable[[int, int], None]]:
    """A callback for the services' ``progress`` parameter, drawn as a Rich bar in French.

    The bar appears only when the total is large enough to wait for, so that short runs (and
    the tests' small databases) print exactly what they printed before."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        "[progress.percentage]{task.percentage:>3.0f} %",
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    )
    task: list[Any] = []

    def report(done: int, total: int) -> None:
        if total < threshold:
            return
        if not task:
            bar.start()
            task.append(bar.add_task(description, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield report
    finally:
        if task:
            bar.stop()
