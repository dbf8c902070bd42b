"""Étapes de la conformité des statuts et du droit applicable.

Lie ``features/statuts_conformite.feature`` et ``features/droit.feature``. Aucune base : les
statuts et la loi sont des fichiers de règles.

* Les statuts du Contexte sont un document YAML ; chaque scénario en change une clé (par son
  chemin, ``colleges[1].weight``), puis le document est écrit dans un dossier temporaire que
  ``GOUVERNANCE_STATUTES_DIR`` désigne, et relu par le service ``statutes.check`` : le chemin
  complet qu'emprunte un projet de statuts réel.
* Les messages attendus sont écrits avec des espaces ordinaires ; ``texte_babel`` y remet les
  espaces insécables de Babel (milliers, avant « € » et avant « % »).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from etapes_fr import Tentative, avec_espaces_insecables, etape
from pytest_bdd import given, parsers, scenarios, then, when

from gouvernance.domain.scic.compliance import CapitalPicture, ComplianceReport, Finding, Severity
from gouvernance.domain.scic.decisions import DecisionRule, LegalForm
from gouvernance.domain.scic.law import InterestCap, format_share
from gouvernance.services.scic import scic_rules, statutes

scenarios("statuts_conformite.feature", "droit.feature")

LAW_FOLDER = Path(__file__).resolve().parents[2] / "rules" / "law"
_CLE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def texte_babel(texte: str) -> str:
    return avec_espaces_insecables(texte.strip()).replace(" %", "\u00a0%")


@dataclass
class Statuts:
    document: dict[str, Any] = field(default_factory=dict)
    rapport: ComplianceReport | None = None
    constat: Finding | None = None
    plafond: InterestCap | None = None
    regle: DecisionRule | None = None
    pouvoirs: int | None = None

    def le_rapport(self) -> ComplianceReport:
        assert self.rapport is not None, "aucun contrôle n'a été fait"
        return self.rapport

    def le_constat(self) -> Finding:
        assert self.constat is not None, "aucun constat désigné"
        return self.constat


@pytest.fixture
def etat() -> Statuts:
    return Statuts()


@pytest.fixture(autouse=True)
def dossiers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Un dossier de statuts à nous ; la loi du dépôt, sauf si un scénario en écrit une autre."""
    folder = tmp_path / "statuts"
    folder.mkdir()
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(folder))
    monkeypatch.delenv(scic_rules.LAW_VARIABLE, raising=False)
    return folder


def poser(document: dict[str, Any], chemin: str, valeur: Any) -> None:
    """``colleges[1].weight`` = valeur, dans le document lu."""
    parties: list[str | int] = [nom if nom else int(rang) for nom, rang in _CLE.findall(chemin)]
    cible: Any = document
    for partie in parties[:-1]:
        cible = cible[partie]
    cible[parties[-1]] = valeur


# --- Statuts et contrôle ---------------------------------------------------------------------


@given("les statuts conformes suivants :")
def statuts_conformes(etat: Statuts, docstring: str) -> None:
    etat.document = yaml.safe_load(docstring)


@given(etape("la clé « {cle} » vaut « {valeur} »"))
def cle_vaut(etat: Statuts, cle: str, valeur: str) -> None:
    poser(etat.document, cle, yaml.safe_load(valeur))


@given(etape("les poids des collèges sont « {poids} »"))
def poids_des_colleges(etat: Statuts, poids: str) -> None:
    valeurs = poids.split(" / ")
    assert len(valeurs) == len(etat.document["colleges"])
    for rang, valeur in enumerate(valeurs):
        etat.document["colleges"][rang]["weight"] = valeur


def controler(
    etat: Statuts,
    dossier: Path,
    jour: date,
    capital: CapitalPicture | None,
    salaries: bool | None = None,
) -> None:
    texte = yaml.safe_dump(etat.document, allow_unicode=True, sort_keys=False)
    (dossier / "statuts.yaml").write_text(texte, encoding="utf-8")
    etat.rapport = statutes.check(etat.document["id"], jour, capital, employees=salaries)


