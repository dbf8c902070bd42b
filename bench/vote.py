"""Assemblée générale en ligne : 35 000 associés en 5 collèges votent par l'API, en même temps.

Un serveur réel (uvicorn, 127.0.0.1, ``gouvernance.server:create_server`` comme ``gouvernance
serve``, avec autant de processus, journal des requêtes coupé) sert une assemblée ouverte : des
statuts de SCIC à 5 collèges (ceux de ``bench/tally.py``), 35 000 inscrits sur la liste
d'émargement, tous émargés (présents, à distance, par correspondance ; ~3 % représentés par un
associé présent), 6 résolutions : n° 1 et 2 à vote nominatif déjà votées par tous (70 000
bulletins, pour que le direct compte à l'échelle réelle), n° 3 et 4 à vote nominatif, n° 5 et 6
à bulletin secret (scellés, clés hors de la base). Chaque associé a un compte et un jeton
d'accès, créés en bloc avant la mesure (non chronométré).

**La mesure** : ``--clients`` clients simultanés (32 par défaut ; des tâches asyncio, une
connexion HTTP/1.1 persistante chacune, écrite à la main par ``bench/http_load.py`` : le
générateur de charge ne doit pas prendre au serveur le processeur qu'il mesure) déposent
pendant ``--duree`` secondes (30 par défaut) des bulletins tirés au hasard parmi les 140 000
des résolutions 3 à 6, chacun avec le jeton de l'associé qui vote — celui du mandataire pour
un représenté (``POST /assemblies/{code}/resolutions/{n}/ballots``). Pendant ce temps un écran de
scrutateurs suit le direct (``GET /assemblies/{code}/live``, Server-Sent Events, ce que lit la
page ``…/screen``) ; chaque envoi donne le nombre de bulletins reçus (par tête pour un vote
nominatif, la participation pour un vote secret, qui ne montre rien d'autre tant qu'il est
ouvert). **Retard du direct** : pour le k-ième bulletin accepté, le temps entre sa réponse 201
et le premier envoi du direct qui compte au moins k bulletins.

**Référence**, dans la même exécution et sur la même base : les mêmes lignes (le bulletin,
plus l'urne scellée pour un vote secret) insérées directement par le pilote (``sqlite3`` /
psycopg), une transaction par bulletin comme un vote, à la suite sur une connexion, dans une
assemblée jumelle (mêmes résolutions) : ce qu'un bulletin coûte au moins à la base.

- ``seconds`` : le temps par bulletin à travers l'API (durée / bulletins acceptés, l'inverse du
  débit soutenu) ; ``reference_seconds`` : le temps par bulletin de l'insertion brute ;
  ``ratio`` ; et par base ``ballots_per_second``, ``p50``/``p95``/``p99`` d'un bulletin vu du
  client, ``feed_lag_p50``/``feed_lag_p95``/``feed_lag_max`` (secondes).
- Cibles : ≥ 500 bulletins/s, 95ᵉ centile ≤ 100 ms, direct ≤ 1 s de retard, sur les deux bases.

Bases : SQLite (un fichier temporaire neuf) toujours ; PostgreSQL si
``GOUVERNANCE_BENCH_DATABASE_URL`` est défini (cette base est vidée et reconstruite), sinon si
``GOUVERNANCE_TEST_DATABASE_URL`` l'est (base voisine ``<base des tests>_bench``).

Lancer : ``.venv/bin/python bench/vote.py`` (``--duree 10`` : plus court ; ``--clients 16`` ;
``--sqlite`` ou ``--postgresql`` : une base seulement ; ``--profil 1000`` : en plus, 1 000
bulletins par le service dans ce processus, à la suite, sous pyinstrument, installé à part
(``.venv/bin/pip install pyinstrument``) ; ``--attentes`` : sur PostgreSQL, ce qu'attendent
les connexions du serveur pendant la charge ; ``BANC_VOTE_PROCESSUS=N`` : le serveur en N processus,
``--workers`` d'uvicorn ; sans lui, autant que ``gouvernance serve`` en lance par défaut : un
pour SQLite, un par processeur, trois au plus, pour PostgreSQL). Dernière ligne : un objet JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import http_load
import httpx
import psycopg
from shared import (
    EVENT_LOOP,
    count,
    french,
    migrated_postgres,
    migrated_sqlite,
    postgres_url,
    summary_line,
)
from sqlalchemy import text
from sqlalchemy.engine import make_url

VOTERS = 35_000
REPRESENTED_PERCENT = 3
SEED = 20280
CODE = "AG-2027-01"
TWIN = "AG-2027-REF"
HELD_ON = date(2027, 6, 12)
MOMENT = datetime(2027, 6, 12, 9, 0, tzinfo=UTC)
DEFAULT_SECONDS = 30.0
DEFAULT_CLIENTS = 32
GRACE_SECONDS = 3.0  # the feed is followed this long after the last ballot
TARGET_RATE = 500
TARGET_P95 = 0.100
TARGET_LAG = 1.0
PREFILLED = (1, 2)  # open, voted by everyone before the measure
MEASURED = {3: "open", 4: "open", 5: "secret", 6: "secret"}
SCRUTINEER = "scrutateur"
CHOICES = ("for", "for", "for", "against", "against", "abstain", "blank", "null")
_RECEIVED = re.compile(r"Vote secret en cours : ([\d\u202f\u00a0 ]+) bulletin")


# --------------------------------------------------------------------------------------------
# The assembly (inserted in bulk: the setup is not what is measured)


@dataclass(frozen=True)
class Voter:
    code: str
    college: str
    token: str  # the token of whoever casts this voter's ballot (the proxy holder if any)
    represented: bool


def token_of(number: int) -> str:
    return f"jeton-du-banc-{number:06d}-{hashlib.sha256(str(number).encode()).hexdigest()[:24]}"


def populate(url: str, folder: Path) -> list[Voter]:
    """Members, accounts and tokens, the assembly and its roll, all signed in; resolutions put
    on the agenda by the service (secret ones get their key); resolutions 1 and 2 voted."""
    import tally as bench_tally  # bench/tally.py: its statutes with 5 colleges

    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.assembly.model import Attendance, Method
    from gouvernance.domain.members import PersonKind
    from gouvernance.domain.users import Actor, Role
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.orm import (
        api_tokens,
        assemblies,
        assembly_attendance,
        assembly_roll,
        assembly_votes,
        members,
        users,
    )
    from gouvernance.services.assembly import assemblies as service
    from gouvernance.services.organisation.setup import ensure_default_categories

    rules = bench_tally.rules_for_bench(folder / "statuts")  # sets GOUVERNANCE_STATUTES_DIR
    app = bootstrap(url, migrate=False)
    ensure_default_categories(app.uows)
    rng = random.Random(SEED)
    colleges = [(c, kind) for c, _, _, kind, share in bench_tally.COLLEGES for _ in range(share)]
    now = datetime.now(UTC)
    people, accounts, tokens, roll, sheet = [], [], [], [], []
    present: list[int] = []
    holders: dict[int, int] = {}
    college_of: dict[int, str] = {}
    for number in range(1, VOTERS + 1):
        code = f"V{number:06d}"
        college, kind = rng.choice(colleges)
        college_of[number] = college
        people.append(
            {"id": number, "code": code, "kind": PersonKind.NATURAL, "category": kind,
             "first_name": f"Prénom{number}", "last_name": f"Nom{number}", "name": "",
             "joined_on": date(2015, 1, 1), "version": 1}
        )  # fmt: skip
        accounts.append(
            {"username": f"v{number:06d}", "role": Role.MEMBER, "password_hash": "!banc",
             "member_code": code, "active": True}
        )  # fmt: skip
        tokens.append(_token_row(token_of(number), f"v{number:06d}", now))
        roll.append(
            {"member_code": code, "name": f"Prénom{number} Nom{number}", "category": kind,
             "college": college, "entitled": True, "reason": ""}
        )  # fmt: skip
        represented = bool(present) and rng.randrange(100) < REPRESENTED_PERCENT
        if represented:
            holders[number] = rng.choice(present)
            mode = Attendance.REPRESENTED
        else:
            mode = rng.choice((Attendance.PRESENT, Attendance.REMOTE, Attendance.POSTAL))
            if mode is not Attendance.POSTAL:
                present.append(number)
        holder = holders.get(number)
        sheet.append(
            {"member_code": code, "college": college, "mode": mode,
             "holder_code": None if holder is None else f"V{holder:06d}",
             "recorded_at": MOMENT, "recorded_by": SCRUTINEER}
        )  # fmt: skip
    accounts.append(
        {"username": SCRUTINEER, "role": Role.SCRUTINEER, "password_hash": "!banc",
         "member_code": None, "active": True}
    )  # fmt: skip
    tokens.append(_token_row(token_of(0), SCRUTINEER, now))
    entitled = Counter(row["college"] for row in roll)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(members.insert(), people)
        connection.execute(users.insert(), accounts)
        connection.execute(api_tokens.insert(), tokens)
        ids = {}
        for code, title in ((CODE, "Assemblée générale en ligne"), (TWIN, "Jumelle")):
            ids[code] = connection.execute(
                assemblies.insert().returning(assemblies.c.id),
                {"code": code, "title": f"{title} du banc d'essai", "kind": "ordinary",
                 "convocation": 1, "held_on": HELD_ON, "cutoff": HELD_ON,
                 "statutes_id": rules.statutes_id, "statutes_digest": rules.statutes_digest,
                 "rules": rules.to_json(), "status": "open", "created_at": MOMENT,
                 "created_by": "bureau",
                 "roll_entitled": json.dumps(dict(sorted(entitled.items())))},
            ).scalar_one()  # fmt: skip
        connection.execute(assembly_roll.insert(), [{**r, "assembly_id": ids[CODE]} for r in roll])
        connection.execute(
            assembly_attendance.insert(), [{**r, "assembly_id": ids[CODE]} for r in sheet]
        )
    board = Actor("bureau", Role.ADMIN)
    for code in (CODE, TWIN):
        numbers = (*PREFILLED, *MEASURED) if code == CODE else tuple(MEASURED)
        for number in numbers:
            secret = MEASURED.get(number) == "secret"
            service.add_resolution(
                app.uows, board, code, title=f"Résolution {number} du banc d'essai",
                method=Method.SECRET if secret else Method.OPEN,
            )  # fmt: skip
    app.close()
    with engine.begin() as connection:
        resolution_ids: dict[int, int] = dict(
            connection.execute(
                text("SELECT number, id FROM assembly_resolutions WHERE assembly_id = :a"),
                {"a": ids[CODE]},
            ).all()
        )
        for number in PREFILLED:
            connection.execute(
                assembly_votes.insert(),
                [
                    {"assembly_id": ids[CODE], "resolution_id": resolution_ids[number],
                     "voter_code": row["member_code"],
                     "cast_by": row["holder_code"] or row["member_code"],
                     "college": row["college"], "choice": rng.choice(CHOICES),
                     "recorded_at": MOMENT, "recorded_by": SCRUTINEER}
                    for row in sheet
                ],
            )  # fmt: skip
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return [
        Voter(
            f"V{number:06d}",
            college_of[number],
            token_of(holders.get(number, number)),
            number in holders,
        )
        for number in range(1, VOTERS + 1)
    ]


def _token_row(token: str, username: str, now: datetime) -> dict[str, Any]:
    return {
        "token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "username": username,
        "created_at": now,
        "expires_at": now + timedelta(days=1),
    }


# --------------------------------------------------------------------------------------------
# The server


def profile(url: str, voters: Sequence[Voter], ballots: int) -> None:
    """``ballots`` ballots cast in this process, one after the other, as the API casts them
    (the token looked up, then ``cast_ballot``), under pyinstrument (installed by hand)."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("--profil demande pyinstrument : .venv/bin/pip install pyinstrument")

    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.assembly.model import Choice
    from gouvernance.services.access import accounts
    from gouvernance.services.assembly import assemblies

    app = bootstrap(url, migrate=False)
    work = plan(voters)[-2 * ballots :]  # the load took its ballots from the other end
    start = time.perf_counter()
    for number, voter, choice in work[ballots:]:
        actor = accounts.actor_for_token(app.uows, voter.token)
        assemblies.cast_ballot(app.uows, actor, CODE, number, voter.code, Choice(choice))
    print(f"--- {count(ballots)} bulletins par le service, à la suite, sans profileur : "
          f"{_ms((time.perf_counter() - start) / ballots)} par bulletin")  # fmt: skip
    work = work[:ballots]
    profiler = Profiler(interval=0.001)
    start = time.perf_counter()
    profiler.start()
    for number, voter, choice in work:
        actor = accounts.actor_for_token(app.uows, voter.token)
        assemblies.cast_ballot(app.uows, actor, CODE, number, voter.code, Choice(choice))
    profiler.stop()
    spent = time.perf_counter() - start
    app.close()
    print(f"--- profil : {count(ballots)} bulletins par le service, à la suite : "
          f"{_ms(spent / ballots)} par bulletin (sous le profileur)")  # fmt: skip
    print(profiler.output_text(unicode=True, color=False))


