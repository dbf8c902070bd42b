"""Étapes de ``features/registre_membres.feature`` : le registre des membres, de bout en bout.

Chaque scénario passe par la couche services (``gouvernance.services.registry.members``)
et une vraie base : ``pytestmark`` fait dépendre chaque scénario de la fixture ``app``,
paramétrée sur SQLite
et, quand ``GOUVERNANCE_TEST_DATABASE_URL`` est définie, sur PostgreSQL ; les identifiants des
tests finissent donc par ``[sqlite]`` ou ``[postgresql]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from etapes_fr import Tentative, avec_espaces_insecables, etape, lire_date, tableau
from pytest_bdd import given, parsers, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.facts import Fact, FactKind, MissingFact, parse_fact_kind
from gouvernance.domain.members import Member, MemberDraft, PersonKind, default_categories
from gouvernance.domain.money import parse_amount, parse_number
from gouvernance.domain.users import Actor
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members
from gouvernance.services.registry.views import MemberView, Page

pytestmark = pytest.mark.usefixtures("app")

scenarios("registre_membres.feature")


@dataclass
class Registre:
    """Les codes attribués par le registre, retrouvés par le nom affiché du membre."""

    codes: dict[str, str] = field(default_factory=dict)
    page: Page[MemberView] | None = None

    def code(self, nom: str) -> str:
        assert nom in self.codes, f"« {nom} » n'a pas été inscrit dans ce scénario"
        return self.codes[nom]


@dataclass
class Lecture:
    """Ce que donne la lecture d'une donnée chiffrée : sa valeur, ou le signalement du manque."""

    valeur: Decimal | None = None
    manquante: MissingFact | None = None


@pytest.fixture
def registre() -> Registre:
    return Registre()


@pytest.fixture
def lecture() -> Lecture:
    return Lecture()


def code_categorie(texte: str) -> str:
    """« producteurs » → ``producer`` ; un texte inconnu est transmis tel quel au registre.

    Les fonctionnalités parlent comme les statuts (libellés français) ; le registre range le
    code. Un libellé inconnu n'est pas refusé ici : c'est au registre de le refuser.
    """
    for categorie in default_categories():
        if texte in (categorie.label, categorie.code):
            return categorie.code
    return texte


def inscrire(app: Application, admin: Actor, registre: Registre, brouillon: MemberDraft) -> str:
    vue = members.create_member(app.uows, admin, brouillon)
    registre.codes[vue.display_name] = vue.code
    return vue.code


def personne_morale(nom: str, siren: str | None, categorie: str, depuis: date) -> MemberDraft:
    return MemberDraft(
        kind=PersonKind.LEGAL,
        category=code_categorie(categorie),
        joined_on=depuis,
        name=nom,
        siren=siren,
    )


def personne_physique(prenom: str, nom: str, categorie: str, depuis: date) -> MemberDraft:
    return MemberDraft(
        kind=PersonKind.NATURAL,
        category=code_categorie(categorie),
        joined_on=depuis,
        first_name=prenom,
        last_name=nom,
    )


def fiche(app: Application, admin: Actor, registre: Registre, nom: str) -> MemberView:
    return members.get_member(app.uows, admin, registre.code(nom))


def noms(app: Application, admin: Actor, filtre: MemberFilter) -> list[str]:
    page = members.list_members(app.uows, admin, filtre, limit=500)
    assert page.total == len(page.items), "le registre de test tient sur une page"
    return [vue.display_name for vue in page.items]


def valeurs_de_l_exercice(lignes: list[list[str]]) -> dict[FactKind, Decimal]:
    valeurs: dict[FactKind, Decimal] = {}
    for ligne in tableau(lignes):
        genre = parse_fact_kind(ligne["donnée"])
        texte = ligne["valeur"]
        valeurs[genre] = parse_amount(texte) if genre.is_money else parse_number(texte)
    return valeurs


# --- Le registre ------------------------------------------------------------------------------


@given("un registre des membres tout neuf")
def registre_neuf(app: Application, admin: Actor) -> None:
    assert members.list_members(app.uows, admin, MemberFilter()).total == 0


@then(
    parsers.re(r"le registre compte (?P<nombre>\d+) membres?"),
    converters={"nombre": int},
)
def le_registre_compte(app: Application, admin: Actor, nombre: int) -> None:
    assert members.list_members(app.uows, admin, MemberFilter()).total == nombre


# --- Inscription ------------------------------------------------------------------------------

_MORALE = (
    "la personne morale « {nom} », SIREN « {siren} », catégorie « {categorie} », "
    "adhérente depuis le {depuis:Date}"
)
_MORALE_SANS_SIREN = (
    "la personne morale « {nom} », sans SIREN, catégorie « {categorie} », "
    "adhérente depuis le {depuis:Date}"
)
_PHYSIQUE = (
    "la personne physique de prénom « {prenom} » et de nom « {nom} », "
    "catégorie « {categorie} », adhérente depuis le {depuis:Date}"
)


