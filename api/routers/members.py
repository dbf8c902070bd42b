"""Members: the registry, readable by staff, a member's own record by that member."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, File, Header, Path, Query, Response, UploadFile, status
from pydantic import TypeAdapter
from typing_extensions import TypedDict

from api.responses import json_of
from api.routers.treasury import document_response
from api.schemas import (
    Day,
    EndMembershipIn,
    FactsIn,
    ImportOut,
    MemberCreatedOut,
    MemberIn,
    MemberOut,
    MemberPage,
    MemberPatch,
)
from api.security import App, CurrentActor
from gouvernance.bootstrap import short_read
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR
from gouvernance.domain.members import PersonKind
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.ledger.treasury import CSV, XLSX
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import member_files, members
from gouvernance.services.registry.views import MemberView

router = APIRouter(prefix="/members", tags=["membres"])
MAX_IMPORT_BYTES = 20_000_000  # a register of 100 000 members in CSV is about 15 Mo

Code = Annotated[str, Path(max_length=20, description="code du membre, ex. M0001")]


class _PageOfViews(TypedDict):
    items: list[MemberView]
    total: int
    offset: int
    limit: int


_PAGE = TypeAdapter(_PageOfViews)
_VIEW_ONLY = {f.name for f in dataclasses.fields(MemberView)} - set(MemberOut.model_fields)
_NOT_SHOWN = {"items": {"__all__": _VIEW_ONLY}}
assert set(MemberOut.model_fields) <= {f.name for f in dataclasses.fields(MemberView)}


@router.get("", response_model=MemberPage, summary="Lister les membres")
@short_read
def list_members(
    app: App,
    actor: CurrentActor,
    category: Annotated[str | None, Query(max_length=40)] = None,
    kind: PersonKind | None = None,
    active_on: Annotated[Day | None, Query(description="membres à cette date")] = None,
    search: Annotated[str | None, Query(max_length=100, description="nom, code ou SIREN")] = None,
    include_former: bool = True,
    offset: Annotated[int, Query(ge=0, le=members.MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=members.MAX_PAGE)] = 50,
) -> Response:
    filters = MemberFilter(
        category=category,
        kind=kind,
        active_on=active_on,
        search=search,
        include_former=include_former,
    )
    page = members.list_members(app.uows, actor, filters, offset, limit)
    # The views written as JSON straight away: the same document as a ``MemberPage`` (a test
    # compares them), without building 50 answers and their figures first (≈ 0.4 ms a page).
    found = _PageOfViews(
        items=list(page.items), total=page.total, offset=page.offset, limit=page.limit
    )
    return Response(_PAGE.dump_json(found, exclude=_NOT_SHOWN), media_type="application/json")


@router.post(
    "",
    response_model=MemberCreatedOut,
    status_code=status.HTTP_201_CREATED,
    summary="Créer un membre",
)
def create_member(
    app: App,
    actor: CurrentActor,
    member: MemberIn,
    response: Response,
    idempotency_key: Annotated[
        str | None,
        Header(description="rejouer la même requête avec la même clé ne crée rien de plus"),
    ] = None,
) -> MemberCreatedOut:
    """Réponse 201 et `created: true` ; rejouée avec la même clé `Idempotency-Key`, 200 et
    `created: false`, sans rien créer de plus."""
    view = members.create_member(app.uows, actor, member.draft(), idempotency_key)
    if not view.created:
        response.status_code = status.HTTP_200_OK
    return MemberCreatedOut.of(view)


@router.post(
    "/import",
    response_model=ImportOut,
    status_code=status.HTTP_201_CREATED,
    summary="Importer des membres d'un fichier CSV ou XLSX, tout ou rien",
)
def import_members(
    app: App,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="fichier .csv (séparateur ;) ou .xlsx")],
) -> ImportOut:
    """Le fichier est vérifié en entier avant toute écriture : à la moindre erreur, aucun membre
    n'est créé et la réponse 422 liste chaque ligne fautive (`problems`, avec `line` et la
    colonne dans `field`). Les colonnes sont décrites dans docs/import-membres.md."""
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"fichier trop gros : au plus {MAX_IMPORT_BYTES // 1_000_000} Mo", field="file"
        )
    result = member_files.import_members_from_bytes(
        app.uows, actor, data, file.filename or "membres.csv"
    )
    return ImportOut(created=result.created, codes=list(result.codes))


@router.get(
    "/export",
    response_class=Response,
    summary="Exporter le registre en CSV ou XLSX (même format que l'import)",
    responses={200: {"content": {CSV: {}, XLSX: {}}, "description": "le fichier"}},
)
def export_members(
    app: App,
    actor: CurrentActor,
    file_format: Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")] = "xlsx",
) -> Response:
    data = member_files.export_members_bytes(app.uows, actor, file_format)
    media = CSV if file_format == "csv" else XLSX
    return document_response(Document(f"registre-des-membres.{file_format}", media, data))


@router.get("/{code}", response_model=MemberOut, summary="Lire la fiche d'un membre")
@short_read
def get_member(app: App, actor: CurrentActor, code: Code) -> Response:
    return json_of(MemberOut.of(members.get_member(app.uows, actor, code.upper())))


@router.patch("/{code}", response_model=MemberOut, summary="Modifier la fiche d'un membre")
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
