"""How fast ``gouvernance --help`` answers, against the bare interpreter in the same run.

Target: ≤ 0,3 s. The reference is ``python -c pass`` with the same interpreter (what no
program can beat); the ratio tells how much the command adds. Also measured, for the record:
``gouvernance calls --help`` (loads the treasury commands) and an import of SQLAlchemy and
Alembic, what ``--help`` used to pay before the CLI imported them lazily.

Run: ``.venv/bin/python bench/cli_startup.py``. Best of 15 runs each (a shared machine is
noisy; the best run is the one least disturbed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from shared import french

ROOT = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("gouvernance")
RUNS = 15
TARGET = 0.3


def best(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    reference = best([sys.executable, "-c", "pass"])
    root_help = best([str(COMMAND), "--help"])
    area_help = best([str(COMMAND), "calls", "--help"])
    heavy = best([sys.executable, "-c", "import sqlalchemy, alembic.command"])
    print(f"python -c pass (référence)         : {french(reference)}")
    print(f"gouvernance --help                 : {french(root_help)} (cible ≤ 0,300 s)")
    print(f"gouvernance calls --help           : {french(area_help)}")
    print(f"import sqlalchemy + alembic (témoin) : {french(heavy)}")
    verdict = "atteinte" if root_help <= TARGET else "MANQUÉE"
    print(f"cible de 0,3 s {verdict} ; rapport à la référence : {root_help / reference:.1f}")
    print(
        json.dumps(
            {
                "seconds": round(root_help, 4),
                "reference_seconds": round(reference, 4),
                "ratio": round(root_help / reference, 3),
                "target_seconds": TARGET,
                "calls_help_seconds": round(area_help, 4),
                "sqlalchemy_alembic_import_seconds": round(heavy, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
