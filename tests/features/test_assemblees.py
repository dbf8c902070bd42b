"""Étapes des assemblées générales (``features/assemblee*.feature``).

Chaque scénario passe par les services (``assemblies``, et pour préparer le registre ``members``,
``capital``, ``calls``, ``payments``) et une vraie base (fixture ``app``, SQLite et PostgreSQL).
Les statuts sont écrits dans un dossier temporaire que ``GOUVERNANCE_STATUTES_DIR`` désigne,
puis choisis par l'administrateur ; « nous sommes le … » règle ``GOUVERNANCE_TODAY``.

Qui agit : le conseil convoque et inscrit les résolutions ; le scrutateur tient la liste
d'émargement, saisit les bulletins par correspondance et les comptes à main levée, clôt et signe ;
un associé présent vote lui-même, et le porteur d'un pouvoir vote pour son mandant.

Les textes attendus sont écrits avec des espaces ordinaires et remis par ``insecables`` tels que
Babel les écrit (espace fine dans les nombres, insécable avant « % » et « € », après « ≈ »).
Les explications sont comparées ligne à ligne, exactement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from etapes_fr import Tentative, avec_espaces_insecables, etape, tableau
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import (
    NO_COLLEGE,
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
    Proposer,
    SignatoryRole,
)
from gouvernance.domain.assembly.tally import Counts, Outcome, QuorumResult, ResolutionResult
from gouvernance.domain.calls.model import parse_method
from gouvernance.domain.errors import Conflict
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.rule_documents import parse_share
from gouvernance.domain.scic.statutes import Statutes
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.orm import assembly_votes
from gouvernance.services import clock
from gouvernance.services.assembly import assemblies, minutes
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, payments
from gouvernance.services.organisation import setup
from gouvernance.services.printing.documents import typo
from gouvernance.services.registry import members
from gouvernance.services.scic import capital, scic_rules

pytestmark = pytest.mark.usefixtures("app")

scenarios(
    "assemblee.feature",
    "assemblee_abstentions.feature",
    "assemblee_association.feature",
    "assemblee_regles.feature",
)

CONSEIL = Actor(username="bureau", role=Role.BOARD)
SCRUTATEUR = Actor(username="sylvie", role=Role.SCRUTINEER)
TRESORIERE = Actor(username="claire", role=Role.TREASURER)
TYPES = {"ordinaire": "ordinary", "extraordinaire": "extraordinary"}
ISSUES = {
    "adoptée": Outcome.ADOPTED,
    "rejetée": Outcome.REJECTED,
    "non délibérée": Outcome.NOT_DELIBERATED,
    "en cours de vote secret": Outcome.SEALED,
}
CHOIX = {choice.label: choice for choice in Choice} | {"abstentions": Choice.ABSTAIN}
ROLES = {role.label: role for role in SignatoryRole}
PRESENCES = {mode.label: mode for mode in Attendance}
CHAQUE_COLLEGE = {"salaries": "SAL", "usagers": "USA", "producteurs": "PRO", "partenaires": "PAR"}


def associe(code: str) -> Actor:
    """Le compte d'adhérent d'un associé : il vote pour lui et pour qui lui a donné pouvoir."""
    return Actor(username=code.lower(), role=Role.MEMBER, member_code=code)


def codes(texte: str) -> list[str]:
    """« SAL01, SAL02 et SAL03 » → les codes, dans l'ordre."""
    return [c for c in re.split(r"\s*(?:,|\bet\b)\s*", texte.strip()) if c]


def insecables(texte: str) -> str:
    """Les espaces insécables de Babel (milliers, avant « € » et « % », après « ≈ »)."""
    return avec_espaces_insecables(texte).replace(" %", "\u00a0%").replace("≈ ", "≈\u00a0")


def part(texte: str) -> Fraction:
    """« 2/3 », « 37,5 % », « 1 » ou « 0 » → la part exacte (jamais un flottant)."""
    if texte.strip() in ("0", "1"):
        return Fraction(int(texte))
    return parse_share(texte.strip(), "étape", "scénario")


