"""Setting up a database: the organisation and the categories members can belong to."""

from __future__ import annotations

import re

from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.members import (
    Category,
    ScicKind,
    default_categories,
    has_control_characters,
)
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.siren import normalise_siren, siren_problem
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit
from gouvernance.services.call_exports import validate_bic, validate_creditor_id, validate_iban
from gouvernance.services.ports import UnitOfWorkFactory

_CATEGORY_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def ensure_default_categories(uows: UnitOfWorkFactory) -> int:
    """Add the SCIC categories that are missing; returns how many were added."""
    added = 0
    with uows() as uow:
        for category in default_categories():
            if uow.categories.get(category.code) is None:
                uow.categories.add(category)
                added += 1
        uow.commit()
    return added


def add_category(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    label: str,
    scic_kind: ScicKind | None = None,
) -> Category:
    """A free category (« ressourcerie », « collectivité »), optionally tied to a SCIC kind."""
    actor.require(Permission.WRITE_MEMBERS)
    key = code.strip().lower()
    if not _CATEGORY_CODE.fullmatch(key):
        raise InvalidInput(
            "le code de catégorie : 1 à 40 lettres minuscules, chiffres, - ou _", field="code"
        )
    if not label.strip():
        raise InvalidInput("le libellé de la catégorie est obligatoire", field="label")
    if has_control_characters(label) or len(label.strip()) > 120:
        raise InvalidInput(
            "libellé invalide : 120 caractères au plus, sans caractère de contrôle",
            field="label",
        )
    with uows() as uow:
        if uow.categories.get(key) is not None:
            raise Conflict(f"la catégorie « {key} » existe déjà", field="code")
        category = Category(code=key, label=label.strip(), scic_kind=scic_kind)
        uow.categories.add(category)
        audit.record(uow, actor, "catégorie.créée", "category", key, libellé=label)
        uow.commit()
    return Category(code=key, label=label.strip(), scic_kind=scic_kind)


def list_categories(uows: UnitOfWorkFactory) -> list[Category]:
    with uows() as uow:
        return [Category(c.code, c.label, c.scic_kind) for c in uow.categories.all()]


def set_organisation(uows: UnitOfWorkFactory, actor: Actor, organisation: Organisation) -> None:
    """Record who the books are for (created once, then updated in place)."""
    actor.require(Permission.MANAGE_USERS)
    if not organisation.name.strip():
        raise InvalidInput("le nom de l'organisation est obligatoire", field="name")
    if organisation.siren:
        organisation.siren = normalise_siren(organisation.siren)
        if reason := siren_problem(organisation.siren):
            raise InvalidInput(reason, field="siren")
    _check_bank_details(organisation)
    with uows() as uow:
        current = uow.organisation.get()
        if current is None:
            uow.organisation.add(organisation)
        else:
            for name in _ORGANISATION_FIELDS:
                setattr(current, name, getattr(organisation, name))
        audit.record(uow, actor, "organisation.définie", "organisation", organisation.name)
        uow.commit()


def get_organisation(uows: UnitOfWorkFactory) -> Organisation | None:
    with uows() as uow:
        found = uow.organisation.get()
        if found is None:
            return None
        return Organisation(
            name=found.name,
            legal_form=found.legal_form,
            siren=found.siren,
            address=found.address,
            postal_code=found.postal_code,
            city=found.city,
            email=found.email,
            iban=found.iban,
            bic=found.bic,
            sepa_creditor_id=found.sepa_creditor_id,
        )


_ORGANISATION_FIELDS = (
    "name", "legal_form", "siren", "address", "postal_code", "city", "email",
    "iban", "bic", "sepa_creditor_id",
)  # fmt: skip


def _check_bank_details(organisation: Organisation) -> None:
    """Where members pay and the SEPA creditor id: checked (and normalised) before storing."""
    if organisation.iban:
        organisation.iban = validate_iban(organisation.iban, "iban")
    if organisation.bic:
        organisation.bic = validate_bic(organisation.bic, "bic")
    if organisation.sepa_creditor_id:
        organisation.sepa_creditor_id = validate_creditor_id(
            organisation.sepa_creditor_id, "sepa_creditor_id"
        )
