"""Sign-in, the signed-in account, accounts management, categories, organisation, audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.security import OAuth2PasswordRequestForm

from api.schemas import AuditOut, CategoryIn, CategoryOut, MeOut, TokenOut, UserIn, UserOut
from api.security import App, CurrentActor
from gouvernance.services import accounts, audit, setup

router = APIRouter()


@router.post("/auth/token", response_model=TokenOut, tags=["authentification"])
def sign_in(app: App, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    """Échange identifiant et mot de passe contre un jeton (valable 12 heures)."""
    return TokenOut(access_token=accounts.sign_in(app.uows, form.username, form.password))


@router.get("/me", response_model=MeOut, tags=["authentification"])
def me(actor: CurrentActor) -> MeOut:
    return MeOut(
        username=actor.username,
        role=actor.role,
        member_code=actor.member_code,
        role_label=actor.role.label,
    )


@router.post(
    "/users", response_model=UserOut, status_code=status.HTTP_201_CREATED, tags=["comptes"]
)
def add_user(app: App, actor: CurrentActor, user: UserIn) -> UserOut:
    created = accounts.add_user(
        app.uows, actor, user.username, user.password, user.role, user.member_code
    )
    return UserOut(username=created.username, role=created.role, member_code=created.member_code)


@router.get("/categories", response_model=list[CategoryOut], tags=["membres"])
def categories(app: App, _: CurrentActor) -> list[CategoryOut]:
    return [
        CategoryOut(code=c.code, label=c.label, scic_kind=c.scic_kind)
        for c in setup.list_categories(app.uows)
    ]


@router.post(
    "/categories",
    response_model=CategoryOut,
    status_code=status.HTTP_201_CREATED,
    tags=["membres"],
)
def add_category(app: App, actor: CurrentActor, category: CategoryIn) -> CategoryOut:
    made = setup.add_category(app.uows, actor, category.code, category.label, category.scic_kind)
    return CategoryOut(code=made.code, label=made.label, scic_kind=made.scic_kind)


@router.get("/audit", response_model=list[AuditOut], tags=["journal"])
def audit_log(
    app: App, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditOut]:
    return [
        AuditOut(
            at=e.at.isoformat(),
            actor=e.actor,
            action=e.action,
            entity=e.entity,
            entity_key=e.entity_key,
            detail=e.detail,
        )
        for e in audit.recent(app.uows, actor, limit)
    ]
