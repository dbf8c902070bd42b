"""Group commit of ballots (``assemblies.cast_ballots``, ``BallotWriter``): a batch written in
one transaction gives every ballot the outcome casting it alone would give — receipt or the
same French refusal — and leaves the same votes, counts and an intact audit chain.

Two assemblies are set up alike; the same ballots, in the same drawn order, are cast one by
one on the first and as one batch on the second; then outcomes and stored rows are compared.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from backends import ONLY_POSTGRESQL
from sqlalchemy import text

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance, Choice, Method
from gouvernance.domain.errors import GouvernanceError
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit_chain
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import BallotOutcome, BallotRequest

BOARD = Actor("bureau", Role.BOARD)
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
PRESENT, ABSENT = 8, 2  # associates attending; on the roll but not signed in


@pytest.fixture
def people(app: Application) -> list[str]:
    codes = []
    for i in range(PRESENT + ABSENT):
        draft = MemberDraft(
            kind=PersonKind.NATURAL, category="volunteer", joined_on=date(2020, 1, 1),
            first_name=f"Associé {i}", last_name="Lot",
        )  # fmt: skip
        codes.append(members_create(app, draft))
    return codes


def members_create(app: Application, draft: MemberDraft) -> str:
    from gouvernance.services.registry import members

    return members.create_member(app.uows, SYSTEM, draft).code


def _assembly(app: Application, people: list[str]) -> str:
    """Present associates, two absent; resolutions 1 (open), 2 (secret), 3 (open, closed)."""
    code = assemblies.create_assembly(
        app.uows, BOARD, title="AG en ligne", held_on=date(2026, 6, 20),
        statutes_id="demo-statuts-association",
    ).summary.code  # fmt: skip
    for voter in people[:PRESENT]:
        assemblies.record_attendance(app.uows, SCRUTINEER, code, voter, Attendance.PRESENT)
    for title, method in (("Comptes", Method.OPEN), ("Élection", Method.SECRET),
                          ("Clos", Method.OPEN)):  # fmt: skip
        assemblies.add_resolution(app.uows, BOARD, code, title=title, method=method)
    assemblies.close_vote(app.uows, SCRUTINEER, code, 3)
    return code


def _ballots(people: list[str], seed: int) -> list[tuple[Actor, int, str, Choice, str | None]]:
    """Valid ballots, a second ballot of the same voter, a closed vote, a voter not signed
    in, a code on no roll, a member voting for another without a proxy, a key replayed."""
    draw = random.Random(seed)
    present, absent = people[:PRESENT], people[PRESENT:]
    ballots: list[tuple[Actor, int, str, Choice, str | None]] = []
    for number in (1, 2):
        for voter in present:
            ballots.append((SCRUTINEER, number, voter, draw.choice(list(Choice)), None))
    ballots += [
        (SCRUTINEER, 1, present[0], Choice.AGAINST, None),  # already voted (same batch)
        (SCRUTINEER, 3, present[1], Choice.FOR, None),  # vote closed
        (SCRUTINEER, 1, absent[0], Choice.FOR, None),  # not signed in
        (SCRUTINEER, 1, "ZZ9999", Choice.FOR, None),  # on no roll
        (SCRUTINEER, 9, present[2], Choice.FOR, None),  # no such resolution
        (Actor("m", Role.MEMBER, present[3]), 2, present[4], Choice.FOR, None),  # no proxy
        (Actor("m", Role.MEMBER, absent[1]), 1, absent[1], Choice.FOR, "cle-1"),
        (SCRUTINEER, 2, absent[1], Choice.FOR, "cle-2"),
        (SCRUTINEER, 2, absent[1], Choice.FOR, "cle-2"),  # replayed key, same request
    ]
    draw.shuffle(ballots)
    return ballots


def _seen(outcome: BallotOutcome | None, code: str) -> tuple[Any, ...]:
    if isinstance(outcome, GouvernanceError):
        return (type(outcome).__name__, outcome.message.replace(code, "AG"), outcome.field)
    assert outcome is not None
    return (outcome.resolution, outcome.voter_code, outcome.cast_by, outcome.secret,
            outcome.choice, outcome.created)  # fmt: skip


def _stored(app: Application, code: str) -> tuple[Any, ...]:
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        votes = session.execute(
            text(
                "SELECT r.number, v.voter_code, v.cast_by, v.college, v.choice "
                "FROM assembly_votes v JOIN assembly_resolutions r ON r.id = v.resolution_id "
                "JOIN assemblies a ON a.id = v.assembly_id WHERE a.code = :c"
            ),
            {"c": code},
        ).all()
        boxed = session.scalar(
            text(
                "SELECT count(*) FROM assembly_ballot_box b JOIN assemblies a "
                "ON a.id = b.assembly_id WHERE a.code = :c"
            ),
            {"c": code},
        )
        logged = session.scalar(
            text("SELECT count(*) FROM audit_log WHERE action = 'assemblee.vote' "
                 "AND entity_key = :c"),
            {"c": code},
        )  # fmt: skip
    assemblies.close_vote(app.uows, SCRUTINEER, code, 2)
    counted = [
        (r.number, r.headcount.for_, r.headcount.against, r.headcount.abstain, r.headcount.blank)
        for r in assemblies.tally(app.uows, SCRUTINEER, code).tally.resolutions
    ]
    return sorted(map(tuple, votes)), boxed, logged, counted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_batch_gives_each_ballot_the_outcome_it_has_alone(
    app: Application, people: list[str], seed: int
) -> None:
    alone, together = _assembly(app, people), _assembly(app, people)
    ballots = _ballots(people, seed)
    one_by_one: list[tuple[Any, ...]] = []
    for actor, number, voter, choice, key in ballots:
        try:
            receipt: BallotOutcome = assemblies.cast_ballot(
                app.uows, actor, alone, number, voter, choice, idempotency_key=key
            )
        except GouvernanceError as error:
            receipt = error
        one_by_one.append(_seen(receipt, alone))
    requests = [
        BallotRequest(actor, together, number, voter, choice, key and f"{key}-lot")
        for actor, number, voter, choice, key in ballots
    ]
    batch = [_seen(o, together) for o in assemblies.cast_ballots(app.uows, requests)]
    assert batch == one_by_one
    assert any(isinstance(o, GouvernanceError) for o in assemblies.cast_ballots(
        app.uows, requests[:1]))  # fmt: skip
    assert _stored(app, together) == _stored(app, alone)
    assert audit_chain.verify(app.uows, SYSTEM).intact


def test_the_writer_answers_each_caller_and_leaves_no_thread(
    app: Application, people: list[str]
) -> None:
    code = _assembly(app, people)
    writer = app.ballot_writer()
    results: list[Any] = []

    def cast(voter: str) -> None:
        try:
            results.append(writer.submit(SCRUTINEER, code, 1, voter, Choice.FOR))
        except GouvernanceError as error:
            results.append(error)

    threads = [threading.Thread(target=cast, args=(v,)) for v in people + people[:1]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [v for v in results if isinstance(v, GouvernanceError)]
    # the absent ones, and one of the two ballots of the first associate
    assert (len(results), len(refused)) == (len(people) + 1, ABSENT + 1)
    assert sum("a déjà voté" in error.message for error in refused) == 1
    app.stop_ballot_writer()
    assert not [t for t in threading.enumerate() if t.name == "gouvernance-bulletins"]
    assert audit_chain.verify(app.uows, SYSTEM).intact


def test_a_ballot_the_database_refuses_is_undone_alone(
    app: Application, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second ballot of the same voter in one batch, when the database's reading of the voter
    misses the first (the one-ballot reading blinded here): the batch remembers whom it has
    recorded, and that ballot alone gets the same French conflict. (A ballot written by another
    process meanwhile: the test below.)"""
    from gouvernance.persistence.assemblies import SqlAssemblyStore

    code = _assembly(app, people)
    real = SqlAssemblyStore.voter_standing

    def blind(self: SqlAssemblyStore, *args: Any) -> Any:
        found = real(self, *args)
        return None if found is None else replace(found, voted=False)

    monkeypatch.setattr(SqlAssemblyStore, "voter_standing", blind)
    voters = [people[0], people[1], people[0], people[2]]
    outcomes = assemblies.cast_ballots(
        app.uows, [BallotRequest(SCRUTINEER, code, 1, v, Choice.FOR) for v in voters]
    )
    monkeypatch.undo()
    assert [isinstance(o, GouvernanceError) for o in outcomes] == [False, False, True, False]
    assert "déjà voté" in outcomes[2].message  # type: ignore[union-attr]
    assert sorted(v for _, v, *_ in _stored(app, code)[0]) == sorted(people[:3])
    assert audit_chain.verify(app.uows, SYSTEM).intact


