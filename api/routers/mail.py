"""E-mail to members: the dry run, the run, the retry and the outbox's history. The SMTP
server is the one the environment configures (``GOUVERNANCE_SMTP_*``), never given here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.mail_schemas import MailPreviewOut, MailReportOut, OutboxEntryOut
from api.security import App, CurrentActor
from gouvernance.services.mail import outbox

router = APIRouter(tags=["courriels"])

Kind = Annotated[
    str,
    Path(
        max_length=20,
        description="appels (calls), relances (reminders), convocation, pv (minutes)",
    ),
]
Reference = Annotated[
    str,
    Path(
        max_length=40,
        description="lot (LOT-2027-01), jour des relances (2027-02-20) ou appel relancé "
        "(AC-2027-0005), assemblée (AG-2026-02)",
    ),
]
_RUN = (
    "Chaque courriel est enregistré avant de partir, puis marqué envoyé (avec la réponse du "
    "serveur) ou en échec (avec la raison) : rien ne part deux fois, un échec repart au "
    "prochain envoi. Réponse 200 même si des courriels échouent : voir « failed »."
)


@router.get(
    "/mail/{kind}/{reference}/preview",
    response_model=MailPreviewOut,
    summary="Afficher ce qui partirait par courriel, sans rien envoyer",
    description="Destinataires, objets et PDF, courriels déjà envoyés, lettres papier (membres "
    "sans adresse électronique). Rien n'est envoyé ni enregistré.",
)
def preview(app: App, actor: CurrentActor, kind: Kind, reference: Reference) -> MailPreviewOut:
    return MailPreviewOut.of(outbox.preview(app.uows, actor, kind, reference))


@router.post(
    "/mail/{kind}/{reference}/send",
    response_model=MailReportOut,
    summary="Envoyer par courriel ce qui n'est pas encore parti",
    description=_RUN,
)
def send(app: App, actor: CurrentActor, kind: Kind, reference: Reference) -> MailReportOut:
    return MailReportOut.of(outbox.send(app.uows, actor, kind, reference))


@router.post(
    "/mail/{kind}/{reference}/retry",
    response_model=MailReportOut,
    summary="Envoyer de nouveau les courriels en échec ou interrompus",
    description=_RUN
    + " Reprend aussi les courriels laissés « en cours d'envoi » depuis plus de 15 minutes "
    "par un envoi interrompu (le serveur les a peut-être reçus).",
)
def retry(app: App, actor: CurrentActor, kind: Kind, reference: Reference) -> MailReportOut:
    return MailReportOut.of(outbox.retry(app.uows, actor, kind, reference))


@router.get(
    "/mail/outbox",
    response_model=list[OutboxEntryOut],
    summary="Lister les courriels envoyés ou en échec, les plus récents d'abord",
)
def history(
    app: App,
    actor: CurrentActor,
    kind: Annotated[str | None, Query(max_length=20, description="appels, relances…")] = None,
    reference: Annotated[
        str | None, Query(max_length=40, description="lot, jour, assemblée ou document")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[OutboxEntryOut]:
    found = outbox.outbox(app.uows, actor, kind, reference, limit=limit)
    return [OutboxEntryOut.of(entry) for entry in found]
