"""Setting up a database: the organisation, the categories members can belong to, and what is
still to do on a new installation (``first_run_status``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from gouvernance.domain.errors import Conflict, InvalidInput, NotFound, Problem
from gouvernance.domain.members import (
    Category,
    ScicKind,
    default_categories,
    has_control_characters,
)
from gouvernance.domain.organisation import (
    BANK_FIELDS,
    DEFAULT_TIME_ZONE,
    EDITABLE_FIELDS,
    Organisation,
    OrganisationChanges,
    PrintedOrganisation,
    apply_changes,
    normalised,
    organisation_problems,
    parse_fiscal_year_start,
    parse_legal_form,
)
from gouvernance.domain.users import Actor, Permission, Role
from gouvernance.services import audit
from gouvernance.services.ledger.call_exports import (
    validate_bic,
    validate_creditor_id,
    validate_iban,
)
from gouvernance.services.ports import MemberFilter, UnitOfWork, UnitOfWorkFactory

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


# --------------------------------------------------------------------------------------------
# The organisation

SET_COMMAND = "gouvernance organisation set --name …"
NO_ORGANISATION = (
    "aucune organisation n'est enregistrée : un administrateur la déclare avec "
    f"« {SET_COMMAND} » (ou PUT /organisation)"
)


def require_organisation(uow: UnitOfWork) -> Organisation:
    """The organisation, or ``NotFound`` saying which command registers it. Every use case that
    needs it (letters, FEC, SEPA, bank details, statutes, minutes, certificates…) asks here."""
    organisation = uow.organisation.get()
    if organisation is None:
        raise NotFound(NO_ORGANISATION, field="organisation")
    return organisation


def organisation_changes(options: Mapping[str, str | int | None]) -> OrganisationChanges:
    """The change a command line asks for: an option left out (``None``) changes nothing, an
    empty text erases. ``fiscal_year_start`` is « JJ/MM » (« 01/07 »); the other keys are the
    organisation's field names (``legal_form``, ``sepa_creditor_id``, ``treasurer_title``…)."""
    given: dict[str, Any] = {name: value for name, value in options.items() if value is not None}
    start = given.pop("fiscal_year_start", None)
    if start is not None:
        day, month = parse_fiscal_year_start(str(start))
        given |= {"fiscal_year_start_day": day, "fiscal_year_start_month": month}
    return OrganisationChanges.of(given)


def time_zone(uow: UnitOfWork) -> str:
    """The clock the organisation reads times on (Europe/Paris until it says otherwise)."""
    found = uow.organisation.get()
    return found.time_zone if found is not None and found.time_zone else DEFAULT_TIME_ZONE


def get_organisation(uows: UnitOfWorkFactory) -> Organisation | None:
    """A detached copy of the organisation, ``None`` before it is registered."""
    with uows() as uow:
        found = uow.organisation.get()
        return found.detached() if found is not None else None


@dataclass(frozen=True)
class OrganisationView:
    """The organisation as one person may read it: the bank details (IBAN, BIC, ICS) only for
    the roles that read the ledger (treasurer, board, administrator); ``None`` for the others."""

    organisation: Organisation
    bank_visible: bool


def organisation_view(uows: UnitOfWorkFactory, actor: Actor) -> OrganisationView:
    """Any signed-in person may read who the organisation is and who signs for it."""
    with uows() as uow:
        organisation = require_organisation(uow).detached()
    visible = actor.can(Permission.READ_LEDGER)
    if not visible:
        for name in BANK_FIELDS:
            setattr(organisation, name, None)
    return OrganisationView(organisation, visible)


