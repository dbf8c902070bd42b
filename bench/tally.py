"""Assemblée générale : le dépouillement de 35 000 votants × 20 résolutions en 5 collèges.

Mesure, dans la même exécution et sur la même base :

- le dépouillement complet par le service (``assemblies.tally``) : lecture de l'assemblée et de
  ses règles figées, des présences par collège, des bulletins comptés par résolution, collège et
  choix, puis quorum, résultat exact (``Fraction``) par collège, pondération et explication en
  français de chaque résolution — meilleur de 3 essais ;
- une référence minimale : la requête écrite à la main ``SELECT resolution_id, college, choice,
  count(*) FROM assembly_votes WHERE assembly_id = :a GROUP BY resolution_id, college, choice``,
  lue en entier, sur une connexion de la même réserve — meilleur de 3 essais.

Le script vérifie que les décomptes par collège du service sont ceux du GROUP BY (plus les
pouvoirs en blanc, qui votent pour les résolutions du conseil et contre les autres).

Données (graine fixe, insérées en bloc, non chronométrées) : des statuts de SCIC à 5 collèges
écrits dans un dossier temporaire (``GOUVERNANCE_STATUTES_DIR``) ; une assemblée ordinaire
ouverte dont les règles sont figées à partir de ces statuts ; 35 050 inscrits sur la liste
d'émargement (35 000 votants et 50 pouvoirs en blanc) et autant de lignes de présence (présents,
à distance, par correspondance, quelques représentés) ; 20 résolutions à vote nominatif ;
700 000 bulletins (chaque votant sur chaque résolution ; ceux des représentés déposés par leur
mandataire), par ``executemany`` sur SQLite et ``COPY`` sur PostgreSQL.

Bases : SQLite (un fichier temporaire neuf) toujours ; PostgreSQL si
``GOUVERNANCE_BENCH_DATABASE_URL`` est défini (cette base est vidée et reconstruite : elle
est à vous), sinon si ``GOUVERNANCE_TEST_DATABASE_URL`` l'est — le script travaille alors sur une
base voisine, nommée comme celle des tests suivie de ``_bench``, qu'il crée : la base des tests
n'est jamais touchée. Le script refuse de vider une base qui ne porte pas « bench » dans son nom,
sauf si vous l'avez nommée vous-même, et jamais celle de ``GOUVERNANCE_DATABASE_URL``.

Lancer : ``.venv/bin/python bench/tally.py`` (``--profil`` : en plus, un dépouillement sous
cProfile par base, les fonctions les plus coûteuses). Dernière ligne : un objet JSON.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from shared import (
    count,
    french,
    migrated_postgres,
    migrated_sqlite,
    postgres_url,
    summary_line,
)
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.assembly.model import (
    AssemblyStatus,
    Attendance,
    Choice,
    Method,
    Proposer,
)
from gouvernance.domain.assembly.rules import AssemblyRules
from gouvernance.domain.assembly.tally import Counts
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.users import Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.persistence.orm import (
    assemblies as assemblies_table,
)
from gouvernance.persistence.orm import (
    assembly_attendance,
    assembly_resolutions,
    assembly_roll,
    assembly_votes,
)
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import TallyView
from gouvernance.services.scic import scic_rules

VOTERS = 35_000
BLANK_PROXIES = 50
RESOLUTIONS = 20
BALLOTS = VOTERS * RESOLUTIONS
RUNS = 3
SEED = 20271
HELD_ON = date(2027, 6, 12)
MOMENT = datetime(2027, 6, 12, 10, 0, tzinfo=UTC)
CODE = "AG-2027-01"
TARGET_SECONDS = 2.0
TARGET_RATIO = 1.5
TARGET_RATIO_TEXT = "1,5"
ADMIN = Actor("admin", Role.ADMIN)
STATUTES_ID = "bench-statuts-5-colleges"
REFERENCE_SQL = (
    "SELECT resolution_id, college, choice, count(*) FROM assembly_votes "
    "WHERE assembly_id = :a GROUP BY resolution_id, college, choice"
)
VOTE_COLUMNS = (
    "assembly_id",
    "resolution_id",
    "voter_code",
    "cast_by",
    "college",
    "choice",
    "recorded_at",
    "recorded_by",
)

# Five colleges (code, label, weight, registry category, share of the voters).
COLLEGES = (
    ("salaries", "Collège des salariés", "25 %", "employee", 10),
    ("usagers", "Collège des usagers", "25 %", "beneficiary", 55),
    ("producteurs", "Collège des producteurs", "20 %", "producer", 15),
    ("partenaires", "Collège des partenaires", "15 %", "partner", 15),
    ("collectivites", "Collège des collectivités", "15 %", "public_body", 5),
)

STATUTES_HEAD = f"""\
# Statuts du banc d'essai du dépouillement : une SCIC SAS à cinq collèges.
id: {STATUTES_ID}
label: Statuts du banc d'essai du dépouillement
valid_from: 2020-01-01
legal_form: scic_sas
"""
STATUTES_TAIL = """\
college_rules:
  weighting: fixed
  empty_college: redistribute
