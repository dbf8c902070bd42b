"""Where the law and the statutes are read from: ``rules/law/`` and ``rules/statuts/``.

Files are read afresh on each call, as for fee schedules: a board member editing a draft of the
statutes sees the next compliance check change at once. ``GOUVERNANCE_LAW_DIR`` and
``GOUVERNANCE_STATUTES_DIR`` name other folders (a test, or rules kept elsewhere).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from gouvernance.domain.errors import NotFound
from gouvernance.domain.fees.schedule import RuleError
from gouvernance.domain.scic.decisions import AssemblyPresets, ProxyLimit, parse_presets
from gouvernance.domain.scic.law import LawBook, build_law_book
from gouvernance.domain.scic.statutes import Statutes, parse_statutes

LAW_VARIABLE = "GOUVERNANCE_LAW_DIR"
STATUTES_VARIABLE = "GOUVERNANCE_STATUTES_DIR"
_RULES = Path(__file__).resolve().parents[3] / "rules"
PRESETS_FILE = "assemblees.yaml"
TMO_FILE = "tmo.yaml"

__all__ = [
    "law_folder",
    "list_statutes",
    "load_law",
    "load_presets",
    "load_statutes",
    "statutes_folder",
]


def law_folder() -> Path:
    configured = os.environ.get(LAW_VARIABLE, "").strip()
    return Path(configured) if configured else _RULES / "law"


def statutes_folder() -> Path:
    configured = os.environ.get(STATUTES_VARIABLE, "").strip()
    return Path(configured) if configured else _RULES / "statuts"


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(str(file), "(fichier)", "fichier introuvable") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(str(file), "(fichier)", f"lecture impossible : {error}") from None


def load_law() -> LawBook:
    """Every legal parameter file of the law folder, and its TMO table."""
    folder = law_folder()
    special = {PRESETS_FILE, TMO_FILE}
    files = {
        f"rules/law/{path.name}": _read(path)
        for path in sorted(folder.glob("*.yaml"))
        if path.name not in special
    }
    tmo = folder / TMO_FILE
    return _law_book(tuple(files.items()), (f"rules/law/{TMO_FILE}", _read(tmo)))


# The files are read at each use, so an edited rule counts at once; the same texts are parsed
# once (YAML and pydantic cost tens of milliseconds a page). Everything parsed is frozen.


@functools.lru_cache(maxsize=16)
def _law_book(files: tuple[tuple[str, str], ...], tmo: tuple[str, str]) -> LawBook:
    return build_law_book(dict(files), tmo)


@functools.lru_cache(maxsize=16)
def _presets(text: str, source: str) -> tuple[AssemblyPresets, ProxyLimit, str]:
    return parse_presets(text, source)


@functools.lru_cache(maxsize=256)
def _statutes(text: str, source: str, scop: ProxyLimit) -> Statutes:
    return parse_statutes(text, source, scop)


def load_presets() -> tuple[AssemblyPresets, ProxyLimit, str]:
    """The default assembly rules by legal form, and the SCOP proxy rule."""
    return _presets(_read(law_folder() / PRESETS_FILE), f"rules/law/{PRESETS_FILE}")


def _statutes_files() -> list[Path]:
    folder = statutes_folder()
    if not folder.is_dir():
        raise RuleError(
            str(folder), "(dossier)", f"dossier des statuts introuvable ({STATUTES_VARIABLE})"
        )
    return sorted(folder.rglob("*.yaml"))


def _source(path: Path) -> str:
    """The file as a person finds it: « rules/statuts/… » in the project's own folder, the
    real path when ``GOUVERNANCE_STATUTES_DIR`` names another one."""
    folder = statutes_folder()
    if os.environ.get(STATUTES_VARIABLE, "").strip() and folder != _RULES / "statuts":
        return path.as_posix()
    try:
        return f"rules/statuts/{path.relative_to(folder).as_posix()}"
    except ValueError:  # pragma: no cover - rglob stays under the folder
        return str(path)


def list_statutes() -> list[Statutes]:
    """Every statutes document, by id; two files with the same id are refused."""
    _, scop, _ = load_presets()
    found: dict[str, Statutes] = {}
    for path in _statutes_files():
        statutes = _statutes(_read(path), _source(path), scop)
        if statutes.id in found:
            raise RuleError(
                _source(path),
                "id",
                f"identifiant « {statutes.id} » déjà pris par {found[statutes.id].source}",
            )
        found[statutes.id] = statutes
    return [found[key] for key in sorted(found)]


def load_statutes(statutes_id: str) -> Statutes:
    """One statutes document by its id, or a NotFound naming those that exist."""
    documents = list_statutes()
    for statutes in documents:
        if statutes.id == statutes_id:
            return statutes
    known = ", ".join(s.id for s in documents) or "aucun"
    raise NotFound(f"statuts inconnus « {statutes_id} » (connus : {known})", field="statutes")
