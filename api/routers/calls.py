"""Contribution calls: issue a batch from the adopted schedule (treasurer), read the batches and
the calls (treasurer, board; a member: their own calls only), correct a call by a credit note."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response, status

from api.ledger_schemas import (
    BatchOut,
    CallDetailOut,
    CallOut,
    CallPage,
    CreditNoteIn,
    CreditNoteOut,
    IssueIn,
    IssueOut,
)
from api.schemas import Day
from api.security import App, CurrentActor
from gouvernance.domain.calls.model import CallStatus
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.services.ledger import calls

router = APIRouter(tags=["appels"])

BatchReference = Annotated[
    str, Path(max_length=24, description="référence du lot, ex. LOT-2027-01")
]
CallReference = Annotated[
    str, Path(max_length=24, description="référence de l'appel, ex. AC-2027-0001")
]
FiscalYear = Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="exercice")]
On = Annotated[Day | None, Query(description="situation à cette date (défaut : aujourd'hui)")]
IdempotencyKey = Annotated[
    str | None,
    Header(description="rejouer la même requête avec la même clé ne crée rien de plus"),
]


@router.post(
    "/calls/batches",
    response_model=IssueOut,
    status_code=status.HTTP_201_CREATED,
    summary="Émettre les appels de cotisation d'un barème adopté",
    responses={200: {"model": IssueOut, "description": "demande déjà servie : le même lot"}},
)
def issue_calls(
    app: App,
    actor: CurrentActor,
    body: IssueIn,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> IssueOut:
    result = calls.issue_calls(
        app.uows,
        actor,
        body.schedule,
        issued_on=body.issued_on or calls.today(),
        due_on=body.due_on,
        exclude_incomplete=body.exclude_incomplete,
        idempotency_key=idempotency_key,
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return IssueOut.of(result)


@router.get("/calls/batches", response_model=list[BatchOut], summary="Lister les lots d'appels")
def list_batches(app: App, actor: CurrentActor, fiscal_year: FiscalYear = None) -> list[BatchOut]:
    return [BatchOut.of(b) for b in calls.list_batches(app.uows, actor, fiscal_year)]


@router.get("/calls/batches/{reference}", response_model=BatchOut, summary="Lire un lot d'appels")
def get_batch(app: App, actor: CurrentActor, reference: BatchReference) -> BatchOut:
    return BatchOut.of(calls.get_batch(app.uows, actor, reference))


@router.get("/calls", response_model=CallPage, summary="Lister les appels et leur situation")
def list_calls(
    app: App,
    actor: CurrentActor,
    member: Annotated[str | None, Query(max_length=20, description="code du membre")] = None,
    fiscal_year: FiscalYear = None,
    batch: Annotated[str | None, Query(max_length=24, description="référence du lot")] = None,
    call_status: Annotated[CallStatus | None, Query(alias="status")] = None,
    on: On = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=calls.MAX_PAGE)] = 100,
) -> CallPage:
    query = calls.CallQuery(
        member_code=member,
        fiscal_year=fiscal_year,
        batch_reference=batch,
        status=call_status,
        on=on,
    )
    page = calls.list_calls(app.uows, actor, query, offset, limit)
    return CallPage(
        items=[CallOut.of(c) for c in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get(
    "/calls/{reference}",
    response_model=CallDetailOut,
    summary="Lire un appel : calcul, décision, avoirs, imputations, relances",
)
def get_call(
    app: App, actor: CurrentActor, reference: CallReference, on: On = None
) -> CallDetailOut:
    return CallDetailOut.of(calls.call_detail(app.uows, actor, reference, on))


@router.post(
    "/calls/{reference}/credit-notes",
    response_model=CreditNoteOut,
    status_code=status.HTTP_201_CREATED,
    summary="Corriger un appel par un avoir (sans montant : l'annuler)",
)
def credit_call(
    app: App,
    actor: CurrentActor,
    reference: CallReference,
    body: CreditNoteIn,
    idempotency_key: IdempotencyKey = None,
) -> CreditNoteOut:
    note = calls.credit_call(
        app.uows,
        actor,
        reference,
        body.reason,
        cents=body.cents(),
        on=body.on,
        idempotency_key=idempotency_key,
    )
    return CreditNoteOut.of(note)
