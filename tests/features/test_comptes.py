"""Étapes de ``features/comptes.feature`` : comptes, connexion, limites des échecs, journal.

Chaque scénario passe par la couche services (``gouvernance.services.access.accounts``) et une vraie
base (fixture ``app``, SQLite et PostgreSQL). Les limites de connexion sont celles de
l'application, sur une horloge que le scénario avance (« 300 secondes passent ») au lieu
d'attendre.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from etapes_fr import Tentative, etape
from pytest_bdd import given, scenarios, then, when

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.access import accounts
from gouvernance.services.access.sign_in_limits import SignInLimits

pytestmark = pytest.mark.usefixtures("app")

scenarios("comptes.feature")


@dataclass
class Horloge:
    maintenant: float = 1000.0

    def __call__(self) -> float:
        return self.maintenant


@dataclass
class Comptes:
    horloge: Horloge
    limites: SignInLimits
    jetons: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def comptes() -> Comptes:
    horloge = Horloge()
    return Comptes(horloge, SignInLimits(clock=horloge))


def _role(libelle: str) -> Role:
    for role in Role:
        if role.label == libelle:
            return role
    raise AssertionError(f"rôle inconnu : « {libelle} »")


def _acteur(app: Application, comptes: Comptes, nom: str) -> Actor:
    if nom not in comptes.jetons:
        raise AssertionError(f"« {nom} » ne s'est pas connecté dans ce scénario")
    return accounts.actor_for_token(app.uows, comptes.jetons[nom])


def _admin(app: Application, comptes: Comptes, nom: str) -> Actor:
    """L'administrateur se connecte (son mot de passe est « secret-<nom> »)."""
    return accounts.actor_for_token(
        app.uows, _connexion(app, comptes, nom, f"secret-{nom}", "192.0.2.2")
    )


def _connexion(app: Application, comptes: Comptes, nom: str, mot: str, adresse: str) -> str:
    return accounts.sign_in(app.uows, nom, mot, adresse, limits=comptes.limites)


def _journal(app: Application) -> list[str]:
    return [
        f"{e.actor} {e.action} {e.entity_key} {e.detail}"
        for e in audit.recent(app.uows, SYSTEM, 1000)
    ]


# --- Étant donné ------------------------------------------------------------------------------


@given(etape("un compte {libelle} « {nom} » avec le mot de passe « {mot} »"))
def un_compte(app: Application, libelle: str, nom: str, mot: str) -> None:
    accounts.add_user(app.uows, SYSTEM, nom, mot, _role(libelle))


@given(etape("« {nom} » est connecté"))
def est_connecte(app: Application, comptes: Comptes, nom: str) -> None:
    comptes.jetons[nom] = _connexion(app, comptes, nom, f"secret-{nom}", "192.0.2.1")


# --- Quand ------------------------------------------------------------------------------------


@when(etape("« {admin} » désactive le compte « {nom} »"))
def desactive(app: Application, comptes: Comptes, admin: str, nom: str) -> None:
    acteur = _admin(app, comptes, admin)
    accounts.deactivate_user(app.uows, acteur, nom)


@when(etape("« {admin} » réactive le compte « {nom} »"))
def reactive(app: Application, comptes: Comptes, admin: str, nom: str) -> None:
    acteur = _admin(app, comptes, admin)
    accounts.reactivate_user(app.uows, acteur, nom)


@when(etape("le système désactive le compte « {nom} »"))
def systeme_desactive(app: Application, tentative: Tentative, nom: str) -> None:
    tentative.essayer(lambda: accounts.deactivate_user(app.uows, SYSTEM, nom))


@when(etape("« {nom} » se trompe de mot de passe {fois:d} fois"))
def se_trompe(app: Application, comptes: Comptes, nom: str, fois: int) -> None:
    for i in range(fois):
        with pytest.raises(GouvernanceError, match="identifiant ou mot de passe incorrect"):
            _connexion(app, comptes, nom, f"erreur-{i}", "192.0.2.3")


