"""``gouvernance surplus allocate`` on the demo (statutes demo-statuts-scic, interest 2 %), with
SAL01 (Camille Roux) holding 2 shares of 50,00 € fully paid since 1 February 2024 and SAL02
(Karim Benali) 4 shares paid since the same day; today is 15 January 2027 (the demo needs it)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from gouvernance.bootstrap import bootstrap
from gouvernance.cli import app
from gouvernance.domain.users import SYSTEM
from gouvernance.services.clock import VARIABLE as TODAY
from gouvernance.services.scic import capital

runner = CliRunner()
NNBSP, NBSP = "\u202f", "\u00a0"


def flat(output: str) -> str:
    """The output with Rich's line wrapping undone."""
    return re.sub(r" *\n *", " ", output)


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping: whole explanations
    monkeypatch.setenv(TODAY, "2027-01-15")
    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    application = bootstrap(database_url)
    try:
        for code, shares in (("SAL01", 2), ("SAL02", 4)):
            paid = Decimal(50 * shares)
            capital.subscribe(application.uows, SYSTEM, code, shares, paid, date(2024, 2, 1))
    finally:
        application.close()
    return ["--database", database_url]


def test_allocate_prints_the_lines_their_explanations_and_the_interest_per_associate(
    db: list[str],
) -> None:
    result = runner.invoke(
        app,
        ["surplus", "allocate", "2024", "--surplus", "10 000,03", "--assembly", "2025-06-15", *db],
    )
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Affectation de l'excédent 2024 — assemblée du 15/06/2025" in out
    assert f"1{NNBSP}500,01{NBSP}€" in out  # legal reserve, rounded up from 1 500,0045 €
    assert f"= 1{NNBSP}500,0045{NBSP}€, arrondi au centime supérieur" in out
    assert "Affectation complémentaire" in out
    assert re.search(rf"Total +10{NNBSP}000,03{NBSP}€", result.output)
    # 2 % of 300,00 € = 6,00 €: 2,00 € for SAL01, 4,00 € for SAL02.
    assert re.search(rf"SAL01 +Camille Roux +100,00{NBSP}€ +2,00{NBSP}€", result.output)
    assert re.search(rf"SAL02 +Karim Benali +200,00{NBSP}€ +4,00{NBSP}€", result.output)
    assert f"= 4,80{NBSP}%" in out


def test_allocate_as_json_gives_the_api_body(db: list[str]) -> None:
    result = runner.invoke(
        app,
        ["surplus", "allocate", "2024", "--surplus", "100,03", "--subsidies", "20", "--json", *db],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [line["amount"]["cents"] for line in body["lines"]] == [1501, 4251, 600, 3651]
    assert body["totals"]["surplus"]["cents"] == 10003
    assert [(p["member_code"], p["amount"]["cents"]) for p in body["interests"]] == [
        ("SAL01", 200),
        ("SAL02", 400),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--surplus", "-500"], "pas d'excédent à affecter"),
        (["--surplus", "1000", "--rate", "5 %"], "dépasse le plafond légal de 4,80"),
        (["--surplus", "1000", "--rate", "beaucoup"], "part illisible"),
        (["--surplus", "1000", "--assembly", "demain"], "date invalide"),
    ],
)
def test_allocate_refuses_in_french_without_a_traceback(
    db: list[str], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["surplus", "allocate", "2024", *args, *db])
    assert result.exit_code == 1
    assert message in flat(result.output).replace(NBSP, " ")
    assert "Traceback" not in result.output
