"""Free text people type (names, addresses, reasons, notes, titles): one rule for every input.

Refused, because nobody sees them and they change what a reader believes:

- control characters (Unicode ``Cc``): NUL (which PostgreSQL refuses), and in one-line text the
  tab and the line feed;
- format characters (``Cf``): the bidirectional embeddings, overrides and isolates
  (U+202A–U+202E, U+2066–U+2069) that show « Perrin » while storing something else, the marks
  U+200E, U+200F and U+061C, the zero-width space and joiners (U+200B–U+200D), the word joiner
  U+2060, the byte order mark U+FEFF, and the soft hyphen U+00AD (two names that look the same
  would differ);
- lone surrogates (``Cs``), which cannot be written as UTF-8;
- the line and paragraph separators U+2028 and U+2029 (``Zl``, ``Zp``): line breaks in disguise.

Allowed: every space (``Zs``), among them the ordinary space, the non-breaking space U+00A0
and the narrow one U+202F that French typography puts before « ; : ! ? » and inside
« Élodie Perrin » pasted from a word processor; letters, marks and symbols of any script;
private-use and not-yet-assigned characters (an emoji newer than Python's Unicode tables).
"""

from __future__ import annotations

import re
import unicodedata

from gouvernance.domain.errors import InvalidInput

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MULTILINE_ALLOWED = frozenset("\n\t")
_LINE_ENDS = re.compile(r"\r\n?")
_ASCII_SPACES = re.compile(r"[ \t\r\n]+")


def forbidden_character(value: str | None, *, multiline: bool = False) -> str | None:
    """The first character ``value`` may not hold, or ``None``; ``multiline`` lets line feeds
    and tabs through."""
    if not value:
        return None
    for char in value:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            if multiline and char in _MULTILINE_ALLOWED:
                continue
            return char
    return None


def has_control_characters(value: str | None, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a control or invisible character (see the module's list)."""
    return forbidden_character(value, multiline=multiline) is not None


_NAMES = {
    "\t": "tabulation",
    "\n": "saut de ligne",
    "\r": "retour chariot",
    "\x00": "caractère nul",
    "\u00ad": "trait d'union conditionnel",
    "\u200b": "espace sans chasse",
    "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse",
    "\u2060": "gluon de mots",
    "\ufeff": "indicateur d'ordre des octets",
    "\u2028": "séparateur de lignes",
    "\u2029": "séparateur de paragraphes",
    **{chr(c): "sens d'écriture forcé" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    **{chr(c): "marque de sens d'écriture" for c in (0x200E, 0x200F, 0x061C)},
}


def character_problem(value: str | None, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be recorded, naming the character: nobody can see it."""
    char = forbidden_character(value, multiline=multiline)
    if char is None:
        return None
    name = _NAMES.get(char)
    shown = f"U+{ord(char):04X}" + (f", {name}" if name else "")
    return f"caractère invisible ou de contrôle interdit ({shown})"


def clean_text(
    value: str | None,
    field: str,
    max_length: int,
    *,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """The text to record, trimmed; ``InvalidInput`` naming ``field`` otherwise.

    One line: runs of ordinary spaces, tabs and line breaks become one space (a pasted line),
    while U+00A0 and U+202F are kept as typed. Several lines: line ends become ``\\n``.
    """
    joined = _LINE_ENDS.sub("\n", value or "") if multiline else _ASCII_SPACES.sub(" ", value or "")
    text = joined.strip()
    if problem := character_problem(text, multiline=multiline):
        raise InvalidInput(problem, field=field)
    if required and not text:
        raise InvalidInput("texte obligatoire", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"texte trop long (au plus {max_length} caractères)", field=field)
    return text