def server_processes(url: str) -> int:
    """``BANC_VOTE_PROCESSUS``, else as many as ``gouvernance serve`` starts on that database."""
    from gouvernance.cli.setup import default_workers

    return int(os.environ.get("BANC_VOTE_PROCESSUS", default_workers(url)))


def start(url: str, keys: Path, statutes: Path) -> tuple[Any, str]:
    port = http_load.free_port()
    environment = {
        **os.environ,
        "GOUVERNANCE_DATABASE_URL": url,
        "GOUVERNANCE_BALLOT_KEYS_DIR": str(keys),
        "GOUVERNANCE_STATUTES_DIR": str(statutes),
    }
    environment.pop("GOUVERNANCE_TODAY", None)
    # As ``gouvernance serve`` runs it, without the access log; the project's folder first on
    # the path (a bench script named like a package, bench/api.py, must not hide ``api``).
    root = str(Path(__file__).resolve().parent.parent)
    command = [
        sys.executable, "-m", "uvicorn", "gouvernance.server:create_server", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--app-dir", root,
        "--workers", str(server_processes(url)), "--loop", EVENT_LOOP,
    ]  # fmt: skip
    child = subprocess.Popen(command, env=environment, cwd=root)
    base = f"http://127.0.0.1:{port}"
    if http_load.serving(child, port):
        return child, base
    sys.exit(f"le serveur ne répond pas sur {base}")


