"""General assemblies in the database: the tally's aggregates, one ballot per associate, secret
ballots unlinked, and a closed assembly frozen by the database itself.

The rows are written straight through ``uow.assemblies`` (the store), not through the services:
a college A of three entitled associates (plus one not entitled) and a college B of two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import (
    Assembly,
    AssemblyStatus,
    Attendance,
    AttendanceRecord,
    BallotCount,
    Choice,
    CountSource,
    Method,
    Proposer,
    Resolution,
    RollEntry,
    Signatory,
    SignatoryRole,
    Vote,
)
from gouvernance.domain.assembly.tally import CollegeTurnout, Counts
from gouvernance.domain.errors import Conflict
from gouvernance.persistence.database import make_engine
from gouvernance.services.ports import UnitOfWork

AT = datetime(2027, 6, 12, 9, 30, tzinfo=UTC)
CLOSED = "assemblée close : plus rien ne change"
VOTE_KEPT = "un vote enregistré ne se modifie pas"


@dataclass(frozen=True)
class Seeded:
    assembly_id: int
    open_ballot: int  # resolution ids
    secret_ballot: int
    show_of_hands: int


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _assembly(code: str = "AG-2027-01") -> Assembly:
    return Assembly(
        code=code,
        title="Assemblée générale ordinaire 2027",
        kind="ordinary",
        convocation=1,
        held_on=date(2027, 6, 12),
        cutoff=date(2027, 6, 1),
        statutes_id="demo-statuts-scic",
        statutes_digest="0" * 64,
        rules="{}",
        status=AssemblyStatus.OPEN,
        created_at=AT,
        created_by="conseil",
    )


def _resolution(assembly_id: int, number: int, method: Method) -> Resolution:
    return Resolution(
        assembly_id, number, f"Résolution {number}", "", "ordinary", Proposer.BOARD, None,
        method, AT, "conseil",
    )  # fmt: skip


def _attend(
    uow: UnitOfWork, assembly_id: int, member: str, college: str, mode: Attendance,
    holder: str | None = None,
) -> None:  # fmt: skip
    uow.assemblies.add_attendance(
        AttendanceRecord(assembly_id, member, college, mode, holder, AT, "scrutateur")
    )


def _vote(
    uow: UnitOfWork, assembly_id: int, resolution_id: int, voter: str, college: str,
    choice: Choice | None, cast_by: str | None = None,
) -> None:  # fmt: skip
    uow.assemblies.add_vote(
        Vote(assembly_id, resolution_id, voter, cast_by or voter, college, choice, AT, voter)
    )


def _seed(app: Application) -> Seeded:
    """M1 present holding M2's proxy, M3 by blank proxy (A); M5 remote (B); M4 not entitled."""
    with app.uows() as uow:
        store = uow.assemblies
        assembly = _assembly()
        store.add(assembly)
        assert assembly.id is not None
        aid = assembly.id
        colleges = {"M1": "A", "M2": "A", "M3": "A", "M4": "A", "M5": "B", "M6": "B"}
        # M4 is not up to date with the fees: on the roll, not entitled.
        store.add_roll(
            [
                RollEntry(aid, code, code, "Salariés", college, code != "M4",
                          "cotisation impayée" if code == "M4" else "")
                for code, college in colleges.items()
            ]
        )  # fmt: skip
        _attend(uow, aid, "M1", "A", Attendance.PRESENT)
        _attend(uow, aid, "M2", "A", Attendance.REPRESENTED, holder="M1")
        _attend(uow, aid, "M3", "A", Attendance.BLANK_PROXY)
        _attend(uow, aid, "M5", "B", Attendance.REMOTE)
        resolutions = [_resolution(aid, n, m) for n, m in enumerate(Method, start=1)]
        for resolution in resolutions:
            store.add_resolution(resolution)
        first, secret, hands = (r.id for r in resolutions)
        assert first is not None and secret is not None and hands is not None
        _vote(uow, aid, first, "M1", "A", Choice.FOR)
        _vote(uow, aid, first, "M2", "A", Choice.FOR, cast_by="M1")
        _vote(uow, aid, first, "M5", "B", Choice.AGAINST)
        store.create_counters(
            [
                BallotCount(aid, secret, college, choice, 0, CountSource.SECRET)
                for college in ("A", "B")
                for choice in Choice
            ]
        )
        for voter, college, choice in (("M1", "A", Choice.FOR), ("M5", "B", Choice.ABSTAIN)):
            _vote(uow, aid, secret, voter, college, None)
            store.raise_counter(secret, college, choice)
        store.set_counts(aid, hands, "A", {Choice.FOR: 2, Choice.AGAINST: 1}, CountSource.HANDS)
        uow.commit()
    return Seeded(aid, first, secret, hands)


