"""Étapes de l'affectation des excédents (``features/excedents.feature``).

Chaque scénario passe par les services et une vraie base (SQLite, et PostgreSQL quand
``GOUVERNANCE_TEST_DATABASE_URL`` est définie) : les membres sont inscrits au registre, les
statuts écrits dans un dossier temporaire (``GOUVERNANCE_STATUTES_DIR``) et choisis par
l'administrateur, le capital souscrit par le service du capital (``capital.subscribe``), puis
``surplus.simulate`` lit le registre au 31/12 de l'exercice.

Les textes attendus sont écrits avec des espaces ordinaires et remis par
``avec_espaces_insecables`` tels que Babel les écrit (espaces fines dans les nombres, insécables
avant « € » et « % »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from etapes_fr import Tentative, avec_espaces_insecables, etape, lire_date, tableau
from pytest_bdd import given, parsers, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.money import parse_amount
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.rule_documents import parse_share
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import clock
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members
from gouvernance.services.scic import capital, scic_rules, surplus
from gouvernance.services.scic.surplus import SurplusView

pytestmark = pytest.mark.usefixtures("app")

scenarios("excedents.feature")

CONSEIL = Actor(username="bureau", role=Role.BOARD)
TRESORIERE = Actor(username="claire", role=Role.TREASURER)
ADHERENT = Actor(username="adherent", role=Role.MEMBER, member_code="SAL01")
QUI = {"le conseil": CONSEIL, "la trésorière": TRESORIERE, "un adhérent": ADHERENT}
CATEGORIES = {"salariés": "employee", "usagers": "beneficiary", "producteurs": "producer"}

STATUTS = """\
id: scic-essai
label: Statuts de la SCIC {nom}
valid_from: 2020-01-01
legal_form: scic_sas
categories:
  - {{code: salaries, label: Salariés, kind: employee, registry: [employee]}}
  - {{code: usagers, label: Usagers, kind: beneficiary, registry: [beneficiary]}}
  - {{code: producteurs, label: Producteurs, kind: producer, registry: [producer]}}
capital:
  share_value: "{part}"
  paid_at_subscription: "25 %"
  paying_delay_years: 3
surplus:
  legal_reserve: "{legale}"
  statutory_reserve: "{statutaire}"
  interest_rate: "{interet}"
  ristourne: "{ristourne}"