def stop(child: Any) -> None:
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


# --------------------------------------------------------------------------------------------
# The load


@dataclass
class Load:
    seconds: float = 0.0
    accepted: list[tuple[int, str, str]] = field(default_factory=list)  # number, voter, choice
    answered: list[float] = field(default_factory=list)  # perf_counter of each 201, in order
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    feed: list[tuple[float, int]] = field(default_factory=list)  # when, ballots visible
    feed_errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # processor seconds of the server during the load


def plan(voters: Sequence[Voter]) -> list[tuple[int, Voter, str]]:
    rng = random.Random(SEED + 1)
    ballots = [(number, voter, rng.choice(CHOICES)) for number in MEASURED for voter in voters]
    rng.shuffle(ballots)
    return ballots


def visible(tally: dict[str, Any]) -> int:
    """Ballots of the measured resolutions the feed shows: per head for an open vote, the
    participation for a sealed one (its only figure while the vote is open)."""
    total = 0
    for resolution in tally["resolutions"]:
        if resolution["number"] not in MEASURED:
            continue
        if resolution["outcome"] == "sealed":
            for line in resolution["explanation"]:
                if found := _RECEIVED.search(line):
                    total += int(re.sub(r"\D", "", found.group(1)))
        else:
            total += int(resolution["headcount"]["total"])
    return total


