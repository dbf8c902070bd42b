"""Étapes des appels de cotisation, des paiements, des relances et des exports du trésorier.

Lie ``features/appels_de_cotisation.feature``, ``features/paiements.feature`` et
``features/relances_et_exports.feature``. Chaque scénario passe par les services
(``calls``, ``payments``, ``treasury``, ``mandates``) et une vraie base : ``pytestmark`` fait
dépendre chaque scénario de la fixture ``app``, paramétrée sur SQLite et, quand
``GOUVERNANCE_TEST_DATABASE_URL`` est définie, sur PostgreSQL.

* Le barème est un fichier YAML écrit dans un dossier temporaire que ``GOUVERNANCE_RULES_DIR``
  désigne (``services.fees.rules_folder``) : le réécrire après l'émission, c'est bien modifier le
  fichier que le service relit.
* « nous sommes le 15/04/2027 » règle ``GOUVERNANCE_TODAY`` (``services.clock``) : un scénario
  rejoue une année de trésorerie, jour après jour.
* L'échelle des relances est celle du dépôt (``rules/calls/relances.yaml``) : la variable
  ``GOUVERNANCE_CALLS_RULES_DIR`` est retirée pour chaque scénario.
* La trésorière est « claire » (rôle trésorier) ; seule l'organisation est enregistrée par
  l'administrateur, comme dans l'application.

Les montants attendus sont lus par ``parse_amount`` et comparés en centimes ; les textes attendus
(explications, messages) sont écrits avec des espaces ordinaires et remis par
``avec_espaces_insecables`` tels que Babel les écrit, puis comparés exactement.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from etapes_fr import Tentative, avec_espaces_insecables, etape, lire_date, tableau
from pytest_bdd import given, parsers, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.accounting import FEC_COLUMNS
from gouvernance.domain.calls.model import CallStatus, parse_method
from gouvernance.domain.facts import FactKind, parse_fact_kind
from gouvernance.domain.members import MemberDraft, PersonKind, default_categories
from gouvernance.domain.money import parse_amount, parse_number
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.siren import siren_problem
from gouvernance.domain.users import Actor, Role
from gouvernance.services import clock
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, mandates, payments, reminder_rules, treasury
from gouvernance.services.ledger.ledger_views import (
    AllocationView,
    CallView,
    Document,
    DueReminderView,
    IssueResult,
    PaymentView,
    SentReminders,
)
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members

pytestmark = pytest.mark.usefixtures("app")

scenarios("appels_de_cotisation.feature", "paiements.feature", "relances_et_exports.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)


# --- État d'un scénario -----------------------------------------------------------------------


@dataclass
class Tresorerie:
    """Le dossier des barèmes du scénario, et ce que les étapes « Quand » ont obtenu."""

    dossier: Path
    saisies: list[PaymentView] = field(default_factory=list)
    imputations: list[AllocationView] = field(default_factory=list)
    envoi: SentReminders | None = None
    document: Document | None = None
    sirens: int = 0

    def fichier(self) -> Document:
        assert self.document is not None, "aucun fichier n'a été produit dans ce scénario"
        return self.document


@pytest.fixture
def tresorerie(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Tresorerie:
    dossier = tmp_path / "baremes"
    dossier.mkdir()
    monkeypatch.setenv(fees.RULES_VARIABLE, str(dossier))
    monkeypatch.delenv(reminder_rules.RULES_VARIABLE, raising=False)
    monkeypatch.delenv(clock.VARIABLE, raising=False)
    return Tresorerie(dossier=dossier)


def centimes(montant: Decimal) -> int:
    """Un montant lu dans la fonctionnalité (« 1 234,50 € ») → des centimes, sans arrondi."""
    valeur = montant * 100
    assert valeur == valeur.to_integral_value(), f"{montant} n'est pas un montant au centime"
    return int(valeur)


def montant_ecrit(texte: str) -> int:
    return centimes(parse_amount(texte))


def siren_valide(rang: int) -> str:
    """Un SIREN valide (clé de Luhn) et propre à chaque membre du scénario."""
    debut = f"{71_000_000 + rang:08d}"
    total = 0
    for position, chiffre in enumerate(reversed(debut)):
        valeur = int(chiffre) * (2 if position % 2 == 0 else 1)
        total += valeur - 9 if valeur > 9 else valeur
    siren = debut + str((10 - total % 10) % 10)
    assert siren_problem(siren) is None, siren
    return siren


def code_categorie(texte: str) -> str:
    """« producteurs » → ``producer`` ; un libellé inconnu est transmis tel quel au registre."""
    for categorie in default_categories():
        if texte in (categorie.label, categorie.code):
            return categorie.code
    return texte


_COLONNES_FIXES = {"code", "nom", "catégorie", "adhésion"}
_DONNEE_DATEE = re.compile(r"^(?P<donnee>.+) (?P<annee>\d{4})$")


def appel(app: Application, reference: str, on: date | None = None) -> CallView:
    return calls.call_detail(app.uows, TRESORIERE, reference, on).call


# --- Le registre, le barème, le jour ----------------------------------------------------------


@given(
    etape("l'organisation « {nom} », {forme}, SIREN « {siren} », à {ville}"),
)
def l_organisation(
    app: Application, admin: Actor, nom: str, forme: str, siren: str, ville: str
) -> None:
    organisation = Organisation(name=nom, legal_form=forme, siren=siren, city=ville)
    setup.set_organisation(app.uows, admin, organisation)


@given("un registre avec les membres :")
@given("le membre suivant est aussi inscrit :")
def un_registre(app: Application, tresorerie: Tresorerie, datatable: list[list[str]]) -> None:
    for ligne in tableau(datatable):
        tresorerie.sirens += 1
        brouillon = MemberDraft(
            kind=PersonKind.LEGAL,
            category=code_categorie(ligne["catégorie"]),
            joined_on=lire_date(ligne["adhésion"]),
            name=ligne["nom"],
            siren=siren_valide(tresorerie.sirens),
            code=ligne["code"],
        )
        vue = members.create_member(app.uows, TRESORIERE, brouillon)
        assert vue.code == ligne["code"]
        for colonne, texte in ligne.items():
            if colonne in _COLONNES_FIXES or not texte.strip():
                continue
            trouve = _DONNEE_DATEE.match(colonne)
            assert trouve, f"colonne inconnue « {colonne} » (attendu : une donnée et son année)"
            genre = parse_fact_kind(trouve["donnee"])
            valeur = parse_amount(texte) if genre.is_money else parse_number(texte)
            members.record_facts(
                app.uows, TRESORIERE, vue.code, int(trouve["annee"]), {genre: valeur}
            )


@given(etape("le fichier de barème « {fichier} » :"))
@when(etape("le fichier de barème « {fichier} » est réécrit ainsi :"))
def le_fichier_de_bareme(tresorerie: Tresorerie, fichier: str, docstring: str) -> None:
    (tresorerie.dossier / fichier).write_text(docstring + "\n", encoding="utf-8")


@given(etape("nous sommes le {jour:Date}"))
@when(etape("nous sommes le {jour:Date}"))
def nous_sommes_le(tresorerie: Tresorerie, monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())
    assert clock.today() == jour


@when(etape("le chiffre d'affaires {annee:d} de {code} est enregistré : {montant:Montant}"))
def enregistrer_le_chiffre_d_affaires(
    app: Application, annee: int, code: str, montant: Decimal
) -> None:
    members.record_facts(app.uows, TRESORIERE, code, annee, {FactKind.REVENUE: montant})


# --- Émettre les appels -----------------------------------------------------------------------

_DATES = "{emission:Date}, à payer au {echeance:Date}"
_EMETTRE = "les appels du barème « {bareme} » ont été émis le " + _DATES
_DEMANDE = "j'émets les appels du barème « {bareme} », datés du " + _DATES


@given(etape(_EMETTRE))
def des_appels_emis(
    app: Application, tresorerie: Tresorerie, bareme: str, emission: date, echeance: date
) -> None:
    resultat = calls.issue_calls(app.uows, TRESORIERE, bareme, issued_on=emission, due_on=echeance)
    assert resultat.created and resultat.excluded == ()


@when(etape(_DEMANDE))
def emettre(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    bareme: str,
    emission: date,
    echeance: date,
) -> None:
    tentative.essayer(
        lambda: calls.issue_calls(app.uows, TRESORIERE, bareme, issued_on=emission, due_on=echeance)
    )


@when(etape(_DEMANDE + ", sans les membres incomplets"))
def emettre_sans_les_incomplets(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    bareme: str,
    emission: date,
    echeance: date,
) -> None:
    tentative.essayer(
        lambda: calls.issue_calls(
            app.uows,
            TRESORIERE,
            bareme,
            issued_on=emission,
            due_on=echeance,
            exclude_incomplete=True,
        )
    )


def emission(tentative: Tentative) -> IssueResult:
    resultat = tentative.reussite()
    assert isinstance(resultat, IssueResult), f"pas une émission : {resultat!r}"
    return resultat


@then(
    etape(
        "le lot {lot} est créé : {nombre:d} appel, {total:Montant} en tout, "
        "à payer au {echeance:Date}"
    )
)
@then(
    etape(
        "le lot {lot} est créé : {nombre:d} appels, {total:Montant} en tout, "
        "à payer au {echeance:Date}"
    )
)
def le_lot_est_cree(
    tentative: Tentative, lot: str, nombre: int, total: Decimal, echeance: date
) -> None:
    resultat = emission(tentative)
    assert resultat.created, f"aucun lot créé : la réponse redonne {resultat.batch.reference}"
    lu = resultat.batch
    assert (lu.reference, lu.call_count, lu.total_cents, lu.due_on) == (
        lot,
        nombre,
        centimes(total),
        echeance,
    )


@then(etape("le lot {lot} a été émis par « {qui} » selon la décision « {decision} »"))
def le_lot_a_ete_emis_par(app: Application, lot: str, qui: str, decision: str) -> None:
    lu = calls.get_batch(app.uows, TRESORIERE, lot)
    assert (lu.issued_by, lu.decision) == (qui, decision)


@then(etape("le lot {lot} compte toujours {nombre:d} appels, {total:Montant} en tout"))
def le_lot_compte_toujours(app: Application, lot: str, nombre: int, total: Decimal) -> None:
    lu = calls.get_batch(app.uows, TRESORIERE, lot)
    assert (lu.call_count, lu.total_cents) == (nombre, centimes(total))
    du_lot = calls.list_calls(app.uows, TRESORIERE, calls.CallQuery(batch_reference=lot))
    assert du_lot.total == nombre
    assert sum(vue.cents for vue in du_lot.items) == centimes(total)


@then(etape("les appels du lot {lot} sont :"))
def les_appels_du_lot(app: Application, lot: str, datatable: list[list[str]]) -> None:
    page = calls.list_calls(app.uows, TRESORIERE, calls.CallQuery(batch_reference=lot))
    assert page.total == len(page.items)
    lus = [(v.reference, v.member_code, v.cents, v.status.label) for v in page.items]
    attendus = [
        (ligne["référence"], ligne["membre"], montant_ecrit(ligne["montant"]), ligne["statut"])
        for ligne in tableau(datatable)
    ]
    assert lus == attendus


@then(etape("l'explication de l'appel {reference} dit :"))
def l_explication_dit(app: Application, reference: str, docstring: str) -> None:
    detail = calls.call_detail(app.uows, TRESORIERE, reference)
    assert "\n".join(detail.explanation) == avec_espaces_insecables(docstring.strip())


@then(etape("l'appel {reference} demande toujours {montant:Montant}"))
def l_appel_demande_toujours(app: Application, reference: str, montant: Decimal) -> None:
    assert appel(app, reference).cents == centimes(montant)


@then(etape("aucun nouveau lot n'est créé : la réponse redonne le lot {lot}"))
def aucun_nouveau_lot(tentative: Tentative, lot: str) -> None:
    resultat = emission(tentative)
    assert (resultat.created, resultat.batch.reference) == (False, lot)


@then(
    parsers.re(
        r"l'exercice (?P<annee>\d{4}) compte (?P<lots>\d+) lots? et (?P<nombre>\d+) appels?"
    ),
    converters={"annee": int, "lots": int, "nombre": int},
)
def l_exercice_compte(app: Application, annee: int, lots: int, nombre: int) -> None:
    assert len(calls.list_batches(app.uows, TRESORIERE, annee)) == lots
    page = calls.list_calls(app.uows, TRESORIERE, calls.CallQuery(fiscal_year=annee))
    assert page.total == nombre


@then(
    parsers.re(
        r"(?:l'émission|le paiement|l'avoir|l'envoi|l'export) est refusée? avec le message :"
    )
)
def est_refuse(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message == avec_espaces_insecables(docstring.strip())


@then("le refus nomme :")
def le_refus_nomme(tentative: Tentative, docstring: str) -> None:
    problemes = [probleme.message for probleme in tentative.refus().problems]
    assert problemes == avec_espaces_insecables(docstring.strip()).splitlines()


@then("l'émission a laissé de côté :")
def l_emission_a_laisse_de_cote(tentative: Tentative, docstring: str) -> None:
    exclus = [probleme.message for probleme in emission(tentative).excluded]
    assert exclus == avec_espaces_insecables(docstring.strip()).splitlines()


# --- Paiements --------------------------------------------------------------------------------

_PAIE = "{code} paie {montant:Montant} par {moyen} le {jour:Date}"


def payer(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    moyen: str,
    jour: date,
    *,
    banque: str = "",
    cle: str | None = None,
    imputations: list[tuple[str, int | None]] | None = None,
) -> None:
    vue = tentative.essayer(
        lambda: payments.record_payment(
            app.uows,
            TRESORIERE,
            code,
            centimes(montant),
            jour,
            parse_method(moyen),
            bank_reference=banque,
            allocations=imputations,
            idempotency_key=cle,
        )
    )
    if vue is not None:
        tresorerie.saisies.append(vue)


@given(etape("{code} a payé {montant:Montant} par {moyen} le {jour:Date}"))
def un_paiement_recu(app: Application, code: str, montant: Decimal, moyen: str, jour: date) -> None:
    payments.record_payment(
        app.uows, TRESORIERE, code, centimes(montant), jour, parse_method(moyen)
    )


@when(etape(_PAIE))
def paie(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    moyen: str,
    jour: date,
) -> None:
    payer(app, tresorerie, tentative, code, montant, moyen, jour)


@when(etape(_PAIE + ", avec la clé « {cle} »"))
def paie_avec_une_cle(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    moyen: str,
    jour: date,
    cle: str,
) -> None:
    payer(app, tresorerie, tentative, code, montant, moyen, jour, cle=cle)


@when(etape(_PAIE + ", référence bancaire « {banque} »"))
def paie_avec_une_reference_bancaire(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    moyen: str,
    jour: date,
    banque: str,
) -> None:
    payer(app, tresorerie, tentative, code, montant, moyen, jour, banque=banque)


@when(etape(_PAIE + ", imputé ainsi :"))
def paie_impute_ainsi(
    app: Application,
    tresorerie: Tresorerie,
    tentative: Tentative,
    code: str,
    montant: Decimal,
    moyen: str,
    jour: date,
    datatable: list[list[str]],
) -> None:
    voulu: list[tuple[str, int | None]] = [
        (ligne["appel"], montant_ecrit(ligne["montant"])) for ligne in tableau(datatable)
    ]
    payer(app, tresorerie, tentative, code, montant, moyen, jour, imputations=voulu)


@when(etape("j'impute le crédit de {code}"))
def imputer_le_credit(
    app: Application, tresorerie: Tresorerie, tentative: Tentative, code: str
) -> None:
    faites = tentative.essayer(lambda: payments.apply_credit(app.uows, TRESORIERE, code))
    tresorerie.imputations = list(faites or [])


@then(etape("le paiement {reference} est imputé ainsi :"))
def le_paiement_est_impute(app: Application, reference: str, datatable: list[list[str]]) -> None:
    trouves = [p for p in payments.list_payments(app.uows, TRESORIERE) if p.reference == reference]
    assert len(trouves) == 1, f"aucun paiement {reference}"
    lues = [(a.call_reference, a.cents) for a in trouves[0].allocations]
    attendues = [(ligne["appel"], montant_ecrit(ligne["montant"])) for ligne in tableau(datatable)]
    assert lues == attendues


@then("le crédit est imputé ainsi :")
def le_credit_est_impute(
    tresorerie: Tresorerie, tentative: Tentative, datatable: list[list[str]]
) -> None:
    tentative.reussite()
    lues = [(a.payment_reference, a.call_reference, a.cents) for a in tresorerie.imputations]
    attendues = [
        (ligne["paiement"], ligne["appel"], montant_ecrit(ligne["montant"]))
        for ligne in tableau(datatable)
    ]
    assert lues == attendues


@then(etape("l'appel {reference} est « {statut} », reste dû {montant:Montant}"))
def l_appel_est(app: Application, reference: str, statut: str, montant: Decimal) -> None:
    vue = appel(app, reference)
    assert (vue.status.label, vue.outstanding) == (statut, centimes(montant))


@then(etape("au {jour:Date}, l'appel {reference} était « {statut} », reste dû {montant:Montant}"))
def l_appel_etait(
    app: Application, jour: date, reference: str, statut: str, montant: Decimal
) -> None:
    vue = appel(app, reference, jour)
    assert (vue.on, vue.status.label, vue.outstanding) == (jour, statut, centimes(montant))


@then(etape("l'appel {reference} a {jours:d} jours de retard"))
def jours_de_retard(app: Application, reference: str, jours: int) -> None:
    vue = appel(app, reference)
    assert (vue.status, vue.days_late) == (CallStatus.OVERDUE, jours)


@then(etape("le solde de {code} au {jour:Date} est de {montant:Montant}"))
def le_solde_est_de(app: Application, code: str, jour: date, montant: Decimal) -> None:
    solde = payments.member_balance(app.uows, TRESORIERE, code, jour)
    assert (solde.on, solde.owed) == (jour, centimes(montant))


@then(etape("le solde de {code} au {jour:Date} est de {montant:Montant} en sa faveur"))
def le_solde_en_sa_faveur(app: Application, code: str, jour: date, montant: Decimal) -> None:
    solde = payments.member_balance(app.uows, TRESORIERE, code, jour)
    assert (solde.on, solde.owed, solde.credit) == (jour, -centimes(montant), centimes(montant))


@then(etape("le crédit de {code} est de {montant:Montant}"))
def le_credit_est_de(app: Application, code: str, montant: Decimal) -> None:
    assert payments.member_balance(app.uows, TRESORIERE, code).credit == centimes(montant)


@then(etape("{code} n'a aucun paiement enregistré"))
def aucun_paiement(app: Application, code: str) -> None:
    assert payments.list_payments(app.uows, TRESORIERE, code) == []


@then(etape("{code} n'a qu'un paiement enregistré : {reference} de {montant:Montant}"))
def un_seul_paiement(app: Application, code: str, reference: str, montant: Decimal) -> None:
    enregistres = payments.list_payments(app.uows, TRESORIERE, code)
    assert [(p.reference, p.cents) for p in enregistres] == [(reference, centimes(montant))]


@then(etape("la seconde saisie redonne le paiement {reference} sans en créer un autre"))
def la_seconde_saisie_redonne(tresorerie: Tresorerie, tentative: Tentative, reference: str) -> None:
    tentative.reussite()
    premiere, seconde = tresorerie.saisies
    assert (premiere.reference, premiere.created) == (reference, True)
    assert (seconde.reference, seconde.created) == (reference, False)


# --- Avoirs -----------------------------------------------------------------------------------


@when(etape("j'annule l'appel {reference} par un avoir, pour le motif « {motif} »"))
def annuler_l_appel(app: Application, tentative: Tentative, reference: str, motif: str) -> None:
    tentative.essayer(lambda: calls.credit_call(app.uows, TRESORIERE, reference, motif))


@when(etape("j'annule l'appel {reference} par un avoir, sans motif"))
def annuler_sans_motif(app: Application, tentative: Tentative, reference: str) -> None:
    tentative.essayer(lambda: calls.credit_call(app.uows, TRESORIERE, reference, ""))


@when(
    etape(
        "j'émets un avoir de {montant:Montant} sur l'appel {reference}, pour le motif « {motif} »"
    )
)
def un_avoir_partiel(
    app: Application, tentative: Tentative, montant: Decimal, reference: str, motif: str
) -> None:
    tentative.essayer(
        lambda: calls.credit_call(app.uows, TRESORIERE, reference, motif, cents=centimes(montant))
    )


@then(
    etape(
        "l'appel {reference} porte l'avoir {avoir} de {montant:Montant}, émis le {jour:Date} "
        "par « {qui} » pour le motif « {motif} »"
    )
)
def l_appel_porte_l_avoir(
    app: Application,
    tentative: Tentative,
    reference: str,
    avoir: str,
    montant: Decimal,
    jour: date,
    qui: str,
    motif: str,
) -> None:
    tentative.reussite()
    notes = calls.call_detail(app.uows, TRESORIERE, reference).credit_notes
    lues = [(n.reference, n.cents, n.issued_on, n.issued_by, n.reason) for n in notes]
    assert lues == [(avoir, centimes(montant), jour, qui, motif)]


# --- Relances ---------------------------------------------------------------------------------


def relances_dues(app: Application) -> list[DueReminderView]:
    return treasury.reminders_due(app.uows, TRESORIERE)


@given("les relances du jour ont été envoyées")
def relances_envoyees(app: Application) -> None:
    envoi = treasury.send_reminders(app.uows, TRESORIERE)
    assert envoi.reminders, "aucune relance n'était due ce jour-là"


@when("j'envoie les relances")
def envoyer_les_relances(app: Application, tresorerie: Tresorerie, tentative: Tentative) -> None:
    tresorerie.envoi = tentative.essayer(lambda: treasury.send_reminders(app.uows, TRESORIERE))


@then("aucune relance n'est à envoyer")
def aucune_relance_due(app: Application) -> None:
    assert relances_dues(app) == []


@then("les relances à envoyer sont :")
def les_relances_a_envoyer(app: Application, datatable: list[list[str]]) -> None:
    lues = [
        (r.call.reference, r.call.member_code, r.level, r.label, r.call.outstanding)
        for r in relances_dues(app)
    ]
    attendues = [
        (
            ligne["appel"],
            ligne["membre"],
            int(ligne["niveau"]),
            ligne["relance"],
            montant_ecrit(ligne["reste dû"]),
        )
        for ligne in tableau(datatable)
    ]
    assert lues == attendues


@then(etape("l'appel {reference}, payé, n'est pas relancé"))
def un_appel_paye_n_est_pas_relance(app: Application, reference: str) -> None:
    assert appel(app, reference).status is CallStatus.PAID
    assert reference not in [r.call.reference for r in relances_dues(app)]


@then(etape("{nombre:d} relances sont envoyées, leurs lettres réunies dans un seul PDF"))
def des_relances_envoyees(tresorerie: Tresorerie, tentative: Tentative, nombre: int) -> None:
    tentative.reussite()
    envoi = tresorerie.envoi
    assert envoi is not None and len(envoi.reminders) == nombre
    assert envoi.letters is not None
    assert envoi.letters.media_type == "application/pdf"
    assert envoi.letters.content.startswith(b"%PDF-")


@then("aucune relance n'est envoyée")
def aucune_relance_envoyee(tresorerie: Tresorerie, tentative: Tentative) -> None:
    tentative.reussite()
    assert tresorerie.envoi is not None
    assert (tresorerie.envoi.reminders, tresorerie.envoi.letters) == ((), None)


@then(etape("l'appel {reference} a reçu la relance de niveau {niveau:d} le {jour:Date}"))
def l_appel_a_recu_la_relance(app: Application, reference: str, niveau: int, jour: date) -> None:
    assert calls.call_detail(app.uows, TRESORIERE, reference).reminders == ((niveau, jour),)


@when(etape("j'ouvre la lettre de relance de niveau {niveau:d} de l'appel {reference}"))
def ouvrir_la_lettre(
    app: Application, tresorerie: Tresorerie, tentative: Tentative, niveau: int, reference: str
) -> None:
    tresorerie.document = tentative.essayer(
        lambda: treasury.reminder_letter(app.uows, TRESORIERE, reference, niveau, "html")
    )


def texte_de_la_lettre(document: Document) -> str:
    """Le texte que lit le membre : sans balises, entités décodées, blancs ordinaires réunis
    (les espaces insécables, elles, restent : elles font partie de ce qui est écrit)."""
    sans_balises = re.sub(r"<[^>]+>", " ", document.content.decode("utf-8"))
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(sans_balises))


@then(etape("la lettre dit « {texte} »"))
def la_lettre_dit(tresorerie: Tresorerie, tentative: Tentative, texte: str) -> None:
    tentative.reussite()
    lettre = tresorerie.fichier()
    assert lettre.media_type.startswith("text/html")
    assert avec_espaces_insecables(texte) in texte_de_la_lettre(lettre)


# --- Exports ----------------------------------------------------------------------------------


@when(etape("j'exporte le FEC du {debut:Date} au {fin:Date}"))
def exporter_le_fec(
    app: Application, tresorerie: Tresorerie, tentative: Tentative, debut: date, fin: date
) -> None:
    tresorerie.document = tentative.essayer(
        lambda: treasury.export_fec(app.uows, TRESORIERE, debut, fin)
    )


def lignes_du_fec(tresorerie: Tresorerie) -> list[str]:
    texte = tresorerie.fichier().content.decode("utf-8")
    assert texte.endswith("\r\n"), "chaque ligne du FEC finit par CR LF, la dernière aussi"
    return texte.removesuffix("\r\n").split("\r\n")


def ecritures_du_fec(tresorerie: Tresorerie) -> list[dict[str, str]]:
    entete, *lignes = lignes_du_fec(tresorerie)
    colonnes = entete.split("|")
    return [dict(zip(colonnes, ligne.split("|"), strict=True)) for ligne in lignes]


@then(etape("le fichier s'appelle « {nom} »"))
def le_fichier_s_appelle(tresorerie: Tresorerie, tentative: Tentative, nom: str) -> None:
    tentative.reussite()
    assert tresorerie.fichier().filename == nom


@then("la première ligne du FEC nomme les 18 colonnes, dans l'ordre :")
def l_entete_du_fec(tresorerie: Tresorerie, docstring: str) -> None:
    entete = lignes_du_fec(tresorerie)[0]
    assert entete == docstring.strip()
    assert entete.split("|") == list(FEC_COLUMNS)
    assert len(FEC_COLUMNS) == 18


@then(etape("le FEC compte {nombre:d} lignes d'écritures, de 18 champs chacune"))
def le_fec_compte(tresorerie: Tresorerie, nombre: int) -> None:
    lignes = lignes_du_fec(tresorerie)[1:]
    assert len(lignes) == nombre
    assert all(len(ligne.split("|")) == 18 for ligne in lignes)


def montant_fec(texte: str) -> int:
    """« 1234,50 » (virgule, sans séparateur de milliers) → centimes."""
    assert re.fullmatch(r"\d+,\d{2}", texte), f"montant FEC mal écrit : {texte!r}"
    return int(texte.replace(",", ""))


@then(etape("le total des débits du FEC est de {montant:Montant}, égal au total des crédits"))
def le_fec_est_equilibre(tresorerie: Tresorerie, montant: Decimal) -> None:
    ecritures = ecritures_du_fec(tresorerie)
    debit = sum(montant_fec(e["Debit"]) for e in ecritures)
    credit = sum(montant_fec(e["Credit"]) for e in ecritures)
    assert (debit, credit) == (centimes(montant), centimes(montant))


@then(etape("les lignes de la pièce {piece} sont :"))
def les_lignes_de_la_piece(tresorerie: Tresorerie, piece: str, datatable: list[list[str]]) -> None:
    lues = [
        (
            e["JournalCode"],
            e["EcritureNum"],
            e["EcritureDate"],
            e["CompteNum"],
            e["CompteLib"],
            e["CompAuxNum"],
            e["Debit"],
            e["Credit"],
        )
        for e in ecritures_du_fec(tresorerie)
        if e["PieceRef"] == piece
    ]
    attendues = [
        (
            ligne["journal"],
            ligne["écriture"],
            ligne["date"],
            ligne["compte"],
            ligne["libellé du compte"],
            ligne["compte auxiliaire"],
            ligne["débit"],
            ligne["crédit"],
        )
        for ligne in tableau(datatable)
    ]
    assert lues == attendues, "\n".join(lignes_du_fec(tresorerie))


@then(etape("les lignes du compte {compte} sont lettrées ainsi :"))
def le_lettrage_du_compte(tresorerie: Tresorerie, compte: str, datatable: list[list[str]]) -> None:
    lues = [
        (e["PieceRef"], e["CompAuxNum"], e["Debit"], e["Credit"], e["EcritureLet"], e["DateLet"])
        for e in ecritures_du_fec(tresorerie)
        if e["CompteNum"] == compte
    ]
    attendues = [
        (t["pièce"], t["compte auxiliaire"], t["débit"], t["crédit"], t["lettre"],
         t["date de lettrage"])
        for t in tableau(datatable)
    ]  # fmt: skip
    assert lues == attendues, "\n".join(lignes_du_fec(tresorerie))


@when("j'exporte les appels en CSV")
def exporter_les_appels(app: Application, tresorerie: Tresorerie, tentative: Tentative) -> None:
    tresorerie.document = tentative.essayer(
        lambda: treasury.export_calls(app.uows, TRESORIERE, "csv")
    )


def lignes_du_csv(tresorerie: Tresorerie, tentative: Tentative) -> list[str]:
    tentative.reussite()
    fichier = tresorerie.fichier()
    assert fichier.filename.endswith(".csv")
    assert fichier.content.startswith("\ufeff".encode()), "le BOM UTF-8 qu'attend Excel"
    return fichier.content.decode("utf-8-sig").splitlines()


@then("la première ligne du fichier est :")
def la_premiere_ligne_du_fichier(
    tresorerie: Tresorerie, tentative: Tentative, docstring: str
) -> None:
    assert lignes_du_csv(tresorerie, tentative)[0] == docstring.strip()


@then(etape("le fichier compte {nombre:d} appels"))
def le_fichier_compte(tresorerie: Tresorerie, tentative: Tentative, nombre: int) -> None:
    assert len(lignes_du_csv(tresorerie, tentative)) == 1 + nombre


@then(etape("la ligne de l'appel {reference} est :"))
def la_ligne_de_l_appel(
    tresorerie: Tresorerie, tentative: Tentative, reference: str, docstring: str
) -> None:
    lignes = [
        ligne for ligne in lignes_du_csv(tresorerie, tentative) if ligne.startswith(reference + ";")
    ]
    assert lignes == [docstring.strip()]


@given(
    etape(
        "l'organisation est payée sur l'IBAN « {iban} », BIC « {bic} », "
        "identifiant créancier SEPA « {ics} »"
    )
)
def les_coordonnees_bancaires(app: Application, iban: str, bic: str, ics: str) -> None:
    mandates.set_bank_details(app.uows, TRESORIERE, iban=iban, bic=bic, sepa_creditor_id=ics)


@given(etape("{code} a signé le {jour:Date} le mandat « {rum} », IBAN « {iban} », BIC « {bic} »"))
def un_mandat(app: Application, code: str, jour: date, rum: str, iban: str, bic: str) -> None:
    mandates.set_mandate(
        app.uows, TRESORIERE, code, mandate_id=rum, signed_on=jour, iban=iban, bic=bic
    )


@when(etape("j'exporte le prélèvement SEPA à la date du {jour:Date}"))
def exporter_le_prelevement(
    app: Application, tresorerie: Tresorerie, tentative: Tentative, jour: date
) -> None:
    tresorerie.document = tentative.essayer(
        lambda: treasury.export_sepa(app.uows, TRESORIERE, jour)
    )


_PAIN = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}


def xml_sepa(tresorerie: Tresorerie, tentative: Tentative) -> ET.Element:
    tentative.reussite()
    return ET.fromstring(tresorerie.fichier().content)


def _texte(element: ET.Element, chemin: str) -> str:
    trouve = element.find(chemin, _PAIN)
    assert trouve is not None and trouve.text is not None, f"{chemin} absent du fichier SEPA"
    return trouve.text


@then("le fichier SEPA prélève :")
def le_fichier_sepa_preleve(
    tresorerie: Tresorerie, tentative: Tentative, datatable: list[list[str]]
) -> None:
    racine = xml_sepa(tresorerie, tentative)
    lus = []
    for bloc in racine.iterfind(".//p:PmtInf", _PAIN):
        sequence = _texte(bloc, "p:PmtTpInf/p:SeqTp")
        for operation in bloc.iterfind("p:DrctDbtTxInf", _PAIN):
            lus.append(
                (
                    _texte(operation, "p:PmtId/p:EndToEndId"),
                    _texte(operation, "p:DrctDbtTx/p:MndtRltdInf/p:MndtId"),
                    centimes(Decimal(_texte(operation, "p:InstdAmt"))),
                    sequence,
                )
            )
    attendus = [
        (ligne["appel"], ligne["mandat"], montant_ecrit(ligne["montant"]), ligne["séquence"])
        for ligne in tableau(datatable)
    ]
    assert sorted(lus) == attendus


@then(etape("le fichier SEPA totalise {montant:Montant} en {nombre:d} prélèvements"))
def le_total_du_fichier_sepa(
    tresorerie: Tresorerie, tentative: Tentative, montant: Decimal, nombre: int
) -> None:
    entete = xml_sepa(tresorerie, tentative).find(".//p:GrpHdr", _PAIN)
    assert entete is not None
    lus = (int(_texte(entete, "p:NbOfTxs")), centimes(Decimal(_texte(entete, "p:CtrlSum"))))
    assert lus == (nombre, centimes(montant))
