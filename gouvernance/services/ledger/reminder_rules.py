"""Where the reminder ladder is read from: ``rules/calls/relances.yaml``, or another folder.

The file is read afresh on each call, so that a board member who edits the wording sees it in
the next letters at once. ``GOUVERNANCE_CALLS_RULES_DIR`` names another folder holding
``relances.yaml`` (a test, or an organisation that keeps its rules elsewhere).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from gouvernance.domain.calls.reminders import ReminderLadder, parse_ladder_text
from gouvernance.domain.fees.schedule import RuleError

RULES_VARIABLE = "GOUVERNANCE_CALLS_RULES_DIR"
FILE_NAME = "relances.yaml"
DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "rules" / "calls"

__all__ = ["ladder_path", "load_ladder"]


def ladder_path(path: Path | None = None) -> Path:
    """``path`` if given, else ``relances.yaml`` in ``$GOUVERNANCE_CALLS_RULES_DIR`` or in the
    repository's ``rules/calls``."""
    if path is not None:
        return path
    configured = os.environ.get(RULES_VARIABLE, "").strip()
    return (Path(configured) if configured else DEFAULT_FOLDER) / FILE_NAME


def load_ladder(path: Path | None = None) -> ReminderLadder:
    """The ladder of the file; a missing or unreadable file is a RuleError naming it."""
    file = ladder_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(
            str(file), "(fichier)", f"échelle des relances introuvable (variable {RULES_VARIABLE})"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(str(file), "(fichier)", f"lecture impossible : {error}") from None
    return _parsed(text, file.name)


@functools.lru_cache(maxsize=8)
def _parsed(text: str, name: str) -> ReminderLadder:
    """The file is read on every call, its text parsed once (the ladder is immutable): the
    treasurer's home reads it on each view, a couple of milliseconds of YAML each time."""
    return parse_ladder_text(text, name)
