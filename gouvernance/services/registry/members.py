"""Member registry use cases: create, read, list, change, end membership, record facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal
from typing import Any

from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import (
    DRAFT_FIELDS,
    Member,
    MemberDraft,
    ScicKind,
    check_draft,
    has_control_characters,
)
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit, idempotency
from gouvernance.services.ports import MemberFilter, UnitOfWork, UnitOfWorkFactory
from gouvernance.services.registry.views import MemberView, Page

MAX_PAGE = 500
MAX_OFFSET = 10**9
_REQUIRED = ("kind", "category", "joined_on", "name", "first_name", "last_name")


def category_codes(uow: UnitOfWork) -> set[str]:
    return {c.code for c in uow.categories.all()}


def volunteer_codes(uow: UnitOfWork) -> frozenset[str]:
    """The categories of volunteers: natural persons only (loi n° 47-1775, art. 19 septies)."""
    return frozenset(c.code for c in uow.categories.all() if c.scic_kind is ScicKind.VOLUNTEER)


def duplicate_problems(
    uow: UnitOfWork, draft: MemberDraft, *, own_code: str | None = None
) -> list[Problem]:
    """A code or a SIREN already held by another member."""
    found: list[Problem] = []
    if draft.code and draft.code != own_code and uow.members.get(draft.code) is not None:
        found.append(Problem(f"le code {draft.code} est déjà attribué à un autre membre", "code"))
    if draft.siren:
        holder = uow.members.by_siren(draft.siren)
        if holder is not None and holder.code != own_code:
            found.append(
                Problem(
                    f"le SIREN {draft.siren} est déjà celui de "
                    f"{holder.display_name} ({holder.code})",
                    "siren",
                )
            )
    return found


def create_member(
    uows: UnitOfWorkFactory,
    actor: Actor,
    draft: MemberDraft,
    idempotency_key: str | None = None,
) -> MemberView:
    """Create a member; with an idempotency key, a retried request returns the first result."""
    actor.require(Permission.WRITE_MEMBERS)
    key = idempotency.optional_key(actor, "members.create", idempotency_key)
    request_hash = idempotency.fingerprint(asdict(draft))
    with uows() as uow:
        # Lock first: a concurrent retry then sees the winner's stored key, and generated
        # codes (read the highest, write the next) cannot collide.
        uow.members.lock_registry()
        if key and (done := idempotency.replay(uow, key, request_hash)):
            return replace(MemberView.of(_existing(uow, done)), created=False)
        clean = check_draft(draft, category_codes(uow), volunteer_codes(uow))
        if duplicates := duplicate_problems(uow, clean):
            raise Conflict(duplicates[0].message, field=duplicates[0].field, problems=duplicates)
        member = Member.from_draft(clean, code=clean.code or uow.members.next_code())
        uow.members.add(member)
        uow.flush()
        audit.record(uow, actor, "membre.créé", "member", member.code, nom=member.display_name)
        if key:
            idempotency.remember(uow, key, request_hash, 201, member.code)
        view = MemberView.of(member)
        uow.commit()
    return view


def get_member(uows: UnitOfWorkFactory, actor: Actor, code: str) -> MemberView:
    actor.require_member_access(code)
    key = code.strip().upper()
    if has_control_characters(key) or len(key) > 20:
        raise NotFound("aucun membre n'a ce code", field="code")
    with uows() as uow:
        view = uow.members.view(key)
    if view is None:
        raise NotFound(f"aucun membre n'a le code {key}", field="code")
    return view


def list_members(
    uows: UnitOfWorkFactory,
    actor: Actor,
    filters: MemberFilter,
    offset: int = 0,
    limit: int = 50,
) -> Page[MemberView]:
    """Staff see the registry; a member's list holds only their own record."""
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"le décalage doit être entre 0 et {MAX_OFFSET}", field="offset")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"la taille de page doit être entre 1 et {MAX_PAGE}", field="limit")
    for name in ("category", "search"):
        if has_control_characters(getattr(filters, name)):
            raise InvalidInput("caractère de contrôle interdit", field=name)
    with uows() as uow:
        if not actor.can(Permission.READ_ALL_MEMBERS):
            own = uow.members.view(actor.member_code) if actor.member_code else None
            items = (own,) if own is not None and offset == 0 else ()
            return Page(items=items, total=1 if own else 0, offset=offset, limit=limit)
        found, total = uow.members.search_views(filters, offset, limit)
        return Page(items=tuple(found), total=total, offset=offset, limit=limit)


