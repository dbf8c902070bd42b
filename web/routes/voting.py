"""Online voting: the assemblies, a member's ballots (for themself and the proxies they hold),
the receipt of each ballot, and the proxies a member gives or takes back.

Every ballot goes through the process's ``BallotWriter`` (group commit: the ballots arriving
together share one transaction; ``assemblies.cast_ballots``), as the API's, with an idempotency key
drawn for each form shown: a double click or a POST sent again records nothing twice and
leads to the same receipt. A refusal (second ballot, assembly closed, proxy past the limit…)
shows the service's French message next to the form, with its status; nothing is written.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gouvernance.bootstrap import short_read
from gouvernance.domain.assembly import words
from gouvernance.domain.assembly.model import AssemblyStatus, Choice, Method
from gouvernance.domain.errors import GouvernanceError, InvalidInput
from gouvernance.domain.moments import format_moment
from gouvernance.domain.users import Actor, Permission
from gouvernance.services.assembly import assemblies, minutes, online, publication
from web.rendering import FormErrors, render
from web.session import App, CurrentActor, Form

router = APIRouter(include_in_schema=False)

CHOICES = tuple(Choice)
MAX_LISTED_HOLDERS = 200  # beyond, the holder is typed by code rather than picked in a list


def _key() -> str:
    """A new idempotency key for one form, as shown once."""
    return secrets.token_urlsafe(18)


def _code(value: str) -> str:
    return quote(value.strip().upper(), safe="")


# --- the assemblies ---------------------------------------------------------------------------


@router.get("/assemblees")
@short_read
def assembly_list(request: Request, app: App, actor: CurrentActor) -> Response:
    """Open assemblies first, then closed ones, each newest first."""
    found = assemblies.list_assemblies(app.uows, actor)
    opened = [a for a in found if a.status is AssemblyStatus.OPEN]
    closed = [a for a in found if a.status is AssemblyStatus.CLOSED]
    return render(
        request, "assemblee_liste.html", ouvertes=opened, closes=closed,
        votant=actor.member_code is not None,
        ecran=actor.can(Permission.READ_ASSEMBLY_TALLY),
        bureau=actor.can(Permission.PREPARE_ASSEMBLIES) or actor.can(Permission.RUN_ASSEMBLIES),
        convoquer=actor.can(Permission.PREPARE_ASSEMBLIES),
    )  # fmt: skip


@router.get("/assemblees/{code}/pv")
def minutes_pdf(app: App, actor: CurrentActor, code: str) -> Response:
    """The minutes (PDF): once closed for everyone, a draft before for who reads the tally."""
    document = minutes.minutes(app.uows, actor, code, "pdf")
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'inline; filename="{document.filename}"'},
    )


@router.get("/assemblees/{code}/verification.json")
def verification_file(app: App, actor: CurrentActor, code: str) -> Response:
    """The verification file of a closed assembly (everyone signed in; refused while open)."""
    document = publication.publication(app.uows, actor, code)
    return Response(
        document.content,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{document.filename}"'},
    )


# --- voting -----------------------------------------------------------------------------------


@router.get("/assemblees/{code}/voter")
@short_read
def ballot_page(request: Request, app: App, actor: CurrentActor, code: str) -> Response:
    return _ballots(request, app, actor, code)


def _ballots(
    request: Request, app: App, actor: Actor, code: str, *, status: int = 200,
    refused: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    sheet = online.ballot_sheet(app.uows, actor, code)
    voting = any(v.may_vote for v in sheet.voters)
    return render(
        request, "vote_bulletins.html", status=status, feuille=sheet, choix=CHOICES,
        secret=Method.SECRET, main_levee=Method.SHOW_OF_HANDS, cle=_key, refus=refused,
        vote_ouvert=voting, moment=lambda m: format_moment(m, sheet.time_zone),
        code=sheet.summary.code,
    )  # fmt: skip


@router.post("/assemblees/{code}/voter")
def cast(request: Request, app: App, actor: CurrentActor, code: str, form: Form) -> Response:
    """One ballot; then the receipt (a retry with the same key leads to the same receipt)."""
    voter = str(form.get("votant") or "").strip().upper()
    number_text = str(form.get("resolution") or "").strip()
    refused = {"votant": voter, "resolution": number_text}
    try:
        number = _number(number_text)
        choice = _choice(form.get("choix"))
        receipt = app.ballot_writer().submit(
            actor, code, number, voter, choice, str(form.get("cle") or "") or None
        )
    except GouvernanceError as error:
        refused["message"] = error.message
        return _ballots(request, app, actor, code, status=error.status, refused=refused)
    target = f"/assemblees/{_code(receipt.assembly)}/recu/{receipt.resolution}/"
    return RedirectResponse(target + quote(receipt.voter_code, safe=""), status_code=303)


def _number(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 10_000:
        raise InvalidInput("résolution inconnue : rechargez la page", field="resolution")
    return int(text)


def _choice(value: object) -> Choice:
    found = words.lookup(Choice, value) if isinstance(value, str) else None
    if found is None:
        raise InvalidInput(
            "cochez votre choix : pour, contre, abstention, blanc ou nul", field="choix"
        )
    return found


@router.get("/assemblees/{code}/recu/{number}/{voter}")
@short_read
def receipt_page(
    request: Request, app: App, actor: CurrentActor, code: str, number: str, voter: str
) -> Response:
    """What the service keeps of the ballot: who, for whom, when, its fingerprint; the choice
    of an open ballot only."""
    receipt = online.ballot_receipt(app.uows, actor, code, _number(number), voter)
    view = assemblies.assembly_view(app.uows, actor, receipt.assembly)
    resolution = next(r for r in view.resolutions if r.number == receipt.resolution)
    return render(
        request, "vote_recu.html", recu=receipt, assemblee=view.summary, resolution=resolution,
        quand=format_moment(receipt.recorded_at, view.time_zone, seconds=True),
        verifie=publication.check_receipt(app.uows, actor, receipt),
    )  # fmt: skip


# --- proxies ----------------------------------------------------------------------------------


@router.get("/mon-espace/pouvoirs")
@short_read
def proxies_page(request: Request, app: App, actor: CurrentActor, fait: str = "") -> Response:
    done = {"donne": "Votre pouvoir est enregistré.", "retire": "Votre pouvoir est retiré."}
    return _proxies(request, app, actor, done=done.get(fait))


def _proxies(
    request: Request, app: App, actor: Actor, *, status: int = 200, done: str | None = None,
    refused: dict[str, Any] | None = None,
) -> Response:  # fmt: skip
    sheets = online.proxy_sheets(app.uows, actor, max_holders=MAX_LISTED_HOLDERS)
    return render(
        request, "pouvoirs.html", status=status, feuilles=sheets, fait=done, refus=refused,
        liste_max=MAX_LISTED_HOLDERS,
    )  # fmt: skip


@router.post("/mon-espace/pouvoirs")
def give(request: Request, app: App, actor: CurrentActor, form: Form) -> Response:
    code = str(form.get("assemblee") or "")
    holder = str(form.get("mandataire") or "")
    try:
        assemblies.give_proxy(app.uows, actor, code, holder)
    except GouvernanceError as error:
        errors = FormErrors.of(error, {"holder"})
        refused = {"assemblee": code.strip().upper(), "mandataire": holder, "errors": errors}
        return _proxies(request, app, actor, status=error.status, refused=refused)
    return RedirectResponse("/mon-espace/pouvoirs?fait=donne", status_code=303)


@router.post("/mon-espace/pouvoirs/retirer")
def withdraw(request: Request, app: App, actor: CurrentActor, form: Form) -> Response:
    code = str(form.get("assemblee") or "")
    try:
        assemblies.withdraw_proxy(app.uows, actor, code)
    except GouvernanceError as error:
        errors = FormErrors(general=error.message)
        refused = {"assemblee": code.strip().upper(), "mandataire": "", "errors": errors}
        return _proxies(request, app, actor, status=error.status, refused=refused)
    return RedirectResponse("/mon-espace/pouvoirs?fait=retire", status_code=303)
