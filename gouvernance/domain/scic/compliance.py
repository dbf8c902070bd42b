"""Compliance of a statutes document with the law in force on a day: findings with articles.

CONTRACT (filled in by the compliance work): ``check`` returns every finding, errors first;
lawful statutes give an empty list. ``capital`` is the picture to test the public bodies' cap
against (projected from minimum subscriptions in the transition report, or the register).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gouvernance.domain.scic.decisions import AssemblyPresets
from gouvernance.domain.scic.law import LawBook
from gouvernance.domain.scic.statutes import Statutes


class Severity(StrEnum):
    ERROR = "error"  # unlawful: the statutes cannot be adopted as written
    WARNING = "warning"  # lawful but risky, or to check with the text

    @property
    def label(self) -> str:
        return "erreur" if self is Severity.ERROR else "avertissement"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable identifier, e.g. "college_weight_below_min"
    message: str  # French, names the figures: « le collège des usagers pèse 8 %, moins que 10 % »
    article: str  # the law book's reference, e.g. « loi n° 47-1775, art. 19 octies »
    path: str  # key path in the statutes document, e.g. « colleges[1].weight »


@dataclass(frozen=True)
class CapitalPicture:
    """Capital as subscribed (or planned): the total and the public bodies' part."""

    total: Decimal
    public_bodies: Decimal
    label: str = ""  # « capital projeté aux souscriptions minimales », « registre au 31/12/2027 »


def check(
    statutes: Statutes,
    law: LawBook,
    presets: AssemblyPresets,
    on: date,
    capital: CapitalPicture | None = None,
) -> list[Finding]:
    raise NotImplementedError("compliance work in progress")
