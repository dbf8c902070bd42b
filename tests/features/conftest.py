"""Étapes partagées des fonctionnalités en français, et le garde-fou Gherkin.

* Les types d'étape français (``{x:Montant}``, ``{x:Nombre}``, ``{x:Date}``) et ``etape(motif)``
  viennent de ``etapes_fr`` et sont réexportés ici : ``etape("la part vaut {part:Montant}")``
  lit « 1 234,50 € » comme « 12,5 ».
* ``tentative`` : la trace d'une action qui peut être refusée ; les étapes « Quand » y rangent
  l'erreur, les étapes « Alors … est refusée » la vérifient. Une erreur rangée mais jamais
  vérifiée fait échouer le test (un refus ne passe pas inaperçu).
* Le garde-fou (``pytest_bdd_before_scenario``) : un scénario sans aucune étape à lui (le
  Contexte ne compte pas) échoue au lieu de passer sans rien vérifier. Une étape sans définition
  échoue déjà d'elle-même (``StepDefinitionNotFoundError`` de pytest-bdd). ``test_garde_gherkin.py``
  prouve les deux, et vérifie que chaque fichier ``.feature`` est lié par un module de test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _pytest.fixtures import FixtureRequest
from etapes_fr import TYPES_FR, Tentative, etape
from pytest_bdd import parsers, then
from pytest_bdd.parser import Feature, Scenario

__all__ = ["TYPES_FR", "ScenarioVide", "Tentative", "etape"]

_ACTIONS = r"(?:la saisie|l'inscription|l'opération|la répartition|la sortie)"


@pytest.fixture
def tentative() -> Iterator[Tentative]:
    suivi = Tentative()
    yield suivi
    if suivi.erreur is not None and not suivi.erreur_verifiee:
        pytest.fail(f"refus non vérifié par le scénario : {suivi.erreur}")


# --- Étapes partagées ------------------------------------------------------------------------


@then(parsers.re(_ACTIONS + r" est acceptée"))
def action_acceptee(tentative: Tentative) -> None:
    tentative.reussite()


@then(parsers.re(_ACTIONS + r" est refusée avec le message :"))
def action_refusee(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message == docstring.strip()


@then(etape("le champ en cause est « {champ} »"))
def champ_en_cause(tentative: Tentative, champ: str) -> None:
    assert tentative.refus().field == champ


# --- Garde-fou --------------------------------------------------------------------------------


class ScenarioVide(AssertionError):
    """Un scénario sans étape ne vérifie rien : il ne doit pas passer pour un succès."""


def pytest_bdd_before_scenario(
    request: FixtureRequest, feature: Feature, scenario: Scenario
) -> None:
    """Refuser un scénario qui n'a aucune étape à lui.

    pytest-bdd ajoute les étapes du Contexte en tête de chaque scénario ; dans le fichier, elles
    sont toujours écrites avant le scénario, d'où le tri par numéro de ligne.
    """
    propres = [s for s in scenario.steps if s.line_number > scenario.line_number]
    if not propres:
        raise ScenarioVide(
            f"le scénario « {scenario.name} » ({feature.rel_filename}, ligne "
            f"{scenario.line_number}) n'a aucune étape : il ne vérifie rien"
        )
    if not any(step.type == "then" for step in propres):
        raise ScenarioVide(
            f"le scénario « {scenario.name} » ({feature.rel_filename}, ligne "
            f"{scenario.line_number}) n'a aucune étape « Alors » : il ne vérifie rien"
        )
