"""SEPA mandates of members, and the organisation's own bank details (where members pay)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from gouvernance.domain.calls.model import Mandate
from gouvernance.domain.errors import InvalidInput, NotFound
from gouvernance.domain.members import has_control_characters
from gouvernance.domain.organisation import BANK_FIELDS
from gouvernance.domain.text import clean_text
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import audit
from gouvernance.services.ledger.call_exports import validate_iban
from gouvernance.services.ledger.calls import check_day, member_key, today
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWorkFactory

MAX_MANDATE_ID = 35  # SEPA: the mandate reference (RUM) is at most 35 characters
# The characters SEPA allows in a mandate reference: refused here rather than by the bank file.
_RUM = re.compile(r"[A-Za-z0-9/?:().,'+ -]{1,35}")
MAX_DEBTOR = 70


@dataclass(frozen=True)
class MandateView:
    member_code: str
    mandate_id: str
    signed_on: date
    iban: str
    bic: str
    debtor_name: str
    active: bool
    last_return: str = ""  # the latest debit the bank gave back under it, in French
    suspended_on: date | None = None  # a return that forbids using it again: a new one needed

    @classmethod
    def of(cls, mandate: Mandate) -> MandateView:
        return cls(
            mandate.member_code,
            mandate.mandate_id,
            mandate.signed_on,
            mandate.iban,
            mandate.bic,
            mandate.debtor_name,
            mandate.active,
            mandate.last_return,
            mandate.suspended_on,
        )


@dataclass(frozen=True)
class BankDetails:
    iban: str | None
    bic: str | None
    sepa_creditor_id: str | None


def set_mandate(
    uows: UnitOfWorkFactory,
    actor: Actor,
    member_code: str,
    *,
    mandate_id: str,
    signed_on: date,
    iban: str,
    bic: str,
    debtor_name: str | None = None,
) -> MandateView:
    """Record (or replace) the mandate a member signed; the previous one is superseded."""
    actor.require(Permission.ISSUE_CALLS)
    code = member_key(member_code)
    rum = mandate_id.strip()
    if not _RUM.fullmatch(rum) or has_control_characters(rum):
        raise InvalidInput(
            f"la référence unique de mandat (RUM) fait 1 à {MAX_MANDATE_ID} caractères, "
            "lettres sans accent, chiffres, espaces et / - ? : ( ) . , ' + seulement",
            field="mandate_id",
        )
    check_day(signed_on, "signed_on")
    if signed_on > today():
        raise InvalidInput("un mandat ne peut pas être signé dans le futur", field="signed_on")
    clean_iban = validate_iban(iban, "iban")
    clean_bic = setup.validate_known_bic(bic, "bic")  # ZZZZFRPP is well formed, no bank's
    debtor = clean_text(debtor_name, "debtor_name", MAX_DEBTOR)
    with uows() as uow:
        member = uow.members.get(code)
        if member is None:
            raise NotFound(f"aucun membre n'a le code {code}", field="member")
        debtor = debtor or " ".join(member.display_name.split())[:MAX_DEBTOR]
        mandate = uow.ledger.mandate(code)
        if mandate is None:
            mandate = Mandate(code, rum, signed_on, clean_iban, clean_bic, debtor, True)
            uow.ledger.add_mandate(mandate)
        else:
            mandate.mandate_id, mandate.signed_on = rum, signed_on
            mandate.iban, mandate.bic, mandate.debtor_name = clean_iban, clean_bic, debtor
            mandate.active = True
            mandate.last_return, mandate.suspended_on = "", None  # a new signature clears them
        uow.flush()
        audit.record(uow, actor, "mandat.enregistré", "member", code, rum=rum, iban=clean_iban[-4:])
        view = MandateView.of(mandate)
        uow.commit()
    return view


def revoke_mandate(uows: UnitOfWorkFactory, actor: Actor, member_code: str) -> MandateView:
    actor.require(Permission.ISSUE_CALLS)
    code = member_key(member_code)
    with uows() as uow:
        mandate = uow.ledger.mandate(code)
        if mandate is None:
            raise NotFound(f"le membre {code} n'a pas de mandat de prélèvement", field="member")
        mandate.active = False
        uow.flush()
        audit.record(uow, actor, "mandat.révoqué", "member", code, rum=mandate.mandate_id)
        view = MandateView.of(mandate)
        uow.commit()
    return view


def get_mandate(uows: UnitOfWorkFactory, actor: Actor, member_code: str) -> MandateView:
    code = member_key(member_code)
    actor.require_ledger_access(code)
    with uows() as uow:
        mandate = uow.ledger.mandate(code)
        if mandate is None:
            raise NotFound(f"le membre {code} n'a pas de mandat de prélèvement", field="member")
        return MandateView.of(mandate)


def list_mandates(uows: UnitOfWorkFactory, actor: Actor) -> list[MandateView]:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        return [MandateView.of(m) for m in uow.ledger.mandates()]


def set_bank_details(
    uows: UnitOfWorkFactory,
    actor: Actor,
    *,
    iban: str | None,
    bic: str | None,
    sepa_creditor_id: str | None,
) -> BankDetails:
    """Where members pay by transfer, and the creditor id SEPA direct debits need. A detail
    left out (``None``) is kept as it is; an empty text erases it. Checked as the
    administrator's ``setup.set_organisation`` checks them: a BIC unknown to the registry is
    refused, a missing one derived from the IBAN."""
    actor.require(Permission.ISSUE_CALLS)
    given: dict[str, Any] = {
        name: value.strip() or None
        for name, value in (("iban", iban), ("bic", bic), ("sepa_creditor_id", sepa_creditor_id))
        if value is not None
    }
    with uows() as uow:
        uow.organisation.lock()
        organisation = setup.require_organisation(uow)
        before = organisation.detached()
        wanted = replace(before.detached(), **given)
        if problems := setup.settle_bank(wanted, before, set(given)):
            raise InvalidInput(problems[0].message, field=problems[0].field, problems=problems)
        changed = [name for name in BANK_FIELDS if getattr(before, name) != getattr(wanted, name)]
        for name in changed:
            setattr(organisation, name, getattr(wanted, name))
        details = BankDetails(organisation.iban, organisation.bic, organisation.sepa_creditor_id)
        if changed:
            uow.flush()
            audit.record(
                uow, actor, "organisation.banque", "organisation", organisation.name,
                changements={
                    name: setup.audited_value(name, getattr(before, name), getattr(wanted, name))
                    for name in changed
                },
            )  # fmt: skip
            uow.commit()
    return details


def get_bank_details(uows: UnitOfWorkFactory, actor: Actor) -> BankDetails:
    actor.require(Permission.READ_LEDGER)
    with uows() as uow:
        organisation = setup.require_organisation(uow)
        return BankDetails(organisation.iban, organisation.bic, organisation.sepa_creditor_id)