def decompte(texte: str) -> Counts:
    """« 6 pour, 11 contre, 1 abstention » → les voix de chaque choix (absent : 0)."""
    voix: dict[Choice, int] = {}
    for morceau in texte.split(", "):
        nombre, mot = morceau.split(" ", 1)
        voix[CHOIX[mot]] = int(nombre)
    return Counts.of(voix)


# --- État d'un scénario -----------------------------------------------------------------------


@dataclass
class Seance:
    """Les statuts du scénario, les assemblées convoquées et qui porte quel pouvoir."""

    dossier: Path
    tentative: Tentative
    statuts: Statutes | None = None
    assemblees: list[str] = field(default_factory=list)
    presences: dict[str, Attendance] = field(default_factory=dict)
    porteurs: dict[str, str] = field(default_factory=dict)  # mandant → porteur du pouvoir
    cotisation: Decimal = Decimal(0)

    @property
    def code(self) -> str:
        assert self.assemblees, "aucune assemblée n'a été convoquée dans ce scénario"
        return self.assemblees[-1]

    def essayer(self, action: Callable[[], Any]) -> Any:
        """Une action qui peut être refusée ; un refus précédent doit avoir été vérifié."""
        precedente = self.tentative
        assert precedente.erreur is None or precedente.erreur_verifiee, (
            f"refus non vérifié avant l'étape suivante : {precedente.erreur}"
        )
        return self.tentative.essayer(action)

    def college(self, libelle: str) -> str:
        """« collège des salariés » → ``salaries`` (le libellé des statuts, sans la casse)."""
        assert self.statuts is not None
        for college in self.statuts.colleges:
            if college.label.lower() == libelle.lower():
                return college.code
        if libelle.lower() == "ensemble des associés":
            return NO_COLLEGE
        raise AssertionError(f"collège inconnu des statuts : {libelle}")


@pytest.fixture
def seance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tentative: Tentative) -> Seance:
    dossier = tmp_path / "statuts"
    dossier.mkdir()
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(dossier))
    baremes = tmp_path / "baremes"
    baremes.mkdir()
    monkeypatch.setenv(fees.RULES_VARIABLE, str(baremes))
    monkeypatch.delenv(clock.VARIABLE, raising=False)
    return Seance(dossier, tentative)


def tally(app: Application, seance: Seance) -> assemblies.TallyView:
    return assemblies.tally(app.uows, SCRUTATEUR, seance.code)


def resolution(app: Application, seance: Seance, numero: int) -> ResolutionResult:
    trouvees = [r for r in tally(app, seance).tally.resolutions if r.number == numero]
    assert len(trouvees) == 1, f"résolution {numero} introuvable"
    return trouvees[0]


def quorum_de_l_assemblee(app: Application, seance: Seance) -> QuorumResult:
    """Le quorum du type de l'assemblée (le premier), tel que la liste d'émargement le donne."""
    return assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code).quorums[0]


# --- Contexte : statuts, date, associés -------------------------------------------------------


@given("les statuts de l'organisation :")
def les_statuts(app: Application, seance: Seance, docstring: str) -> None:
    (seance.dossier / "statuts.yaml").write_text(docstring + "\n", encoding="utf-8")
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(name="Organisation d'essai", legal_form="scic_sas", siren="732829320"),
    )
    seance.statuts = scic_rules.list_statutes()[0]
    capital.choose_statutes(app.uows, SYSTEM, seance.statuts.id)


@given(etape("l'exercice de l'organisation s'ouvre le {ouverture}"))
def exercice_ouvert_le(app: Application, ouverture: str) -> None:
    """« 01/07 » : l'exercice va du 1er juillet au 30 juin."""
    setup.set_organisation(
        app.uows, SYSTEM, setup.organisation_changes({"fiscal_year_start": ouverture})
    )


@given(etape("nous sommes le {jour:Date}"))
@when(etape("nous sommes le {jour:Date}"))
def nous_sommes_le(monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())
    assert clock.today() == jour


def inscrire(app: Application, seance: Seance, code: str, categorie: str, entree: date) -> None:
    """Un membre personne physique, de la catégorie du registre ``categorie``."""
    brouillon = MemberDraft(
        kind=PersonKind.NATURAL, category=categorie, joined_on=entree,
        first_name="Associé", last_name=code.capitalize(), code=code,
    )  # fmt: skip
    members.create_member(app.uows, SYSTEM, brouillon)


