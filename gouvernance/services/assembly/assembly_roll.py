"""The roll of an assembly (liste d'émargement), frozen at its cut-off date.

A SCIC's associates are those holding shares at the end of the cut-off day (the register of
shares, replayed); an association's are its members on that day. Each associate is placed in
their college by the statutes. Some are on the roll without a vote, with the reason: no college
receives their category, or, when the statutes require it, a call for fees due before the
cut-off was still unpaid at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gouvernance.domain.assembly.model import NO_COLLEGE, RollEntry
from gouvernance.domain.calls.ledger import call_states
from gouvernance.domain.calls.model import CallStatus
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.members import Member
from gouvernance.domain.money import format_cents
from gouvernance.domain.scic.capital import Register
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.services.ports import CallFilter, UnitOfWork


def build_roll(uow: UnitOfWork, statutes: Statutes, cutoff: date) -> list[RollEntry]:
    """Every associate at the cut-off, by code, entitled to vote or not (with the reason)."""
    associates = _associates(uow, statutes, cutoff)
    unpaid = _unpaid_calls(uow, cutoff) if statutes.voting_roll.fees_up_to_date else {}
    entries = [_entry(statutes, member, unpaid.get(member.code, "")) for member in associates]
    if not any(e.entitled for e in entries):
        source = (
            f"le registre des parts ne compte aucun associé au {cutoff:%d/%m/%Y}"
            if statutes.legal_form.is_scic
            else f"aucun membre au {cutoff:%d/%m/%Y}"
        )
        raise InvalidInput(f"personne ne peut voter : {source}", field="cutoff")
    return entries


def _associates(uow: UnitOfWork, statutes: Statutes, cutoff: date) -> Sequence[Member]:
    if not statutes.legal_form.is_scic:
        return sorted(
            (m for m in uow.members.all() if m.is_member_on(cutoff)), key=lambda m: m.code
        )
    register = Register.replay(uow.capital.operations(until=cutoff))
    found = []
    for code, holding in sorted(register.holdings.items()):
        member = uow.members.get(code)
        if holding.shares > 0 and member is not None:
            found.append(member)
    return found


def _entry(statutes: Statutes, member: Member, unpaid: str) -> RollEntry:
    category = statutes.category_for(member.category)
    college = statutes.college_for(member.code, category)
    reason = unpaid
    if statutes.colleges and college is None:
        reason = f"aucun collège des statuts ne reçoit sa catégorie « {member.category} »"
    label = category.label if category is not None else ""
    if statutes.categories and category is None:
        label = "(hors catégorie)"
    return RollEntry(
        assembly_id=0,
        member_code=member.code,
        name=member.display_name,
        category=label,
        college=college.code if college is not None else NO_COLLEGE,
        entitled=not reason,
        reason=reason,
    )


def _unpaid_calls(uow: UnitOfWork, cutoff: date) -> dict[str, str]:
    """Member code → why they are not up to date: the calls overdue at the end of ``cutoff``."""
    calls = uow.ledger.calls(CallFilter())
    states = call_states(calls, uow.ledger.credit_notes(None), uow.ledger.allocations(None), cutoff)
    overdue: dict[str, list[str]] = {}
    for state in states:
        if state.status is CallStatus.OVERDUE:
            overdue.setdefault(state.call.member_code, []).append(
                f"appel {state.call.reference} échu le {state.call.due_on:%d/%m/%Y}, "
                f"{format_cents(state.outstanding)} impayés"
            )
    return {
        code: f"cotisation non à jour au {cutoff:%d/%m/%Y} : {' ; '.join(items)}"
        for code, items in overdue.items()
    }
