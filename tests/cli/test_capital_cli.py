"""``gouvernance capital …`` run as the treasurer would, on the demo (22 November 2026)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.services.clock import VARIABLE as TODAY

runner = CliRunner()


def flat(output: str) -> str:
    """The output with Rich's wrapping undone and Babel's no-break spaces made ordinary."""
    return re.sub(r" *\n *", " ", output).replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "140")
    monkeypatch.setenv(TODAY, "2026-11-22")
    demo_loader(database_url)  # what « gouvernance demo » leaves, from a template
    return ["--database", database_url]


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return flat(result.output)


def test_the_treasurer_subscribes_pays_up_and_reads_the_register(db: list[str]) -> None:
    out = ok("capital", "subscribe", "RESSOURCERIE", "20", "--paid", "250,00",
             "--on", "16/11/2026", *db)  # fmt: skip
    assert "CAP-2026-0001 inscrite : RESSOURCERIE, souscription de 20 part(s) (1 000,00 €)" in out
    ok("capital", "pay", "RESSOURCERIE", "100,00", "--on", "2026-11-20", *db)

    register = ok("capital", "register", *db)
    assert "Capital souscrit : 1 000,00 € (libéré : 350,00 €)" in register
    assert "plancher (25 %) : 250,00 €" in register
    shown = ok("capital", "show", "RESSOURCERIE", *db)
    assert "reste 650,00 €, au plus tard le 16/11/2029" in shown
    assert "CAP-2026-0002 20/11/2026 libération de 100,00 €" in shown


def test_a_withdrawal_below_the_floor_is_refused_in_french_with_exit_code_1(
    db: list[str],
) -> None:
    ok("capital", "subscribe", "MISTRAL", "20", "--paid", "1000", "--on", "2026-11-16", *db)
    result = run("capital", "withdraw", "MISTRAL", "20", "--on", "2026-11-20", *db)
    assert result.exit_code == 1
    assert "sous le plancher de 250,00 €" in flat(result.output)


def test_a_withdrawal_is_refunded_after_the_delay(db: list[str]) -> None:
    ok("capital", "subscribe", "MISTRAL", "20", "--paid", "1000", "--on", "2026-11-16", *db)
    ok("capital", "subscribe", "GARRIGUE", "20", "--paid", "1000", "--on", "2026-11-16", *db)
    out = ok("capital", "withdraw", "GARRIGUE", "20", "--loss-per-share", "3,00",
             "--on", "2026-11-18", *db)  # fmt: skip
    assert "940,00 € à rembourser, remboursable à partir du 18/11/2027" in out
    early = run("capital", "refund", "CAP-2026-0003", "--on", "2026-11-22", *db)
    assert early.exit_code == 1
    assert "remboursable à partir du 18/11/2027" in flat(early.output)


def test_the_certificate_is_written_as_pdf_or_html(db: list[str], tmp_path: Path) -> None:
    ok("capital", "subscribe", "SAL01", "2", "--paid", "25", "--on", "2026-11-16", *db)
    pdf, page = tmp_path / "attestation.pdf", tmp_path / "attestation.html"
    ok("capital", "certificate", "SAL01", "--output", str(pdf), *db)
    ok("capital", "certificate", "SAL01", "--output", str(page), *db)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "Attestation de parts sociales" in page.read_text(encoding="utf-8")


def test_choosing_unknown_statutes_is_refused(db: list[str]) -> None:
    result = run("capital", "statutes", "nulle-part", *db)
    assert result.exit_code == 1
    assert "statuts inconnus « nulle-part »" in flat(result.output)
    assert "Statuts choisis : demo-statuts-scic" in ok("capital", "statutes",
                                                      "demo-statuts-scic", *db)  # fmt: skip