def souscrire(app: Application, seance: Seance, code: str, categorie: str) -> None:
    """Un associé de la SCIC : inscrit au registre, une part souscrite et libérée ce jour."""
    jour = clock.today()
    inscrire(app, seance, code, categorie, jour)
    capital.subscribe(app.uows, TRESORIERE, code, 1, Decimal("10.00"), jour)


def categorie_du_college(seance: Seance, college: str) -> str:
    """La catégorie du registre que les statuts rangent dans ce collège."""
    assert seance.statuts is not None
    trouve = seance.statuts.college(college)
    assert trouve is not None
    categorie = seance.statuts.category(sorted(trouve.categories)[0])
    assert categorie is not None
    return sorted(categorie.registry)[0]


@given(etape("les associés du {libelle} : {liste}"))
def les_associes_du_college(app: Application, seance: Seance, libelle: str, liste: str) -> None:
    categorie = categorie_du_college(seance, seance.college(libelle))
    for code in codes(liste):
        souscrire(app, seance, code, categorie)


@given(etape("les associés de la catégorie « {libelle} » : {liste}"))
def les_associes_de_la_categorie(
    app: Application, seance: Seance, libelle: str, liste: str
) -> None:
    assert seance.statuts is not None
    categorie = next(c for c in seance.statuts.categories if c.label == libelle)
    for code in codes(liste):
        souscrire(app, seance, code, sorted(categorie.registry)[0])


@given("trois associés dans chaque collège")
@given(etape("trois associés dans chaque collège, sauf les partenaires : {liste}"))
def trois_par_college(app: Application, seance: Seance, liste: str | None = None) -> None:
    for college, prefixe in CHAQUE_COLLEGE.items():
        categorie = categorie_du_college(seance, college)
        lot = [f"{prefixe}0{rang}" for rang in (1, 2, 3)]
        if college == "partenaires" and liste is not None:
            lot = codes(liste)
        for code in lot:
            souscrire(app, seance, code, categorie)


@given(etape("les adhérents, inscrits le {jour:Date} : {liste}"))
def les_adherents(app: Application, seance: Seance, jour: date, liste: str) -> None:
    for code in codes(liste):
        inscrire(app, seance, code, "volunteer", jour)


@given(
    etape(
        "la cotisation de {montant:Montant} appelée le {emission:Date}, à payer au {echeance:Date}"
    )
)
def la_cotisation(
    app: Application, seance: Seance, montant: Decimal, emission: date, echeance: date
) -> None:
    seance.cotisation = montant
    bareme = (
        "id: cotisation-2027\nlabel: Cotisation 2027\n"
        "adopted: {date: 2026-11-14, decision: AG du 14 novembre 2026}\n"
        f'fiscal_year: 2027\nfacts_year: N-1\nfee:\n  amount: "{montant}"\n'
    )
    (fees.rules_folder() / "cotisation-2027.yaml").write_text(bareme, encoding="utf-8")
    resultat = calls.issue_calls(
        app.uows, TRESORIERE, "cotisation-2027", issued_on=emission, due_on=echeance
    )
    assert resultat.created and resultat.excluded == ()


@given(etape("{liste} l'ont payée le {jour:Date}"))
def l_ont_payee(app: Application, seance: Seance, liste: str, jour: date) -> None:
    centimes = int(seance.cotisation * 100)
    for code in codes(liste):
        payments.record_payment(
            app.uows, TRESORIERE, code, centimes, jour, parse_method("virement")
        )


# --- Convoquer, inscrire les résolutions ------------------------------------------------------

_CONVOQUE = "l'assemblée générale {genre} du {jour:Date}"


def convoquer(app: Application, seance: Seance, genre: str, jour: date, rang: int = 1) -> None:
    vue = assemblies.create_assembly(
        app.uows, CONSEIL, title=f"Assemblée générale {genre} du {jour:%d/%m/%Y}",
        held_on=jour, kind=TYPES[genre], convocation=rang,
        previous_code=seance.code if rang > 1 else None,
    )  # fmt: skip
    assert vue.summary.status is AssemblyStatus.OPEN
    seance.assemblees.append(vue.summary.code)
    seance.presences.clear()
    seance.porteurs.clear()