@given(etape(_MORALE))
def une_personne_morale_inscrite(
    app: Application,
    admin: Actor,
    registre: Registre,
    nom: str,
    siren: str,
    categorie: str,
    depuis: date,
) -> None:
    inscrire(app, admin, registre, personne_morale(nom, siren, categorie, depuis))


@when(etape("j'inscris " + _MORALE))
def inscrire_une_personne_morale(
    app: Application,
    admin: Actor,
    registre: Registre,
    tentative: Tentative,
    nom: str,
    siren: str,
    categorie: str,
    depuis: date,
) -> None:
    brouillon = personne_morale(nom, siren, categorie, depuis)
    tentative.essayer(lambda: inscrire(app, admin, registre, brouillon))


@when(etape("j'inscris " + _MORALE_SANS_SIREN))
def inscrire_une_personne_morale_sans_siren(
    app: Application,
    admin: Actor,
    registre: Registre,
    tentative: Tentative,
    nom: str,
    categorie: str,
    depuis: date,
) -> None:
    brouillon = personne_morale(nom, None, categorie, depuis)
    tentative.essayer(lambda: inscrire(app, admin, registre, brouillon))


@when(etape("j'inscris " + _PHYSIQUE))
def inscrire_une_personne_physique(
    app: Application,
    admin: Actor,
    registre: Registre,
    tentative: Tentative,
    prenom: str,
    nom: str,
    categorie: str,
    depuis: date,
) -> None:
    brouillon = personne_physique(prenom, nom, categorie, depuis)
    tentative.essayer(lambda: inscrire(app, admin, registre, brouillon))


@given("les personnes physiques suivantes, inscrites dans cet ordre :")
def des_personnes_physiques(
    app: Application, admin: Actor, registre: Registre, datatable: list[list[str]]
) -> None:
    for ligne in tableau(datatable):
        depuis = lire_date(ligne["adhésion"])
        brouillon = personne_physique(ligne["prénom"], ligne["nom"], ligne["catégorie"], depuis)
        inscrire(app, admin, registre, brouillon)


@then(etape("la fiche de « {nom} » porte le code « {code} » et le SIREN « {siren} »"))
def la_fiche_porte_le_siren(
    app: Application, admin: Actor, registre: Registre, nom: str, code: str, siren: str
) -> None:
    vue = fiche(app, admin, registre, nom)
    assert (vue.code, vue.siren, vue.kind) == (code, siren, PersonKind.LEGAL)


@then(etape("la fiche de « {nom} » est celle d'une personne physique, sans SIREN"))
def la_fiche_est_une_personne_physique(
    app: Application, admin: Actor, registre: Registre, nom: str
) -> None:
    vue = fiche(app, admin, registre, nom)
    assert vue.kind is PersonKind.NATURAL
    assert vue.siren is None
    assert vue.name == ""


@then(etape("« {nom} » est membre de la catégorie « {categorie} » depuis le {depuis:Date}"))
def membre_de_la_categorie(
    app: Application, admin: Actor, registre: Registre, nom: str, categorie: str, depuis: date
) -> None:
    vue = fiche(app, admin, registre, nom)
    assert (vue.category, vue.joined_on) == (code_categorie(categorie), depuis)


# --- Sortie -----------------------------------------------------------------------------------


@given(etape("l'adhésion de « {nom} » a pris fin le {le:Date} pour le motif « {motif} »"))
def une_adhesion_terminee(
    app: Application, admin: Actor, registre: Registre, nom: str, le: date, motif: str
) -> None:
    members.end_membership(app.uows, admin, registre.code(nom), le, motif)


@when(etape("l'adhésion de « {nom} » prend fin le {le:Date} pour le motif « {motif} »"))
def mettre_fin_a_l_adhesion(
    app: Application,
    admin: Actor,
    registre: Registre,
    tentative: Tentative,
    nom: str,
    le: date,
    motif: str,
) -> None:
    code = registre.code(nom)
    tentative.essayer(lambda: members.end_membership(app.uows, admin, code, le, motif))


@then(etape("la fiche de « {nom} » indique une sortie le {le:Date} pour le motif « {motif} »"))
def la_fiche_indique_la_sortie(
    app: Application, admin: Actor, registre: Registre, nom: str, le: date, motif: str
) -> None:
    vue = fiche(app, admin, registre, nom)
    assert (vue.left_on, vue.leave_reason) == (le, motif)


@then(etape("« {nom} » compte parmi les membres actifs au {jour:Date}"))
def compte_parmi_les_actifs(app: Application, admin: Actor, nom: str, jour: date) -> None:
    assert nom in noms(app, admin, MemberFilter(active_on=jour))


@then(etape("« {nom} » ne compte plus parmi les membres actifs au {jour:Date}"))
def ne_compte_plus_parmi_les_actifs(app: Application, admin: Actor, nom: str, jour: date) -> None:
    assert nom not in noms(app, admin, MemberFilter(active_on=jour))