def set_organisation(
    uows: UnitOfWorkFactory, actor: Actor, change: Organisation | OrganisationChanges
) -> Organisation:
    """Register the organisation, or change it: an ``Organisation`` replaces every field a
    person sets, an ``OrganisationChanges`` only the fields it gives. The result is checked as
    a whole (an association needs a SIREN or an RNA…), every problem reported at once. Only the
    fields that really change are written and audited (old → new); nothing changing writes
    nothing. Administrator only."""
    actor.require(Permission.MANAGE_USERS)
    if isinstance(change, Organisation):
        given = {name: getattr(change, name) for name in EDITABLE_FIELDS}
    else:
        given = change.given()
    with uows() as uow:
        uow.organisation.lock()
        current = uow.organisation.get()
        before = current.detached() if current is not None else None
        wanted = normalised(apply_changes(before or Organisation(name="", legal_form=""), given))
        problems = organisation_problems(wanted)
        problems += settle_bank(wanted, before, set(given))
        if problems:
            raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
        changed = {
            name: (old, new)
            for name in EDITABLE_FIELDS
            if (old := getattr(before, name) if before else None) != (new := getattr(wanted, name))
        }
        if current is None:
            wanted.id = None
            uow.organisation.add(wanted)
            current = wanted
        elif not changed:
            return current.detached()
        else:
            for name in changed:
                setattr(current, name, getattr(wanted, name))
        uow.flush()
        audit.record(
            uow,
            actor,
            "organisation.définie" if before is None else "organisation.modifiée",
            "organisation",
            wanted.name,
            changements={name: audited_value(name, *values) for name, values in changed.items()},
        )
        result = current.detached()
        uow.commit()
    return result


def audited_value(name: str, old: Any, new: Any) -> list[str | None]:
    """Old and new value as the audit log keeps them; an IBAN shows only its ends."""
    if name == "iban":
        return [_masked(old), _masked(new)]
    return [None if old is None else str(old), None if new is None else str(new)]


def _masked(iban: str | None) -> str | None:
    return f"{iban[:4]}…{iban[-4:]}" if iban else None


# --- Bank details -----------------------------------------------------------------------------


def settle_bank(
    organisation: Organisation, before: Organisation | None, given: set[str]
) -> list[Problem]:
    """Check and normalise the bank details of ``organisation`` in place; the problems, each
    naming its field.

    The BIC must be known to schwifty's registry of banks (a typo is refused, not printed on
    every letter). A missing BIC is derived from the IBAN where schwifty can; an IBAN changed to
    another bank without a BIC drops the old bank's BIC first."""
    problems: list[Problem] = []
    iban: IBAN | None = None
    if organisation.iban:
        try:
            organisation.iban = validate_iban(organisation.iban, "iban")
            iban = IBAN(organisation.iban)
        except InvalidInput as error:
            problems.append(Problem(error.message, "iban"))
    if (
        iban is not None
        and "iban" in given
        and "bic" not in given
        and before is not None
        and before.iban != organisation.iban
        and not _same_bank(before.iban, iban)
    ):
        organisation.bic = None
    if organisation.bic:
        try:
            organisation.bic = validate_known_bic(organisation.bic, "bic")
        except InvalidInput as error:
            problems.append(Problem(error.message, "bic"))
    elif iban is not None:
        organisation.bic = derived_bic(iban)
    if organisation.sepa_creditor_id:
        try:
            organisation.sepa_creditor_id = validate_creditor_id(
                organisation.sepa_creditor_id, "sepa_creditor_id"
            )
        except InvalidInput as error:
            problems.append(Problem(error.message, "sepa_creditor_id"))
    return problems


def _same_bank(previous: str | None, iban: IBAN) -> bool:
    if not previous:
        return False
    try:
        old = IBAN(previous)
    except SchwiftyException:
        return False
    return (old.country_code, old.bank_code) == (iban.country_code, iban.bank_code)


def derived_bic(iban: IBAN) -> str | None:
    """The BIC of the IBAN's bank, where schwifty's registry knows it (French banks do)."""
    try:
        bic = iban.bic
    except SchwiftyException:
        return None
    return str(bic.compact) if bic is not None else None


def validate_known_bic(text: str | None, field: str) -> str:
    """A well-formed BIC (``validate_bic``) whose bank is in schwifty's registry: the BIC itself,
    or its head office (8 characters, or « XXX » as branch), since the registry lists few
    branches."""
    bic = validate_bic(text, field)
    head = bic[:8]
    if any(BIC(code).exists for code in dict.fromkeys((bic, head, f"{head}XXX"))):
        return bic
    raise InvalidInput(
        f"« {bic} » : BIC inconnu, aucune banque ne porte ce code dans le registre des BIC "
        "(vérifiez-le sur un relevé d'identité bancaire)",
        field=field,
    )