@when(
    etape("le conseil contrôle les statuts au {jour:Date} pour une organisation qui a des salariés")
)
def controle_avec_salaries(etat: Statuts, dossiers: Path, jour: date) -> None:
    controler(etat, dossiers, jour, None, salaries=True)


@when(
    etape(
        "le conseil contrôle les statuts au {jour:Date} pour une organisation "
        "qui n'a pas de salariés"
    )
)
def controle_sans_salaries(etat: Statuts, dossiers: Path, jour: date) -> None:
    controler(etat, dossiers, jour, None, salaries=False)


@when(etape("le conseil contrôle les statuts au {jour:Date}"))
def controle(etat: Statuts, dossiers: Path, jour: date) -> None:
    controler(etat, dossiers, jour, None)


@when(
    etape(
        "le conseil contrôle les statuts au {jour:Date} avec un capital de {total:Montant} "
        "dont {publics:Montant} aux collectivités territoriales"
    )
)
def controle_avec_capital(
    etat: Statuts, dossiers: Path, jour: date, total: Decimal, publics: Decimal
) -> None:
    controler(etat, dossiers, jour, CapitalPicture(total, publics))


@then("le contrôle ne relève aucun constat")
def aucun_constat(etat: Statuts) -> None:
    assert etat.le_rapport().findings == ()


RELEVE = (
    r"le contrôle relève (?P<gravite>une erreur|un avertissement) "
    r"« (?P<code>[a-z_0-9]+) » à la clé « (?P<cle>[^»]+) »"
)
SORT = (
    r"(?P<quoi>les abstentions|les votes blancs ou nuls) "
    r"(?P<sort>comptent contre|ne comptent pas)"
)


@then(parsers.re(RELEVE))
def releve(etat: Statuts, gravite: str, code: str, cle: str) -> None:
    trouves = [f for f in etat.le_rapport().findings if f.code == code]
    assert len(trouves) == 1, etat.le_rapport().findings
    constat = trouves[0]
    attendue = Severity.ERROR if gravite == "une erreur" else Severity.WARNING
    assert (constat.severity, constat.path) == (attendue, cle)
    etat.constat = constat


@then(etape("l'article cité est « {article} »"))
def article_cite(etat: Statuts, article: str) -> None:
    assert etat.le_constat().article == article


@then("le message est :")
def message_du_constat(etat: Statuts, docstring: str) -> None:
    assert etat.le_constat().message == texte_babel(docstring)


@then("c'est le seul constat")
def seul_constat(etat: Statuts) -> None:
    assert etat.le_rapport().findings == (etat.le_constat(),)


@then("les statuts sont conformes")
def conformes(etat: Statuts) -> None:
    assert etat.le_rapport().lawful


@then("les statuts ne sont pas conformes")
def non_conformes(etat: Statuts) -> None:
    assert not etat.le_rapport().lawful


# --- Droit -----------------------------------------------------------------------------------


@when(etape("on demande le plafond de l'intérêt aux parts pour une assemblée tenue en {annee:d}"))
def plafond(etat: Statuts, tentative: Tentative, annee: int) -> None:
    etat.plafond = tentative.essayer(lambda: statutes.interest_cap(annee))


@then(etape("le plafond est de « {taux} »"))
def plafond_est(etat: Statuts, taux: str) -> None:
    assert etat.plafond is not None
    assert format_share(etat.plafond.rate, 4) == texte_babel(taux).replace("≈ ", "≈\u00a0")


@then(etape("l'explication cite les six semestres du TMO des années {premiere:d} à {derniere:d}"))
def six_semestres(etat: Statuts, premiere: int, derniere: int) -> None:
    assert etat.plafond is not None
    annees = [s.year for s in etat.plafond.semesters]
    assert annees == [premiere, premiere, premiere + 1, premiere + 1, derniere, derniere]
    assert f"des années {premiere} à {derniere}" in etat.plafond.explain()


