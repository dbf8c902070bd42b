"""Étapes des relevés bancaires : importer un CAMT.053 ou un CSV, rapprocher, confirmer, écarter.

Lie ``features/releves_bancaires.feature``. Le relevé est décrit par un tableau dans le
Contexte ; les étapes « importe le relevé au format … » en font un vrai fichier CAMT.053 ou un
export CSV de banque française (``tests/releves_bancaires.py``), puis l'importent par le même
service que l'API, la CLI et la page web. Chaque scénario tourne sur une vraie base (fixture
``app`` : SQLite, et PostgreSQL quand ``GOUVERNANCE_TEST_DATABASE_URL`` est définie), garnie de
la démonstration et de ses appels 2027.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from etapes_fr import TYPES_FR, Tentative, avec_espaces_insecables, etape, lire_date, tableau
from parse import with_pattern
from pytest_bdd import given, parsers, scenarios, then, when
from releves_bancaires import Movement, camt053, csv_francais

from gouvernance.bootstrap import Application
from gouvernance.domain.money import format_cents, parse_amount, to_cents
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.bank import statements
from gouvernance.services.bank.views import ImportReport, LineView
from gouvernance.services.ledger import calls, payments, refunds

pytestmark = pytest.mark.usefixtures("app")

scenarios("releves_bancaires.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)


@with_pattern(r"CAMT\.053|CSV")
def format_de_fichier(texte: str) -> str:
    return texte


def pas(motif: str) -> parsers.parse:
    """Un motif d'étape qui connaît aussi ``{x:Format}`` (« CAMT.053 » ou « CSV »)."""
    return parsers.parse(motif, extra_types={**TYPES_FR, "Format": format_de_fichier})


@dataclass
class Banque:
    operations: tuple[Movement, ...] = ()
    imports: list[ImportReport] = field(default_factory=list)


@pytest.fixture
def banque() -> Banque:
    return Banque()


def centimes(texte: str) -> int:
    return to_cents(parse_amount(texte))


def fichier(banque: Banque, format_: str) -> tuple[bytes, str]:
    if format_ == "CSV":
        return csv_francais(banque.operations), "releve.csv"
    return camt053(banque.operations), "releve.xml"


def ligne_de(app: Application, montant: Decimal) -> LineView:
    """La ligne de ce montant ; s'il y en a plusieurs, celle qui attend."""
    trouvees = [line for line in statements.lines(app.uows, TRESORIERE)
                if line.cents == to_cents(montant)]  # fmt: skip
    if len(trouvees) > 1:
        trouvees = [line for line in trouvees if line.waiting]
    assert len(trouvees) == 1, f"{len(trouvees)} lignes de {montant} €"
    return trouvees[0]


# --- Contexte ---------------------------------------------------------------------------------


@given(etape("l'organisation de démonstration, ses appels 2027 émis le {jour:Date}"))
def demonstration(
    app: Application,
    demo_loader: Callable[[str], None],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    jour: date,
) -> None:
    monkeypatch.setenv(clock.VARIABLE, "2026-12-12")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=jour, due_on=date(2026, 12, 31),
        exclude_incomplete=True,
    )  # fmt: skip


@given(etape("nous sommes le {jour:Date}"))
def nous_sommes_le(monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())


@given("le relevé de décembre porte ces opérations :")
def operations(banque: Banque, datatable: list[list[str]]) -> None:
    lues = []
    for ligne in tableau(datatable):
        domaine, famille, sous_famille = ligne["code"].split("/")
        lues.append(
            Movement(
                cents=centimes(ligne["montant"]),
                credit=ligne["sens"] == "crédit",
                booked=lire_date(ligne["date"]).isoformat(),
                reference=ligne["référence"] or None,
                remittance=ligne["libellé"],
                name=ligne["tiers"],
                code=(domaine, famille, sous_famille),
                end_to_end=ligne["bout en bout"],
                reason=ligne["motif"],
            )
        )
    banque.operations = tuple(lues)


# --- Quand ------------------------------------------------------------------------------------


@when(pas("la trésorière importe le relevé au format {format_:Format}"))
@when(pas("la trésorière importe encore le relevé au format {format_:Format}"))
def importer(app: Application, banque: Banque, format_: str) -> None:
    donnees, nom = fichier(banque, format_)
    banque.imports.append(statements.import_statement(app.uows, TRESORIERE, donnees, nom))


