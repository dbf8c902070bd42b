"""``gouvernance assemblies publish`` and ``verify`` on the demo's closed assembly, and the
standalone script of docs/ run as an associate would run it (``python verifier_assemblee.py``,
in a process of its own): the same lines, the same exit codes, on the same files."""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gouvernance.cli import app
from gouvernance.domain.assembly.publication import canonical
from gouvernance.services.clock import VARIABLE as TODAY

SCRIPT = Path(__file__).parents[2] / "docs" / "verifier_assemblee.py"
runner = CliRunner()


@pytest.fixture
def db(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv(TODAY, "2026-12-14")
    demo_loader(database_url)
    return ["--database", database_url]


@pytest.fixture
def published(db: list[str], tmp_path: Path) -> Path:
    """The demo's closed assembly's verification file, as the command writes it."""
    target = tmp_path / "ag.json"
    result = run("assemblies", "publish", "AG-2026-01", "-o", str(target), *db)
    assert result.exit_code == 0, result.output
    return target


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The script in isolated mode (-I: no PYTHONPATH, no user site, the script's folder only),
    from another folder: it can only use the standard library."""
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), *args],
        capture_output=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


def with_one_more_for(source: Path, number: int, target: Path) -> Path:
    document = json.loads(source.read_bytes())
    resolution = next(r for r in document["resolutions"] if r["number"] == number)
    resolution["counts"][""]["for"] += 1
    target.write_bytes(canonical(document))
    return target


def test_publish_writes_the_file_and_says_its_sha256(db: list[str], tmp_path: Path) -> None:
    target = tmp_path / "ag.json"
    result = run("assemblies", "publish", "AG-2026-01", "-o", str(target), *db)
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    said = " ".join(result.output.split())
    assert said == (
        f"Fichier de vérification écrit : {target} (empreinte SHA-256 {digest}, celle du "
        "procès-verbal)"
    )
    again = tmp_path / "encore.json"
    assert run("assemblies", "publish", "AG-2026-01", "-o", str(again), *db).exit_code == 0
    assert again.read_bytes() == target.read_bytes()


def test_verify_passes_on_the_demo_closed_assembly_and_the_script_says_the_same(
    published: Path, tmp_path: Path
) -> None:
    result = run("assemblies", "verify", str(published))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "Assemblée AG-2026-01 : Assemblée générale extraordinaire : transformation en SCIC, "
        "tenue le 14/11/2026"
    )
    assert lines[3:] == ["conforme : les 3 résolutions recalculées correspondent au procès-verbal"]
    alone = script(str(published), cwd=tmp_path)
    assert (alone.returncode, alone.stdout, alone.stderr) == (0, result.output, "")


def test_verify_fails_on_a_file_with_one_count_changed_and_names_the_resolution(
    published: Path, tmp_path: Path
) -> None:
    changed = with_one_more_for(published, 2, tmp_path / "change.json")
    result = run("assemblies", "verify", str(changed))
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[3] == "non conforme : 3 écarts entre le document et le recalcul"
    assert lines[4:] == [
        "  - résolution n° 2, Ensemble des associés : 40 voix comptées, plus que les 39 associés "
        "qui votent (présents, à distance, par correspondance ou représentés)",
        "  - résolution n° 2 : reçus publiés : 39, bulletins comptés : 40",
        "  - résolution n° 2 : le document dit adoptée (Ensemble des associés : 32 pour, 5 "
        "contre, 2 abstentions, 1 blanc, 0 nul, base 37, compté ; résultat 32/37 (≈ 86,49 %)), "
        "le recalcul donne adoptée (Ensemble des associés : 33 pour, 5 contre, 2 abstentions, "
        "1 blanc, 0 nul, base 38, compté ; résultat 33/38 (≈ 86,84 %))",
    ]
    alone = script(str(changed), cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (1, result.output)


def test_an_outcome_rewritten_in_the_minutes_is_caught_by_both(
    published: Path, tmp_path: Path
) -> None:
    document = json.loads(published.read_bytes())
    document["results"]["resolutions"][0]["outcome"] = "rejected"
    changed = tmp_path / "issue.json"
    changed.write_bytes(canonical(document))
    result = run("assemblies", "verify", str(changed))
    assert result.exit_code == 1
    assert "  - résolution n° 1 : le document dit rejetée (" in result.output
    assert script(str(changed), cwd=tmp_path).stdout == result.output


def test_a_voter_finds_their_receipt_with_the_command_and_with_the_script(
    published: Path, db: list[str], tmp_path: Path
) -> None:
    receipt = json.loads(published.read_bytes())["resolutions"][0]["receipts"][7]
    typed = receipt.lower().replace("-", " ")
    result = run("assemblies", "verify", str(published), "--receipt", typed)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        f"reçu {receipt} : compté pour la résolution n° 1 (parmi 39 reçus)"
    )
    alone = script(str(published), "--recu", typed, cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (0, result.output)
    missing = run("assemblies", "verify", str(published), "--receipt", "0000-0000-0000-0000")
    assert missing.exit_code == 1
    assert missing.output.splitlines()[-1] == "reçu 0000-0000-0000-0000 : absent de ce document"
    alone = script(str(published), "--recu", "0000-0000-0000-0000", cwd=tmp_path)
    assert (alone.returncode, alone.stdout) == (1, missing.output)


def test_publish_is_refused_in_french_while_the_assembly_is_open(
    db: list[str], tmp_path: Path
) -> None:
    result = run("assemblies", "publish", "AG-2026-02", "-o", str(tmp_path / "x.json"), *db)
    assert result.exit_code == 1
    assert "l'assemblée AG-2026-02 est encore ouverte : le fichier de vérification est publié " in (
        " ".join(result.output.split())
    )
    assert not (tmp_path / "x.json").exists()


def test_verify_refuses_in_french_a_file_that_is_not_a_verification_file(
    tmp_path: Path,
) -> None:
    other = tmp_path / "autre.json"
    other.write_text('{"membres": []}', encoding="utf-8")
    result = run("assemblies", "verify", str(other))
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Erreur : document illisible : ce n'est pas un fichier de vérification" in said
    missing = run("assemblies", "verify", str(tmp_path / "absent.json"))
    assert missing.exit_code == 1
    assert "fichier introuvable" in missing.output
    alone = script(str(other), cwd=tmp_path)
    assert alone.returncode == 1
    assert alone.stdout.startswith("Erreur : document illisible : ")


def test_the_script_imports_nothing_but_the_standard_library() -> None:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported - {"__future__"} <= sys.stdlib_module_names
    assert "gouvernance" not in imported
