"""The ledger's test set-up, shared by the ledger's storage tests: an adopted schedule in a
temporary rules folder, eight members, and the issue request they all make."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import FactKind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.siren import luhn_complete
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.ledger import calls
from gouvernance.services.ledger.ledger_views import IssueResult
from gouvernance.services.registry import members

WRITERS = 8
TREASURER = Actor("tresorier", Role.TREASURER)
SCHEDULE_ID = "essai-appels"
ISSUED_ON = date(2027, 1, 15)
DUE_ON = date(2027, 2, 15)
RECEIVED_ON = date(2027, 2, 20)

# Producers pay by revenue bracket, beneficiaries nothing, everybody else 20 €.
RULES = """\
id: essai-appels
label: Barème d'essai des appels
adopted:
  date: 2026-11-14
  decision: AG du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
fee:
  by_category:
    producer:
      brackets:
        base: revenue
        mode: single
        grid:
          - {to: "100000", amount: "150,00"}
          - {from: "100000", rate: "0,1 %"}
      cap: "2000,00"
    beneficiary: "0,00"
    default: "20,00"
"""


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "regles"
    folder.mkdir()
    (folder / "bareme.yaml").write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("GOUVERNANCE_RULES_DIR", str(folder))
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-01")
    return folder


@pytest.fixture
def registry(app: Application, rules: Path) -> list[str]:
    """Eight members: five volunteers (20 €), two producers (150 € and 1 200 €) and one
    beneficiary (exempt). Returns their codes in creation order (M0001…M0008)."""
    codes = []
    for i in range(5):
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="volunteer",
            joined_on=date(2020, 1, 1),
            first_name=f"Bénévole {i}",
            last_name="Simultané",
        )
        codes.append(members.create_member(app.uows, SYSTEM, draft).code)
    for i, revenue in enumerate((Decimal("80000"), Decimal("1200000"))):
        draft = MemberDraft(
            kind=PersonKind.LEGAL,
            category="producer",
            joined_on=date(2019, 6, 1),
            name=f"Ferme {i}",
            siren=luhn_complete(f"7328293{i}"),
        )
        code = members.create_member(app.uows, SYSTEM, draft).code
        members.record_facts(app.uows, SYSTEM, code, 2026, {FactKind.REVENUE: revenue})
        codes.append(code)
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="beneficiary",
        joined_on=date(2021, 1, 1),
        first_name="Usager",
        last_name="Exonéré",
    )
    codes.append(members.create_member(app.uows, SYSTEM, draft).code)
    return codes


def issue(app: Application, key: str | None = None) -> IssueResult:
    return calls.issue_calls(
        app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON, idempotency_key=key
    )
