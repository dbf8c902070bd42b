"""Lire les étapes écrites en français : montants, nombres, dates, listes, espaces insécables.

``etape(motif)`` est un analyseur d'étape (``parsers.parse``) qui connaît les types
``{x:Montant}`` (« 1 234,50 € », « 12,5 », « -12,5 »), ``{x:Nombre}`` (« 48 000 », « 0,005 ») et
``{x:Date}`` (« 30/06/2026 »). Les montants sont lus par ``parse_amount`` et les nombres par
``parse_number`` : les mêmes fonctions que celles qui lisent la saisie des trésoriers.

Ce module est importé par ``conftest.py`` (qui le réexporte) et par les modules de test : un
``conftest.py`` ne s'importe pas de façon fiable depuis un module de test quand plusieurs
dossiers en ont un, alors que ce module, lui, a un nom unique.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from parse import with_pattern
from pytest_bdd import parsers

from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.money import parse_amount, parse_number

T = TypeVar("T")

NNBSP = "\u202f"  # espace fine insécable (séparateur des milliers chez Babel fr_FR)
NBSP = "\u00a0"  # espace insécable (avant le symbole €)

_CHIFFRES = r"[-+]?\d[\d \u00a0\u202f]*(?:[,.]\d+)?"


def lire_montant(texte: str) -> Decimal:
    """« 1 234,50 € », « 12,5 », « -12,5 » → Decimal exact au centime."""
    return parse_amount(texte)


def lire_nombre(texte: str) -> Decimal:
    """« 48 000 », « 0,005 », « -0,005 » → Decimal, sans arrondi."""
    return parse_number(texte)


def lire_date(texte: str) -> date:
    """« 30/06/2026 » → date."""
    return datetime.strptime(texte, "%d/%m/%Y").date()


# Le motif dit à ``parse`` quel morceau du texte de l'étape appartient à la valeur.
TYPES_FR: dict[str, Callable[[str], Any]] = {
    "Montant": with_pattern(_CHIFFRES + r"(?:[ \u00a0\u202f]?€)?")(lire_montant),
    "Nombre": with_pattern(_CHIFFRES)(lire_nombre),
    "Date": with_pattern(r"\d{2}/\d{2}/\d{4}")(lire_date),
}


def etape(motif: str) -> parsers.parse:
    """Un motif d'étape avec les types français ``Montant``, ``Nombre`` et ``Date``."""
    return parsers.parse(motif, extra_types=TYPES_FR)


def montants(texte: str) -> list[Decimal]:
    """« 33,34 € / 33,33 € / 33,33 € » → la liste des montants, dans l'ordre."""
    return [parse_amount(morceau) for morceau in texte.split(" / ")]


def nombres(texte: str) -> list[Decimal]:
    """« 48 000 / 12 000 / 0 » → la liste des nombres, dans l'ordre."""
    return [parse_number(morceau) for morceau in texte.split(" / ")]


def decimal_ecrit_simplement(texte: str) -> Decimal:
    """« 1234,50 » → Decimal("1234.50"), sans passer par le code testé (ni espaces, ni €)."""
    assert re.fullmatch(r"-?\d+(,\d+)?", texte), f"écrire la valeur attendue sans espaces : {texte}"
    return Decimal(texte.replace(",", "."))


def avec_espaces_insecables(texte: str) -> str:
    """Le texte attendu tel que Babel l'écrit, à partir de ce qu'on tape dans la fonctionnalité.

    Dans un fichier ``.feature``, les espaces insécables sont invisibles ; on y écrit donc des
    espaces ordinaires, et cette fonction les remplace exactement comme le veut l'usage (et
    Babel fr_FR) : espace fine insécable entre les groupes de chiffres, insécable avant « € ».
    """
    texte = re.sub(r"(?<=\d) (?=\d)", NNBSP, texte)
    return texte.replace(" €", f"{NBSP}€")


def tableau(lignes: list[list[str]]) -> list[dict[str, str]]:
    """Un tableau Gherkin (première ligne = en-têtes) → une liste de lignes nommées."""
    entetes, *corps = lignes
    return [dict(zip(entetes, ligne, strict=True)) for ligne in corps]


@dataclass
class Tentative:
    """Le résultat d'une action qui peut être refusée par une erreur lisible (en français).

    Seules les erreurs ``GouvernanceError`` (message pour une personne) sont rangées ; toute
    autre exception est un plantage et fait échouer le scénario sur-le-champ.
    """

    resultat: Any = None
    erreur: GouvernanceError | None = None
    erreur_verifiee: bool = False

    def essayer(self, action: Callable[[], T]) -> T | None:
        self.resultat, self.erreur, self.erreur_verifiee = None, None, False
        try:
            resultat = action()
        except GouvernanceError as erreur:
            self.erreur = erreur
            return None
        self.resultat = resultat
        return resultat

    def reussite(self) -> Any:
        assert self.erreur is None, f"l'action a été refusée : {self.erreur}"
        return self.resultat

    def refus(self) -> GouvernanceError:
        assert self.erreur is not None, f"l'action a été acceptée : {self.resultat!r}"
        self.erreur_verifiee = True
        return self.erreur
