"""The README's commands, run as a reader runs them: every ``gouvernance`` line of its shell
blocks, in order, with the ``export`` lines above it, and the figures written in its comments
(amounts, references, file names, percentages, « quoted words ») found in what it prints.

A README whose figures drift from what the program prints fails here, not in a reader's
terminal; the tour pins its date (``GOUVERNANCE_TODAY``), so it passes whatever today is.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gouvernance.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
runner = CliRunner()

# What a comment promises: amounts, references, file names, percentages, « quoted words ».
PROMISES = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d{2})?[ \u00a0]€"
    r"|\b[A-Z]{2,4}-\d{4}-\d{2,4}\b"
    r"|\b\w+\.(?:txt|pdf|html|xml|csv|xlsx)\b"
    r"|\d+,\d+ %"
    r"|« [^»]+ »"
)


@dataclass(frozen=True)
class Line:
    command: str
    comment: str


def _blocks(section: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(section)
    following = text.find("\n## ", start + len(section))
    part = text[start : following if following != -1 else None]
    return re.findall(r"```sh\n(.*?)```", part, flags=re.S)


def _lines(block: str) -> list[Line]:
    joined = re.sub(r"\\\n\s*", " ", block)
    found = []
    for raw in joined.splitlines():
        command, _, comment = raw.partition("  #")
        found.append(Line(command.strip(), comment.strip()))
    return [line for line in found if line.command]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def _run(lines: list[Line], database: str, monkeypatch: pytest.MonkeyPatch) -> int:
    ran = 0
    for line in lines:
        if line.command.startswith("export "):
            name, _, value = line.command.removeprefix("export ").partition("=")
            monkeypatch.setenv(name, value)
            continue
        if not line.command.startswith("gouvernance "):
            continue  # `. .venv/bin/activate`, curl: not the CLI's business
        words = shlex.split(line.command)[1:]
        typed = "un-long-secret\nun-long-secret\n" if words[:2] == ["users", "add"] else None
        result = runner.invoke(app, words, input=typed, env={"GOUVERNANCE_DATABASE_URL": database})
        ran += 1
        expected = 1 if line.comment.startswith("refusé") else 0
        assert result.exit_code == expected, f"{line.command}\n{result.output}"
        shown = _flat(result.output)
        for promise in PROMISES.findall(line.comment):
            assert _flat(promise.strip("« »")) in shown, f"{line.command} : « {promise} »\n{shown}"
    return ran


@pytest.fixture
def reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A reader's terminal: an empty folder, no operator yet, a wide window."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOUVERNANCE_OPERATOR", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    shutil.copy(ROOT / "docs" / "exemples" / "membres.csv", tmp_path / "membres.csv")
    return tmp_path


def test_the_first_installation_of_the_readme_works_on_a_new_database(
    reader: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [line for block in _blocks("## Installer pour sa propre organisation")
             for line in _lines(block)]  # fmt: skip
    assert _run(lines, database_url, monkeypatch) == 4


def test_the_guided_tour_prints_the_figures_the_readme_announces(
    reader: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = runner.invoke(app, ["demo", "--database", database_url])  # what ./scripts/run does
    assert loaded.exit_code == 0, loaded.output
    lines = [line for block in _blocks("## Visite guidée") for line in _lines(block)]
    assert _run(lines, database_url, monkeypatch) >= 30
    assert (reader / "843167024-extrait-FEC-20260101-20261231.txt").exists()
    assert (reader / "843167024-extrait-FEC-20260101-20261231-notice.txt").exists()
    assert (reader / "pv.pdf").read_bytes().startswith(b"%PDF")
