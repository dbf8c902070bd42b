"""Payments and balances: record what a member paid (treasurer), spread over their calls; what
a member owes or is owed at any date (a member: their own balance only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.ledger_schemas import (
    AllocationOut,
    BalanceOut,
    OnIn,
    PaymentIn,
    PaymentOut,
    RefundIn,
    RefundOut,
)
from api.responses import json_of
from api.schemas import Day
from api.security import App, CurrentActor
from gouvernance.bootstrap import short_read
from gouvernance.services.ledger import payments, refunds

router = APIRouter(tags=["paiements"])

Code = Annotated[str, Path(max_length=20, description="code du membre, ex. M0001")]
On = Annotated[
    Day | None, Query(description="situation à la fin de ce jour (défaut : aujourd'hui)")
]


@router.post(
    "/payments",
    response_model=PaymentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Enregistrer un paiement et l'imputer sur les appels",
    responses={200: {"model": PaymentOut, "description": "paiement déjà enregistré (même clé)"}},
)
def record_payment(
    app: App,
    actor: CurrentActor,
    body: PaymentIn,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(description="rejouer la même requête avec la même clé n'enregistre rien de plus"),
    ] = None,
) -> PaymentOut:
    view = payments.record_payment(
        app.uows,
        actor,
        body.member,
        body.cents(),
        body.received_on,
        body.payment_method(),
        bank_reference=body.bank_reference,
        note=body.note,
        allocations=body.wanted(),
        idempotency_key=idempotency_key,
    )
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return PaymentOut.of(view)


@router.get("/payments", response_model=list[PaymentOut], summary="Lister les paiements")
def list_payments(
    app: App,
    actor: CurrentActor,
    member: Annotated[str | None, Query(max_length=20, description="code du membre")] = None,
) -> list[PaymentOut]:
    return [PaymentOut.of(p) for p in payments.list_payments(app.uows, actor, member)]


@router.post(
    "/members/{code}/credit/apply",
    response_model=list[AllocationOut],
    summary="Imputer le crédit d'un membre sur ses appels à payer",
)
def apply_credit(
    app: App, actor: CurrentActor, code: Code, body: OnIn | None = None
) -> list[AllocationOut]:
    on = body.on if body is not None else None
    return [AllocationOut.of(a) for a in payments.apply_credit(app.uows, actor, code, on)]


@router.post(
    "/members/{code}/refunds",
    response_model=RefundOut,
    status_code=status.HTTP_201_CREATED,
    summary="Rembourser un trop-perçu à un membre, sur son crédit",
    responses={
        200: {"model": RefundOut, "description": "remboursement déjà enregistré (même clé)"}
    },
)
def refund(
    app: App,
    actor: CurrentActor,
    code: Code,
    body: RefundIn,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(description="rejouer la même requête avec la même clé n'enregistre rien de plus"),
    ] = None,
) -> RefundOut:
    """Au plus le crédit du membre, à la date du remboursement comme aujourd'hui ; le
    remboursement entre dans son solde, les exports et le FEC (411 au débit, 512 au crédit)."""
    view = refunds.refund_overpayment(
        app.uows, actor, code, body.cents(), body.refunded_on, body.payment_method(),
        bank_reference=body.bank_reference, reason=body.reason, idempotency_key=idempotency_key,
    )  # fmt: skip
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return RefundOut.of(view)


@router.get(
    "/members/{code}/refunds",
    response_model=list[RefundOut],
    summary="Lister les remboursements faits à un membre",
)
def list_refunds(app: App, actor: CurrentActor, code: Code) -> list[RefundOut]:
    return [RefundOut.of(r) for r in refunds.list_refunds(app.uows, actor, code)]


@router.get(
    "/members/{code}/balance",
    response_model=BalanceOut,
    summary="Lire le solde d'un membre et ses appels",
)
@short_read
def member_balance(app: App, actor: CurrentActor, code: Code, on: On = None) -> Response:
    return json_of(BalanceOut.of(payments.member_balance(app.uows, actor, code, on)))


@router.get("/balances", response_model=list[BalanceOut], summary="Lister les soldes des membres")
def balances(app: App, actor: CurrentActor, on: On = None) -> list[BalanceOut]:
    return [BalanceOut.of(b) for b in payments.balances(app.uows, actor, on)]
