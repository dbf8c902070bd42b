"""The SEPA commands: an export in the format asked, the files already handed over listed and
written again byte for byte, a reject announced by the bank that reopens the call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sepa_xsd import debits, validate
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY

runner = CliRunner()


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv(TODAY, "2027-01-15")
    demo_loader(database_url)
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_reject_announced_by_the_bank_reopens_the_call_for_the_next_order(
    db: list[str], tmp_path: Path
) -> None:
    ok("calls", "issue", "demo-bareme-ca", "--due", "2027-03-31", "--exclude-incomplete", *db)
    first = tmp_path / "premier.xml"
    ok("export", "sepa", "--collection-date", "2027-02-01", "--schema", "02", "--out",
       str(first), *db)  # fmt: skip
    assert validate(first.read_bytes()) == "pain.008.001.02"
    garrigue = next(d for d in debits(first.read_bytes()) if "GARRIGUE" in d.mandate_id)
    again = run("export", "sepa", "--collection-date", "2027-02-02", *db)
    assert again.exit_code == 1 and "rien à prélever" in again.output
    listed = ok("export", "sepa-files", *db)
    message_id = listed.split("GV-", 1)[1].split(" ", 1)[0]
    copy = tmp_path / "copie.xml"
    ok("export", "sepa-again", f"GV-{message_id}", "--out", str(copy), *db)
    assert copy.read_bytes() == first.read_bytes()
    said = ok("mandates", "return", garrigue.end_to_end, "--reason", "MD01", *db)
    assert f"Rejet du prélèvement de {garrigue.end_to_end} (GARRIGUE) enregistré" in said
    assert "MD01 — pas de mandat. Mandat suspendu" in said
    assert "suspendu le 15/01/2027" in ok("mandates", "list", *db)
    unknown = run("mandates", "return", garrigue.end_to_end, "--reason", "XX01", *db)
    assert unknown.exit_code == 1 and "motif de rejet inconnu" in unknown.output
