"""The members' space: my record and the details I may change, my calls, payments and balance,
the explanation of each amount, the call letter and my share certificate.

Every page reads through the services with the signed-in actor, so a member can only ever see
their own account (the services check it); the pages add a second, narrower rule: under
« /mon-espace » a staff account, which may read every account, still sees only its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from gouvernance.bootstrap import short_read
from gouvernance.domain.calls.model import CallStatus
from gouvernance.domain.calls.reminders import long_date
from gouvernance.domain.errors import Forbidden, GouvernanceError, InvalidInput, NotFound
from gouvernance.domain.members import PersonKind
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import Actor
from gouvernance.services.ledger import calls, payments, treasury
from gouvernance.services.ledger.ledger_views import BalanceView, CallDetail, CreditNoteView
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members
from gouvernance.services.registry.views import MemberView
from gouvernance.services.scic import capital, certificates
from web.rendering import FormErrors, render
from web.session import CSRF_FIELD, App, CurrentActor, Form

router = APIRouter()

SAVED = "Vos coordonnées sont enregistrées."
FIELDS = set(members.OWN_DETAILS)
STATUS_CLASSES = {
    CallStatus.PAID: "paye",
    CallStatus.OVERDUE: "retard",
    CallStatus.CANCELLED: "annule",
}


def _not_a_member_page(request: Request) -> Response:
    """A staff account without a member record: this space has nothing of theirs to show."""
    return render(request, "membre_reserve.html", status=403)


def balance_sentence(balance: BalanceView) -> str:
    """The balance as a person says it, never as a signed number."""
    if balance.owed > 0:
        return f"Vous devez {format_cents(balance.owed)}."
    if balance.owed < 0:
        return f"Vous avez un crédit de {format_cents(-balance.owed)}."
    return "Vous êtes à jour."


# --------------------------------------------------------------------------------------------
# My record


@dataclass(frozen=True)
class Certificate:
    """Whether a share certificate can be given today, and if not, why (in French)."""

    available: bool
    reason: str


def _certificate_state(app: App, actor: Actor, code: str) -> Certificate:
    """Only an associate holding shares (or who held some) has a certificate to download."""
    try:
        view = capital.associate_view(app.uows, actor, code)
    except GouvernanceError:
        return Certificate(
            False,
            "Le registre des parts sociales n'est pas encore ouvert : l'organisation n'a pas "
            "choisi ses statuts de coopérative. Une attestation vous sera proposée ici dès que "
            "vous détiendrez des parts.",
        )
    if view.line.shares > 0 or view.operations:
        return Certificate(True, "")
    return Certificate(
        False,
        f"Au {long_date(view.on)}, aucune part sociale n'est inscrite à votre nom au registre "
        "des parts : il n'y a donc pas d'attestation à vous délivrer. Elle vous sera proposée "
        "ici dès votre souscription enregistrée par le trésorier.",
    )


def _category_label(app: App, code: str) -> str:
    labels = {c.code: c.label for c in setup.list_categories(app.uows)}
    return labels.get(code, code)


def _record_page(
    request: Request,
    app: App,
    actor: Actor,
    member: MemberView,
    *,
    values: Mapping[str, Any] | None = None,
    errors: FormErrors | None = None,
    saved: bool = False,
    status: int = 200,
) -> Response:
    typed = values if values is not None else {n: getattr(member, n) for n in FIELDS}
    return render(
        request,
        "membre_espace.html",
        status=status,
        member=member,
        legal=member.kind is PersonKind.LEGAL,
        category=_category_label(app, member.category),
        values=typed,
        version=values.get("version", member.version) if values is not None else member.version,
        errors=errors,
        saved=saved,
        certificate=_certificate_state(app, actor, member.code),
    )


@router.get("/mon-espace", include_in_schema=False)
@short_read
def my_record(request: Request, app: App, actor: CurrentActor, enregistre: str = "") -> Response:
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    member = members.get_member(app.uows, actor, code)
    return _record_page(request, app, actor, member, saved=enregistre == "1")


@router.post("/mon-espace", include_in_schema=False)
def change_my_details(request: Request, app: App, actor: CurrentActor, form: Form) -> Response:
    """Every posted field goes to the service, which alone decides what a member may change:
    a crafted form naming another field is refused there, with nothing written."""
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    changes = {k: v for k, v in form.items() if k not in (CSRF_FIELD, "version")}
    raw_version = str(form.get("version") or "").strip()
    try:
        if not raw_version.isdigit() or len(raw_version) > 9:
            raise InvalidInput("version de la fiche manquante : rechargez la page", field="version")
        members.update_own_details(app.uows, actor, code, changes, int(raw_version))
    except GouvernanceError as error:
        member = members.get_member(app.uows, actor, code)
        typed = {n: v if isinstance(v := changes.get(n), str) else "" for n in FIELDS}
        typed["version"] = raw_version
        return _record_page(
            request, app, actor, member, values=typed, errors=FormErrors.of(error, FIELDS),
            status=error.status,
        )  # fmt: skip
    return RedirectResponse("/mon-espace?enregistre=1", status_code=303)


# --------------------------------------------------------------------------------------------
# My calls and payments


def _own_detail(app: App, actor: Actor, code: str, reference: str) -> CallDetail:
    """The call when it is the member's own; anything else is « not found », so that a member
    cannot learn, by trying references, which calls exist."""
    try:
        detail = calls.call_detail(app.uows, actor, reference)
    except (Forbidden, NotFound):
        detail = None
    if detail is None or detail.call.member_code != code:
        shown = reference.strip().upper()[:24]
        raise NotFound(f"aucun de vos appels n'a la référence « {shown} »", field="call")
    return detail


@router.get("/mon-espace/appels", include_in_schema=False)
@short_read
def my_calls(request: Request, app: App, actor: CurrentActor) -> Response:
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    balance = payments.member_balance(app.uows, actor, code)
    received = payments.list_payments(app.uows, actor, code)
    notes: list[CreditNoteView] = []
    for call in balance.calls:
        if call.credited:
            notes += calls.call_detail(app.uows, actor, call.reference).credit_notes
    ordered = sorted(balance.calls, key=lambda c: (c.issued_on, c.reference), reverse=True)
    return render(
        request,
        "membre_appels.html",
        balance=balance,
        sentence=balance_sentence(balance),
        calls=ordered,
        payments=sorted(received, key=lambda p: (p.received_on, p.reference), reverse=True),
        notes=sorted(notes, key=lambda n: (n.issued_on, n.reference), reverse=True),
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
        on=long_date(balance.on),
    )


@dataclass(frozen=True)
class Step:
    """One line of an explanation, with how deep it sits under the line above."""

    depth: int
    text: str


def steps(lines: tuple[str, ...]) -> list[Step]:
    """The explanation's lines (indented two spaces per level) as steps a list can show."""
    found = []
    for line in lines:
        text = line.lstrip(" ")
        if text:
            found.append(Step(min((len(line) - len(text)) // 2, 4), text))
    return found


@router.get("/mon-espace/appels/{reference}", include_in_schema=False)
@short_read
def my_call(request: Request, app: App, actor: CurrentActor, reference: str) -> Response:
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    detail = _own_detail(app, actor, code, reference)
    return render(
        request,
        "membre_appel.html",
        detail=detail,
        call=detail.call,
        steps=steps(detail.explanation),
        status_classes=STATUS_CLASSES,
        overdue=CallStatus.OVERDUE,
    )


@router.get("/mon-espace/appels/{reference}/lettre.pdf", include_in_schema=False)
def my_call_letter(request: Request, app: App, actor: CurrentActor, reference: str) -> Response:
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    detail = _own_detail(app, actor, code, reference)
    letter = treasury.call_letter(app.uows, actor, detail.call.reference, "pdf")
    return Response(
        letter.content,
        media_type=letter.media_type,
        headers={"Content-Disposition": f'attachment; filename="{letter.filename}"'},
    )


# --------------------------------------------------------------------------------------------
# My share certificate


@router.get("/mon-espace/attestation.pdf", include_in_schema=False)
def my_certificate(request: Request, app: App, actor: CurrentActor) -> Response:
    code = actor.member_code
    if code is None:
        return _not_a_member_page(request)
    state = _certificate_state(app, actor, code)
    if not state.available:
        return render(request, "membre_attestation.html", status=404, reason=state.reason)
    content = certificates.certificate(app.uows, actor, code)
    name = f"attestation-parts-{code}-{content.on.isoformat()}.pdf"
    return Response(
        certificates.render_pdf(content),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
