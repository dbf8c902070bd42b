"""SIREN numbers: the 9-digit INSEE identifier of every French legal person."""

from __future__ import annotations

import re

_NON_DIGITS = re.compile(r"[\s\u00a0\u202f.-]")
_LA_POSTE = "356000000"


def normalise_siren(text: str) -> str:
    """Drop the spaces people type (« 123 456 789 ») and keep the 9 digits."""
    return _NON_DIGITS.sub("", text.strip())


def siren_problem(siren: str) -> str | None:
    """Why ``siren`` (already normalised) is not a valid SIREN, or ``None`` if it is.

    A SIREN has 9 digits and passes the Luhn check; La Poste's historical SIRENs are the one
    documented exception (digit sum a multiple of 5).
    """
    if not siren.isdigit() or len(siren) != 9:
        return f"« {siren} » n'est pas un SIREN : 9 chiffres attendus"
    if siren.startswith(_LA_POSTE[:3]) and sum(map(int, siren)) % 5 == 0:
        return None
    if not _luhn_ok(siren):
        return f"« {siren} » n'est pas un SIREN valide (clé de contrôle incorrecte)"
    return None


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """The 9-digit SIREN made of an 8-digit ``prefix`` and its Luhn key (for demo data)."""
    for key in range(10):
        candidate = f"{prefix}{key}"
        if _luhn_ok(candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn key always exists")
