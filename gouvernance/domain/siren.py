"""SIREN numbers: the 9-digit INSEE identifier of every French legal person.

The format and the Luhn key are python-stdnum's (``stdnum.fr.siren``, ``stdnum.luhn``); this
module adds what stdnum does not say: the messages in French, and La Poste's historical SIRENs,
which are valid without passing the Luhn check.
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren as stdnum_siren

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
    if not siren.isascii() or not siren.isdigit() or len(siren) != 9:
        return f"« {siren} » n'est pas un SIREN : 9 chiffres attendus"
    if siren.startswith(_LA_POSTE[:3]) and sum(map(int, siren)) % 5 == 0:
        return None
    try:
        stdnum_siren.validate(siren)
    except InvalidChecksum:
        return f"« {siren} » n'est pas un SIREN valide (clé de contrôle incorrecte)"
    except ValidationError:
        return f"« {siren} » n'est pas un SIREN : 9 chiffres attendus"
    return None


def luhn_complete(prefix: str) -> str:
    """The 9-digit SIREN made of an 8-digit ``prefix`` and its Luhn key (for demo data)."""
    return f"{prefix}{luhn.calc_check_digit(prefix)}"