"""


@dataclass
class Simulation:
    dossier: Path
    reglages: dict[str, str] = field(default_factory=dict)
    tentative: Tentative = field(default_factory=Tentative)

    def ecrire_statuts(self) -> None:
        texte = STATUTS.format(**self.reglages)
        (self.dossier / "scic-essai.yaml").write_text(texte, encoding="utf-8")

    def vue(self) -> SurplusView:
        resultat = self.tentative.reussite()
        assert isinstance(resultat, SurplusView)
        return resultat


@pytest.fixture
def simulation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tentative: Tentative) -> Simulation:
    """Les statuts du scénario, et la tentative partagée avec les étapes du conftest (un refus
    non vérifié y fait échouer le scénario)."""
    dossier = tmp_path / "statuts"
    dossier.mkdir()
    monkeypatch.setenv(scic_rules.STATUTES_VARIABLE, str(dossier))
    return Simulation(dossier, tentative=tentative)


# --- Étant donné ------------------------------------------------------------------------------


@given(
    etape(
        "la SCIC « {nom} » et ses statuts : réserve légale {legale}, réserve statutaire "
        "{statutaire}, intérêt aux parts {interet}, ristourne {ristourne}"
    )
)
def la_scic(
    app: Application,
    simulation: Simulation,
    nom: str,
    legale: str,
    statutaire: str,
    interet: str,
    ristourne: str,
) -> None:
    simulation.reglages = {
        "nom": nom, "part": "50,00", "legale": legale, "statutaire": statutaire,
        "interet": interet, "ristourne": ristourne,
    }  # fmt: skip
    simulation.ecrire_statuts()
    organisation = Organisation(name=nom, legal_form="SCIC SAS", siren="732829320")
    setup.set_organisation(app.uows, SYSTEM, organisation)
    capital.choose_statutes(app.uows, SYSTEM, "scic-essai")


@given(etape("les statuts sont modifiés : ristourne {ristourne}"))
def statuts_modifies(simulation: Simulation, ristourne: str) -> None:
    simulation.reglages["ristourne"] = ristourne
    simulation.ecrire_statuts()


@given(etape("nous sommes le {jour:Date}"))
def nous_sommes_le(monkeypatch: pytest.MonkeyPatch, jour: date) -> None:
    monkeypatch.setenv(clock.VARIABLE, jour.isoformat())


@given(etape("les associés ont souscrit au capital, parts de {part:Montant} :"))
def les_associes(
    app: Application, simulation: Simulation, part: Decimal, datatable: list[list[str]]
) -> None:
    assert part == parse_amount(simulation.reglages["part"])
    for ligne in tableau(datatable):
        prenom, nom = ligne["nom"].split(" ", 1)
        jour = lire_date(ligne["souscription"])
        brouillon = MemberDraft(
            kind=PersonKind.NATURAL, category=CATEGORIES[ligne["catégorie"]],
            joined_on=date(jour.year - 1, 1, 1), first_name=prenom, last_name=nom,
            code=ligne["code"],
        )  # fmt: skip
        members.create_member(app.uows, SYSTEM, brouillon)
        capital.subscribe(
            app.uows, SYSTEM, ligne["code"], int(ligne["parts"]), parse_amount(ligne["libéré"]),
            jour,
        )  # fmt: skip


@given(
    etape("{code} souscrit {parts:d} parts de plus le {jour:Date}, libérées de {libere:Montant}")
)
def souscription_de_plus(
    app: Application, code: str, parts: int, jour: date, libere: Decimal
) -> None:
    capital.subscribe(app.uows, SYSTEM, code, parts, libere, jour)


# --- Quand ------------------------------------------------------------------------------------

_SIMULER = (
    r"(?P<qui>le conseil|la trésorière|un adhérent) simule l'affectation de l'excédent "
    r"(?P<annee>\d{4}) de (?P<excedent>.+?), réserves (?P<reserves>.+?), "
    r"(?:subventions|aides publiques et associatives) (?P<subventions>.+?)"
    r"(?:, pertes antérieures non apurées (?P<pertes>.+?))?(?:, au taux de (?P<taux>.+))?"
)


@when(parsers.re(_SIMULER))
def simuler(
    app: Application,
    simulation: Simulation,
    qui: str,
    annee: str,
    excedent: str,
    reserves: str,
    subventions: str,
    taux: str | None,
    pertes: str | None,
) -> None:
    rate: Fraction | None = None if taux is None else parse_share(taux, "taux", "scénario")
    simulation.tentative.essayer(
        lambda: surplus.simulate(
            app.uows,
            QUI[qui],
            int(annee),
            parse_amount(excedent),
            parse_amount(reserves),
            parse_amount(subventions),
            rate,
            None,
            parse_amount(pertes or "0"),
        )
    )


# --- Alors ------------------------------------------------------------------------------------


@then("la simulation est acceptée")
def simulation_acceptee(simulation: Simulation) -> None:
    simulation.vue()


@then("la simulation est refusée avec le message :")
def refusee(simulation: Simulation, docstring: str) -> None:
    attendu = avec_espaces_insecables(docstring.strip()).replace(" %", "\u00a0%")
    assert simulation.tentative.refus().message == attendu


@then("la simulation est refusée avec un message qui commence par :")
def refusee_debut(simulation: Simulation, docstring: str) -> None:
    attendu = avec_espaces_insecables(docstring.strip()).replace(" %", "\u00a0%")
    message = simulation.tentative.refus().message
    assert message.startswith(attendu), message


@then("l'affectation est :")
def l_affectation(simulation: Simulation, datatable: list[list[str]]) -> None:
    lignes = [(ligne.label, ligne.amount) for ligne in simulation.vue().lines]
    attendu = [(ligne["ligne"], parse_amount(ligne["montant"])) for ligne in tableau(datatable)]
    assert lignes == attendu


@then(etape("les lignes totalisent {total:Montant}, dont {reserves:Montant} aux réserves"))
def total(simulation: Simulation, total: Decimal, reserves: Decimal) -> None:
    affectation = simulation.vue().allocation
    assert sum((ligne.amount for ligne in affectation.lines), Decimal(0)) == total
    assert affectation.surplus == total
    assert affectation.impartible_reserves == reserves


@then(etape("la ligne « {libelle} » vaut {montant:Montant}"))
def ligne_vaut(simulation: Simulation, libelle: str, montant: Decimal) -> None:
    trouvees = [ligne.amount for ligne in simulation.vue().lines if ligne.label == libelle]
    assert trouvees == [montant]


@then(etape("la ligne « {libelle} » s'explique ainsi :"))
def ligne_expliquee(simulation: Simulation, libelle: str, docstring: str) -> None:
    attendu = avec_espaces_insecables(docstring.strip()).replace(" %", "\u00a0%")
    trouvees = [ligne.explanation for ligne in simulation.vue().lines if ligne.label == libelle]
    assert trouvees == [attendu]


@then("les intérêts aux parts sont :")
def les_interets(simulation: Simulation, datatable: list[list[str]]) -> None:
    obtenus = [
        (i.member_code, i.member_name, i.paid_up, i.amount) for i in simulation.vue().interests
    ]
    attendus = [
        (
            ligne["associé"],
            ligne["nom"],
            parse_amount(ligne["capital libéré"]),
            parse_amount(ligne["intérêt"]),
        )
        for ligne in tableau(datatable)
    ]
    assert obtenus == attendus
