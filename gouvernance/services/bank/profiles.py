"""Where the CSV profiles are read from: ``rules/banque/*.yaml``, or the folder named by
``GOUVERNANCE_BANK_RULES_DIR``. Read afresh on each import: a treasurer who adds a column title
to a profile uses it at once."""

from __future__ import annotations

import os
from pathlib import Path

from gouvernance.domain.bank.csv_statement import CsvProfile, parse_profile_text
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.fees.schedule import RuleError

RULES_VARIABLE = "GOUVERNANCE_BANK_RULES_DIR"
DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "rules" / "banque"
DEFAULT_PROFILE = "csv-standard"
SUFFIXES = (".yaml", ".yml")


def profiles_folder(folder: Path | None = None) -> Path:
    if folder is not None:
        return folder
    configured = os.environ.get(RULES_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_FOLDER


def list_profiles(folder: Path | None = None) -> list[CsvProfile]:
    """Every profile of the folder, by id; an id used twice is refused."""
    root = profiles_folder(folder)
    if not root.is_dir():
        raise RuleError(
            str(root), "(dossier)", f"dossier des profils introuvable ({RULES_VARIABLE})"
        )
    found: dict[str, CsvProfile] = {}
    for path in sorted(p for p in root.iterdir() if p.suffix in SUFFIXES):
        profile = _read(path)
        if profile.id in found:
            raise RuleError(
                path.name, "id", f"identifiant déjà pris par {found[profile.id].source}"
            )
        found[profile.id] = profile
    return sorted(found.values(), key=lambda p: p.id)


def load_profile(profile_id: str | None = None, folder: Path | None = None) -> CsvProfile:
    """The profile named ``profile_id`` (by default ``csv-standard``)."""
    wanted = (profile_id or DEFAULT_PROFILE).strip()
    profiles = list_profiles(folder)
    for profile in profiles:
        if profile.id == wanted:
            return profile
    known = ", ".join(p.id for p in profiles) or "aucun"
    raise InvalidInput(
        f"profil CSV inconnu « {wanted[:80]} » (profils : {known} ; dossier "
        f"{profiles_folder(folder)})",
        field="profile",
    )


def _read(path: Path) -> CsvProfile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(path.name, "(fichier)", f"lecture impossible : {error}") from None
    return parse_profile_text(text, path.name)
