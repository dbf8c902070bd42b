"""The treasurer's bank statements (« /tresorerie/releves »): upload a CAMT.053 or CSV file, read
what the import did, work through the lines that wait (confirm whose payment it is, and for
which calls; or set the line aside with a reason).

For the treasurer and the administrator; anyone else gets a French 403 page. The services do
the work and the checks: a refused file or form comes back with the French reason next to its
field, nothing recorded. Importing the same file twice records nothing, so the upload form
needs no idempotency key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from gouvernance.bootstrap import short_read
from gouvernance.domain.bank.model import LineStatus
from gouvernance.domain.errors import Forbidden, GouvernanceError, InvalidInput
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.bank import profiles, statements
from gouvernance.services.bank.views import ImportReport, LineView
from web.rendering import FormErrors, render
from web.session import App, CurrentActor, Form

router = APIRouter()

PAGE = "/tresorerie/releves"
UPLOAD_FIELDS = {"file": "fichier", "profile": "profil"}
CONFIRM_FIELDS = {"member": "membre"}
DISMISS_FIELDS = {"reason": "motif"}
SECTIONS = (
    (LineStatus.RECORDED, "Paiements enregistrés"),
    (LineStatus.ALREADY_RECORDED, "Paiements déjà enregistrés"),
    (LineStatus.RETURNED, "Rejets de prélèvement enregistrés"),
    (LineStatus.TO_CONFIRM, "À confirmer"),
    (LineStatus.UNMATCHED, "Sans correspondance"),
    (LineStatus.DISMISSED, "Écartées"),
    (LineStatus.IGNORED, "Débits ignorés"),
)


async def treasurer(actor: CurrentActor) -> Actor:  # ``async``: a check, no thread-pool trip
    if not actor.can(Permission.RECORD_PAYMENTS):
        raise Forbidden(
            "les relevés bancaires sont réservés au trésorier et à l'administrateur : "
            f"le rôle {actor.role.label} ne permet pas d'y entrer"
        )
    return actor


Treasurer = Annotated[Actor, Depends(treasurer)]


def errors_of(error: GouvernanceError, names: Mapping[str, str]) -> FormErrors:
    """The service's refusal next to the form's field (``calls[2]`` is the calls field)."""
    found = FormErrors()
    fields = [(problem.field, problem.message) for problem in error.problems or []]
    for field, message in [*fields, (error.field, error.message)]:
        name = names.get(field or "") or ("appels" if (field or "").startswith("calls") else None)
        if name and name not in found.fields:
            found.fields[name] = message
    if not found.fields:
        found.general = error.message
    return found


# --------------------------------------------------------------------------------------------
# The page: upload, waiting list, imported statements


def _page(
    request: Request,
    app: App,
    actor: Actor,
    *,
    status: int = 200,
    upload_errors: FormErrors | None = None,
    line_errors: Mapping[int, FormErrors] | None = None,
    typed: Mapping[int, Mapping[str, str]] | None = None,
    report: ImportReport | None = None,
    done: str | None = None,
    profile: str = profiles.DEFAULT_PROFILE,
) -> Response:
    waiting = statements.pending_lines(app.uows, actor)
    return render(
        request,
        "tresorerie_releves.html",
        status=status,
        actor=actor,
        waiting=waiting,
        imported=statements.statements(app.uows, actor, 20),
        members=statements.member_choices(app.uows, actor),
        profiles=[(p.id, f"{p.id} — {p.label}") for p in profiles.list_profiles()],
        profile=profile,
        upload_errors=upload_errors,
        line_errors=line_errors or {},
        typed=typed or {},
        report=report,
        done=done,
        candidate_codes={line.id: [c.code for c in line.candidates] for line in waiting},
    )


@router.get(PAGE, include_in_schema=False)
@short_read
def statements_page(
    request: Request, app: App, actor: Treasurer, ligne: str = "", fait: str = ""
) -> Response:
    done = None
    if ligne.isdigit() and len(ligne) <= 9 and fait in ("confirmee", "ecartee"):
        done = _done(statements.line(app.uows, actor, int(ligne)))
    return _page(request, app, actor, done=done)


def _done(line: LineView) -> str:
    if line.status is LineStatus.DISMISSED:
        return f"Ligne {line.id} écartée : {line.note}."
    piece = f" ({line.payment_reference})" if line.payment_reference else ""
    who = line.member_name or line.member_code or ""
    return f"Ligne {line.id} : {line.status_label} pour {who}{piece}."


@router.post(PAGE, include_in_schema=False)
def upload_statement(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    profile = str(form.get("profil") or profiles.DEFAULT_PROFILE)[:80]
    upload = form.get("fichier")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choisissez le fichier du relevé (.xml ou .csv)", field="file")
        data = upload.file.read(statements.MAX_BYTES + 1)
        if len(data) > statements.MAX_BYTES:
            raise InvalidInput(
                f"fichier trop gros : au plus {statements.MAX_BYTES // 1_000_000} Mo", field="file"
            )
        report = statements.import_statement(app.uows, actor, data, upload.filename, profile)
    except GouvernanceError as error:
        return _page(
            request, app, actor, status=error.status, profile=profile,
            upload_errors=errors_of(error, UPLOAD_FIELDS),
        )  # fmt: skip
    if report.created and report.statement is not None:
        return RedirectResponse(f"{PAGE}/{report.statement.reference}", status_code=303)
    return _page(request, app, actor, report=report, profile=profile)


# --------------------------------------------------------------------------------------------
# One statement: what its import did


@router.get(PAGE + "/{reference}", include_in_schema=False)
@short_read
def statement_page(request: Request, app: App, actor: Treasurer, reference: str) -> Response:
    found = statements.statement(app.uows, actor, reference)
    lines = statements.lines(app.uows, actor, statement=found.reference)
    sections = [
        (status, title, [line for line in lines if line.status is status])
        for status, title in SECTIONS
    ]
    return render(
        request,
        "tresorerie_releve.html",
        actor=actor,
        statement=found,
        sections=[section for section in sections if section[2]],
        count=len(lines),
        waiting=sum(1 for line in lines if line.waiting),
    )


# --------------------------------------------------------------------------------------------
# The waiting list


def _line_id(form: Mapping[str, Any]) -> int:
    raw = str(form.get("ligne") or "")
    if not raw.isdigit() or len(raw) > 9:
        raise InvalidInput("numéro de ligne invalide", field="line")
    return int(raw)


def _calls(text: str) -> list[str]:
    return [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]


@router.post(PAGE + "/lignes/confirmer", include_in_schema=False)
def confirm_line(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    typed = {name: str(form.get(name) or "") for name in ("membre", "appels")}
    line_id = 0
    try:
        line_id = _line_id(form)
        statements.confirm_match(
            app.uows, actor, line_id, typed["membre"] or "?", _calls(typed["appels"])
        )
    except GouvernanceError as error:
        return _page(
            request, app, actor, status=error.status,
            line_errors={line_id: errors_of(error, CONFIRM_FIELDS)}, typed={line_id: typed},
        )  # fmt: skip
    return RedirectResponse(f"{PAGE}?ligne={line_id}&fait=confirmee#attente", status_code=303)


@router.post(PAGE + "/lignes/ecarter", include_in_schema=False)
def dismiss_line(request: Request, app: App, actor: Treasurer, form: Form) -> Response:
    typed = {"motif": str(form.get("motif") or "")}
    line_id = 0
    try:
        line_id = _line_id(form)
        statements.dismiss_line(app.uows, actor, line_id, typed["motif"])
    except GouvernanceError as error:
        return _page(
            request, app, actor, status=error.status,
            line_errors={line_id: errors_of(error, DISMISS_FIELDS)}, typed={line_id: typed},
        )  # fmt: skip
    return RedirectResponse(f"{PAGE}?ligne={line_id}&fait=ecartee#attente", status_code=303)