@given(etape("le conseil a convoqué " + _CONVOQUE))
@when(etape("le conseil a convoqué " + _CONVOQUE))
@when(etape("le conseil convoque " + _CONVOQUE))
def le_conseil_convoque(app: Application, seance: Seance, genre: str, jour: date) -> None:
    convoquer(app, seance, genre, jour)


@when(etape("le conseil convoque " + _CONVOQUE + " en deuxième convocation"))
def deuxieme_convocation(app: Application, seance: Seance, genre: str, jour: date) -> None:
    convoquer(app, seance, genre, jour, rang=2)


_INSCRIT = r"le conseil a inscrit la résolution (?P<numero>\d+) « (?P<titre>[^»]+) »(?P<suite>.*)"


@given(parsers.re(_INSCRIT))
@when(parsers.re(_INSCRIT))
def inscrire_la_resolution(
    app: Application, seance: Seance, numero: str, titre: str, suite: str
) -> None:
    """La suite dit comment on vote (« , à bulletin secret », « , à main levée ») et qui la
    propose (« , proposée par ADH02 ») ; sans suite : le conseil, vote nominatif."""
    methode = Method.OPEN
    if "à bulletin secret" in suite:
        methode = Method.SECRET
    if "à main levée" in suite:
        methode = Method.SHOW_OF_HANDS
    auteur = re.search(r"proposée par (\w+)", suite)
    vue = assemblies.add_resolution(
        app.uows, CONSEIL, seance.code, title=titre, method=methode,
        proposer=Proposer.ASSOCIATES if auteur else Proposer.BOARD,
        proposed_by=auteur[1] if auteur else None,
    )  # fmt: skip
    assert vue.number == int(numero)
    assert vue.method is methode


# --- Liste d'émargement -----------------------------------------------------------------------


def emarger(
    app: Application, seance: Seance, code: str, mode: Attendance, porteur: str | None = None
) -> None:
    assemblies.record_attendance(app.uows, SCRUTATEUR, seance.code, code, mode, holder=porteur)
    seance.presences[code] = mode
    if porteur is not None:
        seance.porteurs[code] = porteur


def tous_les_associes(app: Application, seance: Seance) -> list[str]:
    return [ligne.member_code for ligne in assemblies.roll_view(app.uows, SCRUTATEUR, seance.code)]


_TOUS = r"tous les associés sont présents(?:, sauf (?P<absent>\w+))?"


@given(parsers.re(_TOUS))
@when(parsers.re(_TOUS))
def tous_presents(app: Application, seance: Seance, absent: str | None = None) -> None:
    for code in tous_les_associes(app, seance):
        if code != absent:
            emarger(app, seance, code, Attendance.PRESENT)


@given(etape("tous les associés sont présents, sauf {mandant} qui a donné pouvoir à {porteur}"))
def tous_presents_sauf_un_pouvoir(
    app: Application, seance: Seance, mandant: str, porteur: str
) -> None:
    tous_presents(app, seance, absent=mandant)
    emarger(app, seance, mandant, Attendance.REPRESENTED, porteur)


@given(etape("les présents : {liste}"))
@when(etape("les présents : {liste}"))
def les_presents(app: Application, seance: Seance, liste: str) -> None:
    for code in codes(liste):
        emarger(app, seance, code, Attendance.PRESENT)


@given(etape("les pouvoirs en blanc : {liste}"))
def les_pouvoirs_en_blanc(app: Application, seance: Seance, liste: str) -> None:
    for code in codes(liste):
        emarger(app, seance, code, Attendance.BLANK_PROXY)


@when(etape("{mandant} donne pouvoir à {porteur}"))
def donne_pouvoir(app: Application, seance: Seance, mandant: str, porteur: str) -> None:
    seance.essayer(lambda: emarger(app, seance, mandant, Attendance.REPRESENTED, porteur))


# --- Bulletins et comptes ---------------------------------------------------------------------