@then("l'explication est :")
def explication(etat: Statuts, docstring: str) -> None:
    assert etat.plafond is not None
    assert etat.plafond.explain() == texte_babel(docstring)


@when(
    etape(
        "on lit la règle de l'assemblée générale {genre} d'une SCIC SA au {jour:Date} "
        "pour un exercice ouvert le {jour_ouverture:d}/{mois_ouverture:d}"
    )
)
def regle_sa(
    etat: Statuts, genre: str, jour: date, jour_ouverture: int, mois_ouverture: int
) -> None:
    presets = scic_rules.load_presets()[0].for_fiscal_year(jour_ouverture, mois_ouverture)
    kind = {"ordinaire": "ordinary", "extraordinaire": "extraordinary"}[genre]
    etat.regle = presets.rules(LegalForm.SCIC_SA, jour)[kind]


@then("la référence de la règle est :")
def reference_de_la_regle(etat: Statuts, docstring: str) -> None:
    assert etat.regle is not None
    assert etat.regle.reference == docstring.strip()


@then(etape("les quorums sont « {quorums} »"))
def quorums(etat: Statuts, quorums: str) -> None:
    assert etat.regle is not None
    lus = [str(c.quorum) for c in etat.regle.convocations]
    assert " puis ".join(lus) == quorums


@when(etape("on demande les règles d'assemblée d'une SCIC SAS au {jour:Date}"))
def regles_sas(tentative: Tentative, jour: date) -> None:
    presets, _, _ = scic_rules.load_presets()
    tentative.essayer(lambda: presets.rules(LegalForm.SCIC_SAS, jour))


@then(parsers.re(SORT))
def sort_des_abstentions(etat: Statuts, quoi: str, sort: str) -> None:
    assert etat.regle is not None
    traitement = etat.regle.abstention if quoi == "les abstentions" else etat.regle.blank
    assert traitement.label == sort


@then(etape("la majorité se calcule « {base} »"))
def base_de_la_majorite(etat: Statuts, base: str) -> None:
    assert etat.regle is not None
    assert {c.base.label for c in etat.regle.convocations} == {base}


@when(etape("l'assemblée compte {associes:d} associés"))
def associes(etat: Statuts, associes: int) -> None:
    _, scop, _ = scic_rules.load_presets()
    etat.pouvoirs = scop.limit(associes)


@then(etape("un associé peut détenir au plus {pouvoirs:d} pouvoir(s)"))
def pouvoirs_max(etat: Statuts, pouvoirs: int) -> None:
    assert etat.pouvoirs == pouvoirs


@when(etape("on demande le paramètre « {cle} » au {jour:Date}"))
def parametre(tentative: Tentative, cle: str, jour: date) -> None:
    tentative.essayer(lambda: scic_rules.load_law().value(cle, jour))


@given(etape("un dossier de loi où la valeur de « {cle} » est « {valeur} »"))
def loi_illisible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cle: str, valeur: str) -> None:
    dossier = tmp_path / "loi"
    shutil.copytree(LAW_FOLDER, dossier)
    texte = (dossier / "scic.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(texte)
    document["parameters"][cle]["values"][0]["value"] = valeur
    (dossier / "scic.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    monkeypatch.setenv(scic_rules.LAW_VARIABLE, str(dossier))


@when(etape("on demande les paramètres en vigueur au {jour:Date}"))
def parametres(tentative: Tentative, jour: date) -> None:
    tentative.essayer(lambda: statutes.law_parameters(jour))


@then("la demande est refusée avec le message :")
def demande_refusee(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message == avec_espaces_insecables(docstring.strip())


@then(etape("le champ refusé est « {champ} »"))
def champ_refuse(tentative: Tentative, champ: str) -> None:
    assert tentative.refus().field == champ
