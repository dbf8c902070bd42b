"""Étapes de la déclaration de l'organisation (``features/organisation.feature``).

Chaque scénario passe par les services (``setup``, ``calls``, ``treasury``) sur une vraie base
(fixture ``app``, SQLite et PostgreSQL). Les appels de cotisation partent d'un barème adopté
écrit dans un dossier temporaire (``GOUVERNANCE_RULES_DIR``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from etapes_fr import Tentative, etape, tableau
from pytest_bdd import given, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation, OrganisationChanges
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.ledger.calls import CallQuery
from gouvernance.services.organisation import setup
from gouvernance.services.organisation.setup import FirstRunStatus
from gouvernance.services.registry import members

pytestmark = pytest.mark.usefixtures("app")

scenarios("organisation.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)
BAREME = """\
id: essai-organisation
label: Barème d'essai
adopted:
  date: 2026-11-14
  decision: AG du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
fee:
  by_category:
    default: "20,00"
"""
_ENTIERS = ("fiscal_year_start_day", "fiscal_year_start_month")


@dataclass
class Contexte:
    etat: FirstRunStatus | None = None
    membres: dict[str, str] = field(default_factory=dict)  # « Léa Martin » → code
    noms: list[str] = field(default_factory=list)  # les noms que l'organisation a portés


@pytest.fixture
def contexte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Contexte:
    dossier = tmp_path / "regles"
    dossier.mkdir()
    (dossier / "bareme.yaml").write_text(BAREME, encoding="utf-8")
    monkeypatch.setenv(fees.RULES_VARIABLE, str(dossier))
    monkeypatch.setenv(clock.VARIABLE, "2027-03-01")
    return Contexte()


def _valeurs(datatable: list[list[str]]) -> dict[str, Any]:
    valeurs: dict[str, Any] = {}
    for ligne in tableau(datatable):
        champ, texte = ligne["champ"], ligne["valeur"]
        valeurs[champ] = int(texte) if champ in _ENTIERS else texte
    return valeurs


def _noter_nom(contexte: Contexte, valeurs: dict[str, Any]) -> None:
    if "name" in valeurs:
        contexte.noms.append(valeurs["name"])


# --- Installation ---------------------------------------------------------------------------


@when("on consulte l'état de l'installation")
def consulter_l_etat(app: Application, contexte: Contexte) -> None:
    contexte.etat = setup.first_run_status(app.uows)


@then("les prochaines étapes sont :")
def prochaines_etapes(contexte: Contexte, docstring: str) -> None:
    assert contexte.etat is not None
    assert contexte.etat.next_steps_text() == docstring.strip()


# --- Déclarer, changer ----------------------------------------------------------------------


@given(etape("l'organisation « {nom} » déclarée"))
def organisation_declaree(app: Application, contexte: Contexte, nom: str) -> None:
    organisation = Organisation(
        name=nom,
        legal_form="association",
        rna="W133001234",
        city="Arles",
        iban="FR7630006000011234567890189",
        treasurer_name="Joseph Castagne",
        treasurer_title="Trésorier bénévole",
    )
    setup.set_organisation(app.uows, SYSTEM, organisation)
    contexte.noms.append(nom)


@when("l'administrateur déclare l'organisation :")
def administrateur_declare(
    app: Application, contexte: Contexte, tentative: Tentative, datatable: list[list[str]]
) -> None:
    valeurs = _valeurs(datatable)
    tentative.essayer(
        lambda: setup.set_organisation(app.uows, SYSTEM, OrganisationChanges.of(valeurs))
    )
    _noter_nom(contexte, valeurs)


@when("la trésorière déclare l'organisation :")
def tresoriere_declare(app: Application, tentative: Tentative, datatable: list[list[str]]) -> None:
    changements = OrganisationChanges.of(_valeurs(datatable))
    tentative.essayer(lambda: setup.set_organisation(app.uows, TRESORIERE, changements))


@when("l'administrateur change seulement :")
def administrateur_change(
    app: Application, contexte: Contexte, tentative: Tentative, datatable: list[list[str]]
) -> None:
    valeurs = _valeurs(datatable)
    tentative.essayer(
        lambda: setup.set_organisation(app.uows, SYSTEM, OrganisationChanges.of(valeurs))
    )
    _noter_nom(contexte, valeurs)


@then("l'organisation enregistrée a :")
def organisation_enregistree(app: Application, datatable: list[list[str]]) -> None:
    organisation = setup.get_organisation(app.uows)
    assert organisation is not None
    for ligne in tableau(datatable):
        assert str(getattr(organisation, ligne["champ"])) == ligne["valeur"], ligne["champ"]


@then("aucune organisation n'est enregistrée")
def aucune_organisation(app: Application) -> None:
    assert setup.get_organisation(app.uows) is None


# --- Les lettres gardent ce qu'elles imprimaient -------------------------------------------


def _emettre_pour(app: Application, contexte: Contexte, personne: str) -> None:
    prenom, nom = personne.split(" ", 1)
    brouillon = MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2020, 1, 1),
        first_name=prenom,
        last_name=nom,
    )
    contexte.membres[personne] = members.create_member(app.uows, SYSTEM, brouillon).code
    calls.issue_calls(
        app.uows,
        TRESORIERE,
        "essai-organisation",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 15),
    )


@given(etape("un appel de cotisation émis pour {personne}"))
def appel_emis(app: Application, contexte: Contexte, personne: str) -> None:
    _emettre_pour(app, contexte, personne)


@when(etape("un appel de cotisation est émis pour {personne}"))
def appel_est_emis(app: Application, contexte: Contexte, personne: str) -> None:
    _emettre_pour(app, contexte, personne)


@then(etape("la lettre d'appel de {personne} porte « {nom} » et le BIC « {bic} »"))
def lettre_porte(app: Application, contexte: Contexte, personne: str, nom: str, bic: str) -> None:
    query = CallQuery(member_code=contexte.membres[personne])
    (appel,) = calls.list_calls(app.uows, TRESORIERE, query).items
    page = treasury.call_letter(app.uows, TRESORIERE, appel.reference, "html").content.decode()
    assert nom in page and bic in page
    for autre in contexte.noms:
        if autre != nom:
            assert autre not in page, f"la lettre porte aussi « {autre} »"