@when(etape("{secondes:d} secondes passent"))
def le_temps_passe(comptes: Comptes, secondes: int) -> None:
    comptes.horloge.maintenant += secondes


@when(etape("« {nom} » change son mot de passe de « {actuel} » en « {nouveau} »"))
def change(
    app: Application, comptes: Comptes, tentative: Tentative, nom: str, actuel: str, nouveau: str
) -> None:
    acteur = _acteur(app, comptes, nom)
    tentative.essayer(
        lambda: accounts.change_password(
            app.uows,
            acteur,
            actuel,
            nouveau,
            keep_token=comptes.jetons[nom],
            limits=comptes.limites,
        )
    )


@when(etape("« {admin} » réinitialise le mot de passe de « {nom} » en « {nouveau} »"))
def reinitialise(app: Application, comptes: Comptes, admin: str, nom: str, nouveau: str) -> None:
    acteur = _admin(app, comptes, admin)
    accounts.reset_password(app.uows, acteur, nom, nouveau)


@when(etape("« {nom} » se déconnecte"))
def se_deconnecte(app: Application, comptes: Comptes, nom: str) -> None:
    accounts.sign_out(app.uows, _acteur(app, comptes, nom), comptes.jetons[nom])


@when(etape("quelqu'un essaie « {nom} » avec « {mot} » depuis l'adresse « {adresse} »"))
def quelquun_essaie(app: Application, comptes: Comptes, nom: str, mot: str, adresse: str) -> None:
    with pytest.raises(GouvernanceError, match="identifiant ou mot de passe incorrect"):
        _connexion(app, comptes, nom, mot, adresse)


# --- Alors ------------------------------------------------------------------------------------


@then(etape("le jeton de « {nom} » est refusé avec le message :"))
def jeton_refuse(app: Application, comptes: Comptes, nom: str, docstring: str) -> None:
    with pytest.raises(GouvernanceError) as refus:
        accounts.actor_for_token(app.uows, comptes.jetons[nom])
    assert refus.value.message == docstring.strip()


@then(etape("la connexion de « {nom} » avec « {mot} » est refusée avec le message :"))
def connexion_refusee(
    app: Application, comptes: Comptes, nom: str, mot: str, docstring: str
) -> None:
    with pytest.raises(GouvernanceError) as refus:
        _connexion(app, comptes, nom, mot, "192.0.2.4")
    assert refus.value.message == docstring.strip()


@then(etape("« {nom} » se connecte avec « {mot} »"))
def se_connecte(app: Application, comptes: Comptes, nom: str, mot: str) -> None:
    jeton = _connexion(app, comptes, nom, mot, "192.0.2.5")
    assert accounts.actor_for_token(app.uows, jeton).username == nom


@then(etape("le journal d'audit compte {echecs:d} « {action} » et {blocages:d} « {blocage} »"))
def journal_compte(app: Application, echecs: int, action: str, blocages: int, blocage: str) -> None:
    actions = [e.action for e in audit.recent(app.uows, SYSTEM, 1000)]
    assert (actions.count(action), actions.count(blocage)) == (echecs, blocages)


@then(etape("le journal d'audit note l'échec de « {nom} » depuis « {adresse} »"))
def journal_echec(app: Application, nom: str, adresse: str) -> None:
    entree = audit.recent(app.uows, SYSTEM, 1)[0]
    assert (entree.actor, entree.action, entree.entity_key) == ("anonyme", "connexion.échouée", nom)
    assert f'"adresse": "{adresse}"' in entree.detail
    assert f'"identifiant": "{nom}"' in entree.detail


@then(etape("le journal d'audit ne contient nulle part « {texte} »"))
def journal_sans(app: Application, texte: str) -> None:
    assert not [ligne for ligne in _journal(app) if texte in ligne]
