"""Étapes des prélèvements SEPA : exporter l'ordre de prélèvement, le valider contre le schéma XSD
ISO 20022 copié dans tests/xsd, annoncer un rejet ou un retour, importer le relevé qui le porte.

Chaque export passe par le même service que le bureau du trésorier, l'API et la commande
(``direct_debits.export_sepa``) ; le fichier est relu comme la banque le lirait
(``tests/sepa_xsd.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from etapes_fr import Tentative, etape, tableau
from pytest_bdd import given, scenarios, then, when
from releves_bancaires import GARRIGUE_IBAN, GARRIGUE_MANDATE, Movement, camt053
from sepa_xsd import debits, validate

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.money import format_cents, parse_amount, to_cents
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.bank import statements
from gouvernance.services.ledger import calls, direct_debits, mandates
from gouvernance.services.ledger.ledger_views import Document

pytestmark = pytest.mark.usefixtures("app")

scenarios("prelevements_sepa.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass
class Guichet:
    """Les ordres de prélèvement remis à la trésorière, dans l'ordre."""

    fichiers: list[Document] = field(default_factory=list)


@pytest.fixture
def guichet() -> Guichet:
    return Guichet()


# --- Contexte ---------------------------------------------------------------------------------


@given(etape("l'organisation de démonstration, ses appels 2027 émis le {jour:Date}"))
def demonstration(
    app: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    jour: date,
) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=jour, due_on=date(2026, 12, 31),
        exclude_incomplete=True,
    )  # fmt: skip


@given(etape("nous sommes le {nom_du_jour} {jour:Date}"))
@when(etape("nous sommes le {nom_du_jour} {jour:Date}"))
def nous_sommes_le(monkeypatch: pytest.MonkeyPatch, nom_du_jour: str, jour: date) -> None:
    assert JOURS[jour.weekday()] == nom_du_jour, f"le {jour:%d/%m/%Y} n'est pas un {nom_du_jour}"
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())


# --- Quand ------------------------------------------------------------------------------------


def exporter(
    app: Application, tentative: Tentative, guichet: Guichet, jour: date, schema: str | None
) -> None:
    assert tentative.erreur is None or tentative.erreur_verifiee, tentative.erreur
    fichier = tentative.essayer(
        lambda: direct_debits.export_sepa(app.uows, TRESORIERE, jour, schema=schema)
    )
    if fichier is not None:
        guichet.fichiers.append(fichier)


@when(etape("la trésorière exporte l'ordre de prélèvement pour le {jour:Date}"))
@when(etape("la trésorière exporte encore l'ordre de prélèvement pour le {jour:Date}"))
def exporter_l_ordre(app: Application, tentative: Tentative, guichet: Guichet, jour: date) -> None:
    exporter(app, tentative, guichet, jour, None)


@when(etape("la trésorière exporte l'ordre de prélèvement pour le {jour:Date} au format {schema}"))
def exporter_au_format(
    app: Application, tentative: Tentative, guichet: Guichet, jour: date, schema: str
) -> None:
    exporter(app, tentative, guichet, jour, schema)


@when(
    etape(
        "la banque annonce le {nature} du prélèvement de l'appel {reference} pour le motif {motif}"
    )
)
def rejet_saisi(app: Application, nature: str, reference: str, motif: str) -> None:
    direct_debits.record_debit_return(app.uows, TRESORIERE, reference, motif, kind=nature)


@when(
    etape(
        "la trésorière importe le relevé où la banque crédite {montant:Montant} prélevés sur "
        "GARRIGUE le {credit:Date} puis les reprend le {retour:Date} pour le motif {motif}"
    )
)
def releve_avec_retour(
    app: Application, montant: Decimal, credit: date, retour: date, motif: str
) -> None:
    centimes = to_cents(montant)
    commun = {
        "name": "GARRIGUE ENVIRONNEMENT", "iban": GARRIGUE_IBAN, "end_to_end": "AC-2027-0003",
        "mandate": GARRIGUE_MANDATE,
    }  # fmt: skip
    releve = camt053(
        (
            Movement(centimes, True, credit.isoformat(), "BQ-0001", "PRLV SEPA", **commun,
                     code=("PMNT", "IDDT", "ESDD")),
            Movement(centimes, False, retour.isoformat(), "BQ-0002", "RETOUR PRLV SEPA",
                     **commun, code=("PMNT", "IDDT", "UPDD"), reason=motif),
        )
    )  # fmt: skip
    statements.import_statement(app.uows, TRESORIERE, releve, "releve.xml")