# --- What documents print ---------------------------------------------------------------------


def snapshot(uow: UnitOfWork) -> int | None:
    """The id of what documents print about the organisation today, stored once per distinct
    content; ``None`` before the organisation is registered. A document issued now keeps this
    id, and prints the same after any later change."""
    organisation = uow.organisation.get()
    if organisation is None:
        return None
    return uow.organisation.snapshot(PrintedOrganisation.of(organisation).to_json())


def printed(uow: UnitOfWork, snapshot_id: int | None) -> PrintedOrganisation:
    """What a document prints: the snapshot it was issued with, else (issued before snapshots
    existed, or not issued yet) the organisation as it is now."""
    if snapshot_id is not None:
        content = uow.organisation.snapshot_content(snapshot_id)
        if content is not None:
            return PrintedOrganisation.from_json(content)
    return PrintedOrganisation.of(require_organisation(uow))


def describe(organisation: Organisation, *, bank: bool = True) -> list[tuple[str, str]]:
    """The organisation as a person reads it, label and value (for ``organisation show``)."""
    o = organisation
    rows = [("Nom", o.name), ("Forme juridique", _form_label(o.legal_form))]
    rows += [(label, value) for label, value in (("SIREN", o.siren), ("RNA", o.rna)) if value]
    town = " ".join(part for part in (o.postal_code, o.city) if part)
    address = ", ".join(part for part in (o.address, town) if part)
    rows += [("Adresse", address or "—"), ("Courriel", o.email or "—")]
    rows.append(("Début d'exercice", o.fiscal_year_start))
    rows.append(("Fuseau horaire", o.time_zone))
    for label, signatory in (("Présidence", o.president), ("Trésorerie", o.treasurer)):
        rows.append((label, f"{signatory.name}, {signatory.title}" if signatory else "—"))
    if bank:
        rows += [
            ("IBAN", o.iban or "—"),
            ("BIC", o.bic or "—"),
            ("ICS", o.sepa_creditor_id or "—"),
        ]
    rows.append(("Statuts", o.statutes_id or "—"))
    return rows


def _form_label(legal_form: str) -> str:
    try:
        return parse_legal_form(legal_form).label
    except InvalidInput:
        return legal_form


# --------------------------------------------------------------------------------------------
# First run


@dataclass(frozen=True)
class FirstRunStatus:
    """What a new installation has, and the next steps, in French, in the order to take them."""

    has_admin: bool
    organisation: str | None  # its name, once registered
    members: int

    @property
    def ready(self) -> bool:
        return self.has_admin and self.organisation is not None

    @property
    def next_steps(self) -> tuple[str, ...]:
        steps = []
        if not self.has_admin:
            steps.append(
                "créez le premier administrateur : gouvernance users add <identifiant> --role admin"
            )
        if self.organisation is None:
            steps.append(
                "déclarez l'organisation : gouvernance --as <identifiant> organisation set "
                "--name « … » --legal-form association --rna W… (ou --siren …), "
                "ou PUT /organisation"
            )
        if self.members == 0:
            steps.append(
                "inscrivez les membres : gouvernance --as <identifiant> members import "
                "membres.csv (ou POST /members)"
            )
        return tuple(steps)

    def next_steps_text(self) -> str:
        """« Prochaines étapes : 1. … 2. … », or « » when nothing is left to do."""
        steps = self.next_steps
        if not steps:
            return ""
        numbered = " ".join(f"{n}. {step}" for n, step in enumerate(steps, start=1))
        return f"Prochaines étapes : {numbered}"


def first_run_status(uows: UnitOfWorkFactory) -> FirstRunStatus:
    """Is there an active administrator, is the organisation registered, how many members: read
    without an actor, as ``gouvernance init`` and a first-run page need it before anyone can
    sign in (nothing personal is disclosed: counts and the organisation's name)."""
    with uows() as uow:
        has_admin = any(user.role is Role.ADMIN and user.active for user in uow.users.all())
        organisation = uow.organisation.get()
        _, members = uow.members.search(MemberFilter(), 0, 1)
        return FirstRunStatus(has_admin, organisation.name if organisation else None, members)
