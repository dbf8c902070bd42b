"""Registre du capital : 65 000 souscriptions, une à une, par le service (``capital.subscribe``).

Le chemin est celui de l'API et de la ligne de commande : verrou du registre, clé d'idempotence,
statuts, contrôle de la souscription (minimum de parts de la catégorie, quart libéré), plafond
des collectivités (art. 19 septies), numérotation, insertion, journal d'audit, validation. Une
opération ne doit pas coûter plus cher quand le registre grandit : le script mesure le temps
de chaque millier successif de souscriptions et compare le dernier au premier (cible : à 20 %
près). Il chronomètre aussi 100 retraits d'une part après le premier millier et après le
dernier, puis, sur le registre complet, la liste d'émargement d'une assemblée (``build_roll``,
meilleur de 3) et la convocation entière (``assemblies.create_assembly`` : liste tirée,
insérée, assemblée relue).

Mise en place (non chronométrée, graine fixe) : des statuts de SCIC SAS à 5 catégories et
5 collèges écrits dans un dossier temporaire (``GOUVERNANCE_STATUTES_DIR``), 50 € la part,
1 part au moins ; l'organisation ; 65 000 membres insérés en bloc (10 % salariés, 60 %
bénéficiaires, 10 % producteurs, 15 % partenaires, 5 % collectivités). Chaque membre souscrit
1 à 4 parts, entièrement libérées.

Bases : SQLite (un fichier temporaire neuf) toujours ; PostgreSQL si
``GOUVERNANCE_BENCH_DATABASE_URL`` est défini (la base est vidée et reconstruite), sinon une
base voisine de celle des tests (``bench/shared.py``).

Lancer : ``.venv/bin/python bench/capital.py`` ; ``--quick`` : 10 000 souscriptions ;
``--taille N`` : N souscriptions ; ``--sqlite`` ou ``--postgresql`` : une seule base. Dernière
ligne : un objet JSON.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from shared import (
    Timed,
    count,
    french,
    migrated_postgres,
    migrated_sqlite,
    postgres_url,
    summary_line,
    synthetic_member,
)
from sqlalchemy import text

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.users import Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.orm import members
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assembly_roll import build_roll
from gouvernance.services.organisation.setup import ensure_default_categories
from gouvernance.services.scic import capital, scic_rules

SIZE = 65_000
QUICK = 10_000
BLOCK = 1_000  # subscriptions per measured block
EDGE = 3  # first and last blocks compared (their medians)
SEED = 20265
TARGET_RATIO = 1.2
ROLL_TARGET = 1.0  # seconds
WITHDRAWALS = 100
DAY = date(2026, 3, 2)
HELD_ON = date(2026, 6, 30)
STATUTES_ID = "bench-capital"
SHARE = Decimal("50.00")
TREASURER = Actor("tresoriere", Role.TREASURER)
ADMIN = Actor("admin", Role.ADMIN)

# (registry category, statutes category code, label, share of the associates in %)
CATEGORIES = (
    ("employee", "salaries", "Salariés", 10),
    ("beneficiary", "usagers", "Bénéficiaires", 60),
    ("producer", "producteurs", "Producteurs", 10),
    ("partner", "partenaires", "Partenaires", 15),
    ("public_body", "collectivites", "Collectivités", 5),
)


def statutes_yaml() -> str:
    lines = [
        "# Statuts du banc d'essai du registre du capital : une SCIC SAS à cinq collèges.",
        f"id: {STATUTES_ID}",
        "label: Statuts du banc d'essai du capital",
        "valid_from: 2020-01-01",
        "legal_form: scic_sas",
        "categories:",
    ]
    for registry, code, label, _ in CATEGORIES:
        lines.append(
            f"  - {{code: {code}, label: {label}, kind: {registry}, registry: [{registry}], "
            "minimum_subscription: {shares: 1}}"
        )
    lines.append("colleges:")
    for _, code, label, _ in CATEGORIES:
        lines.append(
            f'  - {{code: {code}, label: "Collège {label.lower()}", weight: "20 %", '
            f"categories: [{code}], minimum_size: 3}}"
        )
    lines += [
        "college_rules:",
        "  weighting: fixed",
        "  empty_college: redistribute",
        "assemblies:",
        "  preset: scic_sas",
        "proxies:",
        "  preset: scop",
        "capital:",
        '  share_value: "50,00"',
        '  paid_at_subscription: "25 %"',
        "  paying_delay_years: 3",
        "  refund_delay_months: 12",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# The synthetic registry (inserted in bulk: not measured)


def registry(size: int) -> tuple[list[dict[str, Any]], list[int]]:
    """Members (rows of ``members``) and the shares each subscribes, in the order subscribed.
    The first ten are employees: the public bodies' cap (50 %) holds from the start."""
    rng = random.Random(SEED)
    pool = [registry for registry, _, _, weight in CATEGORIES for _ in range(weight)]
    rows, shares = [], []
    for number in range(1, size + 1):
        category = "employee" if number <= 10 else rng.choice(pool)
        legal = category in ("producer", "partner", "public_body")
        joined = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3000))
        rows.append(synthetic_member(number, category, legal, joined))
        shares.append(rng.randint(1, 4))
    return rows, shares


