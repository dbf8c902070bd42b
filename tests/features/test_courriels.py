"""Étapes de l'envoi par courriel (``features/courriels.feature``).

Les services (``outbox``) sur une vraie base (fixture ``app``, SQLite et PostgreSQL), et un vrai
serveur SMTP sur 127.0.0.1 (aiosmtpd, ``smtp_loopback``) ; « refuse les connexions » : un port
où rien n'écoute. Le barème d'essai appelle chaque bénévole à 20,00 €.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from etapes_fr import etape, tableau
from pytest_bdd import given, scenarios, then, when
from smtp_loopback import Server, attachments, closed_port, plain_text, smtp_server
from sqlalchemy import text

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.contributions import fees
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.mail import outbox
from gouvernance.services.mail.outbox import MailPreview, MailReport
from gouvernance.services.mail.settings import MailSettings, Security
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members

__all__ = ["closed_port", "smtp_server"]

pytestmark = pytest.mark.usefixtures("app")

scenarios("courriels.feature")

TRESORIERE = Actor(username="claire", role=Role.TREASURER)
BAREME = """\
id: essai-courriels
label: Barème d'essai des courriels
adopted:
  date: 2026-11-14
  decision: AG du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
fee:
  by_category:
    default: "20,00"
"""


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dossier = tmp_path / "regles"
    dossier.mkdir()
    (dossier / "bareme.yaml").write_text(BAREME, encoding="utf-8")
    monkeypatch.setenv(fees.RULES_VARIABLE, str(dossier))
    monkeypatch.setenv(clock.VARIABLE, "2027-03-01")
    return dossier


@dataclass
class Envoi:
    serveur: Server
    reglages: MailSettings
    compte_rendu: MailReport | None = None
    apercu: MailPreview | None = None
    destinataire: str = ""


@pytest.fixture
def envoi(smtp_server: Server) -> Envoi:
    return Envoi(smtp_server, smtp_server.settings())


def _jour(texte: str) -> str:
    jour, mois, annee = texte.split("/")
    return f"{annee}-{mois}-{jour}"


@given(etape("la coopérative d'essai et ses adhérents :"))
def cooperative(
    app: Application, rules: Path, monkeypatch: pytest.MonkeyPatch, datatable: list[list[str]]
) -> None:
    setup.set_organisation(
        app.uows,
        SYSTEM,
        Organisation(
            name="Coopérative d'essai", legal_form="association", rna="W133001234", city="Arles",
            email="contact@cooperative-essai.example", treasurer_name="Claire Fabre",
            treasurer_title="Trésorière",
        ),
    )  # fmt: skip
    for ligne in tableau(datatable):
        draft = MemberDraft(
            kind=PersonKind.NATURAL,
            category="volunteer",
            joined_on=date(2020, 1, 1),
            first_name=ligne["prénom"],
            last_name="Essai",
            email=ligne["courriel"] or None,
            code=ligne["code"],
        )
        members.create_member(app.uows, SYSTEM, draft)
    calls.issue_calls(
        app.uows,
        TRESORIERE,
        "essai-courriels",
        issued_on=date(2027, 1, 15),
        due_on=date(2027, 2, 15),
    )


@given(etape("les premières relances enregistrées le {jour}"))
def relances(app: Application, monkeypatch: pytest.MonkeyPatch, jour: str) -> None:
    monkeypatch.setenv(clock.VARIABLE, _jour(jour))
    assert len(treasury.send_reminders(app.uows, TRESORIERE).reminders) == 4


@given("un serveur de courriel sur 127.0.0.1 qui accepte tout")
def serveur(envoi: Envoi) -> None:
    assert envoi.serveur.received == []


@given("le serveur de courriel refuse les connexions")
def connexions_refusees(envoi: Envoi, closed_port: int) -> None:
    envoi.reglages = MailSettings(host="127.0.0.1", port=closed_port, security=Security.NONE)


@when("le serveur de courriel accepte de nouveau les connexions")
def connexions_acceptees(envoi: Envoi) -> None:
    envoi.reglages = envoi.serveur.settings()


@when(etape("la trésorière envoie par courriel les relances du {jour}"))
def envoyer(app: Application, envoi: Envoi, jour: str) -> None:
    envoi.compte_rendu = outbox.send(
        app.uows, TRESORIERE, "relances", jour, settings=envoi.reglages
    )


@when(etape("la trésorière demande l'aperçu des relances du {jour}"))
def apercu(app: Application, envoi: Envoi, jour: str) -> None:
    envoi.apercu = outbox.preview(app.uows, TRESORIERE, "relances", jour)


@then(etape("le serveur a reçu {nombre:d} courriels"))
def recus(envoi: Envoi, nombre: int) -> None:
    assert len(envoi.serveur.received) == nombre


@then("le serveur n'a reçu aucun courriel")
def rien_recu(envoi: Envoi) -> None:
    assert envoi.serveur.received == []


@then("aucun courriel n'est parti")
def rien_parti(envoi: Envoi) -> None:
    assert envoi.compte_rendu is not None and envoi.compte_rendu.sent == ()
    assert envoi.serveur.received == []


@then("chaque courriel reçu porte sa lettre de relance en PDF")
def pieces_jointes(envoi: Envoi) -> None:
    for recu in envoi.serveur.received:
        (pdf,) = attachments(recu.message)
        assert pdf.get_content_type() == "application/pdf"
        assert str(pdf.get_filename()).startswith("relance-1-AC-2027-")
        assert pdf.get_content().startswith(b"%PDF")


@then(etape("le courriel reçu par « {adresse} » a pour objet « {objet} »"))
def objet(envoi: Envoi, adresse: str, objet: str) -> None:
    (recu,) = [r for r in envoi.serveur.received if r.rcpt_tos == [adresse]]
    assert recu.message["Subject"] == objet
    assert str(recu.message["To"]).endswith(f"<{adresse}>")
    envoi.destinataire = adresse


@then(etape("son texte commence par « {debut} »"))
def texte(envoi: Envoi, debut: str) -> None:
    (recu,) = [r for r in envoi.serveur.received if r.rcpt_tos == [envoi.destinataire]]
    assert plain_text(recu.message).startswith(debut)


@then(etape("« {code} » est listé pour une lettre papier : « {raison} »"))
def papier(envoi: Envoi, code: str, raison: str) -> None:
    assert envoi.compte_rendu is not None
    assert [(p.member_code, p.reason) for p in envoi.compte_rendu.paper] == [(code, raison)]


@then(etape("le compte rendu dit « {phrase} »"))
def compte_rendu(envoi: Envoi, phrase: str) -> None:
    assert envoi.compte_rendu is not None and envoi.compte_rendu.summary == phrase


@then(etape("l'aperçu dit « {phrase} »"))
def apercu_dit(envoi: Envoi, phrase: str) -> None:
    assert envoi.apercu is not None and envoi.apercu.summary == phrase


@then(etape("{nombre:d} courriels sont en échec, la trésorière voit « {raison} »"))
def echecs(envoi: Envoi, nombre: int, raison: str) -> None:
    assert envoi.compte_rendu is not None
    assert len(envoi.compte_rendu.failed) == nombre
    assert all(raison in (e.error or "") for e in envoi.compte_rendu.failed)


@then("la boîte d'envoi est vide")
def boite_vide(app: Application) -> None:
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        assert session.execute(text("SELECT count(*) FROM mail_outbox")).scalar_one() == 0