@then(etape("« {nom} » figure toujours dans la liste complète du registre"))
def figure_dans_la_liste_complete(app: Application, admin: Actor, nom: str) -> None:
    assert nom in noms(app, admin, MemberFilter())


# --- Données chiffrées ------------------------------------------------------------------------


@given(etape("les données de l'exercice {annee:d} de « {nom} » :"))
def des_donnees_enregistrees(
    app: Application,
    admin: Actor,
    registre: Registre,
    annee: int,
    nom: str,
    datatable: list[list[str]],
) -> None:
    valeurs = valeurs_de_l_exercice(datatable)
    members.record_facts(app.uows, admin, registre.code(nom), annee, valeurs)


@when(etape("j'enregistre pour « {nom} » les données de l'exercice {annee:d} :"))
def enregistrer_des_donnees(
    app: Application,
    admin: Actor,
    registre: Registre,
    tentative: Tentative,
    nom: str,
    annee: int,
    datatable: list[list[str]],
) -> None:
    code = registre.code(nom)
    valeurs = valeurs_de_l_exercice(datatable)
    tentative.essayer(lambda: members.record_facts(app.uows, admin, code, annee, valeurs))


@then(etape("la donnée « {donnee} {annee:d} » de « {nom} » vaut {valeur:Montant}"))
def la_donnee_vaut(
    app: Application,
    admin: Actor,
    registre: Registre,
    donnee: str,
    annee: int,
    nom: str,
    valeur: Decimal,
) -> None:
    genre = parse_fact_kind(donnee)
    vue = fiche(app, admin, registre, nom)
    trouvees = [f.value for f in vue.facts if f.kind is genre and f.fiscal_year == annee]
    assert trouvees == [valeur]


@then(etape("la fiche de « {nom} » affiche « {libelle} »"))
def la_fiche_affiche(
    app: Application, admin: Actor, registre: Registre, nom: str, libelle: str
) -> None:
    libelles = [f.label for f in fiche(app, admin, registre, nom).facts]
    assert avec_espaces_insecables(libelle) in libelles


@when(etape("je demande la donnée « {donnee} {annee:d} » de « {nom} »"))
def demander_une_donnee(
    app: Application,
    admin: Actor,
    registre: Registre,
    lecture: Lecture,
    donnee: str,
    annee: int,
    nom: str,
) -> None:
    # Aucun cas d'usage du service ne lit encore une donnée isolée : c'est une règle du domaine
    # (``Member.fact``), que les calculs de cotisation appelleront, qui signale le manque par
    # ``MissingFact``. On lit donc la fiche par le service (les chiffres viennent bien de la
    # base), on reconstruit le ``Member`` du domaine avec ces chiffres, et on pose la question
    # au domaine. Le scénario vérifie ainsi le stockage ET le message du domaine, sans prétendre
    # qu'un service signale déjà le manque.
    vue = fiche(app, admin, registre, nom)
    membre = Member(
        code=vue.code,
        kind=vue.kind,
        category=vue.category,
        joined_on=vue.joined_on,
        name=vue.name,
        first_name=vue.first_name,
        last_name=vue.last_name,
        siren=vue.siren,
        left_on=vue.left_on,
        leave_reason=vue.leave_reason,
        facts=[Fact(f.fiscal_year, f.kind, f.value) for f in vue.facts],
    )
    try:
        lecture.valeur = membre.fact(parse_fact_kind(donnee), annee)
    except MissingFact as manque:
        lecture.manquante = manque


@then("elle est signalée manquante avec le message :")
def signalee_manquante(lecture: Lecture, docstring: str) -> None:
    assert lecture.manquante is not None, f"la donnée a été trouvée : {lecture.valeur}"
    assert lecture.manquante.message == docstring.strip()
    assert str(lecture.manquante) == docstring.strip()


# --- Liste et pages ---------------------------------------------------------------------------


_PAGE = (
    "je consulte la page {page:d} des membres de la catégorie « {categorie} », {taille:d} par page"
)


@when(etape(_PAGE))
def consulter_une_page(
    app: Application, admin: Actor, registre: Registre, page: int, categorie: str, taille: int
) -> None:
    filtre = MemberFilter(category=code_categorie(categorie))
    registre.page = members.list_members(
        app.uows, admin, filtre, offset=(page - 1) * taille, limit=taille
    )


@then(etape("la page montre, dans l'ordre, {liste}"))
def la_page_montre(registre: Registre, liste: str) -> None:
    assert registre.page is not None
    attendus = re.findall(r"« (.+?) »", liste)
    assert [vue.display_name for vue in registre.page.items] == attendus


@then("la page est vide")
def la_page_est_vide(registre: Registre) -> None:
    assert registre.page is not None
    assert registre.page.items == ()


@then(etape("le total annoncé est de {total:d} membres"))
def le_total_annonce(registre: Registre, total: int) -> None:
    assert registre.page is not None
    assert registre.page.total == total
