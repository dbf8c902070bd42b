"""The roll of an assembly (liste d'émargement), frozen at its cut-off date.

A SCIC's associates are those holding shares at the end of the cut-off day: one grouped query
over the register of shares joined to the registry (65 000 associates in the largest networks:
no object nor query per associate); an association's are its members on that day. Each
associate is placed in their college by the statutes. Some are on the roll without a vote, with
the reason: no college receives their category, or, when the statutes require it, a call for
fees due before the cut-off was still unpaid at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gouvernance.domain.assembly.model import NO_COLLEGE, RollDraft
from gouvernance.domain.calls.ledger import call_states
from gouvernance.domain.calls.model import CallStatus
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_cents
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.services.ports import CallFilter, UnitOfWork


def build_roll(uow: UnitOfWork, statutes: Statutes, cutoff: date) -> list[RollDraft]:
    """Every associate at the cut-off, by code, entitled to vote or not (with the reason), as
    plain rows for one bulk insert. Category and college are worked out once per registry
    category (and for each associate the statutes place by name), not once per associate."""
    associates = _associates(uow, statutes, cutoff)
    unpaid = _unpaid_calls(uow, cutoff) if statutes.voting_roll.fees_up_to_date else {}
    placed: dict[str, tuple[str, str, str]] = {}
    entries = []
    for code, name, registry_category in associates:
        if code in statutes.overrides:
            label, college, reason = _place(statutes, code, registry_category)
        else:
            if registry_category not in placed:
                placed[registry_category] = _place(statutes, code, registry_category)
            label, college, reason = placed[registry_category]
        reason = reason or unpaid.get(code, "")
        entries.append(RollDraft(0, code, name, label, college, not reason, reason))
    if not any(e.entitled for e in entries):
        source = (
            f"le registre des parts ne compte aucun associé au {cutoff:%d/%m/%Y}"
            if statutes.legal_form.is_scic
            else f"aucun membre au {cutoff:%d/%m/%Y}"
        )
        raise InvalidInput(f"personne ne peut voter : {source}", field="cutoff")
    return entries


def _associates(
    uow: UnitOfWork, statutes: Statutes, cutoff: date
) -> Sequence[tuple[str, str, str]]:
    """(code, name, registry category) of everyone on the roll, by code."""
    if not statutes.legal_form.is_scic:
        return sorted(
            (m.code, m.display_name, m.category)
            for m in uow.members.all()
            if m.is_member_on(cutoff)
        )
    return [(a.code, a.name, a.category) for a in uow.capital.associates(cutoff)]


def _place(statutes: Statutes, code: str, registry_category: str) -> tuple[str, str, str]:
    """(the statutes' category label, college code, why no vote) of an associate."""
    category = statutes.category_for(registry_category)
    college = statutes.college_for(code, category)
    reason = ""
    if statutes.colleges and college is None:
        reason = f"aucun collège des statuts ne reçoit sa catégorie « {registry_category} »"
    label = category.label if category is not None else ""
    if statutes.categories and category is None:
        label = "(hors catégorie)"
    return label, college.code if college is not None else NO_COLLEGE, reason


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
