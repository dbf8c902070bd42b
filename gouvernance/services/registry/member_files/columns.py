"""The columns of a member file: French headers as people type them, and the fact columns.

Headers are matched loosely (case, accents, spaces, underscores, hyphens and apostrophes do not
matter) because people retype them by hand in Excel; an unknown header is an error rather than
a silently ignored column, so that a typo never drops data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from gouvernance.domain.errors import Problem
from gouvernance.domain.facts import FIRST_YEAR, LAST_YEAR, FactKind

HEADER_LINE = 1

# Canonical key → header written on export (and named in messages when the column is absent).
MEMBER_COLUMNS: dict[str, str] = {
    "code": "code",
    "type": "type",
    "nom": "nom",
    "prenom": "prénom",
    "raison_sociale": "raison_sociale",
    "siren": "siren",
    "categorie": "catégorie",
    "date_adhesion": "date_adhésion",
    "date_sortie": "date_sortie",
    "motif_sortie": "motif_sortie",
    "email": "email",
    "telephone": "téléphone",
    "adresse": "adresse",
    "code_postal": "code_postal",
    "ville": "ville",
}
REQUIRED = ("type", "categorie", "date_adhesion")

_ALIASES: dict[str, str] = {
    "date_d_adhesion": "date_adhesion",
    "date_de_sortie": "date_sortie",
    "motif_de_sortie": "motif_sortie",
    "e_mail": "email",
    "courriel": "email",
    "tel": "telephone",
}

# Fact kind → name written on export; any spelling that normalises the same is accepted.
FACT_NAMES: dict[FactKind, str] = {
    FactKind.REVENUE: "chiffre_affaires",
    FactKind.PROFIT: "bénéfice",
    FactKind.GROSS_MARGIN: "marge_brute",
    FactKind.VALUE_ADDED: "valeur_ajoutée",
    FactKind.HEADCOUNT: "effectif",
    FactKind.POPULATION: "population",
    FactKind.IN_KIND_HOURS: "heures_données",
    FactKind.IN_KIND_PREMISES: "locaux_jours",
    FactKind.IN_KIND_EQUIPMENT: "matériel_valeur",
}
_FACT_KEYS: dict[str, FactKind] = {
    **{kind.value: kind for kind in FactKind},
    "chiffre_affaires": FactKind.REVENUE,
    "chiffre_d_affaires": FactKind.REVENUE,
    "benefice": FactKind.PROFIT,
    "marge_brute": FactKind.GROSS_MARGIN,
    "valeur_ajoutee": FactKind.VALUE_ADDED,
    "effectif": FactKind.HEADCOUNT,
    "population": FactKind.POPULATION,
    "heures_donnees": FactKind.IN_KIND_HOURS,
    "locaux_jours": FactKind.IN_KIND_PREMISES,
    "materiel_valeur": FactKind.IN_KIND_EQUIPMENT,
}
# A text cell starting with one of these is a formula to Excel: exports prefix it with « ' ».
FORMULA_STARTS = ("=", "+", "-", "@")
_FACT_HEADER = re.compile(r"^(?P<name>[a-z_]+?)_(?P<year>\d{4})$")
_SEPARATORS = re.compile(r"[\s_\-'’]+")


def normalise_label(text: str) -> str:
    """« Date d'adhésion » → ``date_d_adhesion``: the key two spellings of a header share."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").strip().lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub("_", bare).strip("_")


def protect_text(text: str) -> str:
    """« '=A1 »: Excel shows the text instead of running it as a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unprotect_text(text: str) -> str:
    """The reverse of ``protect_text``, so that an export imports back unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def fact_header(kind: FactKind, year: int) -> str:
    return f"{FACT_NAMES[kind]}_{year}"


def column_letter(number: int) -> str:
    """1 → « A », 27 → « AA »: the column as the spreadsheet names it, for the messages.

    openpyxl's ``get_column_letter`` gives the same (a test compares them), but importing it
    would load openpyxl for a CSV import; and past « ZZZ » this one goes on instead of failing.
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class FactColumn:
    index: int
    header: str
    kind: FactKind
    year: int


@dataclass
class Layout:
    """Where each known column sits in the file, and the header as the person wrote it."""

    fields: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    facts: list[FactColumn] = field(default_factory=list)
    untitled: list[int] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The header to name in a message: the person's spelling, else the standard one."""
        return self.headers.get(key, MEMBER_COLUMNS[key])


def read_layout(headers: list[str]) -> tuple[Layout, list[Problem]]:
    """Recognise every header; unknown, duplicated and missing required columns are problems."""
    layout = Layout()
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, written in enumerate(headers):
        header = written.replace("\ufeff", "").strip()
        if not header:
            layout.untitled.append(index)
            continue
        key, fact, problem = _recognise(header)
        if problem is not None:
            problems.append(Problem(problem, header, HEADER_LINE))
            continue
        if key in seen:
            first, again = column_letter(seen[key] + 1), column_letter(index + 1)
            problems.append(
                Problem(
                    f"la colonne « {header} » apparaît deux fois (colonnes {first} et {again})",
                    header,
                    HEADER_LINE,
                )
            )
            continue
        seen[key] = index
        if fact is not None:
            layout.facts.append(FactColumn(index, header, fact[0], fact[1]))
        else:
            layout.fields[key] = index
            layout.headers[key] = header
    for key in REQUIRED:
        if key not in layout.fields:
            name = MEMBER_COLUMNS[key]
            problems.append(Problem(f"la colonne obligatoire « {name} » manque", name, HEADER_LINE))
    return layout, problems


def _recognise(header: str) -> tuple[str, tuple[FactKind, int] | None, str | None]:
    """``(key, fact, problem)``: a member field, a fact column, or why it is not understood."""
    key = normalise_label(header)
    key = _ALIASES.get(key, key)
    if key in MEMBER_COLUMNS:
        return key, None, None
    match = _FACT_HEADER.match(key)
    if match and match["name"] in _FACT_KEYS:
        year = int(match["year"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return key, None, f"exercice {year} hors de la plage {FIRST_YEAR}–{LAST_YEAR}"
        kind = _FACT_KEYS[match["name"]]
        return f"{kind.value}_{year}", (kind, year), None
    return key, None, f"colonne inconnue « {header} » ({_known_columns()})"


def _known_columns() -> str:
    fields = ", ".join(MEMBER_COLUMNS.values())
    facts = ", ".join(FACT_NAMES.values())
    return f"colonnes possibles : {fields} ; données chiffrées : {facts} suivis de l'année"