def populate(url: str, rows: list[dict[str, Any]]) -> None:
    app = bootstrap(url, migrate=False)
    ensure_default_categories(app.uows)
    with app.uows() as uow:
        uow.organisation.add(
            Organisation(name="SCIC du banc d'essai", legal_form="scic_sas", statutes_id=None)
        )
        uow.commit()
    capital.choose_statutes(app.uows, ADMIN, STATUTES_ID)
    app.close()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(members.insert(), rows)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Measure:
    name: str
    blocks: list[float] = field(default_factory=list)  # seconds per successive BLOCK
    processor: list[float] = field(default_factory=list)  # this process's processor time
    withdrawals: list[float] = field(default_factory=list)  # seconds per withdrawal, start/end
    roll_seconds: float = 0.0
    roll_size: int = 0
    convene_seconds: float = 0.0
    analyzed: int = 0  # ANALYZE run in place of an autovacuum switched off

    seconds: float = 0.0  # the last thousands: median of the last three (one noisy block
    reference_seconds: float = 0.0  # does not decide); the first thousands likewise

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def withdraw_some(app: Application, codes: Sequence[str]) -> float:
    """Seconds per withdrawal of one share, over ``codes`` (each holds 2 shares or more)."""
    start = time.perf_counter()
    for code in codes:
        capital.withdraw(app.uows, TREASURER, code, 1, DAY)
    return (time.perf_counter() - start) / len(codes)


class Autovacuum:
    """What a production PostgreSQL's autovacuum does, for a server where it is off (test
    servers): ``ANALYZE`` a table once more than 50 rows + 10 % of it changed since the last one
    (the default thresholds), between two blocks, not timed. Without fresh statistics the plans
    psycopg prepares after five runs stay those of an empty register: sequential scans whose
    cost grows with it."""

    QUERY = (
        "SELECT relname FROM pg_stat_user_tables WHERE n_mod_since_analyze > "
        "50 + 0.1 * greatest((SELECT reltuples FROM pg_class c WHERE c.oid = relid), 0)"
    )

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url) if url.startswith("postgresql") else None
        self.runs = 0
        if self.engine is not None:
            with self.engine.connect() as connection:
                if connection.scalar(text("SHOW autovacuum")) == "on":
                    self.engine.dispose()
                    self.engine = None

    def __call__(self) -> None:
        if self.engine is None:
            return
        with self.engine.connect() as connection:
            tables = connection.scalars(text(self.QUERY)).all()
            connection.commit()
            for table in tables:
                connection.execute(text(f'ANALYZE "{table}"'))
                self.runs += 1
            connection.commit()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def measure(name: str, url: str, size: int, shares: list[int], step: int) -> Measure:
    app = bootstrap(url, migrate=False)
    autovacuum = Autovacuum(url)
    result = Measure(name)
    codes = [f"M{n:06d}" for n in range(1, size + 1)]
    held = dict(zip(codes, shares, strict=True))
    for first in range(0, size, BLOCK):
        start, processor = time.perf_counter(), time.process_time()
        for code in codes[first : first + BLOCK]:
            capital.subscribe(app.uows, TREASURER, code, held[code], held[code] * SHARE, DAY)
        result.blocks.append(time.perf_counter() - start)
        result.processor.append(time.process_time() - processor)
        done = first + BLOCK
        if done in (BLOCK, size) or done % step == 0:
            print(
                f"[{name}] souscriptions {count(first + 1)} à {count(done)} : "
                f"{french(result.blocks[-1])} le millier (processeur du script : "
                f"{french(result.processor[-1])})",
                flush=True,
            )
        if done == BLOCK:
            early = [c for c in codes[:BLOCK] if held[c] >= 2][:WITHDRAWALS]
            result.withdrawals.append(withdraw_some(app, early))
        autovacuum()
    late = [c for c in reversed(codes[BLOCK:]) if held[c] >= 2][:WITHDRAWALS]
    result.withdrawals.append(withdraw_some(app, late))
    statutes = scic_rules.load_statutes(STATUTES_ID)
    runs = []
    for _ in range(3):
        with app.uows() as uow:
            start = time.perf_counter()
            roll = build_roll(uow, statutes, HELD_ON)
            runs.append(time.perf_counter() - start)
    result.roll_seconds, result.roll_size = min(runs), len(roll)
    start = time.perf_counter()
    assemblies.create_assembly(app.uows, ADMIN, title="AG du banc d'essai", held_on=HELD_ON)
    result.convene_seconds = time.perf_counter() - start
    result.analyzed = autovacuum.runs
    result.seconds = statistics.median(result.blocks[-EDGE:])
    result.reference_seconds = statistics.median(result.blocks[:EDGE])
    autovacuum.close()
    app.close()
    return result


