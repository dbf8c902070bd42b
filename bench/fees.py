"""Cotisations : 100 000 membres × 10 barèmes, chemin rapide (``vector.evaluate``).

Mesure, dans la même exécution :

- le chemin rapide complet : construction de la table des membres (dates, catégories, chiffres
  convertis en centimes entiers) puis évaluation des 10 barèmes — meilleur de 3 essais, chaque
  essai repartant d'une table neuve (les chiffres sont lus à la première utilisation) ;
- une référence minimale : une boucle Python sur des centimes entiers déjà préparés, qui fait
  pour chaque membre et chaque barème l'arithmétique essentielle (lire la base, multiplier,
  diviser, plancher, plafond) — rien de plus ; meilleur de 3 essais.

Avant de chronométrer, le chemin rapide est comparé à l'interpréteur (``engine.assess``) sur un
échantillon de 2 000 membres, pour les 10 barèmes : au moindre écart, le script s'arrête.

Lancer : ``.venv/bin/python bench/fees.py``. Dernière ligne : un objet JSON.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from shared import count, french

from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.engine import Payer, assess
from gouvernance.domain.fees.schedule import FeeSchedule, parse_schedule
from gouvernance.domain.fees.vector import PayerTable, evaluate
from gouvernance.domain.money import format_amount, from_cents

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 100_000
SAMPLE = 2_000
RUNS = 3
SEED = 20271
FISCAL_YEAR = 2027
FACTS_YEAR = FISCAL_YEAR - 1

MONEY = (FactKind.REVENUE, FactKind.PROFIT, FactKind.GROSS_MARGIN, FactKind.VALUE_ADDED)
CATEGORIES = [
    ("producer", 45),
    ("partner", 15),
    ("public_body", 5),
    ("beneficiary", 10),
    ("person", 25),
]


# --------------------------------------------------------------------------------------------
# Synthetic member base


def synthetic_members(count: int, seed: int) -> list[Payer]:
    """A plausible network: mostly small structures, a few large ones; ~5 % missing a figure,
    ~3 % at a loss, ~2 % joining during the year, ~1 % leaving during it."""
    rng = random.Random(seed)
    codes = [code for code, weight in CATEGORIES for _ in range(weight)]
    members = []
    for number in range(count):
        category = rng.choice(codes)
        facts: dict[tuple[FactKind, int], int] = {}
        if category in ("producer", "partner"):
            tier = rng.choice((10**6, 10**7, 10**7, 10**8, 10**9))  # revenue in cents
            revenue = rng.randrange(tier, tier * 10)
            margin = -rng.randrange(1, 15) if rng.random() < 0.03 else rng.randrange(1, 15)
            facts[(FactKind.REVENUE, FACTS_YEAR)] = revenue
            facts[(FactKind.PROFIT, FACTS_YEAR)] = revenue * margin // 100
            facts[(FactKind.GROSS_MARGIN, FACTS_YEAR)] = revenue * rng.randrange(30, 60) // 100
            facts[(FactKind.VALUE_ADDED, FACTS_YEAR)] = revenue * rng.randrange(20, 50) // 100
            facts[(FactKind.HEADCOUNT, FACTS_YEAR)] = rng.randrange(50, 20000)  # hundredths
            if rng.random() < 0.10:
                facts[(FactKind.IN_KIND_HOURS, FACTS_YEAR)] = rng.randrange(100, 20000)
            if rng.random() < 0.03:
                facts[(FactKind.IN_KIND_EQUIPMENT, FACTS_YEAR)] = rng.randrange(10**4, 10**7)
        elif category == "public_body":
            facts[(FactKind.POPULATION, FACTS_YEAR)] = rng.randrange(200, 300_000) * 100
            facts[(FactKind.HEADCOUNT, FACTS_YEAR)] = rng.randrange(100, 50000)
        if facts and rng.random() < 0.05:
            del facts[rng.choice(sorted(facts))]
        joined = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 6000))
        if rng.random() < 0.02:
            joined = date(FISCAL_YEAR, 1, 1) + timedelta(days=rng.randrange(1, 365))
        left = None
        if rng.random() < 0.01:
            left = date(FISCAL_YEAR, 1, 1) + timedelta(days=rng.randrange(0, 365))
        figures = {key: Decimal(value).scaleb(-2) for key, value in facts.items()}
        code = f"M{number:06d}"
        members.append(Payer(code, f"Membre {number}", category, joined, left, figures))
    return members


# --------------------------------------------------------------------------------------------
# Ten schedules: the three demo ones, and seven covering the other mechanisms


def _schedule(identifier: str, fee: dict[str, Any], **options: Any) -> FeeSchedule:
    document = {
        "id": identifier,
        "label": identifier,
        "fiscal_year": FISCAL_YEAR,
        "facts_year": "N-1",
        "fee": fee,
        **options,
    }
    return parse_schedule(document, f"bench:{identifier}")


def schedules() -> list[FeeSchedule]:
    demo = [
        parse_schedule(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        for path in sorted((ROOT / "rules" / "fees" / "demo").glob("*.yaml"))
    ]
    people = {"beneficiary": "0,00", "person": "20,00"}
    built = [
        _schedule(
            "tranches-marge",
            {
                "by_category": {
                    **people,
                    "default": {
                        "brackets": {
                            "base": "gross_margin",
                            "grid": [
                                {"to": "50000", "amount": "80,00"},
                                {"from": "50000", "up_to": "500000", "amount": "300,00"},
                                {"above": "500000", "rate": "0,06 %"},
                            ],
                        },
                        "cap": "2500,00",
                    },
                }
            },
        ),
        _schedule(
            "marginal-valeur-ajoutee",
            {
                "by_category": {
                    **people,
                    "default": {
                        "brackets": {
                            "base": "value_added",
                            "mode": "marginal",
                            "grid": [
                                {"to": "100000", "rate": "0,2 %"},
                                {"from": "100000", "to": "1000000", "rate": "0,1 %"},
                                {"from": "1000000", "rate": "0,05 %"},
                            ],
                        },
                        "floor": "50,00",
                    },
                }
            },
            prorata="month",
        ),
        _schedule(
            "min-max",
            {
                "by_category": {
                    **people,
                    "default": {
                        "maximum_of": [
                            {
                                "minimum_of": [
                                    {"rate": {"rate": "1 %", "base": "profit"}},
                                    {"rate": {"rate": "0,2 %", "base": "revenue"}},
                                ]
                            },
                            {"amount": "60,00"},
                        ],
                        "cap": "3000,00",
                    },
                }
            },
        ),
        _schedule(
            "par-etp",
            {
                "by_category": {
                    **people,
                    "default": {
                        "per_unit": {"amount": "12,50", "base": "headcount"},
                        "floor": "40,00",
                        "cap": "1800,00",
                    },
                }
            },
        ),
        _schedule(
            "mensuel-et-taux",
            {
                "sum": [
                    {"monthly": "8,00"},
                    {
                        "rate": {"rate": "0,5 %", "base": "profit"},
                        "exemptions": [
                            {"category": ["beneficiary", "person", "public_body"]},
                            {"base": "revenue", "below": "20000"},
                        ],
                        "cap": "1000,00",
                    },
                ]
            },
        ),
        _schedule(
            "nature",
            {
                "by_category": {
                    "producer": "450,00",
                    "partner": "450,00",
                    "public_body": "600,00",
                    **people,
                }
            },
            in_kind={"hours": "15,00", "equipment": "10 %"},
        ),
        _schedule(
            "prorata-jour",
            {
                "by_category": {
                    **people,
                    "default": {
                        "rate": {"rate": "0,15 %", "base": "revenue"},
                        "floor": "30,00",
                        "cap": "5000,00",
                    },
                }
            },
            prorata="day",
            rounding="euro",
        ),
    ]
    return demo + built


# --------------------------------------------------------------------------------------------
# The minimal reference: one plain loop per schedule over prepared integer cents


Plan = tuple[list[int | None], int, int, int, int]  # base, numerator, denominator, floor, cap


def reference_plans(members: list[Payer], count: int) -> list[Plan]:
    """For each schedule, its essential arithmetic as « base × num // den, floor, cap » over a
    column of integer cents prepared in advance (not timed)."""

    def column(kind: FactKind) -> list[int | None]:
        key = (kind, FACTS_YEAR)
        return [None if (v := m.facts.get(key)) is None else int(v * 100) for m in members]

    def plan(kind: FactKind, rate: Fraction, floor: int, cap: int) -> Plan:
        return column(kind), rate.numerator, rate.denominator, floor, cap

    plans = [
        plan(FactKind.REVENUE, Fraction(0), 40000, 40000),  # forfait
        plan(FactKind.REVENUE, Fraction(1, 1000), 15000, 200000),  # barème CA
        plan(FactKind.PROFIT, Fraction(2, 100), 10000, 150000),  # quote-part
        plan(FactKind.GROSS_MARGIN, Fraction(6, 10000), 8000, 250000),
        plan(FactKind.VALUE_ADDED, Fraction(1, 1000), 5000, 10**12),
        plan(FactKind.PROFIT, Fraction(1, 100), 6000, 300000),
        plan(FactKind.HEADCOUNT, Fraction(1250, 100), 4000, 180000),
        plan(FactKind.PROFIT, Fraction(5, 1000), 0, 100000),
        plan(FactKind.IN_KIND_HOURS, Fraction(1500, 100), 0, 45000),
        plan(FactKind.REVENUE, Fraction(15, 10000), 3000, 500000),
    ]
    assert len(plans) == count
    return plans


def run_reference(plans: list[Plan]) -> list[list[int | None]]:
    results = []
    for base, num, den, floor, cap in plans:
        out: list[int | None] = []
        append = out.append
        for value in base:
            if value is None:
                append(None)
            else:
                append(min(max(value * num // den, floor), cap))
        results.append(out)
    return results


# --------------------------------------------------------------------------------------------
# Measuring


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def check_against_interpreter(members: list[Payer], rules: list[FeeSchedule]) -> int:
    """Stop loudly at the first payer for whom the fast path and the interpreter differ."""
    table = PayerTable.build(members)
    for schedule in rules:
        fast = evaluate(schedule, table)
        for i, payer in enumerate(members):
            reference = assess(schedule, payer)
            if (fast.cents[i], fast.liable[i]) != (reference.cents, reference.liable):
                sys.exit(
                    f"ÉCART sur {schedule.id}, membre {payer.code} : chemin rapide "
                    f"{fast.cents[i]} ({fast.liable[i]}), interpréteur {reference.cents} "
                    f"({reference.liable})\n{reference.explain()}"
                )
    return len(members) * len(rules)


def main() -> None:
    generated = time.perf_counter()
    members = synthetic_members(MEMBERS, SEED)
    rules = schedules()
    generated = time.perf_counter() - generated
    print(f"{count(len(members))} membres synthétiques, {len(rules)} barèmes ({french(generated)})")

    checked = check_against_interpreter(random.Random(SEED).sample(members, SAMPLE), rules)
    print(f"contrôle : {count(checked)} cotisations identiques à l'interpréteur")

    def fast_path() -> tuple[float, float, list[list[int | None]]]:
        start = time.perf_counter()
        table = PayerTable.build(members)
        built = time.perf_counter()
        results = [evaluate(schedule, table).cents for schedule in rules]
        return built - start, time.perf_counter() - built, results

    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        build, run, results = fast_path()
        timings.append((time.perf_counter() - start, build, run))
    seconds, build, run = min(timings)
    plans = reference_plans(members, len(rules))
    reference_seconds, _ = best_of(RUNS, lambda: run_reference(plans))

    owed = sum(c for cents in results for c in cents if c)
    missing = sum(c is None for cents in results for c in cents)
    print(
        f"chemin rapide : {french(seconds)} (table {french(build)}, évaluation {french(run)}) ; "
        f"essais : {', '.join(french(t) for t, _, _ in timings)}"
    )
    print(f"référence minimale (boucle en centimes entiers) : {french(reference_seconds)}")
    ratio = f"{seconds / reference_seconds:.2f}".replace(".", ",")
    print(f"rapport : {ratio} (cible ≤ 3) ; durée cible ≤ 3 s")
    print(f"total appelé : {format_amount(from_cents(owed))} ; incalculables : {count(missing)}")
    print(
        json.dumps(
            {
                "seconds": round(seconds, 4),
                "reference_seconds": round(reference_seconds, 4),
                "ratio": round(seconds / reference_seconds, 3),
                "members": len(members),
                "schedules": len(rules),
            }
        )
    )


if __name__ == "__main__":
    main()
