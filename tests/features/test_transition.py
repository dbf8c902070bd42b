"""Étapes du rapport de transition (``features/transition.feature``).

Chaque scénario charge la démo dans une vraie base (fixture ``app`` : SQLite et, si
``GOUVERNANCE_TEST_DATABASE_URL`` est définie, PostgreSQL) et passe par le service
``transition.transition_report``, avec la vraie vérification de conformité. Un projet de
statuts modifié est écrit dans un dossier temporaire que ``GOUVERNANCE_STATUTES_DIR`` désigne :
c'est le fichier de la démo, changé à un endroit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from etapes_fr import avec_espaces_insecables, etape, tableau
from pytest_bdd import given, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.money import format_amount
from gouvernance.domain.scic.compliance import Severity
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.scic.transition import UNCLASSIFIED, Placement, TransitionReport
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.registry import members
from gouvernance.services.scic import scic_rules
from gouvernance.services.scic.transition import transition_report

pytestmark = pytest.mark.usefixtures("app")

scenarios("transition.feature")

BUREAU = Actor(username="bureau", role=Role.BOARD)
DEMO = Path(__file__).resolve().parents[2] / "rules" / "statuts" / "demo" / "scic-alpilles.yaml"


@dataclass
class Transition:
    report: TransitionReport | None = None

    def rapport(self) -> TransitionReport:
        assert self.report is not None, "aucun rapport demandé"
        return self.report

    def membre(self, code: str) -> Placement:
        found = self.rapport().placement(code)
        assert found is not None, f"{code} absent du rapport"
        return found


@pytest.fixture
def transition() -> Transition:
    return Transition()


def _projet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, avant: str, apres: str) -> None:
    """Le projet de la démo, renommé « projet-modifie » et changé à un endroit."""
    texte = DEMO.read_text(encoding="utf-8")
    assert avant in texte, f"« {avant} » introuvable dans le projet de la démo"
    texte = texte.replace(avant, apres).replace("id: demo-statuts-scic", "id: projet-modifie")
    dossier = tmp_path / "statuts"
    dossier.mkdir()
    (dossier / "projet.yaml").write_text(texte, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(dossier))


# --- Étant donné ------------------------------------------------------------------------------


@given("l'organisation de démonstration chargée")
def demo_chargee(database_url: str, demo_loader: Callable[[str], None]) -> None:
    demo_loader(database_url)


@given(
    etape(
        "un projet de statuts où la catégorie « beneficiaires » ne reprend aucune catégorie "
        "du registre"
    )
)
def beneficiaires_vides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _projet(tmp_path, monkeypatch, "registry: [beneficiary]", "registry: []")


@given(etape("un projet de statuts sans la catégorie « beneficiaires »"))
def sans_beneficiaires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    categorie = (
        "  - code: beneficiaires\n    label: Bénéficiaires habituels\n    kind: beneficiary\n"
        "    registry: [beneficiary]\n    minimum_subscription: {shares: 1}\n"
    )
    texte = DEMO.read_text(encoding="utf-8").replace(categorie, "")
    texte = texte.replace("categories: [beneficiaires]", "categories: []")
    assert "beneficiaires" not in texte
    dossier = tmp_path / "statuts"
    dossier.mkdir()
    texte = texte.replace("id: demo-statuts-scic", "id: projet-modifie")
    (dossier / "projet.yaml").write_text(texte, encoding="utf-8")
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(dossier))


@given(etape("un projet de statuts où la catégorie « soutiens » ne reprend que « partner »"))
def soutiens_partenaires(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _projet(tmp_path, monkeypatch, "registry: [partner, volunteer, founder]", "registry: [partner]")


@given(etape("la commune « {code} » inscrite le {jour:Date} sans population"))
def commune_sans_population(app: Application, code: str, jour: date) -> None:
    draft = MemberDraft(
        kind=PersonKind.LEGAL, category="public_body", joined_on=jour,
        name="Commune de Rocheblanche", siren="213100019", code=code,
    )  # fmt: skip
    members.create_member(app.uows, SYSTEM, draft)


# --- Quand ------------------------------------------------------------------------------------


@when(etape("le conseil demande le rapport de transition « {statuts} » au {jour:Date}"))
def demander(app: Application, transition: Transition, statuts: str, jour: date) -> None:
    transition.report = transition_report(app.uows, BUREAU, statuts, jour).report


# --- Alors ------------------------------------------------------------------------------------


@then(etape("{code} est dans la catégorie « {categorie} », au « {college} »"))
def range_par_categorie(transition: Transition, code: str, categorie: str, college: str) -> None:
    membre = transition.membre(code)
    assert (membre.category_label, membre.college_label) == (categorie, college)
    assert not membre.by_override


@then(
    etape(
        "{code} est dans la catégorie « {categorie} », au « {college} » par une clause des statuts"
    )
)
def range_par_clause(transition: Transition, code: str, categorie: str, college: str) -> None:
    membre = transition.membre(code)
    assert (membre.category_label, membre.college_label) == (categorie, college)
    assert membre.by_override


@then(etape("{code} souscrit au minimum {parts:d} parts, soit {montant:Montant}"))
def souscription(transition: Transition, code: str, parts: int, montant: object) -> None:
    membre = transition.membre(code)
    assert membre.shares == parts
    assert membre.amount == montant


@then("les collèges sont :")
def colleges(transition: Transition, datatable: list[list[str]]) -> None:
    attendu = tableau(datatable)
    obtenu = [
        {
            "collège": c.label,
            "membres": str(c.size),
            "poids": format_share(c.weight).replace("\u00a0", " "),
            "poids effectif": format_share(c.effective_weight or 0).replace("\u00a0", " "),
            "fraction": str(c.effective_weight),
            "situation": "formé" if c.formed else "non formé",
        }
        for c in transition.rapport().colleges
    ]
    assert obtenu == attendu


@then(etape("le capital projeté est de {total:Montant} pour {parts:d} parts"))
def capital(transition: Transition, total: object, parts: int) -> None:
    projection = transition.rapport().capital
    assert (projection.total, projection.shares) == (total, parts)


@then(
    etape(
        "les collectivités territoriales en détiennent {montant:Montant}, soit {part} ({fraction})"
    )
)
def part_publique(transition: Transition, montant: object, part: str, fraction: str) -> None:
    projection = transition.rapport().capital
    assert projection.public_bodies == montant
    assert projection.public_share_text == part.replace(" ", "\u00a0")
    assert str(projection.public_share) == fraction
    assert format_amount(projection.total) == avec_espaces_insecables("10 350,00 €")


@then("aucune catégorie obligatoire n'est vide")
def obligatoires_remplies(transition: Transition) -> None:
    assert all(check.satisfied for check in transition.rapport().mandatory)
    assert [c.members for c in transition.rapport().categories if c.mandatory] == [10, 20]


@then("le rapport ne relève aucune erreur")
def aucune_erreur(transition: Transition) -> None:
    assert transition.rapport().errors == ()


@then(etape("la catégorie obligatoire « {libelle} » est vide"))
def obligatoire_vide(transition: Transition, libelle: str) -> None:
    vides = [c for c in transition.rapport().mandatory if not c.satisfied]
    assert [(c.category_label, c.members) for c in vides] == [(libelle, 0)]


@then("la catégorie obligatoire des bénéficiaires habituels manque aux statuts")
def obligatoire_absente(transition: Transition) -> None:
    vides = [c for c in transition.rapport().mandatory if not c.satisfied]
    assert [(c.kind.label, c.category_label) for c in vides] == [("bénéficiaires habituels", None)]


@then(etape("le rapport relève l'erreur « {code} » avec l'article « {article} »"))
def erreur(transition: Transition, code: str, article: str) -> None:
    trouves = [f for f in transition.rapport().errors if f.code == code]
    assert len(trouves) == 1, transition.rapport().findings
    assert trouves[0].article == article


@then(etape("le rapport relève l'avertissement « {code} »"))
def avertissement(transition: Transition, code: str) -> None:
    codes = [f.code for f in transition.rapport().findings if f.severity is Severity.WARNING]
    assert code in codes, transition.rapport().findings


@then(etape("le rapport relève l'avertissement « {code} » pour {membre}"))
def avertissement_pour(transition: Transition, code: str, membre: str) -> None:
    trouves = [
        f for f in transition.rapport().warnings if f.code == code and f"({membre})" in f.message
    ]
    assert len(trouves) == 1, transition.rapport().findings


@then(etape("{code} est non classé"))
def non_classe(transition: Transition, code: str) -> None:
    membre = transition.membre(code)
    assert (membre.category_code, membre.category_label, membre.shares) == (
        None,
        UNCLASSIFIED,
        None,
    )


@then(etape("{code} n'a pas de souscription minimale calculée"))
def sans_minimum(transition: Transition, code: str) -> None:
    membre = transition.membre(code)
    assert (membre.category_label, membre.population, membre.shares, membre.amount) == (
        "Collectivités publiques", None, None, None,
    )  # fmt: skip
    assert transition.rapport().capital.incomplete == (code,)
