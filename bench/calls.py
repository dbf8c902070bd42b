"""Appels de cotisation : un lot de 100 000 appels émis d'un coup (``calls.issue_calls``).

Mesure, dans la même exécution et sur la même base :

- l'émission complète, de bout en bout : lecture du barème adopté, des membres et de leurs
  chiffres, calcul des cotisations, numérotation, insertion des appels, journal d'audit,
  validation de la transaction — meilleur de 3 essais, chaque essai sur un registre des appels
  vide ;
- une référence minimale : l'insertion brute des mêmes 100 000 lignes (mêmes colonnes, mêmes
  valeurs, préparées d'avance) dans la table des appels vidée, avec le moyen que le dépôt
  emploie sur cette base (``SqlLedger.add_calls``) : ``cursor.executemany`` du pilote sur
  SQLite, ``COPY`` de psycopg sur PostgreSQL ; validation comprise, meilleur de 3 essais.

Avant chaque essai, des deux côtés, le ramasse-miettes est vidé (``gc.collect()``) : l'émission
ne paie pas pour les objets que le démarrage de l'application vient de laisser.

Les appels ne se modifient ni ne s'effacent (des déclencheurs l'interdisent) : sur SQLite
chaque essai part d'une copie neuve du fichier préparé ; sur PostgreSQL le registre est vidé par
``TRUNCATE``, que des déclencheurs refusent aussi (migration 0009) : le script, propriétaire des
tables, les désactive le temps de sa transaction (il vérifie d'abord que ``DELETE`` et
``TRUNCATE`` sont bien refusés).

Bases : SQLite (un fichier temporaire neuf) toujours ; PostgreSQL si
``GOUVERNANCE_BENCH_DATABASE_URL`` est défini (cette base est vidée et reconstruite : elle
est à vous), sinon si ``GOUVERNANCE_TEST_DATABASE_URL`` l'est — le script travaille alors sur une
base voisine, nommée comme celle des tests suivie de ``_bench``, qu'il crée : la base des tests
n'est jamais touchée. Le script refuse de vider une base qui ne porte pas « bench » dans son nom,
sauf si vous l'avez nommée vous-même, et jamais celle de ``GOUVERNANCE_DATABASE_URL``.

Lancer : ``.venv/bin/python bench/calls.py`` (``--profil`` : en plus, un essai sous cProfile
par base, les fonctions les plus coûteuses). Dernière ligne : un objet JSON.
"""

from __future__ import annotations

import cProfile
import functools
import gc
import os
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import psycopg
from shared import count, french, postgres_url, summary_line, synthetic_member
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import bootstrap
from gouvernance.domain.calls import issuing
from gouvernance.domain.facts import FactKind
from gouvernance.domain.fees.vector import PayerTable
from gouvernance.domain.money import format_cents
from gouvernance.domain.users import Actor, Role
from gouvernance.persistence import repositories, uow
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.migrate import upgrade
from gouvernance.persistence.orm import member_facts, members
from gouvernance.services import audit
from gouvernance.services.ledger import calls
from gouvernance.services.ledger.ledger_views import IssueResult
from gouvernance.services.organisation.setup import ensure_default_categories

MEMBERS = 100_000
RUNS = 3
SEED = 20272
FISCAL_YEAR = 2027
FACTS_YEAR = FISCAL_YEAR - 1
ISSUED_ON = date(FISCAL_YEAR, 1, 15)
DUE_ON = date(FISCAL_YEAR, 3, 31)
TARGET_SECONDS = 10.0
TARGET_RATIO = 2.0
TREASURER = Actor("tresorier", Role.TREASURER)
SCHEDULE_ID = "bench-appels"
COLUMNS = (
    "reference",
    "batch_id",
    "number",
    "kind",
    "fiscal_year",
    "member_code",
    "member_name",
    "cents",
    "issued_on",
    "due_on",
    "basis",
)
# Every ledger table: emptied together between two PostgreSQL runs (the calls are referenced).
LEDGER = (
    "calls, call_batches, ledger_sequences, credit_notes, allocations, reminders, payments, "
    "sepa_files, sepa_debits, sepa_debit_returns"
)

