"""Étapes de la vérification d'une assemblée close (``features/verification_assemblee.feature``).

La démonstration chargée (fixture ``demo_loader``, SQLite et PostgreSQL), le fichier publié par
le service (``publication``), vérifié par le domaine comme le fait ``gouvernance assemblies
verify``, et par le script autonome de docs/ lancé dans un processus à part, comme un associé le
lancerait.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from etapes_fr import Tentative, etape
from pytest_bdd import given, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.publication import Verification, canonical, check_file
from gouvernance.domain.users import Actor, Role
from gouvernance.services.assembly import assemblies, minutes, online, publication
from gouvernance.services.assembly.assemblies import BallotReceipt

pytestmark = pytest.mark.usefixtures("app")

scenarios("verification_assemblee.feature")

SCRIPT = Path(__file__).parents[2] / "docs" / "verifier_assemblee.py"
ADHERENT = Actor("adherent", Role.MEMBER, member_code="RESSOURCERIE")
SCRUTATEUR = Actor("scrutateur", Role.SCRUTINEER)


@dataclass
class Verif:
    dossier: Path
    contenu: bytes = b""
    rapport: Verification | None = None
    recu: BallotReceipt | None = None

    def lignes(self) -> list[str]:
        assert self.rapport is not None, "le fichier n'a pas été vérifié"
        return self.rapport.lines()


@pytest.fixture
def verif(tmp_path: Path) -> Verif:
    return Verif(tmp_path)


@given(
    "l'association de démonstration, son assemblée close AG-2026-01 et son assemblée ouverte "
    "AG-2026-02"
)
def demonstration(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    demo_loader(database_url)
    etats = {a.code: a.status.value for a in assemblies.list_assemblies(app.uows, ADHERENT)}
    assert etats == {"AG-2026-01": "closed", "AG-2026-02": "open"}


# --- Quand ------------------------------------------------------------------------------------


@when(etape("un adhérent télécharge le fichier de vérification de {code}"))
def telecharger(app: Application, verif: Verif, code: str) -> None:
    verif.contenu = publication.publication(app.uows, ADHERENT, code).content


@when(etape("un adhérent demande le fichier de vérification de {code}"))
def demander(app: Application, tentative: Tentative, code: str) -> None:
    tentative.essayer(lambda: publication.publication(app.uows, ADHERENT, code))


@when("il vérifie ce fichier")
def verifier(verif: Verif) -> None:
    verif.rapport = check_file(verif.contenu)


@when(etape("il ajoute une voix « pour » à la résolution n° {numero:d} dans ce fichier"))
def ajouter_une_voix(verif: Verif, numero: int) -> None:
    document = json.loads(verif.contenu)
    resolution = next(r for r in document["resolutions"] if r["number"] == numero)
    resolution["counts"][""]["for"] += 1
    verif.contenu = canonical(document)


@when(etape("il remplace l'issue de la résolution n° {numero:d} par « {issue} » dans ce fichier"))
def remplacer_l_issue(verif: Verif, numero: int, issue: str) -> None:
    document = json.loads(verif.contenu)
    resultat = next(r for r in document["results"]["resolutions"] if r["number"] == numero)
    resultat["outcome"] = issue
    verif.contenu = canonical(document)


@when(
    etape("{votant} lit le reçu de son bulletin secret sur la résolution n° {numero:d} de {code}")
)
def lire_le_recu(app: Application, verif: Verif, votant: str, numero: int, code: str) -> None:
    votant_ = Actor(votant.lower(), Role.MEMBER, member_code=votant)
    verif.recu = online.ballot_receipt(app.uows, votant_, code, numero, votant)
    assert verif.recu.secret and verif.recu.choice is None


# --- Alors ------------------------------------------------------------------------------------


@then(etape("la vérification dit « {verdict} »"))
def verdict_dit(verif: Verif, verdict: str) -> None:
    assert verif.lignes()[3] == verdict


@then(etape("un écart dit « {ecart} »"))
def un_ecart_dit(verif: Verif, ecart: str) -> None:
    assert verif.rapport is not None
    assert ecart in verif.rapport.findings, verif.rapport.findings


@then(etape("un écart commence par « {debut} »"))
def un_ecart_commence(verif: Verif, debut: str) -> None:
    assert verif.rapport is not None
    assert any(e.startswith(debut) for e in verif.rapport.findings), verif.rapport.findings


@then("le script autonome écrit les mêmes lignes")
def script_autonome(verif: Verif) -> None:
    fichier = verif.dossier / "verification.json"
    fichier.write_bytes(verif.contenu)
    fait = subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(fichier)], capture_output=True,
        encoding="utf-8", cwd=verif.dossier, check=False,
    )  # fmt: skip
    assert fait.stdout.splitlines() == verif.lignes()
    assert fait.returncode == (0 if verif.lignes()[3].startswith("conforme") else 1)


@then(etape("le procès-verbal de {code} imprime l'empreinte SHA-256 de ce fichier"))
def empreinte_au_pv(app: Application, verif: Verif, code: str) -> None:
    assert verif.rapport is not None
    pv = minutes.content(app.uows, ADHERENT, code)
    assert verif.rapport.file_sha256 in pv.verification
    page = minutes.minutes(app.uows, ADHERENT, code, "html").content.decode("utf-8")
    assert verif.rapport.file_sha256 in page


@then(etape("ce reçu figure parmi les {nombre:d} reçus de la résolution n° {numero:d}"))
def recu_parmi(verif: Verif, nombre: int, numero: int) -> None:
    assert verif.recu is not None
    document = json.loads(verif.contenu)
    recus = next(r for r in document["resolutions"] if r["number"] == numero)["receipts"]
    assert len(recus) == nombre
    assert verif.recu.fingerprint in recus


@then(etape("la vérification de ce reçu dit « {ligne} »"))
def verification_du_recu(verif: Verif, ligne: str) -> None:
    assert verif.recu is not None
    trouve, dit = check_file(verif.contenu).receipt(verif.recu.fingerprint)
    assert trouve
    assert dit == f"reçu {verif.recu.fingerprint} : {ligne}"


@then("le fichier ne contient ni le nom ni le code d'aucun inscrit de la liste d'émargement")
def ni_nom_ni_code(app: Application, verif: Verif) -> None:
    texte = verif.contenu.decode("utf-8")
    inscrits = assemblies.roll_view(app.uows, SCRUTATEUR, "AG-2026-01")
    assert inscrits
    for ligne in inscrits:
        assert ligne.name not in texte
        assert f'"{ligne.member_code}"' not in texte


@then("la demande est refusée avec le message :")
def demande_refusee(tentative: Tentative, docstring: str) -> None:
    assert tentative.refus().message == docstring.strip()
