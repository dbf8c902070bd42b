"""Étapes de ``features/cotisations.feature`` et ``features/cotisations_erreurs.feature``.

Le barème est lu depuis le texte YAML de l'étape par ``parse_schedule_text`` (le même chemin que
les fichiers de ``rules/fees``), les membres sont des ``Payer`` construits depuis le tableau, et
la cotisation vient de ``assess``. Aucune base de données : ces scénarios ne dépendent pas de
``app`` et ne tournent qu'une fois.

Les textes attendus (explications, messages d'erreur) sont écrits avec des espaces ordinaires
dans les fonctionnalités ; ``avec_espaces_insecables`` les remet comme Babel les écrit, puis la
comparaison est exacte.

Les anciens scénarios « anomalie connue » (féminin des bases, libellé de catégorie d'une
exonération, mois d'un exercice court, ordre des exonérations) décrivent désormais le
comportement du moteur : ce sont des scénarios ordinaires, sans marque ``xfail``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from etapes_fr import Tentative, avec_espaces_insecables, etape, lire_date, tableau
from pytest_bdd import given, scenarios, then, when

from gouvernance.domain.facts import FactKind, check_fact, parse_fact_kind
from gouvernance.domain.fees.documents import parse_schedule_text
from gouvernance.domain.fees.engine import Assessment, Payer, assess
from gouvernance.domain.fees.quote_part import compute_pools
from gouvernance.domain.fees.schedule import FeeSchedule, RuleError
from gouvernance.domain.members import default_categories
from gouvernance.domain.money import parse_amount, parse_number

SOURCE = "cotisations.feature"

scenarios("cotisations.feature", "cotisations_erreurs.feature", "cotisations_quote_part.feature")


# --- État d'un scénario -----------------------------------------------------------------------


@dataclass
class Calcul:
    """Le barème du scénario, ses membres par code, et la dernière cotisation calculée."""

    bareme: FeeSchedule | None = None
    membres: dict[str, Payer] = field(default_factory=dict)
    resultat: Assessment | None = None

    def cotisation(self) -> Assessment:
        assert self.resultat is not None, "aucune cotisation n'a été calculée"
        return self.resultat


@pytest.fixture
def calcul() -> Calcul:
    return Calcul()


_COLONNES_FIXES = {"code", "nom", "catégorie", "adhésion", "sortie"}
_DONNEE_DATEE = re.compile(r"^(?P<donnee>.+) (?P<annee>\d{4})$")


def categorie(texte: str) -> tuple[str, str]:
    """« producteurs » → (``producer``, « producteurs ») ; un texte inconnu reste tel quel."""
    for cat in default_categories():
        if texte in (cat.label, cat.code):
            return cat.code, cat.label
    return texte, texte


def donnees(ligne: dict[str, str]) -> dict[tuple[FactKind, int], Decimal]:
    """Les colonnes « bénéfice 2026 », « population 2026 »… ; une cellule vide = pas de donnée."""
    lues: dict[tuple[FactKind, int], Decimal] = {}
    for colonne, texte in ligne.items():
        if colonne in _COLONNES_FIXES or not texte.strip():
            continue
        trouve = _DONNEE_DATEE.match(colonne)
        assert trouve, f"colonne inconnue « {colonne} » (attendu : une donnée et son année)"
        genre, annee = parse_fact_kind(trouve["donnee"]), int(trouve["annee"])
        valeur = parse_amount(texte) if genre.is_money else parse_number(texte)
        # un chiffre que le registre refuserait (perte sur un effectif…) n'a rien à faire ici
        check_fact(annee, genre, valeur)
        lues[(genre, annee)] = valeur
    return lues


def payeur(ligne: dict[str, str]) -> Payer:
    code, libelle = categorie(ligne["catégorie"])
    sortie = ligne.get("sortie", "").strip()
    return Payer(
        code=ligne["code"],
        name=ligne["nom"],
        category=code,
        category_label=libelle,
        joined_on=lire_date(ligne["adhésion"]),
        left_on=lire_date(sortie) if sortie else None,
        facts=donnees(ligne),
    )


# --- Calcul des cotisations -------------------------------------------------------------------


@given("le barème suivant :")
def le_bareme(calcul: Calcul, docstring: str) -> None:
    calcul.bareme = parse_schedule_text(docstring, SOURCE)


@given("les membres suivants :")
def les_membres(calcul: Calcul, datatable: list[list[str]]) -> None:
    for ligne in tableau(datatable):
        membre = payeur(ligne)
        assert membre.code not in calcul.membres, f"code {membre.code} en double"
        calcul.membres[membre.code] = membre


@when(etape("on calcule la cotisation de {code}"))
def calculer(calcul: Calcul, code: str) -> None:
    assert calcul.bareme is not None, "le scénario n'a pas donné de barème"
    assert code in calcul.membres, f"{code} n'est pas dans le tableau des membres"
    # Une quote-part se répartit entre tous les membres du tableau : sans quote-part, rien change.
    groupe = compute_pools(calcul.bareme, list(calcul.membres.values()))
    calcul.resultat = assess(calcul.bareme, calcul.membres[code], groupe)


def _toutes(calcul: Calcul) -> dict[str, Assessment]:
    assert calcul.bareme is not None, "le scénario n'a pas donné de barème"
    groupe = compute_pools(calcul.bareme, list(calcul.membres.values()))
    return {code: assess(calcul.bareme, m, groupe) for code, m in calcul.membres.items()}


@then("la répartition donne :")
def la_repartition_donne(calcul: Calcul, datatable: list[list[str]]) -> None:
    attendu = {ligne["code"]: parse_amount(ligne["cotisation"]) for ligne in tableau(datatable)}
    assert {code: a.amount for code, a in _toutes(calcul).items()} == attendu


@then(etape("les parts de la quote-part font exactement {montant:Montant}"))
def les_parts_font(calcul: Calcul, montant: Decimal) -> None:
    parts = [
        a.amount
        for code, a in _toutes(calcul).items()
        if a.amount is not None and calcul.membres[code].category in ("producer", "partner")
    ]
    assert sum(parts, Decimal(0)) == montant


@then(etape("la cotisation est de {montant:Montant}"))
def la_cotisation_est_de(calcul: Calcul, montant: Decimal) -> None:
    resultat = calcul.cotisation()
    assert resultat.cents is not None, f"pas de montant : {resultat.explain()}"
    assert resultat.amount == montant, resultat.explain()
    assert resultat.missing == ()


@then("la cotisation ne peut pas être calculée")
def pas_de_cotisation(calcul: Calcul) -> None:
    resultat = calcul.cotisation()
    assert resultat.cents is None, f"un montant a été calculé : {resultat.amount}"
    assert resultat.amount is None
    assert resultat.missing, "rien n'est signalé manquant"


@then(etape("il manque : {donnee}"))
def il_manque(calcul: Calcul, donnee: str) -> None:
    assert [manque.text for manque in calcul.cotisation().missing] == [donnee]


@then("l'explication dit :")
def l_explication_dit(calcul: Calcul, docstring: str) -> None:
    assert calcul.cotisation().explain() == avec_espaces_insecables(docstring)


@then("le résumé dit :")
def le_resume_dit(calcul: Calcul, docstring: str) -> None:
    assert calcul.cotisation().summary() == avec_espaces_insecables(docstring.strip())


@then(etape("{code} est redevable pour l'exercice {annee:d}"))
def est_redevable(calcul: Calcul, code: str, annee: int) -> None:
    resultat = calcul.cotisation()
    assert calcul.bareme is not None and calcul.bareme.fiscal_year == annee
    assert (resultat.member_code, resultat.liable) == (code, True)


@then(etape("{code} n'est pas redevable pour l'exercice {annee:d}"))
def n_est_pas_redevable(calcul: Calcul, code: str, annee: int) -> None:
    resultat = calcul.cotisation()
    assert calcul.bareme is not None and calcul.bareme.fiscal_year == annee
    assert (resultat.member_code, resultat.liable) == (code, False)


# --- Lecture des barèmes (erreurs) ------------------------------------------------------------


@when(etape("on lit le barème « {fichier} » :"))
def lire_le_bareme(tentative: Tentative, fichier: str, docstring: str) -> None:
    tentative.essayer(lambda: parse_schedule_text(docstring, fichier))


@then("le barème est accepté")
def le_bareme_est_accepte(tentative: Tentative) -> None:
    assert isinstance(tentative.reussite(), FeeSchedule)


def _erreur_de_regle(tentative: Tentative) -> RuleError:
    erreur = tentative.refus()
    assert isinstance(erreur, RuleError), f"pas une erreur de barème : {erreur!r}"
    return erreur


@then("le barème est refusé avec le message :")
def le_bareme_est_refuse(tentative: Tentative, docstring: str) -> None:
    assert _erreur_de_regle(tentative).message == avec_espaces_insecables(docstring.strip())


@then(etape("l'erreur désigne le fichier « {fichier} » et la clé « {cle} »"))
def l_erreur_designe(tentative: Tentative, fichier: str, cle: str) -> None:
    erreur = _erreur_de_regle(tentative)
    assert (erreur.source, erreur.path, erreur.field) == (fichier, cle, cle)
    assert erreur.message == f"{fichier} : {cle} : {erreur.reason}"
    assert [(p.message, p.field) for p in erreur.problems] == [(erreur.reason, cle)]