def voter(app: Application, seance: Seance, numero: int, votant: str, choix: Choice) -> None:
    """Le bulletin de ``votant`` : par lui-même s'il est là, par son porteur s'il est représenté,
    saisi par le scrutateur s'il a voté par correspondance."""
    mode = seance.presences.get(votant)
    qui = SCRUTATEUR if mode is Attendance.POSTAL else associe(seance.porteurs.get(votant, votant))
    assemblies.cast_ballot(app.uows, qui, seance.code, numero, votant, choix)


@given(etape("les bulletins de la résolution {numero:d} sont :"))
@when(etape("les bulletins de la résolution {numero:d} sont :"))
def les_bulletins(
    app: Application, seance: Seance, numero: int, datatable: list[list[str]]
) -> None:
    for ligne in tableau(datatable):
        for votant in codes(ligne["associés"]):
            voter(app, seance, numero, votant, CHOIX[ligne["choix"]])


@when(etape("{votant} vote « {choix} » à la résolution {numero:d}"))
def vote(app: Application, seance: Seance, votant: str, choix: str, numero: int) -> None:
    seance.essayer(
        lambda: assemblies.cast_ballot(
            app.uows, associe(votant), seance.code, numero, votant, CHOIX[choix]
        )
    )


@when(etape("{porteur} vote « {choix} » à la résolution {numero:d} pour {mandant}"))
def vote_pour_un_mandant(
    app: Application, seance: Seance, porteur: str, choix: str, numero: int, mandant: str
) -> None:
    seance.essayer(
        lambda: assemblies.cast_ballot(
            app.uows, associe(porteur), seance.code, numero, mandant, CHOIX[choix]
        )
    )


@when(etape("les scrutateurs comptent à la résolution {numero:d}, {libelle} : {voix}"))
def compter(app: Application, seance: Seance, numero: int, libelle: str, voix: str) -> None:
    comptes = decompte(voix)
    par_choix = {choix: comptes.get(choix) for choix in Choice}
    seance.essayer(
        lambda: assemblies.enter_counts(
            app.uows, SCRUTATEUR, seance.code, numero, seance.college(libelle), par_choix
        )
    )


# --- Clore et signer --------------------------------------------------------------------------


@when(etape("le président clôt le vote sur la résolution {numero:d}"))
def clore_le_vote(app: Application, seance: Seance, numero: int) -> None:
    seance.essayer(lambda: assemblies.close_vote(app.uows, SCRUTATEUR, seance.code, numero))


@when("le scrutateur clôt l'assemblée")
def clore(app: Application, seance: Seance) -> None:
    seance.essayer(lambda: assemblies.close_assembly(app.uows, SCRUTATEUR, seance.code))


@when(etape("{nom} signe le procès-verbal comme {role}"))
def signer(app: Application, seance: Seance, nom: str, role: str) -> None:
    seance.essayer(
        lambda: assemblies.sign_minutes(app.uows, SCRUTATEUR, seance.code, ROLES[role], nom)
    )


# --- Vérifications ----------------------------------------------------------------------------


@then(parsers.re(r"(?:la saisie|l'opération) est refusée avec le motif :"))
def refus_avec_le_motif(seance: Seance, docstring: str) -> None:
    """Le message exact, tel qu'une personne le lit (espaces insécables de Babel comprises)."""
    message = seance.tentative.refus().message
    assert message == insecables(docstring.strip())


@then("le refus est un conflit")
def refus_conflit(seance: Seance) -> None:
    """Un doublon ou une assemblée close : la requête est juste, l'état l'interdit (409)."""
    assert isinstance(seance.tentative.refus(), Conflict)


@then(
    etape("le quorum {etat} atteint : {presents:d} associés sur {inscrits:d}, il en faut {requis}")
)
def le_quorum(
    app: Application, seance: Seance, etat: str, presents: int, inscrits: int, requis: str
) -> None:
    assert etat in ("est", "n'est pas")
    quorum = quorum_de_l_assemblee(app, seance)
    assert (quorum.attending, quorum.entitled) == (presents, inscrits)
    assert quorum.required == part(requis)
    assert quorum.reached is (etat == "est")
    assert tally(app, seance).tally.quorums[0] == quorum


@then("l'explication du quorum est :")
def explication_du_quorum(app: Application, seance: Seance, docstring: str) -> None:
    assert quorum_de_l_assemblee(app, seance).explanation == insecables(docstring.strip())