assemblies:
  preset: scic_sas
proxies:
  preset: scop
capital:
  share_value: "50,00"
"""


def statutes_yaml() -> str:
    """The bench's statutes: one category per college, SCOP proxies, the SAS preset."""
    lines = [STATUTES_HEAD, "categories:"]
    for code, label, _, kind, _ in COLLEGES:
        name = label.removeprefix("Collège des ").capitalize()
        lines.append(
            f"  - {{code: {code}, label: {name}, kind: {kind}, registry: [{kind}], "
            "minimum_subscription: {shares: 1}}"
        )
    lines.append("colleges:")
    for code, label, weight, _, _ in COLLEGES:
        lines.append(
            f'  - {{code: {code}, label: {label}, weight: "{weight}", categories: [{code}], '
            "minimum_size: 3}"
        )
    return "\n".join(lines) + "\n" + STATUTES_TAIL


# --------------------------------------------------------------------------------------------
# The synthetic assembly (inserted in bulk: the setup is not what is measured)


@dataclass(frozen=True)
class Electorate:
    roll: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    ballots: list[tuple[int, str, str, str, str]]  # number, voter, cast_by, college, choice
    blank_by_college: Counter[str]


def electorate(seed: int) -> Electorate:
    """35 000 voters and 50 blank proxies in 5 colleges; every voter votes on every resolution,
    with a leaning per resolution and college so that some are adopted and some rejected."""
    rng = random.Random(seed)
    colleges = [code for code, _, _, _, share in COLLEGES for _ in range(share)]
    category = {code: label.removeprefix("Collège des ") for code, label, *_ in COLLEGES}
    roll: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    voters: list[tuple[str, str, str]] = []  # code, college, cast_by
    present: list[str] = []
    blank: Counter[str] = Counter()
    for number in range(1, VOTERS + BLANK_PROXIES + 1):
        code = f"V{number:06d}"
        college = rng.choice(colleges)
        roll.append(_roll_row(code, college, category[college]))
        if number > VOTERS:
            mode, holder = Attendance.BLANK_PROXY, None
            blank[college] += 1
        else:
            mode = rng.choices(
                (Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL, Attendance.REPRESENTED),
                (80, 10, 8, 2),
            )[0]
            holder = rng.choice(present) if mode is Attendance.REPRESENTED and present else None
            if mode is Attendance.REPRESENTED and holder is None:
                mode = Attendance.PRESENT
            if mode is Attendance.PRESENT:
                present.append(code)
            voters.append((code, college, holder or code))
        attendance.append(_attendance_row(code, college, mode, holder))
    resolutions = [_resolution_row(number) for number in range(1, RESOLUTIONS + 1)]
    ballots: list[tuple[int, str, str, str, str]] = []
    for number in range(1, RESOLUTIONS + 1):
        leaning = {code: rng.uniform(0.25, 0.8) for code, *_ in COLLEGES}
        for code, college, cast_by in voters:
            ballots.append((number, code, cast_by, college, _choice(rng, leaning[college])))
    return Electorate(roll, attendance, resolutions, ballots, blank)


def _choice(rng: random.Random, leaning: float) -> str:
    draw = rng.random()
    if draw < 0.1:
        return rng.choice((Choice.ABSTAIN, Choice.BLANK, Choice.NULL)).value
    return (Choice.FOR if rng.random() < leaning else Choice.AGAINST).value


def _roll_row(code: str, college: str, category: str) -> dict[str, Any]:
    return {
        "member_code": code,
        "name": f"Votant {code[1:]}",
        "category": category,
        "college": college,
        "entitled": True,
        "reason": "",
    }


def _attendance_row(
    code: str, college: str, mode: Attendance, holder: str | None
) -> dict[str, Any]:
    return {
        "member_code": code,
        "college": college,
        "mode": mode,
        "holder_code": holder,
        "recorded_at": MOMENT,
        "recorded_by": "scrutateur",
    }


def _resolution_row(number: int) -> dict[str, Any]:
    associates = number in (7, 15)  # two resolutions proposed by associates
    return {
        "number": number,
        "title": f"Résolution {number} du banc d'essai",
        "text": "",
        "decision_kind": "extraordinary" if number in (3, 12) else "ordinary",
        "proposer": Proposer.ASSOCIATES if associates else Proposer.BOARD,
        "proposed_by": "V000001" if associates else None,
        "method": Method.OPEN,
        "created_at": MOMENT,
        "created_by": "bureau",
    }