def report(result: Measure) -> None:
    ratio = f"{result.ratio:.2f}".replace(".", ",")
    verdict = "tenue" if result.ratio <= TARGET_RATIO else "MANQUÉE"
    processor = statistics.median(result.processor[-EDGE:]) / statistics.median(
        result.processor[:EDGE]
    )
    print(
        f"[{result.name}] derniers milliers {french(result.seconds)} contre premiers "
        f"{french(result.reference_seconds)} (médianes de {EDGE}) : rapport {ratio} "
        f"(cible ≤ 1,2 : {verdict}) ; en temps processeur du script : "
        f"{processor:.2f}".replace(".", ",")
    )
    if result.analyzed:
        print(
            f"[{result.name}] autovacuum désactivé sur ce serveur : {result.analyzed} ANALYZE "
            "faits à sa place entre deux milliers (50 lignes + 10 % modifiées), non chronométrés"
        )
    early, late = (f"{w * 1000:.1f} ms".replace(".", ",") for w in result.withdrawals)
    print(f"[{result.name}] un retrait : {early} au début, {late} à la fin")
    print(
        f"[{result.name}] liste d'émargement de {count(result.roll_size)} associés : "
        f"{french(result.roll_seconds)} (cible < {ROLL_TARGET:g} s) ; convocation complète "
        f"(liste tirée, insérée, assemblée relue) : {french(result.convene_seconds)}"
    )


def details(timed: Timed) -> dict[str, Any]:
    m = cast(Measure, timed)
    return {
        "per_block_seconds": [round(b, 4) for b in m.blocks],
        "per_block_processor_seconds": [round(b, 4) for b in m.processor],
        "withdrawal_seconds": [round(w, 5) for w in m.withdrawals],
        "roll_seconds": round(m.roll_seconds, 4),
        "roll_size": m.roll_size,
        "convene_seconds": round(m.convene_seconds, 4),
        "analyze_runs": m.analyzed,
    }


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description="Registre du capital à 65 000 associés")
    parser.add_argument("--quick", action="store_true", help=f"{count(QUICK)} souscriptions")
    parser.add_argument("--taille", type=int, default=None, help="nombre de souscriptions")
    parser.add_argument("--sqlite", action="store_true", help="SQLite seulement")
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL seulement")
    options = parser.parse_args(argv)
    size = options.taille or (QUICK if options.quick else SIZE)
    if size < 2 * EDGE * BLOCK or size % BLOCK:
        sys.exit(
            f"la taille doit être un multiple de {count(BLOCK)}, {count(2 * EDGE * BLOCK)} au moins"
        )
    step = 5_000 if size > 20_000 else BLOCK
    os.environ.pop("GOUVERNANCE_TODAY", None)
    pg = postgres_url()
    rows, shares = registry(size)
    with tempfile.TemporaryDirectory(prefix="bench-capital-") as scratch:
        folder = Path(scratch)
        (folder / "statuts").mkdir()
        (folder / "statuts" / "bench.yaml").write_text(statutes_yaml(), encoding="utf-8")
        os.environ[scic_rules.STATUTES_VARIABLE] = str(folder / "statuts")
        builders: list[tuple[str, Callable[[], str]]] = []
        if not options.postgresql:
            builders.append(("sqlite", lambda: migrated_sqlite(folder / "capital.sqlite3")))
        if pg is not None and not options.sqlite:
            builders.append(("postgresql", lambda: migrated_postgres(pg)))
        results: dict[str, Measure] = {}
        for name, build in builders:
            start = time.perf_counter()
            url = build()
            populate(url, rows)
            print(
                f"[{name}] {count(size)} membres, statuts « {STATUTES_ID} » "
                f"({french(time.perf_counter() - start)}, non chronométré)",
                flush=True,
            )
            results[name] = measure(name, url, size, shares, step)
            report(results[name])
    ordered = dict(sorted(results.items(), key=lambda item: -item[1].ratio))
    print(
        summary_line(
            ordered,
            {"subscriptions": size, "block": BLOCK},
            details,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