# --- Alors ------------------------------------------------------------------------------------


@then(etape("l'ordre de prélèvement est conforme au schéma XSD {schema}"))
def conforme(tentative: Tentative, guichet: Guichet, schema: str) -> None:
    tentative.reussite()
    assert validate(guichet.fichiers[-1].content) == schema


@then("il porte ces prélèvements :")
def porte(tentative: Tentative, guichet: Guichet, datatable: list[list[str]]) -> None:
    tentative.reussite()
    lus = [
        (d.end_to_end, format_cents(int(d.amount * 100)), d.sequence, d.mandate_id)
        for d in debits(guichet.fichiers[-1].content)
    ]
    attendus = [
        (ligne["appel"], format_cents(to_cents(parse_amount(ligne["montant"]))),
         ligne["séquence"], ligne["mandat"])
        for ligne in tableau(datatable)
    ]  # fmt: skip
    assert lus == attendus


@then(etape("les prélèvements {references} sont enregistrés comme envoyés le {jour:Date}"))
def envoyes(app: Application, guichet: Guichet, references: str, jour: date) -> None:
    (fichier,) = direct_debits.sepa_files(app.uows, TRESORIERE)
    assert fichier.filename == guichet.fichiers[-1].filename
    with app.uows() as uow:
        envoi = uow.ledger.sent_debits()
        assert sorted(d.call_reference for d in envoi) == references.split(", ")
        assert {(d.message_id, d.sent_on) for d in envoi} == {(fichier.message_id, jour)}


@then(etape("le second export n'envoie rien : « {debut} »"))
def second_vide(tentative: Tentative, guichet: Guichet, debut: str) -> None:
    refus = tentative.refus()
    assert isinstance(refus, InvalidInput) and refus.message.startswith(debut), refus.message
    assert len(guichet.fichiers) == 1


@then(etape("un nouvel export pour le {jour:Date} n'envoie rien : « {debut} »"))
def nouvel_export_vide(app: Application, jour: date, debut: str) -> None:
    with pytest.raises(InvalidInput) as refus:
        direct_debits.export_sepa(app.uows, TRESORIERE, jour)
    assert refus.value.message.startswith(debut), refus.value.message


@then("un seul ordre de prélèvement est enregistré, retéléchargeable à l'identique")
def un_seul(app: Application, guichet: Guichet) -> None:
    (fichier,) = direct_debits.sepa_files(app.uows, TRESORIERE)
    encore = direct_debits.sepa_file(app.uows, TRESORIERE, fichier.message_id)
    assert encore.content == guichet.fichiers[0].content


@then("aucun prélèvement n'est enregistré comme envoyé")
def aucun_envoi(app: Application) -> None:
    assert direct_debits.sepa_files(app.uows, TRESORIERE) == []


@then(etape("le mandat de {code} porte « {texte} »"))
def mandat_marque(app: Application, code: str, texte: str) -> None:
    assert mandates.get_mandate(app.uows, TRESORIERE, code).last_return == texte


@then(etape("le mandat de {code} n'est pas suspendu"))
def mandat_actif(app: Application, code: str) -> None:
    assert mandates.get_mandate(app.uows, TRESORIERE, code).suspended_on is None


@then(etape("le mandat de {code} est suspendu depuis le {jour:Date}"))
def mandat_suspendu(app: Application, code: str, jour: date) -> None:
    assert mandates.get_mandate(app.uows, TRESORIERE, code).suspended_on == jour


@then(etape("l'appel {reference} est « {statut} »"))
def statut_de_l_appel(app: Application, reference: str, statut: str) -> None:
    assert calls.call_detail(app.uows, TRESORIERE, reference).call.status.label == statut
