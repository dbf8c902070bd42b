"""Étapes du journal d'audit vérifiable (``features/journal_audit.feature``).

Les services (``audit_chain``, le procès-verbal, les exports) sur une vraie base chargée de la
démonstration (fixtures ``app`` et ``demo_loader``, SQLite et PostgreSQL). Les changements
« dans la base » sont faits comme les ferait qui la détient : sous SQLite, les déclencheurs du
journal supprimés ; sous PostgreSQL, ``session_replication_role = replica`` (superutilisateur).
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from etapes_fr import etape
from pytest_bdd import given, scenarios, then, when
from sqlalchemy import text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application
from gouvernance.domain.audit import ChainHead, entry_digest
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services import audit_chain, clock
from gouvernance.services.assembly.minutes import minutes
from gouvernance.services.audit_chain import Verification
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.ledger.ledger_views import Document
from gouvernance.services.organisation import setup

pytestmark = pytest.mark.usefixtures("app")

scenarios("journal_audit.feature")

CONSEIL = Actor("bureau", Role.BOARD)
TRESORIERE = Actor("tresorier", Role.TREASURER)
TETE_IMPRIMEE = re.compile(
    r"Clôture inscrite au journal d'audit\u00a0: journal n° [\d\u202f]+, empreinte [0-9a-f]{16}…"
)


@dataclass
class Suivi:
    verification: Verification | None = None
    proces_verbaux: list[str] = field(default_factory=list)
    export: Document | None = None


@pytest.fixture
def suivi() -> Suivi:
    return Suivi()


def dans_la_base(url: str, instruction: str, lignes: list[dict[str, Any]] | None = None) -> None:
    """L'instruction (paramètres ``:nom``, une fois par ligne de ``lignes``), déclencheurs du
    journal coupés, comme la passerait qui tient la base."""
    if url.startswith("sqlite"):
        connexion = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        try:
            declencheurs = connexion.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ).fetchall()
            for (nom,) in declencheurs:
                connexion.execute(f'DROP TRIGGER "{nom}"')
            connexion.executemany(instruction, lignes or [{}])
        finally:
            connexion.close()
        return
    moteur = make_engine(url)
    with moteur.begin() as connexion:
        connexion.execute(text("SET LOCAL session_replication_role = replica"))
        connexion.execute(text(instruction), lignes or [{}])
    moteur.dispose()


@given("l'organisation de démonstration")
def demonstration(
    database_url: str, demo_loader: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(clock.VARIABLE, "2026-12-14")
    demo_loader(database_url)


@given(etape("l'acteur de l'entrée n° {numero:d} du journal changé, déclencheurs coupés"))
def entree_changee(database_url: str, numero: int) -> None:
    dans_la_base(database_url, f"UPDATE audit_log SET actor = 'mallory' WHERE id = {numero}")


@given(
    etape("les entrées n° {premiere:d} à {derniere:d} du journal supprimées, déclencheurs coupés")
)
def entrees_supprimees(database_url: str, premiere: int, derniere: int) -> None:
    dans_la_base(database_url, f"DELETE FROM audit_log WHERE id BETWEEN {premiere} AND {derniere}")


@given(etape("le détail de l'entrée n° {numero:d} réécrit et les empreintes suivantes recalculées"))
def journal_recalcule(app: Application, database_url: str, numero: int) -> None:
    with app.uows() as uow:
        entrees = list(uow.audit.chain(numero - 1, 100_000))
    entrees[0].detail = '{"réécrit": true}'
    precedente = entrees[0].previous_digest
    for entree in entrees:
        entree.previous_digest, entree.digest = precedente, entry_digest(entree, precedente)
        precedente = entree.digest
    dans_la_base(
        database_url,
        "UPDATE audit_log SET detail = :detail, previous_digest = :previous_digest, "
        "digest = :digest WHERE id = :id",
        [
            {"id": e.id, "detail": e.detail, "previous_digest": e.previous_digest,
             "digest": e.digest}
            for e in entrees
        ],
    )  # fmt: skip


@given(etape("les appels de cotisation 2027 émis le {jour:Date}"))
def appels(app: Application, monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, "2027-02-15")
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=jour, due_on=date(2027, 2, 28),
        exclude_incomplete=True,
    )  # fmt: skip


@when("le conseil vérifie le journal d'audit")
def verifier(app: Application, suivi: Suivi) -> None:
    suivi.verification = audit_chain.verify(app.uows, CONSEIL)


@when("le conseil vérifie le journal d'audit avec la tête reçue avec le FEC")
def verifier_avec_la_tete(app: Application, suivi: Suivi) -> None:
    assert suivi.export is not None and suivi.export.journal is not None
    recue = suivi.export.journal.header  # « 1234 9f3a… », l'en-tête X-Gouvernance-Journal
    suivi.verification = audit_chain.verify(app.uows, CONSEIL, recue)


@when(etape("le conseil imprime le procès-verbal de l'assemblée « {code} »"))
def imprimer(app: Application, suivi: Suivi, code: str) -> None:
    document = minutes(app.uows, CONSEIL, code, "html")
    suivi.proces_verbaux.append(html.unescape(document.content.decode("utf-8")))


@when("une catégorie de membres est ajoutée")
def ecriture(app: Application) -> None:
    setup.add_category(app.uows, SYSTEM, "ressourcerie", "Ressourcerie")


@when(etape("la trésorière exporte le FEC de l'exercice {annee:d}"))
def exporter_fec(app: Application, suivi: Suivi, annee: int) -> None:
    suivi.export = treasury.export_fec(app.uows, TRESORIERE, date(annee, 1, 1), date(annee, 12, 31))


@then("le journal est déclaré intègre")
def integre(suivi: Suivi) -> None:
    assert suivi.verification is not None
    assert suivi.verification.intact, suivi.verification.lines
    assert suivi.verification.lines[0].startswith("journal intègre : ")


@then("la vérification donne le nombre d'entrées, le numéro et l'empreinte de la tête")
def tete_donnee(app: Application, suivi: Suivi) -> None:
    with app.uows() as uow:
        derniere = uow.audit.head()
    assert suivi.verification is not None and derniere is not None and derniere.id is not None
    tete = ChainHead(derniere.id, derniere.digest)
    nombre = tete.text.removeprefix("journal n° ").split(",")[0]
    assert suivi.verification.lines == (
        f"journal intègre : {nombre} entrées, tête n° {nombre}, empreinte {tete.short}",
    )


@then(etape("la vérification échoue avec le message « {message} »"))
def echec(suivi: Suivi, message: str) -> None:
    assert suivi.verification is not None
    assert not suivi.verification.intact
    assert suivi.verification.lines == (message,)


@then("le procès-verbal porte le numéro et l'empreinte de l'entrée qui a enregistré la clôture")
def tete_de_cloture(app: Application, suivi: Suivi) -> None:
    with app.uows() as uow:
        cloture = uow.audit.first("assemblee.close", "assembly", "AG-2026-01")
    assert cloture is not None and cloture.id is not None
    tete = ChainHead(cloture.id, cloture.digest)
    assert f"Clôture inscrite au journal d'audit\u00a0: {tete.text}" in suivi.proces_verbaux[-1]


@then("le procès-verbal porte la même tête du journal qu'à la première impression")
def meme_tete(suivi: Suivi) -> None:
    premiere, derniere = (TETE_IMPRIMEE.search(pv) for pv in suivi.proces_verbaux)
    assert premiere is not None and derniere is not None
    assert premiere.group(0) == derniere.group(0)


@then("la tête du journal est donnée avec le fichier, qui n'a que des lignes d'écritures")
def tete_avec_le_fec(app: Application, suivi: Suivi) -> None:
    assert suivi.export is not None
    with app.uows() as uow:
        assert suivi.export.journal == audit_chain.head(uow)
    lignes = suivi.export.content.decode("utf-8").splitlines()
    assert len(lignes) > 1
    assert all(ligne.count("|") == 17 for ligne in lignes)


@then("la vérification échoue : la tête reçue n'a plus la même empreinte dans le journal")
def tete_reecrite(suivi: Suivi) -> None:
    assert suivi.verification is not None and suivi.export is not None
    assert suivi.export.journal is not None
    assert not suivi.verification.intact
    assert suivi.verification.held_problem == (
        f"l'entrée n° {suivi.export.journal.number} n'a plus l'empreinte imprimée sur le "
        "document : le journal a été réécrit depuis"
    )
