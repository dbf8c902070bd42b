"""Pages from Jinja2 templates, with what every page shows: who is signed in, the menu of their
role, the CSRF value of their forms, and the errors of a refused form next to its fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import Actor, Permission, Role
from web.session import CSRF_FIELD, csrf_for, session_token

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Templates are compiled once per process and never looked at again on disk (no file check
# per page: they change with a new version, which restarts the server).
environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
environment.filters["euros"] = format_cents


def table_rows(rows: Sequence[Sequence[Any]], limit: int) -> Markup:
    """The ``<tr>`` of a table's first ``limit`` rows, each first cell a row header, escaped:
    built in one pass in Python rather than by a Jinja loop per cell (a minutes preview shows
    hundreds of rows, a few milliseconds of the page)."""
    lines = []
    for row in rows[:limit]:
        if not row:
            lines.append("<tr></tr>")
            continue
        rest = [str(cell) for cell in row[1:]]
        joined = _CELL.join(rest)
        if rest and (_CELL in joined or any(hasattr(cell, "__html__") for cell in row)):
            tail = "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        else:  # one escape for the row's cells (a tenth of the cost of one per cell)
            tail = f"<td>{escape(joined).replace(_CELL, '</td><td>')}</td>" if rest else ""
        lines.append(f'<tr><th scope="row">{escape(row[0])}</th>{tail}</tr>')
    return Markup("\n      ".join(lines))


_CELL = "\x1f"  # the unit separator: between cells while a row is escaped, never in a cell


environment.filters["lignes"] = table_rows


@dataclass(frozen=True)
class Link:
    label: str
    href: str


def menu(actor: Actor | None) -> list[Link]:
    """The pages a role uses, in the order of its day."""
    if actor is None:
        return []
    links: list[Link] = []
    if actor.member_code:
        links += [
            Link("Mon espace", "/mon-espace"),
            Link("Mes appels", "/mon-espace/appels"),
            Link("Mes pouvoirs", "/mon-espace/pouvoirs"),
        ]
    if actor.can(Permission.ISSUE_CALLS) or actor.can(Permission.RECORD_PAYMENTS):
        links.append(Link("Trésorerie", "/tresorerie"))
    if actor.can(Permission.SIMULATE_FEES):
        links.append(Link("Barèmes", "/conseil/simulation"))
    links.append(Link("Assemblées", "/assemblees"))
    return links


@dataclass
class FormErrors:
    """The French message of each refused field, and one for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: str | None = None

    @classmethod
    def of(cls, error: GouvernanceError, known: set[str]) -> FormErrors:
        """Each problem next to its field when the form has it, else above the form."""
        found = cls()
        problems = error.problems or []
        for problem in problems:
            if problem.field in known and problem.field not in found.fields:
                found.fields[problem.field] = problem.message
        if error.field in known and error.field not in found.fields:
            found.fields[error.field] = error.message
        if not found.fields or error.field not in known:
            found.general = error.message
        return found

    def __bool__(self) -> bool:
        return bool(self.fields) or self.general is not None


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    actor: Actor | None = None,
    **context: Any,
) -> HTMLResponse:
    who = actor if actor is not None else getattr(request.state, "actor", None)
    token = session_token(request)
    login_csrf = context.pop("login_csrf", "")
    page = environment.get_template(template).render(
        request=request,
        actor=who,
        role_label=who.role.label if who else None,
        is_admin=who is not None and who.role is Role.ADMIN,
        menu=menu(who),
        csrf_field=CSRF_FIELD,
        csrf=csrf_for(token) if token else login_csrf,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(page, status_code=status)
