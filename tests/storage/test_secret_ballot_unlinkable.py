"""Nobody holding a copy of the database can link a voter to a secret choice.

Each test casts known secret ballots (twelve associates, choices drawn at random), then plays
the attacker of the audit that found the flaw: someone with SELECT rights, a backup or the
SQLite ``-wal`` file, trying every join that once worked — transaction ids (``xmin``), the
physical order of the counters (``ctid``), the database replayed commit by commit, the
timestamps, the audit log and the idempotency rows. The same attacks, run on a secret
resolution counted the old way (a counter raised in the voter's transaction), link every
voter: that control shows the attacks are real; on sealed ballots they link nobody, so the
attacker is left with chance.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from backends import ONLY_POSTGRESQL, ONLY_SQLITE
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, BallotCount, Choice, CountSource, Method
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.orm import assembly_ballot_box, assembly_resolutions, metadata
from gouvernance.services import idempotency
from gouvernance.services.assembly import assemblies
from gouvernance.services.registry import members

BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
VOTERS = 12
CHOICES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN, Choice.BLANK)


@dataclass(frozen=True)
class Election:
    code: str
    number: int
    resolution_id: int
    truth: Mapping[str, Choice]  # what each voter chose, known only to the test


@pytest.fixture
def voters(app: Application) -> list[str]:
    found = []
    for i in range(VOTERS):
        draft = MemberDraft(
            kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2020, 1, 1),
            first_name=f"Votant {i}", last_name="Secret",
        )  # fmt: skip
        found.append(members.create_member(app.uows, SYSTEM, draft).code)
    return found


@pytest.fixture
def assembly(app: Application, voters: list[str]) -> str:
    view = assemblies.create_assembly(
        app.uows, BOARD, title="AG à bulletin secret", held_on=date(2026, 6, 20),
        statutes_id="demo-statuts-association",
    )  # fmt: skip
    for voter in voters:
        assemblies.record_attendance(app.uows, SCRUTINEER, view.summary.code, voter,
                                     Attendance.PRESENT)  # fmt: skip
    return view.summary.code


def _secret_resolution(app: Application, code: str, *, old_way: bool) -> tuple[int, int]:
    number = assemblies.add_resolution(
        app.uows, BOARD, code, title="Élection au conseil", method=Method.SECRET
    ).number
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rid, assembly_id = session.execute(
            select(assembly_resolutions.c.id, assembly_resolutions.c.assembly_id).where(
                assembly_resolutions.c.number == number
            )
        ).one()
        if old_way:  # as before migration 0007: no key, counters raised in the voter's commit
            session.execute(
                update(assembly_resolutions)
                .where(assembly_resolutions.c.id == rid)
                .values(ballot_key=None)
            )
            uow.assemblies.create_counters(
                [BallotCount(assembly_id, rid, "", c, 0, CountSource.SECRET) for c in Choice]
            )
        uow.commit()
    return number, rid


def _elect(
    app: Application, code: str, voters: list[str], *, old_way: bool = False,
    after_each: Callable[[str], None] = lambda voter: None,
) -> Election:  # fmt: skip
    number, rid = _secret_resolution(app, code, old_way=old_way)
    draw = random.Random(2026)
    truth = {voter: draw.choice(CHOICES) for voter in voters}
    for voter in voters:
        assemblies.cast_ballot(
            app.uows, SCRUTINEER, code, number, voter, truth[voter],
            idempotency_key=f"bulletin-{voter}",
        )  # fmt: skip
        after_each(voter)
    return Election(code, number, rid, truth)


def _accuracy(guesses: Mapping[str, Choice], truth: Mapping[str, Choice]) -> float:
    return sum(guesses.get(voter) is choice for voter, choice in truth.items()) / len(truth)


def _sqlite(database_url: str) -> Path:
    return Path(make_url(database_url).database or "")


# --- PostgreSQL: transaction ids and physical order -----------------------------------------


def _xmin_attack(app: Application, resolution_id: int) -> dict[str, Choice]:
    """A reader with SELECT rights joins each vote to the counter row its transaction wrote."""
    with app.uows() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text(
                "SELECT v.voter_code, c.choice FROM assembly_votes v "
                "JOIN assembly_counts c ON c.xmin = v.xmin WHERE v.resolution_id = :r"
            ),
            {"r": resolution_id},
        ).all()
    return {voter: Choice(choice) for voter, choice in rows}


@ONLY_POSTGRESQL
def test_the_transaction_id_join_links_voters_of_a_ballot_counted_the_old_way(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    """Each counter row keeps the id of the last transaction that raised it: the last voter
    of each choice is linked, without a mistake (the audit found 5 of 10)."""
    election = _elect(app, assembly, voters, old_way=True)
    guesses = _xmin_attack(app, election.resolution_id)
    assert len(guesses) == len(set(election.truth.values()))
    assert all(election.truth[voter] is choice for voter, choice in guesses.items())


@ONLY_POSTGRESQL
def test_the_transaction_id_join_links_no_voter_of_a_sealed_ballot_before_or_after_counting(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    election = _elect(app, assembly, voters)
    assert _xmin_attack(app, election.resolution_id) == {}
    assemblies.close_vote(app.uows, SCRUTINEER, assembly, election.number)
    assert _xmin_attack(app, election.resolution_id) == {}
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        counters = session.execute(
            text(
                "SELECT xmin::text, college, choice FROM assembly_counts "
                "WHERE resolution_id = :r ORDER BY ctid"
            ),
            {"r": election.resolution_id},
        ).all()
        votes = set(
            session.scalars(
                text("SELECT xmin::text FROM assembly_votes WHERE resolution_id = :r"),
                {"r": election.resolution_id},
            )
        )
    # The counters: written together by the closing, in a fixed order, unrelated to any voter.
    assert len({xmin for xmin, _, _ in counters}) == 1 and not votes & {counters[0][0]}
    # every cell once, written by the same statement: where PostgreSQL places them (ctid) depends
    # on the table's free space, never on who voted, since no voter's transaction wrote one
    assert sorted(choice for _, _, choice in counters) == sorted(c.value for c in Choice)
    assert sum(1 for c in election.truth.values() if c is Choice.FOR) == _count(
        app, election, Choice.FOR
    )


def _count(app: Application, election: Election, choice: Choice) -> int:
    result = assemblies.tally(app.uows, SCRUTINEER, election.code).tally.resolutions[0]
    return {
        Choice.FOR: result.headcount.for_,
        Choice.AGAINST: result.headcount.against,
        Choice.ABSTAIN: result.headcount.abstain,
    }[choice]


@ONLY_POSTGRESQL
def test_the_sealed_ballot_a_voter_s_transaction_wrote_says_nothing_of_the_choice(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    """The xmin join does reach the ciphertext; every ciphertext has the same size, two equal
    choices never seal alike, and once the vote is closed the key that opens them is gone."""
    election = _elect(app, assembly, voters)
    with app.uows() as uow:
        rows = uow.session.execute(  # type: ignore[attr-defined]
            text(
                "SELECT v.voter_code, b.sealed FROM assembly_votes v "
                "JOIN assembly_ballot_box b ON b.xmin = v.xmin WHERE v.resolution_id = :r"
            ),
            {"r": election.resolution_id},
        ).all()
        key = uow.session.scalar(  # type: ignore[attr-defined]
            select(assembly_resolutions.c.ballot_key).where(
                assembly_resolutions.c.id == election.resolution_id
            )
        )
    sealed = dict(rows)
    assert len(sealed) == VOTERS and len({len(s) for s in sealed.values()}) == 1
    assert len(set(sealed.values())) == VOTERS
    assemblies.close_vote(app.uows, SCRUTINEER, assembly, election.number)
    with app.uows() as uow:
        assert uow.ballot_keys.private(key) is None


# --- SQLite: the database replayed commit by commit ------------------------------------------


def _snapshot(path: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table as a reader of the file (and its -wal) sees it now."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table.name: set(connection.execute(f"SELECT * FROM {table.name}").fetchall())
            for table in metadata.sorted_tables
        }
    finally:
        connection.close()


def _replay_attack(
    commits: Mapping[str, dict[str, set[tuple[Any, ...]]]],
    before: dict[str, set[tuple[Any, ...]]],
) -> dict[str, Choice]:
    """What the rows each voter's commit added or changed give away: a counter that moved,
    or a choice written anywhere (audit detail, idempotency response, a column)."""
    guesses: dict[str, Choice] = {}
    previous = before
    for voter, state in commits.items():
        for table, rows in state.items():
            for row in rows - previous.get(table, set()):
                found = _choice_in(table, row, previous.get(table, set()))
                if found is not None:
                    guesses[voter] = found
        previous = state
    return guesses


def _choice_in(table: str, row: tuple[Any, ...], before: set[tuple[Any, ...]]) -> Choice | None:
    if table == "assembly_counts":  # id, assembly, resolution, college, choice, count, source
        return Choice(row[4]) if row[5] > 0 else None
    for value in row:
        if isinstance(value, str):
            for choice in Choice:
                if f'"{choice.value}"' in value or f"'{choice.value}'" in value:
                    return choice
    return None


def _replayed_election(
    app: Application, path: Path, code: str, voters: list[str], *, old_way: bool
) -> tuple[Election, dict[str, Choice]]:
    commits: dict[str, dict[str, set[tuple[Any, ...]]]] = {}
    before = _snapshot(path)
    election = _elect(
        app, code, voters, old_way=old_way,
        after_each=lambda voter: commits.__setitem__(voter, _snapshot(path)),
    )  # fmt: skip
    return election, _replay_attack(commits, before)


@ONLY_SQLITE
def test_replaying_the_database_commit_by_commit_links_every_voter_counted_the_old_way(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    path = _sqlite(database_url)
    election, guesses = _replayed_election(app, path, assembly, voters, old_way=True)
    assert _accuracy(guesses, election.truth) == 1.0


@ONLY_SQLITE
def test_replaying_the_database_commit_by_commit_links_no_voter_of_a_sealed_ballot(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    path = _sqlite(database_url)
    _, guesses = _replayed_election(app, path, assembly, voters, old_way=False)
    assert guesses == {}


@ONLY_SQLITE
def test_no_file_of_the_database_ever_holds_a_secret_choice_in_clear(
    app: Application, database_url: str, assembly: str, voters: list[str]
) -> None:
    """The bytes of the database and of its -wal, before and after the count: no sealed
    ballot's plain text, no choice next to a secret vote in the audit log."""
    path = _sqlite(database_url)
    election = _elect(app, assembly, voters)
    wal = path.with_name(path.name + "-wal")

    def raw() -> bytes:
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert b'"v":"' not in raw() and b'"choix"' not in raw()
    assemblies.close_vote(app.uows, SCRUTINEER, assembly, election.number)
    assert b'"v":"' not in raw() and b'"choix"' not in raw()