def _close(app: Application, code: str = "AG-2027-01") -> None:
    with app.uows() as uow:
        assembly = uow.assemblies.get(code, lock="update")
        assert assembly is not None
        assembly.status = AssemblyStatus.CLOSED
        assembly.closed_at, assembly.closed_by, assembly.results = AT, "scrutateur", "{}"
        uow.commit()


def test_the_turnout_counts_per_college_the_entitled_and_those_attending(
    app: Application,
) -> None:
    seeded = _seed(app)
    with app.uows() as uow:
        turnout = uow.assemblies.turnout(seeded.assembly_id)
    assert turnout == {
        "A": CollegeTurnout("A", entitled=3, attending=3, blank_proxies=1),
        "B": CollegeTurnout("B", entitled=2, attending=1, blank_proxies=0),
    }


def test_the_ballot_counts_add_open_ballots_secret_counters_and_a_show_of_hands(
    app: Application,
) -> None:
    seeded = _seed(app)
    with app.uows() as uow:
        uow.assemblies.set_counts(
            seeded.assembly_id, seeded.show_of_hands, "A",
            {Choice.FOR: 1, Choice.AGAINST: 2}, CountSource.HANDS,
        )  # fmt: skip
        uow.commit()
    with app.uows() as uow:
        counts = uow.assemblies.ballot_counts(seeded.assembly_id)
        recorded = uow.assemblies.votes_recorded(seeded.assembly_id)
        counted = uow.assemblies.counted_colleges(seeded.assembly_id)
    assert counts == {
        seeded.open_ballot: {"A": Counts(for_=2), "B": Counts(against=1)},
        seeded.secret_ballot: {"A": Counts(for_=1), "B": Counts(abstain=1)},
        seeded.show_of_hands: {"A": Counts(for_=1, against=2)},
    }
    assert recorded == {seeded.open_ballot: 3, seeded.secret_ballot: 2, seeded.show_of_hands: 0}
    assert counted == {seeded.show_of_hands: ("A",)}


def test_the_store_reads_back_the_roll_the_sheet_the_agenda_and_who_voted(
    app: Application,
) -> None:
    seeded = _seed(app)
    aid = seeded.assembly_id
    with app.uows() as uow:
        store = uow.assemblies
        assert [e.member_code for e in store.roll(aid)] == ["M1", "M2", "M3", "M4", "M5", "M6"]
        not_entitled = store.roll_entry(aid, "M4")
        assert not_entitled is not None and not_entitled.reason == "cotisation impayée"
        assert [r.member_code for r in store.attendance(aid)] == ["M1", "M2", "M3", "M5"]
        assert store.proxies_held(aid, "M1") == ["M2"]
        assert [r.number for r in store.resolutions(aid)] == [1, 2, 3]
        resolution = store.resolution(aid, 3)
        assert resolution is not None and resolution.method is Method.SHOW_OF_HANDS
        assert store.has_voted(seeded.open_ballot, "M2")
        assert not store.has_voted(seeded.show_of_hands, "M2")
        assert store.voted(aid, "M5") and not store.voted(aid, "M6")
        locked = store.get("AG-2027-01", lock="share")
        assert locked is not None and locked.status is AssemblyStatus.OPEN


