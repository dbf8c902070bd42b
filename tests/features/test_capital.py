"""Étapes du registre des parts sociales (``features/capital.feature``).

Chaque scénario passe par les services (``capital``, ``certificates``) et une vraie base
(fixture ``app``, SQLite et PostgreSQL). Les statuts sont écrits dans un dossier temporaire que
``GOUVERNANCE_STATUTES_DIR`` désigne, puis choisis par l'administrateur ; la trésorière
« claire » inscrit les opérations.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from etapes_fr import Tentative, avec_espaces_insecables, etape, lire_date, tableau
from pytest_bdd import given, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import parse_fact_kind
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.money import parse_amount, parse_number
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members
from gouvernance.services.scic import capital, certificates, scic_rules
from gouvernance.services.scic.capital import OperationView

pytestmark = pytest.mark.usefixtures("app")

scenarios("capital.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)
_DONNEE_DATEE = re.compile(r"^(?P<donnee>.+) (?P<annee>\d{4})$")


@dataclass
class Registre:
    dossier: Path
    derniere: OperationView | None = None


@pytest.fixture
def registre(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Registre:
    dossier = tmp_path / "statuts"
    dossier.mkdir()
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(dossier))
    return Registre(dossier)


# --- Contexte ---------------------------------------------------------------------------------


@given("les statuts choisis pour l'organisation :")
def statuts_choisis(app: Application, registre: Registre, docstring: str) -> None:
    (registre.dossier / "statuts.yaml").write_text(docstring + "\n", encoding="utf-8")
    organisation = Organisation(name="SCIC d'essai", legal_form="scic_sas", siren="732829320")
    setup.set_organisation(app.uows, SYSTEM, organisation)
    statuts = scic_rules.list_statutes()[0]
    capital.choose_statutes(app.uows, SYSTEM, statuts.id)


@given(etape("dans les statuts, « {cle} » vaut « {valeur} »"))
def cle_des_statuts(registre: Registre, cle: str, valeur: str) -> None:
    """« capital.minimum » vaut « 1 000,00 » : le fichier des statuts est réécrit, relu ensuite."""
    fichier = registre.dossier / "statuts.yaml"
    document = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    *chemin, derniere = cle.split(".")
    cible = document
    for partie in chemin:
        cible = cible[partie]
    cible[derniere] = yaml.safe_load(valeur)
    fichier.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


@given(
    etape(
        "les statuts ont aussi la catégorie « {libelle} » de type {nature} pour la catégorie "
        "du registre {code_registre}"
    )
)
def categorie_ajoutee(registre: Registre, libelle: str, nature: str, code_registre: str) -> None:
    fichier = registre.dossier / "statuts.yaml"
    document = yaml.safe_load(fichier.read_text(encoding="utf-8"))
    document["categories"].append(
        {"code": code_registre, "label": libelle, "kind": nature, "registry": [code_registre]}
    )
    fichier.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


@given(etape("{code}, « {nom} », personne morale de la catégorie du registre {categorie}"))
def membre_seul(app: Application, code: str, nom: str, categorie: str) -> None:
    brouillon = MemberDraft(
        kind=PersonKind.LEGAL, category=categorie, joined_on=date(2019, 3, 1), name=nom,
        siren=siren_valide(90), code=code,
    )  # fmt: skip
    members.create_member(app.uows, TRESORIERE, brouillon)


def siren_valide(rang: int) -> str:
    """Un SIREN valide (clé de Luhn) et propre à chaque membre du scénario."""
    debut = f"{72_000_000 + rang:08d}"
    total = 0
    for position, chiffre in enumerate(reversed(debut)):
        valeur = int(chiffre) * (2 if position % 2 == 0 else 1)
        total += valeur - 9 if valeur > 9 else valeur
    return debut + str((10 - total % 10) % 10)


@given("les membres :")
def les_membres(app: Application, datatable: list[list[str]]) -> None:
    for rang, ligne in enumerate(tableau(datatable)):
        brouillon = MemberDraft(
            kind=PersonKind.LEGAL,
            category=ligne["catégorie"],
            joined_on=lire_date(ligne["adhésion"]),
            name=ligne["nom"],
            siren=siren_valide(rang),
            code=ligne["code"],
        )
        members.create_member(app.uows, TRESORIERE, brouillon)
        for colonne, texte in ligne.items():
            trouve = _DONNEE_DATEE.match(colonne)
            if trouve and texte.strip():
                genre = parse_fact_kind(trouve["donnee"])
                valeur = {genre: parse_number(texte)}
                members.record_facts(
                    app.uows, TRESORIERE, ligne["code"], int(trouve["annee"]), valeur
                )


@given(etape("nous sommes le {jour:Date}"))
@when(etape("nous sommes le {jour:Date}"))
def nous_sommes_le(monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())


# --- Opérations -------------------------------------------------------------------------------


@given(etape("{code} a souscrit {parts:d} parts le {jour:Date} en versant {verse:Montant}"))
def a_souscrit(app: Application, code: str, parts: int, jour: date, verse: Decimal) -> None:
    capital.subscribe(app.uows, TRESORIERE, code, parts, verse, jour)


@given(etape("{code} a libéré {montant:Montant} le {jour:Date}"))
def a_libere(app: Application, code: str, montant: Decimal, jour: date) -> None:
    capital.pay_up(app.uows, TRESORIERE, code, montant, jour)


@when(etape("{code} souscrit {parts:d} parts le {jour:Date} en versant {verse:Montant}"))
def souscrit(
    app: Application,
    registre: Registre,
    tentative: Tentative,
    code: str,
    parts: int,
    jour: date,
    verse: Decimal,
) -> None:
    registre.derniere = tentative.essayer(
        lambda: capital.subscribe(app.uows, TRESORIERE, code, parts, verse, jour)
    )


@when(etape("{code} libère {montant:Montant} le {jour:Date}"))
def libere(
    app: Application,
    registre: Registre,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    jour: date,
) -> None:
    registre.derniere = tentative.essayer(
        lambda: capital.pay_up(app.uows, TRESORIERE, code, montant, jour)
    )


@when(etape("{code} retire {parts:d} parts le {jour:Date}"))
@when(
    etape("{code} retire {parts:d} parts le {jour:Date} avec une perte de {perte:Montant} par part")
)
def retire(
    app: Application,
    registre: Registre,
    tentative: Tentative,
    code: str,
    parts: int,
    jour: date,
    perte: Decimal = Decimal(0),
) -> None:
    registre.derniere = tentative.essayer(
        lambda: capital.withdraw(app.uows, TRESORIERE, code, parts, jour, loss_per_share=perte)
    )


@when(etape("le retrait {numero} est remboursé le {jour:Date}"))
def rembourse(
    app: Application, registre: Registre, tentative: Tentative, numero: str, jour: date
) -> None:
    registre.derniere = tentative.essayer(
        lambda: capital.refund(app.uows, TRESORIERE, numero, jour)
    )


# --- Vérifications ----------------------------------------------------------------------------


def insecables(texte: str) -> str:
    """Les espaces insécables de Babel (milliers, avant « € » et « % », après « ≈ »)."""
    return avec_espaces_insecables(texte).replace(" %", "\u00a0%").replace("≈ ", "≈\u00a0")


@then("le registre refuse :")
def le_registre_refuse(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message == insecables(docstring.strip())


@then(etape("l'opération porte le numéro {numero}"))
def porte_le_numero(registre: Registre, numero: str) -> None:
    assert registre.derniere is not None
    assert registre.derniere.number == numero


@then(etape("la prochaine opération portera le numéro {numero}"))
def prochain_numero(app: Application, numero: str) -> None:
    prefixe, annee, rang = numero.rsplit("-", 2)
    with app.uows() as uow:  # réservé puis annulé : la transaction n'est pas validée
        assert uow.ledger.next_numbers(f"{prefixe}-{annee}", 1) == int(rang)


@then(etape("le retrait rembourse {montant:Montant} à partir du {jour:Date}"))
def le_retrait_rembourse(registre: Registre, montant: Decimal, jour: date) -> None:
    assert registre.derniere is not None
    assert (registre.derniere.refund, registre.derniere.due_on) == (montant, jour)


@then(etape("le registre au {jour:Date} est :"))
def le_registre(app: Application, jour: date, datatable: list[list[str]]) -> None:
    vue = capital.register_view(app.uows, TRESORIERE, jour)
    obtenu = [
        {
            "code": ligne.code,
            "parts": str(ligne.shares),
            "souscrit": ligne.subscribed,
            "libéré": ligne.paid_up,
            "reste à libérer": ligne.unpaid,
            "échéance": f"{ligne.due_on:%d/%m/%Y}" if ligne.due_on else "",
            "retard": ligne.late_label or "non",
        }
        for ligne in vue.lines
    ]
    attendu = [
        {
            **ligne,
            "souscrit": parse_amount(ligne["souscrit"]),
            "libéré": parse_amount(ligne["libéré"]),
            "reste à libérer": parse_amount(ligne["reste à libérer"]),
        }
        for ligne in tableau(datatable)
    ]
    assert obtenu == attendu


@then(etape("le capital au {jour:Date} est de {souscrit:Montant}, dont {libere:Montant} libérés"))
def le_capital(app: Application, jour: date, souscrit: Decimal, libere: Decimal) -> None:
    totaux = capital.capital_totals(app.uows, jour)
    assert (totaux.subscribed, totaux.paid_up) == (souscrit, libere)
    assert sum(capital.paid_up_by_associate(app.uows, jour).values()) == libere


@then(
    etape(
        "le capital le plus élevé atteint est de {plus_haut:Montant} le {jour:Date}, "
        "et le plancher de {plancher:Montant}"
    )
)
def le_plus_haut(app: Application, plus_haut: Decimal, jour: date, plancher: Decimal) -> None:
    totaux = capital.capital_totals(app.uows, clock.today())
    assert (totaux.highest, totaux.highest_on, totaux.floor) == (plus_haut, jour, plancher)


@then(etape("l'attestation de {code} au {jour:Date} dit :"))
def l_attestation(app: Application, code: str, jour: date, docstring: str) -> None:
    contenu = certificates.certificate(app.uows, TRESORIERE, code, jour)
    page = certificates.render_html(contenu)
    texte = html.unescape(re.sub(r"</t[dh]><t[dh]>", " | ", page))
    lignes = [x.strip() for x in re.sub(r"<[^>]+>", "\n", texte).splitlines() if x.strip()]
    for attendu in docstring.splitlines():
        assert insecables(attendu.strip()) in lignes


@then(etape("l'attestation de {code} est un PDF"))
def attestation_pdf(app: Application, code: str) -> None:
    contenu = certificates.certificate(app.uows, TRESORIERE, code)
    premier = certificates.render_pdf(contenu)
    assert premier.startswith(b"%PDF-")
    assert certificates.render_pdf(contenu) == premier
