"""Members: the registry, readable by staff, a member's own record by that member."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, status

from api.schemas import EndMembershipIn, FactsIn, MemberIn, MemberOut, MemberPage, MemberPatch
from api.security import App, CurrentActor
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.domain.members import PersonKind
from gouvernance.services import members
from gouvernance.services.ports import MemberFilter

router = APIRouter(prefix="/members", tags=["membres"])

Code = Annotated[str, Path(max_length=20, description="code du membre, ex. M0001")]


@router.get("", response_model=MemberPage, summary="Lister les membres")
def list_members(
    app: App,
    actor: CurrentActor,
    category: Annotated[str | None, Query(max_length=40)] = None,
    kind: PersonKind | None = None,
    active_on: Annotated[date | None, Query(description="membres à cette date")] = None,
    search: Annotated[str | None, Query(max_length=100, description="nom, code ou SIREN")] = None,
    include_former: bool = True,
    offset: Annotated[int, Query(ge=0, le=members.MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=members.MAX_PAGE)] = 50,
) -> MemberPage:
    filters = MemberFilter(
        category=category,
        kind=kind,
        active_on=active_on,
        search=search,
        include_former=include_former,
    )
    page = members.list_members(app.uows, actor, filters, offset, limit)
    return MemberPage(
        items=[MemberOut.of(v) for v in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.post(
    "", response_model=MemberOut, status_code=status.HTTP_201_CREATED, summary="Créer un membre"
)
def create_member(
    app: App,
    actor: CurrentActor,
    member: MemberIn,
    idempotency_key: Annotated[
        str | None,
        Header(description="rejouer la même requête avec la même clé ne crée rien de plus"),
    ] = None,
) -> MemberOut:
    view = members.create_member(app.uows, actor, member.draft(), idempotency_key)
    return MemberOut.of(view)


@router.get("/{code}", response_model=MemberOut, summary="Lire une fiche")
def get_member(app: App, actor: CurrentActor, code: Code) -> MemberOut:
    return MemberOut.of(members.get_member(app.uows, actor, code.upper()))


@router.patch("/{code}", response_model=MemberOut, summary="Modifier une fiche")
def update_member(app: App, actor: CurrentActor, code: Code, patch: MemberPatch) -> MemberOut:
    changes = patch.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    view = members.update_member(app.uows, actor, code.upper(), changes, version)
    return MemberOut.of(view)


@router.post("/{code}/end", response_model=MemberOut, summary="Mettre fin à l'adhésion")
def end_membership(app: App, actor: CurrentActor, code: Code, ending: EndMembershipIn) -> MemberOut:
    view = members.end_membership(app.uows, actor, code.upper(), ending.on, ending.reason)
    return MemberOut.of(view)


@router.put(
    "/{code}/facts/{fiscal_year}",
    response_model=MemberOut,
    summary="Enregistrer les données d'un exercice",
)
def record_facts(
    app: App,
    actor: CurrentActor,
    code: Code,
    fiscal_year: Annotated[int, Path(ge=FIRST_YEAR, le=LAST_YEAR)],
    facts: FactsIn,
) -> MemberOut:
    view = members.record_facts(app.uows, actor, code.upper(), fiscal_year, facts.values())
    return MemberOut.of(view)