# The adopted schedule: structures by revenue bracket (floor, cap), public bodies per
# inhabitant, persons 20 €. No category owes 0 €, so that every member gets a call.
RULES = """\
# Barème du banc d'essai : un lot de 100 000 appels.
id: bench-appels
label: Barème du banc d'essai des appels
adopted:
  date: 2026-11-14
  decision: AG extraordinaire du 14 novembre 2026, résolution 2
fiscal_year: 2027
facts_year: N-1
prorata: month
fee:
  by_category:
    producer: &structures
      label: barème des structures
      brackets:
        base: revenue
        mode: single
        grid:
          - {to: "100000", amount: "150,00"}
          - {from: "100000", to: "500000", amount: "400,00"}
          - {from: "500000", rate: "0,1 %"}
      floor: "150,00"
      cap: "2000,00"
    partner: *structures
    public_body:
      label: part des collectivités
      per_unit: {amount: "0,10", base: population}
      floor: "50,00"
      cap: "3000,00"
    default: "20,00"
"""

CATEGORIES = [
    ("producer", 40),
    ("partner", 15),
    ("public_body", 5),
    ("employee", 15),
    ("volunteer", 15),
    ("founder", 10),
]
STRUCTURES = ("producer", "partner", "public_body")
CENT = Decimal("0.01")


# --------------------------------------------------------------------------------------------
# The synthetic registry (inserted in bulk: the setup is not what is measured)