def test_the_roll_size_and_those_who_may_not_vote_are_read_through_their_own_index(
    app: Application,
) -> None:
    """Six on the roll, M4 not entitled: counted and listed from the partial index of migration
    0016, explained by the database, not by walking the roll."""
    seeded = _seed(app)
    aid = seeded.assembly_id
    statements: list[tuple[str, object]] = []
    engine = app.uows.engine  # type: ignore[attr-defined]

    def seen(_c: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "FROM assembly_roll" in statement and "entitled" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with app.uows() as uow:
            assert uow.assemblies.roll_size(aid) == 6
            sheet = uow.assemblies.sheet_lines(aid)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [(line.member_code, line.entitled) for line in sheet] == [
        ("M1", True), ("M2", True), ("M3", True), ("M4", False), ("M5", True),
    ]  # fmt: skip
    postgresql = engine.dialect.name == "postgresql"
    excluded = [(s, p) for s, p in statements if "outer" in s.lower() or "count" in s.lower()]
    assert len(excluded) == 2
    with engine.connect() as connection:
        if postgresql:  # six rows: any plan will do unless scans are priced out
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in excluded:
            explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()  # type: ignore[arg-type]
            plan = "\n".join(str(row[-1]) for row in rows)
            assert "ix_assembly_roll_not_entitled" in plan, plan


def test_proxy_counts_are_those_of_the_holders_asked_for_whatever_their_number(
    app: Application,
) -> None:
    """M1 holds M2's proxy; M3's blank proxy has no holder; a holder asked for without proxy
    is absent. Beyond 500 codes asked for, every holder is counted and the asked ones kept."""
    seeded = _seed(app)
    with app.uows() as uow:
        store = uow.assemblies
        assert store.proxy_counts(seeded.assembly_id, ["M1", "M5"]) == {"M1": 1}
        assert store.proxy_counts(seeded.assembly_id, ["M5"]) == {}
        many = ["M1", *(f"X{n:04d}" for n in range(600))]
        assert store.proxy_counts(seeded.assembly_id, many) == {"M1": 1}
        assert store.proxy_counts(seeded.assembly_id, []) == {}


def test_every_assembly_is_listed_newest_first(app: Application) -> None:
    with app.uows() as uow:
        older = _assembly("AG-2026-01")
        older.held_on = date(2026, 6, 10)
        for assembly in (older, _assembly("AG-2027-01"), _assembly("AG-2027-02")):
            uow.assemblies.add(assembly)
        uow.commit()
    with app.uows() as uow:
        codes = [a.code for a in uow.assemblies.all()]
    assert codes == ["AG-2027-02", "AG-2027-01", "AG-2026-01"]


def test_a_second_ballot_of_the_same_associate_is_a_conflict_naming_the_voter(
    app: Application,
) -> None:
    seeded = _seed(app)
    with app.uows() as uow, pytest.raises(Conflict) as refused:
        _vote(uow, seeded.assembly_id, seeded.open_ballot, "M2", "A", Choice.AGAINST)
    assert (refused.value.field, refused.value.message) == (
        "voter",
        "cet associé a déjà voté sur cette résolution",
    )
    with app.uows() as uow:
        assert uow.assemblies.votes_recorded(seeded.assembly_id)[seeded.open_ballot] == 3


@pytest.mark.parametrize(
    ("duplicate", "field", "message"),
    [
        ("vote", "voter", "cet associé a déjà voté sur cette résolution"),
        ("attendance", "member", "la présence de cet associé est déjà enregistrée"),
        ("roll", "member", "cet associé figure déjà sur la liste d'émargement"),
        ("resolution", "number", "ce numéro de résolution est déjà pris"),
        ("counts", "college", "les décomptes de ce collège sont déjà saisis"),
        ("assembly", "code", "ce code d'assemblée est déjà attribué"),
    ],
)
def test_a_duplicate_written_at_commit_is_explained_in_french_with_its_field(
    app: Application, duplicate: str, field: str, message: str
) -> None:
    seeded = _seed(app)
    aid = seeded.assembly_id
    rows: dict[str, Any] = {
        "vote": Vote(aid, seeded.open_ballot, "M1", "M1", "A", Choice.FOR, AT, "M1"),
        "attendance": AttendanceRecord(aid, "M1", "A", Attendance.REMOTE, None, AT, "x"),
        "roll": RollEntry(aid, "M1", "Associé 1", "Salariés", "A", True),
        "resolution": _resolution(aid, 2, Method.OPEN),
        "counts": BallotCount(aid, seeded.secret_ballot, "A", Choice.FOR, 0, CountSource.HANDS),
        "assembly": _assembly(),
    }
    with app.uows() as uow, pytest.raises(Conflict, match=message) as refused:
        uow.assemblies.session.add(rows[duplicate])  # type: ignore[attr-defined]
        uow.commit()
    assert refused.value.field == field


def test_a_secret_ballot_links_no_associate_to_a_choice(app: Application, engine: Engine) -> None:
    seeded = _seed(app)
    with engine.connect() as connection:
        secret = connection.execute(
            text("SELECT voter_code, choice FROM assembly_votes WHERE resolution_id = :r"),
            {"r": seeded.secret_ballot},
        ).all()
    assert sorted(secret) == [("M1", None), ("M5", None)]
    columns = {column["name"] for column in inspect(engine).get_columns("assembly_counts")}
    assert columns == {"id", "assembly_id", "resolution_id", "college", "choice", "count", "source"}


def test_a_vote_is_never_updated_nor_deleted_even_while_the_assembly_is_open(
    app: Application, engine: Engine
) -> None:
    _seed(app)
    for statement in ("UPDATE assembly_votes SET choice = 'against'", "DELETE FROM assembly_votes"):
        with pytest.raises(DatabaseError, match=VOTE_KEPT), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assembly_votes")).scalar_one() == 5


# A write of each kind on each table of a closed assembly, and the refusal expected.
FROZEN = [
    ("INSERT INTO assembly_roll (assembly_id, member_code, name, category, college, entitled, "
     "reason) VALUES (:a, 'M7', 'x', '', 'B', :yes, '')", CLOSED),
    ("UPDATE assembly_roll SET name = 'x' WHERE assembly_id = :a", CLOSED),
    ("DELETE FROM assembly_roll WHERE assembly_id = :a", CLOSED),
    ("INSERT INTO assembly_attendance (assembly_id, member_code, college, mode, recorded_at, "
     "recorded_by) VALUES (:a, 'M6', 'B', 'present', :at, 'x')", CLOSED),
    ("UPDATE assembly_attendance SET mode = 'remote' WHERE assembly_id = :a", CLOSED),
    ("DELETE FROM assembly_attendance WHERE assembly_id = :a", CLOSED),
    ("INSERT INTO assembly_resolutions (assembly_id, number, title, text, decision_kind, "
     "proposer, method, created_at, created_by) VALUES (:a, 9, 'x', '', 'ordinary', 'board', "
     "'open', :at, 'x')", CLOSED),
    ("UPDATE assembly_resolutions SET title = 'x' WHERE assembly_id = :a", CLOSED),
    ("DELETE FROM assembly_resolutions WHERE assembly_id = :a AND number = 4", CLOSED),
    ("INSERT INTO assembly_votes (assembly_id, resolution_id, voter_code, cast_by, college, "
     "choice, recorded_at, recorded_by) VALUES (:a, :r, 'M6', 'M6', 'B', 'for', :at, 'x')",
     CLOSED),
    ("UPDATE assembly_votes SET choice = 'against' WHERE assembly_id = :a", VOTE_KEPT),
    ("DELETE FROM assembly_votes WHERE assembly_id = :a", VOTE_KEPT),
    ("INSERT INTO assembly_counts (assembly_id, resolution_id, college, choice, count, source) "
     "VALUES (:a, :r, 'B', 'for', 1, 'hands')", CLOSED),
    ("UPDATE assembly_counts SET count = count + 1 WHERE assembly_id = :a", CLOSED),
    ("DELETE FROM assembly_counts WHERE assembly_id = :a", CLOSED),
    ("UPDATE assemblies SET status = 'open' WHERE id = :a", CLOSED),
    ("UPDATE assemblies SET results = NULL WHERE id = :a", CLOSED),
    ("DELETE FROM assemblies WHERE id = :a", "une assemblée convoquée ne se supprime pas"),
]  # fmt: skip


@pytest.mark.parametrize(("statement", "refusal"), FROZEN, ids=[s[:40] for s, _ in FROZEN])
def test_the_database_refuses_any_change_to_a_closed_assembly(
    app: Application, engine: Engine, statement: str, refusal: str
) -> None:
    seeded = _seed(app)
    with app.uows() as uow:  # without ballots: nothing else refers to it
        uow.assemblies.add_resolution(_resolution(seeded.assembly_id, 4, Method.OPEN))
        uow.commit()
    _close(app)
    tables = ("assembly_roll", "assembly_attendance", "assembly_resolutions", "assembly_votes",
              "assembly_counts")  # fmt: skip
    before = _row_counts(engine, tables)
    parameters = {"a": seeded.assembly_id, "r": seeded.open_ballot, "at": AT, "yes": True}
    with pytest.raises(DatabaseError, match=refusal), engine.begin() as connection:
        connection.execute(text(statement), parameters)
    assert _row_counts(engine, tables) == before


def test_a_closed_assembly_can_still_be_signed_and_an_open_one_closed(app: Application) -> None:
    seeded = _seed(app)
    _close(app)
    with app.uows() as uow:
        for role, name in ((SignatoryRole.PRESIDENT, "Léa Blanc"),
                           (SignatoryRole.SCRUTINEER, "Hugo Martin")):  # fmt: skip
            uow.assemblies.add_signature(Signatory(seeded.assembly_id, role, name, AT, "conseil"))
        uow.commit()
    with app.uows() as uow:
        closed = uow.assemblies.get("AG-2027-01")
        status = closed.status if closed else None
        signed = [(s.role, s.name) for s in uow.assemblies.signatures(seeded.assembly_id)]
    assert status is AssemblyStatus.CLOSED
    assert signed == [
        (SignatoryRole.PRESIDENT, "Léa Blanc"),
        (SignatoryRole.SCRUTINEER, "Hugo Martin"),
    ]


def test_the_same_signatory_signing_twice_is_a_conflict(app: Application) -> None:
    seeded = _seed(app)
    _close(app)
    signature = Signatory(seeded.assembly_id, SignatoryRole.PRESIDENT, "Léa Blanc", AT, "conseil")
    with app.uows() as uow:
        uow.assemblies.add_signature(signature)
        uow.commit()
    with app.uows() as uow, pytest.raises(Conflict, match="a déjà signé") as refused:
        uow.assemblies.add_signature(
            Signatory(seeded.assembly_id, SignatoryRole.PRESIDENT, "Léa Blanc", AT, "conseil")
        )
    assert refused.value.field == "name"


def _row_counts(engine: Engine, tables: tuple[str, ...]) -> list[int]:
    with engine.connect() as connection:
        return [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in tables
        ]