def update_member(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> MemberView:
    """Change some fields; the whole record is re-checked, and a stale version is refused."""
    actor.require(Permission.WRITE_MEMBERS)
    unknown = set(changes) - DRAFT_FIELDS - {"version"}
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(f"champ inconnu « {name} »", field=name)
    if "code" in changes and changes["code"] not in (None, code):
        raise InvalidInput("le code d'un membre ne change pas", field="code")
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise InvalidInput("ce champ ne peut pas être vidé (null)", field=name)
    with uows() as uow:
        member = _existing(uow, code, for_update=True)
        if expected_version is not None and expected_version != member.version:
            raise Conflict(
                f"la fiche {code} a été modifiée entre-temps (version {member.version}, "
                f"vous aviez la version {expected_version}) : rechargez-la",
                field="version",
            )
        wanted = {k: v for k, v in changes.items() if k != "version" and getattr(member, k) != v}
        if not wanted:
            return MemberView.of(member)  # nothing changes: no new version, no audit entry
        draft = replace(member.to_draft(), **wanted)
        clean = check_draft(draft, category_codes(uow), volunteer_codes(uow))
        if duplicates := duplicate_problems(uow, clean, own_code=code):
            raise Conflict(duplicates[0].message, field=duplicates[0].field, problems=duplicates)
        before = MemberView.of(member)
        member.apply(clean)
        uow.flush()
        after = MemberView.of(member)
        changed = {
            name: [str(getattr(before, name)), str(getattr(after, name))]
            for name in wanted
            if hasattr(before, name) and getattr(before, name) != getattr(after, name)
        }
        audit.record(uow, actor, "membre.modifié", "member", code, changements=changed)
        uow.commit()
    return after


# What a member may change on their own record: how to reach them. The rest (name, SIREN,
# category, dates, figures) is the register the treasurer keeps and answers for.
OWN_DETAILS = ("email", "phone", "address", "postal_code", "city")
_FIELD_LABELS = {
    "kind": "la nature (personne physique ou morale)", "category": "la catégorie",
    "joined_on": "la date d'adhésion", "left_on": "la date de sortie", "name": "la raison sociale",
    "first_name": "le prénom", "last_name": "le nom", "siren": "le SIREN", "code": "le code",
}  # fmt: skip


def update_own_details(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    changes: Mapping[str, Any],
    version: int,
) -> MemberView:
    """A member changes their own contact details (``OWN_DETAILS``), nothing else.

    Checked here and not only in a form: any shell (web, API) gets the same guard. ``version``
    is the one the member read; a record changed since is refused rather than overwritten.
    """
    key = code.strip().upper()
    if actor.member_code is None or actor.member_code != key:
        raise Forbidden("un adhérent ne peut modifier que ses propres coordonnées", field="code")
    for name in changes:
        if name in OWN_DETAILS:
            continue
        if name in _FIELD_LABELS:
            raise Forbidden(
                f"{_FIELD_LABELS[name]} ne se modifie pas ici : c'est le trésorier qui tient "
                "cette donnée du registre ; écrivez-lui pour la faire corriger",
                field=name,
            )
        raise InvalidInput(f"champ inconnu « {name} »", field=name)
    for name, value in changes.items():
        if value is not None and not isinstance(value, str):
            raise InvalidInput("texte attendu", field=name)
    with uows() as uow:
        member = _existing(uow, key, for_update=True)
        if version != member.version:
            raise Conflict(
                "votre fiche a été modifiée entre-temps (par vous dans une autre fenêtre, ou par "
                "le trésorier) : rechargez la page, puis recommencez",
                field="version",
            )
        clean = check_draft(
            replace(member.to_draft(), **changes), category_codes(uow), volunteer_codes(uow)
        )
        before = MemberView.of(member)
        changed = {
            name: [getattr(member, name), getattr(clean, name)]
            for name in OWN_DETAILS
            if getattr(member, name) != getattr(clean, name)
        }
        if not changed:
            return before  # nothing changes: no new version, no audit entry
        member.apply(clean)
        uow.flush()
        audit.record(uow, actor, "membre.coordonnées", "member", key, changements=changed)
        after = MemberView.of(member)
        uow.commit()
    return after


def end_membership(
    uows: UnitOfWorkFactory, actor: Actor, code: str, on: date, reason: str
) -> MemberView:
    actor.require(Permission.WRITE_MEMBERS)
    with uows() as uow:
        member = _existing(uow, code, for_update=True)
        member.end_membership(on, reason)
        uow.flush()
        audit.record(uow, actor, "membre.sorti", "member", code, date=on, motif=reason)
        view = MemberView.of(member)
        uow.commit()
    return view


def record_facts(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    fiscal_year: int,
    values: Mapping[FactKind, Decimal],
) -> MemberView:
    """Record several figures of one fiscal year at once (all or none)."""
    actor.require(Permission.WRITE_MEMBERS)
    if not values:
        raise InvalidInput("aucune donnée à enregistrer", field="values")
    with uows() as uow:
        member = _existing(uow, code, for_update=True)
        for kind, value in values.items():
            member.record_fact(fiscal_year, kind, value)
        uow.flush()
        audit.record(
            uow,
            actor,
            "membre.données",
            "member",
            code,
            exercice=fiscal_year,
            valeurs={k.value: str(v) for k, v in values.items()},
        )
        view = MemberView.of(member)
        uow.commit()
    return view


def _existing(uow: UnitOfWork, code: str, *, for_update: bool = False) -> Member:
    key = code.strip().upper()
    if has_control_characters(key) or len(key) > 20:
        raise NotFound("aucun membre n'a ce code", field="code")
    member = uow.members.get_for_update(key) if for_update else uow.members.get(key)
    if member is None:
        raise NotFound(f"aucun membre n'a le code {key}", field="code")
    return member
