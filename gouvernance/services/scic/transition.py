"""The transition report as a use case: read the statutes, the law and the registry, then report.

Reading only: nothing is written, so nothing is audited. The board, the treasurer and the
administrator may read it (they prepare the extraordinary assembly); a member or a scrutineer
may not, as the report lists every member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.scic.transition import TransitionReport, build_report
from gouvernance.domain.users import Actor, Permission
from gouvernance.services import clock
from gouvernance.services.organisation import setup
from gouvernance.services.ports import UnitOfWorkFactory
from gouvernance.services.scic import scic_rules

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

__all__ = ["TransitionResult", "default_statutes_id", "transition_report"]


@dataclass(frozen=True)
class TransitionResult:
    """The report and who the organisation is (for the document's title)."""

    report: TransitionReport
    organisation: str


def default_statutes_id() -> str:
    """The only SCIC statutes document there is (a transition leads to a SCIC); with none or
    several, the person must name one."""
    documents = [s for s in scic_rules.list_statutes() if s.legal_form.is_scic]
    if len(documents) == 1:
        return documents[0].id
    known = ", ".join(s.id for s in documents) or "aucun"
    raise InvalidInput(f"précisez les statuts à utiliser (disponibles : {known})", field="statutes")


def transition_report(
    uows: UnitOfWorkFactory, actor: Actor, statutes_id: str, on: date | None = None
) -> TransitionResult:
    """Today's (or ``on``'s) members placed into the statutes ``statutes_id``."""
    actor.require(Permission.SIMULATE_FEES)
    day = on or clock.today()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"date hors de la plage {FIRST_DAY.year}–{LAST_DAY.year}", field="on")
    statutes = scic_rules.load_statutes(statutes_id)
    law = scic_rules.load_law()
    presets, _, _ = scic_rules.load_presets()
    with uows() as uow:
        members = uow.members.all()
        report = build_report(statutes, members, law, presets, day)
        name = setup.require_organisation(uow).name
    return TransitionResult(report, name)