def synthetic_registry(count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Members (rows of ``members``) and their figures (rows of ``member_facts``): revenue of
    2026 and 2025 for structures, population for public bodies; every figure the schedule
    needs is there, so that every member is called."""
    rng = random.Random(seed)
    codes = [code for code, weight in CATEGORIES for _ in range(weight)]
    people: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        category = rng.choice(codes)
        legal = category in STRUCTURES
        joined = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 6000))
        people.append(synthetic_member(number, category, legal, joined))
        if category == "public_body":
            population = Decimal(rng.randrange(200, 300_000))
            figures.append(_fact(number, FactKind.POPULATION, FACTS_YEAR, population))
        elif legal:
            tier = rng.choice((10**4, 10**5, 10**5, 10**6, 10**7))  # revenue in euros
            revenue = Decimal(rng.randrange(tier * 100, tier * 1000)).scaleb(-2)
            figures.append(_fact(number, FactKind.REVENUE, FACTS_YEAR, revenue))
            figures.append(
                _fact(number, FactKind.REVENUE, FACTS_YEAR - 1, (revenue * 9 / 10).quantize(CENT))
            )
    return people, figures


def _fact(member_id: int, kind: FactKind, year: int, value: Decimal) -> dict[str, Any]:
    return {"member_id": member_id, "fiscal_year": year, "kind": kind, "value": value}


def populate(url: str, rules: Path) -> None:
    """Categories, 100 000 members and their figures, in a migrated, empty database."""
    app = bootstrap(url, migrate=False)
    ensure_default_categories(app.uows)
    app.close()
    people, figures = synthetic_registry(MEMBERS, SEED)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(members.insert(), people)
        connection.execute(member_facts.insert(), figures)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    rules.mkdir(parents=True, exist_ok=True)
    (rules / "bareme.yaml").write_text(RULES, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Where the time goes inside issue_calls (one call each: the wrappers cost nothing measurable)

PHASES = {
    "membres et chiffres lus (table comprise)": (repositories.SqlMemberRepository, "payer_table"),
    "table des payeurs": (PayerTable, "from_columns"),
    "déjà appelés": (repositories.SqlLedger, "called_members"),
    "calcul (vector.evaluate)": (issuing, "evaluate"),
    "bases des appels (JSON)": (issuing, "_bases"),
    "plan d'émission (tout compris)": (calls, "plan_issue"),
    "insertion des appels": (repositories.SqlLedger, "add_calls"),
    "journal d'audit": (audit, "record"),
    "validation (commit)": (uow.SqlAlchemyUnitOfWork, "commit"),
}


@dataclass
class Stopwatch:
    spent: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def installed(self) -> Iterator[None]:
        saved = []
        for phase, (owner, name) in PHASES.items():
            original = owner.__dict__[name]
            saved.append((owner, name, original))
            setattr(owner, name, self._timed(phase, original))
        try:
            yield
        finally:
            for owner, name, original in saved:
                setattr(owner, name, original)

    def _timed(self, phase: str, original: Any) -> Any:
        if isinstance(original, classmethod):
            inner = original.__func__

            @functools.wraps(inner)
            def timed_class(cls: type, *args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return inner(cls, *args, **kwargs)
                finally:
                    self.spent[phase] = self.spent.get(phase, 0.0) + time.perf_counter() - start

            return classmethod(timed_class)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[phase] = self.spent.get(phase, 0.0) + time.perf_counter() - start

        return timed


# --------------------------------------------------------------------------------------------
# One database: how to get a fresh ledger, how to insert the reference rows


class Target:
    name: str
    method: str  # how the reference inserts: the driver call SqlLedger.add_calls uses
    in_process = False  # the whole work in this process: its processor time tells it all

    def fresh(self) -> str:
        """The URL of the database with the registry in place and an empty ledger."""
        raise NotImplementedError

    def raw_insert(self, url: str, rows: Sequence[tuple[Any, ...]]) -> Timing:
        """Seconds (elapsed, processor) to insert ``rows`` into ``calls`` (emptied) and commit,
        straight to the driver. The batch the rows point to is inserted first, not timed."""
        raise NotImplementedError

    def stored_rows(self, url: str) -> list[tuple[Any, ...]]:
        """The calls as issued, read back raw: the values add_calls handed to the driver
        (dates as ISO text on SQLite, as dates on PostgreSQL)."""
        engine = make_engine(url)
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                f"SELECT {', '.join(COLUMNS)} FROM calls ORDER BY id"
            ).all()
        engine.dispose()
        return [tuple(row) for row in rows]


BATCH_SQL = (
    "INSERT INTO call_batches (reference, kind, fiscal_year, source_id, source_label, "
    "source_text, source_hash, decision, issued_on, due_on, issued_by, issued_at, call_count, "
    "total_cents) VALUES ('LOT-2027-01', 'fee', 2027, 'bench-appels', 'référence', '', '', '', "
    "'2027-01-15', '2027-03-31', 'bench', '2027-01-15 00:00:00+00:00', 0, 0)"
)


class SqliteTarget(Target):
    name = "sqlite"
    method = "cursor.executemany (sqlite3)"
    in_process = True

    def __init__(self, folder: Path, rules: Path) -> None:
        self.folder = folder
        self.template = folder / "modele.sqlite3"
        self.runs = 0
        engine = make_engine(f"sqlite:///{self.template}")
        upgrade(engine)
        engine.dispose()
        populate(f"sqlite:///{self.template}", rules)

    def fresh(self) -> str:
        """A new copy of the prepared file (the previous run's copy is deleted)."""
        for old in self.folder.glob(f"essai-{self.runs}.sqlite3*"):
            old.unlink()
        self.runs += 1
        path = self.folder / f"essai-{self.runs}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def raw_insert(self, url: str, rows: Sequence[tuple[Any, ...]]) -> Timing:
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        # The same settings as the application's engine (gouvernance/persistence/database.py).
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=30000"):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute(BATCH_SQL)
        marks = ", ".join("?" for _ in COLUMNS)
        statement = f"INSERT INTO calls ({', '.join(COLUMNS)}) VALUES ({marks})"
        gc.collect()  # as before an issue
        start = Timing.now()
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(statement, rows)
        cursor.execute("COMMIT")
        spent = Timing.now() - start
        connection.close()
        return spent


def _truncate_as_owner(connection: Connection, tables: str) -> None:
    """TRUNCATE (numbering restarted) with the tables' triggers off for this transaction
    only: what the owner of the tables may do, never the application's role."""
    names = [name.strip() for name in tables.split(",")]
    for name in names:
        connection.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER USER"))
    connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY"))
    for name in names:
        connection.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER USER"))


class PostgresTarget(Target):
    name = "postgresql"
    method = "COPY (psycopg)"

    def __init__(self, url: URL, rules: Path) -> None:
        self.url = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        self.raw = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.checked = False
        server = create_engine(url.set(drivername="postgresql+psycopg", database="postgres"))
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{url.database}"'))
        server.dispose()
        engine = make_engine(self.url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
        engine.dispose()
        populate(self.url, rules)

    def fresh(self) -> str:
        engine = make_engine(self.url)
        if not self.checked:
            self._check_only_the_owner_empties_the_ledger(engine)
        with engine.begin() as connection:
            _truncate_as_owner(connection, f"{LEDGER}, audit_log")
        engine.dispose()
        return self.url

    def _check_only_the_owner_empties_the_ledger(self, engine: Engine) -> None:
        """DELETE and TRUNCATE on calls are refused by the append-only triggers (migrations
        0002 and 0009); the owner empties the ledger by switching them off for its
        transaction."""
        with engine.begin() as connection:
            connection.execute(text(BATCH_SQL))
            connection.execute(
                text(
                    "INSERT INTO calls (reference, batch_id, number, kind, fiscal_year, "
                    "member_code, member_name, cents, issued_on, due_on, basis) SELECT "
                    "'AC-2027-0001', id, 1, 'fee', 2027, 'M000001', 'x', 1, '2027-01-15', "
                    "'2027-03-31', '{}' FROM call_batches"
                )
            )
        try:
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM calls"))
        except DatabaseError as error:
            assert "modification interdite" in str(error), error
        else:
            sys.exit("le déclencheur d'ajout seul de la table calls n'est pas en place")
        try:
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {LEDGER}"))
        except DatabaseError as error:
            assert "vidage (TRUNCATE) interdit" in str(error), error
        else:
            sys.exit("le déclencheur qui refuse TRUNCATE sur le registre n'est pas en place")
        with engine.begin() as connection:
            _truncate_as_owner(connection, LEDGER)
            left = connection.scalar(text("SELECT count(*) FROM calls"))
        if left != 0:
            sys.exit("TRUNCATE n'a pas vidé la table calls")
        self.checked = True

    def raw_insert(self, url: str, rows: Sequence[tuple[Any, ...]]) -> Timing:
        with psycopg.connect(self.raw) as connection:
            connection.execute(BATCH_SQL)
            connection.commit()
            gc.collect()  # as before an issue
            start = Timing.now()
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY calls ({', '.join(COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            connection.commit()
            return Timing.now() - start


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Timing:
    """Elapsed seconds, and this process's processor seconds (less sensitive to a busy
    machine, but blind to the PostgreSQL server's work)."""

    seconds: float
    processor: float

    @classmethod
    def now(cls) -> Timing:
        return cls(time.perf_counter(), time.process_time())

    def __sub__(self, start: Timing) -> Timing:
        return Timing(self.seconds - start.seconds, self.processor - start.processor)


@dataclass
class Measure:
    seconds: float
    reference_seconds: float
    runs: list[float]
    reference_runs: list[float]
    phases: dict[str, float]
    total_cents: int
    processor: float  # best of the runs, in processor seconds
    reference_processor: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def issue(url: str) -> tuple[Timing, IssueResult, dict[str, float]]:
    app = bootstrap(url, migrate=False)
    watch = Stopwatch()
    gc.collect()  # the start-up's garbage is not the issue's to collect
    try:
        with watch.installed():
            start = Timing.now()
            result = calls.issue_calls(
                app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON
            )
            spent = Timing.now() - start
    finally:
        app.close()
    if not result.created or result.batch.call_count != MEMBERS or result.excluded:
        sys.exit(f"émission inattendue : {result.batch}, exclus {len(result.excluded)}")
    return spent, result, watch.spent


def measure(target: Target) -> Measure:
    runs: list[tuple[Timing, IssueResult, dict[str, float]]] = []
    rows: list[tuple[Any, ...]] = []
    reference_runs: list[Timing] = []
    for _ in range(RUNS):  # alternated: a machine busier for a while weighs on both
        url = target.fresh()
        runs.append(issue(url))
        if not rows:
            rows = target.stored_rows(url)
            if len(rows) != MEMBERS or len({row[0] for row in rows}) != MEMBERS:
                sys.exit(f"{target.name} : {len(rows)} appels relus, {MEMBERS} attendus")
        reference_runs.append(target.raw_insert(target.fresh(), rows))
    total = sum(row[7] for row in rows)
    if {r.batch.total_cents for _, r, _ in runs} != {total}:
        sys.exit(f"{target.name} : le total du lot ne fait pas la somme des appels")
    best = min(runs, key=lambda run: run[0].seconds)
    return Measure(
        seconds=best[0].seconds,
        reference_seconds=min(run.seconds for run in reference_runs),
        runs=[run[0].seconds for run in runs],
        reference_runs=[run.seconds for run in reference_runs],
        phases=best[2],
        total_cents=total,
        processor=min(run[0].processor for run in runs),
        reference_processor=min(run.processor for run in reference_runs),
    )


def profile(target: Target, top: int) -> None:
    """One more issue under cProfile: the functions that cost the most, by own time and by
    cumulated time (the insert included, to compare)."""
    app = bootstrap(target.fresh(), migrate=False)
    profiler = cProfile.Profile()
    profiler.enable()
    calls.issue_calls(app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON)
    profiler.disable()
    app.close()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs()
    print(f"--- profil {target.name} : temps propre")
    stats.sort_stats("tottime").print_stats(top)
    print(f"--- profil {target.name} : temps cumulé")
    stats.sort_stats("cumulative").print_stats(top)


def report(target: Target, result: Measure) -> None:
    ratio = f"{result.ratio:.2f}".replace(".", ",")
    print(
        f"[{target.name}] émission de bout en bout : {french(result.seconds)} ; essais : "
        f"{', '.join(french(t) for t in result.runs)}"
    )
    accounted = sum(v for k, v in result.phases.items() if k not in _NESTED)
    details = [f"{name} {french(spent)}" for name, spent in result.phases.items()]
    details.append(f"reste (objets Call, lot, numéros…) {french(result.seconds - accounted)}")
    print(f"[{target.name}]   dont : {' ; '.join(details)}")
    print(
        f"[{target.name}] référence, insertion brute ({target.method}) : "
        f"{french(result.reference_seconds)} ; essais : "
        f"{', '.join(french(t) for t in result.reference_runs)}"
    )
    print(
        f"[{target.name}] rapport : {ratio} (cible ≤ {TARGET_RATIO:g}) ; durée cible ≤ "
        f"{TARGET_SECONDS:g} s ; total appelé {format_cents(result.total_cents)}"
    )
    if target.in_process:
        cpu = f"{result.processor / result.reference_processor:.2f}".replace(".", ",")
        print(
            f"[{target.name}] en temps processeur (moins sensible à une machine occupée) : "
            f"émission {french(result.processor)}, référence "
            f"{french(result.reference_processor)}, rapport {cpu}"
        )


# Phases measured inside another one (not added twice to what is accounted for).
_NESTED = {"table des payeurs", "calcul (vector.evaluate)", "bases des appels (JSON)"}


def main(argv: Sequence[str]) -> None:
    profiling = "--profil" in argv
    os.environ.pop("GOUVERNANCE_TODAY", None)
    pg = postgres_url()
    with tempfile.TemporaryDirectory(prefix="bench-appels-") as scratch:
        folder = Path(scratch)
        rules = folder / "regles"
        os.environ["GOUVERNANCE_RULES_DIR"] = str(rules)
        builders: list[Callable[[], Target]] = [lambda: SqliteTarget(folder, rules)]
        if pg is not None:
            builders.append(lambda: PostgresTarget(pg, rules))
        results: dict[str, Measure] = {}
        for build in builders:
            start = time.perf_counter()
            target = build()
            print(
                f"[{target.name}] {count(MEMBERS)} membres synthétiques en base, barème adopté "
                f"« {SCHEDULE_ID} » ({french(time.perf_counter() - start)}, non chronométré)"
            )
            results[target.name] = measure(target)
            report(target, results[target.name])
            if profiling:
                profile(target, 25)

    print(
        summary_line(
            results,
            {"calls": MEMBERS},
            details,
        )
    )


def details(timed: Any) -> dict[str, Any]:
    """Per database, in the JSON line: where the time goes, and the processor seconds."""
    result = cast(Measure, timed)
    return {
        "phases": {k: round(v, 4) for k, v in result.phases.items()},
        "processor_seconds": round(result.processor, 4),
        "reference_processor_seconds": round(result.reference_processor, 4),
    }


if __name__ == "__main__":
    main(sys.argv[1:])
