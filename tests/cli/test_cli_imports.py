"""The heavy libraries load only in the commands that need them.

fpdf2 (about 170 ms) and openpyxl (about 70 ms) are imported by the function that draws a PDF
or opens a workbook, not at the top of the services: listing the calls or asking for help starts
without them. Each check runs in a fresh interpreter, whose ``sys.modules`` is not shared with
the tests that already printed a letter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from gouvernance.services.clock import VARIABLE as TODAY

ROOT = Path(__file__).resolve().parents[2]
AREAS = ("treasury", "members", "assemblies", "capital", "fees")
HEAVY = ("fpdf", "openpyxl", "sqlalchemy", "alembic", "api", "fastapi")

# Runs the commands given as JSON one after the other, in the same interpreter, and says after
# each which of fpdf and openpyxl it has loaded so far.
COMMANDS = """
import json, sys
from typer.testing import CliRunner
from gouvernance.cli import app

steps = {}
for name, args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, args)
    loaded = sorted({module.split(".")[0] for module in sys.modules} & {"fpdf", "openpyxl"})
    steps[name] = {"exit": result.exit_code, "loaded": loaded, "output": result.output}
print(json.dumps(steps))
"""


def python(*args: str) -> str:
    """The last line a fresh interpreter of the project prints."""
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.strip().splitlines()[-1]


def test_the_command_areas_import_neither_pdf_spreadsheets_database_nor_api() -> None:
    imports = ", ".join(f"gouvernance.cli.{area}" for area in AREAS)
    code = (
        f"import json, sys\nimport {imports}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(json.loads(python("-c", code)))
    assert "gouvernance" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_listing_the_calls_loads_fpdf_only_for_a_letter_and_openpyxl_only_for_an_xlsx(
    database_url: str,
    demo_loader: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv(TODAY, "2027-01-15")
    demo_loader(database_url)
    db = ["--database", database_url]
    letter, workbook = tmp_path / "appel.pdf", tmp_path / "appels.xlsx"
    steps = [
        ("help", ["calls", "--help"]),
        ("issue", ["calls", "issue", "demo-bareme-ca", "--due", "2027-03-31",
                   "--exclude-incomplete", *db]),
        ("list", ["calls", "list", *db]),
        ("letter", ["calls", "letter", "AC-2027-0005", "--out", str(letter), *db]),
        ("export", ["export", "calls", "--out", str(workbook), *db]),
    ]  # fmt: skip
    result = json.loads(python("-c", COMMANDS, json.dumps(steps)))
    failed = {name: step["output"] for name, step in result.items() if step["exit"] != 0}
    assert failed == {}
    assert {name: step["loaded"] for name, step in result.items()} == {
        "help": [],
        "issue": [],
        "list": [],
        "letter": ["fpdf"],
        "export": ["fpdf", "openpyxl"],
    }
    assert "Appels (21)" in result["list"]["output"]
    printed = letter.read_bytes()
    assert printed.startswith(b"%PDF-")
    assert b"DejaVu" in printed  # the bundled font, set up by documents.new_pdf
    assert openpyxl.load_workbook(workbook).active.max_row == 23  # header, 21 calls, total