def assembly_row(rules: AssemblyRules, data: Electorate) -> dict[str, Any]:
    """The row ``create_assembly`` writes, with the frozen roll's entitled count per college."""
    entitled = Counter(row["college"] for row in data.roll if row["entitled"])
    return {
        "code": CODE,
        "title": "Assemblée générale ordinaire du banc d'essai",
        "kind": "ordinary",
        "convocation": 1,
        "held_on": HELD_ON,
        "cutoff": HELD_ON,
        "statutes_id": rules.statutes_id,
        "statutes_digest": rules.statutes_digest,
        "rules": rules.to_json(),
        "status": AssemblyStatus.OPEN,
        "created_at": MOMENT,
        "created_by": "bureau",
        "roll_entitled": json.dumps(dict(sorted(entitled.items()))),
    }


# --------------------------------------------------------------------------------------------
# One database


class Target:
    name: str
    method: str  # how the ballots were inserted

    def __init__(self, url: str, rules: AssemblyRules, data: Electorate) -> None:
        self.url = url
        self.data = data
        engine = make_engine(url)
        with engine.begin() as connection:
            assembly = connection.execute(
                assemblies_table.insert().returning(assemblies_table.c.id),
                assembly_row(rules, data),
            ).scalar_one()
            ids = {}
            for row in data.resolutions:
                ids[row["number"]] = connection.execute(
                    assembly_resolutions.insert().returning(assembly_resolutions.c.id),
                    {**row, "assembly_id": assembly},
                ).scalar_one()
            connection.execute(
                assembly_roll.insert(), [{**r, "assembly_id": assembly} for r in data.roll]
            )
            connection.execute(
                assembly_attendance.insert(),
                [{**r, "assembly_id": assembly} for r in data.attendance],
            )
        self.assembly_id = assembly
        self.resolution_ids = ids
        moment = assembly_votes.c.recorded_at.type.bind_processor(engine.dialect)
        stamp = moment(MOMENT) if moment is not None else MOMENT
        rows = [
            (assembly, ids[number], voter, cast_by, college, choice, stamp, "scrutateur")
            for number, voter, cast_by, college, choice in data.ballots
        ]
        engine.dispose()
        self.insert_ballots(rows)
        self.analyse()

    def insert_ballots(self, rows: Sequence[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def analyse(self) -> None:
        engine = make_engine(self.url)
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE")
                )
            else:
                connection.exec_driver_sql("ANALYZE")
        engine.dispose()


class SqliteTarget(Target):
    name = "sqlite"
    method = "cursor.executemany (sqlite3)"

    def insert_ballots(self, rows: Sequence[tuple[Any, ...]]) -> None:
        connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
        marks = ", ".join("?" for _ in VOTE_COLUMNS)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            f"INSERT INTO assembly_votes ({', '.join(VOTE_COLUMNS)}) VALUES ({marks})", rows
        )
        connection.execute("COMMIT")
        connection.close()


