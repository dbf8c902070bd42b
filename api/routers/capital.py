"""The register of shares: statutes chosen, subscriptions, paying up, withdrawals, refunds.

Treasurer and administrator write; the board reads everything; a member reads only their own
associate view and certificate; the scrutineer nothing. POSTs accept an Idempotency-Key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.capital_schemas import (
    AssociateOut,
    OperationOut,
    PayingUpIn,
    RefundIn,
    RegisterOut,
    StatutesIn,
    StatutesOut,
    SubscriptionIn,
    WithdrawalIn,
)
from api.ledger_schemas import amount_of
from api.schemas import Day
from api.security import App, CurrentActor
from gouvernance.services.scic import capital, certificates, scic_rules
from gouvernance.services.scic.capital import OperationView

router = APIRouter(tags=["capital"])

Code = Annotated[str, Path(max_length=20, description="code du membre, ex. RESSOURCERIE")]
On = Annotated[
    Day | None, Query(description="situation à la fin de ce jour (défaut : aujourd'hui)")
]
IdempotencyKey = Annotated[
    str | None,
    Header(description="rejouer la même requête avec la même clé n'enregistre rien de plus"),
]
_CREATED: dict[int | str, dict[str, Any]] = {
    200: {"model": OperationOut, "description": "déjà enregistrée (même clé)"}
}


def _answer(view: OperationView, response: Response) -> OperationOut:
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return OperationOut.of(view)


@router.get(
    "/organisation/statutes", response_model=StatutesOut, summary="Lire les statuts choisis"
)
def get_statutes(app: App, actor: CurrentActor) -> StatutesOut:
    chosen = capital.statutes_choice(app.uows)
    label = scic_rules.load_statutes(chosen).label if chosen else None
    return StatutesOut(statutes=chosen, label=label)


@router.put(
    "/organisation/statutes",
    response_model=StatutesOut,
    summary="Choisir les statuts que suit le registre (administrateur)",
)
def put_statutes(app: App, actor: CurrentActor, body: StatutesIn) -> StatutesOut:
    statutes = capital.choose_statutes(app.uows, actor, body.statutes)
    return StatutesOut(statutes=statutes.id, label=statutes.label)


@router.post(
    "/capital/subscriptions",
    response_model=OperationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Inscrire une souscription de parts",
    responses=_CREATED,
)
def subscribe(
    app: App, actor: CurrentActor, body: SubscriptionIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OperationOut:  # fmt: skip
    view = capital.subscribe(
        app.uows, actor, body.member, body.shares, amount_of(body.paid, "paid"), body.on,
        note=body.note, idempotency_key=idempotency_key,
    )  # fmt: skip
    return _answer(view, response)


@router.post(
    "/capital/payments",
    response_model=OperationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Inscrire une libération de parts",
    responses=_CREATED,
)
def pay_up(
    app: App, actor: CurrentActor, body: PayingUpIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OperationOut:  # fmt: skip
    view = capital.pay_up(
        app.uows, actor, body.member, amount_of(body.amount, "amount"), body.on,
        note=body.note, idempotency_key=idempotency_key,
    )  # fmt: skip
    return _answer(view, response)


@router.post(
    "/capital/withdrawals",
    response_model=OperationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Inscrire un retrait de parts",
    responses=_CREATED,
)
def withdraw(
    app: App, actor: CurrentActor, body: WithdrawalIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OperationOut:  # fmt: skip
    loss = amount_of(body.loss_per_share.strip() or "0", "loss_per_share")
    view = capital.withdraw(
        app.uows, actor, body.member, body.shares, body.on, loss_per_share=loss,
        note=body.note, idempotency_key=idempotency_key,
    )  # fmt: skip
    return _answer(view, response)


@router.post(
    "/capital/refunds",
    response_model=OperationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Inscrire le remboursement d'un retrait",
    responses=_CREATED,
)
def refund(
    app: App, actor: CurrentActor, body: RefundIn, response: Response,
    idempotency_key: IdempotencyKey = None,
) -> OperationOut:  # fmt: skip
    view = capital.refund(
        app.uows, actor, body.withdrawal, body.on, note=body.note,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    return _answer(view, response)


@router.get("/capital", response_model=RegisterOut, summary="Lire le registre des parts à une date")
def register(app: App, actor: CurrentActor, on: On = None) -> RegisterOut:
    return RegisterOut.of(capital.register_view(app.uows, actor, on))


@router.get(
    "/capital/operations",
    response_model=list[OperationOut],
    summary="Lister les opérations du registre",
)
def operations(
    app: App,
    actor: CurrentActor,
    member: Annotated[str | None, Query(max_length=20, description="code du membre")] = None,
    until: Annotated[Day | None, Query(description="jusqu'à ce jour inclus")] = None,
) -> list[OperationOut]:
    return [OperationOut.of(o) for o in capital.list_operations(app.uows, actor, member, until)]


@router.get(
    "/capital/associates/{code}", response_model=AssociateOut, summary="Lire les parts d'un associé"
)
def associate(app: App, actor: CurrentActor, code: Code, on: On = None) -> AssociateOut:
    return AssociateOut.of(capital.associate_view(app.uows, actor, code, on))


@router.get(
    "/capital/associates/{code}/certificate",
    response_class=Response,
    summary="Télécharger l'attestation de parts sociales (PDF)",
    responses={200: {"content": {"application/pdf": {}}, "description": "l'attestation"}},
)
def certificate(app: App, actor: CurrentActor, code: Code, on: On = None) -> Response:
    content = certificates.certificate(app.uows, actor, code, on)
    name = f"attestation-parts-{code.strip().upper()}-{content.on.isoformat()}.pdf"
    return Response(
        content=certificates.render_pdf(content),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
