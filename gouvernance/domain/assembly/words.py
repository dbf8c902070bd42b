"""The French words for an assembly's choices, attendance modes, ballot methods and signatory
roles, so that the API and the CLI accept « pour », « représenté », « main levée » alike and
name the same words when they refuse one."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from gouvernance.domain.assembly.model import Attendance, Choice, Method, SignatoryRole
from gouvernance.domain.errors import InvalidInput

Word = TypeVar("Word", bound=StrEnum)

# The first French word of each value is the one named in a refusal.
FRENCH: dict[type[StrEnum], dict[str, str]] = {
    Attendance: {
        "présent": "present", "présente": "present", "à distance": "remote",
        "distance": "remote", "par correspondance": "postal", "correspondance": "postal",
        "représenté": "represented", "représentée": "represented",
        "pouvoir en blanc": "blank_proxy",
    },
    Choice: {
        "pour": "for", "contre": "against", "abstention": "abstain", "abstenir": "abstain",
        "blanc": "blank", "nul": "null",
    },
    Method: {
        "nominatif": "open", "secret": "secret", "main levée": "show_of_hands",
        "main-levée": "show_of_hands", "main levee": "show_of_hands",
        "main-levee": "show_of_hands",
    },
    SignatoryRole: {
        "président": "president", "présidente": "president", "secrétaire": "secretary",
        "scrutateur": "scrutineer", "scrutatrice": "scrutineer",
    },
}  # fmt: skip


def lookup(kind: type[Word], text: str) -> Word | None:
    """The value typed in English (``for``) or in French (``pour``), or None."""
    raw = " ".join(text.strip().lower().split())
    try:
        return kind(FRENCH.get(kind, {}).get(raw, raw))
    except ValueError:
        return None


def expected(kind: type[StrEnum]) -> str:
    """« for (pour), against (contre), … »: each value with its French word."""
    french: dict[str, str] = {}
    for word, value in FRENCH.get(kind, {}).items():
        french.setdefault(value, word)
    return ", ".join(
        f"{member.value} ({french[member.value]})" if member.value in french else member.value
        for member in kind
    )


def unknown(kind: type[StrEnum], text: object) -> str:
    return f"valeur inconnue « {text} » (attendu : {expected(kind)})"


def parse_word(kind: type[Word], text: str, field: str) -> Word:
    """A value in English or in French; InvalidInput naming the French words otherwise."""
    found = lookup(kind, text)
    if found is None:
        raise InvalidInput(unknown(kind, text), field)
    return found
