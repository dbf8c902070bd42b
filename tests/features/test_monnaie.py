"""Étapes de ``features/monnaie.feature`` : répartition, arrondi, écriture et lecture des montants.

Ces scénarios ne touchent pas la base de données : ils ne dépendent pas de ``app`` et ne
tournent qu'une fois. Les montants attendus sont comparés exactement, en ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from etapes_fr import (
    Tentative,
    avec_espaces_insecables,
    decimal_ecrit_simplement,
    etape,
    montants,
    nombres,
    tableau,
)
from pytest_bdd import given, parsers, scenarios, then, when

from gouvernance.domain.money import allocate, format_amount, parse_amount, round_cents

scenarios("monnaie.feature")


@dataclass
class Repartition:
    montant: Decimal = Decimal("0.00")
    membres: list[str] = field(default_factory=list)
    poids: list[Decimal] = field(default_factory=list)


@pytest.fixture
def repartition() -> Repartition:
    return Repartition()


def _parts(tentative: Tentative) -> list[Decimal]:
    parts: list[Decimal] = tentative.reussite()
    assert parts is not None, "le montant n'a pas été réparti"
    return parts


# --- Répartition ------------------------------------------------------------------------------


@given(etape("un montant de {montant:Montant} à répartir"))
def un_montant(repartition: Repartition, montant: Decimal) -> None:
    repartition.montant = montant


@given("les membres suivants, avec leur poids :")
def des_membres_avec_poids(repartition: Repartition, datatable: list[list[str]]) -> None:
    for ligne in tableau(datatable):
        repartition.membres.append(ligne["membre"])
        repartition.poids.extend(nombres(ligne["poids"]))


@given(etape("les poids {poids}"))
def des_poids(repartition: Repartition, poids: str) -> None:
    repartition.poids = nombres(poids)


@when("je répartis le montant au prorata des poids")
def repartir(repartition: Repartition, tentative: Tentative) -> None:
    tentative.essayer(lambda: allocate(repartition.montant, repartition.poids))


@then("chacun reçoit :")
def chacun_recoit(
    repartition: Repartition, tentative: Tentative, datatable: list[list[str]]
) -> None:
    obtenu = dict(zip(repartition.membres, _parts(tentative), strict=True))
    attendu = {ligne["membre"]: parse_amount(ligne["part"]) for ligne in tableau(datatable)}
    assert obtenu == attendu
    assert list(obtenu) == list(attendu), "les membres ne sont pas dans le même ordre"


@then(etape("les parts sont, dans l'ordre, {parts}"))
def les_parts_sont(tentative: Tentative, parts: str) -> None:
    assert _parts(tentative) == montants(parts)


@then(etape("la somme des parts fait {total:Montant}"))
def la_somme_des_parts(tentative: Tentative, total: Decimal) -> None:
    assert sum(_parts(tentative), Decimal(0)) == total


# --- Arrondi, écriture, lecture ---------------------------------------------------------------


@when(etape("j'arrondis {valeur:Nombre} € au centime"), target_fixture="arrondi")
def arrondir(valeur: Decimal) -> Decimal:
    return round_cents(valeur)


@then(etape("j'obtiens {attendu:Montant}"))
def on_obtient(arrondi: Decimal, attendu: Decimal) -> None:
    assert arrondi == attendu
    assert arrondi.as_tuple().exponent == -2, f"{arrondi} n'est pas au centime"


@when(etape("j'écris le montant {valeur:Nombre}"), target_fixture="ecrit")
def ecrire(valeur: Decimal) -> str:
    return format_amount(valeur)


@then(etape("il s'écrit « {attendu} »"))
def il_s_ecrit(ecrit: str, attendu: str) -> None:
    assert ecrit == avec_espaces_insecables(attendu)


@when(parsers.re(r"je saisis le montant « (?P<saisie>.*) »"))
def saisir(tentative: Tentative, saisie: str) -> None:
    tentative.essayer(lambda: parse_amount(saisie))


@then(etape("la valeur lue est {valeur} euros"))
def la_valeur_lue(tentative: Tentative, valeur: str) -> None:
    lu: Decimal = tentative.reussite()
    assert lu == decimal_ecrit_simplement(valeur)
    assert lu.as_tuple().exponent == -2, f"{lu} n'est pas au centime"
