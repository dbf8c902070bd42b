"""The assembly desk (bureau de l'assemblée): what the chair, the board and the scrutineers do on
the day, in the order of that day — convene, let people in at the door with their proxies, enter
postal ballots, count hands, close, sign, read and download the minutes.

Board and administrator prepare (convene, resolutions); scrutineers and administrator run the
assembly (door, ballots, counts, close, signatures); a member account is refused every page in
French (403). Each write is a POST with the CSRF proof and goes through one service call (an
idempotency key where the service takes one: convening, a resolution, postal ballots); a refusal
shows the service's French message next to its field, with its status, and nothing is written.

The door never loads the whole roll: it asks ``desk.roll_page`` for one page, searched in the
database by name or code.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gouvernance.bootstrap import short_read
from gouvernance.domain.assembly import words
from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
    Proposer,
    SignatoryRole,
)
from gouvernance.domain.errors import GouvernanceError, InvalidInput, NotFound
from gouvernance.domain.mail import MailKind
from gouvernance.domain.moments import format_moment
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.assembly import assemblies, convocation, desk, minutes
from gouvernance.services.mail import outbox
from gouvernance.services.mail import settings as mail_settings
from web.rendering import FormErrors, render
from web.session import App, CurrentActor, Form

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
MAX_PAGE = 100_000
PREVIEW_ROWS = 200  # rows of one minutes table shown in the page; the PDF has them all
CONVENE_FIELDS = {"title", "held_on", "kind", "convocation", "cutoff", "statutes", "previous"}
RESOLUTION_FIELDS = {"title", "text", "decision_kind", "proposer", "proposed_by", "method"}
COUNT_FIELDS = {c.value for c in Choice} | {"counts", "college"}
SIGN_FIELDS = {"role", "name"}
STATES = {"": None, "emarges": True, "a-emarger": False}  # ?etat= on the door page
DOOR_MODES = (Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL, Attendance.BLANK_PROXY)
MODE_WORDS = {
    "present": "Présents", "remote": "À distance", "postal": "Par correspondance",
    "represented": "Représentés", "blank_proxy": "Pouvoirs en blanc",
}  # fmt: skip
DONE = {
    "convoquee": "Assemblée convoquée : ses règles et sa liste d'émargement sont figées.",
    "resolution": "Résolution inscrite à l'ordre du jour.",
    "close": "Assemblée close : les résultats sont enregistrés et ne changeront plus.",
    "signe": "Signature enregistrée.",
    "compte": "Décompte enregistré.",
    "vote-clos": "Vote clos : plus aucun bulletin ; un vote secret est dépouillé.",
    "rayee": "Ligne rayée de la feuille d'émargement.",
}


def _key() -> str:
    """A new idempotency key for one form, as shown once."""
    return secrets.token_urlsafe(18)


def _code(value: str) -> str:
    return quote(value.strip().upper(), safe="")


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _day(text: str, field: str, *, required: bool = True) -> date | None:
    """« 2026-12-19 » (a date field) or « 19/12/2026 » (typed); refused in French otherwise."""
    raw = text.strip()
    if not raw:
        if required:
            raise InvalidInput("indiquez la date (JJ/MM/AAAA)", field=field)
        return None
    try:
        if found := _FRENCH_DATE.match(raw):
            day, month, year = (int(part) for part in found.groups())
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"date invalide « {raw} » (attendu : JJ/MM/AAAA)", field=field) from None


def _whole(text: str, field: str, label: str) -> int:
    raw = text.strip() or "0"
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
        raise InvalidInput(
            f"le nombre de voix « {label} » doit être un entier positif ou nul", field
        )
    return int(raw)


def _resolution_number(text: str) -> int:
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 10_000):
        raise NotFound(f"pas de résolution n° {text}", field="resolution")
    return int(raw)


def _moment(view_zone: str) -> Any:
    return lambda moment: format_moment(moment, view_zone)


# --------------------------------------------------------------------------------------------
# Convening


@router.get("/assemblees/nouvelle")
@short_read
def convene_page(request: Request, app: App, actor: CurrentActor) -> Response:
    return _convene(request, app, actor, {})


def _convene(
    request: Request, app: App, actor: Actor, typed: dict[str, str], *, status: int = 200,
    errors: FormErrors | None = None,
) -> Response:  # fmt: skip
    choices = desk.convene_choices(app.uows, actor)
    return render(
        request, "bureau_convoquer.html", status=status, choix=choices, saisi=typed,
        erreurs=errors, cle=typed.get("cle") or _key(),
    )  # fmt: skip


@router.post("/assemblees/nouvelle")
def convene(request: Request, app: App, actor: CurrentActor, form: Form) -> Response:
    typed = {name: _text(form, name).strip() for name in (*CONVENE_FIELDS, "cle")}
    try:
        held_on = _day(typed["held_on"], "held_on")
        assert held_on is not None
        convocation = typed["convocation"] or "1"
        if convocation not in {"1", "2"}:
            raise InvalidInput("la convocation est la 1re ou la 2e", field="convocation")
        view = assemblies.create_assembly(
            app.uows, actor, title=typed["title"], held_on=held_on, kind=typed["kind"],
            convocation=int(convocation), cutoff=_day(typed["cutoff"], "cutoff", required=False),
            statutes_id=typed["statutes"] or None,
            previous_code=typed["previous"] if convocation != "1" else None,
            idempotency_key=typed["cle"] or None,
        )  # fmt: skip
    except GouvernanceError as error:
        errors = FormErrors.of(error, CONVENE_FIELDS)
        return _convene(request, app, actor, typed, status=error.status, errors=errors)
    return RedirectResponse(
        f"/assemblees/{_code(view.summary.code)}/bureau?fait=convoquee", status_code=303
    )


# --------------------------------------------------------------------------------------------
# The desk of one assembly


@router.get("/assemblees/{code}/bureau")
@short_read
def desk_page(request: Request, app: App, actor: CurrentActor, code: str, fait: str = "") -> (
    Response
):  # fmt: skip
    return _desk(request, app, actor, code, done=DONE.get(fait))


def _desk(
    request: Request, app: App, actor: Actor, code: str, *, status: int = 200,
    done: str | None = None, typed: dict[str, str] | None = None,
    errors: FormErrors | None = None, vote_refused: tuple[int, str] | None = None,
) -> Response:  # fmt: skip
    desk.require_desk(actor)
    view = assemblies.assembly_view(app.uows, actor, code)
    rules = view.rules
    kinds = dict.fromkeys([view.summary.kind, *(r.decision_kind for r in view.resolutions)])
    return render(
        request, "bureau_assemblee.html", status=status, vue=view, fait=done, saisi=typed or {},
        erreurs=errors, cle=(typed or {}).get("cle") or _key(), refus_vote=vote_refused,
        ouverte=view.summary.status is AssemblyStatus.OPEN,
        preparer=actor.can(Permission.PREPARE_ASSEMBLIES),
        tenir=actor.can(Permission.RUN_ASSEMBLIES),
        modes=tuple(Attendance), methodes=tuple(Method), main_levee=Method.SHOW_OF_HANDS,
        decisions=rules.decisions, types_suivis=[rules.decisions[k] for k in kinds
                                                 if k in rules.decisions],
        colleges=[(c.label, format_share(c.weight)) for c in rules.colleges],
        moment=_moment(view.time_zone),
    )  # fmt: skip


@router.post("/assemblees/{code}/resolutions")
def add_resolution(
    request: Request, app: App, actor: CurrentActor, code: str, form: Form
) -> Response:
    typed = {name: _text(form, name).strip() for name in (*RESOLUTION_FIELDS, "cle")}
    typed["text"] = _text(form, "text")
    try:
        method = words.lookup(Method, typed["method"] or "open")
        if method is None:
            raise InvalidInput("choisissez le mode de scrutin", field="method")
        proposer = Proposer.ASSOCIATES if typed["proposer"] == "associates" else Proposer.BOARD
        assemblies.add_resolution(
            app.uows, actor, code, title=typed["title"], text=typed["text"],
            decision_kind=typed["decision_kind"] or None, proposer=proposer,
            proposed_by=typed["proposed_by"] or None, method=method,
            idempotency_key=typed["cle"] or None,
        )  # fmt: skip
    except GouvernanceError as error:
        errors = FormErrors.of(error, RESOLUTION_FIELDS)
        return _desk(request, app, actor, code, status=error.status, typed=typed, errors=errors)
    return RedirectResponse(
        f"/assemblees/{_code(code)}/bureau?fait=resolution#resolutions", status_code=303
    )


@router.post("/assemblees/{code}/resolutions/{number}/cloture-vote")
def close_vote(
    request: Request, app: App, actor: CurrentActor, code: str, number: str, form: Form
) -> Response:
    resolution = _resolution_number(number)
    try:
        assemblies.close_vote(app.uows, actor, code, resolution)
    except GouvernanceError as error:
        refused = (resolution, error.message)
        return _desk(request, app, actor, code, status=error.status, vote_refused=refused)
    return RedirectResponse(
        f"/assemblees/{_code(code)}/bureau?fait=vote-clos#resolutions", status_code=303
    )


# --------------------------------------------------------------------------------------------
# The door: the roll and attendance


def _door_query(q: str, etat: str, page: int) -> str:
    pairs = [(k, v) for k, v in (("q", q), ("etat", etat)) if v]
    if page > 1:
        pairs.append(("page", str(page)))
    return urlencode(pairs)


@router.get("/assemblees/{code}/emargement")
@short_read
def door_page(
    request: Request, app: App, actor: CurrentActor, code: str, q: str = "", etat: str = "",
    page: str = "1", fait: str = "", membre: str = "",
) -> Response:  # fmt: skip
    done = None
    if fait == "rayee":
        done = f"Émargement de {membre} rayé."
    elif (mode := words.lookup(Attendance, fait)) is not None:
        done = f"{membre} émargé : {mode.label}."
    return _door(request, app, actor, code, q, etat, _page_number(page), done=done)


def _door(
    request: Request, app: App, actor: Actor, code: str, q: str, etat: str, page: int, *,
    status: int = 200, done: str | None = None, refused: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    state = etat if etat in STATES else ""
    sheet = desk.roll_page(
        app.uows, actor, code, search=q[:200], signed=STATES[state], page=page,
        per_page=PER_PAGE,
    )  # fmt: skip
    return render(
        request, "bureau_emargement.html", status=status, feuille=sheet, etat=state,
        fait=done, refus=refused, tenir=actor.can(Permission.RUN_ASSEMBLIES),
        modes=DOOR_MODES, tous_modes=tuple(Attendance), mots_modes=MODE_WORDS,
        retour=_door_query(sheet.search, state, sheet.page),
        page_suivante=_door_query(sheet.search, state, sheet.page + 1),
        page_precedente=_door_query(sheet.search, state, sheet.page - 1),
    )  # fmt: skip


def _back(form: dict[str, Any]) -> tuple[str, str, int]:
    page = _text(form, "page")
    return _text(form, "q"), _text(form, "etat"), _page_number(page)


def _page_number(text: str) -> int:
    """The page asked for; anything else than a sensible number is the first page."""
    raw = text.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_PAGE else 1


@router.post("/assemblees/{code}/emargement")
def attend(request: Request, app: App, actor: CurrentActor, code: str, form: Form) -> Response:
    """One line of the sheet; then the door again, on the same search, saying what was done."""
    member = _text(form, "member").strip().upper()
    holder = _text(form, "holder")
    q, etat, page = _back(form)
    try:
        mode = words.lookup(Attendance, _text(form, "mode"))
        if mode is None:
            raise InvalidInput("choisissez comment l'associé participe", field="mode")
        if mode is Attendance.REPRESENTED:
            done = desk.represent(app.uows, actor, code, member, holder)
        else:
            done = assemblies.record_attendance(app.uows, actor, code, member, mode)
    except GouvernanceError as error:
        refused = {"member": member, "holder": holder, "field": error.field or "",
                   "message": error.message}  # fmt: skip
        return _door(request, app, actor, code, q, etat, page, status=error.status,
                     refused=refused)  # fmt: skip
    query = _door_query(q, etat, page)
    after = urlencode({"fait": done.mode.value, "membre": done.member_code})
    return RedirectResponse(
        f"/assemblees/{_code(code)}/emargement?{query + '&' if query else ''}{after}",
        status_code=303,
    )


@router.post("/assemblees/{code}/emargement/rayer")
def strike(request: Request, app: App, actor: CurrentActor, code: str, form: Form) -> Response:
    member = _text(form, "member").strip().upper()
    q, etat, page = _back(form)
    try:
        assemblies.cancel_attendance(app.uows, actor, code, member)
    except GouvernanceError as error:
        refused = {"member": member, "holder": "", "field": error.field or "",
                   "message": error.message}  # fmt: skip
        return _door(request, app, actor, code, q, etat, page, status=error.status,
                     refused=refused)  # fmt: skip
    query = _door_query(q, etat, page)
    after = urlencode({"fait": "rayee", "membre": member})
    return RedirectResponse(
        f"/assemblees/{_code(code)}/emargement?{query + '&' if query else ''}{after}",
        status_code=303,
    )


# --------------------------------------------------------------------------------------------
# Postal and paper ballots


@router.get("/assemblees/{code}/emargement/{member}/bulletins")
@short_read
def ballots_page(
    request: Request, app: App, actor: CurrentActor, code: str, member: str, fait: str = ""
) -> Response:
    done = f"{fait} bulletin(s) enregistré(s)." if fait.isdigit() else None
    return _ballots(request, app, actor, code, member, done=done)


def _ballots(
    request: Request, app: App, actor: Actor, code: str, member: str, *, status: int = 200,
    done: str | None = None, refused: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    sheet = desk.paper_ballots(app.uows, actor, code, member)
    return render(
        request, "bureau_bulletins.html", status=status, feuille=sheet, fait=done,
        refus=refused, choix=tuple(Choice), main_levee=Method.SHOW_OF_HANDS,
        secret=Method.SECRET, cle=_key(),
    )  # fmt: skip


@router.post("/assemblees/{code}/emargement/{member}/bulletins")
def cast_ballots(
    request: Request, app: App, actor: CurrentActor, code: str, member: str, form: Form
) -> Response:
    """Every choice of the form at once: all recorded, or none (the service's transaction)."""
    picked: dict[int, Choice] = {}
    typed: dict[str, str] = {}
    try:
        for name, value in form.items():
            if not name.startswith("choix-") or not isinstance(value, str) or not value:
                continue
            number = name.removeprefix("choix-")
            choice = words.lookup(Choice, value)
            if not number.isdigit() or choice is None:
                raise InvalidInput("choix inconnu : rechargez la page", field="choices")
            picked[int(number)] = choice
            typed[number] = choice.value
        receipts = desk.cast_paper_ballots(
            app.uows, actor, code, member, picked, idempotency_key=_text(form, "cle") or None
        )
    except GouvernanceError as error:
        refused = {"message": error.message, "choix": typed}
        return _ballots(request, app, actor, code, member, status=error.status, refused=refused)
    return RedirectResponse(
        f"/assemblees/{_code(code)}/emargement/{_code(member)}/bulletins?fait={len(receipts)}",
        status_code=303,
    )


# --------------------------------------------------------------------------------------------
# Show of hands


@router.get("/assemblees/{code}/resolutions/{number}/main-levee")
@short_read
def hands_page(
    request: Request, app: App, actor: CurrentActor, code: str, number: str, fait: str = ""
) -> Response:
    return _hands(request, app, actor, code, _resolution_number(number), done=DONE.get(fait))


def _hands(
    request: Request, app: App, actor: Actor, code: str, number: int, *, status: int = 200,
    done: str | None = None, refused: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    sheet = desk.hand_sheet(app.uows, actor, code, number)
    return render(
        request, "bureau_main_levee.html", status=status, feuille=sheet, fait=done,
        refus=refused, choix=tuple(Choice), tenir=actor.can(Permission.RUN_ASSEMBLIES),
        sans_college=NO_COLLEGE,
    )  # fmt: skip


@router.post("/assemblees/{code}/resolutions/{number}/main-levee")
def count_hands(
    request: Request, app: App, actor: CurrentActor, code: str, number: str, form: Form
) -> Response:
    resolution = _resolution_number(number)
    college = _text(form, "college")
    typed = {c.value: _text(form, c.value) for c in Choice}
    try:
        counts = {c: _whole(typed[c.value], c.value, c.label) for c in Choice}
        assemblies.enter_counts(app.uows, actor, code, resolution, college or NO_COLLEGE, counts)
    except GouvernanceError as error:
        refused = {"college": college, "typed": typed,
                   "errors": FormErrors.of(error, COUNT_FIELDS)}  # fmt: skip
        return _hands(request, app, actor, code, resolution, status=error.status, refused=refused)
    return RedirectResponse(
        f"/assemblees/{_code(code)}/resolutions/{resolution}/main-levee?fait=compte",
        status_code=303,
    )


# --------------------------------------------------------------------------------------------
# Closing, signing, the minutes


@router.get("/assemblees/{code}/cloture")
@short_read
def closing_page(request: Request, app: App, actor: CurrentActor, code: str) -> Response:
    return _closing(request, app, actor, code)


def _closing(
    request: Request, app: App, actor: Actor, code: str, *, status: int = 200,
    refused: str | None = None,
) -> Response:  # fmt: skip
    check = desk.closing_check(app.uows, actor, code)
    return render(
        request, "bureau_cloture.html", status=status, controle=check, refus=refused,
        tenir=actor.can(Permission.RUN_ASSEMBLIES),
    )  # fmt: skip


@router.post("/assemblees/{code}/cloture")
def close(request: Request, app: App, actor: CurrentActor, code: str, form: Form) -> Response:
    try:
        view = assemblies.close_assembly(app.uows, actor, code)
    except GouvernanceError as error:
        return _closing(request, app, actor, code, status=error.status, refused=error.message)
    return RedirectResponse(
        f"/assemblees/{_code(view.summary.code)}/proces-verbal?fait=close", status_code=303
    )


@router.get("/assemblees/{code}/proces-verbal")
@short_read
def minutes_page(
    request: Request, app: App, actor: CurrentActor, code: str, fait: str = ""
) -> Response:
    return _minutes(request, app, actor, code, done=DONE.get(fait))


def _minutes(
    request: Request, app: App, actor: Actor, code: str, *, status: int = 200,
    done: str | None = None, typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Response:  # fmt: skip
    desk.require_desk(actor)
    view, content = minutes.preview(app.uows, actor, code, rows=PREVIEW_ROWS)
    signed = {s.role for s in view.signatures}
    waiting = next((r for r in SignatoryRole if r not in signed), SignatoryRole.SCRUTINEER)
    typed = typed or {"role": waiting.value, "name": ""}
    return render(
        request, "bureau_pv.html", status=status, vue=view, pv=content, fait=done,
        saisi=typed, erreurs=errors, roles=tuple(SignatoryRole),
        close=view.summary.status is AssemblyStatus.CLOSED,
        tenir=actor.can(Permission.RUN_ASSEMBLIES), lignes_max=PREVIEW_ROWS,
    )  # fmt: skip


@router.post("/assemblees/{code}/signatures")
def sign(request: Request, app: App, actor: CurrentActor, code: str, form: Form) -> Response:
    typed = {"role": _text(form, "role"), "name": _text(form, "name")}
    try:
        role = words.lookup(SignatoryRole, typed["role"])
        if role is None:
            raise InvalidInput("choisissez en quelle qualité la personne signe", field="role")
        assemblies.sign_minutes(app.uows, actor, code, role, typed["name"])
    except GouvernanceError as error:
        errors = FormErrors.of(error, SIGN_FIELDS)
        return _minutes(request, app, actor, code, status=error.status, typed=typed, errors=errors)
    return RedirectResponse(
        f"/assemblees/{_code(code)}/proces-verbal?fait=signe#signatures", status_code=303
    )


# --------------------------------------------------------------------------------------------
# E-mail: the convocation (open assembly) and the minutes (closed), through the outbox


MAIL_KINDS = {"convocation": MailKind.CONVOCATION, "proces-verbal": MailKind.MINUTES}
MAIL_ROWS = 200  # rows of one list shown in the page; the counts say the rest


def _mail_kind(document: str) -> MailKind:
    kind = MAIL_KINDS.get(document)
    if kind is None:
        raise NotFound("envoi inconnu : « convocation » ou « proces-verbal »", field="document")
    return kind


@router.get("/assemblees/{code}/convocation")
def convocation_pdf(app: App, actor: CurrentActor, code: str) -> Response:
    """The convocation (PDF), to print for the associates who get it by post."""
    document = convocation.convocation(
        app.uows, actor, code, "pdf", public_url=mail_settings.public_url()
    )
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )


@router.get("/assemblees/{code}/envoi/{document}")
def mail_preview(
    request: Request, app: App, actor: CurrentActor, code: str, document: str
) -> Response:
    """The dry run: who would get what, who already has it, who gets paper; nothing sent."""
    return _mail(request, app, actor, code, document)


def _mail(
    request: Request, app: App, actor: Actor, code: str, document: str, *, status: int = 200,
    report: outbox.MailReport | None = None, refused: str | None = None,
) -> Response:  # fmt: skip
    desk.require_desk(actor)
    kind = _mail_kind(document)
    plan = outbox.preview(app.uows, actor, kind, code) if report is None else None
    return render(
        request, "bureau_envoi.html", status=status, apercu=plan, rapport=report,
        refus=refused, document=document, code=code.strip().upper(), lignes_max=MAIL_ROWS,
        convocation=kind is MailKind.CONVOCATION,
    )  # fmt: skip


@router.post("/assemblees/{code}/envoi/{document}")
def mail_send(
    request: Request, app: App, actor: CurrentActor, code: str, document: str, form: Form
) -> Response:
    """Send what is not sent yet; the run's report. Sending again never sends a message twice
    (the outbox keeps each one), so a double click or a reload only reports « déjà envoyé »."""
    kind = _mail_kind(document)
    try:
        report = outbox.send(app.uows, actor, kind, code)
    except GouvernanceError as error:
        return _mail(request, app, actor, code, document, status=error.status,
                     refused=error.message)  # fmt: skip
    return _mail(request, app, actor, code, document, report=report)