async def follow_feed(client: httpx.AsyncClient, load: Load, done: asyncio.Event) -> None:
    headers = {"Authorization": f"Bearer {token_of(0)}", "Accept": "text/event-stream"}
    try:
        async with client.stream("GET", f"/assemblies/{CODE}/live", headers=headers) as reply:
            if reply.status_code != 200:
                load.feed_errors.append(f"{reply.status_code} {await reply.aread()!r}")
                return
            name, data = "", ""
            async for line in reply.aiter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data += line[6:]
                elif not line:
                    if name == "tally":
                        load.feed.append((time.perf_counter(), visible(json.loads(data))))
                    elif name:
                        load.feed_errors.append(data)
                    name, data = "", ""
                if done.is_set():
                    return
    except (httpx.HTTPError, asyncio.CancelledError) as error:
        if not done.is_set():
            load.feed_errors.append(repr(error))


async def run_load(base: str, ballots: list[tuple[int, Voter, str]], clients: int,
                   seconds: float) -> Load:  # fmt: skip
    load = Load()
    pending = iter(ballots)
    done = asyncio.Event()
    async with httpx.AsyncClient(base_url=base, timeout=None) as screen:
        feed = asyncio.create_task(follow_feed(screen, load, done))
        await asyncio.sleep(1.5)  # the first tally is on the screen before the first ballot
        start = time.perf_counter()
        end = start + seconds
        port = int(base.rsplit(":", 1)[1])

        async def worker() -> None:
            # One keep-alive connection, HTTP/1.1 written by hand (``bench/http_load.py``): the
            # load generator shares the two processors with the server it measures.
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            while time.perf_counter() < end:
                number, voter, choice = next(pending)
                body = json.dumps({"voter": voter.code, "choice": choice}).encode()
                began = time.perf_counter()
                reply = await http_load.post(
                    reader, writer, f"/assemblies/{CODE}/resolutions/{number}/ballots", body,
                    f"Authorization: Bearer {voter.token}\r\n".encode(),
                )  # fmt: skip
                answered = time.perf_counter()
                status, answer = reply.status, reply.body
                if status == 201:
                    load.latencies.append(answered - began)
                    load.answered.append(answered)
                    load.accepted.append((number, voter.code, choice))
                else:
                    message = _message(answer)
                    load.errors[f"{status} {message}"] += 1
            writer.close()

        await asyncio.gather(*(worker() for _ in range(clients)))
        load.seconds = time.perf_counter() - start
        target = len(load.accepted)
        grace = time.perf_counter() + GRACE_SECONDS
        while time.perf_counter() < grace and not (load.feed and load.feed[-1][1] >= target):
            await asyncio.sleep(0.05)
        done.set()
        feed.cancel()
        await asyncio.gather(feed, return_exceptions=True)
    return load


