"""Étapes de la première installation (``features/premiere_installation.feature``).

Chaque étape tape la commande ``gouvernance`` comme la trésorière le ferait (``CliRunner``), sur
une vraie base neuve (fixture ``database_url`` : SQLite, et PostgreSQL quand il est configuré),
dans un dossier de travail temporaire où les fichiers sont écrits.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from etapes_fr import etape
from pytest_bdd import given, scenarios, then, when
from typer.testing import CliRunner, Result

from gouvernance.bootstrap import bootstrap
from gouvernance.cli import app
from gouvernance.domain.users import SYSTEM
from gouvernance.services import audit

pytestmark = pytest.mark.usefixtures("database_url")  # SQLite, and PostgreSQL when configured

scenarios("premiere_installation.feature")

EXEMPLES = Path(__file__).resolve().parents[2] / "docs" / "exemples"
REGLES = EXEMPLES / "regles"  # le barème de l'association, tel que docs/installation.md le montre
runner = CliRunner()


@dataclass
class Terminal:
    """Le terminal de la trésorière : la base, le dossier de travail, la dernière réponse."""

    base: str
    dossier: Path
    reponses: list[Result] = field(default_factory=list)

    def tape(self, *mots: str, compte: str | None = "claire") -> Result:
        nom = ["--as", compte] if compte else []
        resultat = runner.invoke(app, [*nom, *mots, "--database", self.base])
        self.reponses.append(resultat)
        return resultat

    def reussit(self, *mots: str) -> str:
        resultat = self.tape(*mots)
        assert resultat.exit_code == 0, resultat.output
        return resultat.output

    @property
    def derniere(self) -> str:
        """La dernière réponse, sur une ligne, espaces insécables comprises en espaces."""
        texte = self.reponses[-1].output.replace("\u00a0", " ").replace("\u202f", " ")
        return re.sub(r"\s+", " ", texte)


@pytest.fixture
def terminal(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Terminal:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GOUVERNANCE_OPERATOR", raising=False)
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    monkeypatch.setenv("COLUMNS", "200")
    return Terminal(database_url, tmp_path)


@given(etape("une base neuve et le barème adopté « {identifiant} » de l'association"))
def base_neuve(terminal: Terminal, identifiant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert f"id: {identifiant}" in (REGLES / "cotisation-2027.yaml").read_text("utf-8")
    monkeypatch.setenv("GOUVERNANCE_RULES_DIR", str(REGLES))


@when(etape("on lance « gouvernance {commande} »"))
def lance(terminal: Terminal, commande: str) -> None:
    terminal.tape(*commande.split(), compte=None)


@when(etape("on lance « gouvernance {commande} » sans nommer de compte"))
def lance_sans_compte(terminal: Terminal, commande: str) -> None:
    resultat = terminal.tape(*commande.split(), compte=None)
    assert resultat.exit_code == 1


@given(etape("« {nom} » a créé le premier compte administrateur"))
@when(etape("« {nom} » crée le premier compte administrateur"))
def premier_administrateur(terminal: Terminal, nom: str) -> None:
    resultat = terminal.tape("users", "add", nom, "--password", "un-long-secret", compte=None)
    assert resultat.exit_code == 0, resultat.output
    assert f"gouvernance --as {nom}" in resultat.output


@when(
    etape(
        "claire déclare l'association « {nom} », RNA « {rna} », SIREN « {siren} », IBAN « {iban} »"
    )
)
def declare(terminal: Terminal, nom: str, rna: str, siren: str, iban: str) -> None:
    terminal.reussit(
        "organisation", "set", "--name", nom, "--legal-form", "association", "--rna", rna,
        "--siren", siren, "--address", "12 rue des Tilleuls", "--postal-code", "84000",
        "--city", "Avignon", "--iban", iban, "--ics", "FR72ZZZ123456",
        "--president", "Claire Martin", "--president-title", "Présidente",
        "--treasurer", "Paul Roux", "--treasurer-title", "Trésorier bénévole",
    )  # fmt: skip


@then(etape("« gouvernance organisation show » affiche le BIC « {bic} » déduit de l'IBAN"))
def bic_deduit(terminal: Terminal, bic: str) -> None:
    assert re.search(rf"BIC\s*│\s*{bic}\b", terminal.reussit("organisation", "show"))


@when(etape("claire importe le fichier « {fichier} » des exemples"))
def importe(terminal: Terminal, fichier: str) -> None:
    shutil.copy(EXEMPLES / fichier, terminal.dossier / fichier)
    terminal.reussit("members", "import", fichier)


@when(etape("claire émet les appels du barème « {bareme} » à échéance du {jour}"))
def emet(terminal: Terminal, bareme: str, jour: str) -> None:
    terminal.reussit("calls", "issue", bareme, "--due", jour)


@when("claire demande le fichier des écritures comptables de 2027")
def demande_fec(terminal: Terminal) -> None:
    resultat = terminal.tape("export", "fec", "--start", "2027-01-01", "--end", "2027-12-31")
    assert resultat.exit_code == 1


@then(etape("la réponse dit « {texte} »"))
def la_reponse_dit(terminal: Terminal, texte: str) -> None:
    assert texte in terminal.derniere, terminal.derniere


@then(etape("la lettre de l'appel « {appel} » imprime « {a} », « {b} » et « {c} »"))
def lettre(terminal: Terminal, appel: str, a: str, b: str, c: str) -> None:
    terminal.reussit("calls", "letter", appel, "--out", "appel.html")
    page = (terminal.dossier / "appel.html").read_text(encoding="utf-8")
    for imprime in (a, b, c):
        assert imprime in page, imprime
    terminal.reussit("calls", "letter", appel, "--out", "appel.pdf")
    assert (terminal.dossier / "appel.pdf").read_bytes().startswith(b"%PDF")


@then(
    etape(
        "le fichier des écritures comptables de {annee:d}, l'année où les appels sont émis, "
        "s'appelle « {nom} »"
    )
)
def fec(terminal: Terminal, annee: int, nom: str) -> None:
    terminal.reussit("export", "fec", "--start", f"{annee}-01-01", "--end", f"{annee}-12-31")
    lignes = (terminal.dossier / nom).read_text(encoding="utf-8-sig").splitlines()
    assert len(lignes[0].split("|")) == 18 and len(lignes) > 1


@then(etape("l'ordre de prélèvement du {jour} prélève {montant} € au membre {code} mandaté"))
def sepa(terminal: Terminal, jour: str, montant: str, code: str) -> None:
    terminal.reussit(
        "mandates", "set", code, "--rum", f"VENTOUX-{code}", "--signed-on", "2026-12-01",
        "--iban", "FR14 2004 1010 0505 0001 3M02 606", "--bic", "PSSTFRPPMAR",
    )  # fmt: skip
    terminal.reussit("export", "sepa", "--collection-date", jour)
    day, month, year = jour.split("/")
    (fichier,) = terminal.dossier.glob(f"prelevements-{year}-{month}-{day}-*.xml")
    xml = fichier.read_text("utf-8")
    assert f'<InstdAmt Ccy="EUR">{montant.replace(",", ".")}</InstdAmt>' in xml
    assert "FR72ZZZ123456" in xml


@then(etape("le journal d'audit attribue chaque écriture à « {nom} »"))
def journal(terminal: Terminal, nom: str) -> None:
    application = bootstrap(terminal.base, migrate=False)
    try:
        auteurs = {entree.actor for entree in audit.recent(application.uows, SYSTEM, 100)}
    finally:
        application.close()
    assert auteurs == {nom}