@when(etape("la trésorière importe le fichier « {nom} » :"))
def importer_un_fichier(app: Application, tentative: Tentative, nom: str, docstring: str) -> None:
    donnees = docstring.encode("utf-8")
    tentative.essayer(lambda: statements.import_statement(app.uows, TRESORIERE, donnees, nom))


@when(
    etape(
        "la trésorière importe le relevé au format CSV, la colonne « {avant} » titrée « {apres} »"
    )
)
def importer_un_csv_renomme(
    app: Application, banque: Banque, tentative: Tentative, avant: str, apres: str
) -> None:
    donnees = csv_francais(banque.operations).replace(
        avant.encode("cp1252"), apres.encode("cp1252")
    )
    tentative.essayer(
        lambda: statements.import_statement(app.uows, TRESORIERE, donnees, "releve.csv")
    )


@when(etape("elle confirme la ligne de {montant:Montant} pour {code}, appel {reference}"))
def confirmer(app: Application, montant: Decimal, code: str, reference: str) -> None:
    ligne = ligne_de(app, montant)
    statements.confirm_match(app.uows, TRESORIERE, ligne.id, code, [reference])


@when(etape("elle écarte la ligne de {montant:Montant} : « {motif} »"))
def ecarter(app: Application, montant: Decimal, motif: str) -> None:
    statements.dismiss_line(app.uows, TRESORIERE, ligne_de(app, montant).id, motif)


# --- Alors ------------------------------------------------------------------------------------


@then("les paiements enregistrés sont :")
def paiements_enregistres(app: Application, datatable: list[list[str]]) -> None:
    vus = [
        (p.member_code, p.cents, p.method.label, p.bank_reference)
        for p in payments.list_payments(app.uows, TRESORIERE)
    ]
    attendus = [
        (ligne["membre"], centimes(ligne["montant"]), ligne["moyen"], ligne["référence bancaire"])
        for ligne in tableau(datatable)
    ]
    assert vus == attendus


@then(etape("le second import dit « {texte} »"))
def le_second_import_dit(banque: Banque, texte: str) -> None:
    assert len(banque.imports) == 2
    assert not banque.imports[1].created
    assert banque.imports[1].summary == texte


@then("les lignes en attente sont :")
def lignes_en_attente(app: Application, datatable: list[list[str]]) -> None:
    vues = [
        (format_cents(line.cents), line.status_label, line.suggested_member or "")
        for line in statements.pending_lines(app.uows, TRESORIERE)
    ]
    attendues = [
        (avec_espaces_insecables(ligne["montant"]), ligne["état"], ligne["suggestion"])
        for ligne in tableau(datatable)
    ]
    assert vues == attendues


@then(
    etape(
        "le rejet {rejet} de {montant:Montant} annule le paiement {paiement} de {code}, "
        "pour le motif « {motif} »"
    )
)
def le_rejet(
    app: Application, rejet: str, montant: Decimal, paiement: str, code: str, motif: str
) -> None:
    (ligne,) = [line for line in statements.lines(app.uows, TRESORIERE) if line.return_reason]
    assert (ligne.payment_reference, ligne.reversed_payment) == (rejet, paiement)
    assert ligne.return_label == motif
    (trace,) = refunds.list_refunds(app.uows, TRESORIERE, code)
    assert (trace.reference, trace.cents) == (rejet, to_cents(montant))
    assert trace.reason == f"rejet du prélèvement {paiement} : {motif}"


@then(etape("l'appel {reference} est « {statut} »"))
def statut_de_l_appel(app: Application, reference: str, statut: str) -> None:
    assert calls.call_detail(app.uows, TRESORIERE, reference).call.status.label == statut


@then(etape("{code} doit {montant:Montant}"))
def doit(app: Application, code: str, montant: Decimal) -> None:
    assert payments.member_balance(app.uows, TRESORIERE, code).owed == to_cents(montant)


@then(etape("la ligne de {montant:Montant} est « {etat} »"))
def etat_de_la_ligne(app: Application, montant: Decimal, etat: str) -> None:
    assert ligne_de(app, montant).status_label == etat


@then("l'import est refusé, le message commence par :")
def import_refuse(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message.startswith(docstring.strip())


@then("aucun paiement ni relevé n'est enregistré")
def rien_d_enregistre(app: Application) -> None:
    assert payments.list_payments(app.uows, TRESORIERE) == []
    assert statements.statements(app.uows, TRESORIERE) == []