@then(etape("la résolution {numero:d} est {issue}"))
def la_resolution_est(app: Application, seance: Seance, numero: int, issue: str) -> None:
    assert resolution(app, seance, numero).outcome is ISSUES[issue]


@then(etape("le résultat pondéré de la résolution {numero:d} est de {valeur}"))
def le_resultat_pondere(app: Application, seance: Seance, numero: int, valeur: str) -> None:
    assert resolution(app, seance, numero).weighted == part(valeur)


@then(etape("le décompte par tête de la résolution {numero:d} est de {voix}"))
def le_decompte_par_tete(app: Application, seance: Seance, numero: int, voix: str) -> None:
    assert resolution(app, seance, numero).headcount == decompte(voix)


@then(etape("les collèges de la résolution {numero:d} sont :"))
def les_colleges(app: Application, seance: Seance, numero: int, datatable: list[list[str]]) -> None:
    obtenu = [
        {
            "collège": c.code,
            "pour": c.counts.for_,
            "contre": c.counts.against,
            "base": c.base,
            "résultat": c.result,
            "poids retenu": c.effective_weight,
        }
        for c in resolution(app, seance, numero).colleges
    ]
    attendu = [
        {
            "collège": ligne["collège"],
            "pour": int(ligne["pour"]),
            "contre": int(ligne["contre"]),
            "base": int(ligne["base"]),
            "résultat": None if ligne["résultat"] == "—" else part(ligne["résultat"]),
            "poids retenu": part(ligne["poids retenu"]),
        }
        for ligne in tableau(datatable)
    ]
    assert obtenu == attendu


@then(etape("l'explication de la résolution {numero:d} contient :"))
def l_explication_contient(app: Application, seance: Seance, numero: int, docstring: str) -> None:
    lignes = resolution(app, seance, numero).explanation
    for attendue in docstring.strip().splitlines():
        assert insecables(attendue.strip()) in lignes, "\n".join(lignes)


@then(etape("une ligne de l'explication de la résolution {numero:d} contient :"))
def une_ligne_contient(app: Application, seance: Seance, numero: int, docstring: str) -> None:
    """Chaque ligne attendue est le début ou un morceau d'une ligne de l'explication (la
    référence complète d'un article peut se compléter sans changer la règle)."""
    lignes = resolution(app, seance, numero).explanation
    for attendue in docstring.strip().splitlines():
        assert any(insecables(attendue.strip()) in ligne for ligne in lignes), "\n".join(lignes)


@then("la convocation avertit que les statuts ne sont pas conformes à la loi :")
def la_convocation_avertit(app: Application, seance: Seance, docstring: str) -> None:
    """L'avertissement figé à la convocation (la commande et l'API le disent aussitôt)."""
    constats = assemblies.assembly_view(app.uows, CONSEIL, seance.code).rules.unlawful
    for attendu in docstring.strip().splitlines():
        assert any(insecables(attendu.strip()) in c for c in constats), "\n".join(constats)


@then("le procès-verbal constate :")
def le_proces_verbal_constate(app: Application, seance: Seance, docstring: str) -> None:
    """Les règles du procès-verbal, espacées à la française (insécables avant « : ; »)."""
    regles = minutes.content(app.uows, SCRUTATEUR, seance.code).rules
    for attendu in docstring.strip().splitlines():
        assert any(typo(insecables(attendu.strip())) in r for r in regles), "\n".join(regles)


@then(etape("la règle de la résolution {numero:d} dit « {texte} »"))
def la_regle(app: Application, seance: Seance, numero: int, texte: str) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    regle = next(r.rule for r in vue.resolutions if r.number == numero)
    assert insecables(texte) in regle, regle


@then(etape("la résolution {numero:d} a reçu {nombre:d} bulletins"))
def bulletins_recus(app: Application, seance: Seance, numero: int, nombre: int) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    assert next(r.ballots for r in vue.resolutions if r.number == numero) == nombre