# --- Every backend: timestamps, the audit log, the retries -----------------------------------


def test_nothing_written_beside_a_secret_vote_carries_its_choice_or_a_time_to_match(
    app: Application, assembly: str, voters: list[str]
) -> None:
    election = _elect(app, assembly, voters)
    assert not {"recorded_at", "created_at", "at"} & set(assembly_ballot_box.c.keys())
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        details = session.scalars(
            text("SELECT detail FROM audit_log WHERE action = 'assemblee.vote'")
        ).all()
        remembered = session.execute(
            text("SELECT key, request_hash, response FROM idempotency_keys")
        ).all()
    assert len(details) == VOTERS
    assert all("choix" not in json.loads(d) and json.loads(d)["secret"] for d in details)
    for key, request_hash, response in remembered:
        voter = key.rsplit("bulletin-", 1)[1]
        tries = {
            idempotency.fingerprint(
                {
                    "assembly": assembly,
                    "resolution": election.number,
                    "voter": voter,
                    "choice": choice.value,
                }
            )
            for choice in Choice
        }
        assert request_hash not in tries
        assert json.loads(response)["choice"] is None


def test_the_count_of_sealed_ballots_is_exact_once_the_vote_is_closed(
    app: Application, assembly: str, voters: list[str]
) -> None:
    election = _elect(app, assembly, voters)
    view = assemblies.close_vote(app.uows, SCRUTINEER, assembly, election.number)
    result = assemblies.tally(app.uows, SCRUTINEER, assembly).tally.resolutions[0]
    expected = {c: sum(1 for v in election.truth.values() if v is c) for c in CHOICES}
    headcount = result.headcount
    assert (view.ballots, view.vote_closed, view.sealed) == (VOTERS, True, False)
    assert (headcount.for_, headcount.against, headcount.abstain, headcount.blank) == tuple(
        expected[c] for c in CHOICES
    )


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-06-20")
    yield
