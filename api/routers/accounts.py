"""Sign-in, the signed-in account, accounts management, categories, organisation, audit."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.account_schemas import AccountOut, PasswordChangeIn, PasswordResetIn, RevokedOut
from api.audit_schemas import AuditChainOut
from api.responses import json_of
from api.schemas import AuditOut, CategoryIn, CategoryOut, MeOut, TokenOut, UserIn, UserOut
from api.security import App, CurrentActor, CurrentToken, client_address
from gouvernance.services import audit, audit_chain
from gouvernance.services.access import accounts
from gouvernance.services.organisation import setup

router = APIRouter()

_REFUSALS: dict[int | str, dict[str, str]] = {
    401: {"description": "identifiant ou mot de passe incorrect (même réponse pour tous les cas)"},
    429: {"description": "trop d'échecs pour ce compte ou cette adresse ; voir Retry-After"},
    503: {"description": "trop de connexions en attente ; voir Retry-After"},
}


@router.post(
    "/auth/token",
    response_model=TokenOut,
    tags=["authentification"],
    summary="Se connecter : identifiant et mot de passe contre un jeton (12 heures)",
    responses=_REFUSALS,
)
async def sign_in(
    request: Request, app: App, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenOut:
    """Échange identifiant et mot de passe contre un jeton (valable 12 heures).

    Après 10 échecs en 15 minutes sur un compte, ou 30 en une minute depuis une adresse, les
    tentatives sont refusées (429, en-tête `Retry-After` en secondes) pendant 5 minutes (compte)
    ou 1 minute (adresse), même avec le bon mot de passe."""
    address = client_address(request)
    # A locked account or address is refused here, before queueing for a password check.
    app.sign_in_limits.check(form.username.strip(), address)
    work = partial(
        accounts.sign_in,
        app.uows,
        form.username,
        form.password,
        address,
        limits=app.sign_in_limits,
    )
    return TokenOut(access_token=await app.sign_in_gate().run(work))


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["authentification"],
    summary="Se déconnecter : le jeton de la requête est révoqué",
)
def sign_out(app: App, actor: CurrentActor, token: CurrentToken) -> Response:
    accounts.sign_out(app.uows, actor, token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/me",
    response_model=MeOut,
    tags=["authentification"],
    summary="Lire le compte connecté : identifiant, rôle, membre rattaché",
)
async def me(actor: CurrentActor) -> Response:
    # No database: nothing for a thread-pool trip to wait on.
    return json_of(
        MeOut(
            username=actor.username,
            role=actor.role,
            member_code=actor.member_code,
            role_label=actor.role.label,
        )
    )


@router.put(
    "/me/password",
    response_model=RevokedOut,
    tags=["authentification"],
    summary="Changer son mot de passe (l'actuel est demandé), fermer ses autres sessions",
)
async def change_password(
    request: Request, app: App, actor: CurrentActor, token: CurrentToken, body: PasswordChangeIn
) -> RevokedOut:
    address = client_address(request)
    app.sign_in_limits.check(actor.username, address)
    work = partial(
        accounts.change_password,
        app.uows,
        actor,
        body.current_password,
        body.new_password,
        keep_token=token,
        address=address,
        limits=app.sign_in_limits,
    )
    return RevokedOut(revoked=await app.sign_in_gate().run(work))


@router.get(
    "/users",
    response_model=list[AccountOut],
    tags=["comptes"],
    summary="Lister les comptes (administrateur)",
)
def list_users(app: App, actor: CurrentActor) -> list[AccountOut]:
    return [AccountOut.of(view) for view in accounts.list_users(app.uows, actor)]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    tags=["comptes"],
    summary="Créer un compte (administrateur)",
)
async def add_user(request: Request, app: App, actor: CurrentActor, user: UserIn) -> UserOut:
    work = partial(
        accounts.add_user,
        app.uows,
        actor,
        user.username,
        user.password,
        user.role,
        user.member_code,
    )
    created = await app.sign_in_gate().run(work)
    return UserOut(username=created.username, role=created.role, member_code=created.member_code)


@router.post(
    "/users/{username}/deactivate",
    response_model=AccountOut,
    tags=["comptes"],
    summary="Désactiver un compte : plus de connexion, jetons révoqués (administrateur)",
)
def deactivate_user(app: App, actor: CurrentActor, username: str) -> AccountOut:
    return AccountOut.of(accounts.deactivate_user(app.uows, actor, username))


@router.post(
    "/users/{username}/reactivate",
    response_model=AccountOut,
    tags=["comptes"],
    summary="Réactiver un compte désactivé (administrateur)",
)
def reactivate_user(app: App, actor: CurrentActor, username: str) -> AccountOut:
    return AccountOut.of(accounts.reactivate_user(app.uows, actor, username))


@router.put(
    "/users/{username}/password",
    response_model=RevokedOut,
    tags=["comptes"],
    summary="Réinitialiser le mot de passe d'un autre compte ; ses jetons sont révoqués",
)
async def reset_password(
    request: Request, app: App, actor: CurrentActor, username: str, body: PasswordResetIn
) -> RevokedOut:
    work = partial(accounts.reset_password, app.uows, actor, username, body.new_password)
    return RevokedOut(revoked=await app.sign_in_gate().run(work))


@router.post(
    "/users/{username}/tokens/revoke",
    response_model=RevokedOut,
    tags=["comptes"],
    summary="Révoquer tous les jetons d'un compte (soi-même, ou administrateur)",
)
def revoke_tokens(app: App, actor: CurrentActor, username: str) -> RevokedOut:
    return RevokedOut(revoked=accounts.revoke_tokens(app.uows, actor, username))


@router.get(
    "/categories",
    response_model=list[CategoryOut],
    tags=["membres"],
    summary="Lister les catégories de membres",
)
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
    summary="Ajouter une catégorie de membres",
)
def add_category(app: App, actor: CurrentActor, category: CategoryIn) -> CategoryOut:
    made = setup.add_category(app.uows, actor, category.code, category.label, category.scic_kind)
    return CategoryOut(code=made.code, label=made.label, scic_kind=made.scic_kind)


@router.get(
    "/audit",
    response_model=list[AuditOut],
    tags=["journal"],
    summary="Lire le journal d'audit, le plus récent d'abord (conseil, administrateur)",
)
def audit_log(
    app: App, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditOut]:
    return [
        AuditOut(
            number=line.entry.id or 0,
            at=line.at_local.isoformat(),
            at_text=line.at_text,
            actor=line.entry.actor,
            action=line.entry.action,
            entity=line.entry.entity,
            entity_key=line.entry.entity_key,
            detail=line.entry.detail,
            digest=line.entry.digest,
        )
        for line in audit.journal(app.uows, actor, limit)
    ]


@router.get(
    "/audit/verify",
    response_model=AuditChainOut,
    tags=["journal"],
    summary="Contrôler la chaîne d'empreintes du journal d'audit (conseil, administrateur)",
)
def verify_audit_log(
    app: App,
    actor: CurrentActor,
    head: Annotated[
        str | None,
        Query(
            max_length=200,
            description="tête imprimée sur un document (procès-verbal, export), ex. "
            "« 1234:9f3a5c0d12345678 » : vérifier aussi que le journal la contient toujours",
        ),
    ] = None,
) -> AuditChainOut:
    """Recalcule la chaîne d'empreintes de tout le journal et nomme le premier maillon rompu :
    une entrée modifiée après coup, des entrées supprimées, un chaînon réécrit. Réponse 200 dans
    tous les cas : `intact` dit le verdict, `messages` l'explique en français."""
    return AuditChainOut.of(audit_chain.verify(app.uows, actor, head))