@then(
    etape(
        "le registre des votes dit que {votant} a voté à la résolution {numero:d}, sans son choix"
    )
)
def vote_secret_enregistre(app: Application, votant: str, numero: int) -> None:
    """Ce que la base garde d'un vote secret : qu'il a voté, jamais son choix."""
    engine = app.uows.engine  # type: ignore[attr-defined]
    with engine.connect() as connexion:
        choix = connexion.execute(
            select(assembly_votes.c.choice).where(assembly_votes.c.voter_code == votant)
        ).all()
    assert [ligne.choice for ligne in choix] == [None]


@then(etape("les comptes de la résolution {numero:d} sont saisis pour les collèges {liste}"))
def comptes_saisis(app: Application, seance: Seance, numero: int, liste: str) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    saisis = next(r.counted_colleges for r in vue.resolutions if r.number == numero)
    assert sorted(saisis) == sorted(codes(liste))


@then(etape("chaque associé peut détenir {limite:d} pouvoir : « {regle} »"))
@then(etape("chaque associé peut détenir {limite:d} pouvoirs : « {regle} »"))
def la_limite_de_pouvoirs(app: Application, seance: Seance, limite: int, regle: str) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    assert vue.proxy_limit == limite
    assert insecables(regle) in vue.proxy_rule, vue.proxy_rule


@then("la liste d'émargement dit :")
def la_liste_d_emargement(app: Application, seance: Seance, datatable: list[list[str]]) -> None:
    lignes = {
        ligne.member_code: ligne
        for ligne in assemblies.roll_view(app.uows, SCRUTATEUR, seance.code)
    }
    for attendu in tableau(datatable):
        ligne = lignes[attendu["associé"]]
        assert {
            "associé": ligne.member_code,
            "présence": ligne.attendance.label if ligne.attendance else "",
            "pouvoir à": ligne.holder_code or "",
            "pouvoirs détenus": ", ".join(ligne.proxies_held),
        } == attendu


@then(
    etape(
        "la liste d'émargement compte {inscrits:d} adhérents, dont {votants:d} ayant droit de vote"
    )
)
def la_liste_compte(app: Application, seance: Seance, inscrits: int, votants: int) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    assert (vue.entitled + vue.not_entitled, vue.entitled) == (inscrits, votants)
    lignes = assemblies.roll_view(app.uows, SCRUTATEUR, seance.code)
    assert (len(lignes), sum(ligne.entitled for ligne in lignes)) == (inscrits, votants)


@then(etape("{code} figure sur la liste sans droit de vote : « {motif} »"))
def sans_droit_de_vote(app: Application, seance: Seance, code: str, motif: str) -> None:
    lignes = assemblies.roll_view(app.uows, SCRUTATEUR, seance.code)
    ligne = next(ligne for ligne in lignes if ligne.member_code == code)
    assert (ligne.entitled, ligne.reason) == (False, insecables(motif))


@then(etape("{code} figure sur la liste avec droit de vote"))
def avec_droit_de_vote(app: Application, seance: Seance, code: str) -> None:
    lignes = assemblies.roll_view(app.uows, SCRUTATEUR, seance.code)
    ligne = next(ligne for ligne in lignes if ligne.member_code == code)
    assert (ligne.entitled, ligne.reason) == (True, "")


@then("l'assemblée fait suite à la première convocation")
def fait_suite(app: Application, seance: Seance) -> None:
    vue = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code)
    assert (vue.summary.convocation, vue.previous_code) == (2, seance.assemblees[-2])


@then(etape("l'assemblée est close et la résolution {numero:d} est {issue}"))
def close_et_resolution(app: Application, seance: Seance, numero: int, issue: str) -> None:
    vue = tally(app, seance)
    assert vue.summary.status is AssemblyStatus.CLOSED and vue.final
    assert assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code).closed_by == "sylvie"
    la_resolution_est(app, seance, numero, issue)


@then("le procès-verbal n'est pas signé")
def pas_signe(app: Application, seance: Seance) -> None:
    assert assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code).signatures == ()


@then("le procès-verbal est signé par :")
def signe_par(app: Application, seance: Seance, datatable: list[list[str]]) -> None:
    signatures = assemblies.assembly_view(app.uows, SCRUTATEUR, seance.code).signatures
    obtenu = [{"rôle": s.role.label, "nom": s.name} for s in signatures]
    assert obtenu == tableau(datatable)
    assert all(s.signed_by == "sylvie" for s in signatures)