class PostgresTarget(Target):
    name = "postgresql"
    method = "COPY (psycopg)"

    def insert_ballots(self, rows: Sequence[tuple[Any, ...]]) -> None:
        raw = make_url(self.url).set(drivername="postgresql")
        with (
            psycopg.connect(raw.render_as_string(hide_password=False)) as connection,
            connection.cursor() as cursor,
            cursor.copy(f"COPY assembly_votes ({', '.join(VOTE_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Measure:
    seconds: float
    reference_seconds: float
    runs: list[float]
    reference_runs: list[float]
    adopted: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def timed_tally(app: Application) -> tuple[float, TallyView]:
    """A cold tally: the percentages of the explanations are formatted afresh (``format_share``
    remembers those it wrote, which helps a live screen re-reading the same figures, not the
    first tally this bench measures)."""
    format_share.cache_clear()
    start = time.perf_counter()
    view = assemblies.tally(app.uows, ADMIN, CODE)
    return time.perf_counter() - start, view


def timed_reference(engine: Engine, assembly_id: int) -> tuple[float, list[tuple[Any, ...]]]:
    start = time.perf_counter()
    with engine.connect() as connection:
        rows = connection.execute(text(REFERENCE_SQL), {"a": assembly_id}).all()
    return time.perf_counter() - start, [tuple(row) for row in rows]


def check(target: Target, view: TallyView, reference: list[tuple[Any, ...]]) -> int:
    """The service's per-college counts are the GROUP BY's plus the blank proxies; returns how
    many resolutions are adopted."""
    numbers = {rid: number for number, rid in target.resolution_ids.items()}
    expected: dict[tuple[int, str], Counter[str]] = {}
    for resolution_id, college, choice, votes in reference:
        expected.setdefault((numbers[resolution_id], college), Counter())[str(choice)] += votes
    boards = {row["number"] for row in target.data.resolutions if row["proposer"] is Proposer.BOARD}
    results = view.tally.resolutions
    if len(results) != RESOLUTIONS:
        sys.exit(f"{target.name} : {len(results)} résolutions dépouillées, {RESOLUTIONS} attendues")
    total = 0
    for result in results:
        for college in result.colleges:
            cell = expected.get((result.number, college.code), Counter())
            blank = target.data.blank_by_college[college.code]
            cell[Choice.FOR.value if result.number in boards else Choice.AGAINST.value] += blank
            if college.counts != Counts.of({Choice(k): v for k, v in cell.items()}):
                sys.exit(
                    f"{target.name} : résolution {result.number}, {college.code} : "
                    f"{college.counts} au lieu de {dict(cell)}"
                )
            total += college.counts.total - blank
    if total != BALLOTS:
        sys.exit(f"{target.name} : {total} bulletins dépouillés, {BALLOTS} attendus")
    return sum(1 for r in results if r.outcome.value == "adopted")


def measure(target: Target) -> Measure:
    app = bootstrap(target.url, migrate=False)
    engine = make_engine(target.url)
    try:
        runs = [timed_tally(app) for _ in range(RUNS)]
        references = [timed_reference(engine, target.assembly_id) for _ in range(RUNS)]
    finally:
        app.close()
        engine.dispose()
    adopted = check(target, runs[0][1], references[0][1])
    return Measure(
        seconds=min(seconds for seconds, _ in runs),
        reference_seconds=min(seconds for seconds, _ in references),
        runs=[seconds for seconds, _ in runs],
        reference_runs=[seconds for seconds, _ in references],
        adopted=adopted,
    )


def profile(target: Target, top: int) -> None:
    """One more tally under cProfile: the functions that cost the most."""
    app = bootstrap(target.url, migrate=False)
    profiler = cProfile.Profile()
    profiler.enable()
    assemblies.tally(app.uows, ADMIN, CODE)
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
        f"[{target.name}] dépouillement (assemblies.tally) : {french(result.seconds)} ; "
        f"essais : {', '.join(french(t) for t in result.runs)}"
    )
    print(
        f"[{target.name}] référence, GROUP BY écrit à la main : "
        f"{french(result.reference_seconds)} ; essais : "
        f"{', '.join(french(t) for t in result.reference_runs)}"
    )
    print(
        f"[{target.name}] rapport : {ratio} (cible ≤ {TARGET_RATIO_TEXT}) ; durée cible ≤ "
        f"{TARGET_SECONDS:g} s ; {result.adopted} résolution(s) adoptée(s) sur {RESOLUTIONS} ; "
        "décomptes par collège identiques au GROUP BY (pouvoirs en blanc compris)"
    )


def rules_for_bench(folder: Path) -> AssemblyRules:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.yaml").write_text(statutes_yaml(), encoding="utf-8")
    os.environ[scic_rules.STATUTES_VARIABLE] = str(folder)
    statutes = scic_rules.load_statutes(STATUTES_ID)
    presets, _, _ = scic_rules.load_presets()
    return AssemblyRules.from_statutes(statutes, presets, HELD_ON)


def main(argv: Sequence[str]) -> None:
    profiling = "--profil" in argv
    os.environ.pop("GOUVERNANCE_TODAY", None)
    pg = postgres_url()
    with tempfile.TemporaryDirectory(prefix="bench-depouillement-") as scratch:
        folder = Path(scratch)
        rules = rules_for_bench(folder / "statuts")
        data = electorate(SEED)
        builders: list[Callable[[], Target]] = [
            lambda: SqliteTarget(migrated_sqlite(folder / "depouillement.sqlite3"), rules, data)
        ]
        if pg is not None:
            builders.append(lambda: PostgresTarget(migrated_postgres(pg), rules, data))
        results: dict[str, Measure] = {}
        for build in builders:
            start = time.perf_counter()
            target = build()
            print(
                f"[{target.name}] {count(VOTERS)} votants et {BLANK_PROXIES} pouvoirs en blanc en "
                f"{len(COLLEGES)} collèges, {RESOLUTIONS} résolutions, {count(BALLOTS)} bulletins "
                f"({target.method} ; {french(time.perf_counter() - start)}, non chronométré)"
            )
            results[target.name] = measure(target)
            report(target, results[target.name])
            if profiling:
                profile(target, 25)

    print(
        summary_line(
            results,
            {
                "voters": VOTERS,
                "resolutions": RESOLUTIONS,
                "ballots": BALLOTS,
                "colleges": len(COLLEGES),
            },
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