def test_a_ballot_written_by_another_process_meanwhile_is_refused_alone_when_rows_go_together(
    app: Application, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open ballots of a batch insert their rows together at its end: one that another
    process wrote after the batch read its voters' standing fails that insert, and the batch is
    written again ballot by ballot, where that ballot alone gets the conflict."""
    from gouvernance.persistence.assemblies import SqlAssemblyStore

    code = _assembly(app, people)
    assemblies.cast_ballots(app.uows, [BallotRequest(SCRUTINEER, code, 1, people[0], Choice.FOR)])
    real_one, real_many = SqlAssemblyStore.voter_standing, SqlAssemblyStore.voter_standings

    def blind_one(self: SqlAssemblyStore, *args: Any) -> Any:
        found = real_one(self, *args)
        return None if found is None else replace(found, voted=False)

    def blind_many(self: SqlAssemblyStore, *args: Any) -> Any:
        return {code: replace(s, voted=False) for code, s in real_many(self, *args).items()}

    monkeypatch.setattr(SqlAssemblyStore, "voter_standing", blind_one)
    monkeypatch.setattr(SqlAssemblyStore, "voter_standings", blind_many)
    voters = [people[1], people[0], people[2]]
    outcomes = assemblies.cast_ballots(
        app.uows, [BallotRequest(SCRUTINEER, code, 1, v, Choice.AGAINST) for v in voters]
    )
    monkeypatch.undo()
    assert [isinstance(o, GouvernanceError) for o in outcomes] == [False, True, False]
    assert "déjà voté" in outcomes[1].message  # type: ignore[union-attr]
    stored = _stored(app, code)[0]
    assert sorted(v for _, v, *_ in stored) == sorted(people[:3])
    assert audit_chain.verify(app.uows, SYSTEM).intact


def test_a_database_failure_reaches_every_ballot_of_the_batch_and_writes_nothing(
    app: Application, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gouvernance.persistence.audit_log import SqlAuditLog

    code = _assembly(app, people)
    requests = [BallotRequest(SCRUTINEER, code, 1, v, Choice.FOR) for v in people[:3]]

    def broken(self: SqlAuditLog) -> None:
        raise RuntimeError("panne")

    monkeypatch.setattr(SqlAuditLog, "write_pending", broken)
    with pytest.raises(RuntimeError):
        assemblies.cast_ballots(app.uows, requests)
    monkeypatch.undo()
    assert _stored(app, code)[0] == []


@ONLY_POSTGRESQL
def test_a_batch_of_secret_ballots_links_no_voter_to_a_sealed_ballot(
    app: Application, database_url: str, people: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each ballot of a batch runs in its own savepoint (its own subtransaction id on its vote
    row); the sealed ballots are inserted after all of them, outside, shuffled: no xmin join
    reaches them, and their order is not the voters' order."""
    code = _assembly(app, people)
    shuffled: list[int] = []
    real = assemblies._shuffle

    def shuffle(ballots: list[Any]) -> None:
        shuffled.append(len(ballots))
        real(ballots)

    monkeypatch.setattr(assemblies, "_shuffle", shuffle)
    voters = people[:PRESENT]
    assemblies.cast_ballots(
        app.uows, [BallotRequest(SCRUTINEER, code, 2, v, Choice.FOR) for v in voters]
    )
    assert shuffled == [PRESENT]
    with app.uows() as uow:
        session = uow.session  # type: ignore[attr-defined]
        linked = session.execute(
            text(
                "SELECT count(*) FROM assembly_votes v JOIN assembly_ballot_box b "
                "ON b.xmin = v.xmin AND b.resolution_id = v.resolution_id"
            )
        ).scalar()
        boxes = session.scalar(text("SELECT count(DISTINCT xmin::text) FROM assembly_ballot_box"))
    assert linked == 0 and boxes == 1


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-06-20")
    yield


def test_a_batch_reads_its_voters_standing_in_one_query_per_resolution(
    app: Application, people: list[str]
) -> None:
    from sqlalchemy import event

    code = _assembly(app, people)
    present = people[:PRESENT]
    requests = [
        BallotRequest(SCRUTINEER, code, number, voter, Choice.FOR)
        for number in (1, 2)
        for voter in present
    ]
    statements: list[str] = []
    engine = app.uows.engine  # type: ignore[attr-defined]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        outcomes = assemblies.cast_ballots(app.uows, requests)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not [o for o in outcomes if isinstance(o, GouvernanceError)]
    standings = [s for s in statements if s.lstrip().startswith("SELECT assembly_roll.")]
    assert len(standings) == 2  # one per resolution, not one per ballot (16)