def _message(answer: bytes) -> str:
    try:
        found: str = json.loads(answer).get("error", {}).get("message", "")
        return found or answer[:120].decode(errors="replace")
    except ValueError:
        return answer[:120].decode(errors="replace")


def cpu_seconds(pid: int) -> float:
    """Processor time (user + system) of the server process and its live children so far
    (the worker processes of ``--workers``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def watch_waits(url: str, waits: Counter[str], done: threading.Event) -> None:
    """Every 50 ms, what each connection of the server waits for (``pg_stat_activity``)."""
    raw = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw, autocommit=True) as pg:
        while not done.wait(0.05):
            rows = pg.execute(
                "SELECT coalesce(wait_event_type || ' ' || wait_event, 'processeur'), state, "
                "left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state <> 'idle'"
            ).fetchall()
            for event, state, query in rows:
                waits[f"{event} ({state}) : {query}"] += 1


def feed_lags(load: Load) -> tuple[list[float], int]:
    """For the k-th ballot accepted, from its 201 to the first feed update showing ≥ k ballots;
    and how many were never shown (counted up to the end of the grace period)."""
    lags, unseen = [], 0
    points = load.feed
    index = 0
    last = points[-1][0] if points else time.perf_counter()
    for k, answered in enumerate(load.answered, start=1):
        while index < len(points) and points[index][1] < k:
            index += 1
        if index == len(points):
            unseen += 1
            lags.append(max(0.0, last - answered) + GRACE_SECONDS)
            continue
        lags.append(max(0.0, points[index][0] - answered))
    return lags, unseen


def quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --------------------------------------------------------------------------------------------
# The reference: the same rows straight to the driver, one transaction per ballot


def twin_ids(url: str) -> tuple[int, dict[int, int], dict[int, str]]:
    from gouvernance.persistence.database import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        twin = connection.execute(
            text("SELECT id FROM assemblies WHERE code = :c"), {"c": TWIN}
        ).scalar_one()
        rows = connection.execute(
            text("SELECT number, id, ballot_key FROM assembly_resolutions WHERE assembly_id = :a"),
            {"a": twin},
        ).all()
    engine.dispose()
    measured = dict(enumerate(MEASURED, start=1))  # the twin's n° 1 is the assembly's n° 3…
    return (
        twin,
        {measured[r[0]]: r[1] for r in rows},
        {measured[r[0]]: r[2] for r in rows if r[2]},
    )


def reference_rows(url: str, load: Load, college: dict[str, str]) -> list[tuple[Any, ...]]:
    """(vote row, sealed ballot or None) per accepted ballot, mapped onto the twin assembly; the
    sealed ballot sealed beforehand (sealing is the server's work, inserting the base's)."""
    from gouvernance.domain.assembly.model import Choice
    from gouvernance.services.assembly.ballot_box import BallotContent, seal

    twin, ids, keys = twin_ids(url)
    from gouvernance.persistence.database import make_engine
    from gouvernance.persistence.orm import assembly_votes

    engine = make_engine(url)
    bind = assembly_votes.c.recorded_at.type.bind_processor(engine.dialect)
    engine.dispose()
    stamp = bind(MOMENT) if bind is not None else MOMENT
    rows = []
    for number, voter, choice in load.accepted:
        secret = MEASURED[number] == "secret"
        vote = (twin, ids[number], voter, voter, college[voter], None if secret else choice,
                stamp, SCRUTINEER)  # fmt: skip
        box = None
        if secret:
            twin_number = list(MEASURED).index(number) + 1
            content = BallotContent(TWIN, twin_number, college[voter], Choice(choice))
            box = (twin, ids[number], college[voter], seal(keys[number], content))
        rows.append((vote, box))
    return rows


VOTE_SQL = (
    "INSERT INTO assembly_votes (assembly_id, resolution_id, voter_code, cast_by, college, "
    "choice, recorded_at, recorded_by) VALUES ({})"
)
BOX_SQL = (
    "INSERT INTO assembly_ballot_box (assembly_id, resolution_id, college, sealed) VALUES ({})"
)


def raw_insert(url: str, rows: Sequence[tuple[Any, ...]]) -> float:
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        vote, box = VOTE_SQL.format(", ".join("?" * 8)), BOX_SQL.format("?, ?, ?, ?")
        start = time.perf_counter()
        for row, sealed in rows:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(vote, row)
            if sealed is not None:
                connection.execute(box, sealed)
            connection.execute("COMMIT")
        spent = time.perf_counter() - start
        connection.close()
        return spent
    raw = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    vote, box = VOTE_SQL.format(", ".join(["%s"] * 8)), BOX_SQL.format("%s, %s, %s, %s")
    with psycopg.connect(raw) as pg:
        start = time.perf_counter()
        for row, sealed in rows:
            with pg.transaction():
                pg.execute(vote, row)
                if sealed is not None:
                    pg.execute(box, sealed)
        return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# Checking and reporting


@dataclass
class Measure:
    name: str
    load: Load
    reference_seconds: float  # per ballot
    reference_count: int
    lags: list[float]
    unseen: int
    workers: int = 1
    seconds: float = 0.0  # per ballot through the API: the inverse of the sustained rate

    def __post_init__(self) -> None:
        self.seconds = self.load.seconds / max(1, len(self.load.accepted))

    @property
    def rate(self) -> float:
        return len(self.load.accepted) / self.load.seconds

    @property
    def ratio(self) -> float:
        return self.seconds / self.reference_seconds


def check(url: str, load: Load) -> None:
    """Every accepted ballot is in the database, once; secret ones with a sealed ballot and no
    choice; the audit chain still verifies."""
    from gouvernance.bootstrap import bootstrap
    from gouvernance.domain.users import Actor, Role
    from gouvernance.services import audit_chain

    app = bootstrap(url, migrate=False)
    try:
        with app.uows() as uow:
            session = uow.session  # type: ignore[attr-defined]
            rows = session.execute(
                text(
                    "SELECT r.number, count(v.id), count(v.choice) FROM assembly_votes v "
                    "JOIN assembly_resolutions r ON r.id = v.resolution_id "
                    "JOIN assemblies a ON a.id = v.assembly_id WHERE a.code = :c "
                    "GROUP BY r.number"
                ),
                {"c": CODE},
            ).all()
            boxes = session.execute(
                text(
                    "SELECT count(*) FROM assembly_ballot_box b JOIN assemblies a "
                    "ON a.id = b.assembly_id WHERE a.code = :c"
                ),
                {"c": CODE},
            ).scalar_one()
        expected = Counter(number for number, _, _ in load.accepted)
        for number, cast, chosen in rows:
            if number in PREFILLED:
                continue
            if cast != expected[number]:
                sys.exit(
                    f"résolution {number} : {cast} bulletins en base, {expected[number]} acceptés"
                )
            if MEASURED[number] == "secret" and chosen:
                sys.exit(f"résolution {number} (secrète) : {chosen} bulletins portent un choix")
        secret = sum(expected[n] for n, how in MEASURED.items() if how == "secret")
        if boxes != secret:
            sys.exit(f"urne : {boxes} bulletins scellés pour {secret} votes secrets acceptés")
        verification = audit_chain.verify(app.uows, Actor("admin", Role.ADMIN))
        if not verification.intact:
            sys.exit(f"journal d'audit : {verification.lines[0]}")
    finally:
        app.close()


def report(result: Measure, clients: int) -> None:
    load = result.load
    name = result.name
    print(
        f"[{name}] {count(len(load.accepted))} bulletins acceptés en {french(load.seconds)} "
        f"par {clients} clients : {result.rate:.0f} bulletins/s (cible ≥ {TARGET_RATE})".replace(
            ".", ","
        )
    )
    print(
        f"[{name}] un bulletin vu du client : médiane {_ms(quantile(load.latencies, 0.5))}, "
        f"95ᵉ centile {_ms(quantile(load.latencies, 0.95))} (cible ≤ 100 ms), "
        f"99ᵉ centile {_ms(quantile(load.latencies, 0.99))} ; processeur du serveur : "
        f"{_ms(load.server_cpu / max(1, len(load.accepted)))} par bulletin"
    )
    print(
        f"[{name}] retard du direct : médiane {_ms(quantile(result.lags, 0.5))}, "
        f"95ᵉ centile {_ms(quantile(result.lags, 0.95))}, "
        f"au plus {_ms(max(result.lags, default=0))} (cible ≤ 1 s) ; "
        f"{len(load.feed)} envois reçus ; {result.unseen} bulletin(s) jamais montrés"
    )
    if load.errors:
        for message, times in load.errors.most_common(5):
            print(f"[{name}] refus ×{times} : {message}")
    if load.feed_errors:
        print(f"[{name}] direct : {load.feed_errors[:3]}")
    print(
        f"[{name}] référence, insertion brute des mêmes lignes ({count(result.reference_count)}, "
        f"une transaction par bulletin) : {_ms(result.reference_seconds)} par bulletin ; "
        f"par l'API : {_ms(result.seconds)} par bulletin ; rapport "
        f"{result.ratio:.1f}".replace(".", ",")
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms".replace(".", ",")


def measure(name: str, url: str, folder: Path, options: argparse.Namespace) -> Measure:
    started = time.perf_counter()
    voters = populate(url, folder)
    keys = folder / f"cles-{name}"
    print(
        f"[{name}] {count(VOTERS)} associés en 5 collèges, comptes et jetons, "
        f"{count(VOTERS * len(PREFILLED))} bulletins déjà déposés "
        f"({french(time.perf_counter() - started)}, non chronométré)"
    )
    child, base = start(url, keys, folder / "statuts")
    waits: Counter[str] = Counter()
    watching = threading.Event()
    watcher = None
    if options.attentes and not url.startswith("sqlite"):
        watcher = threading.Thread(target=watch_waits, args=(url, waits, watching))
        watcher.start()
    try:
        before = cpu_seconds(child.pid)
        load = asyncio.run(run_load(base, plan(voters), options.clients, options.duree))
        load.server_cpu = cpu_seconds(child.pid) - before
    finally:
        watching.set()
        if watcher is not None:
            watcher.join()
        stop(child)
    if waits:
        total = sum(waits.values())
        print(f"[{name}] où attendent les connexions du serveur ({count(total)} relevés) :")
        for what, times in waits.most_common(8):
            print(f"[{name}]   {times / total:6.1%}  {what}".replace(".", ","))
    if not load.accepted:
        sys.exit(f"[{name}] aucun bulletin accepté : {load.errors.most_common(3)}")
    check(url, load)
    college = {v.code: v.college for v in voters}
    rows = reference_rows(url, load, college)[: options.reference]
    spent = raw_insert(url, rows)
    lags, unseen = feed_lags(load)
    if options.profil:
        profile(url, voters, options.profil)
    return Measure(name, load, spent / len(rows), len(rows), lags, unseen, server_processes(url))


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description="Vote en ligne sous charge")
    parser.add_argument("--duree", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--reference", type=int, default=5000, help="lignes insérées au plus")
    parser.add_argument("--sqlite", action="store_true", help="SQLite seulement")
    parser.add_argument("--postgresql", action="store_true", help="PostgreSQL seulement")
    parser.add_argument("--attentes", action="store_true", help="PostgreSQL : attentes")
    parser.add_argument("--profil", type=int, default=0, help="bulletins profilés")
    options = parser.parse_args(argv)
    os.environ.pop("GOUVERNANCE_TODAY", None)
    pg = None if options.sqlite else postgres_url()
    results: dict[str, Measure] = {}
    with tempfile.TemporaryDirectory(prefix="bench-vote-") as scratch:
        folder = Path(scratch)
        if not options.postgresql:
            os.environ["GOUVERNANCE_BALLOT_KEYS_DIR"] = str(folder / "cles-sqlite")
            results["sqlite"] = measure(
                "sqlite", migrated_sqlite(folder / "vote.sqlite3"), folder, options
            )
            report(results["sqlite"], options.clients)
        if pg is not None:
            os.environ["GOUVERNANCE_BALLOT_KEYS_DIR"] = str(folder / "cles-postgresql")
            results["postgresql"] = measure("postgresql", migrated_postgres(pg), folder, options)
            report(results["postgresql"], options.clients)
    if not results:
        sys.exit("aucune base mesurée")
    print(
        summary_line(
            results,
            {"voters": VOTERS, "colleges": 5, "clients": options.clients,
             "duration": options.duree},
            lambda m: _details(m),  # type: ignore[arg-type]
        )
    )  # fmt: skip


def _details(result: Measure) -> dict[str, Any]:
    load = result.load
    return {
        "ballots": len(load.accepted),
        "ballots_per_second": round(result.rate, 1),
        "p50": round(quantile(load.latencies, 0.5), 4),
        "p95": round(quantile(load.latencies, 0.95), 4),
        "p99": round(quantile(load.latencies, 0.99), 4),
        "feed_lag_p50": round(quantile(result.lags, 0.5), 3),
        "feed_lag_p95": round(quantile(result.lags, 0.95), 3),
        "feed_lag_max": round(max(result.lags, default=0.0), 3),
        "feed_updates": len(load.feed),
        "server_cpu_per_ballot": round(load.server_cpu / max(1, len(load.accepted)), 5),
        "refused": sum(load.errors.values()),
        "reference_rows": result.reference_count,
        "workers": result.workers,
    }


if __name__ == "__main__":
    main(sys.argv[1:])
